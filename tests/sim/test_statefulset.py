"""StatefulSet controller: ordered, named pods, scaling, rolling updates, and what a user sees."""

from __future__ import annotations

import copy

from server.sim.clock import parse_time
from server.sim.net import dns

WEB = {
    "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "selector": {"matchLabels": {"app": "nginx"}}, "serviceName": "nginx", "replicas": 3,
        "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{
            "name": "nginx", "image": "nginx:1.27.3", "ports": [{"containerPort": 80, "name": "web"}],
            "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}},
        "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}],
    },
}
HEADLESS = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx", "namespace": "default"},
            "spec": {"clusterIP": "None", "selector": {"app": "nginx"}, "ports": [{"port": 80, "name": "web"}]}}


def _web(cluster, **spec):
    # the lab has no StorageClass: web's claims need the storage-provisioner add-on, up and running
    cluster.set_addon("storage-provisioner", True)
    cluster.run_until(cluster.clock.now() + 120, lambda: any(
        p["status"].get("phase") == "Running" for p in cluster.store.list("Pod", "local-path-storage")))
    sts = copy.deepcopy(WEB)
    sts["spec"].update(spec)
    cluster.api.create(copy.deepcopy(HEADLESS))
    cluster.api.create(sts)
    cluster.settle()


def _pods(cluster) -> dict[str, dict]:
    return {p["metadata"]["name"]: p for p in cluster.store.list("Pod", "default", selector={"app": "nginx"})}


def _ready(pod) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions") or [])


def _watch(cluster, seconds: float, step: float = 0.5) -> list[tuple[str, ...]]:
    """The sequence of (name, state) snapshots as time passes, deduplicated."""
    seen: list[tuple[str, ...]] = []
    for _ in range(int(seconds / step)):
        cluster.advance(step)
        pods = _pods(cluster)
        snap = tuple(sorted(f"{n}:{'T' if p['metadata'].get('deletionTimestamp') else ('R' if _ready(p) else 'P')}"
                            for n, p in pods.items()))
        if not seen or seen[-1] != snap:
            seen.append(snap)
    return seen


def _events(cluster, reason: str) -> list[str]:
    return [e["message"] for e in sorted(cluster.store.list("Event", "default"),
                                         key=lambda e: (e.get("firstTimestamp") or "", e["metadata"]["name"]))
            if e["reason"] == reason and e["involvedObject"]["kind"] == "StatefulSet"
            and not e["message"].startswith(("create Claim", "delete Claim"))]


def test_ordered_ready_creates_web_0_1_2_one_after_another(cluster, kubectl):
    _web(cluster)
    seen = _watch(cluster, 60)
    # never a pod before its predecessor is Running and Ready
    for snap in seen:
        names = [s.split(":")[0] for s in snap]
        assert names == [f"web-{i}" for i in range(len(names))]
        assert all(s.endswith(":R") for s in snap[:-1]), snap
    assert seen[-1] == ("web-0:R", "web-1:R", "web-2:R")
    assert _events(cluster, "SuccessfulCreate") == [f"create Pod web-{i} in StatefulSet web successful"
                                                    for i in range(3)]
    pod = _pods(cluster)["web-1"]
    assert pod["spec"]["hostname"] == "web-1" and pod["spec"]["subdomain"] == "nginx"
    labels = pod["metadata"]["labels"]
    assert labels["statefulset.kubernetes.io/pod-name"] == "web-1" and labels["apps.kubernetes.io/pod-index"] == "1"
    sts = cluster.store.get("StatefulSet", "default", "web")
    assert labels["controller-revision-hash"] == sts["status"]["updateRevision"] == sts["status"]["currentRevision"]
    assert {"name": "www", "persistentVolumeClaim": {"claimName": "www-web-1"}} in pod["spec"]["volumes"]
    claims = cluster.store.list("PersistentVolumeClaim", "default")
    assert [(c["metadata"]["name"], c["status"]["phase"]) for c in claims] == \
        [("www-web-0", "Bound"), ("www-web-1", "Bound"), ("www-web-2", "Bound")]
    assert [r["metadata"]["name"] for r in cluster.store.list("ControllerRevision", "default")] == \
        [sts["status"]["updateRevision"]]
    st = sts["status"]
    assert (st["replicas"], st["readyReplicas"], st["availableReplicas"], st["currentReplicas"],
            st["updatedReplicas"], st["observedGeneration"]) == (3, 3, 3, 3, 3, 1)
    out = kubectl("get sts")
    assert out.splitlines()[1].split()[:2] == ["web", "3/3"]


