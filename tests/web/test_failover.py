"""Two workers behind one journal: a sandbox survives the loss of its worker (issue 11's scale-out).

A real Redis and a real PostgreSQL (Debian's packages, started here: tests/services.py) and two
``python -m server`` workers sharing them. The sandbox is made on worker A and changed there; worker
B, asked for it, redirects to A (one owner at a time). A is killed (SIGKILL: no goodbye); once its
lease has run out, B takes the sandbox over, rebuilds it from the PostgreSQL journal and serves it
as A left it, object for object, and goes on with it.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from server.placement import WORKER_KEY
from tests import services
from tests.serverproc import PROCESSES, free_port, running_server

pytestmark = pytest.mark.skipif(services.missing() is not None, reason=services.missing() or "")

#: a worker's lease in the test: how long its sandboxes wait after it dies
LEASE = 2.0


def _request(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, dict, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"Content-Type": "application/json"})
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    json_body = "json" in (answer.headers.get("Content-Type") or "")
    return answer.status, dict(answer.headers), json.loads(data) if json_body else {"text": data.decode()}


def _worker(tmp_path, name: str, port: int, journal: str, redis: str):  # type: ignore[no-untyped-def]
    return running_server(tmp_path / name, port=port,
                          args=("--journal-url", journal, "--redis-url", redis, "--worker-id", name,
                                "--advertise", f"http://127.0.0.1:{port}", "--lease", str(LEASE)))


def test_a_sandbox_survives_the_loss_of_its_worker(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    port_a, port_b = free_port(), free_port()
    with services.postgres_server() as journal, services.redis_server() as redis, \
            _worker(tmp_path, "b", port_b, journal, redis):
        with _worker(tmp_path, "a", port_a, journal, redis):
            code, _h, created = _request(port_a, "POST", "/api/sandboxes")
            assert code == 201
            api = f"/api/sandboxes/{created['id']}"
            _request(port_a, "POST", f"{api}/clock", {"paused": True})
            code, _h, ran = _request(port_a, "POST", f"{api}/run",
                                     {"command": "kubectl create deployment web --image=nginx --replicas=3"})
            assert (code, ran["exitCode"]) == (200, 0)
            _request(port_a, "POST", f"{api}/clock", {"advance": 30})
            _code, _h, on_a = _request(port_a, "GET", f"{api}/objects")

            # while A lives, B sends the request to A: one owner at a time
            code, headers, said = _request(port_b, "GET", f"{api}/objects?x=1")
            assert code == 307
            assert headers["Location"] == f"http://127.0.0.1:{port_a}{api}/objects?x=1"
            assert said["error"] == f"sandbox {created['id']} is served by the worker at http://127.0.0.1:{port_a}"

            # a new sandbox is nobody's until its first request: the worker that gets it owns it
            code, _h, other = _request(port_b, "POST", "/api/sandboxes")
            assert code == 201
            assert _request(port_a, "GET", f"/api/sandboxes/{other['id']}")[0] == 200
            assert _request(port_b, "GET", f"/api/sandboxes/{other['id']}")[0] == 307

            lease = services.Expiry(redis, WORKER_KEY + "a")
            PROCESSES[port_a].kill()  # the worker is lost
            PROCESSES[port_a].wait(30)
            # until A's lease runs out B still sends there
            assert _request(port_b, "GET", f"{api}/objects")[0] == 307

        lease.wait()  # Redis expires A's lease: then B takes the sandbox over
        lease.close()
        code, _h, on_b = _request(port_b, "GET", f"{api}/objects")
        assert code == 200
        assert on_b == on_a  # rebuilt from the journal A wrote: the same objects, rv and clock
        # and it goes on: B journals what it does next
        code, _h, ran = _request(port_b, "POST", f"{api}/run", {"command": "kubectl scale deployment web --replicas=5"})
        assert (code, ran["exitCode"]) == (200, 0)
        _request(port_b, "POST", f"{api}/clock", {"advance": 20})
        code, _h, pods = _request(port_b, "GET", f"/k8s/{created['id']}/api/v1/namespaces/default/pods")
        assert code == 200
        assert sum(p["status"].get("phase") == "Running" for p in pods["items"]) == 5


def _router_conf(tmp_path, port: int, workers: list[int]) -> str:
    """deploy/nginx.conf as committed, with this machine's workers, port and scratch paths."""
    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf").read_text()
    for name, worker in zip(("worker1", "worker2"), workers, strict=True):
        conf = conf.replace(f"server {name}:8080", f"server 127.0.0.1:{worker}")
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("worker_processes auto;", f"worker_processes 1; pid {tmp_path}/nginx.pid; "
                                                  f"error_log {tmp_path}/nginx.log;")
    conf = conf.replace("http {", f"http {{ access_log off; client_body_temp_path {tmp_path}/body; "
                                  f"proxy_temp_path {tmp_path}/proxy;", 1)
    return conf


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (make test installs nginx-light)")
def test_the_router_sends_each_sandbox_to_its_worker(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    ports = {"a": free_port(), "b": free_port()}
    router = free_port()
    (tmp_path / "nginx.conf").write_text(_router_conf(tmp_path, router, [ports["a"], ports["b"]]))
    with services.postgres_server() as journal, services.redis_server() as redis, \
            _worker(tmp_path, "a", ports["a"], journal, redis), _worker(tmp_path, "b", ports["b"], journal, redis):
        nginx = ["nginx", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)]
        # nginx goes into the background only once it listens: its return is the readiness signal
        subprocess.run(nginx, check=True, timeout=60)
        try:
            code, _h, created = _request(router, "POST", "/api/sandboxes")
            assert code == 201
            sid = created["id"]
            code, _h, ran = _request(router, "POST", f"/api/sandboxes/{sid}/run",
                                     {"command": "kubectl create deployment web --image=nginx"})
            assert (code, ran["exitCode"]) == (200, 0)
            # the worker the router chose owns it; the other one would send it there
            statuses = {name: _request(port, "GET", f"/api/sandboxes/{sid}")[0] for name, port in ports.items()}
            assert sorted(statuses.values()) == [200, 307]
            owner = next(name for name, code in statuses.items() if code == 200)
            other = "b" if owner == "a" else "a"
            lease = services.Expiry(redis, WORKER_KEY + owner)
            PROCESSES[ports[owner]].kill()
            PROCESSES[ports[owner]].wait(30)
            lease.wait()
            lease.close()
            # through the router (which passes over the lost worker), the sandbox is served again
            answer = _request(router, "GET", f"/k8s/{sid}/apis/apps/v1/namespaces/default/deployments")
            assert answer[0] == 200, answer
            assert [d["metadata"]["name"] for d in answer[2]["items"]] == ["web"]
            assert _request(ports[other], "GET", f"/api/sandboxes/{sid}")[0] == 200
        finally:
            subprocess.run([*nginx, "-s", "stop"], check=False, timeout=60)
