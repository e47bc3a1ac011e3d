"""Deployment controller: rollouts as a user watching `kubectl get rs -w` would see them.

No scheduler or kubelet is involved: the tests play the kubelet with ``mark_ready`` (status.phase
Running and a Ready condition, written through the store as the kubelet does).
"""

from __future__ import annotations

from server.sim.cluster import Cluster
from server.sim.controllers import deployment_util as du

NS = "default"


def make_cluster() -> Cluster:
    c = Cluster(empty=True, seed=1)
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})
    return c


def manifest(image: str = "nginx:1.16", replicas: int = 10, name: str = "web", **spec: object) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": NS},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": "nginx", "image": image}]}},
            **spec,
        },
    }


def pods(c: Cluster) -> list[dict]:
    return c.store.list("Pod", NS)


def active_pods(c: Cluster) -> list[dict]:
    return [p for p in pods(c) if not p["metadata"].get("deletionTimestamp")]


def is_ready(p: dict) -> bool:
    return any(x["type"] == "Ready" and x["status"] == "True" for x in (p.get("status") or {}).get("conditions", []))


def mark_ready(c: Cluster, targets: list[dict]) -> None:
    """Play the kubelet: the pods are Running and Ready from now on."""
    for p in targets:
        p = c.store.get("Pod", NS, p["metadata"]["name"])
        p.setdefault("status", {})["phase"] = "Running"
        p["status"]["conditions"] = [{"type": "Ready", "status": "True", "lastTransitionTime": c.clock.iso()}]
        c.store.update(p)
    c.settle()


def ready_all(c: Cluster) -> None:
    mark_ready(c, [p for p in active_pods(c) if not is_ready(p)])


def rs_by_image(c: Cluster) -> dict[str, dict]:
    return {rs["spec"]["template"]["spec"]["containers"][0]["image"]: rs for rs in c.store.list("ReplicaSet", NS)}


def set_image(c: Cluster, image: str, name: str = "web") -> None:
    d = c.store.get("Deployment", NS, name)
    d["spec"]["template"]["spec"]["containers"][0]["image"] = image
    c.api.replace(d)
    c.settle()


def deployment(c: Cluster, name: str = "web") -> dict:
    return c.store.get("Deployment", NS, name)


def condition(c: Cluster, type_: str, name: str = "web") -> dict:
    return du.get_condition(deployment(c)["status"], type_) or {}


def scaling_events(c: Cluster) -> list[str]:
    evs = [e for e in c.store.list("Event", NS) if e["reason"] == "ScalingReplicaSet"]
    assert all(e["source"]["component"] == "deployment-controller" for e in evs)
    return [e["message"] for e in sorted(evs, key=lambda e: int(e["metadata"]["resourceVersion"]))]


def started(c: Cluster, image: str = "nginx:1.16", replicas: int = 10, **spec: object) -> Cluster:
    c.api.create(manifest(image, replicas, **spec))
    c.settle()
    ready_all(c)
    return c


class Recorder:
    """(new, old) spec.replicas after every Deployment sync, consecutive repeats dropped; and the
    invariants of the 25%/25% rollout of 10 checked after every single store write."""

    def __init__(self, c: Cluster, new_image: str, old_image: str) -> None:
        self.c, self.new_image, self.old_image = c, new_image, old_image
        self.states: list[tuple[int, int]] = []
        self.max_specs = 0
        self.min_ready = 10**9
        ctrl = c.controller("deployment-controller")
        original = ctrl.reconcile

        def reconcile(key: tuple[str, str, str]) -> None:
            original(key)
            rss = rs_by_image(c)
            if new_image in rss and old_image in rss:
                state = (rss[new_image]["spec"]["replicas"], rss[old_image]["spec"]["replicas"])
                if not self.states or self.states[-1] != state:
                    self.states.append(state)

        ctrl.reconcile = reconcile  # type: ignore[method-assign]
        c.store.subscribe(self.check)

    def check(self, _event: object) -> None:
        self.max_specs = max(self.max_specs, sum(rs["spec"]["replicas"] for rs in self.c.store.scan("ReplicaSet", NS)))
        self.min_ready = min(self.min_ready, sum(1 for p in self.c.store.scan("Pod", NS)
                                                 if is_ready(p) and not p["metadata"].get("deletionTimestamp")))


