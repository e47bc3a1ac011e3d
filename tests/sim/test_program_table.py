"""One program table per container (``programs.image_table``): the container's main process, its
exec probes, ``kubectl exec`` and the pod shell find the same programs — the image's userland,
procps where the image ships it, ``timeout``, the network tools it has (busybox wget, nginx's
curl), its own binaries. Also the kubelet's ``$(VAR)`` expansion of command/args, and the ingress
add-on's kube-webhook-certgen Jobs, which now complete."""

from __future__ import annotations

import re

import pytest

from server.kubectl import run
from server.sim.cluster import Cluster
from server.sim.programs import ProcState, has_procps, image_table
from server.sim.registry import Registry


@pytest.fixture(scope="module")
def registry():
    return Registry()


def table(registry, ref: str) -> dict:
    img = registry.resolve(ref)
    assert img is not None, ref
    return image_table(img, ProcState())


def kubectl(c: Cluster, line: str, stdin: str = "") -> str:
    return run(c, line, stdin=stdin).output if stdin else run(c, line).output


@pytest.mark.parametrize("ref,ps", [("ubuntu:22.04", True), ("centos:7", True), ("perl:5.34.0", True),
                                    ("python:3.12", True), ("python:3.12-slim", False), ("debian:12", False),
                                    ("nginx:1.27", False), ("httpd:2.4", False)])
def test_procps_only_where_the_image_ships_it(registry, ref, ps):
    assert has_procps(registry.resolve(ref)) is ps
    assert ("ps" in table(registry, ref)) is ps and ("free" in table(registry, ref)) is ps


def test_the_tables_network_tools_and_timeout(registry):
    busybox, nginx, dnsutils = (table(registry, r) for r in
                                ("busybox:1.36", "nginx:1.27", "registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3"))
    assert "wget" in busybox and "curl" not in busybox and "ps" in busybox  # busybox's own ps applet
    assert "curl" in nginx and "wget" not in nginx
    assert {"nslookup", "dig"} <= set(dnsutils)
    assert all("timeout" in t and "clear" in t for t in (busybox, nginx, dnsutils))
    assert table(registry, "registry.k8s.io/pause:3.10").keys() == {"/pause"}  # distroless: nothing else


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=1)
    kubectl(c, "kubectl create deployment web --image=nginx:1.27")
    kubectl(c, "kubectl expose deployment web --port=80")
    c.advance(40)  # the Service has its endpoint before the pods below ask it
    kubectl(c, "kubectl apply -f -", """apiVersion: v1
kind: Pod
metadata: {name: loop}
spec:
  restartPolicy: Never
  containers:
  - name: loop
    image: busybox:1.36
    command: ["sh", "-c", "wget -q -O- http://web; echo; timeout 2 sleep 10; echo timeout=$?; sleep 3600"]
---
apiVersion: v1
kind: Pod
metadata: {name: nowget}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: nginx:1.27
    command: ["sh", "-c", "wget -q -O- http://web; echo status=$?; timeout 1 sleep 5; echo timeout=$?"]
---
apiVersion: v1
kind: Pod
metadata: {name: greeter}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: debian:12
    env:
    - {name: MESSAGE, value: hello world}
    command: ["/bin/echo"]
    args: ["$(MESSAGE)", "$$(MESSAGE)", "$(UNSET)", "cost: $5"]
---
apiVersion: v1
kind: Pod
metadata: {name: shell}
spec:
  containers:
  - name: c
    image: ubuntu:22.04
    command: ["sleep", "3600"]
""")
    c.advance(60)
    return c


def test_a_main_process_finds_the_images_network_tools(lab):
    loop = kubectl(lab, "kubectl logs loop")
    assert loop.startswith("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>")
    assert loop.endswith("</html>\n\ntimeout=143\n")  # busybox timeout: 128 + SIGTERM
    assert kubectl(lab, "kubectl logs nowget") == "sh: 1: wget: not found\nstatus=127\ntimeout=124\n"


def test_the_kubelet_expands_command_and_args(lab):
    assert kubectl(lab, "kubectl logs greeter") == "hello world $(MESSAGE) $(UNSET) cost: $5\n"


