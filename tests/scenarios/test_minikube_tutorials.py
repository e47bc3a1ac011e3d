"""The seeds' minikube sessions on the minikube preset, through the HTTP contract only (``POST
/api/sandboxes {"preset": "minikube"}``, ``/run``, ``/clock``): kubernetes-bootcamp (scenario D with
``export NODE_PORT=$(… go-template …)`` and ``curl $(minikube ip):$NODE_PORT``) and kubernetes.io's
"Hello Minikube" (hello-node with ``minikube service`` and the metrics-server add-on)."""

from __future__ import annotations

import re

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app

GREETING = re.compile(r"^Hello Kubernetes bootcamp! \| Running on: (kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5}) "
                      r"\| v=(\d+)\n$")


@pytest.fixture
def app(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=11, start=DEFAULT_START)
    yield app
    app.extensions["kubeplay.journal"].close()


class Api:
    def __init__(self, client, sid: str) -> None:
        self.client, self.base = client, f"/api/sandboxes/{sid}"

    def run(self, line: str, rc: int | None = 0) -> str:
        r = self.client.post(f"{self.base}/run", json={"command": line})
        assert r.status_code == 200, r.json
        if rc is not None:
            assert r.json["exitCode"] == rc, r.json
        return r.json["output"]

    def advance(self, seconds: float) -> None:
        assert self.client.post(f"{self.base}/clock", json={"advance": seconds}).status_code == 200


@pytest.fixture
def api(app):
    client = app.test_client()
    r = client.post("/api/sandboxes", json={"preset": "minikube"})
    assert r.status_code == 201 and r.json["preset"] == "minikube"
    return Api(client, r.json["id"])


def test_bootcamp_session(api):
    assert api.run("kubectl create deployment kubernetes-bootcamp --image=jocatalin/kubernetes-bootcamp:v1") == \
        "deployment.apps/kubernetes-bootcamp created\n"
    assert api.run("kubectl expose deployment/kubernetes-bootcamp --type=NodePort --port 8080") == \
        "service/kubernetes-bootcamp exposed\n"
    api.advance(30)
    api.run("export NODE_PORT=$(kubectl get services/kubernetes-bootcamp -o go-template='{{(index .spec.ports 0).nodePort}}')")
    node_port = api.run("echo $NODE_PORT").strip()
    assert re.fullmatch(r"3\d{4}", node_port)
    assert api.run("minikube ip") == "192.168.49.2\n"
    m = GREETING.match(api.run("curl $(minikube ip):$NODE_PORT"))
    assert m and m.group(2) == "1"

    assert api.run("kubectl scale deployments/kubernetes-bootcamp --replicas=4") == \
        "deployment.apps/kubernetes-bootcamp scaled\n"
    api.advance(60)
    seen = {GREETING.match(api.run("curl $(minikube ip):$NODE_PORT")).group(1) for _ in range(24)}
    assert len(seen) > 1  # different pods answer through the node port

    api.run("kubectl set image deployments/kubernetes-bootcamp kubernetes-bootcamp=jocatalin/kubernetes-bootcamp:v2")
    api.advance(120)
    assert {GREETING.match(api.run("curl $(minikube ip):$NODE_PORT")).group(2) for _ in range(8)} == {"2"}

    api.run("kubectl set image deployments/kubernetes-bootcamp kubernetes-bootcamp=jocatalin/kubernetes-bootcamp:v10")
    api.advance(60)
    assert "ImagePullBackOff" in api.run("kubectl get pods") or "ErrImagePull" in api.run("kubectl get pods")
    api.run("kubectl rollout undo deployments/kubernetes-bootcamp")
    api.advance(120)
    rows = [ln.split() for ln in api.run("kubectl get pods").splitlines()[1:]]
    assert len(rows) == 4 and all(r[1:3] == ["1/1", "Running"] for r in rows), rows
    assert {GREETING.match(api.run("curl $(minikube ip):$NODE_PORT")).group(2) for _ in range(8)} == {"2"}