def test_first_rollout_names_and_labels_the_replicaset_by_template_hash() -> None:
    c = started(make_cluster(), replicas=3)
    [rs] = c.store.list("ReplicaSet", NS)
    h = rs["metadata"]["labels"]["pod-template-hash"]
    assert rs["metadata"]["name"] == f"web-{h}" and set(h) <= set("456789bcdf") and len(h) >= 8
    assert rs["spec"]["selector"]["matchLabels"] == {"app": "web", "pod-template-hash": h}
    assert rs["spec"]["template"]["metadata"]["labels"]["pod-template-hash"] == h
    ref = rs["metadata"]["ownerReferences"][0]
    assert (ref["kind"], ref["name"], ref["controller"], ref["blockOwnerDeletion"]) == ("Deployment", "web", True, True)
    ann = rs["metadata"]["annotations"]
    assert (ann[du.REVISION], ann[du.DESIRED_REPLICAS], ann[du.MAX_REPLICAS]) == ("1", "3", "4")
    assert all(p["metadata"]["name"].startswith(f"web-{h}-") for p in pods(c))
    d = deployment(c)
    assert d["metadata"]["annotations"][du.REVISION] == "1"
    assert scaling_events(c) == [f"Scaled up replica set web-{h} from 0 to 3"]
    st = d["status"]
    assert (st["replicas"], st["updatedReplicas"], st["readyReplicas"], st["availableReplicas"]) == (3, 3, 3, 3)
    assert st["observedGeneration"] == d["metadata"]["generation"]
    assert condition(c, "Available")["reason"] == "MinimumReplicasAvailable"
    assert condition(c, "Progressing")["reason"] == "NewReplicaSetAvailable"
    assert condition(c, "Progressing")["message"] == f'ReplicaSet "web-{h}" has successfully progressed.'
    assert [x["type"] for x in d["status"]["conditions"]] == ["Available", "Progressing"]


def test_rollout_with_whole_batches_ready_follows_the_worked_example() -> None:
    c = started(make_cluster())
    old_name = rs_by_image(c)["nginx:1.16"]["metadata"]["name"]
    rec = Recorder(c, "nginx:1.17", "nginx:1.16")
    set_image(c, "nginx:1.17")
    new_name = rs_by_image(c)["nginx:1.17"]["metadata"]["name"]
    assert scaling_events(c)[1:3] == [f"Scaled up replica set {new_name} from 0 to 3",
                                      f"Scaled down replica set {old_name} from 10 to 8"]
    for _ in range(10):
        assert len(active_pods(c)) <= 13
        ready_all(c)
    assert rec.states == [(3, 8), (5, 8), (5, 3), (10, 3), (10, 0)]
    assert rec.max_specs <= 13 and rec.min_ready >= 8
    assert condition(c, "Progressing")["reason"] == "NewReplicaSetAvailable"
    assert deployment(c)["metadata"]["annotations"][du.REVISION] == "2"


def test_rollout_with_pods_ready_one_at_a_time() -> None:
    c = started(make_cluster())
    rec = Recorder(c, "nginx:1.17", "nginx:1.16")
    set_image(c, "nginx:1.17")
    for _ in range(30):
        waiting = [p for p in active_pods(c) if not is_ready(p)]
        assert len(active_pods(c)) <= 13
        if not waiting:
            break
        mark_ready(c, waiting[:1])
    assert rec.states == [(3, 8), (5, 8), (5, 7), (6, 7), (6, 6), (7, 6), (7, 5), (8, 5), (8, 4), (9, 4),
                          (9, 3), (10, 3), (10, 2), (10, 1), (10, 0)]
    assert rec.max_specs <= 13 and rec.min_ready >= 8


