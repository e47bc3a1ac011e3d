"""busybox wget's ``-S`` and its redirects, and what the apps' health does to the traffic they answer
(server/sim/net/clients.py, server/sim/net/apps.py): the text busybox prints (wget.c's
``fgets_trim_sanitize(fp, "  %s\\n")`` for the status line and each header, the blank line that
ends them included) and the requests the server sees (its access log)."""

from __future__ import annotations

import pytest

from server.sim.cluster import Cluster
from server.sim.net import clients
from server.sim.net.proxy import Source
from tests.sim.nethelpers import client, run_pods


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=6)
    run_pods(c, "web", "nginx:1.27", 1, labels={"app": "web"}, node_names=["node2"])
    run_pods(c, "wordpress", "wordpress:6.7", 1, labels={"app": "wordpress"}, node_names=["node2"])
    client(c, "box", "node1")
    for name in ("web", "wordpress"):
        c.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
                      "spec": {"selector": {"app": name}, "ports": [{"port": 80}]}})
    c.advance(20)
    return c


def run(c: Cluster, prog, *argv: str) -> clients.Out:
    return clients.run_sync(prog, clients.Context(c, Source.pod("default", "box")), list(argv))


def svc_ip(c: Cluster, name: str) -> str:
    return c.store.peek("Service", "default", name)["spec"]["clusterIP"]


def pod_of(c: Cluster, app: str) -> dict:
    return next(p for p in c.store.scan("Pod", "default") if p["metadata"]["name"].startswith(app))


def access_log(c: Cluster, app: str) -> list[str]:
    pod = pod_of(c, app)
    inst = c.runtime.get(pod["metadata"]["uid"], pod["spec"]["containers"][0]["name"])
    return [ln for ln in inst.logs if '"GET ' in ln]


def test_wget_S_prints_the_response_headers_to_stderr(lab):
    out = run(lab, clients.wget, "wget", "-S", "-O", "-", "http://web")
    assert out.code == 0 and "<title>Welcome to nginx!</title>" in out.stdout
    lines = out.stderr.splitlines()
    assert lines[0] == f"Connecting to web ({svc_ip(lab, 'web')}:80)"
    assert lines[1] == "  HTTP/1.1 200 OK"
    assert lines[2] == "  Server: nginx/1.27.4"
    headers = lines[1:lines.index("  ")]
    assert "  Content-Type: text/html" in headers and "  Content-Length: 615" in headers
    assert all(h.startswith("  ") for h in headers)
    # then the progress of writing to stdout, as without -S
    assert lines[lines.index("  ") + 1] == "writing to stdout"
    quiet = run(lab, clients.wget, "wget", "-q", "-S", "-O", "-", "http://web")
    assert quiet.stderr.splitlines()[0] == "  HTTP/1.1 200 OK" and quiet.stderr.endswith("\n  \n")


def test_wget_S_on_an_error_prints_the_status_line_only(lab):
    out = run(lab, clients.wget, "wget", "-q", "-S", "http://web/nothing")
    assert out.code == 1
    assert out.stderr == "  HTTP/1.1 404 Not Found\nwget: server returned error: HTTP/1.1 404 Not Found\n"


def test_wget_follows_wordpress_to_its_installer(lab):
    before = len(access_log(lab, "wordpress"))
    out = run(lab, clients.wget, "wget", "-S", "-O", "-", "http://wordpress")
    assert out.code == 0 and "<title>WordPress &rsaquo; Installation</title>" in out.stdout
    ip = svc_ip(lab, "wordpress")
    lines = out.stderr.splitlines()
    # the 302's headers up to its Location (wget leaves at once), a new connection to the Location's host
    assert lines[0] == f"Connecting to wordpress ({ip}:80)"
    assert lines[1] == "  HTTP/1.1 302 Found"
    at = lines.index("  Location: http://wordpress/wp-admin/install.php")
    assert lines[at + 1] == f"Connecting to wordpress ({ip}:80)"
    assert lines[at + 2] == "  HTTP/1.1 200 OK"
    served = access_log(lab, "wordpress")[before:]
    assert len(served) == 2
    assert '"GET / HTTP/1.1" 302' in served[0] and '"GET /wp-admin/install.php HTTP/1.1" 200' in served[1]


