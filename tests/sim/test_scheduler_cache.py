"""The scheduler's caches give the plugins' own answers: per-template node results against the pure
plugin functions on random snapshots, the zone counts kept on events against a recount, the tie-break
draws against ``randrange``, and a cached template seeing a node change."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from server.sim import scheduler as s
from server.sim.bootstrap import node_object
from server.sim.cluster import Cluster

T = "2025-03-01T00:00:00Z"
ZONE = "topology.kubernetes.io/zone"


def random_node(rng: random.Random, i: int) -> s.NodeInfo:
    labels = {"rack": str(rng.randrange(3))}
    if rng.random() < 0.8:
        labels[ZONE] = rng.choice(["a", "b", "c", ""])
    taints = [{"key": "spot", "value": str(k), "effect": "PreferNoSchedule"} for k in range(rng.randrange(3))]
    obj = node_object(f"n{i:02d}", ip="10.0.0.1", pod_cidr="10.244.9.0/24", created=T, ready_since=T, now=T,
                      cpu=str(rng.randrange(1, 9)), memory_ki=rng.randrange(1, 9) * 1024 * 1024, labels=labels,
                      taints=taints or None)
    if rng.random() < 0.1:
        obj["metadata"]["labels"].pop("kubernetes.io/hostname")
    info = s.NodeInfo(obj["metadata"]["name"])
    info.set_node(obj)
    info.exists = rng.random() < 0.95
    info.requested.update({"cpu": rng.randrange(0, 4000), "memory": rng.randrange(0, 4 * 2**30)})
    info.nonzero_cpu, info.nonzero_mem = info.requested["cpu"] + 100, info.requested["memory"] + 2**20
    info.pod_count = rng.randrange(0, 20)
    info.owners.update({"rs-1": rng.randrange(0, 5), "rs-2": rng.randrange(0, 2)})
    info.gen = i + 1
    return info


def random_pod(rng: random.Random) -> dict:
    spec: dict = {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {
        "cpu": f"{rng.randrange(0, 1500)}m", "memory": f"{rng.randrange(0, 2048)}Mi"}}}]}
    if rng.random() < 0.5:
        spec["tolerations"] = [{"key": "spot", "operator": "Equal", "value": "0", "effect": "PreferNoSchedule"}]
    if rng.random() < 0.5:
        spec["affinity"] = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": rng.randrange(1, 50), "preference": {"matchExpressions": [
                {"key": "rack", "operator": "In", "values": [str(rng.randrange(3))]}]}}]}}
    if rng.random() < 0.3:
        spec["nodeSelector"] = {"rack": str(rng.randrange(3))}
    meta: dict = {"name": "p", "namespace": "default"}
    if rng.random() < 0.7:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "x",
                                    "uid": rng.choice(["rs-1", "rs-2"]), "controller": True}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


@pytest.mark.parametrize("seed", range(40))
def test_template_scores_are_the_plugins_scores(seed: int) -> None:
    rng = random.Random(seed)
    all_nodes = [random_node(rng, i) for i in range(rng.randrange(2, 30))]
    template = s.PodTemplate(s.pod_info(random_pod(rng)))
    feasible = [n for n in all_nodes if n.exists and template.entry(n)[1] is None]
    if not feasible:
        return
    want = s.total_scores(template.info, feasible, all_nodes)
    assert template.total_scores(feasible, None, all_nodes) == want
    if template.zone_index:  # what the scheduler's index holds for such a template
        counts = s.owner_zone_counts(template.info, all_nodes)
        assert template.total_scores(feasible, counts, all_nodes) == want
    # a changed node is computed again, an unchanged one is not
    node = feasible[0]
    node.requested["cpu"] += 1
    node.gen = 10_000
    assert template.entry(node) == s.PodTemplate(template.info).entry(node)


def test_select_host_draws_what_randrange_draws() -> None:
    def reference(names: list[str], scores: list[int], rng: random.Random) -> str:
        best, best_score, count = names[0], scores[0], 1
        for name, score in zip(names[1:], scores[1:], strict=True):
            if score > best_score:
                best, best_score, count = name, score, 1
            elif score == best_score:
                count += 1
                if rng.randrange(count) == 0:
                    best = name
        return best

    data = random.Random(3)
    for seed in range(200):
        n = data.randrange(1, 300)
        names = [f"n{i}" for i in range(n)]
        scores = [data.randrange(0, 4) for _ in range(n)]
        a, b = random.Random(seed), random.Random(seed)
        assert s.select_host(names, scores, a) == reference(names, scores, b)
        assert a.random() == b.random()  # the same draws were taken


def add_nodes(cluster: Cluster, count: int) -> None:
    now = cluster.clock.iso()
    for i in range(count):
        cluster.store.create(node_object(f"z{i}", ip=f"10.1.0.{i + 1}", pod_cidr=f"10.245.{i}.0/24", created=now,
                                         ready_since=now, now=now, labels={ZONE: "abc"[i % 3]}))
    cluster.settle()


def web(replicas: int, **spec: object) -> dict:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec}}}}


def test_zone_counts_kept_on_events_match_a_recount() -> None:
    cluster = Cluster(seed=2)
    add_nodes(cluster, 6)
    rs = cluster.api.create(web(24))
    cluster.advance(10)
    sched = cluster.controller("default-scheduler")

    def recount() -> dict[str, int]:
        pod = {"metadata": {"name": "x", "namespace": "default", "ownerReferences": [
            {"kind": "ReplicaSet", "name": "web", "uid": rs["metadata"]["uid"], "controller": True}]}, "spec": {}}
        return s.owner_zone_counts(s.pod_info(pod), sched.snapshot())  # type: ignore[attr-defined]

    uid = rs["metadata"]["uid"]
    assert sum(recount().values()) > 0
    assert sched._zones.get(uid, {}) == recount()  # type: ignore[attr-defined]
    # a node moves to another zone, another loses its label, a third leaves
    for name, zone in (("z0", "c"), ("z1", None)):
        n = cluster.store.get("Node", "", name)
        if zone is None:
            del n["metadata"]["labels"][ZONE]
        else:
            n["metadata"]["labels"][ZONE] = zone
        cluster.store.update(n)
    cluster.api.delete("Node", "", "z2")
    cluster.settle()
    assert sched._zones.get(uid, {}) == recount()  # type: ignore[attr-defined]
    # pods go away
    scaled = cluster.store.get("ReplicaSet", "default", "web")
    scaled["spec"]["replicas"] = 5
    cluster.store.update(scaled)
    cluster.advance(60)
    assert sched._zones.get(uid, {}) == recount()  # type: ignore[attr-defined]


def test_a_cached_template_sees_a_node_change() -> None:
    cluster = Cluster(seed=4)
    add_nodes(cluster, 3)
    cluster.api.create(web(6))
    cluster.advance(10)
    before = Counter(p["spec"]["nodeName"] for p in cluster.store.scan("Pod", "default"))
    busy = max(("z0", "z1", "z2"), key=lambda n: before[n])
    assert before[busy] > 0
    node = cluster.store.get("Node", "", busy)
    node["spec"]["taints"] = [{"key": "drain", "effect": "NoSchedule"}]
    cluster.store.update(node)
    rs = cluster.store.get("ReplicaSet", "default", "web")
    rs["spec"]["replicas"] = 20
    cluster.store.update(rs)
    cluster.advance(10)
    after = Counter(p["spec"]["nodeName"] for p in cluster.store.scan("Pod", "default"))
    assert after[busy] == before[busy] and sum(after.values()) == 20


def test_replicas_share_one_template_whatever_their_per_pod_fields() -> None:
    cluster = Cluster(seed=5)
    cluster.api.create(web(3, containers=[{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "10m"}}}]))
    cluster.advance(5)
    # as the scheduler saw them: not yet bound
    pods = [dict(p, spec={k: v for k, v in p["spec"].items() if k != "nodeName"})
            for p in cluster.store.scan("Pod", "default")]
    assert len(pods) == 3
    # the service account's kube-api-access volume differs per pod; the plugins do not read it
    mounts = {repr(p["spec"]["containers"][0].get("volumeMounts")) for p in pods}
    assert len(mounts) == 3
    assert len({s.template_key(p) for p in pods}) == 1
    other = dict(pods[0], spec=dict(pods[0]["spec"], containers=[dict(pods[0]["spec"]["containers"][0],
                                                                      resources={"requests": {"cpu": "20m"}})]))
    assert s.template_key(other) != s.template_key(pods[0])
