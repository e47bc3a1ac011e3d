"""Adding and removing nodes over HTTP: ``POST …/nodes`` (a worker joins) and ``DELETE …/nodes/<n>``
(the Node object goes, the machine with it; the pod garbage collector force-deletes its pods 40 s
after noticing, and their controllers replace them elsewhere), the errors in the apiserver's words,
and both operations replaying after a restart."""

from __future__ import annotations

import pytest

from server.persist import Journal
from server.sandbox import MAX_NODES
from tests.web.conftest import events_named


def kubectl(client, sid: str, line: str) -> str:
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": line})
    assert r.status_code == 200, r.json
    return r.json["output"]


def node_rows(client, sid: str) -> dict[str, list[str]]:
    out = kubectl(client, sid, "kubectl get nodes -o wide --no-headers")
    return {cols[0]: cols[1:] for cols in (line.split() for line in out.splitlines())}


def pods_by_node(client, sid: str, namespace: str = "default") -> dict[str, list[str]]:
    """Pod names by NODE, as ``kubectl get pods -o wide`` shows them (status kept in the name's row)."""
    out = kubectl(client, sid, f"kubectl get pods -n {namespace} -o wide --no-headers")
    by: dict[str, list[str]] = {}
    for cols in (line.split() for line in out.splitlines()):
        by.setdefault(cols[6], []).append(f"{cols[0]} {cols[2]}")
    return by


def advance(client, sid: str, seconds: float) -> None:
    assert client.post(f"/api/sandboxes/{sid}/clock", json={"advance": seconds}).status_code == 200


