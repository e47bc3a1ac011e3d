"""The apiserver's write path as integration 4 left it: finalizers in the generic registry's delete,
defaulting before validation (NetworkPolicy, storage kinds, StatefulSet claim templates, LimitRange,
PriorityClass), the Priority plugin owning a pod's priority, the QoS class computed after admission,
and dry-run creates going through the admission plugins."""

from __future__ import annotations

import pytest

from server.sim.api import ApiError
from server.sim.cluster import Cluster


@pytest.fixture
def cluster():
    return Cluster(seed=1, empty=True)


def _pod(name, **spec):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec}}


def _cm(name, finalizers=None):
    meta = {"name": name}
    if finalizers:
        meta["finalizers"] = finalizers
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"k": "v"}}


def test_an_object_held_by_a_finalizer_is_only_marked_until_the_finalizer_goes(cluster):
    cluster.api.create(_cm("held", ["example.com/keep"]))
    marked = cluster.api.delete("ConfigMap", "default", "held")
    assert marked["metadata"]["deletionTimestamp"] == cluster.clock.iso()
    assert marked["metadata"]["deletionGracePeriodSeconds"] == 0
    assert cluster.store.get("ConfigMap", "default", "held") is not None
    # a second delete changes nothing
    rv = marked["metadata"]["resourceVersion"]
    assert cluster.api.delete("ConfigMap", "default", "held")["metadata"]["resourceVersion"] == rv
    # dropping the last finalizer (a user's update here) removes it
    live = cluster.store.get("ConfigMap", "default", "held")
    live["metadata"]["finalizers"] = []
    cluster.api.replace(live)
    assert cluster.store.get("ConfigMap", "default", "held") is None


def test_an_object_without_finalizers_goes_at_once(cluster):
    cluster.api.create(_cm("plain"))
    cluster.api.delete("ConfigMap", "default", "plain")
    assert cluster.store.get("ConfigMap", "default", "plain") is None


def test_a_namespace_is_deleted_through_its_registry():
    c = Cluster(seed=1)
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    c.advance(1)
    ns = c.api.delete("Namespace", "", "dev")
    assert ns["status"]["phase"] == "Terminating"
    with pytest.raises(ApiError) as e:
        c.api.delete("Namespace", "", "kube-system")
    assert e.value.message == 'namespaces "kube-system" is forbidden: this namespace may not be deleted'
    c.advance(30)
    assert c.store.get("Namespace", "", "dev") is None


def test_network_policy_defaults(cluster):
    stored = cluster.api.create({
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "np"},
        "spec": {"podSelector": {}, "ingress": [{"ports": [{"port": 80}]}]}})
    assert stored["spec"]["policyTypes"] == ["Ingress"]
    assert stored["spec"]["ingress"][0]["ports"] == [{"port": 80, "protocol": "TCP"}]
    both = cluster.api.create({
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "out"},
        "spec": {"podSelector": {}, "egress": [{"ports": [{"port": 53, "protocol": "UDP"}]}]}})
    assert both["spec"]["policyTypes"] == ["Ingress", "Egress"]
    stated = cluster.api.create({
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "eg"},
        "spec": {"podSelector": {}, "policyTypes": ["Egress"]}})
    assert stated["spec"]["policyTypes"] == ["Egress"]


def test_storage_defaults(cluster):
    sc = cluster.api.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                             "metadata": {"name": "s"}, "provisioner": "example.com/x"})
    assert (sc["reclaimPolicy"], sc["volumeBindingMode"]) == ("Delete", "Immediate")
    pv = cluster.api.create({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "v"},
                             "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                                      "hostPath": {"path": "/tmp/v"}}})
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert pv["spec"]["volumeMode"] == "Filesystem" and pv["spec"]["hostPath"]["type"] == ""


def test_stateful_set_claim_templates_are_defaulted_as_claims(cluster):
    sts = cluster.api.create({
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "serviceName": "web",
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
                 "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {
                     "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}})
    (tpl,) = sts["spec"]["volumeClaimTemplates"]
    assert tpl["apiVersion"] == "v1" and tpl["kind"] == "PersistentVolumeClaim"
    assert tpl["spec"]["volumeMode"] == "Filesystem" and tpl["status"] == {"phase": "Pending"}


def test_limit_range_and_priority_class_defaults(cluster):
    lr = cluster.api.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "l"},
                             "spec": {"limits": [{"type": "Container", "max": {"cpu": "1"}}]}})
    assert lr["spec"]["limits"][0]["default"] == {"cpu": "1"}
    assert lr["spec"]["limits"][0]["defaultRequest"] == {"cpu": "1"}
    pc = cluster.api.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                             "metadata": {"name": "high"}, "value": 1000})
    assert pc["preemptionPolicy"] == "PreemptLowerPriority"


