"""kube-proxy's routing model: endpoint choice, affinity, policies, NodePorts, faults, halted nodes."""

from __future__ import annotations

from collections import Counter

from server.sim.net import faults, proxy
from server.sim.net.proxy import Source

from .nethelpers import client, run_pods, service

NODE1, NODE2, MASTER = "192.168.56.11", "192.168.56.12", "192.168.56.10"


def test_random_choice_spreads_over_endpoints(cluster):
    pods = run_pods(cluster, "web", "nginx:1.17", 4, node_names=["node1", "node2"])
    client(cluster)
    service(cluster, "web", pods, cluster_ip="10.96.100.10")
    hits = Counter(proxy.route(cluster, Source.pod("default", "client"), "10.96.100.10", 80).pod for _ in range(400))
    assert set(hits) == {("default", f"web-{i}") for i in range(4)}
    assert all(60 <= n <= 140 for n in hits.values()), hits


def test_route_hops_go_through_the_clients_kube_proxy_and_across_nodes(cluster):
    pods = run_pods(cluster, "web", "nginx", 1, node_names=["node2"])
    client(cluster, node="node1")
    service(cluster, "web", pods, cluster_ip="10.96.100.10")
    r = proxy.route(cluster, Source.pod("default", "client"), "10.96.100.10", 80)
    assert r.ok and r.error is None
    assert [(h["kind"], h["name"]) for h in r.hops] == [
        ("pod", "client"), ("service", "web"), ("kube-proxy", "node1"), ("node", "node2"), ("pod", "web-0")]
    assert r.service == ("default", "web") and r.node == "node2" and r.target_port == 80
    assert r.client_ip == cluster.store.peek("Pod", "default", "client")["status"]["podIP"]


def test_target_port_is_the_endpoints_port(cluster):
    pods = run_pods(cluster, "web", "nginx", 1)
    client(cluster)
    service(cluster, "web", pods, cluster_ip="10.96.100.11", port=8080, target_port=80, port_name="http-port")
    r = proxy.route(cluster, Source.pod("default", "client"), "10.96.100.11", 8080)
    assert r.ok and r.target_port == 80 and r.app == "nginx"
    # the service does not serve port 80: no rule matches and the packet goes nowhere
    assert proxy.route(cluster, Source.pod("default", "client"), "10.96.100.11", 80).error == "Connection timed out"


def test_no_endpoints_is_connection_refused(cluster):
    client(cluster)
    service(cluster, "empty", [], cluster_ip="10.96.100.12")
    r = proxy.route(cluster, Source.pod("default", "client"), "10.96.100.12", 80)
    assert not r.ok and r.error == "Connection refused"
    assert r.hops[r.failed_at]["kind"] == "kube-proxy"


def test_not_ready_endpoints_get_no_traffic(cluster):
    pods = run_pods(cluster, "web", "nginx", 2)
    client(cluster)
    service(cluster, "web", pods[:1], cluster_ip="10.96.100.13", not_ready=pods[1:])
    assert {proxy.route(cluster, Source.pod("default", "client"), "10.96.100.13", 80).pod
            for _ in range(50)} == {("default", "web-0")}


