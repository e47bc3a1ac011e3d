"""Progress of a long clock advance (issue 10): while ``POST …/clock {"advance": 3600}`` runs, the
sandbox's room gets ``progress`` ``{"op": "advance", "done", "total"}`` messages, and the stepped
advance lands where one jump would, with the same objects."""

from __future__ import annotations

from .conftest import events_named


def test_a_long_advance_reports_its_progress_to_the_room(client, socket, sid, hub, sandbox):
    hub.progress_seconds = 0  # every step reports (the default is one message per 250 ms of wall time)
    base = f"/api/sandboxes/{sid}"
    client.post(f"{base}/clock", json={"paused": True})
    assert socket.emit("join", {"sandbox": sid}, callback=True)["ok"]
    socket.get_received()
    start = sandbox.cluster.clock.now()
    r = client.post(f"{base}/clock", json={"advance": 3600})
    assert r.status_code == 200 and r.json["time"] == start + 3600
    progress = events_named(socket.get_received(), "progress")
    assert {p["op"] for p in progress} == {"advance"} and {p["total"] for p in progress} == {3600}
    done = [p["done"] for p in progress]
    assert done == sorted(done) and len(done) > 100 and 0 < done[0] and done[-1] < 3600

    # a short one has no steps to report
    client.post(f"{base}/clock", json={"advance": 5})
    assert events_named(socket.get_received(), "progress") == []


def test_a_stepped_advance_ends_as_one_jump_does(make_app):
    """The page's hour (stepped, with progress) and a client's hour without a page leave the same
    objects: the steps fire the same timers at the same instants."""
    states = []
    for watched in (True, False):
        app = make_app()
        client = app.test_client()
        sid = client.post("/api/sandboxes").json["id"]
        base = f"/api/sandboxes/{sid}"
        client.post(f"{base}/clock", json={"paused": True})
        socket = app.extensions["socketio"].test_client(app, flask_test_client=client) if watched else None
        if socket is not None:
            app.extensions["kubeplay.hub"].progress_seconds = 0
            assert socket.emit("join", {"sandbox": sid}, callback=True)["ok"]
        client.post(f"{base}/run", json={"command": "kubectl create deployment web --image=nginx --replicas=5"})
        client.post(f"{base}/run", json={"command": "kubectl create cronjob tick --image=busybox "
                                         "--schedule='*/7 * * * *' -- date"})
        assert client.post(f"{base}/clock", json={"advance": 3600}).status_code == 200
        if socket is not None:
            assert events_named(socket.get_received(), "progress")
        objects = client.get(f"{base}/objects").json["objects"]
        states.append(sorted((o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"],
                              o["metadata"].get("resourceVersion")) for o in objects))
    assert states[0] == states[1]
