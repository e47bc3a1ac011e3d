"""kubernetes.io "Configure Liveness, Readiness and Startup Probes" (tasks/configure-pod-container/
configure-liveness-readiness-startup-probes), typed as the page gives it, through the HTTP contract:

- liveness-exec: ``touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600`` with ``cat
  /tmp/healthy`` every 5 s — healthy for 30 s, then busybox cat's error three times, the kubelet's
  ``Killing`` event, and (busybox sh as PID 1 ignores SIGTERM) a restart after the 30 s grace period;
- liveness-http: agnhost ``liveness`` answers /healthz 200 for 10 s, then 500;
- goproxy: tcpSocket readiness and liveness on 8080, Ready once the first readiness probe passes;
- a readiness exec probe taking a pod out of its Service's endpoints and back.
The event texts are the kubelet's (pkg/kubelet/prober), as the page's ``kubectl describe`` shows."""

from __future__ import annotations

import pytest

from tests.scenarios.tutterm import column, tutorial_term

EXEC_LIVENESS = """apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-exec
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/busybox:1.27.2
    args:
    - /bin/sh
    - -c
    - touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600
    livenessProbe:
      exec:
        command:
        - cat
        - /tmp/healthy
      initialDelaySeconds: 5
      periodSeconds: 5
"""

HTTP_LIVENESS = """apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-http
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/e2e-test-images/agnhost:2.40
    args:
    - liveness
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
        httpHeaders:
        - name: Custom-Header
          value: Awesome
      initialDelaySeconds: 3
      periodSeconds: 3
"""

TCP_LIVENESS_READINESS = """apiVersion: v1
kind: Pod
metadata:
  name: goproxy
  labels:
    app.kubernetes.io/name: goproxy
spec:
  containers:
  - name: goproxy
    image: registry.k8s.io/goproxy:0.1
    ports:
    - containerPort: 8080
    readinessProbe:
      tcpSocket:
        port: 8080
      initialDelaySeconds: 15
      periodSeconds: 10
    livenessProbe:
      tcpSocket:
        port: 8080
      initialDelaySeconds: 15
      periodSeconds: 10
"""

READINESS = """apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: web
    image: nginx:1.27.4
    readinessProbe:
      exec:
        command:
        - cat
        - /tmp/healthy
      initialDelaySeconds: 5
      periodSeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
"""

CAT_FAILED = "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"
KILLING = "Container liveness failed liveness probe, will be restarted"


@pytest.fixture
def term(tmp_path):
    with tutorial_term(tmp_path) as t:
        yield t


def events(described: str) -> list[list[str]]:
    """The Events table's rows of a describe, split on runs of 2+ spaces."""
    import re

    rows = described.split("\nEvents:\n", 1)[1].splitlines()[2:]
    return [re.split(r"\s{2,}", row.strip()) for row in rows if row.strip()]


def test_liveness_exec_restarts_the_container_after_the_file_goes(term):
    assert term.apply(EXEC_LIVENESS) == "pod/liveness-exec created\n"
    term.advance(25)
    first = term.run("kubectl describe pod liveness-exec")
    assert [e[1] for e in events(first)] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert CAT_FAILED not in first

    term.advance(25)  # 50 s: the file went at 30 s; three failed probes, 5 s apart
    second = term.run("kubectl describe pod liveness-exec")
    rows = {e[1]: e for e in events(second)}
    assert rows["Unhealthy"][0] == "Warning" and rows["Unhealthy"][4] == CAT_FAILED
    last_seen, repeated = rows["Unhealthy"][2].split(" ", 1)
    assert repeated == f"(x3 over {int(last_seen[:-1]) + 10}s)"  # the first and the last 10 s apart
    assert rows["Killing"][0] == "Normal" and rows["Killing"][4] == KILLING
    assert column(term.run("kubectl get pod liveness-exec"), "liveness-exec", "RESTARTS") == "0"

    term.advance(40)  # sh ignores SIGTERM: SIGKILL at the end of the 30 s grace period, then a new container
    restarted = term.run("kubectl get pod liveness-exec")
    assert column(restarted, "liveness-exec", "STATUS") == "Running"
    assert column(restarted, "liveness-exec", "RESTARTS").startswith("1 (")
    last = term.run("kubectl get pod liveness-exec -o jsonpath='{.status.containerStatuses[0].lastState.terminated."
                    "exitCode} {.status.containerStatuses[0].lastState.terminated.reason}'")
    assert last == "137 Error"


