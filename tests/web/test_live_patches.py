"""Cheap deltas (issue 10): a room's MODIFIED travels as an RFC 7386 merge patch against what the room
was last sent, and a batch carries each object's latest state once. A client that applies the deltas
as the page does ends with exactly the objects ``GET …/objects`` lists."""

from __future__ import annotations

import json

from server.web import socketio_of
from server.web.live import HIDDEN_KINDS, cells_key, object_patch

from .conftest import events_named

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
  - name: app
    image: nginx
"""


def merge_patch(target, patch):
    """RFC 7386 section 2, as the page applies it (static/src/store.js ``mergePatch``): objects merge,
    nulls delete, anything else — arrays included, nulls and all — replaces. (server.sim.patch's is
    json-patch's, which also prunes nulls inside arrays.)"""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


class Client:
    """The page's mirror (static/src/store.js) in Python: snapshot, then deltas in rv order, each
    event once; a ``patch`` applies to the copy it has."""

    def __init__(self) -> None:
        self.objects: dict[str, dict] = {}
        self.rv: int | None = None

    def take(self, received: list[dict]) -> None:
        for m in received:
            if m["name"] == "snapshot":
                msg = m["args"][0]
                self.objects = {cells_key(o): o for o in msg["objects"]}
                self.rv = msg["rv"]
            elif m["name"] == "delta":
                self.apply(m["args"][0])

    def apply(self, msg: dict) -> None:
        for ev in sorted(msg["events"], key=lambda e: -1 if e["rv"] is None else e["rv"]):
            if ev["rv"] is not None and self.rv is not None and ev["rv"] <= self.rv:
                continue
            key = cells_key(ev["object"])
            if ev["type"] == "DELETED":
                del self.objects[key]
            elif "patch" in ev:
                self.objects[key] = merge_patch(self.objects[key], ev["patch"])
            else:
                self.objects[key] = ev["object"]
            if ev["rv"] is not None:
                self.rv = ev["rv"]
        self.rv = max(self.rv or 0, msg["rv"])


def join(socket, sid, client, since=None):
    ack = socket.emit("join", {"sandbox": sid} if since is None else {"sandbox": sid, "since": since},
                      callback=True)
    assert ack["ok"], ack
    client.take(socket.get_received())
    return ack


def served(http, sid) -> dict[str, dict]:
    body = http.get(f"/api/sandboxes/{sid}/objects").json
    return {cells_key(o): o for o in body["objects"] if o["kind"] not in HIDDEN_KINDS}


def run(http, sid, command):
    r = http.post(f"/api/sandboxes/{sid}/run", json={"command": command})
    assert r.status_code == 200 and r.json["exitCode"] == 0, r.json
    return r.json["output"]


def advance(http, sid, seconds):
    assert http.post(f"/api/sandboxes/{sid}/clock", json={"advance": seconds}).status_code == 200


def room_events(received):
    return [e for d in events_named(received, "delta") for e in d["events"]]


def test_a_client_applying_patches_ends_with_the_servers_objects(client, socket, sid):
    http = client
    http.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    page = Client()
    join(socket, sid, page)
    run(http, sid, "kubectl create deployment web --image=nginx --replicas=12")
    seen = []
    for _ in range(8):
        advance(http, sid, 2)
        received = socket.get_received()
        seen += room_events(received)
        page.take(received)
    run(http, sid, "kubectl scale deployment web --replicas=3")
    advance(http, sid, 40)
    received = socket.get_received()
    seen += room_events(received)
    page.take(received)
    assert page.objects == served(http, sid)
    assert page.rv == http.get(f"/api/sandboxes/{sid}/objects").json["rv"]

    patched = [e for e in seen if "patch" in e]
    pods = [e for e in patched if e["object"]["kind"] == "Pod"]
    assert pods, "pod status changes travel as patches"
    # a patch names its object and nothing more: no spec, no status outside the patch
    assert all(set(e["object"]) == {"kind", "apiVersion", "metadata"} for e in patched)
    assert all(set(e["object"]["metadata"]) <= {"name", "namespace"} for e in patched)
    # and it is smaller than the object it changes
    final = served(http, sid)
    some = [e for e in pods if cells_key(e["object"]) in final]
    assert some and all(len(json.dumps(e["patch"])) < len(json.dumps(final[cells_key(e["object"])]))
                        for e in some)
    # a deletion names its object only
    deleted = [e for e in seen if e["type"] == "DELETED"]
    assert deleted and all(set(e["object"]) == {"kind", "apiVersion", "metadata"} for e in deleted)


def test_a_batch_carries_each_object_once_at_its_latest_state(client, socket, sid, sandbox):
    http = client
    http.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    page = Client()
    join(socket, sid, page)
    rv0 = sandbox.cluster.store.rv
    # one request, one batch: the pods are created and bound by the scheduler within it
    run(http, sid, "kubectl create deployment web --image=nginx --replicas=4")
    created = socket.get_received()
    page.take(created)
    rv1 = sandbox.cluster.store.rv
    # another: they pull, start and become ready
    advance(http, sid, 30)
    started = socket.get_received()
    page.take(started)
    for received, since in ((created, rv0), (started, rv1)):
        [delta] = events_named(received, "delta")
        keys = [cells_key(e["object"]) for e in delta["events"]]
        assert len(keys) == len(set(keys))  # each object once per batch
        pod_writes = [e for e in sandbox.cluster.store.events_since(since) if e.obj["kind"] == "Pod"
                      and e.rv <= delta["rv"]]
        pods = [e for e in delta["events"] if e["object"]["kind"] == "Pod"]
        assert len(pod_writes) > len(pods) == 4
        # each at its object's last write of the batch
        assert all(e["rv"] == max(w.rv for w in pod_writes if cells_key(w.obj) == cells_key(e["object"]))
                   for e in pods)
    # the ADDED of a pod the scheduler bound in the same batch is its bound state, and still says it
    # was born unscheduled (the page starts it in its tray)
    added = [e for e in room_events(created) if e["object"]["kind"] == "Pod"]
    assert [e["type"] for e in added] == ["ADDED"] * 4
    assert all(e["object"]["spec"]["nodeName"] and e.get("bornUnscheduled") is True for e in added)
    assert [e["type"] for e in room_events(started) if e["object"]["kind"] == "Pod"] == ["MODIFIED"] * 4
    assert page.objects == served(http, sid)
    assert all(o["status"]["phase"] == "Running" for k, o in page.objects.items() if k.startswith("Pod/default/web-"))


def test_created_and_deleted_in_one_batch_never_travels(client, socket, sid):
    http = client
    http.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    page = Client()
    join(socket, sid, page)
    run(http, sid, "kubectl run brief --image=nginx && kubectl delete pod brief --grace-period=0 --force")
    received = socket.get_received()
    assert [e for e in room_events(received) if e["object"]["metadata"]["name"] == "brief"] == []
    page.take(received)
    assert page.objects == served(http, sid)


def test_deleted_and_created_again_in_one_batch_is_both(client, socket, sid):
    http = client
    http.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    page = Client()
    run(http, sid, "kubectl create configmap cfg --from-literal=a=1")
    join(socket, sid, page)
    run(http, sid, "kubectl delete configmap cfg && kubectl create configmap cfg --from-literal=a=2")
    received = socket.get_received()
    mine = [e for e in room_events(received) if e["object"]["metadata"]["name"] == "cfg"]
    assert [e["type"] for e in mine] == ["DELETED", "ADDED"]
    page.take(received)
    assert page.objects["ConfigMap/default/cfg"]["data"] == {"a": "2"}
    assert page.objects == served(http, sid)


def test_a_later_joiner_and_a_reconnect_end_with_the_servers_objects(app, client, socket, sid):
    http = client
    http.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    first = Client()
    join(socket, sid, first)
    run(http, sid, "kubectl create deployment web --image=nginx --replicas=3")
    advance(http, sid, 3)
    first.take(socket.get_received())
    # a second page joins mid-way: it and the first get the same patches from here on
    other = socketio_of(app).test_client(app, flask_test_client=http)
    second = Client()
    join(other, sid, second)
    advance(http, sid, 30)
    first.take(socket.get_received())
    second.take(other.get_received())
    assert first.objects == second.objects == served(http, sid)
    # the first page drops off, misses some changes, and comes back with its rv: a catch-up of whole
    # objects, then patches against what the room has again
    socket.disconnect()
    run(http, sid, "kubectl label deployment web tier=web")
    run(http, sid, "kubectl scale deployment web --replicas=5")
    advance(http, sid, 5)
    second.take(other.get_received())
    socket.connect()
    join(socket, sid, first, since=first.rv)
    advance(http, sid, 30)
    first.take(socket.get_received())
    second.take(other.get_received())
    assert first.objects == second.objects == served(http, sid)
    other.disconnect()


def test_a_patch_is_only_sent_when_it_says_the_whole_change():
    old = {"kind": "X", "metadata": {"name": "a", "resourceVersion": "1"}, "spec": {"x": 1, "y": [1, 2]}}
    new = {"kind": "X", "metadata": {"name": "a", "resourceVersion": "2"}, "spec": {"x": 2, "y": [1, 2]}}
    patch = object_patch(old, new)
    assert patch == {"metadata": {"resourceVersion": "2"}, "spec": {"x": 2}}
    assert merge_patch(old, patch) == new
    # a member set to null cannot travel in a merge patch (null deletes): the whole object goes
    assert object_patch(old, {**new, "spec": {"x": None, "y": [1, 2]}}) is None
    # nor can a null inside a map that is added whole (the apply prunes it)
    assert object_patch(old, {**new, "status": {"phase": None}}) is None
    # removed members are nulls; lists are replaced whole
    assert object_patch(new, {"kind": "X", "metadata": {"name": "a", "resourceVersion": "3"}, "spec": {"y": [3]}}) \
        == {"metadata": {"resourceVersion": "3"}, "spec": {"x": None, "y": [3]}}
    # every member changed whole: the object is the message
    assert object_patch({"a": 1}, {"b": 2}) is None
