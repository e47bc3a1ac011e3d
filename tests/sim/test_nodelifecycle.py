"""Node lifecycle on the virtual clock: a halted machine goes NotReady after the 50 s grace period, is
tainted, and its pods are evicted when their 300 s tolerations run out; recovery lifts the taints."""

from __future__ import annotations

from datetime import datetime

import pytest

from server.sim.bootstrap import micro_time
from server.sim.cluster import Cluster

READY_KUBELET = {"Ready": ("True", "KubeletReady", "kubelet is posting ready status"),
                 "MemoryPressure": ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                 "DiskPressure": ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                 "PIDPressure": ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available")}


def stand_in_heartbeats(cluster: Cluster) -> None:
    """If the kubelet does not renew Leases (yet), do what it would: renew every 10 s for machines that
    are up and post Ready again after a restart. With a real kubelet this is never installed."""
    before = cluster.store.peek("Lease", "kube-node-lease", "node1")["spec"]["renewTime"]
    cluster.advance(11)
    if cluster.store.peek("Lease", "kube-node-lease", "node1")["spec"]["renewTime"] != before:
        return

    def beat() -> None:
        for name, machine in sorted(cluster.machines.items()):
            if not machine.up:
                continue
            lease = cluster.store.get("Lease", "kube-node-lease", name)
            if lease is not None:
                lease["spec"]["renewTime"] = micro_time(cluster.clock.now())
                cluster.store.update(lease)
            node = cluster.store.get("Node", "", name)
            if node is None:
                continue
            for c in node["status"]["conditions"]:
                want = READY_KUBELET.get(c["type"])
                if want and c["status"] != want[0]:
                    c.update(status=want[0], reason=want[1], message=want[2],
                             lastTransitionTime=cluster.clock.iso(), lastHeartbeatTime=cluster.clock.iso())
            cluster.store.update(node)
        cluster.clock.call_later(10, beat)

    beat()


@pytest.fixture
def lab() -> Cluster:
    cluster = Cluster(seed=7)
    stand_in_heartbeats(cluster)
    cluster.advance(30)
    return cluster


def ready(cluster: Cluster, node: str) -> dict:
    return next(c for c in cluster.store.peek("Node", "", node)["status"]["conditions"] if c["type"] == "Ready")


def taints(cluster: Cluster, node: str) -> list[tuple[str, str]]:
    return [(t["key"], t["effect"]) for t in cluster.store.peek("Node", "", node)["spec"].get("taints") or []]


def noexecute_added(cluster: Cluster, node: str) -> float:
    t = next(t for t in cluster.store.peek("Node", "", node)["spec"]["taints"] if t["effect"] == "NoExecute")
    return datetime.fromisoformat(t["timeAdded"]).timestamp()


def on_node1(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.17"}],
                     "nodeSelector": {"kubernetes.io/hostname": "node1"}}}


