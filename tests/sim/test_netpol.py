"""NetworkPolicy in the traffic model (server/sim/net/netpol.py through proxy.route): what a
client in a pod gets — answered, or dropped (timed out) — for ingress and egress rules, pod,
namespace and ipBlock peers, ports, default deny, and DNS egress to kube-dns."""

from __future__ import annotations

import pytest

from server.sim.cluster import Cluster
from server.sim.net import apps, clients, proxy, traffic
from server.sim.net.proxy import Source
from tests.sim.nethelpers import client, run_pods


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=3)
    run_pods(c, "web", "nginx", 1, labels={"app": "web"}, node_names=["node2"])
    client(c, "alice", "node1")
    client(c, "bob", "node1")
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other", "labels": {"team": "x"}}})
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "carol", "namespace": "other",
                                                                  "labels": {"run": "carol"}},
                  "spec": {"nodeName": "node1", "containers": [{"name": "c", "image": "busybox",
                                                                "command": ["sleep", "3600"]}]}})
    c.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
                  "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 80}]}})
    c.advance(30)
    return c


def policy(c: Cluster, name: str, spec: dict, ns: str = "default") -> None:
    c.api.create({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                  "metadata": {"name": name, "namespace": ns}, "spec": spec})


@pytest.fixture
def clean(lab):
    yield lab
    for p in lab.store.list("NetworkPolicy"):
        lab.api.delete("NetworkPolicy", p["metadata"]["namespace"], p["metadata"]["name"])


def get(c: Cluster, who: str, url: str = "http://web", ns: str = "default") -> apps.HttpResult:
    return apps.http(c, Source.pod(ns, who), url)


def web_ip(c: Cluster) -> str:
    return c.store.peek("Pod", "default", "web-0")["status"]["podIP"]


def test_no_policy_everything_answers(clean):
    assert get(clean, "alice").status == 200
    assert get(clean, "carol", ns="other", url="http://web.default").status == 200


def test_default_deny_ingress_drops_not_refuses(clean):
    policy(clean, "deny", {"podSelector": {}, "policyTypes": ["Ingress"]})
    res = get(clean, "alice")
    assert res.error == proxy.TIMEOUT and res.status is None
    # the route and the traffic log say which policy dropped it, at the destination pod's hop
    assert res.route.dropped_by == ["ingress default/deny"]
    assert res.route.hops[res.route.failed_at]["name"] == "web-0"
    assert traffic.since(clean)[-1]["dropped_by"] == ["ingress default/deny"]
    # the pod's own node may still reach it (kubelet probes), a pod on another node may not
    assert proxy.route(clean, Source.node("node2"), web_ip(clean), 80).ok
    assert not proxy.route(clean, Source.node("node1"), web_ip(clean), 80).ok


def test_pod_selector_peer(clean):
    policy(clean, "only-alice", {"podSelector": {"matchLabels": {"app": "web"}},
                                 "ingress": [{"from": [{"podSelector": {"matchLabels": {"run": "alice"}}}]}]})
    assert get(clean, "alice").status == 200
    assert get(clean, "bob").error == proxy.TIMEOUT
    # a podSelector alone means the policy's namespace: carol's identical label elsewhere does not count
    relabel(clean, "carol", "alice")
    assert get(clean, "carol", ns="other", url="http://web.default").error == proxy.TIMEOUT
    relabel(clean, "carol", "carol")


def relabel(c: Cluster, name: str, run: str) -> None:
    pod = c.store.get("Pod", "other", name)
    pod["metadata"]["labels"] = {"run": run}
    c.api.replace(pod)


def test_namespace_selector_and_ports(clean):
    policy(clean, "from-team-x", {"podSelector": {}, "ingress": [
        {"from": [{"namespaceSelector": {"matchLabels": {"team": "x"}}}], "ports": [{"port": 80}]}]})
    assert get(clean, "carol", ns="other", url="http://web.default").status == 200
    assert get(clean, "alice").error == proxy.TIMEOUT
    # a port the rule does not list is dropped even from the allowed namespace
    r = proxy.route(clean, Source.pod("other", "carol"), web_ip(clean), 8080)
    assert r.error == proxy.TIMEOUT


