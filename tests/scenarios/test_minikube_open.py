"""minikube's browser and apiserver on the minikube preset, through the HTTP contract (``/run``):
``minikube service NAME`` and ``minikube dashboard`` answer with ``open`` (what the page opens: the
URL and what the service answers there, or the canvas), ``--url`` opens nothing; the apiserver
listens on 8443 behind 10.96.0.1 and answers an anonymous ``curl -k`` with its 403 Status; after
``minikube stop`` (no ``open``: the page learns the machines from the live feed) kubectl's connection
is refused as kubectl v1.32 prints it — discovery's klog errors while nothing is cached for that
server, then the connection line — until ``minikube start``."""

from __future__ import annotations

import json
import re

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app


@pytest.fixture
def app(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=7, start=DEFAULT_START)
    yield app
    app.extensions["kubeplay.journal"].close()


class Api:
    def __init__(self, client, sid: str) -> None:
        self.client, self.base = client, f"/api/sandboxes/{sid}"

    def post(self, line: str) -> dict:
        r = self.client.post(f"{self.base}/run", json={"command": line})
        assert r.status_code == 200, r.json
        return r.json

    def run(self, line: str, rc: int = 0) -> str:
        answer = self.post(line)
        assert answer["exitCode"] == rc, answer
        return answer["output"]

    def advance(self, seconds: float) -> None:
        assert self.client.post(f"{self.base}/clock", json={"advance": seconds}).status_code == 200


@pytest.fixture
def api(app):
    client = app.test_client()
    r = client.post("/api/sandboxes", json={"preset": "minikube"})
    assert r.status_code == 201
    return Api(client, r.json["id"])


def test_minikube_service_opens_the_service_with_what_it_answers(api):
    api.run("kubectl create deployment web --image=nginx")
    api.run("kubectl expose deployment web --type=NodePort --port=80")
    api.advance(30)
    port = api.run("kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'")
    answer = api.post("minikube service web")
    assert answer["exitCode"] == 0, answer
    url = f"http://192.168.49.2:{port}"
    assert url in answer["output"] and "🎉  Opening service default/web in default browser...\n" in answer["output"]
    opened = answer["open"]
    assert (opened["kind"], opened["url"], opened["title"], opened["status"]) == ("service", url, "default/web", 200)
    assert opened["body"] == api.run(f"curl -s {url}")  # what curl of it answers
    assert "Welcome to nginx!" in opened["body"]
    # --url only prints; a command that opens nothing answers without ``open``
    bare = api.post("minikube service web --url")
    assert bare["output"] == url + "\n" and "open" not in bare
    assert "open" not in api.post("minikube ip")


def test_minikube_dashboard_opens_the_canvas(api):
    answer = api.post("minikube dashboard")
    assert answer["exitCode"] == 0, answer
    url = "http://127.0.0.1:36143/api/v1/namespaces/kubernetes-dashboard/services/http:kubernetes-dashboard:/proxy/"
    assert answer["output"].endswith(f"🎉  Opening {url} in your default browser...\n")
    assert answer["open"] == {"kind": "dashboard", "url": url, "title": "Kubernetes Dashboard"}
    assert api.run("minikube dashboard --url").endswith(url + "\n")


def test_the_apiserver_listens_on_8443_and_forbids_anonymous(api):
    assert api.run("kubectl get endpoints kubernetes").splitlines()[1].split()[:2] == ["kubernetes", "192.168.49.2:8443"]
    assert api.run("kubectl get svc kubernetes -o jsonpath='{.spec.ports[0].targetPort}'") == "8443"
    command = api.run("kubectl get pod -n kube-system kube-apiserver-minikube -o jsonpath='{.spec.containers[0].command}'")
    assert "--secure-port=8443" in json.loads(command)
    api.advance(60)  # kubeadm's probes reach it where it listens: no Unhealthy events, the pod stays Ready
    probe = json.loads(api.run("kubectl get pod -n kube-system kube-apiserver-minikube "
                               "-o jsonpath='{.spec.containers[0].readinessProbe.httpGet}'"))
    assert probe == {"host": "192.168.49.2", "path": "/readyz", "port": 8443, "scheme": "HTTPS"}
    assert api.run("kubectl get pod -n kube-system kube-apiserver-minikube --no-headers").split()[1:4] == \
        ["1/1", "Running", "0"]
    assert "Unhealthy" not in api.run("kubectl get events -n kube-system")
    status = json.loads(api.run("minikube ssh -- curl -sk https://10.96.0.1"))
    assert status == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                      "message": 'forbidden: User "system:anonymous" cannot get path "/"', "reason": "Forbidden",
                      "details": {}, "code": 403}
    assert api.run("minikube ssh -- curl -sk https://192.168.49.2:8443/livez") == "ok"
    assert api.run("minikube ssh -- curl -sk -o /dev/null -w '%{http_code}' https://10.96.0.1/api") == "403"