def web(cluster: Cluster, replicas: int) -> dict:
    return cluster.api.create({
        "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "nginx", "image": "nginx:1.17"}]}}}})


def events(cluster: Cluster, reason: str) -> list[dict]:
    return [e for e in cluster.store.scan("Event") if e["reason"] == reason]


def test_node_failure_timeline(lab: Cluster) -> None:
    cluster = lab
    cluster.api.create(on_node1("test1"))
    web(cluster, 4)
    cluster.advance(30)
    victims = sorted(p["metadata"]["name"] for p in cluster.store.scan("Pod", "default", node="node1"))
    assert "test1" in victims and len(victims) >= 2
    daemon = [p["metadata"]["name"] for p in cluster.store.scan("Pod", "kube-system", node="node1")
              if p["metadata"]["name"].startswith(("kube-proxy-", "kube-flannel-ds-"))]

    t0 = cluster.clock.now()
    cluster.fail_node("node1")
    cluster.advance(40)
    assert ready(cluster, "node1")["status"] == "True"  # within the grace period nothing is noticed
    cluster.advance(30)
    r = ready(cluster, "node1")
    assert (r["status"], r["reason"], r["message"]) == ("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")
    for cond in ("MemoryPressure", "DiskPressure", "PIDPressure"):
        assert next(c for c in cluster.store.peek("Node", "", "node1")["status"]["conditions"]
                    if c["type"] == cond)["status"] == "Unknown"
    noticed = datetime.fromisoformat(r["lastTransitionTime"]).timestamp() - t0
    assert 50 < noticed <= 65
    assert ("node.kubernetes.io/unreachable", "NoSchedule") in taints(cluster, "node1")
    assert ("node.kubernetes.io/unreachable", "NoExecute") in taints(cluster, "node1")
    node_event = [e for e in events(cluster, "NodeNotReady") if e["involvedObject"]["kind"] == "Node"]
    assert [(e["message"], e["source"]["component"]) for e in node_event] == [
        ("Node node1 status is now: NodeNotReady", "node-controller")]
    assert victims
    for name in victims:
        p = cluster.store.peek("Pod", "default", name)
        # MarkPodsNotReady: the node controller turns the pods' Ready condition False
        cond = next(c for c in p["status"].get("conditions") or [] if c["type"] == "Ready")
        assert cond["status"] == "False"
        assert not p["metadata"].get("deletionTimestamp")  # still shown Running, not yet evicted

    # evicted exactly when the 300 s tolerations run out, counted from the NoExecute taint
    evict_at = noexecute_added(cluster, "node1") + 300
    cluster.advance(evict_at - cluster.clock.now() - 1)
    assert not any(cluster.store.peek("Pod", "default", n)["metadata"].get("deletionTimestamp") for n in victims)
    cluster.advance(2)
    for name in victims:
        p = cluster.store.peek("Pod", "default", name)
        assert p is not None and p["metadata"].get("deletionTimestamp"), name  # Terminating
        cond = next(c for c in p["status"]["conditions"] if c["type"] == "DisruptionTarget")
        assert (cond["status"], cond["reason"]) == ("True", "DeletionByTaintManager")
    marked = {e["involvedObject"]["name"]: e for e in events(cluster, "TaintManagerEviction")}
    for name in victims:
        assert marked[name]["message"] == f"Marking for deletion Pod default/{name}"
        assert marked[name]["source"]["component"] == "taint-eviction-controller"
    # DaemonSet pods tolerate unreachable forever
    for name in daemon:
        assert not cluster.store.peek("Pod", "kube-system", name)["metadata"].get("deletionTimestamp")

    cluster.advance(120)
    # the halted kubelet never confirms: they stay Terminating; the bare pod is not recreated
    assert all(cluster.store.peek("Pod", "default", n) is not None for n in victims)
    assert [p["metadata"]["name"] for p in cluster.store.scan("Pod", "default") if "test" in p["metadata"]["name"]] == ["test1"]
    live = [p for p in cluster.store.scan("Pod", "default", selector={"app": "web"})
            if not p["metadata"].get("deletionTimestamp")]
    assert len(live) == 4 and {p["spec"]["nodeName"] for p in live} == {"node2"}


def test_recovery_lifts_the_taints(lab: Cluster) -> None:
    cluster = lab
    cluster.fail_node("node1")
    cluster.advance(400)
    assert ("node.kubernetes.io/unreachable", "NoExecute") in taints(cluster, "node1")
    cluster.recover_node("node1")
    cluster.advance(20)
    assert ready(cluster, "node1")["status"] == "True"
    assert taints(cluster, "node1") == []


def test_back_within_the_tolerations_cancels_evictions(lab: Cluster) -> None:
    cluster = lab
    cluster.api.create(on_node1("test1"))
    cluster.advance(20)
    cluster.fail_node("node1")
    cluster.advance(150)
    assert ("node.kubernetes.io/unreachable", "NoExecute") in taints(cluster, "node1")
    cluster.recover_node("node1")
    cluster.advance(400)
    p = cluster.store.peek("Pod", "default", "test1")
    assert p is not None and not p["metadata"].get("deletionTimestamp")
    assert [e["message"] for e in events(cluster, "TaintManagerEviction") if e["involvedObject"]["name"] == "test1"] == [
        "Cancelling deletion of Pod default/test1"]


def test_rate_limited_tainting_of_two_nodes(lab: Cluster) -> None:
    cluster = lab
    cluster.fail_node("node1")
    cluster.fail_node("node2")
    cluster.advance(90)
    # 2 of 3 NotReady is not a partial disruption (needs more than 2): normal rate, one node per 10 s
    assert noexecute_added(cluster, "node2") - noexecute_added(cluster, "node1") == pytest.approx(10, abs=0.001) \
        or noexecute_added(cluster, "node1") - noexecute_added(cluster, "node2") == pytest.approx(10, abs=0.001)


def test_full_disruption_evicts_nothing(lab: Cluster) -> None:
    cluster = lab
    cluster.api.create(on_node1("test1"))
    cluster.advance(20)
    for name in ("master", "node1", "node2"):
        cluster.fail_node(name)
    cluster.advance(500)
    for name in ("master", "node1", "node2"):
        assert ready(cluster, name)["status"] == "Unknown"
        assert not any(effect == "NoExecute" for _key, effect in taints(cluster, name))
    assert not cluster.store.peek("Pod", "default", "test1")["metadata"].get("deletionTimestamp")


def test_untolerated_noexecute_taint_evicts_at_once(lab: Cluster) -> None:
    cluster = lab
    cluster.api.create(on_node1("test1"))
    cluster.advance(20)
    node = cluster.store.get("Node", "", "node1")
    node["spec"]["taints"] = [{"key": "maintenance", "value": "now", "effect": "NoExecute"}]
    cluster.store.update(node)
    cluster.settle()
    assert cluster.store.peek("Pod", "default", "test1")["metadata"].get("deletionTimestamp")
    # kube-proxy tolerates everything
    proxy = [p for p in cluster.store.scan("Pod", "kube-system", node="node1") if p["metadata"]["name"].startswith("kube-proxy-")]
    assert proxy and not proxy[0]["metadata"].get("deletionTimestamp")


def test_cordon_mirrors_into_an_unschedulable_taint(lab: Cluster) -> None:
    cluster = lab
    node = cluster.store.get("Node", "", "node2")
    node["spec"]["unschedulable"] = True
    cluster.store.update(node)
    cluster.settle()
    assert taints(cluster, "node2") == [("node.kubernetes.io/unschedulable", "NoSchedule")]
    node = cluster.store.get("Node", "", "node2")
    node["spec"]["unschedulable"] = False
    cluster.store.update(node)
    cluster.settle()
    assert taints(cluster, "node2") == []


def test_pods_of_a_deleted_node_are_garbage_collected(lab: Cluster) -> None:
    cluster = lab
    cluster.api.create(on_node1("test1"))
    cluster.advance(20)
    cluster.fail_node("node1")
    cluster.remove_node("node1")
    cluster.advance(39)
    assert cluster.store.peek("Pod", "default", "test1") is not None  # quarantined 40 s first
    cluster.advance(21)
    assert cluster.store.peek("Pod", "default", "test1") is None
    assert cluster.store.scan("Pod", node="node1") == []
