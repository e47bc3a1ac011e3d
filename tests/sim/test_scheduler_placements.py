"""The scheduler's decisions do not change with its caches: a mixed workload (zones, taints, node
selectors and affinity, requests that run out, host ports, priorities, scale up and down, a node
leaving and a node joining) is placed exactly as the scheduler places it with every cache off (a
fresh template per attempt, so each node's Filter and Score run from scratch, and the spreading's
zone counts summed over every node instead of read from the index), seed for seed.

(The caches were also checked against placements recorded before they existed; a recording of
other code's behaviour broke on every change elsewhere, such as a controller's pace, so the
comparison is now run live.)
"""

from __future__ import annotations

import pytest

from server.sim.bootstrap import node_object
from server.sim.cluster import Cluster
from server.sim.scheduler import PodTemplate, Scheduler, pod_info

ZONES = ("zone-a", "zone-b", "zone-c")


def template(name: str, **spec: object) -> dict:
    containers = spec.pop("containers", [{"name": "c", "image": "nginx:1.17"}])
    return {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers, **spec}}


def replicaset(name: str, replicas: int, **spec: object) -> dict:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": template(name, **spec)}}


def requests(cpu: str, memory: str) -> list[dict]:
    return [{"name": "c", "image": "nginx:1.17", "resources": {"requests": {"cpu": cpu, "memory": memory}}}]


def bare_pod(name: str, **spec: object) -> dict:
    body = template(name, **spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", **body["metadata"]},
            "spec": body["spec"]}


def placements(cluster: Cluster) -> dict[str, str]:
    out = {}
    for p in cluster.store.scan("Pod"):
        meta, status = p["metadata"], p.get("status") or {}
        cond = next((c for c in status.get("conditions") or [] if c.get("type") == "PodScheduled"), {})
        where = p["spec"].get("nodeName") or f"<{cond.get('reason')}: {cond.get('message')}>"
        if status.get("nominatedNodeName"):
            where += f" nominated {status['nominatedNodeName']}"
        out[f"{meta['namespace']}/{meta['name']}"] = where
    return dict(sorted(out.items()))


@pytest.fixture
def uncached(monkeypatch: pytest.MonkeyPatch):
    """Within ``with uncached():`` the scheduler keeps nothing between attempts."""
    import contextlib

    def fresh(self: Scheduler, pod: dict) -> PodTemplate:
        t = PodTemplate(pod_info(pod))
        t.zone_index = False  # the spreading counts from every node, not the index
        return t

    @contextlib.contextmanager
    def scope():
        with monkeypatch.context() as m:
            m.setattr(Scheduler, "template", fresh)
            yield

    return scope


def mixed_workload(seed: int, workers: int) -> dict[str, dict[str, str]]:
    """The placements after each phase of the workload."""
    cluster = Cluster(seed=seed)
    for i in range(3, workers + 1):
        labels = {"topology.kubernetes.io/zone": ZONES[i % 3]}
        if i % 4 == 0:
            labels["disktype"] = "ssd"
        taints = [{"key": "spot", "value": "true", "effect": "PreferNoSchedule"}] if i % 5 == 0 else None
        if i == 7:
            taints = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]
        cluster.add_node(f"node{i}", cpu=str(2 + i % 3), memory_ki=(4 + i % 2) * 1024 * 1024, labels=labels,
                         taints=taints)
    cluster.advance(20)
    phases = {}
    api = cluster.api
    api.create(replicaset("web", 3 * workers))
    api.create(replicaset("big", workers, containers=requests("700m", "512Mi")))
    api.create(replicaset("ssd", 6, nodeSelector={"disktype": "ssd"}))
    api.create(replicaset("prefer", 8, affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 10, "preference": {"matchExpressions": [
            {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["zone-b"]}]}}]}}))
    api.create(replicaset("gpu", 3, tolerations=[{"key": "dedicated", "operator": "Equal", "value": "gpu",
                                                   "effect": "NoSchedule"}]))
    api.create(replicaset("ports", 4, containers=[{"name": "c", "image": "nginx:1.17", "ports": [
        {"containerPort": 80, "hostPort": 8080}]}]))
    for i in range(5):
        api.create(bare_pod(f"solo-{i}", containers=requests(f"{100 * (i + 1)}m", "64Mi")))
    cluster.advance(60)
    phases["placed"] = placements(cluster)

    # more than fits: the big ones run out of cpu, some stay Pending
    rs = cluster.store.get("ReplicaSet", "default", "big")
    rs["spec"]["replicas"] = 4 * workers
    cluster.store.update(rs)
    rs = cluster.store.get("ReplicaSet", "default", "web")
    rs["spec"]["replicas"] = 5 * workers
    cluster.store.update(rs)
    cluster.advance(60)
    phases["overcommitted"] = placements(cluster)

    # scale down, a node leaves, a new one joins: the pending ones find room
    rs = cluster.store.get("ReplicaSet", "default", "big")
    rs["spec"]["replicas"] = 2 * workers
    cluster.store.update(rs)
    cluster.remove_node(f"node{workers}")
    cluster.add_node("late", cpu="8", labels={"topology.kubernetes.io/zone": "zone-a", "disktype": "ssd"})
    cluster.advance(120)
    phases["rebalanced"] = placements(cluster)
    return phases


CASES = [(1, 9), (4, 9), (2, 24)]


@pytest.mark.parametrize(("seed", "workers"), CASES)
def test_placements_are_those_of_the_uncached_scheduler(seed: int, workers: int, uncached) -> None:
    got = mixed_workload(seed, workers)
    with uncached():
        want = mixed_workload(seed, workers)
    for phase in want:
        assert got[phase] == want[phase], phase
    # the workload exercises what it claims to: something pends, something lands on each kind of node
    assert any(v.startswith("<Unschedulable") for v in want["overcommitted"].values())
    assert any(v == "late" for v in want["rebalanced"].values())
    assert len(set(want["placed"].values())) >= workers  # every node took pods


def large_cluster(seed: int, nodes: int) -> dict[str, str]:
    """Above 100 nodes the scheduler stops at the first 100 feasible ones from a rotating start
    (percentageOfNodesToScore): Node objects registered straight in the store (no kubelets: the
    placements are what is compared), zones, and a few ReplicaSets filled within 30 s."""
    cluster = Cluster(seed=seed)
    now = cluster.clock.iso()
    for i in range(nodes):
        labels = {"topology.kubernetes.io/zone": ZONES[i % 3], "rack": str(i % 7)}
        obj = node_object(f"big{i:03d}", ip=f"10.1.{i // 200}.{i % 200 + 1}", pod_cidr=f"10.245.{i}.0/24",
                          created=now, ready_since=now, now=now, cpu=str(2 + i % 4),
                          memory_ki=(4 + i % 3) * 1024 * 1024, labels=labels)
        cluster.store.create(obj)
    cluster.settle()
    api = cluster.api
    api.create(replicaset("web", 150))
    api.create(replicaset("sized", 120, containers=requests("900m", "1Gi")))
    api.create(replicaset("rack", 30, nodeSelector={"rack": "3"}))
    cluster.advance(30)
    return placements(cluster)


def test_large_cluster_placements_are_those_of_the_uncached_scheduler(uncached) -> None:
    got = large_cluster(5, 130)
    with uncached():
        want = large_cluster(5, 130)
    assert got == want
    assert len({v for k, v in want.items() if k.startswith("default/web-")}) > 100
