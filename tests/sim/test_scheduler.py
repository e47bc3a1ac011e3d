"""The scheduler: filter and score plugins as pure functions, and the controller on the default cluster."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from server.sim import scheduler as s
from server.sim.bootstrap import node_object
from server.sim.cluster import Cluster

T = "2025-03-01T00:00:00Z"
GI = 1024 ** 3


def node(name: str = "n1", *, cpu: str = "2", memory_ki: int = 4 * 1024 * 1024, control_plane: bool = False,
         labels: dict | None = None, taints: list | None = None, unschedulable: bool = False) -> s.NodeInfo:
    obj = node_object(name, ip="10.0.0.1", pod_cidr="10.244.9.0/24", created=T, ready_since=T, now=T,
                      control_plane=control_plane, cpu=cpu, memory_ki=memory_ki, labels=labels, taints=taints)
    obj["spec"]["unschedulable"] = unschedulable
    info = s.NodeInfo(name)
    info.set_node(obj)
    return info


def pod(name: str = "p", *, cpu: str | None = None, memory: str | None = None, **spec: object) -> dict:
    resources = {"requests": {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}} if cpu or memory else {}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "nginx", "resources": resources}], **spec}}


def info(p: dict) -> s.PodInfo:
    return s.pod_info(p)


# -- quantities and requests --------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "millicores"), [("100m", 100), ("1", 1000), ("0.5", 500), ("2.0001", 2001)])
def test_cpu_quantities(text: str, millicores: int) -> None:
    assert s.milli(text) == millicores


@pytest.mark.parametrize(("text", "count"), [("128Mi", 128 * 2**20), ("1G", 10**9), ("1e3", 1000), ("4013904Ki", 4013904 * 1024)])
def test_memory_quantities(text: str, count: int) -> None:
    assert s.whole(text) == count


def test_pod_requests_take_the_larger_of_containers_and_init_containers() -> None:
    spec = {"containers": [{"name": "a", "resources": {"requests": {"cpu": "100m"}}},
                           {"name": "b", "resources": {"limits": {"cpu": "200m"}}}],
            "initContainers": [{"name": "i", "resources": {"requests": {"cpu": "500m", "memory": "1Mi"}}}]}
    assert s.pod_requests(spec) == {"cpu": 500, "memory": 2**20}
    # the non-zero defaults apply per container for scoring
    assert s.pod_requests({"containers": [{"name": "a"}]}, nonzero=True) == {"cpu": 100, "memory": 200 * 2**20}


# -- filters ---------------------------------------------------------------------------------------------
def test_control_plane_taint_filters_master_until_tolerated() -> None:
    master = node("master", control_plane=True)
    status = s.filter_node(info(pod()), master)
    assert status is not None and status.reasons == ("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }",)
    assert not status.resolvable
    tolerating = pod(tolerations=[{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists",
                                   "effect": "NoSchedule"}])
    assert s.filter_node(info(tolerating), master) is None


def test_taint_value_must_match_for_equal_tolerations() -> None:
    n = node(taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])
    wrong = pod(tolerations=[{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}])
    right = pod(tolerations=[{"key": "dedicated", "operator": "Equal", "value": "gpu"}])
    assert s.filter_node(info(wrong), n).reasons == ("node(s) had untolerated taint {dedicated: gpu}",)
    assert s.filter_node(info(right), n) is None
    # PreferNoSchedule never filters
    soft = node(taints=[{"key": "x", "effect": "PreferNoSchedule"}])
    assert s.filter_node(info(pod()), soft) is None


def test_a_no_execute_taint_alone_filters_the_node() -> None:
    # TaintToleration.Filter uses DoNotScheduleTaintsFilterFunc: NoSchedule *and* NoExecute
    n = node(taints=[{"key": "maintenance", "value": "now", "effect": "NoExecute"}])
    status = s.filter_node(info(pod()), n)
    assert status == s.NodeStatus("TaintToleration", ("node(s) had untolerated taint {maintenance: now}",), False)
    # a NoSchedule toleration of the same key does not tolerate the NoExecute taint; Exists without effect does
    wrong = pod(tolerations=[{"key": "maintenance", "operator": "Exists", "effect": "NoSchedule"}])
    assert s.filter_node(info(wrong), n) == status
    assert s.filter_node(info(pod(tolerations=[{"key": "maintenance", "operator": "Exists"}])), n) is None


def test_cordoned_node_stops_at_the_first_failing_plugin() -> None:
    n = node(unschedulable=True, taints=[{"key": "x", "effect": "NoSchedule"}])
    status = s.filter_node(info(pod(cpu="8")), n)
    assert status.plugin == "NodeUnschedulable" and status.reasons == ("node(s) were unschedulable",)


def test_node_selector_and_required_affinity() -> None:
    ssd = node("a", labels={"disktype": "ssd", "zone": "1"})
    hdd = node("b", labels={"disktype": "hdd"})
    selector = info(pod(nodeSelector={"disktype": "ssd"}))
    assert s.filter_node(selector, ssd) is None
    assert s.filter_node(selector, hdd).reasons == ("node(s) didn't match Pod's node affinity/selector",)
    affinity = info(pod(affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "Exists"}]},
                              {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["c"]}]}]}}}))
    assert s.filter_node(affinity, ssd) is None  # first term
    assert s.filter_node(affinity, hdd) is not None
    assert s.filter_node(affinity, node("c")) is None  # second term (matchFields, as DaemonSet pods use)
    gt = info(pod(affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "Gt", "values": ["0"]}]}]}}}))
    assert s.filter_node(gt, ssd) is None and s.filter_node(gt, hdd) is not None


def test_resources_fit_reports_every_shortage() -> None:
    n = node(cpu="2", memory_ki=1024 * 1024)  # 1Gi capacity, 100Mi less allocatable
    n.requested.update({"cpu": 1500, "memory": 512 * 2**20})
    assert s.filter_node(info(pod(cpu="500m", memory="100Mi")), n) is None
    status = s.filter_node(info(pod(cpu="501m", memory="600Mi")), n)
    assert status.reasons == ("Insufficient cpu", "Insufficient memory") and status.resolvable
    # no requests at all: only the pod count matters
    n.pod_count = 110
    assert s.filter_node(info(pod()), n).reasons == ("Too many pods",)


def test_host_ports_conflict() -> None:
    n = node()
    n.ports[("0.0.0.0", "TCP", 8080)] += 1
    busy = pod()
    busy["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": 8080}]
    other = pod()
    other["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": 8080, "protocol": "UDP"}]
    assert s.filter_node(info(busy), n).reasons == ("node(s) didn't have free ports for the requested pod ports",)
    assert s.filter_node(info(other), n) is None


# -- scores ----------------------------------------------------------------------------------------------
def test_least_allocated_and_balanced_allocation_by_hand() -> None:
    n = node(cpu="1", memory_ki=0)
    n.allocatable.update({"cpu": 1000, "memory": 1000})
    n.nonzero_cpu, n.nonzero_mem = 150, 300
    n.requested.update({"cpu": 150, "memory": 300})
    p = info(pod(cpu="100m", memory="200"))
    # cpu (1000-250)/1000 → 75, memory (1000-500)/1000 → 50, mean 62
    assert s.least_allocated_scores(p, [n]) == [62]
    # fractions 0.25 and 0.5: std 0.125 → 87
    assert s.balanced_allocation_scores(p, [n]) == [87]


def test_prefer_no_schedule_and_preferred_affinity_scores() -> None:
    plain, soft = node("a", labels={"tier": "fast"}), node("b", taints=[{"key": "x", "effect": "PreferNoSchedule"}])
    assert s.taint_toleration_scores(info(pod()), [plain, soft]) == [100, 0]
    p = info(pod(affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 5, "preference": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["fast"]}]}}]}}))
    assert s.node_affinity_scores(p, [plain, soft]) == [100, 0]


def test_spreading_prefers_the_node_with_fewer_replicas() -> None:
    a, b = node("a"), node("b")
    a.owners["rs-1"] = 2
    b.owners["rs-1"] = 1
    p = info(pod())
    p.spread_owner = "rs-1"
    # raw: round(2·ln 4 + 2) = 5 and round(ln 4 + 2) = 3 → 100·(8−5)/5 = 60 and 100
    assert s.topology_spread_scores(p, [a, b], [a, b]) == [60, 100]
    p.spread_owner = None
    assert s.topology_spread_scores(p, [a, b], [a, b]) == [0, 0]


def test_ties_are_broken_uniformly() -> None:
    rng = random.Random(1)
    wins = Counter(s.select_host(["a", "b", "c"], [5, 5, 5], rng) for _ in range(3000))
    assert all(900 < wins[n] < 1100 for n in "abc")
    assert s.select_host(["a", "b", "c"], [1, 9, 5], rng) == "b"


def test_fit_error_counts_sorted_as_strings() -> None:
    statuses = {f"n{i}": s.NodeStatus("NodeResourcesFit", ("Insufficient cpu",), True) for i in range(10)}
    statuses["m"] = s.NodeStatus("TaintToleration", ("node(s) had untolerated taint {a: b}",), False)
    statuses["x"] = s.NodeStatus("TaintToleration", ("node(s) had untolerated taint {a: b}",), False)
    assert s.fit_error(12, statuses) == (
        "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint {a: b}.")


def test_adaptive_share_of_nodes_to_find() -> None:
    assert s.num_feasible_nodes_to_find(50) == 50
    assert s.num_feasible_nodes_to_find(100) == 100
    assert s.num_feasible_nodes_to_find(1000) == 420  # 50 − 1000/125 = 42 %


# -- the controller on the default cluster ------------------------------------------------------------------
def replicaset(cluster: Cluster, name: str, replicas: int, **pod_spec: object) -> dict:
    return cluster.api.create({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": "nginx", "image": "nginx:1.17"}], **pod_spec}}},
    })


def placement(cluster: Cluster, rs: dict) -> Counter:
    return Counter(p["spec"].get("nodeName") for p in cluster.store.scan("Pod", "default", owner_uid=rs["metadata"]["uid"]))


@pytest.mark.parametrize("seed", range(8))
def test_three_replicas_spread_two_plus_one_never_on_master(seed: int) -> None:
    cluster = Cluster(seed=seed)
    rs = replicaset(cluster, "web", 3)
    cluster.settle()
    where = placement(cluster, rs)
    assert sorted(where.values()) == [1, 2] and set(where) <= {"node1", "node2"}


@pytest.mark.parametrize("seed", range(4))
def test_five_replicas_spread_three_plus_two(seed: int) -> None:
    cluster = Cluster(seed=seed)
    rs = replicaset(cluster, "web", 5)
    cluster.settle()
    where = placement(cluster, rs)
    assert sorted(where.values()) == [2, 3] and set(where) <= {"node1", "node2"}


def test_binding_sets_node_condition_and_event(cluster: Cluster) -> None:
    cluster.api.create(pod("solo"))
    cluster.settle()
    p = cluster.store.get("Pod", "default", "solo")
    assert p["spec"]["nodeName"] in ("node1", "node2")
    cond = next(c for c in p["status"]["conditions"] if c["type"] == "PodScheduled")
    assert cond["status"] == "True"
    events = [e for e in cluster.recorder.for_object(p) if e["reason"] == "Scheduled"]
    assert events[0]["message"] == f"Successfully assigned default/solo to {p['spec']['nodeName']}"
    assert events[0]["source"]["component"] == "default-scheduler"


def test_failed_scheduling_in_the_real_wording(cluster: Cluster) -> None:
    cluster.api.create(pod("huge", cpu="3"))
    cluster.settle()
    p = cluster.store.get("Pod", "default", "huge")
    assert not p["spec"].get("nodeName")
    expected = ("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
                "2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
                "2 No preemption victims found for incoming pod..")
    cond = next(c for c in p["status"]["conditions"] if c["type"] == "PodScheduled")
    assert (cond["status"], cond["reason"], cond["message"]) == ("False", "Unschedulable", expected)
    events = [e for e in cluster.recorder.for_object(p) if e["reason"] == "FailedScheduling"]
    assert [(e["type"], e["message"], e["source"]["component"]) for e in events] == [
        ("Warning", expected, "default-scheduler")]
    # nothing changes: retried by the periodic flush, not in a loop
    cluster.advance(301)
    again = [e for e in cluster.recorder.for_object(p) if e["reason"] == "FailedScheduling"]
    assert again[0]["count"] == 2


def _pinned(name: str, *terms: list[str], cpu: str | None = None) -> dict:
    """A pod whose required node affinity names nodes by metadata.name, one term per list (as the
    DaemonSet controller pins each daemon pod to its node)."""
    return pod(name, cpu=cpu, affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": t}]}
                              for t in terms]}}})


def test_node_affinity_prefilter_names_the_nodes() -> None:
    assert s.node_affinity_prefilter(info(_pinned("a", ["node1"]))) == {"node1"}
    assert s.node_affinity_prefilter(info(_pinned("a", ["node1"], ["node2", "node3"]))) == {"node1", "node2", "node3"}
    assert s.node_affinity_prefilter(info(pod("free"))) is None
    both = pod("b", affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node1", "node2"]},
                         {"key": "metadata.name", "operator": "In", "values": ["node2"]}]},
        {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}]}}})
    assert s.node_affinity_prefilter(info(both)) is None  # a term that names no node: every node
    assert s.node_affinity_prefilter(info(_pinned("c", []))) == frozenset()  # the conflict


def test_a_pinned_pod_that_does_not_fit_reads_as_kube_scheduler_words_it(cluster: Cluster) -> None:
    """The Filters run on the named node only; the others are the PreFilter's absent nodes (as
    `0/46 nodes are available: 1 Too many pods, 45 node(s) didn't satisfy plugin(s) [NodeAffinity]`)."""
    cluster.api.create(_pinned("pinned", ["node1"], cpu="3"))
    cluster.api.create(_pinned("gone", ["nowhere"]))
    cluster.api.create(_pinned("conflict", []))
    cluster.api.create(_pinned("fits", ["node2"]))
    cluster.settle()

    def message(name: str) -> str:
        p = cluster.store.get("Pod", "default", name)
        return next(c for c in p["status"]["conditions"] if c["type"] == "PodScheduled")["message"]

    assert message("pinned") == (
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
        "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, "
        "2 Preemption is not helpful for scheduling..")
    assert message("gone") == (
        "0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..")
    assert message("conflict") == (
        "0/3 nodes are available: pod affinity terms conflict. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..")
    assert cluster.store.get("Pod", "default", "fits")["spec"]["nodeName"] == "node2"


def test_unschedulable_pod_lands_when_a_big_node_joins(cluster: Cluster) -> None:
    cluster.api.create(pod("huge", cpu="3"))
    cluster.settle()
    cluster.advance(5)
    cluster.add_node("big", cpu="8")
    cluster.advance(10)  # within the 10 s back-off cap
    assert cluster.store.get("Pod", "default", "huge")["spec"]["nodeName"] == "big"


def test_freed_resources_let_a_pending_pod_in(cluster: Cluster) -> None:
    first = pod("first", cpu="1500m", nodeSelector={"kubernetes.io/hostname": "node1"})
    second = pod("second", cpu="1500m", nodeSelector={"kubernetes.io/hostname": "node1"})
    cluster.api.create(first)
    cluster.api.create(second)
    cluster.settle()
    assert cluster.store.get("Pod", "default", "second")["spec"].get("nodeName") is None
    cluster.api.delete("Pod", "default", "first", grace_period=0)
    cluster.advance(2)
    assert cluster.store.get("Pod", "default", "second")["spec"]["nodeName"] == "node1"


def test_pods_avoid_a_node_with_only_a_no_execute_taint(cluster: Cluster) -> None:
    n1 = cluster.store.get("Node", "", "node1")
    n1["spec"]["taints"] = [{"key": "maintenance", "value": "now", "effect": "NoExecute"}]
    cluster.store.update(n1)
    rs = replicaset(cluster, "web", 4)
    cluster.settle()
    assert placement(cluster, rs) == Counter({"node2": 4})


def test_cordoned_nodes_get_no_new_pods(cluster: Cluster) -> None:
    n1 = cluster.store.get("Node", "", "node1")
    n1["spec"]["unschedulable"] = True
    cluster.store.update(n1)
    rs = replicaset(cluster, "web", 4)
    cluster.settle()
    assert placement(cluster, rs) == Counter({"node2": 4})


def test_accounting_matches_a_full_recount(cluster: Cluster) -> None:
    rs = replicaset(cluster, "web", 6)
    cluster.api.create(pod("req", cpu="250m", memory="64Mi"))
    cluster.advance(30)
    rs = cluster.store.get("ReplicaSet", "default", "web")
    rs["spec"]["replicas"] = 2
    cluster.store.update(rs)
    cluster.advance(60)
    sched = cluster.controller("default-scheduler")
    for name, nodeinfo in sched.nodes.items():  # type: ignore[attr-defined]
        pods = [p for p in cluster.store.scan("Pod", node=name) if p["status"].get("phase") not in ("Succeeded", "Failed")]
        assert nodeinfo.pod_count == len(pods), name
        want = Counter()
        for p in pods:
            want.update(s.pod_requests(p["spec"]))
        assert {k: v for k, v in nodeinfo.requested.items() if v} == {k: v for k, v in want.items() if v}, name


def test_same_seed_same_placement() -> None:
    def run(seed: int) -> list:
        cluster = Cluster(seed=seed)
        replicaset(cluster, "web", 7)
        cluster.settle()
        return sorted((p["metadata"]["name"], p["spec"]["nodeName"]) for p in cluster.store.scan("Pod", "default"))

    assert run(11) == run(11)
