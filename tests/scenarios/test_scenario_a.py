"""Scenario A of the tutorial seeds: ReplicaSet and Deployment, scaled, rolled out and rolled back.

Driven through the kubectl engine on the virtual clock, with the names, states and columns the
tutorial's author saw on a real kubeadm cluster (examples/README and shared/manifests/README.md).
"""

from __future__ import annotations

import re

from server.sim.store import matches_selector


def pods(cluster, selector=None):
    return cluster.store.scan("Pod", "default", selector=selector)


def active(cluster, selector):
    return [p for p in pods(cluster, selector) if not p["metadata"].get("deletionTimestamp")]


def is_ready(pod) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in (pod.get("status") or {}).get("conditions", []))


def replicasets(cluster):
    return {rs["metadata"]["name"]: rs for rs in cluster.store.scan("ReplicaSet", "default")}


def follow_rollout(cluster, kubectl, command: str, old_name: str) -> list[tuple[int, int]]:
    """Run ``command`` and follow the watch log as ``kubectl get rs -w`` would until the rollout is
    done, asserting at every single change that at most 13 pods exist and at least 8 are ready.
    Returns the distinct (new, old) ReplicaSet sizes seen."""
    since = cluster.store.rv
    out = kubectl(command)
    assert out.endswith(("configured\n", "rolled back\n")), out
    rs_size = {n: rs["spec"]["replicas"] for n, rs in replicasets(cluster).items()}
    rs_size[old_name] = 10
    live = {p["metadata"]["name"]: is_ready(p) for p in active(cluster, {"app": "web"})}
    # the state before the command: everything in the old set
    live = {n: r for n, r in live.items() if n.startswith(old_name + "-")} or live
    seen: list[tuple[int, int]] = []
    for _ in range(300):
        for ev in cluster.store.events_since(since):
            since = ev.rv
            obj, name = ev.obj, ev.obj["metadata"]["name"]
            if obj["kind"] == "ReplicaSet" and ev.type != "DELETED":
                rs_size[name] = obj["spec"]["replicas"]
            elif obj["kind"] == "Pod" and (obj["metadata"].get("labels") or {}).get("app") == "web":
                if ev.type == "DELETED" or obj["metadata"].get("deletionTimestamp"):
                    live.pop(name, None)
                else:
                    live[name] = is_ready(obj)
            else:
                continue
            pair = (sum(v for n, v in rs_size.items() if n != old_name), rs_size[old_name])
            if pair != (0, 10) and (not seen or seen[-1] != pair):
                seen.append(pair)
            assert len(live) <= 13, (ev.type, name, len(live))
            assert sum(live.values()) >= 8, (ev.type, name, sum(live.values()))
        if seen and seen[-1] == (10, 0) and len(live) == 10 and all(live.values()):
            return seen
        cluster.advance(1)
    raise AssertionError(f"rollout did not finish: {seen}")


def test_replicaset_spreads_three_pods_and_delete_removes_them(cluster, kubectl):
    out = kubectl("apply -f seeds/replicaset-web.yml")
    assert out == "replicaset.apps/web-deploy created\n"
    cluster.advance(30)
    listed = kubectl("get pods -o wide")
    names = re.findall(r"^(web-deploy-[bcdfghjklmnpqrstvwxz2456789]{5})\s+1/1\s+Running", listed, re.M)
    assert len(names) == 3, listed
    nodes = sorted(p["spec"]["nodeName"] for p in pods(cluster, {"app": "web"}))
    assert nodes.count("node1") + nodes.count("node2") == 3
    assert sorted([nodes.count("node1"), nodes.count("node2")]) == [1, 2]

    assert kubectl("delete -f seeds/replicaset-web.yml") == 'replicaset.apps "web-deploy" deleted\n'
    cluster.advance(60)
    assert pods(cluster, {"app": "web"}) == []
    assert "No resources found in default namespace." in kubectl("get pods")


