"""``kubectl describe`` layouts, ``api-resources`` and ``cluster-info``."""

from __future__ import annotations

import pytest

from server.sim.cluster import Cluster


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(seed=1, empty=True)
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}})
    return c


def _pod(cluster: Cluster, name: str = "web-1") -> dict:
    cluster.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "web"}},
                        "spec": {"nodeName": "ghost", "containers": [
                            {"name": "nginx", "image": "nginx:1.16", "ports": [{"containerPort": 80}]}]}})
    pod = cluster.store.get("Pod", "default", name)
    pod["status"] = {
        "phase": "Running", "podIP": "10.244.1.5", "podIPs": [{"ip": "10.244.1.5"}], "hostIP": "192.168.56.11",
        "startTime": "2025-03-03T13:00:00Z", "qosClass": "BestEffort",
        "conditions": [{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
        "containerStatuses": [{"name": "nginx", "image": "nginx:1.16", "imageID": "docker.io/library/nginx@sha256:1",
                               "containerID": "containerd://abc", "ready": True, "restartCount": 1,
                               "state": {"running": {"startedAt": "2025-03-03T13:00:02Z"}},
                               "lastState": {"terminated": {"exitCode": 137, "reason": "Error",
                                                            "startedAt": "2025-03-03T13:00:01Z",
                                                            "finishedAt": "2025-03-03T13:00:01Z"}}}],
    }
    return cluster.store.update(pod)


def test_describe_pod(cluster, kubectl):
    pod = _pod(cluster)
    cluster.recorder.event(pod, "Warning", "BackOff", "Back-off restarting failed container nginx", "kubelet", "ghost")
    cluster.advance(20)
    cluster.recorder.event(pod, "Warning", "BackOff", "Back-off restarting failed container nginx", "kubelet", "ghost")
    cluster.advance(10)
    out = kubectl("describe pod web-1")
    tolerations = "\n".join(line for line in out.splitlines() if "NoExecute" in line)
    assert out.startswith(
        "Name:             web-1\n"
        "Namespace:        default\n"
    )
    assert (
        "Node:             ghost/192.168.56.11\n"
        "Start Time:       Mon, 03 Mar 2025 13:00:00 +0000\n"
        "Labels:           app=web\n"
        "Annotations:      <none>\n"
        "Status:           Running\n"
        "IP:               10.244.1.5\n"
        "IPs:\n"
        "  IP:  10.244.1.5\n"
        "Containers:\n"
        "  nginx:\n"
        "    Container ID:   containerd://abc\n"
        "    Image:          nginx:1.16\n"
        "    Image ID:       docker.io/library/nginx@sha256:1\n"
        "    Port:           80/TCP\n"
        "    Host Port:      0/TCP\n"
        "    State:          Running\n"
        "      Started:      Mon, 03 Mar 2025 13:00:02 +0000\n"
        "    Last State:     Terminated\n"
        "      Reason:       Error\n"
        "      Exit Code:    137\n"
        "      Started:      Mon, 03 Mar 2025 13:00:01 +0000\n"
        "      Finished:     Mon, 03 Mar 2025 13:00:01 +0000\n"
        "    Ready:          True\n"
        "    Restart Count:  1\n"
    ) in out
    assert (
        "Conditions:\n"
        "  Type           Status\n"
        "  Ready          True \n"
        "  PodScheduled   True \n"
    ) in out
    # the DefaultTolerationSeconds admission plugin adds the two 300 s tolerations
    # (the section's width is the kube-api-access volume's TokenExpirationSeconds: line's)
    assert tolerations == ("Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
                           "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s")
    assert out.endswith(
        "Events:\n"
        "  Type     Reason   Age                From     Message\n"
        "  ----     ------   ----               ----     -------\n"
        "  Warning  BackOff  10s (x2 over 30s)  kubelet  Back-off restarting failed container nginx\n"
    )


def test_describe_deployment(cluster, kubectl):
    cluster.api.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                                 "template": {"metadata": {"labels": {"app": "web"}},
                                              "spec": {"containers": [{"name": "nginx", "image": "nginx:1.16"}]}}}})
    cluster.settle()
    out = kubectl("describe deployment web")
    # just created: the ReplicaSet and its pods exist, none of them is available yet
    assert "Replicas:               3 desired | 3 updated | 3 total | 0 available | 3 unavailable\n" in out
    assert "StrategyType:           RollingUpdate\n" in out
    assert "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n" in out
    assert (
        "Pod Template:\n"
        "  Labels:  app=web\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:         nginx:1.16\n"
    ) in out
    # the Type column block runs on into OldReplicaSets:/NewReplicaSet:, so it is 15 + 2 wide
    (rs,) = cluster.store.list("ReplicaSet", "default")
    assert (
        "Conditions:\n"
        "  Type           Status  Reason\n"
        "  ----           ------  ------\n"
        "  Available      False   MinimumReplicasUnavailable\n"
        "  Progressing    True    ReplicaSetUpdated\n"
        "OldReplicaSets:  <none>\n"
        f"NewReplicaSet:   {rs['metadata']['name']} (3/3 replicas created)\n"
    ) in out


def test_describe_replicaset_counts_pods_by_phase(cluster, kubectl):
    cluster.api.create({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"},
                        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "x"}},
                                 "template": {"metadata": {"labels": {"app": "x"}},
                                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    out = kubectl("describe rs rs")
    assert "Replicas:     0 current / 0 desired\n" in out
    assert "Pods Status:  0 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" in out


def test_describe_matches_name_prefixes_and_reports_not_found(cluster, kubectl):
    _pod(cluster, "web-1")
    _pod(cluster, "web-2")
    out = kubectl("describe pod web")
    assert out.count("Name:             web-") == 2
    # DescribeMatchingResources prints each match as "%s\n": one blank line between them
    assert "\nEvents:                      <none>\n\nName:             web-2" in out and out.endswith("<none>\n\n")
    assert kubectl("describe pod zzz", rc=1) == 'Error from server (NotFound): pods "zzz" not found\n'
    assert kubectl("describe", rc=1).startswith("error: You must specify the type of resource to describe.")


def test_describe_namespace(cluster, kubectl):
    out = kubectl("describe ns default")
    assert out.startswith("Name:         default\n")
    assert out.endswith("\nNo resource quota.\n\nNo LimitRange resource.\n")


def test_api_resources_sorted_by_group_then_name(kubectl):
    lines = kubectl("api-resources").splitlines()
    assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert lines[1].split() == ["configmaps", "cm", "v1", "true", "ConfigMap"]
    rows = [line.split() for line in lines[1:]]
    deploy = next(r for r in rows if r[0] == "deployments")
    assert deploy == ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    assert [r[0] for r in rows].index("pods") < [r[0] for r in rows].index("deployments")
    assert "deployments.apps" in kubectl("api-resources -o name").split()
    assert all(r[-2] == "false" for r in (line.split() for line in kubectl("api-resources --namespaced=false "
                                                                             "--no-headers").splitlines()))


def test_cluster_info(kubectl):
    out = kubectl("cluster-info")
    assert out.startswith("Kubernetes control plane is running at https://192.168.56.10:6443\n")
    assert out.endswith("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")


def test_cluster_info_lists_coredns_on_the_default_cluster():
    from server.kubectl import run

    out = run(Cluster(seed=7), "kubectl cluster-info").output
    assert out == ("Kubernetes control plane is running at https://192.168.56.10:6443\n"
                   "CoreDNS is running at https://192.168.56.10:6443/api/v1/namespaces/kube-system/services/"
                   "kube-dns:dns/proxy\n\n"
                   "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")
