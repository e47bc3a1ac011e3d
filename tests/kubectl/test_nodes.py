"""kubectl cordon, uncordon and drain."""

from __future__ import annotations


def pod(cluster, name, node, owner=None, volumes=None, ns="default"):
    meta = {"name": name, "namespace": ns, "labels": {"x": owner["name"]} if owner else {}}
    if owner is not None:
        meta["ownerReferences"] = [owner]
    spec = {"nodeName": node, "containers": [{"name": "c", "image": "nginx"}]}
    if volumes:
        spec["volumes"] = volumes
    return cluster.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})


def owner_of(cluster, kind, name, ns="default", replicas=0):
    group = "apps/v1"
    obj = cluster.store.peek(kind, ns, name) or cluster.store.create({
        "apiVersion": group, "kind": kind, "metadata": {"name": name, "namespace": ns},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"x": name}},
                 "template": {"metadata": {"labels": {"x": name}},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    return {"apiVersion": group, "kind": kind, "name": name, "uid": obj["metadata"]["uid"], "controller": True}


def test_cordon_and_uncordon(cluster, kubectl):
    assert kubectl("cordon node1") == "node/node1 cordoned\n"
    assert cluster.store.get("Node", "", "node1")["spec"]["unschedulable"] is True
    assert kubectl("cordon node1") == "node/node1 already cordoned\n"
    assert kubectl("uncordon node1") == "node/node1 uncordoned\n"
    assert not cluster.store.get("Node", "", "node1")["spec"].get("unschedulable")
    assert kubectl("uncordon node1") == "node/node1 already uncordoned\n"
    assert kubectl("cordon nope", rc=1) == 'Error from server (NotFound): nodes "nope" not found\n'
    assert kubectl("cordon", rc=1).startswith("error: USAGE: cordon NODE [flags]")


def test_drain_refuses_unmanaged_and_daemonset_pods(cluster, kubectl):
    node = "node2"
    for p in cluster.store.list("Pod", None, node=node):
        cluster.store.remove("Pod", p["metadata"]["namespace"], p["metadata"]["name"])
    pod(cluster, "test1", node)
    pod(cluster, "proxy-x", node, owner_of(cluster, "DaemonSet", "proxy"))
    out = kubectl(f"drain {node}", rc=1)
    assert out == (
        f"node/{node} cordoned\n"
        f'error: unable to drain node "{node}" due to error: [cannot delete DaemonSet-managed Pods (use '
        "--ignore-daemonsets to ignore): default/proxy-x, cannot delete cannot delete Pods that declare no "
        "controller (use --force to override): default/test1], continuing command...\n"
        "There are pending nodes to be drained:\n"
        f" {node}\n"
        "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/proxy-x\n"
        "cannot delete cannot delete Pods that declare no controller (use --force to override): default/test1\n")
    assert cluster.store.get("Pod", "default", "test1") is not None


def test_drain_evicts_and_waits_for_the_pods_to_go(cluster, kubectl):
    node = "node1"
    for p in cluster.store.list("Pod", None, node=node):
        cluster.store.remove("Pod", p["metadata"]["namespace"], p["metadata"]["name"])
    rs = owner_of(cluster, "ReplicaSet", "web-rs", replicas=2)
    pod(cluster, "web-rs-a", node, rs)
    pod(cluster, "cache", node, rs, volumes=[{"name": "tmp", "emptyDir": {}}])
    refused = kubectl(f"drain {node} --ignore-daemonsets", rc=1)
    assert "cannot delete Pods with local storage (use --delete-emptydir-data to override): default/cache" in refused
    # the DaemonSet controller has put the node's kube-proxy and flannel pods back (cordoned or not)
    daemon = [f"kube-system/{p['metadata']['name']}" for p in cluster.store.scan("Pod", "kube-system", node=node)]
    assert sorted(d.split("/")[1].rsplit("-", 1)[0] for d in daemon) == ["kube-flannel-ds", "kube-proxy"]
    out = kubectl(f"drain {node} --ignore-daemonsets --delete-emptydir-data --timeout=90s", rc=None)
    lines = out.splitlines()
    assert lines[0] == f"node/{node} already cordoned"
    assert lines[1] == "Warning: ignoring DaemonSet-managed Pods: " + ", ".join(sorted(daemon))
    assert lines[2:4] == ["evicting pod default/cache", "evicting pod default/web-rs-a"]
    assert cluster.store.get("Pod", "default", "web-rs-a") is None  # evicted, and gone once the kubelet stopped it
    assert sorted(lines[4:6]) == ["pod/cache evicted", "pod/web-rs-a evicted"]
    assert lines[6] == f"node/{node} drained"
    assert all(cluster.store.get("Pod", *d.split("/")) is not None for d in daemon)


def test_drain_dry_run_changes_nothing(cluster, kubectl):
    rs = owner_of(cluster, "ReplicaSet", "web-rs", replicas=1)
    pod(cluster, "web-rs-b", "node2", rs)
    out = kubectl("drain node2 --dry-run=client --ignore-daemonsets --force --delete-emptydir-data")
    assert out.startswith("node/node2 cordoned (dry run)\n")
    assert "evicting pod default/web-rs-b (dry run)\n" in out
    assert out.endswith("node/node2 drained (dry run)\n")
    assert not cluster.store.get("Node", "", "node2")["spec"].get("unschedulable")
    assert cluster.store.get("Pod", "default", "web-rs-b")["metadata"].get("deletionTimestamp") is None
