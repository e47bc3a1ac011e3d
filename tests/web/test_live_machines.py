"""Socket.IO: snapshots and deltas carry ``machines`` ``[{"name", "up"}]``, so the canvas draws a
machine halted by ``minikube stop`` or the node fail button, and back, from the live feed alone —
the ``/run`` answer no longer tells the page (no ``open`` of kind ``machines``)."""

from __future__ import annotations

import pytest

from .conftest import events_named


def join(socket, sid):
    ack = socket.emit("join", {"sandbox": sid}, callback=True)
    assert ack["ok"], ack
    return socket.get_received()


@pytest.fixture
def minikube_sid(client) -> str:
    r = client.post("/api/sandboxes", json={"preset": "minikube"})
    assert r.status_code == 201
    return r.json["id"]


def test_the_snapshot_lists_every_machine_up(socket, sid):
    snap = events_named(join(socket, sid), "snapshot")[0]
    assert snap["machines"] == [{"name": "master", "up": True}, {"name": "node1", "up": True},
                                {"name": "node2", "up": True}]


def test_minikube_stop_and_start_reach_the_room_as_deltas(client, socket, minikube_sid):
    base = f"/api/sandboxes/{minikube_sid}"
    client.post(f"{base}/clock", json={"paused": True})  # no tick moves anything: only the command does
    snap = events_named(join(socket, minikube_sid), "snapshot")[0]
    assert snap["machines"] == [{"name": "minikube", "up": True}]
    stopped = client.post(f"{base}/run", json={"command": "minikube stop"}).json
    assert stopped["exitCode"] == 0 and "open" not in stopped
    deltas = events_named(socket.get_received(), "delta")
    assert deltas and deltas[-1]["machines"] == [{"name": "minikube", "up": False}]
    started = client.post(f"{base}/run", json={"command": "minikube start"}).json
    assert started["exitCode"] == 0 and "open" not in started
    deltas = events_named(socket.get_received(), "delta")
    assert deltas and deltas[-1]["machines"] == [{"name": "minikube", "up": True}]


def test_a_machine_switch_alone_sends_a_batch(client, socket, sid, sandbox):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    join(socket, sid)
    rv = sandbox.cluster.store.rv
    assert client.post(f"/api/sandboxes/{sid}/nodes/node1/fail").status_code == 200
    assert sandbox.cluster.store.rv == rv  # no object changed yet (the kubelet just stops posting)
    deltas = events_named(socket.get_received(), "delta")
    # the one event is the node as stored, re-sent with its new cells (halted, when it turns NotReady):
    # no resourceVersion, since nothing was written
    assert len(deltas) == 1 and [e["rv"] for e in deltas[0]["events"]] == [None]
    refresh = deltas[0]["events"][0]
    assert (refresh["object"]["kind"], refresh["object"]["metadata"]["name"]) == ("Node", "node1")
    assert refresh["cells"]["halted"] is True
    assert deltas[-1]["machines"] == [{"name": "master", "up": True}, {"name": "node1", "up": False},
                                      {"name": "node2", "up": True}]
    assert client.post(f"/api/sandboxes/{sid}/nodes/node1/recover").status_code == 200
    deltas = events_named(socket.get_received(), "delta")
    assert deltas[-1]["machines"][1] == {"name": "node1", "up": True}
    # nothing changed since: no batch at all
    client.application.extensions["kubeplay.hub"].pump(sandbox)
    assert events_named(socket.get_received(), "delta") == []
