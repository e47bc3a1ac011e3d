"""``kubectl get`` as a user sees it: exact tables, AGE, selectors, namespaces, encodings, errors.

Pods are bound to a node no machine backs (``ghost``) and their status is written directly, so
the text depends only on what these tests set and on the virtual clock.
"""

from __future__ import annotations

import json

import pytest
import yaml

from server.sim.cluster import Cluster


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(seed=1, empty=True)
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}})
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    return c


def running_pod(cluster: Cluster, name: str, labels: dict, namespace: str = "default", ip: str = "10.244.1.5",
                restarts: int = 0) -> None:
    cluster.api.create({"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": name, "namespace": namespace, "labels": labels},
                        "spec": {"nodeName": "ghost", "containers": [{"name": "nginx", "image": "nginx:1.16"}]}})
    pod = cluster.store.get("Pod", namespace, name)
    state = {"running": {"startedAt": cluster.clock.iso()}}
    pod["status"] = {
        "phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": "192.168.56.11",
        "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": cluster.clock.iso()}],
        "containerStatuses": [{"name": "nginx", "image": "nginx:1.16", "ready": True, "started": True,
                               "restartCount": restarts, "state": state}],
    }
    cluster.store.update(pod)


def test_pods_table_with_age(cluster, kubectl):
    running_pod(cluster, "web-1", {"app": "web"})
    cluster.advance(60)
    running_pod(cluster, "db-1", {"app": "db"})
    cluster.advance(5)
    assert kubectl("get pods") == (
        "NAME    READY   STATUS    RESTARTS   AGE\n"
        "db-1    1/1     Running   0          5s\n"
        "web-1   1/1     Running   0          65s\n"
    )
    cluster.advance(4 * 86400 + 20 * 3600)
    # without the header row the columns are only as wide as the cells need (minimum 6)
    assert kubectl("get po web-1 --no-headers") == "web-1   1/1   Running   0     4d20h\n"


def test_wide_adds_ip_node_nominated_node_and_readiness_gates(cluster, kubectl):
    running_pod(cluster, "web-1", {"app": "web"})
    assert kubectl("get pods -o wide") == (
        "NAME    READY   STATUS    RESTARTS   AGE   IP           NODE    NOMINATED NODE   READINESS GATES\n"
        "web-1   1/1     Running   0          0s    10.244.1.5   ghost   <none>           <none>\n"
    )


def test_label_selectors(cluster, kubectl):
    running_pod(cluster, "web-1", {"app": "web", "tier": "front"})
    running_pod(cluster, "web-2", {"app": "web"})
    running_pod(cluster, "db-1", {"app": "db"})
    names = lambda sel: kubectl(f"get pods -o name -l '{sel}'").split()  # noqa: E731
    assert names("app=web") == ["pod/web-1", "pod/web-2"]
    assert names("app!=web") == ["pod/db-1"]
    assert names("app in (db,cache)") == ["pod/db-1"]
    assert names("app notin (db)") == ["pod/web-1", "pod/web-2"]
    assert names("tier") == ["pod/web-1"]
    assert names("!tier") == ["pod/db-1", "pod/web-2"]
    assert names("app=web,!tier") == ["pod/web-2"]


def test_namespaces_and_all_namespaces(cluster, kubectl):
    running_pod(cluster, "web-1", {"app": "web"})
    running_pod(cluster, "cart-1", {"app": "cart"}, namespace="shop")
    assert kubectl("get pods -n shop -o name") == "pod/cart-1\n"
    assert kubectl("get pods -A") == (
        "NAMESPACE   NAME     READY   STATUS    RESTARTS   AGE\n"
        "default     web-1    1/1     Running   0          0s\n"
        "shop        cart-1   1/1     Running   0          0s\n"
    )


def test_show_labels(cluster, kubectl):
    running_pod(cluster, "web-1", {"app": "web", "tier": "front"})
    assert kubectl("get pods --show-labels") == (
        "NAME    READY   STATUS    RESTARTS   AGE   LABELS\n"
        "web-1   1/1     Running   0          0s    app=web,tier=front\n"
    )


