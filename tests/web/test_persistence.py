"""Sandboxes survive a restart: the journal replays to the same state, byte for byte."""

from __future__ import annotations

from pathlib import Path

from server.persist import Journal

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_restart_rebuilds_the_same_objects(make_app):
    app = make_app()
    client = app.test_client()
    hub = app.extensions["kubeplay.hub"]
    sid = client.post("/api/sandboxes").json["id"]
    sandbox = app.extensions["kubeplay.sandboxes"].get(sid)
    api = f"/api/sandboxes/{sid}"
    assert client.post(f"{api}/apply", json={"manifest": (EXAMPLES / "lessons/step08-deployment1.yml").read_text()}).json["exitCode"] == 0
    assert client.post(f"{api}/run", json={"command": "kubectl apply -f step08-pod.yml"}).json["exitCode"] == 0
    client.post(f"{api}/clock", json={"advance": 45, "speed": 10})
    for _ in range(7):
        hub.tick(sandbox)  # the live clock: 1 simulated second per tick at ×10
    assert client.post(f"{api}/pods/default/test1/containers/busybox/kill").status_code == 200
    client.post(f"{api}/nodes/node1/fail")
    assert client.post(f"{api}/nodes", json={}).status_code == 201  # node3 joins
    client.post(f"{api}/clock", json={"advance": 100.25})
    assert client.delete(f"{api}/nodes/node3").status_code == 200
    client.post(f"{api}/run", json={"command": "kubectl scale deployment web-deploy --replicas=5"})
    client.post(f"{api}/clock", json={"advance": 20, "paused": True})
    before = client.get(f"{api}/objects")
    assert before.status_code == 200

    again = make_app()  # a new process over the same data directory
    client2 = again.test_client()
    after = client2.get(f"{api}/objects")
    assert after.status_code == 200
    assert after.data == before.data
    assert after.json["clock"] == {**before.json["clock"], "paused": True, "speed": 10}

    # the rebuilt sandbox goes on as the original would have (the original now journals
    # elsewhere: one server owns a data directory), and its new operations are journalled too
    sandbox.journal = Journal()
    sandbox.journal.add_sandbox(sid, sandbox.seed, sandbox.start)
    for c in (client, client2):
        c.post(f"{api}/clock", json={"advance": 400})
        c.post(f"{api}/nodes/node1/recover")
        c.post(f"{api}/clock", json={"advance": 30})
    assert client2.get(f"{api}/objects").data == client.get(f"{api}/objects").data
    third = make_app().test_client()
    assert third.get(f"{api}/objects").data == client.get(f"{api}/objects").data


def test_consecutive_advances_are_one_journal_row(make_app, tmp_path):
    app = make_app()
    client = app.test_client()
    hub = app.extensions["kubeplay.hub"]
    sid = client.post("/api/sandboxes").json["id"]
    sandbox = app.extensions["kubeplay.sandboxes"].get(sid)
    journal = app.extensions["kubeplay.journal"]
    for _ in range(20):
        hub.tick(sandbox)
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 5})
    assert journal.count_ops(sid) == 1
    client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl version"})
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 5})
    assert [op["op"] for op in journal.ops(sid)] == ["advance", "run", "advance"]
    assert list(journal.ops(sid))[-1]["to"] == sandbox.cluster.clock.now()


def test_requests_that_change_nothing_are_not_journalled(make_app):
    app = make_app()
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    client.get(f"/api/sandboxes/{sid}/objects")
    client.post(f"/api/sandboxes/{sid}/run", json={"command": "echo hi"})
    client.post(f"/api/sandboxes/{sid}/nodes/node9/fail")
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": "x"})
    assert app.extensions["kubeplay.journal"].count_ops(sid) == 0


def test_unknown_ids_stay_unknown_after_restart(make_app):
    make_app().test_client().post("/api/sandboxes")
    assert make_app().test_client().get("/api/sandboxes/other/objects").status_code == 404


def test_journal_merge_survives_reopening(tmp_path):
    path = str(tmp_path / "j.sqlite3")
    j = Journal(path)
    j.add_sandbox("s", 1, 100.0)
    j.append("s", {"op": "advance", "to": 101.0})
    j.close()
    j = Journal(path)
    j.append("s", {"op": "advance", "to": 102.5})
    assert list(j.ops("s")) == [{"op": "advance", "to": 102.5}]
    assert j.sandbox("s").seed == 1 and j.sandbox("s").start == 100.0
    j.close()
