"""A slow backend behind the ingress-nginx add-on (server/sim/net/ingress.py ``serve``): the client waits
as long as the backend takes to answer, so ``wget -T`` and ``curl -m`` time out through the ingress as
they do at the pod, an unlimited client gets the answer after the backend's delay, the controller's
access log reports that time, and a backend slower than nginx's proxy-read-timeout (60 s) is a 504."""

from __future__ import annotations

import pytest

from server.sim.cluster import Cluster
from server.sim.net import clients
from server.sim.net.proxy import Source

HOST = "slow.example"


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=5)
    c.set_addon("ingress", True)
    c.advance(90)  # the controller and its admission webhook
    c.api.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
                  "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                           "template": {"metadata": {"labels": {"app": "web"}},
                                        "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}})
    c.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
                  "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    c.api.create({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                  "metadata": {"name": "web", "namespace": "default"},
                  "spec": {"ingressClassName": "nginx", "rules": [{"host": HOST, "http": {"paths": [
                      {"path": "/", "pathType": "Prefix",
                       "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}})
    c.advance(60)
    return c


def _url(c: Cluster) -> str:
    port = c.store.peek("Service", "ingress-nginx", "ingress-nginx-controller")["spec"]["ports"][0]["nodePort"]
    ip = c.store.peek("Node", "", "node1")["status"]["addresses"][0]["address"]
    return f"http://{ip}:{port}/"


def _web(c: Cluster) -> tuple[str, str]:
    pod = next(p for p in c.store.scan("Pod", "default") if p["metadata"]["labels"].get("app") == "web")
    return pod["metadata"]["name"], pod["metadata"]["uid"]


def _timed(c: Cluster, prog, *argv: str) -> tuple[clients.Out, list[float]]:
    """The client's output and the waits it made (virtual seconds), run from the workstation."""
    out: list[str] = []
    err: list[str] = []
    waits: list[float] = []
    gen = prog(clients.Context(c, Source.outside()), list(argv), clients.Streams("", out.append, err.append))
    try:
        while True:
            waits.append(next(gen).seconds)
    except StopIteration as stop:
        return clients.Out("".join(out), "".join(err), stop.value), waits


@pytest.fixture
def slow(lab):
    kubelet = lab.controller("kubelet")
    name, _ = _web(lab)

    def make(seconds: float) -> None:
        kubelet.set_slow("default", name, "web", seconds)

    yield make
    make(0.0)


def _controller_log(c: Cluster) -> list[str]:
    pod = next(p for p in c.store.scan("Pod", "ingress-nginx")
               if p["metadata"]["name"].startswith("ingress-nginx-controller-"))
    return [line for line in c.runtime.get(pod["metadata"]["uid"], "controller").logs if ' HTTP/1.1" ' in line]


def test_a_fast_backend_answers_at_once(lab):
    out, waits = _timed(lab, clients.wget, "wget", "-q", "-T", "5", "-O-", "--header", f"Host: {HOST}", _url(lab))
    assert out.code == 0 and "Welcome to nginx!" in out.stdout
    assert all(w < 0.1 for w in waits), waits


def test_wget_and_curl_time_out_through_the_ingress(lab, slow):
    slow(30.0)
    out, waits = _timed(lab, clients.wget, "wget", "-q", "-T", "5", "-O-", "--header", f"Host: {HOST}", _url(lab))
    assert (out.stderr, out.code, waits) == ("wget: download timed out\n", 1, [5.0])
    out, waits = _timed(lab, clients.curl, "curl", "-sS", "-m", "2", "-H", f"Host: {HOST}", _url(lab))
    assert (out.stderr, out.code, waits) == (
        "curl: (28) Operation timed out after 2001 milliseconds with 0 bytes received\n", 28, [2.0])


def test_an_unlimited_client_waits_for_the_answer(lab, slow):
    slow(30.0)
    out, waits = _timed(lab, clients.wget, "wget", "-q", "-O-", "--header", f"Host: {HOST}", _url(lab))
    assert out.code == 0 and "Welcome to nginx!" in out.stdout
    assert waits == [pytest.approx(30.0, abs=0.05)]
    # ingress-nginx's log-format-upstream: $request_time and $upstream_response_time are the wait
    fields = _controller_log(lab)[-1].split()
    assert float(fields[-8]) == pytest.approx(30.0, abs=0.05), fields
    assert float(fields[-3]) == pytest.approx(30.0, abs=0.05), fields


def test_a_backend_slower_than_the_proxy_read_timeout_is_a_504(lab, slow):
    slow(90.0)
    out, waits = _timed(lab, clients.curl, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                        f"Host: {HOST}", _url(lab))
    assert (out.stdout, out.code) == ("504", 0)
    assert waits == [pytest.approx(60.0, abs=0.05)]