def test_client_ip_affinity_sticks_until_the_timeout(cluster):
    pods = run_pods(cluster, "web", "nginx", 4, node_names=["node1", "node2"])
    client(cluster)
    client(cluster, "other", node="node2")
    service(cluster, "web", pods, cluster_ip="10.96.100.14", extra_spec={
        "sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}})
    me = Source.pod("default", "client")
    first = proxy.route(cluster, me, "10.96.100.14", 80).pod
    assert {proxy.route(cluster, me, "10.96.100.14", 80).pod for _ in range(50)} == {first}
    # another client is balanced on its own
    others = {proxy.route(cluster, Source.pod("default", "other"), "10.96.100.14", 80).pod for _ in range(1)}
    assert len(others) == 1
    # idle longer than timeoutSeconds: the next connection is a fresh random choice
    chosen = set()
    for _ in range(30):
        cluster.advance(61)
        chosen.add(proxy.route(cluster, me, "10.96.100.14", 80).pod)
    assert len(chosen) > 1


def test_nodeport_answers_on_every_node_including_one_without_a_local_pod(cluster):
    pods = run_pods(cluster, "web", "nginx", 1, node_names=["node1"])
    service(cluster, "web-np", pods, cluster_ip="10.96.100.15", type_="NodePort", node_port=30080)
    for ip in (MASTER, NODE1, NODE2):
        r = proxy.route(cluster, Source.outside(), ip, 30080)
        assert r.ok and r.pod == ("default", "web-0"), (ip, r)
    r = proxy.route(cluster, Source.outside(), NODE2, 30080)
    assert [(h["kind"], h["name"]) for h in r.hops] == [
        ("external", "workstation"), ("node", "node2"), ("kube-proxy", "node2"), ("node", "node1"), ("pod", "web-0")]
    assert r.client_ip == "10.244.2.0"  # masqueraded to node2's flannel.1 (policy Cluster)
    assert proxy.route(cluster, Source.outside(), NODE1, 30080).client_ip == "10.244.1.1"  # node1's cni0


def test_external_traffic_policy_local_drops_on_nodes_without_an_endpoint(cluster):
    pods = run_pods(cluster, "web", "nginx", 1, node_names=["node1"])
    client(cluster, node="node2")
    service(cluster, "web-np", pods, cluster_ip="10.96.100.16", type_="NodePort", node_port=30081,
            extra_spec={"externalTrafficPolicy": "Local"})
    local = proxy.route(cluster, Source.outside(), NODE1, 30081)
    assert local.ok and local.client_ip == proxy.WORKSTATION_IP  # the client address is kept
    assert proxy.route(cluster, Source.outside(), NODE2, 30081).error == "Connection timed out"
    # pods are not external clients: they reach the service through any node
    assert proxy.route(cluster, Source.pod("default", "client"), NODE2, 30081).ok
    assert proxy.route(cluster, Source.pod("default", "client"), "10.96.100.16", 80).ok


def test_cluster_ip_is_not_reachable_from_outside(cluster):
    pods = run_pods(cluster, "web", "nginx", 1)
    service(cluster, "web", pods, cluster_ip="10.96.100.17")
    assert proxy.route(cluster, Source.outside(), "10.96.100.17", 80).error == "Connection timed out"


def test_external_ips_route_from_inside_and_from_a_node(cluster):
    pods = run_pods(cluster, "web", "nginx", 1)
    client(cluster)
    service(cluster, "web", pods, cluster_ip="10.96.253.80", port=8080, target_port=80,
            extra_spec={"externalIPs": ["192.168.99.101"]})
    assert proxy.route(cluster, Source.pod("default", "client"), "192.168.99.101", 8080).pod == ("default", "web-0")
    assert proxy.route(cluster, Source.node("node2"), "192.168.99.101", 8080).ok


def test_headless_and_external_name_services_are_not_proxied(cluster):
    pods = run_pods(cluster, "web", "nginx", 1)
    service(cluster, "hl", pods, cluster_ip="None")
    v = proxy.view(cluster)
    assert not [k for k in v.vips.values() if k[0] == ("default", "hl")]


def test_broken_overlay_fails_only_cross_node_endpoints(cluster):
    pods = run_pods(cluster, "web", "nginx", 4, node_names=["node1", "node2"])
    client(cluster, node="node1")
    service(cluster, "web", pods, cluster_ip="10.96.100.18")
    faults.break_link(cluster, "node2", "node1")
    assert faults.broken(cluster) == [("node1", "node2")]
    results = [proxy.route(cluster, Source.pod("default", "client"), "10.96.100.18", 80) for _ in range(100)]
    failed = [r for r in results if not r.ok]
    assert failed and len(failed) < 100
    assert {r.error for r in failed} == {"No route to host"}
    assert all(r.hops[r.failed_at] == {"kind": "node", "name": "node2", "ip": NODE2} for r in failed)
    assert {r.node for r in results if r.ok} == {"node1"}
    faults.heal_link(cluster, "node1", "node2")
    assert faults.broken(cluster) == []
    assert all(proxy.route(cluster, Source.pod("default", "client"), "10.96.100.18", 80).ok for _ in range(20))


def test_halted_node_pods_and_nodeports_time_out(cluster):
    pods = run_pods(cluster, "web", "nginx", 1, node_names=["node2"])
    client(cluster, node="node1")
    service(cluster, "web-np", pods, cluster_ip="10.96.100.19", type_="NodePort", node_port=30082)
    cluster.fail_node("node2")
    assert proxy.route(cluster, Source.pod("default", "client"), "10.96.100.19", 80).error == "Connection timed out"
    assert proxy.route(cluster, Source.outside(), NODE2, 30082).error == "Connection timed out"
    pod_ip = pods[0]["status"]["podIP"]
    assert proxy.route(cluster, Source.pod("default", "client"), pod_ip, 80).error == "Connection timed out"


def test_pod_ip_directly_and_a_port_nobody_listens_on(cluster):
    pods = run_pods(cluster, "web", "nginx", 1, node_names=["node2"])
    client(cluster, node="node1")
    ip = pods[0]["status"]["podIP"]
    r = proxy.route(cluster, Source.pod("default", "client"), ip, 80)
    assert r.ok and r.service is None and [h["kind"] for h in r.hops] == ["pod", "node", "pod"]
    assert proxy.route(cluster, Source.pod("default", "client"), ip, 8080).error == "Connection refused"
    busybox_ip = cluster.store.peek("Pod", "default", "client")["status"]["podIP"]
    assert proxy.route(cluster, Source.node("node2"), busybox_ip, 80).error == "Connection refused"


def test_view_follows_service_and_endpoint_changes(cluster):
    pods = run_pods(cluster, "web", "nginx", 2, node_names=["node1", "node2"])
    client(cluster)
    service(cluster, "web", pods[:1], cluster_ip="10.96.100.20")
    assert {proxy.route(cluster, Source.pod("default", "client"), "10.96.100.20", 80).pod for _ in range(20)} == {
        ("default", "web-0")}
    ep = cluster.store.get("Endpoints", "default", "web")
    ep["subsets"][0]["addresses"] = [{"ip": pods[1]["status"]["podIP"], "nodeName": "node2",
                                      "targetRef": {"kind": "Pod", "namespace": "default", "name": "web-1"}}]
    cluster.store.update(ep)
    cluster.settle()  # the EndpointSlice mirror (when there is one) follows
    assert {proxy.route(cluster, Source.pod("default", "client"), "10.96.100.20", 80).pod for _ in range(20)} == {
        ("default", "web-1")}
    cluster.api.delete("Service", "default", "web")
    cluster.settle()
    assert proxy.route(cluster, Source.pod("default", "client"), "10.96.100.20", 80).error == "Connection timed out"