def test_headless_service_names_each_pod(cluster):
    _web(cluster)
    cluster.advance(60)
    pods = _pods(cluster)
    ans = dns.query(cluster, "web-0.nginx.default.svc.cluster.local")
    assert ans.rcode == "NOERROR" and [r for r in ans.records if pods["web-0"]["status"]["podIP"] in str(r)]
    # from a pod of the namespace, the short name goes through the search path
    assert dns.lookup(cluster, "web-1.nginx", pod=("default", "web-0")).addresses == [pods["web-1"]["status"]["podIP"]]
    assert dns.query(cluster, "web-7.nginx.default.svc.cluster.local").rcode == "NXDOMAIN"


def test_scale_up_then_down_highest_ordinal_first_one_at_a_time(cluster, kubectl):
    _web(cluster)
    cluster.advance(60)
    kubectl("scale sts web --replicas=5")
    seen = _watch(cluster, 60)
    assert seen[-1] == tuple(f"web-{i}:R" for i in range(5))
    assert all(len(s) <= 5 and [x.split(":")[0] for x in s] == [f"web-{i}" for i in range(len(s))] for s in seen)
    kubectl("scale sts web --replicas=2")
    seen = _watch(cluster, 120, step=0.1)
    assert seen[-1] == ("web-0:R", "web-1:R")
    # one pod at a time, the highest first: the set only ever shrinks from the top, one name at a time
    sizes = [len(s) for s in seen]
    assert sorted(set(sizes), reverse=True) == [5, 4, 3, 2]
    assert all(sum(x.endswith(":T") for x in s) <= 1 for s in seen)
    assert all([x.split(":")[0] for x in s] == [f"web-{i}" for i in range(len(s))] for s in seen)
    assert _events(cluster, "SuccessfulDelete") == [f"delete Pod web-{i} in StatefulSet web successful"
                                                    for i in (4, 3, 2)]
    st = cluster.store.get("StatefulSet", "default", "web")["status"]
    assert st["replicas"] == st["readyReplicas"] == 2


def test_deleted_pod_comes_back_with_the_same_name(cluster, kubectl):
    _web(cluster)
    cluster.advance(60)
    old_uid = _pods(cluster)["web-1"]["metadata"]["uid"]
    kubectl("delete pod web-1 --wait=false")
    cluster.advance(60)
    pods = _pods(cluster)
    assert sorted(pods) == ["web-0", "web-1", "web-2"] and all(_ready(p) for p in pods.values())
    assert pods["web-1"]["metadata"]["uid"] != old_uid
    created = [e for e in cluster.store.list("Event", "default") if e["reason"] == "SuccessfulCreate"
               and e["message"] == "create Pod web-1 in StatefulSet web successful"]
    assert [e["count"] for e in created] == [2]


def test_rolling_update_from_the_highest_ordinal_down(cluster, kubectl):
    _web(cluster)
    cluster.advance(60)
    before = cluster.store.get("StatefulSet", "default", "web")["status"]["currentRevision"]
    kubectl("set image sts/web nginx=nginx:1.27.4")
    seen = _watch(cluster, 180, step=0.1)
    images = {n: p["spec"]["containers"][0]["image"] for n, p in _pods(cluster).items()}
    assert images == dict.fromkeys(["web-0", "web-1", "web-2"], "nginx:1.27.4")
    terminating = [x.split(":")[0] for s in seen for x in s if x.endswith(":T")]
    assert list(dict.fromkeys(terminating)) == ["web-2", "web-1", "web-0"]
    assert all(sum(not x.endswith(":R") for x in s) <= 1 for s in seen)  # one pod down at a time
    st = cluster.store.get("StatefulSet", "default", "web")["status"]
    assert st["currentRevision"] == st["updateRevision"] != before
    assert st["updatedReplicas"] == st["currentReplicas"] == 3
    assert len(cluster.store.list("ControllerRevision", "default")) == 2


def test_partition_keeps_the_lower_ordinals_on_the_old_revision(cluster, kubectl):
    _web(cluster, updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 2}})
    cluster.advance(60)
    kubectl("set image sts/web nginx=nginx:1.27.4")
    cluster.advance(120)
    images = {n: p["spec"]["containers"][0]["image"] for n, p in _pods(cluster).items()}
    assert images == {"web-0": "nginx:1.27.3", "web-1": "nginx:1.27.3", "web-2": "nginx:1.27.4"}
    st = cluster.store.get("StatefulSet", "default", "web")["status"]
    assert st["currentRevision"] != st["updateRevision"]
    assert (st["currentReplicas"], st["updatedReplicas"]) == (2, 1)
    # a pod below the partition that is deleted comes back on the old revision
    kubectl("delete pod web-0 --wait=false")
    cluster.advance(60)
    assert _pods(cluster)["web-0"]["spec"]["containers"][0]["image"] == "nginx:1.27.3"