KLOG = re.compile(r'E\d{4} \d\d:\d\d:\d\d\.\d{6} +(\d+) memcache\.go:265\] "Unhandled Error" '
                  r'err="couldn\'t get current server API group list: Get \\"(\S+)/api\?timeout=32s\\": '
                  r'dial tcp (\S+): connect: connection refused"\n')


def test_after_minikube_stop_kubectl_is_refused_until_start(api):
    assert api.run("kubectl get pods") == "No resources found in default namespace.\n"  # discovery cached
    stopped = api.post("minikube stop")
    assert "open" not in stopped  # the canvas learns it from the snapshots and deltas
    out = stopped["output"]
    assert out == '✋  Stopping node "minikube"  ...\n🛑  Powering off "minikube" via SSH ...\n🛑  1 node stopped.\n'
    # minikube stop unset the current context: the workstation's kubectl has no server but localhost:8080,
    # never discovered, so discovery's five klog errors come first
    assert api.run("kubectl config current-context", rc=1) == "error: current-context is not set\n"
    lines = api.run("kubectl get pods", rc=1).splitlines(keepends=True)
    assert lines[-1] == "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n"
    heads = [KLOG.fullmatch(line) for line in lines[:-1]]
    assert len(heads) == 5 and all(heads)
    assert {m.groups()[1:] for m in heads} == {("http://localhost:8080", "127.0.0.1:8080")}
    assert len({m.group(1) for m in heads}) == 1  # one process
    # minikube kubectl targets the profile's cluster: 192.168.49.2:8443, discovered before the stop
    refused = "The connection to the server 192.168.49.2:8443 was refused - did you specify the right host or port?\n"
    assert api.run("minikube kubectl -- get pods", rc=1) == refused
    assert api.run("kubectl version --client").startswith("Client Version: v1.32")  # it asks no server
    assert re.search(r"host: Stopped\n", api.run("minikube status", rc=7))
    started = api.post("minikube start")
    assert "Done!" in started["output"] and "open" not in started
    assert api.run("kubectl config current-context") == "minikube\n"
    assert api.run("minikube kubectl -- get pods") == "No resources found in default namespace.\n"
    assert api.run("kubectl get pods") == "No resources found in default namespace.\n"


def test_stop_keep_context_active_leaves_kubectl_on_the_stopped_apiserver(api):
    api.post("minikube stop --keep-context-active")
    lines = api.run("kubectl describe pod x", rc=1).splitlines(keepends=True)  # never discovered: cold cache
    assert lines[-1] == "The connection to the server 192.168.49.2:8443 was refused - did you specify the right host or port?\n"
    assert [KLOG.fullmatch(line).groups()[1:] for line in lines[:-1]] == \
        [("https://192.168.49.2:8443", "192.168.49.2:8443")] * 5
    assert len(api.run("kubectl logs x", rc=1).splitlines()) == 5  # logs tries discovery four times
    out = api.run("kubectl create deployment web --image=nginx", rc=1)  # no discovery: the POST's own error
    assert out == ('error: failed to create deployment: Post "https://192.168.49.2:8443/apis/apps/v1/namespaces/'
                   'default/deployments?fieldManager=kubectl-create&fieldValidation=Strict": dial tcp '
                   '192.168.49.2:8443: connect: connection refused\n')
    assert api.run("kubectl cluster-info", rc=1).endswith(
        "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
        "The connection to the server 192.168.49.2:8443 was refused - did you specify the right host or port?\n")


def test_the_addons_api_reports_minikubes_storage_provisioner(api):
    addons = api.client.get(f"{api.base}/addons").json["addons"]
    assert addons["storage-provisioner"] is True and addons["ingress"] is False
    assert "| storage-provisioner         | minikube | enabled ✅   |" in api.run("minikube addons list")
    off = api.client.post(f"{api.base}/addons/storage-provisioner", json={"enabled": False}).json["addons"]
    assert off["storage-provisioner"] is False
    assert "| storage-provisioner         | minikube | disabled     |" in api.run("minikube addons list")
    # switched on again at once: the terminating pod is waited out, then a new one starts
    on = api.client.post(f"{api.base}/addons/storage-provisioner", json={"enabled": True}).json["addons"]
    assert on["storage-provisioner"] is True
    api.advance(20)
    assert api.run("kubectl get pod -n kube-system storage-provisioner --no-headers").split()[1:3] == ["1/1", "Running"]


def test_the_workstations_help_lists_minikube_and_helm(api):
    listed = [line.split()[0] for line in api.run("help").splitlines() if line.startswith("  ")]
    assert "minikube" in listed and "helm" in listed and "kubectl" in listed


def test_the_docker_drivers_node_reports_the_kernel_its_containers_run_on(api):
    head, row = api.run("kubectl get nodes -o wide").splitlines()
    at = head.index("KERNEL-VERSION")
    kernel = row[at:].split()[0]
    assert row[head.index("OS-IMAGE"):at].strip() == "Ubuntu 22.04.5 LTS"
    # the node is a container on the host: a pod's uname is the host kernel the node reports
    api.run("kubectl run bb --image=busybox -- sleep 3600")
    api.advance(30)
    assert api.run("kubectl exec bb -- uname -r") == kernel + "\n"
