"""ReplicaSet controller: self-healing, scaling, adoption and the order in which pods are deleted.

The tests play the scheduler and the kubelet by writing ``spec.nodeName`` and the pod status
through the store.
"""

from __future__ import annotations

import random

from server.sim.cluster import Cluster
from server.sim.controllers.replicaset import deletion_order

NS = "default"


def make_cluster() -> Cluster:
    c = Cluster(empty=True, seed=1)
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})
    return c


def rs_manifest(replicas: int = 3, name: str = "web", **spec: object) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": NS},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name, "tier": "front"}, "annotations": {"note": "x"}},
                         "spec": {"containers": [{"name": "nginx", "image": "nginx:1.16"}]}},
            **spec,
        },
    }


def create_rs(c: Cluster, replicas: int = 3, **spec: object) -> dict:
    c.api.create(rs_manifest(replicas, **spec))
    c.settle()
    return c.store.get("ReplicaSet", NS, "web")


def live(c: Cluster) -> list[dict]:
    return [p for p in c.store.list("Pod", NS) if not p["metadata"].get("deletionTimestamp")]


def set_pod(c: Cluster, name: str, *, node: str | None = None, phase: str | None = None,
            ready: bool | None = None, restarts: int | None = None, ready_at: str | None = None) -> None:
    p = c.store.get("Pod", NS, name)
    if node is not None:
        p["spec"]["nodeName"] = node
    st = p.setdefault("status", {})
    if phase is not None:
        st["phase"] = phase
    if ready is not None:
        st["conditions"] = [{"type": "Ready", "status": "True" if ready else "False",
                             "lastTransitionTime": ready_at or c.clock.iso()}]
    if restarts is not None:
        st["containerStatuses"] = [{"name": "nginx", "restartCount": restarts, "ready": bool(ready)}]
    c.store.update(p)


def scale(c: Cluster, n: int) -> None:
    rs = c.store.get("ReplicaSet", NS, "web")
    rs["spec"]["replicas"] = n
    c.api.replace(rs)
    c.settle()


def events(c: Cluster, reason: str) -> list[str]:
    evs = [e for e in c.store.list("Event", NS) if e["reason"] == reason]
    assert all(e["source"]["component"] == "replicaset-controller" for e in evs)
    return [e["message"] for e in sorted(evs, key=lambda e: int(e["metadata"]["resourceVersion"]))]


def test_creates_pods_from_the_template_with_an_owner_reference() -> None:
    c = make_cluster()
    rs = create_rs(c)
    pods = c.store.list("Pod", NS)
    assert len(pods) == 3
    for p in pods:
        meta = p["metadata"]
        assert meta["generateName"] == "web-" and len(meta["name"]) == len("web-") + 5
        assert set(meta["name"][4:]) <= set("bcdfghjklmnpqrstvwxz2456789")
        assert meta["labels"] == {"app": "web", "tier": "front"} and meta["annotations"] == {"note": "x"}
        assert meta["ownerReferences"] == [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web",
                                            "uid": rs["metadata"]["uid"], "controller": True,
                                            "blockOwnerDeletion": True}]
        assert p["spec"]["containers"][0]["image"] == "nginx:1.16"
    assert sorted(events(c, "SuccessfulCreate")) == sorted(f"Created pod: {p['metadata']['name']}" for p in pods)
    st = rs["status"]
    assert (st["replicas"], st["fullyLabeledReplicas"], st["observedGeneration"]) == (3, 3, 1)
    assert "readyReplicas" not in st and "availableReplicas" not in st


def test_status_counts_ready_and_available_pods_with_min_ready_seconds() -> None:
    c = make_cluster()
    create_rs(c, minReadySeconds=10)
    names = [p["metadata"]["name"] for p in live(c)]
    for n in names[:2]:
        set_pod(c, n, node="node1", phase="Running", ready=True)
    c.settle()
    st = c.store.get("ReplicaSet", NS, "web")["status"]
    assert (st["readyReplicas"], st.get("availableReplicas", 0)) == (2, 0)
    c.advance(9)
    assert c.store.get("ReplicaSet", NS, "web")["status"].get("availableReplicas", 0) == 0
    c.advance(2)
    assert c.store.get("ReplicaSet", NS, "web")["status"]["availableReplicas"] == 2


def test_a_deleted_pod_is_replaced_at_once_even_while_terminating() -> None:
    c = make_cluster()
    create_rs(c)
    victim = live(c)[0]["metadata"]["name"]
    set_pod(c, victim, node="node1", phase="Running", ready=True)
    c.api.delete("Pod", NS, victim)  # graceful: stays Terminating until a kubelet removes it
    c.settle()
    assert c.store.get("Pod", NS, victim)["metadata"].get("deletionTimestamp")
    assert len(live(c)) == 3 and victim not in [p["metadata"]["name"] for p in live(c)]
    assert c.store.get("ReplicaSet", NS, "web")["status"]["replicas"] == 3


