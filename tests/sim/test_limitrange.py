"""LimitRange: the LimitRanger plugin's defaults (with its annotation) and limits in its own words, the
LimitRange defaulting of SetDefaults_LimitRangeItem, and the apiserver's validation of the object."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim.api import ApiError
from server.sim.cluster import Cluster


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(seed=1)
    run(c, "kubectl create namespace lr")
    return c


def _limits(c: Cluster, *items: dict, name: str = "limits") -> dict:
    return c.api.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": name, "namespace": "lr"},
                         "spec": {"limits": list(items)}})


def _pod(name: str = "p", containers: list[dict] | None = None, init: list[dict] | None = None) -> dict:
    spec: dict = {"containers": containers or [{"name": "app", "image": "nginx"}]}
    if init:
        spec["initContainers"] = init
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "lr"}, "spec": spec}


def _c(name: str, requests: dict | None = None, limits: dict | None = None) -> dict:
    resources = {k: v for k, v in (("requests", requests), ("limits", limits)) if v}
    return {"name": name, "image": "nginx", "resources": resources}


def test_defaults_and_the_limit_ranger_annotation(cluster):
    _limits(cluster, {"type": "Container", "default": {"memory": "512Mi", "cpu": "1"},
                      "defaultRequest": {"memory": "256Mi", "cpu": "500m"}})
    pod = cluster.api.create(_pod(containers=[_c("web"), _c("side", requests={"cpu": "100m"})]))
    assert pod["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "1", "memory": "512Mi"},
                                                         "requests": {"cpu": "500m", "memory": "256Mi"}}
    assert pod["spec"]["containers"][1]["resources"] == {"limits": {"cpu": "1", "memory": "512Mi"},
                                                         "requests": {"cpu": "100m", "memory": "256Mi"}}
    assert pod["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web; "
        "memory request for container side; cpu, memory limit for container side")
    assert pod["status"]["qosClass"] == "Burstable"


def test_a_limit_without_a_request_keeps_the_request_the_pod_defaulted(cluster):
    """memory-defaults-pod-2: a 1Gi limit alone makes a 1Gi request (pod defaulting), not the 256Mi default."""
    _limits(cluster, {"type": "Container", "default": {"memory": "512Mi"}, "defaultRequest": {"memory": "256Mi"}})
    pod = cluster.api.create(_pod(containers=[_c("ctr", limits={"memory": "1Gi"})]))
    assert pod["spec"]["containers"][0]["resources"] == {"limits": {"memory": "1Gi"}, "requests": {"memory": "1Gi"}}
    assert "annotations" not in pod["metadata"]


def test_limit_range_items_are_defaulted_from_max_and_min(cluster):
    stored = _limits(cluster, {"type": "Container", "max": {"memory": "1Gi"}, "min": {"memory": "500Mi"}})
    assert stored["spec"]["limits"] == [{"default": {"memory": "1Gi"}, "defaultRequest": {"memory": "1Gi"},
                                         "max": {"memory": "1Gi"}, "min": {"memory": "500Mi"}, "type": "Container"}]
    stored = _limits(cluster, {"type": "Container", "min": {"cpu": "200m"}}, name="only-min")
    assert stored["spec"]["limits"][0] == {"defaultRequest": {"cpu": "200m"}, "min": {"cpu": "200m"},
                                           "type": "Container"}


@pytest.mark.parametrize(("resources", "message"), [
    ({"requests": {"memory": "600Mi"}, "limits": {"memory": "1536Mi"}},
     "maximum memory usage per Container is 1Gi, but limit is 1536Mi."),
    ({"requests": {"memory": "100Mi"}, "limits": {"memory": "800Mi"}},
     "minimum memory usage per Container is 500Mi, but request is 100Mi."),
])
def test_min_and_max_per_container(cluster, resources, message):
    _limits(cluster, {"type": "Container", "max": {"memory": "1Gi"}, "min": {"memory": "500Mi"}})
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("constraints-mem-demo", [{"name": "c", "image": "nginx", "resources": resources}]))
    assert e.value.code == 403
    assert e.value.message == f'pods "constraints-mem-demo" is forbidden: {message}'
    assert cluster.store.get("Pod", "lr", "constraints-mem-demo") is None


def test_every_failure_is_listed(cluster):
    _limits(cluster, {"type": "Container", "max": {"cpu": "800m"}, "min": {"cpu": "200m"},
                      "maxLimitRequestRatio": {"cpu": "2"}, "default": {"cpu": "800m"}, "defaultRequest": {"cpu": "800m"}})
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod(containers=[_c("c", requests={"cpu": "100m"}, limits={"cpu": "1500m"})]))
    assert e.value.message == (
        'pods "p" is forbidden: [minimum cpu usage per Container is 200m, but request is 100m., maximum cpu usage '
        "per Container is 800m, but limit is 1500m., cpu max limit to request ratio per Container is 2, but "
        "provided ratio is 15.000000.]")


def test_pod_type_sums_the_containers(cluster):
    _limits(cluster, {"type": "Pod", "max": {"memory": "1Gi"}})
    cluster.api.create(_pod("fits", [_c("a", limits={"memory": "512Mi"}), _c("b", limits={"memory": "512Mi"})]))
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("big", [_c("a", limits={"memory": "512Mi"}), _c("b", limits={"memory": "600Mi"})]))
    assert e.value.message == 'pods "big" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1112Mi.'
    with pytest.raises(ApiError) as e:
        cluster.api.create(_pod("unlimited", [_c("a")]))
    assert e.value.message == 'pods "unlimited" is forbidden: maximum memory usage per Pod is 1Gi.  No limit is specified.'


def test_claims_are_limited_by_storage(cluster):
    _limits(cluster, {"type": "PersistentVolumeClaim", "max": {"storage": "2Gi"}, "min": {"storage": "1Gi"}})
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "big", "namespace": "lr"},
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}}}
    with pytest.raises(ApiError) as e:
        cluster.api.create(claim)
    assert e.value.message == ('persistentvolumeclaims "big" is forbidden: maximum storage usage per '
                               "PersistentVolumeClaim is 2Gi, but request is 5Gi.")


def test_limit_range_validation(cluster):
    with pytest.raises(ApiError) as e:
        _limits(cluster, {"type": "Container", "max": {"memory": "500Mi"}, "min": {"memory": "1Gi"}})
    # defaulted before it is validated (SetDefaults_LimitRangeItem: default and defaultRequest from max),
    # so ValidateLimitRange also finds the defaults under min
    q1 = ("resource.Quantity{i:resource.int64Amount{value:1073741824, scale:0}, d:resource.infDecAmount"
          '{Dec:(*inf.Dec)(nil)}, s:"1Gi", Format:"BinarySI"}')
    q500 = ("resource.Quantity{i:resource.int64Amount{value:524288000, scale:0}, d:resource.infDecAmount"
            '{Dec:(*inf.Dec)(nil)}, s:"500Mi", Format:"BinarySI"}')
    assert e.value.message == (
        f'LimitRange "limits" is invalid: [spec.limits[0].min[memory]: Invalid value: {q1}: min value 1Gi is '
        f"greater than max value 500Mi, spec.limits[0].defaultRequest[memory]: Invalid value: {q500}: min value "
        f"1Gi is greater than default request value 500Mi, spec.limits[0].default[memory]: Invalid value: {q1}: "
        "min value 1Gi is greater than default value 500Mi]")
    with pytest.raises(ApiError) as e:
        _limits(cluster, {"type": "Pod", "max": {"cpu": "1"}, "default": {"cpu": "1"}})
    assert e.value.message == ('LimitRange "limits" is invalid: spec.limits[0].default: Forbidden: may not be '
                               "specified when `type` is 'Pod'")
    with pytest.raises(ApiError) as e:
        _limits(cluster, {"type": "Container"}, {"type": "Container"})
    assert e.value.message == 'LimitRange "limits" is invalid: spec.limits[1].type: Duplicate value: "Container"'


def test_get_and_describe_limits(cluster):
    _limits(cluster, {"type": "Container", "default": {"memory": "512Mi"}, "defaultRequest": {"memory": "256Mi"}},
            name="mem-limit-range")
    table = run(cluster, "kubectl get limits -n lr").output.splitlines()
    assert table[0].split() == ["NAME", "CREATED", "AT"]
    assert table[1].split() == ["mem-limit-range", cluster.clock.iso()]
    described = run(cluster, "kubectl describe limits mem-limit-range -n lr").output
    assert described.endswith("Container   memory    -    -    256Mi            512Mi          -\n")