def test_rollback_renumbers_the_revision_and_keeps_its_history() -> None:
    c = started(make_cluster(), replicas=3)
    set_image(c, "nginx:1.17")
    for _ in range(6):
        ready_all(c)
    rss = rs_by_image(c)
    assert (du.revision(rss["nginx:1.16"]), du.revision(rss["nginx:1.17"])) == (1, 2)
    # what `kubectl rollout undo` sends: revision 1's template without the hash label
    d = deployment(c)
    d["spec"]["template"] = du.without_hash(rss["nginx:1.16"]["spec"]["template"])
    c.api.replace(d)
    c.settle()
    for _ in range(6):
        ready_all(c)
    rss = rs_by_image(c)
    back = rss["nginx:1.16"]
    assert back["metadata"]["annotations"][du.REVISION] == "3"
    assert back["metadata"]["annotations"][du.REVISION_HISTORY] == "1"
    assert sorted(du.revision(rs) for rs in rss.values()) == [2, 3]
    assert deployment(c)["metadata"]["annotations"][du.REVISION] == "3"
    assert (back["spec"]["replicas"], rss["nginx:1.17"]["spec"]["replicas"]) == (3, 0)
    assert len(rss) == 2  # no third ReplicaSet: the old one was reused


def test_revision_history_limit_deletes_the_oldest_scaled_down_replicasets() -> None:
    c = started(make_cluster(), image="app:v1", replicas=1, revisionHistoryLimit=2)
    for v in range(2, 6):
        set_image(c, f"app:v{v}")
        for _ in range(4):
            ready_all(c)
    rss = rs_by_image(c)
    assert sorted(rss) == ["app:v3", "app:v4", "app:v5"]
    assert sorted(du.revision(rs) for rs in rss.values()) == [3, 4, 5]


def test_change_cause_annotation_is_copied_to_the_new_replicaset() -> None:
    c = make_cluster()
    m = manifest(replicas=2)
    m["metadata"]["annotations"] = {"kubernetes.io/change-cause": "first"}
    c.api.create(m)
    c.settle()
    [rs] = c.store.list("ReplicaSet", NS)
    assert rs["metadata"]["annotations"]["kubernetes.io/change-cause"] == "first"


def test_scaling_mid_rollout_is_proportional() -> None:
    c = started(make_cluster())
    set_image(c, "nginx:1.17")
    rss = rs_by_image(c)
    assert (rss["nginx:1.17"]["spec"]["replicas"], rss["nginx:1.16"]["spec"]["replicas"]) == (5, 8)
    d = deployment(c)
    d["spec"]["replicas"] = 15
    c.api.replace(d)
    c.settle()
    rss = rs_by_image(c)
    assert (rss["nginx:1.17"]["spec"]["replicas"], rss["nginx:1.16"]["spec"]["replicas"]) == (7, 12)
    for rs in rss.values():
        assert rs["metadata"]["annotations"][du.DESIRED_REPLICAS] == "15"
        assert rs["metadata"]["annotations"][du.MAX_REPLICAS] == "19"


def test_plain_scaling_of_a_complete_deployment() -> None:
    c = started(make_cluster())
    d = deployment(c)
    d["spec"]["replicas"] = 5
    c.api.replace(d)
    c.settle()
    [rs] = c.store.list("ReplicaSet", NS)
    assert rs["spec"]["replicas"] == 5 and len(active_pods(c)) == 5
    assert scaling_events(c)[-1] == f"Scaled down replica set {rs['metadata']['name']} from 10 to 5"


def test_recreate_waits_for_old_pods_to_be_gone() -> None:
    c = make_cluster()
    c.api.create(manifest(replicas=3, strategy={"type": "Recreate"}))
    c.settle()
    for p in pods(c):  # bound pods are deleted gracefully: they stay Terminating until removed
        p["spec"]["nodeName"] = "node1"
        c.store.update(p)
    ready_all(c)
    set_image(c, "nginx:1.17")
    rss = rs_by_image(c)
    assert "nginx:1.17" not in rss and rss["nginx:1.16"]["spec"]["replicas"] == 0
    terminating = [p for p in pods(c) if p["metadata"].get("deletionTimestamp")]
    assert len(terminating) == 3
    c.store.remove("Pod", NS, terminating[0]["metadata"]["name"])
    c.settle()
    assert "nginx:1.17" not in rs_by_image(c)
    for p in terminating[1:]:
        c.store.remove("Pod", NS, p["metadata"]["name"])
    c.settle()
    new = rs_by_image(c)["nginx:1.17"]
    assert new["spec"]["replicas"] == 3 and len(active_pods(c)) == 3
    assert scaling_events(c)[-1] == f"Scaled up replica set {new['metadata']['name']} from 0 to 3"


