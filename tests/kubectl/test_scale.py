"""kubectl scale and set image: the spec they write and the words they print."""

from __future__ import annotations


def deploy(kubectl, name="web", replicas=3):
    kubectl(f"create deployment {name} --image=nginx:1.16 --replicas={replicas}")


def test_scale_every_way_of_naming_the_deployment(cluster, kubectl):
    deploy(kubectl)
    for i, target in enumerate(("deployment/web", "deployment.apps/web", "deployments web", "deploy web"), 4):
        assert kubectl(f"scale --replicas={i} {target}") == "deployment.apps/web scaled\n"
        assert cluster.store.get("Deployment", "default", "web")["spec"]["replicas"] == i


def test_scale_replicaset(cluster, kubectl):
    cluster.store.create({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                          "metadata": {"name": "sample-rs", "namespace": "default"},
                          "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "s"}},
                                   "template": {"metadata": {"labels": {"app": "s"}},
                                                "spec": {"containers": [{"name": "c", "image": "x"}]}}}})
    assert kubectl("scale replicaset sample-rs --replicas 5") == "replicaset.apps/sample-rs scaled\n"
    assert cluster.store.get("ReplicaSet", "default", "sample-rs")["spec"]["replicas"] == 5


def test_scale_current_replicas_precondition(cluster, kubectl):
    deploy(kubectl)
    assert kubectl("scale --current-replicas=2 --replicas=5 deploy/web", rc=1) == (
        "error: Expected replicas to be 2, was 3\n")
    assert cluster.store.get("Deployment", "default", "web")["spec"]["replicas"] == 3
    assert kubectl("scale --current-replicas=3 --replicas=5 deploy/web") == "deployment.apps/web scaled\n"


def test_scale_errors(cluster, kubectl):
    assert kubectl("scale deploy/web", rc=1) == 'error: required flag(s) "replicas" not set\n'
    # no object came back from the builder: the real kubectl v1.32 says so, with the GET's error
    assert kubectl("scale --replicas=2 deploy/nope", rc=1) == (
        'error: no objects passed to scale deployments.apps "nope" not found\n')


def test_set_image(cluster, kubectl):
    kubectl("create deployment kubernetes-bootcamp --image=jocatalin/kubernetes-bootcamp:v1")
    out = kubectl("set image deployments/kubernetes-bootcamp kubernetes-bootcamp=jocatalin/kubernetes-bootcamp:v2")
    assert out == "deployment.apps/kubernetes-bootcamp image updated\n"
    d = cluster.store.get("Deployment", "default", "kubernetes-bootcamp")
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "jocatalin/kubernetes-bootcamp:v2"
    # same image again: nothing changes, nothing printed
    assert kubectl("set image deploy/kubernetes-bootcamp kubernetes-bootcamp=jocatalin/kubernetes-bootcamp:v2") == ""
    assert kubectl("set image deploy/kubernetes-bootcamp *=busybox") == (
        "deployment.apps/kubernetes-bootcamp image updated\n")
    assert kubectl("set image deploy/kubernetes-bootcamp nope=busybox", rc=1) == (
        'error: unable to find container named "nope"\n')
    assert kubectl("set image deploy/kubernetes-bootcamp", rc=1) == "error: at least one image update is required\n"


def test_set_image_without_a_resource_is_the_builders_error(kubectl):
    assert kubectl("set image", rc=1) == ("error: You must provide one or more resources by argument or filename.\n"
                        "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                        "   '<resource> <name>'\n   '<resource>'\n")
