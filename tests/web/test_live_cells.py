"""Pod cells over Socket.IO: the page is sent kubectl's own pod row, once per change."""

from __future__ import annotations

import re

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

NOIMAGE = """apiVersion: v1
kind: Pod
metadata:
  name: noimage
spec:
  containers:
  - name: app
    image: acme/does-not-exist:v9
"""

TWO = """apiVersion: v1
kind: Pod
metadata:
  name: two
spec:
  containers:
  - name: a
    image: nginx
  - name: b
    image: redis
"""


def run(client, sid, command, stdin=None):
    body = {"command": command} if stdin is None else {"command": command, "stdin": stdin}
    r = client.post(f"/api/sandboxes/{sid}/run", json=body)
    assert r.status_code == 200, r.json
    return r.json["output"]


def advance(client, sid, seconds):
    r = client.post(f"/api/sandboxes/{sid}/clock", json={"advance": seconds})
    assert r.status_code == 200


def kubectl_rows(client, sid, args="-A"):
    """``kubectl get pods -o wide`` as {name: {column: text}}."""
    lines = run(client, sid, f"kubectl get pods -o wide {args}").splitlines()
    columns = list(re.finditer(r"\S+(?: \S+)*", lines[0]))  # "NOMINATED NODE" is one column
    starts = [m.start() for m in columns]
    rows = {}
    for line in lines[1:]:
        cells = [line[a:b].strip() for a, b in zip(starts, starts[1:] + [len(line)], strict=True)]
        row = dict(zip((m.group() for m in columns), cells, strict=True))
        rows[row["NAME"]] = row
    return rows


def join(socket, sid, since=None):
    socket.emit("join", {"sandbox": sid} if since is None else {"sandbox": sid, "since": since}, callback=True)
    return socket.get_received()


def pod_events(deltas, name):
    return [e for d in deltas for e in d["events"]
            if e["object"]["kind"] == "Pod" and e["object"]["metadata"]["name"] == name]


def test_snapshot_cells_are_kubectls_row(client, socket, sid):
    run(client, sid, "kubectl apply -f -", TWO)
    advance(client, sid, 30)
    snap = events_named(join(socket, sid), "snapshot")[0]
    rows = kubectl_rows(client, sid)
    pods = [o for o in snap["objects"] if o["kind"] == "Pod"]
    assert len(pods) == len(rows) > 5
    for pod in pods:
        meta = pod["metadata"]
        cells = snap["cells"][f"Pod/{meta['namespace']}/{meta['name']}"]
        row = rows[meta["name"]]
        assert (cells["name"], cells["ready"], cells["status"], cells["ip"], cells["node"],
                cells["nominatedNode"], cells["readinessGates"]) == \
            (row["NAME"], row["READY"], row["STATUS"], row["IP"], row["NODE"], row["NOMINATED NODE"], row["READINESS GATES"])
        assert row["RESTARTS"].split()[0] == str(cells["restarts"])
    assert snap["cells"]["Pod/default/two"]["ready"] == "2/2"
    node = snap["cells"]["Node//master"]
    assert (node["status"], node["roles"]) == ("Ready", "control-plane")
    on_master = [p for p in snap["objects"] if p["kind"] == "Pod" and p["spec"].get("nodeName") == "master"
                 and p["status"].get("phase") not in ("Succeeded", "Failed")]
    assert node["requested"]["pods"] == len(on_master) and node["allocatable"]["pods"] == 110


def test_crash_loop_cells_carry_the_back_off_end_and_match_kubectl(client, socket, sid, sandbox):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    join(socket, sid)
    run(client, sid, "kubectl apply -f -", CRASH)
    socket.get_received()
    advance(client, sid, 40)
    deltas = events_named(socket.get_received(), "delta")
    sent = [e["cells"] for e in pod_events(deltas, "crash") if "cells" in e]
    last = sent[-1]
    row = kubectl_rows(client, sid, "crash")["crash"]
    assert last["status"] == row["STATUS"] == "CrashLoopBackOff"
    assert str(last["restarts"]) == row["RESTARTS"].split()[0]
    now = sandbox.cluster.clock.now()
    assert last["lastRestart"] is not None and last["lastRestart"] <= now
    assert now < last["backOffUntil"] <= now + 300
    # the kubelet restarts the container when the back-off ends, not before
    advance(client, sid, int(last["backOffUntil"] - now) - 1)
    assert kubectl_rows(client, sid, "crash")["crash"]["RESTARTS"].split()[0] == str(last["restarts"])
    advance(client, sid, 3)
    assert int(kubectl_rows(client, sid, "crash")["crash"]["RESTARTS"].split()[0]) == last["restarts"] + 1


def test_image_pull_back_off_is_its_own_status(client, socket, sid):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    join(socket, sid)
    run(client, sid, "kubectl apply -f -", NOIMAGE)
    advance(client, sid, 30)
    deltas = events_named(socket.get_received(), "delta")
    last = [e["cells"] for e in pod_events(deltas, "noimage") if "cells" in e][-1]
    assert last["status"] == kubectl_rows(client, sid, "noimage")["noimage"]["STATUS"]
    assert last["status"] in ("ErrImagePull", "ImagePullBackOff")
    assert last["backOffUntil"] is None


def test_cells_travel_only_when_they_change(client, socket, sid, sandbox, hub):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    run(client, sid, "kubectl apply -f -", TWO)
    advance(client, sid, 30)
    join(socket, sid)
    run(client, sid, "kubectl label pod two tier=web")
    events = pod_events(events_named(socket.get_received(), "delta"), "two")
    assert [e["type"] for e in events] == ["MODIFIED"]
    assert "cells" not in events[0]  # a label is no cell
    run(client, sid, "kubectl delete pod two --wait=false")
    events = pod_events(events_named(socket.get_received(), "delta"), "two")
    assert events[0]["cells"]["status"] == "Terminating"
    # the clock running on changes nothing a pod's cells say: no cells, no events
    advance(client, sid, 1)
    hub.tick(sandbox)
    # (but for pod two, going, and its node, whose requested resources it gives back)
    quiet = [e for d in events_named(socket.get_received(), "delta") for e in d["events"] if "cells" in e
             and e["object"]["metadata"]["name"] != "two" and e["object"]["kind"] != "Node"]
    assert quiet == []


def test_a_reconnect_catch_up_gives_every_event_its_cells(client, socket, sid):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    rv = events_named(join(socket, sid), "snapshot")[0]["rv"]
    socket.disconnect()
    run(client, sid, "kubectl apply -f -", TWO)
    run(client, sid, "kubectl label pod two tier=web")
    socket.connect()
    deltas = events_named(join(socket, sid, since=rv), "delta")
    events = pod_events(deltas, "two")
    assert events[0]["type"] == "ADDED" and events[-1]["object"]["metadata"]["labels"] == {"tier": "web"}
    assert len(events) > 2 and all(e["cells"]["name"] == "two" for e in events)
