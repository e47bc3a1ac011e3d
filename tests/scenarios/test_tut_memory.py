"""kubernetes.io "Assign Memory Resources to Containers and Pods" (tasks/configure-pod-container/
assign-memory-resource), typed as the page gives it, through the HTTP contract: polinux/stress
allocating 150M under a 200Mi limit runs (and ``kubectl top`` shows it, with the metrics-server
add-on); allocating 250M under a 100Mi limit is OOMKilled (exit 137), restarted, and ends in
CrashLoopBackOff; a 1000Gi request fits no node and stays Pending."""

from __future__ import annotations

import pytest

from tests.scenarios.tutterm import column, tutorial_term


def stress_pod(name: str, request: str, limit: str, vm_bytes: str) -> str:
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: mem-example
spec:
  containers:
  - name: {name}-ctr
    image: polinux/stress
    resources:
      requests:
        memory: "{request}"
      limits:
        memory: "{limit}"
    command: ["stress"]
    args: ["--vm", "1", "--vm-bytes", "{vm_bytes}", "--vm-hang", "1"]
"""


@pytest.fixture
def term(tmp_path):
    with tutorial_term(tmp_path) as t:
        yield t


def test_a_container_over_its_memory_limit_is_oom_killed(term):
    assert term.run("kubectl create namespace mem-example") == "namespace/mem-example created\n"

    # memory-demo: 150M under a 200Mi limit
    assert term.apply(stress_pod("memory-demo", "100Mi", "200Mi", "150M")) == "pod/memory-demo created\n"
    term.advance(20)
    assert column(term.run("kubectl get pod memory-demo --namespace=mem-example"), "memory-demo", "STATUS") == \
        "Running"
    yaml = term.run("kubectl get pod memory-demo --output=yaml --namespace=mem-example")
    assert "    resources:\n      limits:\n        memory: 200Mi\n      requests:\n        memory: 100Mi\n" in yaml
    assert term.run("kubectl logs memory-demo -n mem-example") == \
        "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n"
    term.addon("metrics-server")
    term.advance(90)
    top = term.run("kubectl top pod memory-demo --namespace=mem-example")
    memory = column(top, "memory-demo", "MEMORY(bytes)")
    assert memory.endswith("Mi") and 150 <= int(memory[:-2]) <= 170, top  # 150M = 143Mi, plus stress itself
    assert term.run("kubectl delete pod memory-demo --namespace=mem-example") == 'pod "memory-demo" deleted\n'

    # memory-demo-2: 250M under a 100Mi limit
    assert term.apply(stress_pod("memory-demo-2", "50Mi", "100Mi", "250M")) == "pod/memory-demo-2 created\n"
    seen = set()
    for _ in range(150):  # the page catches it in OOMKilled, then CrashLoopBackOff
        term.advance(0.2)
        seen.add(column(term.run("kubectl get pod memory-demo-2 --namespace=mem-example"), "memory-demo-2",
                        "STATUS"))
    assert "OOMKilled" in seen and "CrashLoopBackOff" in seen, seen
    yaml = term.run("kubectl get pod memory-demo-2 --output=yaml --namespace=mem-example")
    assert "    lastState:\n      terminated:\n" in yaml
    last = yaml.split("    lastState:\n", 1)[1].split("    name:", 1)[0]
    assert "        exitCode: 137\n" in last and "        reason: OOMKilled\n" in last
    described = term.run("kubectl describe pod memory-demo-2 --namespace=mem-example")
    assert ("    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n"
            in described)
    assert "Back-off restarting failed container memory-demo-2-ctr in pod memory-demo-2_mem-example(" in described
    restarts = column(term.run("kubectl get pod memory-demo-2 --namespace=mem-example"), "memory-demo-2",
                      "RESTARTS")
    assert int(restarts.split()[0]) >= 2
    # the log is the one line stress wrote before the kernel killed it
    assert term.run("kubectl logs memory-demo-2 -n mem-example") == \
        "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n"
    term.run("kubectl delete pod memory-demo-2 --namespace=mem-example")

    # memory-demo-3: a request no node can hold
    term.apply(stress_pod("memory-demo-3", "1000Gi", "1000Gi", "150M"))
    term.advance(10)
    assert column(term.run("kubectl get pod memory-demo-3 --namespace=mem-example"), "memory-demo-3", "STATUS") == \
        "Pending"
    assert "Insufficient memory" in term.run("kubectl describe pod memory-demo-3 --namespace=mem-example")
