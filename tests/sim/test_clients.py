"""The network tools as programs (server/sim/net/clients.py), run the way a shell or a container's
main process runs them: their output in the tools' own words, their exit statuses, the files they
write and the virtual time they wait."""

from __future__ import annotations

import pytest

from server.sim.cluster import Cluster
from server.sim.net import clients
from server.sim.net.proxy import Source
from tests.sim.nethelpers import client, run_pods


class Files:
    """The little of a FileSystem ``wget -O``/``curl -o`` use."""

    def __init__(self) -> None:
        self.written: dict[str, bytes] = {}

    def write(self, path: str, data: bytes, append: bool = False, mode: int | None = None) -> None:
        self.written[path] = data


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=6)
    run_pods(c, "web", "nginx", 1, labels={"app": "web"}, node_names=["node2"])
    client(c, "box", "node1")
    c.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
                  "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    c.advance(10)
    return c


def run(c: Cluster, prog, *argv: str, fs: Files | None = None, cwd: str = "/") -> clients.Out:
    return clients.run_sync(prog, clients.Context(c, Source.pod("default", "box"), fs=fs, cwd=cwd), list(argv))


def svc_ip(c: Cluster) -> str:
    return c.store.peek("Service", "default", "web")["spec"]["clusterIP"]


def test_wget(lab):
    ip = svc_ip(lab)
    quiet = run(lab, clients.wget, "wget", "-qO-", "http://web")
    assert "<title>Welcome to nginx!</title>" in quiet.stdout and quiet.stderr == "" and quiet.code == 0
    files = Files()
    saved = run(lab, clients.wget, "wget", "web", fs=files, cwd="/tmp")
    assert saved.stderr.startswith(f"Connecting to web ({ip}:80)\nsaving to 'index.html'\n")
    assert saved.stderr.endswith("'index.html' saved\n") and b"Welcome to nginx!" in files.written["/tmp/index.html"]
    missing = run(lab, clients.wget, "wget", "-q", "http://web/nothing")
    assert (missing.stderr, missing.code) == ("wget: server returned error: HTTP/1.1 404 Not Found\n", 1)
    refused = run(lab, clients.wget, "wget", "-q", "-O-", f"http://{ip}:81/")
    # no rule for :81 on the service address: the SYN goes nowhere, until the kernel gives up
    assert refused.code == 1 and refused.stderr == f"wget: can't connect to remote host ({ip}): Connection timed out\n"
    assert run(lab, clients.wget, "wget").stderr.startswith("BusyBox v1.36.1")


def test_curl(lab):
    head = run(lab, clients.curl, "curl", "-I", "http://web")
    assert head.stdout.startswith("HTTP/1.1 200 OK\r\nServer: nginx/1.27.4\r\n") and head.stdout.endswith("\r\n\r\n")
    code = run(lab, clients.curl, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}\\n", "http://web/nothing")
    assert (code.stdout, code.code) == ("404\n", 0)
    failing = run(lab, clients.curl, "curl", "-sf", "http://web/nothing")
    assert (failing.stdout, failing.stderr, failing.code) == ("", "", 22)
    unresolved = run(lab, clients.curl, "curl", "http://nosuch")
    assert (unresolved.stderr, unresolved.code) == ("curl: (6) Could not resolve host: nosuch\n", 6)
    pod_ip = lab.store.peek("Pod", "default", "web-0")["status"]["podIP"]
    refused = run(lab, clients.curl, "curl", f"http://{pod_ip}:8080/")
    assert refused.stderr == (f"curl: (7) Failed to connect to {pod_ip} port 8080 after 1 ms: "
                              "Couldn't connect to server\n") and refused.code == 7
    files = Files()
    run(lab, clients.curl, "curl", "-so", "page.html", "http://web", fs=files, cwd="/root")
    assert b"Welcome to nginx!" in files.written["/root/page.html"]


def test_nc_and_ping(lab):
    ip = svc_ip(lab)
    open_ = run(lab, clients.nc, "nc", "-zv", "web", "80")
    assert (open_.stderr, open_.code) == (f"web ({ip}:80) open\n", 0)
    pod_ip = lab.store.peek("Pod", "default", "web-0")["status"]["podIP"]
    refused = run(lab, clients.nc, "nc", "-zv", pod_ip, "8080")
    assert (refused.stderr, refused.code) == (f"nc: {pod_ip} ({pod_ip}:8080): Connection refused\n", 1)
    pong = run(lab, clients.ping, "ping", "-c", "2", pod_ip)
    assert pong.stdout.startswith(f"PING {pod_ip} ({pod_ip}): 56 data bytes\n64 bytes from {pod_ip}: seq=0 ttl=63 time=")
    assert "2 packets transmitted, 2 packets received, 0% packet loss" in pong.stdout


def waits(gen) -> tuple[list[float], int]:
    seen = []
    try:
        while True:
            seen.append(next(gen).seconds)
    except StopIteration as stop:
        return seen, stop.value


def test_waits_are_virtual_time(lab):
    ctx = clients.Context(lab, Source.pod("default", "box"))
    # (a service address never answers ICMP: three seconds, then status 1)
    assert waits(clients.ping(ctx, ["ping", "-c", "3", "web"], clients.Streams())) == ([3.0], 1)
    # a dropped connection: wget's -T alarm, or else the kernel's SYN retries
    url = f"http://{svc_ip(lab)}:81/"
    assert waits(clients.wget(ctx, ["wget", "-T", "5", url], clients.Streams())) == ([5.0], 1)
    err: list[str] = []
    assert waits(clients.wget(ctx, ["wget", url], clients.Streams(err=err.append))) == ([clients.SYN_TIMEOUT], 1)
    assert err[-1] == f"wget: can't connect to remote host ({svc_ip(lab)}): Connection timed out\n"


def test_what_each_image_ships():
    assert set(clients.programs("busybox")) == {"wget", "ping", "nc", "nslookup"}
    assert "curl" in clients.programs("nginx:1.27") and "wget" not in clients.programs("nginx:1.27")
    assert set(clients.programs("registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3")) == {"nslookup", "dig", "ping"}
    assert clients.programs("curlimages/curl")["curl"] is clients.curl
    assert clients.programs("ubuntu:24.04") == {}
