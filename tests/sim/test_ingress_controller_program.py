"""The ingress add-on's own programs as ``kubectl`` shows them: the controller's start-up (its
version banner on stdout, klog's lines on stderr against the ``kubernetes`` Service's address, then
it serves on), and the admission Jobs' kube-webhook-certgen: ``create`` writes the webhook Secret
the add-on does not ship, ``patch`` needs it (a ``patch`` that starts first fails and the Job's pod
restarts it, as on a fresh minikube), and both Jobs complete."""

from __future__ import annotations

import re

import pytest

from server.kubectl import run
from server.sim.cluster import Cluster


def kubectl(c: Cluster, line: str) -> str:
    return run(c, line).output


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=2)
    c.set_addon("ingress", True)
    c.advance(90)
    return c


def _pods(c: Cluster) -> dict[str, list[str]]:
    return {ln.split()[0]: ln.split()[1:4] for ln in kubectl(c, "kubectl get pods -n ingress-nginx").splitlines()[1:]}


def test_the_controller_prints_its_banner_then_klogs_start_up(lab):
    assert [v for n, v in _pods(lab).items() if "controller" in n] == [["1/1", "Running", "0"]]
    logs = kubectl(lab, "kubectl logs -n ingress-nginx deploy/ingress-nginx-controller").splitlines()
    rule = "-" * 79
    assert logs[:9] == [rule, "NGINX Ingress controller", "  Release:       v1.11.3", logs[3],
                        "  Repository:    https://github.com/kubernetes/ingress-nginx", "  nginx version: nginx/1.25.5",
                        "", rule, ""]
    ip = lab.store.get("Service", "default", "kubernetes")["spec"]["clusterIP"]
    assert re.fullmatch(rf'I\d{{4}} \d\d:\d\d:\d\d\.\d{{6}}       7 main\.go:205\] "Creating API client" '
                        rf'host="https://{re.escape(ip)}:443"', logs[10]), logs[10]
    assert logs[-1].endswith(' 7 nginx.go:271] "Starting NGINX Ingress controller"')


def test_the_controller_keeps_running_and_listens(lab):
    lab.advance(120)
    assert [v for n, v in _pods(lab).items() if "controller" in n] == [["1/1", "Running", "0"]]
    pod = next(n for n in _pods(lab) if "controller" in n)
    uid = lab.store.get("Pod", "ingress-nginx", pod)["metadata"]["uid"]
    assert lab.runtime.listening(uid, "controller") == (80, 443, 8443, 10254)


def test_the_certgen_jobs_make_the_secret_and_complete(lab):
    jobs = {n: v for n, v in _pods(lab).items() if "admission" in n}
    create = next(n for n in jobs if "create" in n)
    assert jobs[create] == ["0/1", "Completed", "0"]
    out = kubectl(lab, f"kubectl logs -n ingress-nginx {create}").splitlines()
    assert out[1].startswith('{"err":"secrets \\"ingress-nginx-admission\\" not found","level":"info",'
                             '"msg":"no secret found",')
    assert out[2].startswith('{"level":"info","msg":"creating new secret","source":"cmd/create.go:28",')
    assert lab.store.get("Secret", "ingress-nginx", "ingress-nginx-admission")["data"].keys() >= {"ca", "cert", "key"}
    patch = next(n for n in jobs if "patch" in n)
    assert jobs[patch][:2] == ["0/1", "Completed"]
    assert kubectl(lab, f"kubectl logs -n ingress-nginx {patch}").splitlines()[-1].startswith(
        '{"level":"info","msg":"Patched hook(s)","source":"k8s/k8s.go:138",')
    assert kubectl(lab, "kubectl get jobs -n ingress-nginx").count("Complete") == 2
