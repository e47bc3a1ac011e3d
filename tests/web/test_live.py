"""Socket.IO: join → snapshot, deltas after changes, reconnects with ``since``, the ticker."""

from __future__ import annotations

from collections import deque

import pytest

from .conftest import events_named

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
  - name: c
    image: nginx
"""


def join(socket, sid, since=None):
    ack = socket.emit("join", {"sandbox": sid} if since is None else {"sandbox": sid, "since": since}, callback=True)
    return ack, socket.get_received()


def test_join_gets_one_snapshot_without_leases_or_events(socket, sid, sandbox):
    store = sandbox.cluster.store
    store.create({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                  "metadata": {"name": "nodex", "namespace": "kube-node-lease"}, "spec": {}})
    sandbox.cluster.recorder.event(store.get("Namespace", "", "default"), "Normal", "Test", "hello", "test")
    ack, received = join(socket, sid)
    assert ack == {"ok": True, "rv": store.rv}
    snaps = events_named(received, "snapshot")
    assert len(snaps) == 1 and not events_named(received, "delta")
    snap = snaps[0]
    assert snap["rv"] == store.rv
    assert snap["clock"] == sandbox.cluster.clock.state()
    kinds = {o["kind"] for o in snap["objects"]}
    assert "Namespace" in kinds and not kinds & {"Lease", "Event"}
    visible = [o for o in store.all() if o["kind"] not in ("Lease", "Event")]
    assert [o["metadata"]["resourceVersion"] for o in snap["objects"]] == \
        [o["metadata"]["resourceVersion"] for o in visible]


def test_join_unknown_sandbox_is_refused(socket):
    ack, received = join(socket, "nope")
    assert ack == {"ok": False, "error": "no such sandbox"}
    assert events_named(received, "join_error") == [ack]
    ack = socket.emit("join", "garbage", callback=True)
    assert ack["ok"] is False


def test_a_command_sends_a_delta_to_the_room(app, client, socket, sid):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    _, received = join(socket, sid)
    rv0 = events_named(received, "snapshot")[0]["rv"]
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl apply -f -", "stdin": POD.format(name="a")})
    assert r.json["exitCode"] == 0
    deltas = events_named(socket.get_received(), "delta")
    assert len(deltas) == 1
    added = [e for e in deltas[0]["events"] if e["object"]["kind"] == "Pod"]
    assert added[0]["type"] == "ADDED" and added[0]["object"]["metadata"]["name"] == "a"
    # watch events in rv order; the nodes whose pods changed have their cells refreshed (rv null)
    watched = [e for e in deltas[0]["events"] if e["rv"] is not None]
    assert all(rv0 < e["rv"] <= deltas[0]["rv"] for e in watched)
    assert [e["rv"] for e in watched] == sorted(e["rv"] for e in watched)
    refreshed = [e for e in deltas[0]["events"] if e["rv"] is None]
    assert all(e["object"]["kind"] == "Node" and e["type"] == "MODIFIED" for e in refreshed)


def test_another_sandbox_does_not_hear_it(app, client, socket, sid):
    other = client.post("/api/sandboxes").json["id"]
    join(socket, other)
    client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl apply -f -", "stdin": POD.format(name="a")})
    assert socket.get_received() == []


def test_reconnect_with_since_gets_exactly_what_was_missed(app, client, socket, sid, sandbox):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    _, received = join(socket, sid)
    last_rv = events_named(received, "snapshot")[0]["rv"]
    socket.disconnect()
    client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl apply -f -", "stdin": POD.format(name="b")})
    client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl delete pod b --grace-period=0 --force"})
    socket.connect()
    ack, received = join(socket, sid, since=last_rv)
    assert not events_named(received, "snapshot")
    deltas = events_named(received, "delta")
    assert len(deltas) == 1
    missed = [(e["type"], e["object"]["metadata"]["name"]) for e in deltas[0]["events"] if e["object"]["kind"] == "Pod"]
    assert missed[0] == ("ADDED", "b") and missed[-1] == ("DELETED", "b")
    assert deltas[0]["rv"] == ack["rv"] == sandbox.cluster.store.rv
    expected = [e.rv for e in sandbox.cluster.store.events_since(last_rv) if e.obj["kind"] not in ("Lease", "Event")]
    assert [e["rv"] for e in deltas[0]["events"] if e["rv"] is not None] == expected


def test_reconnect_with_a_too_old_rv_gets_a_snapshot(app, client, socket, sid, sandbox):
    store = sandbox.cluster.store
    store.log = deque(store.log, maxlen=3)  # a short watch log, so that it forgets quickly
    for name in ("c", "d", "e"):
        client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl apply -f -", "stdin": POD.format(name=name)})
    assert store.events_since(1) is None
    _, received = join(socket, sid, since=1)
    assert not events_named(received, "delta")
    snap = events_named(received, "snapshot")[0]
    assert snap["rv"] == store.rv
    assert {"c", "d", "e"} <= {o["metadata"]["name"] for o in snap["objects"] if o["kind"] == "Pod"}


def test_rv_from_the_future_gets_a_snapshot(socket, sid, sandbox):
    _, received = join(socket, sid, since=sandbox.cluster.store.rv + 1000)
    assert len(events_named(received, "snapshot")) == 1


def test_tick_advances_the_clock_by_a_tenth_times_speed(app, client, socket, sid, sandbox, hub):
    join(socket, sid)
    client.post(f"/api/sandboxes/{sid}/clock", json={"speed": 10})
    socket.get_received()
    t0 = sandbox.cluster.clock.now()
    hub.tick(sandbox)
    assert sandbox.cluster.clock.now() == t0 + 1.0
    deltas = events_named(socket.get_received(), "delta")
    assert len(deltas) == 1 and deltas[0]["clock"]["time"] == t0 + 1.0
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    socket.get_received()
    hub.tick(sandbox)
    assert sandbox.cluster.clock.now() == t0 + 1.0
    assert socket.get_received() == []  # paused and nothing changed: nothing to say


def test_live_ticker_runs_while_someone_watches(make_app):
    app = make_app(LIVE_TICKER=True, TICK_SECONDS=0.01)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    sandbox = app.extensions["kubeplay.sandboxes"].get(sid)
    client.post(f"/api/sandboxes/{sid}/clock", json={"speed": 100})
    from server.web import socketio_of

    socket = socketio_of(app).test_client(app, flask_test_client=client)
    t0 = sandbox.cluster.clock.now()
    join(socket, sid)
    deltas = []
    for _ in range(500):  # bounded: at most ~5 s of wall time
        deltas += events_named(socket.get_received(), "delta")
        if len(deltas) >= 3:
            break
        socketio_of(app).sleep(0.01)
    assert len(deltas) >= 3
    assert deltas[-1]["clock"]["time"] >= t0 + 3.0  # 1 simulated second per tick at ×100
    socket.disconnect()
    for _ in range(500):
        if not sandbox.ticker_running:
            break
        socketio_of(app).sleep(0.01)
    assert sandbox.ticker_running is False
    stopped_at = sandbox.cluster.clock.now()
    socketio_of(app).sleep(0.05)
    assert sandbox.cluster.clock.now() == stopped_at


def test_events_are_sent_as_json_text_without_walking_their_data_for_bytes(app, monkeypatch):
    """The server's packets (server/web JsonPacket) are JSON text events: python-socketio's search of
    the data for bytes (a walk of every object of a delta) is not made."""
    from socketio.packet import Packet

    server = app.extensions["socketio"].server
    monkeypatch.setattr(Packet, "data_is_binary", classmethod(lambda cls, data: pytest.fail("data walked")))
    pkt = server.packet_class(2, data=["delta", {"events": [{"type": "ADDED", "object": {"kind": "Pod"}}]}])
    assert pkt.encode() == '2["delta",{"events":[{"type":"ADDED","object":{"kind":"Pod"}}]}]'
