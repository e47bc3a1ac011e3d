"""DaemonSet controller, incremental paths: a sync looks again only at the nodes an event touched
(issue 11), so each of those paths — a taint added and removed, a node deleted, a pod failing on one
node, a template rolling across nodes — must leave the same status a full recount gives, touch no
other node's pod, and replay to the same bytes."""

from __future__ import annotations

from server.sim.cluster import Cluster
from server.sim.controllers.daemonset import is_pod_updated, node_should_run, oldest_first, target_node
from server.sim.controllers.deployment_util import is_pod_available, is_pod_ready, min_ready_seconds
from tests.sim.test_daemonset import by_node, manifest, pods, status

GRACE = "      terminationGracePeriodSeconds: 5\n"


def grow(cluster: Cluster, workers: int) -> None:
    """The lab's master + ``workers`` worker nodes, all Ready."""
    for i in range(3, workers + 1):
        cluster.add_node(f"node{i}")
    cluster.advance(30)


def recount(cluster: Cluster, ns: str, name: str) -> dict:
    """updateDaemonSetStatus from scratch: every node, every pod of the DaemonSet."""
    ds = cluster.store.get("DaemonSet", ns, name)
    hash_ = cluster.store.list("ControllerRevision", ns, owner_uid=ds["metadata"]["uid"])
    current_hash = max(hash_, key=lambda r: r["revision"])["metadata"]["labels"]["controller-revision-hash"]
    generation = ds["metadata"].get("annotations", {}).get("deprecated.daemonset.template.generation")
    per_node: dict[str, list[dict]] = {}
    for pod in cluster.store.list("Pod", ns, owner_uid=ds["metadata"]["uid"]):
        if pod["status"].get("phase") in ("Succeeded", "Failed") and pod["metadata"].get("deletionTimestamp"):
            continue
        per_node.setdefault(target_node(pod) or "", []).append(pod)
    now, min_ready = cluster.clock.now(), min_ready_seconds(ds)
    out = dict.fromkeys(("desired", "current", "ready", "available", "updated", "misscheduled"), 0)
    for node in cluster.store.list("Node"):
        on = per_node.get(node["metadata"]["name"])
        if not node_should_run(node, ds)[0]:
            out["misscheduled"] += bool(on)
            continue
        out["desired"] += 1
        if on:
            out["current"] += 1
            pod = oldest_first(on)[0]
            out["ready"] += is_pod_ready(pod)
            out["available"] += is_pod_ready(pod) and is_pod_available(pod, min_ready, now)
            out["updated"] += is_pod_updated(pod, current_hash, generation)
    return out


def kept(cluster: Cluster, ns: str, name: str) -> dict:
    s = status(cluster, name, ns)
    return {"desired": s["desiredNumberScheduled"], "current": s["currentNumberScheduled"],
            "ready": s["numberReady"], "available": s.get("numberAvailable", 0),
            "updated": s.get("updatedNumberScheduled", 0), "misscheduled": s["numberMisscheduled"]}


def assert_counts_hold(cluster: Cluster) -> None:
    for ds in cluster.store.list("DaemonSet"):
        ns, name = ds["metadata"]["namespace"], ds["metadata"]["name"]
        assert kept(cluster, ns, name) == recount(cluster, ns, name), name


def names_on(cluster: Cluster) -> dict[str, list[str]]:
    return {node: names for node, names in by_node(cluster).items()}