def test_a_pod_stating_priority_zero_against_its_class_is_refused(cluster):
    cluster.api.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                        "metadata": {"name": "high"}, "value": 1000})
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("p", priorityClassName="high", priority=0))
    assert e.value.message == ('pods "p" is forbidden: the integer value of priority (0) must not be provided in '
                               "pod spec; priority admission controller computed 1000 from the given "
                               "PriorityClass name")
    ok = cluster.api.create(_pod("q", priorityClassName="high"))
    assert (ok["spec"]["priority"], ok["spec"]["preemptionPolicy"]) == (1000, "PreemptLowerPriority")
    plain = cluster.api.create(_pod("r"))
    assert (plain["spec"]["priority"], plain["spec"]["preemptionPolicy"]) == (0, "PreemptLowerPriority")


def test_the_qos_class_counts_limit_ranger_defaults(cluster):
    cluster.api.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "l"},
                        "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "64Mi"}}]}})
    pod = cluster.api.create(_pod("p"))
    assert pod["spec"]["containers"][0]["resources"]["limits"] == {"cpu": "500m", "memory": "64Mi"}
    assert pod["status"]["qosClass"] == "Guaranteed"


def test_a_dry_run_create_is_admitted_but_writes_nothing(cluster):
    cluster.api.create({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"},
                        "spec": {"hard": {"pods": "1"}}})
    cluster.advance(1)
    used = cluster.store.get("ResourceQuota", "default", "q")["status"]["used"]
    cluster.api.create(_pod("a"), dry_run=True)
    assert cluster.store.get("ResourceQuota", "default", "q")["status"]["used"] == used
    assert cluster.store.get("Pod", "default", "a") is None
    cluster.api.create(_pod("b"))
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("c"), dry_run=True)
    assert e.value.message == ('pods "c" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, '
                               "limited: pods=1")
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("d", priorityClassName="missing"), dry_run=True)
    assert e.value.message == 'pods "d" is forbidden: no PriorityClass with name missing was found'


# -- ServiceAccount admission: the kube-api-access token volume ------------------------------------------------
MOUNT = {"readOnly": True, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}


def test_a_pod_gets_the_service_account_token_volume(cluster):
    pod = cluster.api.create(_pod("p", initContainers=[{"name": "init", "image": "busybox"}]))
    (volume,) = pod["spec"]["volumes"]
    name = volume["name"]
    assert name.startswith("kube-api-access-") and len(name) == len("kube-api-access-") + 5
    assert set(name[-5:]) <= set("bcdfghjklmnpqrstvwxz2456789")
    assert volume["projected"] == {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace",
                                    "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}
    for c in pod["spec"]["initContainers"] + pod["spec"]["containers"]:
        assert c["volumeMounts"] == [{"name": name, **MOUNT}]


def test_the_token_volume_draws_nothing_from_the_seeded_rng():
    a, b = Cluster(seed=3, empty=True), Cluster(seed=3, empty=True)
    first = a.api.create({**_pod(""), "metadata": {"generateName": "web-"}})
    second = b.api.create({**_pod(""), "metadata": {"generateName": "web-"},
                           "spec": {**_pod("")["spec"], "automountServiceAccountToken": False}})
    assert first["metadata"]["name"] == second["metadata"]["name"]
    assert first["metadata"]["uid"] == second["metadata"]["uid"]
    assert "volumes" not in second["spec"] or second["spec"]["volumes"] == []


def test_automount_off_on_the_service_account_and_a_mount_already_there(cluster):
    cluster.api.create({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "quiet"},
                        "automountServiceAccountToken": False})
    quiet = cluster.api.create(_pod("q", serviceAccountName="quiet"))
    assert not quiet["spec"].get("volumes") and not quiet["spec"]["containers"][0].get("volumeMounts")
    loud = cluster.api.create(_pod("l", serviceAccountName="quiet", automountServiceAccountToken=True))
    assert loud["spec"]["volumes"][0]["name"].startswith("kube-api-access-")
    own = {"name": "mine", "emptyDir": {}}
    mounted = cluster.api.create(_pod("m", volumes=[own], containers=[
        {"name": "c", "image": "nginx", "volumeMounts": [{"name": "mine", **MOUNT}]},
        {"name": "d", "image": "nginx"}]))
    token = mounted["spec"]["volumes"][1]["name"]
    assert mounted["spec"]["containers"][0]["volumeMounts"] == [{"name": "mine", **MOUNT}]
    assert mounted["spec"]["containers"][1]["volumeMounts"] == [{"name": token, **MOUNT}]