def test_exec_and_the_main_process_share_the_table(lab):
    ps = kubectl(lab, "kubectl exec shell -- ps")
    assert ps.splitlines()[0].split() == ["PID", "TTY", "TIME", "CMD"]
    out = run(lab, "kubectl exec shell -- timeout 1 sleep 5")
    assert out.exit_code == 124  # GNU timeout
    web = kubectl(lab, "kubectl get pods -l app=web -o name").split()[0]
    assert 'exec: "wget": executable file not found in $PATH' in \
        run(lab, f"kubectl exec {web} -- wget -qO- localhost").output
    assert kubectl(lab, f"kubectl exec {web} -- curl -s localhost").startswith("<!DOCTYPE html>")


def test_the_ingress_addons_certgen_jobs_complete():
    c = Cluster(seed=2)
    c.set_addon("ingress", True)
    c.advance(90)
    rows = {ln.split()[0]: ln.split()[1:4] for ln in kubectl(c, "kubectl get pods -n ingress-nginx").splitlines()[1:]}
    jobs = {n: v for n, v in rows.items() if "admission" in n}
    create_pod = next(n for n in jobs if "create" in n)
    patch_pod = next(n for n in jobs if "patch" in n)
    # the patch Job may start before create has made the Secret: it fails once and is restarted, as a
    # fresh minikube often shows (Completed, 1 restart)
    assert len(jobs) == 2 and jobs[create_pod] == ["0/1", "Completed", "0"], rows
    assert jobs[patch_pod][:2] == ["0/1", "Completed"] and jobs[patch_pod][2] in ("0", "1"), rows
    assert [v for n, v in rows.items() if "controller" in n] == [["1/1", "Running", "0"]]
    create = kubectl(c, f"kubectl logs -n ingress-nginx {create_pod}").splitlines()
    assert re.fullmatch(r"W\d{4} \d\d:\d\d:\d\d\.\d{6}       1 client_config\.go:659\] Neither --kubeconfig nor "
                        r"--master was specified\.  Using the inClusterConfig\.  This might not work\.", create[0])
    # nothing made the Secret before the Job: certgen makes it
    assert re.fullmatch(r'\{"err":"secrets \\"ingress-nginx-admission\\" not found","level":"info","msg":"no secret '
                        r'found","source":"k8s/k8s\.go:229","time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\}', create[1])
    assert create[2].startswith('{"level":"info","msg":"creating new secret","source":"cmd/create.go:28",')
    patch = kubectl(c, f"kubectl logs -n ingress-nginx {next(n for n in jobs if 'patch' in n)}").splitlines()
    assert patch[1].startswith('{"level":"info","msg":"patching webhook configurations \'ingress-nginx-admission\' '
                               'mutating=false, validating=true, failurePolicy=Fail","source":"k8s/k8s.go:118",')
    assert patch[2].startswith('{"level":"info","msg":"Patched hook(s)","source":"k8s/k8s.go:138",')
    assert kubectl(c, "kubectl get jobs -n ingress-nginx").count("Complete") == 2


def test_certgen_create_makes_a_missing_secret_and_patch_needs_it():
    c = Cluster(seed=3)
    image = "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4"
    kubectl(c, "kubectl apply -f -", f"""apiVersion: v1
kind: Pod
metadata: {{name: patch-first}}
spec:
  restartPolicy: Never
  containers:
  - name: patch
    image: {image}
    args: [patch, --webhook-name=hook, --namespace=default, --secret-name=certs]
""")
    c.advance(30)
    out = kubectl(c, "kubectl logs patch-first").splitlines()
    assert out[1].startswith('{"err":"secrets \\"certs\\" not found","level":"info","msg":"no secret found",')
    assert out[2].startswith('{"level":"fatal","msg":"no secret with \'certs\' in \'default\'",'
                             '"source":"cmd/patch.go:47",')
    assert kubectl(c, "kubectl get pod patch-first").split()[7] == "Error"
    kubectl(c, "kubectl apply -f -", f"""apiVersion: v1
kind: Pod
metadata: {{name: create}}
spec:
  restartPolicy: Never
  containers:
  - name: create
    image: {image}
    args: [create, --host=svc, --namespace=default, --secret-name=certs]
""")
    c.advance(30)
    out = kubectl(c, "kubectl logs create").splitlines()
    assert '"msg":"no secret found"' in out[1] and '"msg":"creating new secret","source":"cmd/create.go:28"' in out[2]
    assert kubectl(c, "kubectl get pod create").split()[7] == "Completed"
    assert sorted(c.store.get("Secret", "default", "certs")["data"]) == ["ca", "cert", "key"]
