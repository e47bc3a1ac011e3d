"""Quantities are stored as the apiserver stores them: the JSON decoding of resource.Quantity then its
MarshalJSON, i.e. the canonical String() (``1.5Gi`` → ``1536Mi``, ``0.5`` → ``500m``, a number ``2`` →
``"2"``), in every Quantity-typed field the v1.32 schema has; unparsable text is refused with
apimachinery's message. The real kubectl v1.32 reads the stored text back through our API."""

from __future__ import annotations

import json

import pytest

from server.kubectl import run
from server.sim.api import ApiError
from server.sim.cluster import Cluster
from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

REGEX = "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=1)


def _pod(name: str, resources: dict, **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "nginx", "resources": resources}], **spec}}


@pytest.mark.parametrize(("given", "stored"), [
    ("1.5Gi", "1536Mi"), ("1024Mi", "1Gi"), (0.5, "500m"), ("0.5", "500m"), ("1000m", "1"),
    ("1e3", "1e3"), (2, "2"), ("100m", "100m"), (" 64Mi ", "64Mi"), ("1500000000n", "1500m"), (1.25, "1250m"),
])
def test_container_limits_are_stored_canonical(cluster, given, stored):
    pod = cluster.api.create(_pod("p", {"limits": {"cpu": given}}))
    assert pod["spec"]["containers"][0]["resources"]["limits"] == {"cpu": stored}
    # the requests the apiserver defaults from the limits are the same canonical text
    assert pod["spec"]["containers"][0]["resources"]["requests"] == {"cpu": stored}
    assert cluster.store.get("Pod", "default", "p")["spec"]["containers"][0]["resources"]["limits"]["cpu"] == stored


def test_every_quantity_field_of_the_schema_is_canonical(cluster):
    cluster.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {
        "containers": [{"name": "c", "image": "nginx",
                        "resources": {"requests": {"memory": "1.5Gi", "ephemeral-storage": "2048Mi"}}}],
        "initContainers": [{"name": "i", "image": "busybox", "resources": {"limits": {"cpu": 0.25}}}],
        "volumes": [{"name": "v", "emptyDir": {"medium": "Memory", "sizeLimit": "0.5Gi"}}]}})
    pod = cluster.store.get("Pod", "default", "p")
    assert pod["spec"]["containers"][0]["resources"]["requests"] == {"memory": "1536Mi", "ephemeral-storage": "2Gi"}
    assert pod["spec"]["initContainers"][0]["resources"]["limits"] == {"cpu": "250m"}
    assert pod["spec"]["volumes"][0]["emptyDir"]["sizeLimit"] == "512Mi"
    cluster.api.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr"}, "spec": {"limits": [
        {"type": "Container", "max": {"memory": "1.5Gi"}, "min": {"cpu": 0.1}, "defaultRequest": {"memory": "1000Mi"}}]}})
    item = cluster.store.get("LimitRange", "default", "lr")["spec"]["limits"][0]
    assert item["max"] == {"memory": "1536Mi"} and item["min"] == {"cpu": "100m"}
    assert item["default"] == {"memory": "1536Mi"}  # SetDefaults_LimitRangeItem copies the canonical max
    assert item["defaultRequest"] == {"memory": "1000Mi", "cpu": "100m"}
    cluster.api.create({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"},
                        "spec": {"hard": {"requests.memory": "2.5Gi", "pods": 10, "limits.cpu": "4000m"}}})
    assert cluster.store.get("ResourceQuota", "default", "q")["spec"]["hard"] == {
        "requests.memory": "2560Mi", "pods": "10", "limits.cpu": "4"}
    cluster.api.create({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "c"},
                        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "0.5Gi"}}}})
    assert cluster.store.get("PersistentVolumeClaim", "default", "c")["spec"]["resources"]["requests"] == {
        "storage": "512Mi"}
    cluster.api.create({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv"},
                        "spec": {"capacity": {"storage": "10240Mi"}, "accessModes": ["ReadWriteOnce"],
                                 "hostPath": {"path": "/mnt/data"}}})
    assert cluster.store.get("PersistentVolume", "", "pv")["spec"]["capacity"] == {"storage": "10Gi"}
    cluster.api.create({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
                        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                                 "maxReplicas": 3, "metrics": [{"type": "Resource", "resource": {
                                     "name": "memory", "target": {"type": "AverageValue", "averageValue": "0.1Gi"}}}]}})
    metric = cluster.store.get("HorizontalPodAutoscaler", "default", "h")["spec"]["metrics"][0]
    assert metric["resource"]["target"]["averageValue"] == "107374182400m"
    cluster.api.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {
        "selector": {"matchLabels": {"app": "d"}}, "template": {"metadata": {"labels": {"app": "d"}}, "spec": {
            "containers": [{"name": "c", "image": "nginx", "resources": {"limits": {"memory": "0.25Gi"}}}]}}}})
    template = cluster.store.get("Deployment", "default", "d")["spec"]["template"]["spec"]
    assert template["containers"][0]["resources"]["limits"] == {"memory": "256Mi"}


