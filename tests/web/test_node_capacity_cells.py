"""Node capacity cells (issue 10): every Node's cells carry ``allocatable`` and ``requested``
``{cpu (millicores), memory (bytes), pods}``, the numbers ``kubectl describe node`` prints in its
Allocatable, Non-terminated Pods and "Allocated resources" sections — after pods land, finish and
leave — and a pod landing on a node (which changes no Node object) sends that node's cells again."""

from __future__ import annotations

import re

from server.sim.quantity import Quantity

from .conftest import events_named

NODES = ("master", "node1", "node2")

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          requests: {cpu: 300m, memory: 100Mi}
"""

PINNED = """apiVersion: v1
kind: Pod
metadata:
  name: pinned
spec:
  nodeSelector: {kubernetes.io/hostname: node2}
  containers:
  - name: app
    image: nginx
    resources:
      requests: {cpu: 250m, memory: 64Mi}
"""

ONESHOT = """apiVersion: v1
kind: Pod
metadata:
  name: oneshot
spec:
  restartPolicy: Never
  nodeSelector: {kubernetes.io/hostname: node1}
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "sleep 20"]
    resources:
      requests: {cpu: 500m, memory: 1Gi}
"""


def run(client, sid, command, stdin=""):
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": command, "stdin": stdin})
    assert r.status_code == 200, r.json
    return r.json


def advance(client, sid, seconds):
    assert client.post(f"/api/sandboxes/{sid}/clock", json={"advance": seconds}).status_code == 200


def join(socket, sid):
    ack = socket.emit("join", {"sandbox": sid}, callback=True)
    assert ack["ok"], ack
    [snap] = events_named(socket.get_received(), "snapshot")
    return {k: v for k, v in snap["cells"].items() if k.startswith("Node//")}


def follow(socket, seen):
    """What the page holds after the deltas received since the last call: each node's latest cells
    (from its own events and the refreshes). Returns the node events that carried cells."""
    carried = []
    for d in events_named(socket.get_received(), "delta"):
        for e in d["events"]:
            if e["object"]["kind"] == "Node" and "cells" in e:
                seen["Node//" + e["object"]["metadata"]["name"]] = e["cells"]
                carried.append(e)
    return carried


def describe_numbers(client, sid, node):
    """allocatable and requested as ``kubectl describe node`` prints them, in the cells' units."""
    out = run(client, sid, f"kubectl describe node {node}")["output"]
    alloc = re.search(r"^Allocatable:\n((?:  .*\n)+)", out, re.M).group(1)
    amounts = dict(re.findall(r"^  (\S+):\s+(\S+)$", alloc, re.M))
    allocated = out[out.index("Allocated resources:"):]
    cpu = re.search(r"^  cpu\s+(\S+) \(\d+%\)", allocated, re.M).group(1)
    memory = re.search(r"^  memory\s+(\S+) \(\d+%\)", allocated, re.M).group(1)
    pods = int(re.search(r"^Non-terminated Pods:\s+\((\d+) in total\)", out, re.M).group(1))
    return {
        "allocatable": {"cpu": Quantity.parse(amounts["cpu"]).milli_value(),
                        "memory": Quantity.parse(amounts["memory"]).value(), "pods": int(amounts["pods"])},
        "requested": {"cpu": Quantity.parse(cpu).milli_value(), "memory": Quantity.parse(memory).value(),
                      "pods": pods},
    }


def capacity(cells):
    return {"allocatable": cells["allocatable"], "requested": cells["requested"]}


def assert_agree_with_describe(client, sid, seen):
    for node in NODES:
        assert capacity(seen[f"Node//{node}"]) == describe_numbers(client, sid, node), node


def test_capacity_cells_equal_describe_node_as_pods_land_finish_and_leave(client, socket, sid):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    advance(client, sid, 5)
    seen = join(socket, sid)
    assert_agree_with_describe(client, sid, seen)
    base = {n: seen[f"Node//{n}"]["requested"] for n in NODES}
    assert seen["Node//node1"]["allocatable"] == {"cpu": 2000, "memory": 3911504 * 1024, "pods": 110}

    # four replicas land on the workers (the control plane is tainted): 300m and 100Mi each
    assert run(client, sid, "kubectl apply -f -", DEPLOY)["exitCode"] == 0
    advance(client, sid, 10)
    follow(socket, seen)
    assert_agree_with_describe(client, sid, seen)
    added = {n: seen[f"Node//{n}"]["requested"]["pods"] - base[n]["pods"] for n in NODES}
    assert added["master"] == 0 and added["node1"] + added["node2"] == 4
    for n in ("node1", "node2"):
        assert seen[f"Node//{n}"]["requested"]["cpu"] == base[n]["cpu"] + 300 * added[n]
        assert seen[f"Node//{n}"]["requested"]["memory"] == base[n]["memory"] + 100 * 2**20 * added[n]

    # a pod that finishes (Succeeded) no longer counts, as describe's Non-terminated Pods says
    with_web = seen["Node//node1"]["requested"]
    assert run(client, sid, "kubectl apply -f -", ONESHOT)["exitCode"] == 0
    advance(client, sid, 5)
    follow(socket, seen)
    assert seen["Node//node1"]["requested"] == {"cpu": with_web["cpu"] + 500,
                                                "memory": with_web["memory"] + 2**30, "pods": with_web["pods"] + 1}
    assert_agree_with_describe(client, sid, seen)
    advance(client, sid, 30)
    assert "Completed" in run(client, sid, "kubectl get pod oneshot")["output"]
    follow(socket, seen)
    assert seen["Node//node1"]["requested"] == with_web
    assert_agree_with_describe(client, sid, seen)

    # the Deployment goes: its pods terminate (still counted while terminating), then leave
    assert run(client, sid, "kubectl delete deployment web --wait=false")["exitCode"] == 0
    advance(client, sid, 40)
    follow(socket, seen)
    assert "web-" not in run(client, sid, "kubectl get pods")["output"]
    assert {n: seen[f"Node//{n}"]["requested"] for n in NODES} == base
    assert_agree_with_describe(client, sid, seen)


def test_a_pod_landing_sends_its_nodes_cells_again(client, socket, sid):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    advance(client, sid, 5)
    seen = join(socket, sid)
    before = seen["Node//node2"]["requested"]
    assert run(client, sid, "kubectl apply -f -", PINNED)["exitCode"] == 0
    carried = follow(socket, seen)
    # the Node object did not change: its new cells come as a refresh (rv null), node2's only
    refreshes = [e for e in carried if e["rv"] is None]
    assert [e["object"]["metadata"]["name"] for e in refreshes] == ["node2"]
    assert refreshes[0]["cells"]["requested"] == {"cpu": before["cpu"] + 250, "memory": before["memory"] + 64 * 2**20,
                                                  "pods": before["pods"] + 1}
    assert capacity(seen["Node//node2"]) == describe_numbers(client, sid, "node2")

    # its deletion sends them again, back to what they were
    assert run(client, sid, "kubectl delete pod pinned --grace-period=0 --force")["exitCode"] == 0
    follow(socket, seen)
    assert seen["Node//node2"]["requested"] == before
    assert capacity(seen["Node//node2"]) == describe_numbers(client, sid, "node2")
