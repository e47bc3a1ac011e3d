"""DaemonSet controller: one pod per eligible node, following nodes as they come and go, rolling
updates node by node, as a user sees it through kubectl and the store (k8s-behavior §8.3)."""

from __future__ import annotations

from server.sim.cluster import Cluster

MANIFEST = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
spec:
  selector:
    matchLabels: {app: node-exporter}
  template:
    metadata:
      labels: {app: node-exporter}
    spec:
      containers:
      - name: exporter
        image: IMAGE
EXTRA"""


def manifest(image: str = "nginx:1.16", extra: str = "") -> str:
    return MANIFEST.replace("IMAGE", image).replace("EXTRA", extra)


def pods(cluster: Cluster, name: str = "node-exporter", ns: str = "default") -> list[dict]:
    ds = cluster.store.get("DaemonSet", ns, name)
    return cluster.store.list("Pod", ns, owner_uid=ds["metadata"]["uid"])


def by_node(cluster: Cluster, name: str = "node-exporter") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in pods(cluster, name):
        if not p["metadata"].get("deletionTimestamp"):
            out.setdefault(p["spec"].get("nodeName") or "", []).append(p["metadata"]["name"])
    return out


def status(cluster: Cluster, name: str = "node-exporter", ns: str = "default") -> dict:
    return cluster.store.get("DaemonSet", ns, name)["status"]


def test_a_users_daemonset_runs_one_pod_per_worker_but_not_on_the_tainted_master(cluster, kubectl) -> None:
    assert kubectl("apply -f -", manifest()) == "daemonset.apps/node-exporter created\n"
    placed = by_node(cluster)
    assert sorted(placed) == ["node1", "node2"] and all(len(v) == 1 for v in placed.values())
    ds = cluster.store.get("DaemonSet", "default", "node-exporter")
    for pod in pods(cluster):
        meta, spec = pod["metadata"], pod["spec"]
        assert meta["name"].startswith("node-exporter-") and len(meta["name"]) == len("node-exporter-") + 5
        ref = meta["ownerReferences"][0]
        assert (ref["kind"], ref["name"], ref["uid"], ref["controller"]) == (
            "DaemonSet", "node-exporter", ds["metadata"]["uid"], True)
        # pinned by the required node affinity, bound by the default scheduler
        terms = spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
        assert terms == [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [spec["nodeName"]]}]}]
        keys = {(t.get("key"), t.get("effect")) for t in spec["tolerations"]}
        assert ("node.kubernetes.io/unschedulable", "NoSchedule") in keys
        unreachable = next(t for t in spec["tolerations"] if t.get("key") == "node.kubernetes.io/unreachable")
        assert "tolerationSeconds" not in unreachable
        assert meta["labels"]["app"] == "node-exporter" and meta["labels"]["controller-revision-hash"]
        assert meta["labels"]["pod-template-generation"] == "1"
    events = kubectl("get events --field-selector involvedObject.kind=DaemonSet")
    created = sorted(p["metadata"]["name"] for p in pods(cluster))
    for name in created:
        assert f"SuccessfulCreate   daemonset/node-exporter   Created pod: {name}" in events
    revisions = cluster.store.list("ControllerRevision", "default")
    assert [r["revision"] for r in revisions] == [1]
    assert revisions[0]["metadata"]["name"] == "node-exporter-" + pods(cluster)[0]["metadata"]["labels"][
        "controller-revision-hash"]

    cluster.advance(30)
    out = kubectl("get ds node-exporter").splitlines()
    assert out[0].split() == ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR",
                              "AGE"]
    assert out[1].split() == ["node-exporter", "2", "2", "2", "2", "2", "<none>", "30s"]
    s = status(cluster)
    assert (s["desiredNumberScheduled"], s["currentNumberScheduled"], s["numberReady"], s["numberAvailable"],
            s["updatedNumberScheduled"], s["numberMisscheduled"], s["observedGeneration"]) == (2, 2, 2, 2, 2, 0, 1)


def test_a_control_plane_toleration_puts_a_pod_on_master_too(cluster, kubectl) -> None:
    tolerate = ("      tolerations:\n"
                "      - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}\n")
    kubectl("apply -f -", manifest(extra=tolerate))
    assert sorted(by_node(cluster)) == ["master", "node1", "node2"]
    assert status(cluster)["desiredNumberScheduled"] == 3


def test_the_labs_daemon_pods_are_the_controllers_own(cluster) -> None:
    for name in ("kube-proxy", "kube-flannel-ds"):
        ds = cluster.store.get("DaemonSet", "kube-system", name)
        owned = cluster.store.list("Pod", "kube-system", owner_uid=ds["metadata"]["uid"])
        assert sorted(p["spec"]["nodeName"] for p in owned) == ["master", "node1", "node2"]
        s = ds["status"]
        assert (s["desiredNumberScheduled"], s["currentNumberScheduled"], s["numberReady"],
                s["updatedNumberScheduled"], s["numberMisscheduled"]) == (3, 3, 3, 3, 0)
        # adopted as they are: the controller created and deleted nothing at boot
        assert not [e for e in cluster.recorder.for_object(ds) if e["reason"] in ("SuccessfulCreate", "SuccessfulDelete")]


def test_a_joining_node_gets_a_pod_and_a_removed_node_stops_counting(cluster, kubectl) -> None:
    kubectl("apply -f -", manifest())
    cluster.advance(30)
    cluster.add_node("node3")
    assert sorted(by_node(cluster)) == ["node1", "node2", "node3"]
    proxy = [p for p in cluster.store.list("Pod", "kube-system", node="node3")]
    assert sorted(p["metadata"]["name"].rsplit("-", 1)[0] for p in proxy) == ["kube-flannel-ds", "kube-proxy"]
    cluster.advance(30)
    assert status(cluster)["numberReady"] == 3
    assert status(cluster, "kube-proxy", "kube-system")["numberReady"] == 4

    cluster.remove_node("node3")
    s = status(cluster)
    assert (s["desiredNumberScheduled"], s["currentNumberScheduled"], s["numberReady"]) == (2, 2, 2)
    assert status(cluster, "kube-proxy", "kube-system")["desiredNumberScheduled"] == 3
    cluster.advance(120)  # PodGC removes the pods of the node that is gone
    assert sorted(by_node(cluster)) == ["node1", "node2"]
    assert cluster.store.list("Pod", "kube-system", node="node3") == []


def test_node_selector_follows_the_node_labels(cluster, kubectl) -> None:
    kubectl("apply -f -", manifest(extra="      nodeSelector: {disk: ssd}\n"))
    assert by_node(cluster) == {}
    assert status(cluster)["desiredNumberScheduled"] == 0
    kubectl("label node node2 disk=ssd")
    assert sorted(by_node(cluster)) == ["node2"]
    cluster.advance(30)
    kubectl("label node node2 disk-")
    assert by_node(cluster) == {}  # deleted (Terminating) once the node stopped qualifying
    assert status(cluster)["desiredNumberScheduled"] == 0
    assert "Deleted pod: node-exporter-" in kubectl("get events --field-selector reason=SuccessfulDelete")


def test_an_unschedulable_pod_for_a_removed_node_is_deleted_by_the_controller(cluster, kubectl) -> None:
    big = ("        resources: {requests: {cpu: '3'}}\n")
    kubectl("apply -f -", manifest(extra="").replace("        image: nginx:1.16\n", "        image: nginx:1.16\n" + big))
    pending = {p["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
               ["nodeSelectorTerms"][0]["matchFields"][0]["values"][0]: p for p in pods(cluster)}
    assert sorted(pending) == ["node1", "node2"]
    assert all(not p["spec"].get("nodeName") for p in pending.values())  # Insufficient cpu
    cluster.remove_node("node2")
    assert [p["metadata"]["name"] for p in pods(cluster)] == [pending["node1"]["metadata"]["name"]]


def test_a_failed_pod_is_replaced(cluster, kubectl) -> None:
    kubectl("apply -f -", manifest())
    cluster.advance(30)
    victim = next(p for p in pods(cluster) if p["spec"]["nodeName"] == "node1")
    victim["status"]["phase"] = "Failed"
    cluster.store.update(victim)
    cluster.settle()
    assert cluster.store.get("Pod", "default", victim["metadata"]["name"]) is None
    placed = by_node(cluster)
    assert sorted(placed) == ["node1", "node2"] and placed["node1"] != [victim["metadata"]["name"]]
    assert (f"Found failed daemon pod default/{victim['metadata']['name']} on node node1, will try to kill it"
            in kubectl("get events --field-selector reason=FailedDaemonPod"))


def test_rolling_update_replaces_one_node_at_a_time(cluster, kubectl) -> None:
    kubectl("apply -f -", manifest(extra="      terminationGracePeriodSeconds: 5\n"))
    cluster.advance(30)
    old = {p["metadata"]["name"] for p in pods(cluster)}
    kubectl("apply -f -", manifest("nginx:1.17", extra="      terminationGracePeriodSeconds: 5\n"))
    new_hash = None
    # sample every second: never more than maxUnavailable (1) of the 2 nodes without a ready pod
    for _ in range(120):
        ready = [p for p in pods(cluster) if not p["metadata"].get("deletionTimestamp")
                 and any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions") or [])]
        assert len({p["spec"]["nodeName"] for p in ready}) >= 1
        if len(ready) == 2 and not {p["metadata"]["name"] for p in ready} & old:
            new_hash = {p["metadata"]["labels"]["controller-revision-hash"] for p in ready}
            break
        cluster.advance(1)
    assert new_hash is not None and len(new_hash) == 1
    assert {p["spec"]["containers"][0]["image"] for p in pods(cluster)} == {"nginx:1.17"}
    # node by node: delete an old pod, create its replacement, and only then the next one
    events = cluster.recorder.for_object(cluster.store.get("DaemonSet", "default", "node-exporter"))
    update = [e["reason"] for e in events][2:]
    assert update == ["SuccessfulDelete", "SuccessfulCreate", "SuccessfulDelete", "SuccessfulCreate"]
    s = status(cluster)
    assert (s["updatedNumberScheduled"], s["numberAvailable"], s["observedGeneration"]) == (2, 2, 2)
    # the apiserver counts template changes; the controller labels the pods with it
    ds = cluster.store.get("DaemonSet", "default", "node-exporter")
    assert ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2"
    assert {p["metadata"]["labels"]["pod-template-generation"] for p in pods(cluster)} == {"2"}
    assert [r["revision"] for r in sorted(cluster.store.list("ControllerRevision", "default"),
                                          key=lambda r: r["revision"])] == [1, 2]


def test_on_delete_waits_for_the_user(cluster, kubectl) -> None:
    on_delete = "  updateStrategy: {type: OnDelete}\n"
    kubectl("apply -f -", manifest().replace("  template:\n", on_delete + "  template:\n", 1))
    cluster.advance(30)
    kubectl("apply -f -", manifest("nginx:1.17").replace("  template:\n", on_delete + "  template:\n", 1))
    cluster.advance(60)
    assert {p["spec"]["containers"][0]["image"] for p in pods(cluster)} == {"nginx:1.16"}
    assert status(cluster).get("updatedNumberScheduled", 0) == 0
    victim = next(p["metadata"]["name"] for p in pods(cluster) if p["spec"]["nodeName"] == "node1")
    kubectl(f"delete pod {victim}")
    cluster.advance(60)
    images = {p["spec"]["nodeName"]: p["spec"]["containers"][0]["image"] for p in pods(cluster)}
    assert images == {"node1": "nginx:1.17", "node2": "nginx:1.16"}
    assert status(cluster)["updatedNumberScheduled"] == 1
