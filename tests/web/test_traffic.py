"""The network endpoints: send traffic, break/heal the overlay, the load-balancer pool — through
HTTP and the socket, and replayed from the journal after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import events_named

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _apply(client, sid: str, *paths: str) -> None:
    for path in paths:
        r = client.post(f"/api/sandboxes/{sid}/apply", json={"manifest": (EXAMPLES / path).read_text()})
        assert r.json["exitCode"] == 0, r.json


def _web(client, sid: str) -> dict[str, str]:
    """The web-deploy pods by name → node, once they run."""
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 60})
    objects = client.get(f"/api/sandboxes/{sid}/objects").json["objects"]
    pods = {o["metadata"]["name"]: o["spec"]["nodeName"] for o in objects
            if o["kind"] == "Pod" and o["metadata"]["name"].startswith("web-deploy-")}
    assert len(pods) == 3
    return pods


@pytest.fixture
def web(client, sid):
    _apply(client, sid, "lessons/step09-deploy.yml", "lessons/step09-svc.yml")
    return _web(client, sid)


def _client_on(web: dict[str, str], node: str) -> str:
    return sorted(n for n, at in web.items() if at == node)[0]


def test_send_traffic_spreads_over_the_endpoints(client, sid, web, socket):
    socket.emit("join", {"sandbox": sid})
    socket.get_received()
    src = _client_on(web, "node1")
    r = client.post(f"/api/sandboxes/{sid}/traffic", json={"from": {"pod": f"default/{src}"}, "to": "http://web-service", "count": 30})
    assert r.status_code == 200, r.json
    body = r.json
    assert body["count"] == 30 and body["ok"] == 30 and body["errors"] == []
    spread = {d["pod"]: d["count"] for d in body["distribution"]}
    assert set(spread) == set(web) and all(n > 0 for n in spread.values()) and sum(spread.values()) == 30
    # each request, as the traffic log has it: from the client, through the service, to a pod
    assert len(body["requests"]) == 30
    ids = [q["id"] for q in body["requests"]]
    assert ids == sorted(ids) and len(set(ids)) == 30
    first = body["requests"][0]
    assert first["source"] == src and first["sourceKind"] == "pod" and first["service"] == "web-service"
    assert first["ok"] and first["status"] == 200 and first["pod"] in web
    kinds = [h["kind"] for h in first["hops"]]
    assert kinds[0] == "pod" and "service" in kinds and "kube-proxy" in kinds and kinds[-1] == "pod"
    assert first["hops"][-1]["name"] == first["pod"]
    # the page gets the same records over the socket
    sent = [rec for m in events_named(socket.get_received(), "traffic") for rec in m["records"]]
    assert [q["id"] for q in sent] == ids


def test_a_broken_overlay_fails_cross_node_requests_with_no_route_to_host(client, sid, web, socket):
    socket.emit("join", {"sandbox": sid})
    socket.get_received()
    r = client.post(f"/api/sandboxes/{sid}/faults/overlay", json={"a": "node2", "b": "node1", "broken": True})
    assert r.status_code == 200
    assert r.json["overlay"] == {"broken": [["node1", "node2"]]}
    deltas = events_named(socket.get_received(), "delta")
    assert deltas and deltas[-1]["network"]["overlay"]["broken"] == [["node1", "node2"]]

    src = _client_on(web, "node1")
    body = client.post(f"/api/sandboxes/{sid}/traffic",
                       json={"from": {"pod": f"default/{src}"}, "to": "http://web-service", "count": 40}).json
    failed = [q for q in body["requests"] if not q["ok"]]
    answered = [q for q in body["requests"] if q["ok"]]
    assert failed and answered
    # only the requests that had to cross to node2 died, and they say why; node1's pods answered
    assert {q["error"] for q in failed} == {"No route to host"}
    assert all(q["hops"][q["failedAt"]] == {**q["hops"][q["failedAt"]], "kind": "node", "name": "node2"} for q in failed)
    assert {web[q["pod"]] for q in answered} == {"node1"}
    assert body["errors"] == [{"error": "No route to host", "count": len(failed)}]

    r = client.post(f"/api/sandboxes/{sid}/faults/overlay", json={"a": "node1", "b": "node2", "broken": False})
    assert r.json["overlay"] == {"broken": []}
    body = client.post(f"/api/sandboxes/{sid}/traffic",
                       json={"from": {"pod": f"default/{src}"}, "to": "http://web-service", "count": 20}).json
    assert body["ok"] == 20


def test_from_outside_through_a_node_port(client, sid, web):
    _apply(client, sid, "lessons/step09-svc-np.yml")
    objects = client.get(f"/api/sandboxes/{sid}/objects").json["objects"]
    svc = next(o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == "web-service-np")
    node_port = svc["spec"]["ports"][0]["nodePort"]
    ip = next(a["address"] for o in objects if o["kind"] == "Node" and o["metadata"]["name"] == "node2"
              for a in o["status"]["addresses"] if a["type"] == "InternalIP")
    body = client.post(f"/api/sandboxes/{sid}/traffic", json={"from": "outside", "to": f"{ip}:{node_port}", "count": 12}).json
    assert body["ok"] == 12
    assert body["requests"][0]["source"] == "outside"
    assert body["requests"][0]["hops"][0]["kind"] == "external"
    # a cluster IP is not reachable from the workstation
    body = client.post(f"/api/sandboxes/{sid}/traffic", json={"from": "outside", "to": svc["spec"]["clusterIP"], "count": 1}).json
    assert body["ok"] == 0 and body["errors"][0]["count"] == 1


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"from": "outside", "to": "http://x", "count": 0}, 400, "count"),
    ({"from": "outside", "to": "http://x", "count": 1001}, 400, "count"),
    ({"from": "outside", "to": "", "count": 1}, 400, "to"),
    ({"from": {"pod": "default/nope"}, "to": "http://x", "count": 1}, 404, None),
    ({"from": {"node": "node9"}, "to": "http://x", "count": 1}, 404, None),
    ({"from": {"rack": "a"}, "to": "http://x", "count": 1}, 400, "from"),
])
def test_traffic_requests_are_checked(client, sid, body, status, field):
    r = client.post(f"/api/sandboxes/{sid}/traffic", json=body)
    assert r.status_code == status, r.json
    assert r.json.get("field") == field
    # nothing was journalled, nothing was sent
    assert client.get(f"/api/sandboxes/{sid}/network").json["traffic"] == []


def test_overlay_requests_are_checked(client, sid):
    assert client.post(f"/api/sandboxes/{sid}/faults/overlay", json={"a": "node1", "b": "node7", "broken": True}).status_code == 404
    assert client.post(f"/api/sandboxes/{sid}/faults/overlay", json={"a": "node1", "b": "node1", "broken": True}).status_code == 400
    assert client.post(f"/api/sandboxes/{sid}/faults/overlay", json={"a": "node1", "b": "node2", "broken": "yes"}).status_code == 400
    assert client.get(f"/api/sandboxes/{sid}/network").json["overlay"] == {"broken": []}


def test_the_lb_pool_switch_gives_load_balancers_an_address(client, sid, web, socket):
    _apply(client, sid, "lessons/step09-svc-lb.yml")

    def ingress() -> list:
        objects = client.get(f"/api/sandboxes/{sid}/objects").json["objects"]
        svc = next(o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == "web-service-lb")
        return (svc.get("status") or {}).get("loadBalancer", {}).get("ingress") or []

    assert ingress() == []  # <pending> on a bare cluster
    assert client.get(f"/api/sandboxes/{sid}/network").json["lbPool"]["enabled"] is False
    socket.emit("join", {"sandbox": sid})
    assert events_named(socket.get_received(), "snapshot")[0]["network"]["lbPool"]["enabled"] is False
    r = client.post(f"/api/sandboxes/{sid}/lbpool", json={"enabled": True})
    assert r.status_code == 200 and r.json["lbPool"]["enabled"] is True
    assert events_named(socket.get_received(), "delta")[-1]["network"]["lbPool"]["enabled"] is True
    (lb,) = ingress()
    assert lb["ip"].startswith("192.168.56.")
    body = client.post(f"/api/sandboxes/{sid}/traffic", json={"from": "outside", "to": f"http://{lb['ip']}", "count": 6}).json
    assert body["ok"] == 6
    assert client.post(f"/api/sandboxes/{sid}/lbpool", json={"enabled": "on"}).status_code == 400


def test_network_operations_replay_after_a_restart(make_app):
    app = make_app()
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    api = f"/api/sandboxes/{sid}"
    _apply(client, sid, "lessons/step09-deploy.yml", "lessons/step09-svc.yml", "lessons/step09-svc-lb.yml")
    web = _web(client, sid)
    src = _client_on(web, "node2")
    client.post(f"{api}/traffic", json={"from": {"pod": src}, "to": "http://web-service", "count": 15})
    client.post(f"{api}/faults/overlay", json={"a": "node1", "b": "node2", "broken": True})
    client.post(f"{api}/lbpool", json={"enabled": True})
    client.post(f"{api}/traffic", json={"from": {"node": "node1"}, "to": "http://web-service.default.svc.cluster.local", "count": 15})
    client.post(f"{api}/clock", json={"advance": 5})
    before_objects = client.get(f"{api}/objects").data
    before_net = client.get(f"{api}/network").json
    assert before_net["overlay"]["broken"] == [["node1", "node2"]] and before_net["lbPool"]["enabled"]
    assert len(before_net["traffic"]) == 30

    again = make_app().test_client()  # a new process over the same data directory
    assert again.get(f"{api}/objects").data == before_objects
    # the same requests, landing on the same pods (the seeded RNG replays), the same faults
    assert again.get(f"{api}/network").json == before_net