def test_scale_up_and_down_with_events() -> None:
    c = make_cluster()
    create_rs(c)
    # a change of spec.replicas alone re-reads the pods that changed, not every pod of the ReplicaSet
    # (a full claim at every step of a rolling update made it quadratic in the ReplicaSet's size)
    rsc = c.controller("replicaset-controller")
    claims: list[str] = []
    claim = rsc.claim
    rsc.claim = lambda owner, *a, **k: claims.append(owner["metadata"]["name"]) or claim(owner, *a, **k)  # type: ignore[method-assign]
    scale(c, 5)
    assert len(live(c)) == 5
    scale(c, 2)
    assert len(live(c)) == 2
    assert claims == []
    assert len(events(c, "SuccessfulDelete")) == 3
    assert all(m.startswith("Deleted pod: web-") for m in events(c, "SuccessfulDelete"))
    assert c.store.get("ReplicaSet", NS, "web")["status"]["replicas"] == 2


def test_scale_down_deletes_unscheduled_pending_not_ready_and_doubled_up_pods_first() -> None:
    c = make_cluster()
    create_rs(c, replicas=7)
    p = sorted(x["metadata"]["name"] for x in live(c))
    # p0: unscheduled; p1: Pending on node1; p2: Running not ready on node2;
    # p3, p4: Running+Ready, doubled up on node3; p5, p6: Running+Ready alone on node4, node5
    set_pod(c, p[1], node="node1", phase="Pending")
    set_pod(c, p[2], node="node2", phase="Running", ready=False)
    for name, node in ((p[3], "node3"), (p[4], "node3"), (p[5], "node4"), (p[6], "node5")):
        set_pod(c, name, node=node, phase="Running", ready=True)
    c.settle()

    def gone() -> set[str]:
        return {x["metadata"]["name"] for x in c.store.list("Pod", NS)
                if x["metadata"].get("deletionTimestamp")} | (set(p) - {x["metadata"]["name"] for x in c.store.list("Pod", NS)})

    scale(c, 6)
    assert gone() == {p[0]}
    scale(c, 5)
    assert gone() == {p[0], p[1]}
    scale(c, 4)
    assert gone() == {p[0], p[1], p[2]}
    scale(c, 3)
    doubled = gone() - {p[0], p[1], p[2]}
    assert len(doubled) == 1 and doubled <= {p[3], p[4]}


def test_the_kept_deletion_order_is_the_order_sorted_afresh() -> None:
    """Scale-downs read a deletion order kept from sync to sync; through pods binding, turning ready
    and not, restarting, failing (replaced), being deleted, a foreign pod on a node, and the clock
    moving ages into other log2 buckets, its head is what sorting every pod afresh gives."""
    c = make_cluster()
    create_rs(c, replicas=30)
    rsc = c.controller("replicaset-controller")
    key = ("ReplicaSet", NS, "web")
    rng = random.Random(11)
    nodes = ["node1", "node2", "node3", "node4"]
    for step in range(80):
        for pod in rng.sample(live(c), 6):
            name, spec = pod["metadata"]["name"], pod["spec"]
            change = rng.random()
            if not spec.get("nodeName"):
                set_pod(c, name, node=rng.choice(nodes), phase="Pending")
            elif change < 0.4:
                set_pod(c, name, phase="Running", ready=rng.random() < 0.8, restarts=rng.choice([0, 0, 0, 1]))
            elif change < 0.5:
                set_pod(c, name, phase="Failed")
            elif change < 0.6:
                c.store.remove("Pod", NS, name)
        if step % 10 == 3:  # a pod the ReplicaSet's selector matches, someone else's, on a node
            c.api.create({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": f"theirs{step}", "namespace": NS, "labels": {"app": "web"},
                                       "ownerReferences": [{"apiVersion": "v1", "kind": "ReplicationController",
                                                            "name": "rc", "uid": "not-ours", "controller": True}]},
                          "spec": {"nodeName": rng.choice(nodes), "containers": [{"name": "c", "image": "nginx"}]}})
        c.advance(rng.choice([1, 7, 60, 900]))
        c.settle()
        rs, members = c.store.peek(*key), rsc._members[key]
        got = rsc._victims(rs, members, len(members.pods) - 1)
        pods = [c.store.peek("Pod", NS, n) for n in sorted(members.pods)]
        related = [p for p in c.store.scan("Pod", NS, selector={"matchLabels": {"app": "web"}})
                   if p["status"].get("phase") not in ("Succeeded", "Failed") and not p["metadata"].get("deletionTimestamp")]
        on_node: dict[str, int] = {}
        for p in related:
            on_node[p["spec"].get("nodeName") or ""] = on_node.get(p["spec"].get("nodeName") or "", 0) + 1
        ranks = [on_node.get(p["spec"].get("nodeName") or "", 0) for p in pods]
        want = [p["metadata"]["name"] for p in deletion_order(pods, ranks, c.clock.now())][:len(pods) - 1]
        assert got == want, step


