"""Scenario C (lessons/step09-*): Services, seen from a busybox shell and from the workstation,
driven through the HTTP contract only (``/run`` with kubectl, the session's lines and host curl;
``/clock`` to let time pass)."""

from __future__ import annotations

import re

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app


@pytest.fixture
def term(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=7, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    base = f"/api/sandboxes/{sid}"

    class Term:
        session: str | None = None

        def run(self, line: str, rc: int | None = 0) -> str:
            body = {"command": line}
            if self.session:
                body["session"] = self.session
            r = client.post(f"{base}/run", json=body)
            assert r.status_code == 200, r.json
            if "session" in r.json:
                self.session = r.json["session"]["id"] if r.json["session"] else None
                self.prompt = r.json["session"]["prompt"] if r.json["session"] else "$ "
            if rc is not None:
                assert r.json["exitCode"] == rc, r.json
            return r.json["output"]

        def break_link(self, a: str, b: str) -> None:
            from server.sim.net import faults

            sandbox = app.extensions["kubeplay.sandboxes"].get(sid)
            with sandbox.lock:
                faults.break_link(sandbox.cluster, a, b)

        def advance(self, seconds: float) -> None:
            assert client.post(f"{base}/clock", json={"advance": seconds}).status_code == 200

    yield Term()
    app.extensions["kubeplay.journal"].close()


def cluster_ip(term, name: str) -> str:
    return term.run(f"kubectl get svc {name}").splitlines()[1].split()[2]


def test_cluster_ip_service_from_a_busybox_shell(term):
    assert term.run("kubectl apply -f step09-deploy.yml") == "deployment.apps/web-deploy created\n"
    assert term.run("kubectl apply -f step09-svc.yml") == "service/web-service created\n"
    term.advance(30)
    line = term.run("kubectl get svc web-service").splitlines()[1].split()
    assert line[:2] == ["web-service", "ClusterIP"] and line[3:5] == ["<none>", "80/TCP"]
    ip = line[2]
    assert re.fullmatch(r"10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+", ip)
    assert "app=web" in term.run("kubectl get svc web-service -o wide")

    out = term.run("kubectl run -it busybox --restart=Never --rm --image=busybox sh")
    assert out == "If you don't see a command prompt, try pressing enter.\n"
    assert term.session and term.prompt == "/ # "

    page = term.run("wget -q -O - http://web-service")
    assert "<title>Welcome to nginx!</title>" in page and not page.startswith("Connecting")
    loud = term.run("wget -O- web-service")
    assert loud.startswith(f"Connecting to web-service ({ip}:80)\n")

    env = dict(line.split("=", 1) for line in term.run("env | grep WEB_SERVICE").splitlines())
    assert env == {
        "WEB_SERVICE_SERVICE_HOST": ip, "WEB_SERVICE_SERVICE_PORT": "80", "WEB_SERVICE_PORT": f"tcp://{ip}:80",
        "WEB_SERVICE_PORT_80_TCP": f"tcp://{ip}:80", "WEB_SERVICE_PORT_80_TCP_ADDR": ip,
        "WEB_SERVICE_PORT_80_TCP_PORT": "80", "WEB_SERVICE_PORT_80_TCP_PROTO": "tcp"}

    ns = term.run("nslookup web-service", rc=None)
    assert ns.startswith("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n")
    assert f"Name:\tweb-service.default.svc.cluster.local\nAddress: {ip}\n" in ns

    ping = term.run("ping -c 3 web-service", rc=1)
    assert ping.startswith(f"PING web-service ({ip}): 56 data bytes\n")
    assert "3 packets transmitted, 0 packets received, 100% packet loss" in ping

    assert term.run("curl web-service", rc=127) == "sh: curl: not found\n"
    assert term.run("wget -q -O - http://nosuch", rc=1) == "wget: bad address 'nosuch'\n"

    # the requests reached nginx: each served one is an access-log line in some web pod
    logs = "".join(_session_free(term, f"kubectl logs {p}")
                   for p in _session_free(term, "kubectl get pods -l app=web -o name").split())
    assert logs.count('"GET / HTTP/1.1" 200') == 2 and logs.count("busybox") == 0

    # exit ends the container with the last status (the failed wget), then --rm deletes the pod
    assert term.run("exit", rc=1) == 'pod "busybox" deleted\n'
    assert term.session is None
    term.advance(5)
    assert "busybox" not in term.run("kubectl get pods")


def _session_free(term, line: str) -> str:
    """A kubectl line on the workstation while a session is open (another terminal)."""
    saved, term.session = term.session, None
    try:
        return term.run(line)
    finally:
        term.session = saved


def test_nodeport_answers_on_every_node_and_lb_stays_pending(term):
    term.run("kubectl apply -f step09-deploy.yml")
    term.run("kubectl apply -f step09-svc-np.yml")
    term.run("kubectl apply -f step09-svc-lb.yml")
    term.advance(30)
    svc = term.run("kubectl get svc -o wide")
    np_port = re.search(r"80:(3\d{4})/TCP", [ln for ln in svc.splitlines() if "NodePort" in ln][0]).group(1)
    lb_line = [ln for ln in svc.splitlines() if "LoadBalancer" in ln][0]
    assert lb_line.split()[3] == "<pending>"
    nodes = term.run("kubectl get nodes -o wide").splitlines()[1:]
    ips = [ln.split()[5] for ln in nodes]
    assert len(ips) == 3
    for ip in ips:
        assert "Welcome to nginx!" in term.run(f"curl -s {ip}:{np_port}")
    # a cluster IP does not route from the workstation
    np_name = [ln for ln in svc.splitlines() if "NodePort" in ln][0].split()[0]
    cip = cluster_ip(term, np_name)
    assert term.run(f"curl -s {cip}", rc=28) == ""
    assert term.run(f"curl {cip}", rc=28).startswith(f"curl: (28) Failed to connect to {cip} port 80 after ")


def test_externalname_headless_and_affinity(term):
    term.run("kubectl apply -f step09-deploy.yml")
    term.run("kubectl apply -f step09-svc-ext-dns.yml")
    term.run("kubectl apply -f step09-svc-headless.yml")
    term.run("kubectl apply -f step09-svc-sa.yml")
    term.advance(30)
    term.run("kubectl run -it client --restart=Never --image=busybox -- sh")
    ns = term.run("nslookup yahoo", rc=None)
    assert "yahoo.default.svc.cluster.local\tcanonical name = www.yahoo.co.jp" in ns
    ping = term.run("ping -c 2 yahoo")
    assert ping.startswith("PING yahoo (") and "2 packets received, 0% packet loss" in ping
    assert "Address: 192.168.1.16" in term.run("nslookup server1", rc=None)

    answered = set()
    for _ in range(8):
        page = term.run("wget -q -O - http://web-service")
        assert "Welcome to nginx!" in page
    term.run("exit")
    for p in _session_free(term, "kubectl get pods -l app=web -o name").split():
        if "GET / HTTP/1.1" in _session_free(term, f"kubectl logs {p}"):
            answered.add(p)
    assert len(answered) == 1  # ClientIP affinity: one client, one pod


def test_broken_overlay_fails_only_cross_node_requests(term):
    term.run("kubectl apply -f step09-deploy.yml")
    term.run("kubectl apply -f step09-svc.yml")
    term.advance(30)
    term.run("kubectl run -it client --restart=Never --image=busybox -- sh")
    pods = _session_free(term, "kubectl get pods -o wide").splitlines()[1:]
    node_of = {ln.split()[0]: ln.split()[6] for ln in pods}
    ip_of = {ln.split()[0]: ln.split()[5] for ln in pods}
    here = node_of["client"]
    there = "node2" if here == "node1" else "node1"
    # the flannel trouble between the two workers (the page's fault menu does the same)
    term.break_link(here, there)
    outcomes: dict[str, int] = {}
    for _ in range(30):
        out = term.run("wget -q -O - http://web-service", rc=None)
        key = "ok" if "Welcome to nginx!" in out else out
        outcomes[key] = outcomes.get(key, 0) + 1
    ip = cluster_ip_in_session(term)
    assert set(outcomes) == {"ok", f"wget: can't connect to remote host ({ip}): No route to host\n"}, outcomes
    # pods on the client's own node still answer by pod IP, those across the broken link do not
    for name, node in node_of.items():
        if name.startswith("web-deploy-"):
            out = term.run(f"wget -q -O - http://{ip_of[name]}", rc=None)
            assert ("Welcome to nginx!" in out) == (node == here), (name, node, out)


def cluster_ip_in_session(term) -> str:
    return term.run("env", rc=0).split("WEB_SERVICE_SERVICE_HOST=", 1)[1].split("\n", 1)[0]