def test_hello_minikube(api):
    assert api.run("kubectl create deployment hello-node --image=registry.k8s.io/e2e-test-images/agnhost:2.39 "
                   "-- /agnhost netexec --http-port=8080") == "deployment.apps/hello-node created\n"
    api.advance(30)
    assert api.run("kubectl expose deployment hello-node --type=LoadBalancer --port=8080") == \
        "service/hello-node exposed\n"
    svc = api.run("kubectl get services")
    row = next(ln for ln in svc.splitlines() if ln.startswith("hello-node "))
    assert row.split()[1:4][0] == "LoadBalancer" and row.split()[3] == "<pending>"
    node_port = re.search(r"8080:(3\d{4})/TCP", row).group(1)

    url = f"http://192.168.49.2:{node_port}"
    bar = "|-----------|------------|-------------|---------------------------|\n"
    assert api.run("minikube service hello-node") == (
        bar + "| NAMESPACE |    NAME    | TARGET PORT |            URL            |\n" + bar
        + f"| default   | hello-node |        8080 | {url} |\n" + bar
        + "🎉  Opening service default/hello-node in default browser...\n")
    assert api.run("minikube service hello-node --url") == url + "\n"
    assert api.run(f"curl {url}").startswith("NOW: ")

    assert api.run("minikube addons enable metrics-server") == (
        "💡  metrics-server is an addon maintained by Kubernetes. For any concerns contact minikube on GitHub.\n"
        "You can view the list of minikube maintainers at: https://github.com/kubernetes/minikube/blob/master/OWNERS\n"
        "    ▪ Using image registry.k8s.io/metrics-server/metrics-server:v0.7.2\n"
        "🌟  The 'metrics-server' addon is enabled\n")
    api.advance(60)
    listing = api.run("kubectl get pod,svc -n kube-system")
    pods = {ln.split()[0]: ln.split()[2] for ln in listing.split("\n\n")[0].splitlines()[1:]}
    assert {"pod/etcd-minikube", "pod/kube-apiserver-minikube", "pod/kube-controller-manager-minikube",
            "pod/kube-scheduler-minikube", "pod/storage-provisioner"} <= set(pods)
    assert any(p.startswith("pod/metrics-server-") for p in pods) and any(p.startswith("pod/coredns-") for p in pods)
    assert any(p.startswith("pod/kube-proxy-") for p in pods)
    assert set(pods.values()) == {"Running"}, pods
    assert "service/metrics-server" in listing and "service/kube-dns" in listing
    assert api.run("minikube addons disable metrics-server") == "🌑  \"The 'metrics-server' addon is disabled\n"
    assert "| metrics-server              | minikube | disabled     | Kubernetes" in api.run("minikube addons list")


def test_minikube_elsewhere_has_no_profile(app):
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    assert client.get(f"/api/sandboxes/{sid}").json == {"id": sid, "preset": "kubeadm", "readOnly": False,
                                                       "maxNodes": 12, "pageNodes": 12}
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "minikube ip"}).json
    assert r == {"output": '🤷  Profile "minikube" not found. Run "minikube profile list" to view all profiles.\n'
                           '👉  To start a cluster, run: "minikube start"\n', "exitCode": 85}
    bad = client.post("/api/sandboxes", json={"preset": "k3s"})
    assert bad.status_code == 400 and bad.json["field"] == "preset"


def test_preset_survives_a_restart(tmp_path):
    config = {"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True}
    app = create_app(config, seed=3, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes", json={"preset": "minikube"}).json["id"]
    client.post(f"/api/sandboxes/{sid}/run", json={"command": "minikube node add"})
    before = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl get nodes -o wide"}).json["output"]
    app.extensions["kubeplay.journal"].close()

    again = create_app(config, seed=3, start=DEFAULT_START).test_client()
    assert again.get(f"/api/sandboxes/{sid}").json["preset"] == "minikube"
    after = again.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl get nodes -o wide"}).json["output"]
    assert after == before and "minikube-m02" in after
