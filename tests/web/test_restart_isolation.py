"""A restarted server with 100 journalled sandboxes answers at once, and one sandbox's long replay
holds neither ``/healthz`` nor the other sandboxes' requests (issue 11's isolation), on the real
server as ``make run`` starts it."""

from __future__ import annotations

import json
import threading
import urllib.request

from server.persist import Journal
from server.sim.clock import DEFAULT_START
from tests.serverproc import running_server

DEPLOY = {"op": "run", "command": "kubectl create deployment web --image=nginx", "stdin": ""}
#: a journal whose replay runs the controllers over 200 pods for half an hour of simulated time
HEAVY = [{"op": "run", "command": "kubectl create deployment big --image=nginx --replicas=200", "stdin": ""},
         {"op": "advance", "to": DEFAULT_START + 1800}]


def _get(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=300) as answer:
        return json.loads(answer.read())


def test_a_long_replay_holds_no_other_request(tmp_path):
    journal = Journal(str(tmp_path / "kubeplay.sqlite3"))
    journal.add_sandbox_with_ops("heavy", 7, DEFAULT_START, HEAVY)
    for i in range(99):
        journal.add_sandbox_with_ops(f"light-{i}", 7, DEFAULT_START, [DEPLOY])
    journal.close()
    with running_server(tmp_path) as (port, _log):  # the server answered /healthz: nothing is replayed at start
        heavy: list[dict] = []
        loading = threading.Thread(target=lambda: heavy.append(_get(port, "/api/sandboxes/heavy/objects")))
        loading.start()
        answered_meanwhile = []
        for i in range(3):
            assert _get(port, "/healthz") == {"ok": True}
            names = [d["metadata"]["name"] for d in
                     _get(port, f"/k8s/light-{i}/apis/apps/v1/namespaces/default/deployments")["items"]]
            assert names == ["web"]
            answered_meanwhile.append(loading.is_alive())
        loading.join(300)
        # each of those answers came while the heavy sandbox was still replaying (under one event
        # loop, or replayed under the registry's lock, they waited for it to end)
        assert answered_meanwhile == [True, True, True]
        pods = [o for o in heavy[0]["objects"] if o["kind"] == "Pod" and o["metadata"]["name"].startswith("big-")]
        assert len(pods) == 200


def _post(port: int, path: str, body: dict) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=300) as answer:
        return json.loads(answer.read())


def test_a_hundred_thousand_replicas_are_made_on_the_clock_not_in_the_request(tmp_path):
    with running_server(tmp_path) as (port, _log):
        huge, other = (_post(port, "/api/sandboxes", {})["id"] for _ in range(2))
        _post(port, f"/api/sandboxes/{huge}/clock", {"paused": True})
        ran = _post(port, f"/api/sandboxes/{huge}/run",
                    {"command": "kubectl create deployment huge --image=nginx --replicas=100000"})
        assert ran == {"exitCode": 0, "output": "deployment.apps/huge created\n"}
        # the request made the ReplicaSet's first slow-start batch only (client-go's burst, 30);
        # the rest follow on the sandbox's clock, 20 a second
        pods = _get(port, f"/k8s/{huge}/api/v1/namespaces/default/pods")["items"]
        assert len(pods) == 30
        _post(port, f"/api/sandboxes/{huge}/clock", {"advance": 5})
        assert len(_get(port, f"/k8s/{huge}/api/v1/namespaces/default/pods")["items"]) == 130
        # and the other sandbox answers as before
        assert _get(port, f"/k8s/{other}/api/v1/namespaces/default/pods")["items"] == []
        assert _get(port, "/healthz") == {"ok": True}
