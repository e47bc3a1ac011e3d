"""Node and ReplicaSet cells for the canvas's explanations (issue 10): a halted machine's node gets
``notReadyAt`` — the moment the node lifecycle controller marks it NotReady — at once, in the batch
that says the machine went down; a ReplicaSet's cells carry its Deployment's resolved rolling-update
budget."""

from __future__ import annotations

from server.sim.clock import parse_time

from .conftest import events_named


def join(socket, sid):
    ack = socket.emit("join", {"sandbox": sid}, callback=True)
    assert ack["ok"], ack
    return socket.get_received()


def node_events(deltas, name):
    return [e for d in deltas for e in d["events"]
            if e["object"]["kind"] == "Node" and e["object"]["metadata"]["name"] == name]


def ready_status(sandbox, name):
    node = sandbox.cluster.store.peek("Node", "", name)
    return next(c for c in node["status"]["conditions"] if c["type"] == "Ready")["status"]


def test_a_failed_node_is_sent_when_it_will_go_notready_and_it_does(client, socket, sid, sandbox):
    base = f"/api/sandboxes/{sid}"
    client.post(f"{base}/clock", json={"paused": True})
    client.post(f"{base}/clock", json={"advance": 7})
    snap = events_named(join(socket, sid), "snapshot")[0]
    assert (snap["cells"]["Node//node1"]["status"], snap["cells"]["Node//node1"]["roles"]) == ("Ready", "<none>")
    assert "halted" not in snap["cells"]["Node//node1"]
    assert client.post(f"{base}/nodes/node1/fail").status_code == 200
    deltas = events_named(socket.get_received(), "delta")
    [ev] = node_events(deltas, "node1")
    assert ev["type"] == "MODIFIED" and ev["rv"] is None  # not a watch event: the object did not change
    cells = ev["cells"]
    assert cells["halted"] is True and cells["graceSeconds"] == 50.0 and cells["status"] == "Ready"
    failed_at = parse_time(deltas[-1]["clock"]["now"])
    assert failed_at + 40 < cells["notReadyAt"] <= failed_at + 60

    # one second before, still Ready; at notReadyAt, Unknown — and the cells say so
    client.post(f"{base}/clock", json={"advance": cells["notReadyAt"] - failed_at - 1})
    assert ready_status(sandbox, "node1") == "True"
    socket.get_received()
    client.post(f"{base}/clock", json={"advance": 1})
    assert ready_status(sandbox, "node1") == "Unknown"
    later = [e for e in node_events(events_named(socket.get_received(), "delta"), "node1") if "cells" in e]
    assert later[-1]["cells"]["status"] == "NotReady" and later[-1]["cells"]["notReadyAt"] is None

    # recovered: the halted cells go again at once
    assert client.post(f"{base}/nodes/node1/recover").status_code == 200
    back = [e for e in node_events(events_named(socket.get_received(), "delta"), "node1") if "cells" in e]
    assert "halted" not in back[-1]["cells"]


def test_replicaset_cells_carry_the_deployments_resolved_budget(client, socket, sid):
    base = f"/api/sandboxes/{sid}"
    client.post(f"{base}/clock", json={"paused": True})
    r = client.post(f"{base}/run", json={"command": "kubectl create deployment web --image=nginx:1.14.2 --replicas=10"})
    assert r.json["exitCode"] == 0
    client.post(f"{base}/clock", json={"advance": 5})
    snap = events_named(join(socket, sid), "snapshot")[0]
    [key] = [k for k in snap["cells"] if k.startswith("ReplicaSet/default/web-")]
    # 25 % of 10: surge rounds up to 3, unavailable down to 2 (deployment_util.resolve_fenceposts)
    assert snap["cells"][key] == {"maxSurge": 3, "maxUnavailable": 2}
    r = client.post(f"{base}/run", json={"command": "kubectl patch deployment web -p "
                                         "'{\"spec\":{\"strategy\":{\"type\":\"Recreate\",\"rollingUpdate\":null}}}'"})
    assert r.json["exitCode"] == 0, r.json
    client.post(f"{base}/run", json={"command": "kubectl scale deployment web --replicas=4"})
    client.post(f"{base}/clock", json={"advance": 1})
    evs = [e for d in events_named(socket.get_received(), "delta") for e in d["events"]
           if e["object"]["kind"] == "ReplicaSet" and "cells" in e]
    assert evs and evs[-1]["cells"] == {"maxSurge": None, "maxUnavailable": None}


def test_a_tainted_nodes_cells_carry_the_taint_managers_schedule(client, socket, sid, sandbox):
    """Once node1 is NotReady and tainted NoExecute, its cells say when each of its pods will be evicted —
    the taint manager's own schedule (timeAdded + the pod's 300 s default toleration), which the page
    counts down to; a DaemonSet's pod, tolerating forever, is not in it."""
    base = f"/api/sandboxes/{sid}"
    client.post(f"{base}/run", json={"command": "kubectl create deployment web --image=nginx --replicas=4"})
    client.post(f"{base}/clock", json={"paused": True, "advance": 30})
    join(socket, sid)
    assert client.post(f"{base}/nodes/node1/fail").status_code == 200
    client.post(f"{base}/clock", json={"advance": 70})
    deltas = events_named(socket.get_received(), "delta")
    evict_at = [e["cells"]["evictAt"] for e in node_events(deltas, "node1") if "evictAt" in (e.get("cells") or {})][-1]
    node = sandbox.cluster.store.peek("Node", "", "node1")
    added = next(parse_time(t["timeAdded"]) for t in node["spec"]["taints"] if t["effect"] == "NoExecute")
    web = sorted(p["metadata"]["name"] for p in sandbox.cluster.store.scan("Pod", "default", node="node1"))
    assert web and sorted(k.split("/")[1] for k in evict_at if k.startswith("default/")) == web
    assert {evict_at[f"default/{n}"] for n in web} == {added + 300}
    assert not any(k.startswith("kube-system/kube-proxy") for k in evict_at)
