"""The room's record of sent cells (``Hub._sent_cells``) lives only while someone is in the room: the
last socket out takes it with it, an unwatched sandbox keeps none, and a page that joins again still
gets every cell it needs — and then, again, only the cells that change."""

from __future__ import annotations

from server.web import socketio_of

from .conftest import events_named

CRASH = """apiVersion: v1
kind: Pod
metadata:
  name: crash
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "exit 1"]
"""


def run(client, sid, command, stdin=None):
    body = {"command": command} if stdin is None else {"command": command, "stdin": stdin}
    r = client.post(f"/api/sandboxes/{sid}/run", json=body)
    assert r.status_code == 200, r.json
    return r.json["output"]


def join(socket, sid, since=None):
    socket.emit("join", {"sandbox": sid} if since is None else {"sandbox": sid, "since": since}, callback=True)
    return socket.get_received()


def crash_cells(deltas):
    return [e["cells"] for d in deltas for e in d["events"]
            if e["object"]["kind"] == "Pod" and e["object"]["metadata"]["name"] == "crash" and "cells" in e]


def kubectl_status(client, sid):
    line = run(client, sid, "kubectl get pod crash --no-headers")
    return line.split()[2]


def socketio_client(app, client):
    return socketio_of(app).test_client(app, flask_test_client=client)


def test_the_last_socket_out_takes_the_rooms_cells_with_it(app, client, sid, hub):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    run(client, sid, "kubectl apply -f -", CRASH)
    first = socketio_client(app, client)
    second = socketio_client(app, client)
    join(first, sid)
    join(second, sid)
    run(client, sid, "kubectl label pod crash tier=web")
    assert sid in hub._sent_cells
    first.disconnect()
    assert sid in hub._sent_cells  # the other page still watches: its record stays
    rv = events_named(second.get_received(), "delta")[-1]["rv"]
    second.disconnect()
    assert sid not in hub._sent_cells

    # nobody watches: what changes meanwhile leaves no record behind
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 30})
    run(client, sid, "kubectl label pod crash tier=api --overwrite")
    assert sid not in hub._sent_cells

    # a page coming back gets every event's cells, and then each change of them, as kubectl prints it
    second.connect()
    catch_up = events_named(join(second, sid, since=rv), "delta")
    cells = crash_cells(catch_up)
    assert cells and cells[-1]["status"] == kubectl_status(client, sid)
    # the room's record is back: a label, which is no cell, travels without cells
    run(client, sid, "kubectl label pod crash tier=db --overwrite")
    labelled = [e for d in events_named(second.get_received(), "delta") for e in d["events"]
                if e["object"]["metadata"]["name"] == "crash"]
    assert [e["type"] for e in labelled] == ["MODIFIED"] and "cells" not in labelled[0]
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 60})
    after = crash_cells(events_named(second.get_received(), "delta"))
    assert after and after[-1]["status"] == kubectl_status(client, sid)
    second.disconnect()
    assert sid not in hub._sent_cells
