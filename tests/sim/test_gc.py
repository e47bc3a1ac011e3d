"""Garbage collector: background cascading deletion through ownerReferences."""

from __future__ import annotations

from server.sim.cluster import Cluster

NS = "default"


def make_cluster() -> Cluster:
    c = Cluster(empty=True, seed=1)
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})
    return c


def rs_manifest(replicas: int = 3) -> dict:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web", "namespace": NS},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}}


def pod(name: str, owners: list[dict] | None = None) -> dict:
    meta: dict = {"name": name, "namespace": NS, "labels": {"role": "standalone"}}
    if owners:
        meta["ownerReferences"] = owners
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [{"name": "c", "image": "busybox"}]}}


def ref(obj: dict) -> dict:
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
            "uid": obj["metadata"]["uid"]}


def test_deleting_a_replicaset_removes_its_pods() -> None:
    c = make_cluster()
    c.api.create(rs_manifest())
    c.settle()
    assert len(c.store.list("Pod", NS)) == 3
    c.api.delete("ReplicaSet", NS, "web")
    c.settle()
    assert c.store.list("Pod", NS) == []


def test_bound_pods_of_a_deleted_replicaset_go_terminating() -> None:
    c = make_cluster()
    c.api.create(rs_manifest())
    c.settle()
    for p in c.store.list("Pod", NS):
        p["spec"]["nodeName"] = "node1"
        c.store.update(p)
    c.api.delete("ReplicaSet", NS, "web")
    c.settle()
    pods = c.store.list("Pod", NS)
    assert len(pods) == 3 and all(p["metadata"].get("deletionTimestamp") for p in pods)


def test_deleting_a_deployment_cascades_through_its_replicasets() -> None:
    c = make_cluster()
    c.api.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": NS},
                  "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                           "template": {"metadata": {"labels": {"app": "web"}},
                                        "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}})
    c.settle()
    assert len(c.store.list("ReplicaSet", NS)) == 1 and len(c.store.list("Pod", NS)) == 2
    c.api.delete("Deployment", NS, "web")
    c.settle()
    assert c.store.list("ReplicaSet", NS) == [] and c.store.list("Pod", NS) == []


def test_orphan_propagation_keeps_the_pods() -> None:
    c = make_cluster()
    c.api.create(rs_manifest())
    c.settle()
    c.api.delete("ReplicaSet", NS, "web", propagation="Orphan")
    c.settle()
    pods = c.store.list("Pod", NS)
    assert len(pods) == 3 and not any(p["metadata"].get("ownerReferences") for p in pods)


def test_a_dependent_created_for_a_missing_owner_is_collected() -> None:
    c = make_cluster()
    c.api.create(pod("lost", [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "ghost", "uid": "no-such-uid"}]))
    c.settle()
    assert c.store.get("Pod", NS, "lost") is None


def test_an_owner_recreated_under_the_same_name_is_not_the_owner() -> None:
    c = make_cluster()
    cm = c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": NS}})
    c.api.create(pod("dep", [ref(cm)]))
    c.settle()
    assert c.store.get("Pod", NS, "dep") is not None
    c.store.remove("ConfigMap", NS, "cfg")
    c.store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": NS}})
    c.settle()
    assert c.store.get("Pod", NS, "dep") is None


def test_with_one_owner_left_only_the_dangling_reference_is_dropped() -> None:
    c = make_cluster()
    a = c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": NS}})
    b = c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": NS}})
    c.api.create(pod("shared", [ref(a), ref(b)]))
    c.settle()
    c.api.delete("ConfigMap", NS, "a")
    c.settle()
    p = c.store.get("Pod", NS, "shared")
    assert p is not None and [r["name"] for r in p["metadata"]["ownerReferences"]] == ["b"]
    c.api.delete("ConfigMap", NS, "b")
    c.settle()
    assert c.store.get("Pod", NS, "shared") is None
