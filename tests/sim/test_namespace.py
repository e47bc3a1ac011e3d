"""Namespaces as a v1.32 kubeadm cluster has them: the system namespaces, what every namespace holds,
NamespaceLifecycle's refusals, and deletion by the namespace controller (Terminating with the
deleter's conditions, content deleted through the API, pods given their grace period, then gone)."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim.api import ApiError
from server.sim.cluster import Cluster
from server.sim.controllers.namespace import delete_namespace

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
       "spec": {"containers": [{"name": "web", "image": "nginx"}]}}


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=1)


def _k(c: Cluster, line: str) -> str:
    return run(c, line).output


def _terminate(c: Cluster, name: str) -> dict:
    """What DELETE /api/v1/namespaces/<name> does in the namespace registry."""
    out = delete_namespace(c.api, c.store.get("Namespace", "", name))
    c.settle()
    return out


def test_the_lab_has_the_four_system_namespaces_with_their_label(cluster):
    names = [ns["metadata"]["name"] for ns in cluster.store.list("Namespace")]
    assert names == ["default", "kube-node-lease", "kube-public", "kube-system"]
    for ns in cluster.store.list("Namespace"):
        assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": ns["metadata"]["name"]}
        assert ns["spec"] == {"finalizers": ["kubernetes"]} and ns["status"] == {"phase": "Active"}


def test_kube_public_holds_kubeadms_cluster_info(cluster):
    info = cluster.store.get("ConfigMap", "kube-public", "cluster-info")
    assert "server: https://192.168.56.10:6443" in info["data"]["kubeconfig"]
    assert "certificate-authority-data:" in info["data"]["kubeconfig"]


def test_a_new_namespace_gets_its_default_service_account_and_root_ca(cluster):
    assert _k(cluster, "kubectl create namespace dev") == "namespace/dev created\n"
    listed = _k(cluster, "kubectl get sa,cm -n dev").splitlines()
    assert listed[1].split()[:2] == ["serviceaccount/default", "0"]
    assert listed[4].split()[:2] == ["configmap/kube-root-ca.crt", "1"]
    ca = cluster.store.get("ConfigMap", "dev", "kube-root-ca.crt")
    assert ca["data"] == cluster.store.get("ConfigMap", "kube-system", "kube-root-ca.crt")["data"]
    assert ca["metadata"]["annotations"]["kubernetes.io/description"].startswith("Contains a CA bundle")
    cluster.api.delete("ServiceAccount", "dev", "default")
    cluster.settle()
    assert cluster.store.get("ServiceAccount", "dev", "default") is not None  # the controller puts it back


def test_content_in_a_missing_namespace_is_refused(cluster):
    with pytest.raises(ApiError) as e:
        cluster.api.create(POD, "nowhere")
    assert (e.value.code, e.value.message) == (404, 'namespaces "nowhere" not found')


@pytest.mark.parametrize("name", ["default", "kube-system", "kube-public"])
def test_the_immortal_namespaces_may_not_be_deleted(cluster, name):
    with pytest.raises(ApiError) as e:
        delete_namespace(cluster.api, cluster.store.get("Namespace", "", name))
    assert e.value.code == 403
    assert e.value.message == f'namespaces "{name}" is forbidden: this namespace may not be deleted'
    assert cluster.store.get("Namespace", "", name)["status"]["phase"] == "Active"


def test_a_deleted_namespace_terminates_its_pods_then_goes(cluster):
    _k(cluster, "kubectl create namespace dev")
    _k(cluster, "kubectl create deployment web --image=nginx --replicas=2 -n dev")
    _k(cluster, "kubectl expose deployment web --port=80 -n dev")
    cluster.advance(20)
    assert _k(cluster, "kubectl get pods -n dev").count("Running") == 2

    ns = _terminate(cluster, "dev")
    assert ns["status"]["phase"] == "Terminating" and ns["metadata"]["deletionTimestamp"] == cluster.clock.iso()
    ns = cluster.store.get("Namespace", "", "dev")
    conditions = {c["type"]: (c["status"], c["reason"], c["message"]) for c in ns["status"]["conditions"]}
    assert conditions == {
        "NamespaceDeletionDiscoveryFailure": ("False", "ResourcesDiscovered", "All resources successfully discovered"),
        "NamespaceDeletionGroupVersionParsingFailure": ("False", "ParsedGroupVersions",
                                                        "All legacy kube types successfully parsed"),
        "NamespaceDeletionContentFailure": ("False", "ContentDeleted",
                                            "All content successfully deleted, may be waiting on finalization"),
        "NamespaceContentRemaining": ("True", "SomeResourcesRemain",
                                      "Some resources are remaining: pods. has 2 resource instances"),
        "NamespaceFinalizersRemaining": ("False", "ContentRemoved", "All content successfully removed"),
    }
    assert [c["type"] for c in ns["status"]["conditions"]][0] == "NamespaceDeletionDiscoveryFailure"
    table = _k(cluster, "kubectl get ns dev").splitlines()
    assert table[1].split()[:2] == ["dev", "Terminating"]
    # the deployment, its replica set, the service and the config objects went at once; the pods terminate
    assert _k(cluster, "kubectl get deploy,rs,svc,cm,sa -n dev") == "No resources found in dev namespace.\n"
    pods = _k(cluster, "kubectl get pods -n dev").splitlines()[1:]
    assert len(pods) == 2 and all(line.split()[2] == "Terminating" for line in pods)

    refused = run(cluster, "kubectl run late --image=nginx -n dev")
    assert refused.output == ('Error from server (Forbidden): pods "late" is forbidden: unable to create new '
                              "content in namespace dev because it is being terminated\n")

    # nginx stops at once, but the controller looks again after estimate/2 + 1 = 16 s (30 s grace)
    cluster.advance(15)
    assert cluster.store.list("Pod", "dev") == []
    assert cluster.store.get("Namespace", "", "dev")["status"]["phase"] == "Terminating"
    cluster.advance(1)
    assert cluster.store.get("Namespace", "", "dev") is None
    assert _k(cluster, "kubectl get all -n dev") == "No resources found in dev namespace.\n"
    assert [o for o in cluster.store.all() if o["metadata"].get("namespace") == "dev"] == []


def test_a_namespace_without_pods_goes_at_the_first_pass(cluster):
    _k(cluster, "kubectl create namespace empty")
    _k(cluster, "kubectl create configmap c --from-literal=a=b -n empty")
    _terminate(cluster, "empty")
    assert cluster.store.get("Namespace", "", "empty") is None
    assert cluster.store.list("ConfigMap", "empty") == []


def test_an_object_held_by_a_finalizer_keeps_the_namespace_terminating(cluster):
    _k(cluster, "kubectl create namespace held")
    cm = {"apiVersion": "v1", "kind": "ConfigMap",
          "metadata": {"name": "keep", "namespace": "held", "finalizers": ["example.com/hold"]}}
    cluster.api.create(cm)
    # the store does not enforce metadata finalizers: stand in for the generic registry's graceful delete
    original = cluster.api.delete

    def delete(kind, namespace, name, **kw):
        obj = cluster.store.get(kind, namespace, name)
        if obj is not None and obj["metadata"].get("finalizers"):
            obj["metadata"].setdefault("deletionTimestamp", cluster.clock.iso())
            return cluster.store.update(obj)
        return original(kind, namespace, name, **kw)

    cluster.api.delete = delete  # type: ignore[method-assign]
    _terminate(cluster, "held")
    ns = cluster.store.get("Namespace", "", "held")
    conditions = {c["type"]: (c["status"], c["message"]) for c in ns["status"]["conditions"]}
    assert conditions["NamespaceContentRemaining"] == (
        "True", "Some resources are remaining: configmaps. has 1 resource instances")
    assert conditions["NamespaceFinalizersRemaining"] == (
        "True", "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances")
    cluster.advance(60)
    assert cluster.store.get("Namespace", "", "held")["status"]["phase"] == "Terminating"
    cluster.store.remove("ConfigMap", "held", "keep")  # its finalizer done
    cluster.advance(10)
    assert cluster.store.get("Namespace", "", "held") is None


def test_a_namespace_removed_outright_leaves_no_pods_behind(cluster):
    _k(cluster, "kubectl create namespace gone")
    _k(cluster, "kubectl run p --image=nginx -n gone")
    cluster.advance(10)
    cluster.store.remove("Namespace", "", "gone")
    cluster.settle()
    cluster.advance(40)
    assert cluster.store.list("Pod", "gone") == []


def test_kubectl_delete_namespace_goes_through_the_registry(cluster):
    _k(cluster, "kubectl create namespace dev")
    _k(cluster, "kubectl run p --image=nginx -n dev")
    cluster.advance(10)
    assert run(cluster, "kubectl delete namespace dev --wait=false").output == 'namespace "dev" deleted\n'
    assert _k(cluster, "kubectl get ns dev").splitlines()[1].split()[:2] == ["dev", "Terminating"]
    assert run(cluster, "kubectl delete namespace default").output == (
        'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n')
