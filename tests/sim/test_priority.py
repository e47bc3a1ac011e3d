"""PriorityClass: the system classes the apiserver creates, the Priority plugin's resolution of a pod's
priority, the one globalDefault, and the class's validation."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim.api import ApiError
from server.sim.cluster import Cluster


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=1)


def _class(c: Cluster, name: str, value: int, **fields) -> dict:
    return c.api.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
                         "value": value, **fields})


def _pod(name: str, **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec}}


def test_the_system_classes(cluster):
    table = run(cluster, "kubectl get priorityclass").output.splitlines()
    assert table[0].split() == ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"]
    assert [line.split()[:3] + line.split()[4:] for line in table[1:]] == [
        ["system-cluster-critical", "2000000000", "false", "PreemptLowerPriority"],
        ["system-node-critical", "2000001000", "false", "PreemptLowerPriority"]]
    node = cluster.store.get("PriorityClass", "", "system-node-critical")
    assert node["description"] == "Used for system critical pods that must not be moved from their current node."


def test_a_pod_takes_its_classs_value_and_policy(cluster):
    _class(cluster, "high", 1000, preemptionPolicy="Never")
    pod = cluster.api.create(_pod("p", priorityClassName="high"))
    assert (pod["spec"]["priority"], pod["spec"]["preemptionPolicy"]) == (1000, "Never")
    plain = cluster.api.create(_pod("plain"))
    assert (plain["spec"]["priority"], "priorityClassName" in plain["spec"]) == (0, False)


def test_an_unknown_class_is_forbidden(cluster):
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("p", priorityClassName="gold"))
    assert (e.value.code, e.value.message) == (403, 'pods "p" is forbidden: no PriorityClass with name gold was found')


def test_a_stated_priority_must_match_the_class(cluster):
    _class(cluster, "high", 1000)
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("p", priorityClassName="high", priority=5))
    assert e.value.message == ('pods "p" is forbidden: the integer value of priority (5) must not be provided in pod '
                               "spec; priority admission controller computed 1000 from the given PriorityClass name")


def test_the_global_default_class_names_pods_without_one(cluster):
    _class(cluster, "normal", 100, globalDefault=True)
    pod = cluster.api.create(_pod("p"))
    assert (pod["spec"]["priorityClassName"], pod["spec"]["priority"]) == ("normal", 100)
    with pytest.raises(ApiError) as e:
        _class(cluster, "other", 5, globalDefault=True)
    assert e.value.message == ('priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass normal is '
                               "marked as default. Only one default can exist")


def test_kube_system_pods_keep_their_critical_priority(cluster):
    pods = cluster.store.list("Pod", "kube-system")
    coredns = [p for p in pods if p["metadata"]["name"].startswith("coredns-")]
    assert coredns and all(p["spec"]["priority"] == 2000000000 for p in coredns)


def test_class_validation(cluster):
    with pytest.raises(ApiError) as e:
        _class(cluster, "system-mine", 10)
    assert e.value.message == ('PriorityClass.scheduling.k8s.io "system-mine" is invalid: metadata.name: Forbidden: '
                               "priority class names with 'system-' prefix are reserved for system use only. error: "
                               "system-mine is not a known system priority class")
    with pytest.raises(ApiError) as e:
        _class(cluster, "huge", 1000000001)
    assert e.value.message == ('PriorityClass.scheduling.k8s.io "huge" is invalid: value: Forbidden: maximum allowed '
                               "value of a user defined priority is 1000000000")
    stored = _class(cluster, "fine", 10)
    assert stored["preemptionPolicy"] == "PreemptLowerPriority"
    changed = dict(stored, value=11)
    with pytest.raises(ApiError) as e:
        cluster.api.replace(changed)
    assert e.value.message == ('PriorityClass.scheduling.k8s.io "fine" is invalid: value: Forbidden: may not be '
                               "changed in an update.")


def test_create_priorityclass_prints_what_a_cluster_answers(cluster):
    assert run(cluster, "kubectl create priorityclass high-priority --value=1000 --description=high").output == \
        "priorityclass.scheduling.k8s.io/high-priority created\n"
    described = run(cluster, "kubectl describe priorityclass high-priority").output
    assert described.startswith("Name:              high-priority\nValue:             1000\n"
                                "GlobalDefault:     false\nPreemptionPolicy:  PreemptLowerPriority\n"
                                "Description:       high\n")