def test_nothing_found_and_not_found(cluster, kubectl):
    assert kubectl("get pods") == "No resources found in default namespace.\n"
    assert kubectl("get pods -n shop") == "No resources found in shop namespace.\n"
    assert kubectl("get pods -A") == "No resources found\n"
    assert kubectl("get pods nope", rc=1) == 'Error from server (NotFound): pods "nope" not found\n'
    assert kubectl("get deploy nope", rc=1) == 'Error from server (NotFound): deployments.apps "nope" not found\n'
    running_pod(cluster, "web-1", {"app": "web"})
    out = kubectl("get pods web-1 nope", rc=1)
    assert out.splitlines()[1].startswith("web-1 ")
    assert out.splitlines()[2] == 'Error from server (NotFound): pods "nope" not found'
    assert kubectl("get pods nope --ignore-not-found") == ""


def test_unknown_type_and_missing_type(kubectl):
    assert kubectl("get foo", rc=1) == 'error: the server doesn\'t have a resource type "foo"\n'
    assert kubectl("get", rc=1).startswith("You must specify the type of resource to get.")
    assert "unable to match a printer" in kubectl("get pods -o bogus", rc=1)


def test_yaml_and_json_are_the_stored_object(cluster, kubectl):
    running_pod(cluster, "web-1", {"app": "web"})
    stored = cluster.store.get("Pod", "default", "web-1")
    assert yaml.safe_load(kubectl("get pod web-1 -o yaml")) == stored
    assert json.loads(kubectl("get pod/web-1 -o json")) == stored
    listed = yaml.safe_load(kubectl("get pods -o yaml"))
    assert listed["kind"] == "List" and listed["items"] == [stored]


def test_name_output_uses_kind_and_group(cluster, kubectl):
    _deployment(cluster, "web")
    assert kubectl("get deployment.apps/web -o name") == "deployment.apps/web\n"
    assert kubectl("get deploy -o name") == "deployment.apps/web\n"


def _deployment(cluster: Cluster, name: str) -> None:
    cluster.api.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
                        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": name}},
                                 "template": {"metadata": {"labels": {"app": name}},
                                              "spec": {"containers": [{"name": "nginx", "image": "nginx:1.16"}]}}}})


def test_deployment_columns_and_wide(cluster, kubectl):
    _deployment(cluster, "web")
    d = cluster.store.get("Deployment", "default", "web")
    d["status"] = {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}
    cluster.store.update(d)
    assert kubectl("get deploy web -o wide") == (
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR\n"
        "web    2/3     3            2           0s    nginx        nginx:1.16   app=web\n"
    )


def test_several_kinds_print_one_block_each_with_kind_prefixes(cluster, kubectl):
    running_pod(cluster, "web-1", {"app": "web"})
    _deployment(cluster, "web")
    cluster.settle()
    out = kubectl("get all")
    blocks = out.split("\n\n")
    assert [b.splitlines()[0].split()[0] for b in blocks] == ["NAME"] * len(blocks)
    firsts = [b.splitlines()[1].split()[0] for b in blocks]
    # kubectl's "all" order: pods, services, daemonsets, deployments, replicasets, ...
    expected = ["pod/web-1", "deployment.apps/web"]
    expected += [f"replicaset.apps/{rs['metadata']['name']}" for rs in cluster.store.list("ReplicaSet", "default")]
    assert firsts == expected
    # one type asked for: no prefix
    assert kubectl("get deploy").splitlines()[1].startswith("web ")
    assert kubectl("get deploy,po").splitlines()[1].startswith("deployment.apps/web ")


def test_events_table(cluster, kubectl):
    running_pod(cluster, "web-1", {"app": "web"})
    pod = cluster.store.get("Pod", "default", "web-1")
    cluster.recorder.event(pod, "Normal", "Pulled", 'Container image "nginx:1.16" already present on machine',
                           "kubelet", "ghost")
    cluster.advance(30)
    cluster.recorder.event(pod, "Warning", "Unhealthy", "Readiness probe failed", "kubelet", "ghost")
    cluster.advance(10)
    assert kubectl("get ev") == (
        "LAST SEEN   TYPE      REASON      OBJECT      MESSAGE\n"
        '40s         Normal    Pulled      pod/web-1   Container image "nginx:1.16" already present on machine\n'
        "10s         Warning   Unhealthy   pod/web-1   Readiness probe failed\n"
    )


def test_watch_answers_the_initial_table(cluster, kubectl):
    running_pod(cluster, "web-1", {"app": "web"})
    assert kubectl("get pods -w") == kubectl("get pods")