def test_named_port_resolves_on_the_destination(clean):
    clean.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "named", "namespace": "default",
                                                                      "labels": {"app": "named"}},
                      "spec": {"nodeName": "node2", "containers": [
                          {"name": "n", "image": "nginx", "ports": [{"name": "web", "containerPort": 80}]}]}})
    clean.advance(30)
    ip = clean.store.peek("Pod", "default", "named")["status"]["podIP"]
    policy(clean, "named-port", {"podSelector": {"matchLabels": {"app": "named"}},
                                 "ingress": [{"ports": [{"port": "web"}]}]})
    assert proxy.route(clean, Source.pod("default", "alice"), ip, 80).ok
    assert proxy.route(clean, Source.pod("default", "alice"), ip, 81).error == proxy.TIMEOUT
    clean.api.delete("Pod", "default", "named", grace_period=0)


def test_ip_block_with_except(clean):
    alice = clean.store.peek("Pod", "default", "alice")["status"]["podIP"]
    policy(clean, "cidr", {"podSelector": {"matchLabels": {"app": "web"}}, "ingress": [
        {"from": [{"ipBlock": {"cidr": "10.244.0.0/16", "except": [f"{alice}/32"]}}]}]})
    assert get(clean, "bob").status == 200
    assert get(clean, "alice").error == proxy.TIMEOUT


def test_egress_needs_dns_too(clean):
    policy(clean, "alice-egress", {"podSelector": {"matchLabels": {"run": "alice"}}, "policyTypes": ["Egress"],
                                   "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "web"}}}]}]})
    # the name no longer resolves: the query to kube-dns is dropped
    out = clients.run_sync(clients.wget, clients.Context(clean, Source.pod("default", "alice")),
                           ["wget", "-q", "-O-", "http://web"])
    assert out.code == 1 and out.stderr == "wget: bad address 'web'\n"
    # the address itself is allowed
    assert get(clean, "alice", url=f"http://{web_ip(clean)}").status == 200
    # and bob, whom no egress policy selects, is unaffected
    assert get(clean, "bob").status == 200
    policy(clean, "alice-dns", {"podSelector": {"matchLabels": {"run": "alice"}}, "policyTypes": ["Egress"],
                                "egress": [{"to": [{"namespaceSelector": {}, "podSelector": {
                                    "matchLabels": {"k8s-app": "kube-dns"}}}],
                                            "ports": [{"port": 53, "protocol": "UDP"}]}]})
    assert get(clean, "alice").status == 200


def test_denied_clients_wait_out_their_timeouts(clean):
    policy(clean, "deny", {"podSelector": {}, "policyTypes": ["Ingress"]})
    ctx = clients.Context(clean, Source.pod("default", "alice"))
    waits = []
    gen = clients.curl(ctx, ["curl", "-sS", "--connect-timeout", "2", "http://web"], clients.Streams())
    try:
        while True:
            waits.append(next(gen).seconds)
    except StopIteration as stop:
        code = stop.value
    assert code == 28 and waits == [2.0]
    out = clients.run_sync(clients.curl, ctx, ["curl", "-sS", "--connect-timeout", "5", "http://web"])
    assert out.stderr == "curl: (28) Failed to connect to web port 80 after 5005 ms: Timeout was reached\n"
    out = clients.run_sync(clients.curl, ctx, ["curl", "-sS", "-m", "2", "http://web"])
    assert out.stderr == "curl: (28) Connection timed out after 2001 milliseconds\n"
    out = clients.run_sync(clients.wget, ctx, ["wget", "-T", "1", "-O-", "http://web"])
    assert out.stderr.endswith("wget: download timed out\n") and out.code == 1
    out = clients.run_sync(clients.ping, ctx, ["ping", "-c", "2", web_ip(clean)])
    assert "2 packets transmitted, 0 packets received, 100% packet loss" in out.stdout