def test_paused_deployment_scales_but_does_not_roll_out() -> None:
    c = started(make_cluster(), replicas=3)
    d = deployment(c)
    d["spec"]["paused"] = True
    c.api.replace(d)
    c.settle()
    assert (condition(c, "Progressing")["status"], condition(c, "Progressing")["reason"]) == ("Unknown", "DeploymentPaused")
    set_image(c, "nginx:1.17")
    assert list(rs_by_image(c)) == ["nginx:1.16"]
    d = deployment(c)
    d["spec"]["replicas"] = 5
    c.api.replace(d)
    c.settle()
    assert rs_by_image(c)["nginx:1.16"]["spec"]["replicas"] == 5
    d = deployment(c)
    d["spec"]["paused"] = False
    c.api.replace(d)
    c.settle()
    rss = rs_by_image(c)
    assert rss["nginx:1.17"]["spec"]["replicas"] > 0
    assert condition(c, "Progressing")["reason"] in ("NewReplicaSetCreated", "ReplicaSetUpdated")


def test_progress_deadline_exceeded_after_600_seconds_without_progress() -> None:
    c = make_cluster()
    c.api.create(manifest(replicas=2))
    c.settle()
    c.advance(599)
    assert condition(c, "Progressing")["status"] == "True"
    c.advance(3)
    cond = condition(c, "Progressing")
    [rs] = c.store.list("ReplicaSet", NS)
    assert (cond["status"], cond["reason"]) == ("False", "ProgressDeadlineExceeded")
    assert cond["message"] == f'ReplicaSet "{rs["metadata"]["name"]}" has timed out progressing.'
    assert condition(c, "Available")["reason"] == "MinimumReplicasUnavailable"
    # the rollout is not stopped: pods that turn ready still count, and completion clears it
    ready_all(c)
    assert condition(c, "Progressing")["reason"] == "NewReplicaSetAvailable"


def test_progress_keeps_the_deadline_away() -> None:
    c = make_cluster()
    c.api.create(manifest(replicas=2))
    c.settle()
    c.advance(500)
    mark_ready(c, active_pods(c)[:1])
    c.advance(500)
    assert condition(c, "Progressing")["reason"] == "ReplicaSetUpdated"
    c.advance(101)
    assert condition(c, "Progressing")["reason"] == "ProgressDeadlineExceeded"


def test_hash_collision_bumps_collision_count_and_picks_another_name() -> None:
    c = make_cluster()
    c.api.create(manifest(replicas=1, paused=True))
    c.settle()
    h = du.compute_hash(deployment(c)["spec"]["template"])
    squatter = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": f"web-{h}", "namespace": NS, "labels": {"app": "other"}},
                "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "other"}},
                         "template": {"metadata": {"labels": {"app": "other"}},
                                      "spec": {"containers": [{"name": "x", "image": "busybox"}]}}}}
    c.api.create(squatter)
    d = deployment(c)
    d["spec"]["paused"] = False
    c.api.replace(d)
    c.settle()
    assert deployment(c)["status"]["collisionCount"] == 1
    ours = [rs for rs in c.store.list("ReplicaSet", NS) if rs["metadata"].get("ownerReferences")]
    assert [rs["metadata"]["name"] for rs in ours] == [f"web-{du.compute_hash(d['spec']['template'], 1)}"]


def test_deployment_adopts_a_matching_orphan_replicaset() -> None:
    c = make_cluster()
    c.api.create(manifest(replicas=2))
    c.settle()
    [rs] = c.store.list("ReplicaSet", NS)
    c.api.delete("Deployment", NS, "web", propagation="Orphan")
    c.settle()
    assert not c.store.get("ReplicaSet", NS, rs["metadata"]["name"])["metadata"].get("ownerReferences")
    c.api.create(manifest(replicas=2))
    c.settle()
    [again] = c.store.list("ReplicaSet", NS)
    assert again["metadata"]["name"] == rs["metadata"]["name"]
    assert again["metadata"]["ownerReferences"][0]["uid"] == deployment(c)["metadata"]["uid"]