def test_a_taint_on_one_node_moves_only_that_nodes_pod(cluster, kubectl) -> None:
    grow(cluster, 5)
    kubectl("apply -f -", manifest(extra=GRACE))
    cluster.advance(30)
    before = names_on(cluster)
    assert sorted(before) == ["node1", "node2", "node3", "node4", "node5"]
    assert_counts_hold(cluster)

    kubectl("taint node node3 dedicated=x:NoSchedule")
    assert names_on(cluster) == before  # NoSchedule: a running daemon pod stays
    assert kept(cluster, "default", "node-exporter")["desired"] == 4
    assert kept(cluster, "default", "node-exporter")["misscheduled"] == 1
    assert_counts_hold(cluster)

    kubectl("taint node node3 dedicated=x:NoExecute")
    after = names_on(cluster)
    assert "node3" not in after and after == {n: v for n, v in before.items() if n != "node3"}
    assert_counts_hold(cluster)

    kubectl("taint node node3 dedicated-")
    cluster.advance(30)
    back = names_on(cluster)
    assert sorted(back) == sorted(before) and back["node3"] != before["node3"]
    assert {n: v for n, v in back.items() if n != "node3"} == {n: v for n, v in before.items() if n != "node3"}
    assert kept(cluster, "default", "node-exporter") == dict(desired=5, current=5, ready=5, available=5, updated=5,
                                                             misscheduled=0)
    assert_counts_hold(cluster)


def test_a_deleted_node_leaves_the_other_nodes_pods_alone(cluster, kubectl) -> None:
    grow(cluster, 4)
    kubectl("apply -f -", manifest())
    cluster.advance(30)
    before = names_on(cluster)
    cluster.remove_node("node2")
    assert kept(cluster, "default", "node-exporter")["desired"] == 3
    assert_counts_hold(cluster)
    cluster.advance(120)  # PodGC removes the pods of the node that is gone
    assert names_on(cluster) == {n: v for n, v in before.items() if n != "node2"}
    assert_counts_hold(cluster)


def test_a_pod_failing_on_one_node_is_replaced_there_and_a_second_failure_waits_for_the_backoff(
        cluster, kubectl) -> None:
    grow(cluster, 4)
    kubectl("apply -f -", manifest())
    cluster.advance(30)
    before = names_on(cluster)

    def fail(node: str) -> str:
        victim = next(p for p in pods(cluster) if p["spec"].get("nodeName") == node
                      and not p["metadata"].get("deletionTimestamp"))
        victim["status"]["phase"] = "Failed"
        cluster.store.update(victim)
        cluster.settle()
        return victim["metadata"]["name"]

    first = fail("node4")
    assert cluster.store.get("Pod", "default", first) is None
    after = names_on(cluster)
    assert after["node4"] != before["node4"]
    assert {n: v for n, v in after.items() if n != "node4"} == {n: v for n, v in before.items() if n != "node4"}

    # the replacement fails at once: the node is in its 1 s backoff, so the pod stays until it ends
    second = fail("node4")
    assert not cluster.store.get("Pod", "default", second)["metadata"].get("deletionTimestamp")
    cluster.advance(0.5)
    assert not cluster.store.get("Pod", "default", second)["metadata"].get("deletionTimestamp")
    cluster.advance(1)
    assert cluster.store.get("Pod", "default", second) is None
    reported = kubectl("get events --field-selector reason=FailedDaemonPod")
    assert reported.count("Found failed daemon pod") == 2 and f"default/{second} on node node4" in reported
    cluster.advance(30)
    assert sorted(names_on(cluster)) == sorted(before)
    assert_counts_hold(cluster)


def roll_out(cluster, kubectl, strategy: str) -> set[str]:
    """The DaemonSet with ``updateStrategy: strategy`` settled on nginx:1.16, then changed to nginx:1.17;
    returns the names of the pods from before the change."""
    def applied(image: str) -> str:
        return manifest(image, extra=GRACE).replace("  template:\n", f"  updateStrategy: {strategy}\n  template:\n", 1)

    kubectl("apply -f -", applied("nginx:1.16"))
    cluster.advance(30)
    old = {p["metadata"]["name"] for p in pods(cluster)}
    kubectl("apply -f -", applied("nginx:1.17"))
    return old