def test_wget_saves_a_redirected_page_under_the_first_urls_name(lab):
    written: dict[str, bytes] = {}

    class Files:
        def write(self, path: str, data: bytes, append: bool = False, mode: int | None = None) -> None:
            written[path] = data

    ctx = clients.Context(lab, Source.pod("default", "box"), fs=Files(), cwd="/tmp")
    out = clients.run_sync(clients.wget, ctx, ["wget", "http://wordpress/"])
    assert out.code == 0 and out.stderr.count("Connecting to wordpress") == 2
    assert "saving to 'index.html'" in out.stderr and b"WordPress" in written["/tmp/index.html"]


def test_an_unhealthy_app_answers_500_and_a_slow_one_times_clients_out(lab):
    kubelet = lab.controller("kubelet")
    pod = pod_of(lab, "web")
    ns, name = "default", pod["metadata"]["name"]
    assert kubelet.app_health(ns, name, "web") == ("healthy", 0.0)
    kubelet.set_healthy(ns, name, "web", False)
    try:
        assert kubelet.app_health(ns, name, "web")[0] == "unhealthy"
        out = run(lab, clients.wget, "wget", "-q", "-O-", "http://web")
        assert (out.stderr, out.code) == ("wget: server returned error: HTTP/1.1 500 Internal Server Error\n", 1)
    finally:
        kubelet.set_healthy(ns, name, "web", None)
    kubelet.set_slow(ns, name, "web", 30.0)
    try:
        assert kubelet.app_health(ns, name, "web") == ("slow", 30.0)
        waits: list[float] = []

        def timed(prog, *argv: str) -> clients.Out:
            out: list[str] = []
            err: list[str] = []
            gen = prog(clients.Context(lab, Source.pod("default", "box")), list(argv),
                       clients.Streams("", out.append, err.append))
            try:
                while True:
                    waits.append(next(gen).seconds)
            except StopIteration as stop:
                return clients.Out("".join(out), "".join(err), stop.value)

        out = timed(clients.wget, "wget", "-q", "-T", "5", "-O-", "http://web")
        assert (out.stderr, out.code, waits) == ("wget: download timed out\n", 1, [5.0])
        waits.clear()
        out = timed(clients.curl, "curl", "-sS", "-m", "2", "http://web")
        assert (out.stderr, out.code, waits) == (
            "curl: (28) Operation timed out after 2001 milliseconds with 0 bytes received\n", 28, [2.0])
        waits.clear()
        # without a limit the answer comes, 30 s (and the request's few CPU microseconds) later
        out = timed(clients.wget, "wget", "-q", "-O-", "http://web")
        assert out.code == 0 and "Welcome to nginx!" in out.stdout and waits == [pytest.approx(30.0, abs=0.01)]
    finally:
        kubelet.set_slow(ns, name, "web", 0.0)


def test_curl_tries_localhost_over_ipv6_first(lab):
    # curl resolves localhost itself, ::1 first (hostip.c get_localhost); nginx listens on [::]:80 too
    from server.kubectl import run as kubectl

    pod = pod_of(lab, "web")["metadata"]["name"]
    out = kubectl(lab, f"kubectl exec {pod} -- curl -sv localhost").output
    assert "*   Trying [::1]:80...\n* Connected to localhost (::1) port 80\n> GET / HTTP/1.1\n> Host: localhost\n" in out
    assert access_log(lab, "web")[-1].startswith('::1 - - [')
    # nothing listening: each address refused in turn, in the wording of `curl -v http://localhost:1`
    out = kubectl(lab, f"kubectl exec {pod} -- curl -v localhost:81").output
    assert out == ("*   Trying [::1]:81...\n* connect to ::1 port 81 failed: Connection refused\n"
                   "*   Trying 127.0.0.1:81...\n* connect to 127.0.0.1 port 81 failed: Connection refused\n"
                   "* Failed to connect to localhost port 81 after 0 ms: Couldn't connect to server\n"
                   "curl: (7) Failed to connect to localhost port 81 after 0 ms: Couldn't connect to server\n"
                   "command terminated with exit code 7\n")