def test_on_delete_updates_only_deleted_pods(cluster, kubectl):
    _web(cluster, updateStrategy={"type": "OnDelete"})
    cluster.advance(60)
    kubectl("set image sts/web nginx=nginx:1.27.4")
    cluster.advance(60)
    assert {p["spec"]["containers"][0]["image"] for p in _pods(cluster).values()} == {"nginx:1.27.3"}
    kubectl("delete pod web-1 --wait=false")
    cluster.advance(60)
    images = {n: p["spec"]["containers"][0]["image"] for n, p in _pods(cluster).items()}
    assert images == {"web-0": "nginx:1.27.3", "web-1": "nginx:1.27.4", "web-2": "nginx:1.27.3"}


def test_parallel_creates_all_at_once(cluster):
    _web(cluster, podManagementPolicy="Parallel", replicas=4)
    assert sorted(_pods(cluster)) == ["web-0", "web-1", "web-2", "web-3"]
    cluster.advance(60)
    assert all(_ready(p) for p in _pods(cluster).values())


def test_ordinals_start(cluster):
    _web(cluster, ordinals={"start": 5}, replicas=2)
    cluster.advance(60)
    pods = _pods(cluster)
    assert sorted(pods) == ["web-5", "web-6"]
    assert pods["web-6"]["metadata"]["labels"]["apps.kubernetes.io/pod-index"] == "6"


def test_unhealthy_pod_blocks_ordered_creation(cluster):
    sts = copy.deepcopy(WEB)
    sts["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:no-such-tag"
    cluster.api.create(copy.deepcopy(HEADLESS))
    cluster.api.create(sts)
    cluster.advance(120)
    assert sorted(_pods(cluster)) == ["web-0"]
    st = cluster.store.get("StatefulSet", "default", "web")["status"]
    assert st["replicas"] == 1 and "readyReplicas" not in st and st["availableReplicas"] == 0


def test_pod_on_a_halted_node_is_not_recreated_while_it_exists(cluster):
    _web(cluster)
    cluster.advance(60)
    victim = next(p for p in _pods(cluster).values() if p["spec"]["nodeName"] == "node1")
    name, uid = victim["metadata"]["name"], victim["metadata"]["uid"]
    cluster.fail_node("node1")
    cluster.advance(400)  # NotReady after 50 s, evicted after the 300 s toleration
    pod = _pods(cluster)[name]
    assert pod["metadata"]["uid"] == uid and pod["metadata"].get("deletionTimestamp")
    cluster.advance(600)
    assert _pods(cluster)[name]["metadata"]["uid"] == uid  # still Terminating, not replaced
    # once the node is back, its kubelet finishes the deletion and the StatefulSet recreates the pod
    cluster.recover_node("node1")
    cluster.advance(120)
    pod = _pods(cluster)[name]
    assert pod["metadata"]["uid"] != uid and _ready(pod)


def test_failed_pod_is_deleted_and_recreated_under_its_name(cluster):
    _web(cluster)
    cluster.advance(60)
    pod = _pods(cluster)["web-2"]
    uid = pod["metadata"]["uid"]
    pod["status"]["phase"] = "Failed"  # e.g. rejected by its kubelet after a node restart
    cluster.api.update_status(pod)
    cluster.settle()
    assert _events(cluster, "SuccessfulDelete") == ["delete Pod web-2 in StatefulSet web successful"]
    cluster.advance(60)
    pod = _pods(cluster)["web-2"]
    assert pod["metadata"]["uid"] != uid and _ready(pod)


def test_min_ready_seconds_holds_the_next_ordinal(cluster):
    _web(cluster, minReadySeconds=20)
    cluster.advance(30)
    assert sorted(_pods(cluster)) == ["web-0", "web-1"]  # web-1 only after web-0 was Ready for 20 s
    cluster.advance(60)
    pods = _pods(cluster)
    assert sorted(pods) == ["web-0", "web-1", "web-2"]
    for i in (1, 2):
        ready = next(c["lastTransitionTime"] for c in pods[f"web-{i - 1}"]["status"]["conditions"]
                     if c["type"] == "Ready")
        created = pods[f"web-{i}"]["metadata"]["creationTimestamp"]
        assert parse_time(created) - parse_time(ready) >= 20  # (timestamps have whole seconds)
    st = cluster.store.get("StatefulSet", "default", "web")["status"]
    assert st["availableReplicas"] == st["readyReplicas"] == 3