def test_deployment_scale_rollout_and_undo(cluster, kubectl):
    assert kubectl("apply -f lessons/step08-deployment1.yml") == "deployment.apps/web-deploy created\n"
    cluster.advance(30)
    (rs1_name,) = replicasets(cluster)
    rs1 = replicasets(cluster)[rs1_name]
    hash1 = rs1["metadata"]["labels"]["pod-template-hash"]
    assert rs1_name == f"web-deploy-{hash1}"
    assert re.fullmatch(r"[bcdfghjklmnpqrstvwxz2456789]{6,10}", hash1)
    for p in pods(cluster, {"app": "web"}):
        assert p["metadata"]["name"].startswith(f"{rs1_name}-")
    everything = kubectl("get all -o wide")
    assert re.search(r"^deployment\.apps/web-deploy\s+3/3\s+3\s+3\s", everything, re.M), everything
    assert re.search(rf"^replicaset\.apps/{rs1_name}\s+3\s+3\s+3\s", everything, re.M), everything
    assert re.search(r"^service/kubernetes\s+ClusterIP\s+10\.96\.0\.1\s", everything, re.M), everything
    assert len(re.findall(rf"^pod/{rs1_name}-\S+\s+1/1\s+Running", everything, re.M)) == 3

    # 10 replicas, same ReplicaSet; then scale to 5
    assert kubectl("apply -f lessons/step08-deployment2.yml") == "deployment.apps/web-deploy configured\n"
    cluster.advance(30)
    assert list(replicasets(cluster)) == [rs1_name]
    assert len(active(cluster, {"app": "web"})) == 10
    assert kubectl("scale --replicas=5 deployment.apps/web-deploy") == "deployment.apps/web-deploy scaled\n"
    cluster.advance(60)
    assert len(pods(cluster, {"app": "web"})) == 5
    described = kubectl("describe deployment web-deploy")
    assert "RollingUpdateStrategy:  25% max unavailable, 25% max surge" in described
    assert f"Scaled up replica set {rs1_name} from 0 to 3" in described
    assert f"Scaled down replica set {rs1_name} from 10 to 5" in described

    # back to 10, then roll nginx:1.16 -> 1.17 and watch the ReplicaSets step
    kubectl("scale --replicas=10 deployment/web-deploy")
    cluster.advance(60)
    seen = follow_rollout(cluster, kubectl, "apply -f lessons/step08-deployment3.yml", rs1_name)
    # the first sync creates the new set at 3 (maxSurge) and takes the old one to 8 (maxUnavailable 2)
    assert (3, 8) in seen[:2] and seen[-1] == (10, 0), seen
    new_pairs = [n for n, _ in seen]
    old_pairs = [o for _, o in seen]
    assert new_pairs == sorted(new_pairs) and old_pairs == sorted(old_pairs, reverse=True)

    history = kubectl("rollout history deployment.apps/web-deploy")
    assert re.findall(r"^(\d+)\s+<none>", history, re.M) == ["1", "2"], history
    assert "nginx:1.17" in kubectl("rollout history deployment.apps/web-deploy --revision=2")

    # undo: the old ReplicaSet scales back up stepwise; revision 1 becomes 3
    (rs2_name,) = [n for n in replicasets(cluster) if n != rs1_name]
    seen = follow_rollout(cluster, kubectl, "rollout undo deployment.apps/web-deploy", rs2_name)
    assert (3, 8) in seen[:2] and seen[-1] == (10, 0), seen
    assert replicasets(cluster)[rs1_name]["spec"]["replicas"] == 10
    history = kubectl("rollout history deployment.apps/web-deploy")
    assert re.findall(r"^(\d+)\s+<none>", history, re.M) == ["2", "3"], history
    images = {p["spec"]["containers"][0]["image"] for p in active(cluster, {"app": "web"})}
    assert images == {"nginx:1.16"}
    assert all(matches_selector(p["metadata"]["labels"], {"pod-template-hash": hash1})
               for p in active(cluster, {"app": "web"}))