def test_the_kept_order_follows_creation_buckets_of_pods_ready_at_one_instant() -> None:
    """Two pods ready at the same instant, with no restarts, go by the buckets of their creation
    times, and within one bucket by uid: as the clock runs, those buckets part and meet again
    (the ready time's buckets change at other instants), and the kept order follows each change."""
    c = make_cluster()
    create_rs(c, replicas=2)
    rsc = c.controller("replicaset-controller")
    key = ("ReplicaSet", NS, "web")
    older = live(c)[0]
    c.advance(100)
    while True:  # a younger pod whose uid sorts after the older one's: buckets and uids disagree
        young = next(p for p in live(c) if p["metadata"]["name"] != older["metadata"]["name"])
        if young["metadata"]["uid"] > older["metadata"]["uid"]:
            break
        c.store.remove("Pod", NS, young["metadata"]["name"])
        c.advance(1)
        c.settle()
    ready_at = c.clock.iso()
    for pod, n in ((older, "node1"), (young, "node2")):
        set_pod(c, pod["metadata"]["name"], node=n, phase="Running", ready=True, restarts=0, ready_at=ready_at)
    c.settle()
    seen = set()
    for _ in range(2000):
        c.advance(10)
        rs, members = c.store.peek(*key), rsc._members[key]
        got = rsc._victims(rs, members, 1)
        pods = [c.store.peek("Pod", NS, n) for n in sorted(members.pods)]
        assert got == [deletion_order(pods, [1, 1], c.clock.now())[0]["metadata"]["name"]]
        seen.add(got[0])
    assert seen == {older["metadata"]["name"], young["metadata"]["name"]}  # the order did change


def _pod(name: str, *, node: str = "n1", phase: str = "Running", ready: bool = True, ready_at: str = "",
         created: str = "2025-03-03T12:00:00Z", restarts: int = 0, cost: str | None = None) -> dict:
    meta: dict = {"name": name, "uid": name, "creationTimestamp": created}
    if cost is not None:
        meta["annotations"] = {"controller.kubernetes.io/pod-deletion-cost": cost}
    status: dict = {"phase": phase, "containerStatuses": [{"name": "c", "restartCount": restarts}]}
    if ready:
        status["conditions"] = [{"type": "Ready", "status": "True", "lastTransitionTime": ready_at or created}]
    return {"metadata": meta, "spec": {"nodeName": node}, "status": status}


def test_deletion_order_tie_breakers() -> None:
    now = 1741006800.0  # 13:00:00
    # deletion cost beats everything after readiness
    cheap, dear = _pod("cheap", cost="-5"), _pod("dear", cost="100")
    assert [x["metadata"]["name"] for x in deletion_order([dear, cheap], [1, 1], now)] == ["cheap", "dear"]
    # Unknown sits between Pending and Running
    order = deletion_order([_pod("run"), _pod("unk", phase="Unknown", ready=False),
                            _pod("pend", phase="Pending", ready=False)], [1, 1, 1], now)
    assert [x["metadata"]["name"] for x in order] == ["pend", "unk", "run"]
    # ready more recently (another log2 bucket) goes first
    recent = _pod("recent", ready_at="2025-03-03T12:59:58Z")
    old = _pod("old", ready_at="2025-03-03T10:00:00Z")
    assert [x["metadata"]["name"] for x in deletion_order([old, recent], [1, 1], now)] == ["recent", "old"]
    # same readiness bucket: more restarts first; then newer creation
    a = _pod("a", restarts=4, ready_at="2025-03-03T12:00:00Z")
    b = _pod("b", restarts=0, ready_at="2025-03-03T12:00:00Z")
    assert [x["metadata"]["name"] for x in deletion_order([b, a], [1, 1], now)] == ["a", "b"]
    young = _pod("young", created="2025-03-03T12:59:00Z", ready_at="2025-03-03T12:00:00Z")
    aged = _pod("aged", created="2025-03-01T00:00:00Z", ready_at="2025-03-03T12:00:00Z")
    assert [x["metadata"]["name"] for x in deletion_order([aged, young], [1, 1], now)] == ["young", "aged"]
    # some ready at the same second: unequal times of one bucket go by uid, equal ones by restarts
    # then creation, which is not a transitive order (Go's is not either). The linear order kept:
    # the pods of one instant together (by restarts, creation bucket, uid), the instants of a bucket
    # by their least uid. Bucket 40 (ready 32-36 min ago): 12:25:00 {p0 c, p1 f, p3 h} (p1 has
    # restarted twice, p0 and p3 not), then 12:27:10 {p6 g}; bucket 41: 12:21:40 {p2 a, p5 e}, then
    # 12:23:20 {p4 b, p7 d}
    times = ["12:25:00", "12:25:00", "12:21:40", "12:25:00", "12:23:20", "12:21:40", "12:27:10", "12:23:20"]
    pods = [_pod(f"p{i}", ready_at=f"2025-03-03T{t}Z", restarts=(i * 5) % 3, created=f"2025-03-03T12:0{i}:00Z")
            for i, t in enumerate(times)]
    for pod, uid in zip(pods, "cfahbegd", strict=True):
        pod["metadata"]["uid"] = uid
    assert [x["metadata"]["name"] for x in deletion_order(pods, [1] * 8, now)] == \
        ["p1", "p0", "p3", "p6", "p2", "p5", "p4", "p7"]