@pytest.mark.parametrize(("given", "message"), [
    ("1.5GB", f"quantities must match the regular expression {REGEX}"),
    ("abc", f"quantities must match the regular expression {REGEX}"),
    (True, f"quantities must match the regular expression {REGEX}"),
    ("32MMi", "unable to parse quantity's suffix"),
])
def test_an_invalid_quantity_is_refused_in_the_decoders_words(cluster, given, message):
    before = cluster.store.rv
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("bad", {"limits": {"memory": given}}))
    assert (e.value.code, e.value.reason) == (400, "BadRequest")
    assert e.value.message == f'Pod in version "v1" cannot be handled as a Pod: {message}'
    assert cluster.store.rv == before and cluster.store.peek("Pod", "default", "bad") is None


def test_a_negative_quantity_is_refused_at_its_field(cluster):
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("neg", {"requests": {"memory": "-1.5Gi"}}))
    assert e.value.code == 422
    assert e.value.message == ('Pod "neg" is invalid: spec.containers[0].resources.requests[memory]: Invalid value: '
                               '"-1536Mi": must be greater than or equal to 0')
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("neg", {"limits": {"cpu": "-0.5"}}))
    # the limit, and the request defaulted from it, are both refused
    assert e.value.message.count("must be greater than or equal to 0") == 2
    assert 'spec.containers[0].resources.limits[cpu]: Invalid value: "-500m"' in e.value.message
    assert cluster.store.peek("Pod", "default", "neg") is None


def test_reapplying_the_same_manifest_is_unchanged(cluster):
    cluster.workspace["p.yaml"] = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                                   "  - {name: c, image: nginx, resources: {limits: {memory: 1.5Gi, cpu: 0.5}}}\n")
    assert run(cluster, "kubectl apply -f p.yaml").output == "pod/p created\n"
    assert run(cluster, "kubectl apply -f p.yaml").output == "pod/p unchanged\n"
    out = run(cluster, "kubectl get pod p -o jsonpath={.spec.containers[0].resources}").output
    assert json.loads(out) == {"limits": {"cpu": "500m", "memory": "1536Mi"},
                               "requests": {"cpu": "500m", "memory": "1536Mi"}}
    described = run(cluster, "kubectl describe pod p").output
    assert "    Limits:\n      cpu:     500m\n      memory:  1536Mi\n" in described


POD = """apiVersion: v1
kind: Pod
metadata:
  name: mem
spec:
  containers:
  - name: c
    image: nginx
    resources:
      limits:
        memory: 1.5Gi
        cpu: 0.5
      requests:
        memory: 1000Mi
        cpu: "1000m"
"""


@pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed")
def test_the_real_kubectl_reads_the_canonical_text(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        # requests.cpu 1 is more than limits.cpu 500m: refused, both values in their canonical text
        real = lab.kubectl("apply", "-f", "-", stdin=POD, check=False)
        assert real.returncode == 1
        assert ('spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu '
                "limit of 500m") in real.stderr
        fixed = POD.replace('cpu: "1000m"', 'cpu: "100m"')
        assert lab.kubectl("apply", "-f", "-", stdin=fixed).stdout == "pod/mem created\n"
        out = lab.kubectl("get", "pod", "mem", "-o", "yaml").stdout
        assert "      limits:\n        cpu: 500m\n        memory: 1536Mi\n" in out
        assert "      requests:\n        cpu: 100m\n        memory: 1000Mi\n" in out
        resources = json.loads(lab.kubectl("get", "pod", "mem", "-o", "jsonpath={.spec.containers[0].resources}").stdout)
        assert resources == {"limits": {"cpu": "500m", "memory": "1536Mi"}, "requests": {"cpu": "100m", "memory": "1000Mi"}}