def test_liveness_http_fails_after_ten_seconds(term):
    assert term.apply(HTTP_LIVENESS) == "pod/liveness-http created\n"
    term.advance(12)
    assert "Unhealthy" not in [e[1] for e in events(term.run("kubectl describe pod liveness-http"))]
    term.advance(18)
    rows = {e[1]: e for e in events(term.run("kubectl describe pod liveness-http"))}
    assert rows["Unhealthy"][4] == "Liveness probe failed: HTTP probe failed with statuscode: 500"
    assert rows["Killing"][4] == KILLING
    term.advance(10)  # agnhost stops on SIGTERM at once: restarted well within the grace period
    assert int(column(term.run("kubectl get pod liveness-http"), "liveness-http", "RESTARTS").split()[0]) >= 1


def test_tcp_readiness_and_liveness(term):
    assert term.apply(TCP_LIVENESS_READINESS) == "pod/goproxy created\n"
    term.advance(10)
    assert column(term.run("kubectl get pod goproxy"), "goproxy", "READY") == "0/1"  # no probe before 15 s
    term.advance(15)
    got = term.run("kubectl get pod goproxy")
    assert column(got, "goproxy", "READY") == "1/1" and column(got, "goproxy", "RESTARTS") == "0"
    assert "Unhealthy" not in term.run("kubectl describe pod goproxy")


def test_readiness_takes_the_pod_out_of_its_service(term):
    assert term.apply(READINESS) == "pod/web created\nservice/web created\n"
    term.advance(15)
    assert column(term.run("kubectl get pod web"), "web", "READY") == "0/1"
    assert column(term.run("kubectl get endpoints web"), "web", "ENDPOINTS") == ""
    described = term.run("kubectl describe pod web")
    assert "Readiness probe failed: cat: /tmp/healthy: No such file or directory" in described  # Debian's cat

    assert term.run("kubectl exec web -- touch /tmp/healthy") == ""
    term.advance(6)
    ip = term.run("kubectl get pod web -o jsonpath={.status.podIP}")
    assert column(term.run("kubectl get pod web"), "web", "READY") == "1/1"
    assert column(term.run("kubectl get endpoints web"), "web", "ENDPOINTS") == f"{ip}:80"

    assert term.run("kubectl exec web -- rm /tmp/healthy") == ""
    term.advance(16)  # three failures, 5 s apart
    assert column(term.run("kubectl get pod web"), "web", "READY") == "0/1"
    assert column(term.run("kubectl get endpoints web"), "web", "ENDPOINTS") == ""
    assert column(term.run("kubectl get pod web"), "web", "RESTARTS") == "0"  # readiness never restarts


GRPC_LIVENESS = """apiVersion: v1
kind: Pod
metadata:
  name: etcd-with-grpc
spec:
  containers:
  - name: etcd
    image: registry.k8s.io/etcd:3.5.1-0
    command: [ "/usr/local/bin/etcd", "--data-dir",  "/var/lib/etcd", "--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls", "http://127.0.0.1:2379", "--log-level", "debug"]
    ports:
    - containerPort: 2379
    livenessProbe:
      grpc:
        port: 2379
      initialDelaySeconds: 10
"""


def test_grpc_liveness_on_etcd(term):
    assert term.apply(GRPC_LIVENESS) == "pod/etcd-with-grpc created\n"
    term.advance(60)
    got = term.run("kubectl get pod etcd-with-grpc")
    assert column(got, "etcd-with-grpc", "READY") == "1/1" and column(got, "etcd-with-grpc", "RESTARTS") == "0"
    assert "Unhealthy" not in term.run("kubectl describe pod etcd-with-grpc")
    # the same probe on a port etcd does not serve fails in the prober's words, and restarts it
    term.apply(GRPC_LIVENESS.replace("name: etcd-with-grpc", "name: etcd-wrong-port")
               .replace("        port: 2379", "        port: 2390"))
    term.advance(60)
    rows = {e[1]: e for e in events(term.run("kubectl describe pod etcd-wrong-port"))}
    assert rows["Unhealthy"][4].startswith("Liveness probe failed: timeout: failed to connect service ")
    assert rows["Killing"][4] == "Container etcd failed liveness probe, will be restarted"
