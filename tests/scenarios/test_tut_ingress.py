"""The minikube Ingress tutorial (tasks/access-application-cluster/ingress-minikube) on the kubeadm lab,
through the HTTP contract: the ingress add-on (ingress-nginx's baremetal deployment: a NodePort
Service in front of the controller), the hello-app ``web`` Deployment exposed as a NodePort, the
``example-ingress`` for ``hello-world.example``, its ADDRESS once the controller's status sync has
run, and requests through the controller's NodePort — answered by hello-app when the Host header
names the rule's host, by ingress-nginx's own 404 page otherwise. Server-side texts are the ones the
real kubectl prints for our objects (tests/kubectl); the answers are those the page shows."""

from __future__ import annotations

import re

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app

INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: example-ingress
spec:
  ingressClassName: nginx
  rules:
    - host: hello-world.example
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 8080
"""
V2_PATH = """          - path: /v2
            pathType: Prefix
            backend:
              service:
                name: web2
                port:
                  number: 8080
"""
NOT_FOUND = ("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1>"
             "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


@pytest.fixture
def lab(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=7, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    base = f"/api/sandboxes/{sid}"

    class Lab:
        def run(self, line: str, rc: int | None = 0, stdin: str | None = None) -> str:
            body: dict = {"command": line}
            if stdin is not None:
                body["stdin"] = stdin
            r = client.post(f"{base}/run", json=body)
            assert r.status_code == 200, r.json
            if rc is not None:
                assert r.json["exitCode"] == rc, r.json
            return r.json["output"]

        def advance(self, seconds: float) -> None:
            assert client.post(f"{base}/clock", json={"advance": seconds}).status_code == 200

        def addon(self, name: str, enabled: bool) -> dict:
            r = client.post(f"{base}/addons/{name}", json={"enabled": enabled})
            assert r.status_code == 200, r.json
            return r.json["addons"]

    client.post(f"{base}/clock", json={"paused": True})
    yield Lab()
    app.extensions["kubeplay.journal"].close()


def node_port(lab, ns: str, svc: str) -> str:
    return lab.run(f"kubectl get svc {svc} -n {ns} -o jsonpath='{{.spec.ports[0].nodePort}}'")


def node_ip(lab) -> str:
    return lab.run("kubectl get node node1 -o jsonpath='{.status.addresses[0].address}'")


def enable_ingress(lab) -> None:
    assert lab.addon("ingress", True)["ingress"] is True
    lab.advance(90)


def test_the_addon_brings_ingress_nginx(lab):
    enable_ingress(lab)
    pods = lab.run("kubectl get pods -n ingress-nginx").splitlines()
    assert pods[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    controller = [p.split() for p in pods if p.startswith("ingress-nginx-controller-")]
    assert len(controller) == 1 and controller[0][1:3] == ["1/1", "Running"]
    assert re.fullmatch(r"ingress-nginx-controller-[a-z0-9]{8,10}-[a-z0-9]{5}", controller[0][0])
    assert sum(p.startswith("ingress-nginx-admission-") for p in pods) == 2

    svc = lab.run("kubectl get svc -n ingress-nginx").splitlines()
    assert svc[0].split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    line = next(s.split() for s in svc if s.startswith("ingress-nginx-controller "))
    assert line[1] == "NodePort" and re.fullmatch(r"80:3\d{4}/TCP,443:3\d{4}/TCP", line[4])
    assert any(s.startswith("ingress-nginx-controller-admission ") and "443/TCP" in s for s in svc)

    assert lab.run("kubectl get ingressclass").splitlines() == [
        "NAME    CONTROLLER             PARAMETERS   AGE", "nginx   k8s.io/ingress-nginx   <none>       90s"]
    # switching it off takes its objects away
    assert lab.addon("ingress", False)["ingress"] is False
    lab.advance(60)
    assert lab.run("kubectl get ingressclass", rc=0) == "No resources found\n"


def test_hello_world_through_the_ingress(lab):
    enable_ingress(lab)
    assert lab.run("kubectl create deployment web --image=gcr.io/google-samples/hello-app:1.0") == \
        "deployment.apps/web created\n"
    assert lab.run("kubectl expose deployment web --type=NodePort --port=8080") == "service/web exposed\n"
    lab.advance(30)
    web = lab.run("kubectl get service web").splitlines()[1].split()
    assert web[1] == "NodePort" and re.fullmatch(r"8080:3\d{4}/TCP", web[4])
    ip = node_ip(lab)
    hello = lab.run(f"curl http://{ip}:{node_port(lab, 'default', 'web')}")
    assert re.fullmatch(r"Hello, world!\nVersion: 1\.0\.0\nHostname: web-[a-z0-9]+-[a-z0-9]{5}\n", hello)

    assert lab.run("kubectl apply -f -", stdin=INGRESS) == "ingress.networking.k8s.io/example-ingress created\n"
    before = lab.run("kubectl get ingress").splitlines()
    assert before[0].split() == ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]
    lab.advance(60)
    after = lab.run("kubectl get ingress").splitlines()[1].split()
    controller_node = lab.run("kubectl get pods -n ingress-nginx -l app.kubernetes.io/component=controller "
                              "-o jsonpath='{.items[0].spec.nodeName}'")
    controller_ip = lab.run(f"kubectl get node {controller_node} -o jsonpath='{{.status.addresses[0].address}}'")
    assert after[:5] == ["example-ingress", "nginx", "hello-world.example", controller_ip, "80"]
    events = lab.run("kubectl describe ingress example-ingress")
    assert re.search(r"  Normal  Sync    \S+\s+nginx-ingress-controller  Scheduled for sync\n", events)
    assert "  hello-world.example  \n                       /   web:8080 (" in events

    # no Host header naming the rule's host: the controller's default backend answers
    port = node_port(lab, "ingress-nginx", "ingress-nginx-controller")
    assert lab.run(f"curl http://{ip}:{port}/") == NOT_FOUND
    # the controller wrote its access line
    logs = lab.run("kubectl logs -n ingress-nginx deploy/ingress-nginx-controller")
    assert re.search(r'"GET / HTTP/1\.1" 404 146 "-" "curl/8\.11\.1" \d+ 0\.000 \[upstream-default-backend\] \[\] '
                     r"127\.0\.0\.1:8181 146 0\.000 404 [0-9a-f]{32}\n", logs)


def test_curl_with_the_host_header(lab):
    enable_ingress(lab)
    lab.run("kubectl create deployment web --image=gcr.io/google-samples/hello-app:1.0")
    lab.run("kubectl expose deployment web --type=NodePort --port=8080")
    lab.run("kubectl create deployment web2 --image=gcr.io/google-samples/hello-app:2.0")
    lab.run("kubectl expose deployment web2 --port=8080 --type=NodePort")
    lab.run("kubectl apply -f -", stdin=INGRESS)
    lab.advance(60)
    ip, port = node_ip(lab), node_port(lab, "ingress-nginx", "ingress-nginx-controller")
    hello = lab.run(f"curl -H 'Host: hello-world.example' http://{ip}:{port}/")
    assert re.fullmatch(r"Hello, world!\nVersion: 1\.0\.0\nHostname: web-[a-z0-9]+-[a-z0-9]{5}\n", hello)
    assert lab.run("kubectl apply -f -", stdin=INGRESS + V2_PATH) == \
        "ingress.networking.k8s.io/example-ingress configured\n"
    v2 = lab.run(f"curl -H 'Host: hello-world.example' http://{ip}:{port}/v2")
    assert re.fullmatch(r"Hello, world!\nVersion: 2\.0\.0\nHostname: web2-[a-z0-9]+-[a-z0-9]{5}\n", v2)