def test_a_template_change_rolls_across_the_nodes_within_max_unavailable(cluster, kubectl) -> None:
    grow(cluster, 6)
    old = roll_out(cluster, kubectl, "{rollingUpdate: {maxUnavailable: 2}}")
    workers = {f"node{i}" for i in range(1, 7)}
    for _ in range(300):
        serving = {p["spec"]["nodeName"] for p in pods(cluster) if not p["metadata"].get("deletionTimestamp")
                   and is_pod_ready(p)}
        assert len(workers - serving) <= 2
        live = [p for p in pods(cluster) if not p["metadata"].get("deletionTimestamp")]
        if len(live) == 6 and not {p["metadata"]["name"] for p in live} & old and all(map(is_pod_ready, live)):
            break
        cluster.advance(1)
    else:
        raise AssertionError("the rollout did not finish")
    assert {p["spec"]["containers"][0]["image"] for p in pods(cluster)} == {"nginx:1.17"}
    events = cluster.recorder.for_object(cluster.store.get("DaemonSet", "default", "node-exporter"))
    update = [e["reason"] for e in events if e["reason"] in ("SuccessfulDelete", "SuccessfulCreate")][6:]
    assert update[:2] == ["SuccessfulDelete", "SuccessfulDelete"]  # two nodes at a time
    assert update.count("SuccessfulDelete") == 6 and update.count("SuccessfulCreate") == 6
    assert kept(cluster, "default", "node-exporter")["updated"] == 6
    assert_counts_hold(cluster)


def test_a_surge_rollout_keeps_every_node_serving(cluster, kubectl) -> None:
    grow(cluster, 4)
    roll_out(cluster, kubectl, "{rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}")
    workers = {f"node{i}" for i in range(1, 5)}
    for _ in range(300):
        live = [p for p in pods(cluster) if not p["metadata"].get("deletionTimestamp")]
        assert {p["spec"].get("nodeName") for p in live if is_pod_ready(p)} == workers
        assert len(live) <= 5  # one surge pod at a time
        if len(live) == 4 and {p["spec"]["containers"][0]["image"] for p in live} == {"nginx:1.17"} \
                and all(map(is_pod_ready, live)):
            break
        cluster.advance(1)
    else:
        raise AssertionError("the rollout did not finish")
    assert_counts_hold(cluster)


def test_nodes_joining_at_once_get_their_daemon_pods_at_the_client_rate_limit() -> None:
    cluster = Cluster(seed=5)
    systems = ("kube-proxy", "kube-flannel-ds")

    def daemon_pods() -> int:
        return sum(len(cluster.store.list("Pod", "kube-system", owner_uid=cluster.store.get(
            "DaemonSet", "kube-system", n)["metadata"]["uid"])) for n in systems)

    start = daemon_pods()
    for i in range(3, 23):  # 20 nodes in one instant want 40 daemon pods
        cluster.add_node(f"node{i}")
    assert daemon_pods() - start == 30  # kube-controller-manager's client: a burst of 30 ...
    cluster.advance(1)
    assert daemon_pods() - start == 40  # ... then 20 a second
    cluster.advance(30)
    assert_counts_hold(cluster)
    assert status(cluster, "kube-proxy", "kube-system")["numberReady"] == 23


def scenario(seed: int) -> dict:
    cluster = Cluster(seed=seed)
    from server.kubectl import run

    def kubectl(line: str, stdin: str = "") -> None:
        assert run(cluster, "kubectl " + line, stdin).exit_code == 0

    grow(cluster, 5)
    kubectl("apply -f -", manifest(extra=GRACE))
    cluster.advance(20)
    kubectl("taint node node2 dedicated=x:NoExecute")
    kubectl("apply -f -", manifest("nginx:1.17", extra=GRACE))
    cluster.advance(15)
    cluster.remove_node("node4")
    kubectl("taint node node2 dedicated-")
    cluster.advance(60)
    return cluster.store.dump()


def test_two_runs_give_the_same_store() -> None:
    assert scenario(11) == scenario(11)