# -- adding ------------------------------------------------------------------------------------
def test_add_node_joins_the_next_free_worker_ready_with_its_daemon_pods(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/nodes", json={})
    assert r.status_code == 201
    assert r.json["node"] == "node3"
    rows = node_rows(client, sid)
    assert rows["node3"][:2] == ["Ready", "<none>"]
    assert rows["node3"][4] == "192.168.56.13"  # the next address of the lab's host-only network
    advance(client, sid, 20)
    system = pods_by_node(client, sid, "kube-system")
    assert sorted(p.split()[1] for p in system["node3"]) == ["Running", "Running"]  # kube-proxy, flannel
    assert any(p.startswith("kube-proxy-") for p in system["node3"])

    # no body at all works too, and the next free name follows
    r = client.post(f"/api/sandboxes/{sid}/nodes")
    assert (r.status_code, r.json["node"]) == (201, "node4")
    assert node_rows(client, sid)["node4"][4] == "192.168.56.14"


def test_add_node_with_a_name(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/nodes", json={"name": "worker-a.lab"})
    assert (r.status_code, r.json["node"]) == (201, "worker-a.lab")
    assert node_rows(client, sid)["worker-a.lab"][0] == "Ready"
    # a name given does not use up the default: the next free nodeN is still node3
    assert client.post(f"/api/sandboxes/{sid}/nodes", json={"name": None}).json["node"] == "node3"


@pytest.mark.parametrize("name", ["node1", "master"])
def test_adding_an_existing_node_is_409(client, sid, name):
    r = client.post(f"/api/sandboxes/{sid}/nodes", json={"name": name})
    assert r.status_code == 409
    assert r.json == {"error": f'nodes "{name}" already exists'}


@pytest.mark.parametrize("name", ["Node_3", "-node3", "node3.", "node 3"])
def test_a_name_that_is_not_a_dns_subdomain_is_400_in_the_apiservers_words(client, sid, name):
    r = client.post(f"/api/sandboxes/{sid}/nodes", json={"name": name})
    assert r.status_code == 400
    assert r.json["field"] == "name"
    assert r.json["error"] == (
        f'Node "{name}" is invalid: metadata.name: Invalid value: "{name}": a lowercase RFC 1123 subdomain '
        "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'example.com', regex used for validation is "
        r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
    assert name not in node_rows(client, sid)


def test_a_too_long_name_or_a_name_of_the_wrong_type_is_400(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/nodes", json={"name": "a" * 254})
    assert r.status_code == 400
    assert r.json["error"].endswith("must be no more than 253 characters")
    r = client.post(f"/api/sandboxes/{sid}/nodes", json={"name": 3})
    assert (r.status_code, r.json["field"]) == (400, "name")
    r = client.post(f"/api/sandboxes/{sid}/nodes", data="[1,", content_type="application/json")
    assert r.status_code == 400
    assert sorted(node_rows(client, sid)) == ["master", "node1", "node2"]


def test_the_number_of_nodes_is_bounded(client, sid):
    for _ in range(MAX_NODES - 3):
        assert client.post(f"/api/sandboxes/{sid}/nodes", json={}).status_code == 201
    r = client.post(f"/api/sandboxes/{sid}/nodes", json={})
    assert r.status_code == 409
    assert f"at most {MAX_NODES} nodes" in r.json["error"]
    assert len(node_rows(client, sid)) == MAX_NODES


def test_the_sandbox_says_how_many_nodes_it_runs_and_the_page_adds(client, sid):
    assert {k: v for k, v in client.get(f"/api/sandboxes/{sid}").json.items() if k.endswith("Nodes")} == \
        {"maxNodes": MAX_NODES, "pageNodes": MAX_NODES}
    r = client.post("/api/sandboxes", json={"preset": "large"})
    info = client.get(f"/api/sandboxes/{r.json['id']}").json
    assert (info["preset"], info["maxNodes"], info["pageNodes"]) == ("large", 5000, 1000)


def test_a_deployment_spreads_onto_the_new_node(client, sid):
    client.post(f"/api/sandboxes/{sid}/nodes", json={"name": "node3"})
    kubectl(client, sid, "kubectl create deployment web --image=nginx --replicas=6")
    advance(client, sid, 30)
    by = pods_by_node(client, sid)
    assert sorted(by) == ["node1", "node2", "node3"]  # the scheduler spreads a ReplicaSet's pods
    assert all(p.endswith(" Running") for p in by["node3"])


def test_the_socket_sees_the_node_join(client, sid, socket):
    socket.emit("join", {"sandbox": sid})
    socket.get_received()
    client.post(f"/api/sandboxes/{sid}/nodes", json={"name": "node3"})
    added = [e["object"]["metadata"]["name"] for d in events_named(socket.get_received(), "delta")
             for e in d["events"] if e["type"] == "ADDED" and e["object"]["kind"] == "Node"]
    assert added == ["node3"]


# -- removing ----------------------------------------------------------------------------------
def test_removing_a_node_leaves_its_pods_to_podgc_and_the_deployment_replaces_them(client, sid):
    api = f"/api/sandboxes/{sid}"
    client.post(f"{api}/nodes", json={"name": "node3"})
    kubectl(client, sid, "kubectl create deployment web --image=nginx --replicas=6")
    advance(client, sid, 30)
    doomed = sorted(p.split()[0] for p in pods_by_node(client, sid)["node3"])
    assert doomed

    r = client.delete(f"{api}/nodes/node3")
    assert (r.status_code, r.json) == (200, {"node": "node3", "removed": True})
    assert "node3" not in node_rows(client, sid)
    assert "node3" not in kubectl(client, sid, "kubectl get leases -n kube-node-lease")
    # the pods are still bound to the vanished node: PodGC waits 40 s after noticing it
    advance(client, sid, 39)
    assert sorted(p.split()[0] for p in pods_by_node(client, sid).get("node3", [])) == doomed

    advance(client, sid, 21)  # its 20 s pass has noticed and the 40 s quarantine is over
    by = pods_by_node(client, sid)
    assert "node3" not in by
    assert "node3" not in pods_by_node(client, sid, "kube-system")  # its daemon pods went too
    advance(client, sid, 30)
    by = pods_by_node(client, sid)
    running = [p for node in ("node1", "node2") for p in by.get(node, []) if p.endswith(" Running")]
    assert len(running) == 6 and not set(doomed) & {p.split()[0] for p in running}
    assert "6/6" in kubectl(client, sid, "kubectl get deployment web")
    events = kubectl(client, sid, "kubectl get events --field-selector reason=SuccessfulCreate")
    assert events.count("Created pod: web-") == 6 + len(doomed)


def test_the_control_plane_cannot_be_removed(client, sid):
    r = client.delete(f"/api/sandboxes/{sid}/nodes/master")
    assert r.status_code == 409
    assert r.json["error"].startswith('node "master" runs the control plane')
    assert node_rows(client, sid)["master"][0] == "Ready"


def test_removing_an_unknown_node_is_404_and_a_removed_node_is_gone_for_every_action(client, sid):
    api = f"/api/sandboxes/{sid}"
    r = client.delete(f"{api}/nodes/node9")
    assert (r.status_code, r.json) == (404, {"error": 'nodes "node9" not found'})
    assert client.delete(f"{api}/nodes/node2").status_code == 200
    assert client.delete(f"{api}/nodes/node2").status_code == 404
    assert client.post(f"{api}/nodes/node2/fail").status_code == 404
    assert client.post(f"{api}/nodes/node2/recover").status_code == 404


def test_a_removed_name_can_join_again_and_is_the_next_default(client, sid):
    api = f"/api/sandboxes/{sid}"
    client.post(f"{api}/nodes", json={})  # node3
    assert client.delete(f"{api}/nodes/node1").status_code == 200
    assert client.post(f"{api}/nodes", json={}).json["node"] == "node1"
    advance(client, sid, 10)
    assert node_rows(client, sid)["node1"][:2] == ["Ready", "<none>"]
    assert "Ready" in kubectl(client, sid, "kubectl get node node1")


def test_a_node_deleted_with_kubectl_keeps_its_machine_until_removed(client, sid):
    api = f"/api/sandboxes/{sid}"
    kubectl(client, sid, "kubectl delete node node2")
    r = client.post(f"{api}/nodes", json={"name": "node2"})
    assert r.status_code == 409 and "still running" in r.json["error"]
    assert client.delete(f"{api}/nodes/node2").status_code == 200  # the machine goes
    assert client.post(f"{api}/nodes", json={"name": "node2"}).status_code == 201


def test_removing_a_node_heals_its_broken_overlay_links(client, sid):
    api = f"/api/sandboxes/{sid}"
    client.post(f"{api}/nodes", json={"name": "node3"})
    client.post(f"{api}/faults/overlay", json={"a": "node1", "b": "node3", "broken": True})
    client.post(f"{api}/faults/overlay", json={"a": "node1", "b": "node2", "broken": True})
    assert client.get(f"{api}/network").json["overlay"]["broken"] == [["node1", "node2"], ["node1", "node3"]]
    client.delete(f"{api}/nodes/node3")
    assert client.get(f"{api}/network").json["overlay"]["broken"] == [["node1", "node2"]]


# -- the journal -------------------------------------------------------------------------------
def test_refused_requests_are_not_journalled(app, client, sid):
    api = f"/api/sandboxes/{sid}"
    client.post(f"{api}/nodes", json={"name": "node1"})
    client.post(f"{api}/nodes", json={"name": "Bad"})
    client.delete(f"{api}/nodes/master")
    client.delete(f"{api}/nodes/node9")
    journal = app.extensions["kubeplay.journal"]
    assert journal.count_ops(sid) == 0
    client.post(f"{api}/nodes", json={})
    client.delete(f"{api}/nodes/node3")
    assert list(journal.ops(sid)) == [{"op": "add-node", "node": "node3"}, {"op": "remove-node", "node": "node3"}]


def test_added_and_removed_nodes_replay_after_a_restart(make_app):
    app = make_app()
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    api = f"/api/sandboxes/{sid}"
    client.post(f"{api}/nodes", json={})
    client.post(f"{api}/nodes", json={"name": "node4"})
    kubectl(client, sid, "kubectl create deployment web --image=nginx --replicas=8")
    advance(client, sid, 30)
    client.delete(f"{api}/nodes/node3")
    advance(client, sid, 25)  # halfway through PodGC's quarantine: its timer must replay too
    before = client.get(f"{api}/objects")

    again = make_app().test_client()
    assert again.get(f"{api}/objects").data == before.data
    # the original goes on beside the rebuilt one, journalling elsewhere (one server per data dir)
    sandbox = app.extensions["kubeplay.sandboxes"].get(sid)
    sandbox.journal = Journal()
    sandbox.journal.add_sandbox(sid, sandbox.seed, sandbox.start)
    for c in (client, again):
        advance(c, sid, 60)
    after = again.get(f"{api}/objects")
    assert after.data == client.get(f"{api}/objects").data
    nodes = {o["spec"].get("nodeName") for o in after.json["objects"] if o["kind"] == "Pod"}
    assert "node3" not in nodes and "node4" in nodes
    assert sorted(node_rows(again, sid)) == ["master", "node1", "node2", "node4"]
