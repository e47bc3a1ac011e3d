"""ResourceQuota: the controller's status (hard, used kept from each object's charge) and the
admission plugin's refusals, in the apiserver's words."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim.api import ApiError
from server.sim.cluster import Cluster
from server.sim.controllers.resourcequota import usage


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(seed=1)
    run(c, "kubectl create namespace q")
    return c


def _quota(c: Cluster, hard: dict, name: str = "quota", **spec) -> None:
    c.api.create({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name, "namespace": "q"},
                  "spec": {"hard": hard, **spec}})
    c.settle()


def _pod(name: str, requests: dict | None = None, limits: dict | None = None, **spec) -> dict:
    resources = {k: v for k, v in (("requests", requests), ("limits", limits)) if v}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "q"},
            "spec": {"containers": [{"name": name, "image": "nginx", "resources": resources}], **spec}}


def _status(c: Cluster, name: str = "quota") -> dict:
    return c.store.get("ResourceQuota", "q", name)["status"]


def test_status_starts_with_hard_and_zero_used(cluster):
    _quota(cluster, {"pods": "2", "requests.memory": "1Gi", "count/deployments.apps": "1"})
    assert _status(cluster) == {"hard": {"count/deployments.apps": "1", "pods": "2", "requests.memory": "1Gi"},
                                "used": {"count/deployments.apps": "0", "pods": "0", "requests.memory": "0"}}


def test_used_follows_creates_and_deletes(cluster):
    _quota(cluster, {"pods": "5", "requests.cpu": "2", "limits.memory": "2Gi", "configmaps": "5"})
    cluster.api.create(_pod("a", {"cpu": "400m"}, {"memory": "800Mi"}))
    cluster.api.create(_pod("b", {"cpu": "600m"}, {"memory": "200Mi"}))
    run(cluster, "kubectl create configmap c --from-literal=x=y -n q")
    cluster.settle()
    assert _status(cluster)["used"] == {"configmaps": "2", "limits.memory": "1000Mi", "pods": "2", "requests.cpu": "1"}
    cluster.api.delete("Pod", "q", "a", grace_period=0)
    cluster.settle()
    assert _status(cluster)["used"] == {"configmaps": "2", "limits.memory": "200Mi", "pods": "1",
                                        "requests.cpu": "600m"}


def test_a_quota_created_later_counts_what_is_there(cluster):
    cluster.api.create(_pod("a", {"memory": "100Mi"}))
    run(cluster, "kubectl create deployment web --image=nginx -n q")
    cluster.settle()
    _quota(cluster, {"pods": "10", "requests.memory": "1Gi", "count/deployments.apps": "3"})
    assert _status(cluster)["used"] == {"count/deployments.apps": "1", "pods": "2", "requests.memory": "100Mi"}


def test_exceeding_a_quota_is_forbidden_in_the_plugins_words(cluster):
    _quota(cluster, {"requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi"},
           name="mem-cpu-demo")
    cluster.api.create(_pod("one", {"memory": "600Mi", "cpu": "400m"}, {"memory": "800Mi", "cpu": "800m"}))
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("two", {"memory": "700Mi", "cpu": "400m"}, {"memory": "1Gi", "cpu": "800m"}))
    assert e.value.code == 403 and e.value.reason == "Forbidden"
    assert e.value.message == ('pods "two" is forbidden: exceeded quota: mem-cpu-demo, requested: '
                               "requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi")
    assert cluster.store.get("Pod", "q", "two") is None


def test_several_exceeded_resources_are_listed_sorted(cluster):
    _quota(cluster, {"pods": "1", "requests.cpu": "1"})
    cluster.api.create(_pod("one", {"cpu": "1"}))
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("two", {"cpu": "1"}))
    assert e.value.message.endswith("exceeded quota: quota, requested: pods=1,requests.cpu=1, used: "
                                    "pods=1,requests.cpu=1, limited: pods=1,requests.cpu=1")


def test_a_quota_on_cpu_and_memory_needs_every_container_to_state_them(cluster):
    _quota(cluster, {"requests.cpu": "1", "limits.memory": "1Gi"})
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("bare"))
    assert e.value.message == ('pods "bare" is forbidden: failed quota: quota: must specify limits.memory for: '
                               "bare; must specify requests.cpu for: bare")


def test_a_replica_set_meets_the_quota_with_its_generated_names(cluster):
    _quota(cluster, {"pods": "2"})
    run(cluster, "kubectl create deployment web --image=nginx --replicas=3 -n q")
    cluster.advance(5)
    assert len(cluster.store.list("Pod", "q")) == 2
    rs = cluster.store.list("ReplicaSet", "q")[0]
    events = [ev["message"] for ev in cluster.store.list("Event", "q") if ev["reason"] == "FailedCreate"]
    prefix = rs["metadata"]["name"] + "-"
    assert f'Error creating: pods "{prefix}" is forbidden: exceeded quota: quota, requested: pods=1, used: pods=2, ' \
           "limited: pods=2" in events
    assert _status(cluster)["used"] == {"pods": "2"}


def test_node_ports_and_load_balancers_are_counted(cluster):
    _quota(cluster, {"services": "5", "services.nodeports": "1", "services.loadbalancers": "0"})
    run(cluster, "kubectl create service nodeport web --tcp=80:80 -n q")
    cluster.settle()
    assert _status(cluster)["used"] == {"services": "1", "services.loadbalancers": "0", "services.nodeports": "1"}
    refused = run(cluster, "kubectl create service loadbalancer lb --tcp=80:80 -n q")
    assert "exceeded quota: quota, requested: services.loadbalancers=1,services.nodeports=1" in refused.output


def test_scoped_quotas_charge_only_their_pods(cluster):
    _quota(cluster, {"pods": "1"}, name="besteffort", scopes=["BestEffort"])
    _quota(cluster, {"pods": "5"}, name="burstable", scopes=["NotBestEffort"])
    cluster.api.create(_pod("free"))
    cluster.api.create(_pod("paid", {"cpu": "100m"}))
    cluster.api.create(_pod("paid2", {"cpu": "100m"}))
    cluster.settle()
    assert _status(cluster, "besteffort")["used"] == {"pods": "1"}
    assert _status(cluster, "burstable")["used"] == {"pods": "2"}
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("free2"))
    assert "exceeded quota: besteffort" in e.value.message


def test_terminal_pods_are_not_charged():
    pod = _pod("done", {"cpu": "1"})
    assert usage(pod)["requests.cpu"].milli_value() == 1000
    pod["status"] = {"phase": "Succeeded"}
    assert usage(pod) == {}


def test_quota_validation_in_the_apiservers_words(cluster):
    with pytest.raises(ApiError) as e:
        cluster.api.create({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "bad", "namespace": "q"},
                            "spec": {"hard": {"foo": "1", "pods": "-1", "secrets": "1500m"}}})
    assert e.value.code == 422
    assert e.value.message == (
        'ResourceQuota "bad" is invalid: [spec.hard[foo]: Invalid value: "foo": must be a standard resource type or '
        'fully qualified, spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0, '
        "spec.hard[secrets]: Invalid value: resource.Quantity{i:resource.int64Amount{value:1500, scale:-3}, "
        'd:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"1500m", Format:"DecimalSI"}: must be an integer]')
    with pytest.raises(ApiError) as e:
        cluster.api.create({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "bad", "namespace": "q"},
                            "spec": {"hard": {"pods": "1"}, "scopes": ["BestEffort", "NotBestEffort"]}})
    assert e.value.message == ('ResourceQuota "bad" is invalid: spec.scopes: Invalid value: '
                               '[]core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: conflicting scopes')


def test_get_and_describe_quota(cluster):
    _quota(cluster, {"pods": "4", "requests.cpu": "1", "limits.memory": "1Gi"})
    cluster.api.create(_pod("a", {"cpu": "250m"}, {"memory": "256Mi"}))
    cluster.settle()
    table = run(cluster, "kubectl get quota -n q").output.splitlines()
    assert table[0].split() == ["NAME", "AGE", "REQUEST", "LIMIT"]
    assert table[1].split(None, 2)[2].split("   ") == ["pods: 1/4, requests.cpu: 250m/1", "limits.memory: 256Mi/1Gi"]
    described = run(cluster, "kubectl describe quota quota -n q").output
    assert "limits.memory  256Mi  1Gi\npods           1      4\nrequests.cpu   250m   1\n" in described


def test_an_update_that_charges_more_is_checked_too(cluster):
    _quota(cluster, {"services.nodeports": "0"})
    run(cluster, "kubectl create service clusterip web --tcp=80:80 -n q")
    refused = run(cluster, "kubectl patch svc web -n q -p '{\"spec\":{\"type\":\"NodePort\"}}'")
    assert refused.output == ('Error from server (Forbidden): services "web" is forbidden: exceeded quota: quota, '
                              "requested: services.nodeports=1, used: services.nodeports=0, limited: "
                              "services.nodeports=0\n")
    assert cluster.store.get("Service", "q", "web")["spec"]["type"] == "ClusterIP"
