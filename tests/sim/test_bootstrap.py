"""The default cluster is the kubeadm lab of the scenarios: asserted on the store, not through kubectl."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim import bootstrap
from server.sim.cluster import Cluster


def ready(node: dict) -> dict:
    return next(c for c in node["status"]["conditions"] if c["type"] == "Ready")


def test_three_nodes_as_kubeadm_leaves_them(cluster: Cluster) -> None:
    nodes = {n["metadata"]["name"]: n for n in cluster.store.list("Node")}
    assert sorted(nodes) == ["master", "node1", "node2"]
    master = nodes["master"]
    assert master["metadata"]["labels"]["node-role.kubernetes.io/control-plane"] == ""
    assert {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"} in master["spec"]["taints"]
    for name in ("node1", "node2"):
        assert "node-role.kubernetes.io/control-plane" not in nodes[name]["metadata"]["labels"]
        assert not nodes[name]["spec"].get("taints")
    cidrs = [nodes[n]["spec"]["podCIDR"] for n in ("master", "node1", "node2")]
    assert cidrs == ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]
    for n, node in nodes.items():
        assert node["spec"]["podCIDRs"] == [node["spec"]["podCIDR"]]
        labels = node["metadata"]["labels"]
        assert labels["kubernetes.io/hostname"] == n
        assert labels["kubernetes.io/os"] == labels["beta.kubernetes.io/os"] == "linux"
        assert labels["kubernetes.io/arch"] == labels["beta.kubernetes.io/arch"] == "amd64"
        addresses = {a["type"]: a["address"] for a in node["status"]["addresses"]}
        assert addresses["Hostname"] == n
        assert node["status"]["capacity"]["pods"] == node["status"]["allocatable"]["pods"] == "110"
        assert node["status"]["capacity"]["cpu"] == "2"
        info = node["status"]["nodeInfo"]
        assert info["kubeletVersion"] == "v1.32.4"
        assert info["osImage"] == "Ubuntu 22.04.5 LTS"
        assert info["containerRuntimeVersion"].startswith("containerd://1.7.")
        assert (info["architecture"], info["operatingSystem"]) == ("amd64", "linux")
        r = ready(node)
        assert (r["status"], r["reason"], r["message"]) == ("True", "KubeletReady", "kubelet is posting ready status")
        for cond in ("MemoryPressure", "DiskPressure", "PIDPressure"):
            assert next(c for c in node["status"]["conditions"] if c["type"] == cond)["status"] == "False"
    ips = [next(a["address"] for a in nodes[n]["status"]["addresses"] if a["type"] == "InternalIP")
           for n in ("master", "node1", "node2")]
    assert ips == ["192.168.56.10", "192.168.56.11", "192.168.56.12"]


def test_each_node_has_a_lease_and_a_machine(cluster: Cluster) -> None:
    for name in ("master", "node1", "node2"):
        lease = cluster.store.get("Lease", "kube-node-lease", name)
        assert lease is not None and lease["spec"]["holderIdentity"] == name
        node = cluster.store.get("Node", "", name)
        assert lease["metadata"]["ownerReferences"][0]["uid"] == node["metadata"]["uid"]
        assert cluster.machines[name].up


def test_namespaces_are_active(cluster: Cluster) -> None:
    namespaces = {ns["metadata"]["name"]: ns for ns in cluster.store.list("Namespace")}
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= set(namespaces)
    assert all(ns["status"]["phase"] == "Active" for ns in namespaces.values())


def test_the_lab_has_been_up_for_days(cluster: Cluster) -> None:
    from datetime import datetime

    created = datetime.fromisoformat(cluster.store.get("Node", "", "master")["metadata"]["creationTimestamp"])
    assert cluster.clock.now() - created.timestamp() > 2 * 86400


def test_control_plane_mirror_pods_on_master(cluster: Cluster) -> None:
    master = cluster.store.get("Node", "", "master")
    for component in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        pod = cluster.store.get("Pod", "kube-system", f"{component}-master")
        assert pod is not None, component
        assert pod["spec"]["nodeName"] == "master"
        ref = pod["metadata"]["ownerReferences"][0]
        assert (ref["kind"], ref["name"], ref["uid"]) == ("Node", "master", master["metadata"]["uid"])
        assert pod["metadata"]["labels"]["tier"] == "control-plane"


def test_one_daemon_pod_per_node_with_daemonset_tolerations(cluster: Cluster) -> None:
    for ds_name in ("kube-proxy", "kube-flannel-ds"):
        ds = cluster.store.get("DaemonSet", "kube-system", ds_name)
        pods = cluster.store.list("Pod", "kube-system", owner_uid=ds["metadata"]["uid"])
        assert sorted(p["spec"]["nodeName"] for p in pods) == ["master", "node1", "node2"]
        assert ds["status"]["desiredNumberScheduled"] == 3
        for pod in pods:
            assert pod["metadata"]["name"].startswith(ds_name + "-")
            tolerations = pod["spec"]["tolerations"]
            for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
                tol = next(t for t in tolerations if t.get("key") == key and t.get("effect") == "NoExecute")
                assert "tolerationSeconds" not in tol  # never evicted
            assert any(t.get("key") == "node.kubernetes.io/unschedulable" for t in tolerations)


def test_coredns_deployment_and_services(cluster: Cluster) -> None:
    coredns = cluster.store.get("Deployment", "kube-system", "coredns")
    assert coredns["spec"]["replicas"] == 2
    spec = coredns["spec"]["template"]["spec"]
    assert spec["containers"][0]["image"] == "registry.k8s.io/coredns/coredns:v1.11.3"
    assert {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"} in spec["tolerations"]

    kubernetes = cluster.store.get("Service", "default", "kubernetes")
    assert kubernetes["spec"]["clusterIP"] == "10.96.0.1"
    assert "selector" not in kubernetes["spec"]
    port = kubernetes["spec"]["ports"][0]
    assert (port["name"], port["port"], port["targetPort"], port["protocol"]) == ("https", 443, 6443, "TCP")
    endpoints = cluster.store.get("Endpoints", "default", "kubernetes")
    assert endpoints["subsets"][0]["addresses"] == [{"ip": "192.168.56.10"}]
    assert endpoints["subsets"][0]["ports"][0]["port"] == 6443

    dns = cluster.store.get("Service", "kube-system", "kube-dns")
    assert dns["spec"]["clusterIP"] == "10.96.0.10"
    assert dns["spec"]["selector"] == {"k8s-app": "kube-dns"}
    assert [(p["name"], p["port"], p["protocol"]) for p in dns["spec"]["ports"]] == [
        ("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")]


def test_everything_runs_after_a_minute(cluster: Cluster) -> None:
    cluster.advance(60)
    pods = cluster.store.list("Pod", "kube-system")
    coredns = [p for p in pods if p["metadata"]["name"].startswith("coredns-")]
    assert len(coredns) == 2
    # spread by the scheduler: the two replicas never share a node
    assert len({p["spec"]["nodeName"] for p in coredns}) == 2
    assert len(pods) == 4 + 2 * 3 + 2
    not_running = [(p["metadata"]["name"], p["status"].get("phase")) for p in pods if p["status"].get("phase") != "Running"]
    assert not_running == []


def test_add_node_takes_the_next_address_and_cidr(cluster: Cluster) -> None:
    cluster.add_node("node3")
    node = cluster.store.get("Node", "", "node3")
    assert node["spec"]["podCIDR"] == "10.244.3.0/24"
    assert {"type": "InternalIP", "address": "192.168.56.13"} in node["status"]["addresses"]
    assert cluster.store.get("Lease", "kube-node-lease", "node3") is not None
    assert cluster.machines["node3"].up
    daemon = [p for p in cluster.store.list("Pod", "kube-system", node="node3")]
    assert sorted(p["metadata"]["name"].rsplit("-", 1)[0] for p in daemon) == ["kube-flannel-ds", "kube-proxy"]
    assert cluster.store.get("DaemonSet", "kube-system", "kube-proxy")["status"]["desiredNumberScheduled"] == 4
    cluster.add_node("big", cpu="8", memory_ki=16 * 1024 * 1024)
    big = cluster.store.get("Node", "", "big")
    assert big["spec"]["podCIDR"] == "10.244.4.0/24"
    assert big["status"]["allocatable"]["cpu"] == "8"


def test_same_seed_same_cluster() -> None:
    a, b = Cluster(seed=3), Cluster(seed=3)
    assert a.store.dump() == b.store.dump()
    c = Cluster(seed=4)
    names = lambda cl: sorted(p["metadata"]["name"] for p in cl.store.scan("Pod"))  # noqa: E731
    assert names(a) != names(c)


# -- many nodes: addressing past the lab's 256 blocks -------------------------------------------
def _internal_ip(node: dict) -> str:
    return next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")


def _join_many(c: Cluster, count: int, first: int = 3) -> list[str]:
    names = [f"node{i}" for i in range(first, first + count)]
    for name in names:
        c.add_node(name)
    return names


@pytest.fixture(scope="module")
def crowded() -> Cluster:
    """The lab (master, node1, node2) with 300 more workers: 303 nodes for 256 pod blocks."""
    c = Cluster(seed=11)
    _join_many(c, 300)
    return c


def test_300_more_nodes_get_distinct_addresses_and_the_257th_no_cidr(crowded: Cluster) -> None:
    nodes = crowded.store.scan("Node")
    assert len(nodes) == 303
    ips = [_internal_ip(n) for n in nodes]
    assert len(set(ips)) == 303
    by_name = {n["metadata"]["name"]: n for n in nodes}
    # the host-only /24 holds .10-.239 (the load-balancer pool is .240/28); then the lab's second network
    assert _internal_ip(by_name["node229"]) == "192.168.56.239"
    assert _internal_ip(by_name["node230"]) == "192.168.64.1"
    assert _internal_ip(by_name["node302"]) == "192.168.64.73"
    with_cidr = [n for n in nodes if n["spec"].get("podCIDR")]
    assert len(with_cidr) == 256 and len({n["spec"]["podCIDR"] for n in with_cidr}) == 256
    assert by_name["node255"]["spec"]["podCIDRs"] == ["10.244.255.0/24"]
    # node256 is the 257th node: 10.244.0.0/16 has no /24 left for it
    late = [n["metadata"]["name"] for n in nodes if not n["spec"].get("podCIDR")]
    assert sorted(late, key=lambda s: int(s[4:])) == [f"node{i}" for i in range(256, 303)]
    assert "podCIDRs" not in by_name["node256"]["spec"]


def test_a_node_without_a_cidr_says_cidr_not_available(crowded: Cluster) -> None:
    out = run(crowded, "kubectl describe node node256").output
    assert "PodCIDR:" not in out
    event = next(ln.split() for ln in out.splitlines() if "CIDRNotAvailable" in ln)
    assert event[0] == "Normal" and event[1] == "CIDRNotAvailable"
    assert " ".join(event[-7:]) == "cidrAllocator Node node256 status is now: CIDRNotAvailable"
    # flanneld cannot take a lease on it: no flannel annotations, no NetworkUnavailable condition
    node = crowded.store.peek("Node", "", "node256")
    assert not any(k.startswith("flannel.alpha.coreos.com/") for k in node["metadata"]["annotations"])
    assert "NetworkUnavailable" not in {c["type"] for c in node["status"]["conditions"]}
    assert "PodCIDR:" in run(crowded, "kubectl describe node node255").output


def test_a_removed_node_frees_its_cidr_for_a_node_that_waits(crowded: Cluster) -> None:
    # the allocator's scan wrapped round at 10.244.255.0/24; removing node5 frees 10.244.5.0/24 and the
    # next retry of a node without one (the controller's 5 ms backoff, doubling) takes it
    crowded.remove_node("node5")
    crowded.advance(0.01)
    got = [n["metadata"]["name"] for n in crowded.store.scan("Node") if n["spec"].get("podCIDR") == "10.244.5.0/24"]
    assert len(got) == 1 and int(got[0][4:]) >= 256
    assert sum(1 for n in crowded.store.scan("Node") if not n["spec"].get("podCIDR")) == 302 - 256
    # and its machine's address is the one the next machine to join gets
    crowded.add_node("late")
    assert _internal_ip(crowded.store.peek("Node", "", "late")) == "192.168.56.15"
    assert not crowded.store.peek("Node", "", "late")["spec"].get("podCIDR")


def test_addressing_after_a_replay_equals_the_live_one() -> None:
    def scenario() -> Cluster:
        c = Cluster(seed=4)
        _join_many(c, 5)
        c.remove_node("node4")
        c.remove_node("node1")
        _join_many(c, 3, first=8)
        return c

    live, replayed = scenario(), scenario()
    assert bootstrap.host_addresses(live).state() == bootstrap.host_addresses(replayed).state()
    assert bootstrap.node_ipam(live).cidrs.state() == bootstrap.node_ipam(replayed).cidrs.state()
    assert live.store.dump() == replayed.store.dump()
    # freed addresses were taken again (node8 .11, node9 .14, node10 .18); rebuilt from the store (the
    # addresses are a function of the Nodes) the book answers as the live one
    rebuilt = bootstrap.HostAddresses(bootstrap.LAB_NETWORK, live.store)
    assert rebuilt.allocate() == bootstrap.host_addresses(live).allocate() == "192.168.56.19"
    # the pod blocks go round as kube-controller-manager's do: node1's 10.244.1.0/24 is not reused yet
    cidrs = {n["metadata"]["name"]: n["spec"]["podCIDR"] for n in live.store.scan("Node")}
    assert [cidrs[f"node{i}"] for i in (8, 9, 10)] == ["10.244.8.0/24", "10.244.9.0/24", "10.244.10.0/24"]