def test_adopts_a_matching_orphan_and_creates_only_the_rest() -> None:
    c = make_cluster()
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "stray", "namespace": NS,
                                                                  "labels": {"app": "web"}},
                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.16"}]}})
    rs = create_rs(c)
    stray = c.store.get("Pod", NS, "stray")
    assert stray["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"]
    assert len(live(c)) == 3
    assert rs["status"]["replicas"] == 3 and rs["status"]["fullyLabeledReplicas"] == 2  # stray lacks tier


def test_releases_a_pod_whose_labels_no_longer_match_and_replaces_it() -> None:
    c = make_cluster()
    create_rs(c)
    name = live(c)[0]["metadata"]["name"]
    p = c.store.get("Pod", NS, name)
    p["metadata"]["labels"]["app"] = "debug"
    c.store.update(p)
    c.settle()
    assert not c.store.get("Pod", NS, name)["metadata"].get("ownerReferences")
    owned = [x for x in live(c) if x["metadata"].get("ownerReferences")]
    assert len(owned) == 3 and len(live(c)) == 4


def test_ignores_pods_controlled_by_someone_else() -> None:
    c = make_cluster()
    c.api.create({"apiVersion": "v1", "kind": "Pod",
                  "metadata": {"name": "theirs", "namespace": NS, "labels": {"app": "web"},
                               "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "other",
                                                    "uid": "not-ours", "controller": True}]},
                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.16"}]}})
    # (the garbage collector removes "theirs": its owner does not exist; either way it is not ours)
    create_rs(c)
    owned = [x for x in live(c) if x["metadata"]["name"] != "theirs"]
    assert len(owned) == 3


def test_succeeded_and_failed_pods_are_not_counted() -> None:
    c = make_cluster()
    create_rs(c)
    name = live(c)[0]["metadata"]["name"]
    set_pod(c, name, node="node1", phase="Failed")
    c.settle()
    active = [x for x in live(c) if (x.get("status") or {}).get("phase") != "Failed"]
    assert len(active) == 3
    assert c.store.get("ReplicaSet", NS, "web")["status"]["replicas"] == 3


def test_an_orphan_arriving_later_is_adopted_and_the_surplus_deleted() -> None:
    c = make_cluster()
    create_rs(c)
    for x in live(c):
        set_pod(c, x["metadata"]["name"], node="node1", phase="Running", ready=True)
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "zz-late", "namespace": NS,
                                                                  "labels": {"app": "web"}},
                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1.16"}]}})
    c.settle()
    assert len(live(c)) == 3
    # the newcomer is unscheduled, so it is the first to go (its name sorts last)
    assert c.store.get("Pod", NS, "zz-late") is None
    assert events(c, "SuccessfulDelete") == ["Deleted pod: zz-late"]
    assert c.store.get("ReplicaSet", NS, "web")["status"]["replicas"] == 3


def test_creates_and_deletes_go_at_the_controller_managers_client_rate() -> None:
    """kube-controller-manager's client sends 30 requests at once, then 20 a second (--kube-api-burst,
    --kube-api-qps): a ReplicaSet of 100,000 replicas makes 30 pods when it is created and the rest
    on the clock, 20 each second, never all inside the request that created it."""
    c = make_cluster()
    create_rs(c, replicas=100_000)
    assert len(live(c)) == 30
    c.advance(1)
    assert len(live(c)) == 50
    c.advance(9)
    assert len(live(c)) == 230
    rs = c.store.get("ReplicaSet", NS, "web")
    assert rs["status"]["replicas"] == 230
    scale(c, 0)  # the creates emptied the bucket: the deletes go at 20 a second from the start
    c.advance(10)
    assert len(live(c)) == 30
    c.advance(1.5)
    assert len(live(c)) == 0
    assert len(events(c, "SuccessfulDelete")) == 230


def test_a_small_scale_is_not_held_back_by_the_rate_limit() -> None:
    c = make_cluster()
    create_rs(c, replicas=3)
    scale(c, 30)
    assert len(live(c)) == 30
