"""The HPA controller (server/sim/controllers/hpa.py): the replica calculator and normalisation as
pkg/controller/podautoscaler computes them (cases from its replica_calculator_test.go and
horizontal_test.go), and the controller on a cluster: conditions, events and status in the
controller's words, the downscale window, behaviour policies; the real kubectl's rendering of the
HPA our API serves (get and describe) against kubeplay's terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.kubectl import run
from server.sim.autoscaling import set_defaults, v1_to_v2, v2_to_v1
from server.sim.cluster import Cluster
from server.sim.controllers.hpa import (
    MetricError,
    convert_desired_replicas_with_rules,
    pod_requests,
    scale_down_limit,
    scale_up_limit,
    utilization_ratio,
)
from server.sim.net import traffic
from server.sim.net.proxy import Source
from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

ROOT = Path(__file__).resolve().parents[2]
PHP = (ROOT / "examples/k8s.io/examples/application/php-apache.yaml").read_text()
UP = {"selectPolicy": "Max", "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15},
                                          {"type": "Percent", "value": 100, "periodSeconds": 15}]}
DOWN = {"selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}


# -- pure functions --------------------------------------------------------------------------------

def test_convert_desired_replicas_with_rules():
    # scale-up limit max(2 x current, 4); min and max replicas
    assert convert_desired_replicas_with_rules(1, 9, 1, 10) == (
        4, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
    assert convert_desired_replicas_with_rules(4, 9, 1, 10) == (
        8, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
    assert convert_desired_replicas_with_rules(6, 12, 1, 10) == (
        10, "TooManyReplicas", "the desired replica count is more than the maximum replica count")
    assert convert_desired_replicas_with_rules(3, 0, 1, 10) == (
        1, "TooFewReplicas", "the desired replica count is less than the minimum replica count")
    assert convert_desired_replicas_with_rules(3, 5, 1, 10) == (
        5, "DesiredWithinRange", "the desired count is within the acceptable range")


def test_scaling_rules_limits():
    now = 1000.0
    # the defaults: the larger of +4 pods and +100% per 15 s
    assert scale_up_limit(1, [], UP, now) == 5
    assert scale_up_limit(10, [], UP, now) == 20
    # 3 pods added 10 s ago count against the period: it started at 2
    assert scale_up_limit(5, [[3, now - 10, 0]], UP, now) == 6
    assert scale_up_limit(5, [[3, now - 20, 0]], UP, now) == 10
    assert scale_up_limit(5, [], dict(UP, selectPolicy="Min"), now) == 9
    assert scale_up_limit(5, [], dict(UP, selectPolicy="Disabled"), now) == 5
    assert scale_down_limit(8, [], DOWN, now) == 0
    slow = {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}
    assert scale_down_limit(8, [[1, now - 30, 0]], slow, now) == 8
    assert scale_down_limit(8, [[1, now - 61, 0]], slow, now) == 7
    half = {"policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]}
    assert scale_down_limit(5, [], half, now) == 2  # int32(5 * 0.5), truncated


def test_utilization_ratio_and_requests():
    # GetResourceUtilizationRatio: integer percent of the summed requests, then the ratio to the target
    ratio, pct, raw = utilization_ratio({"a": 50, "b": 70}, {"a": 100, "b": 100}, 50)
    assert (ratio, pct, raw) == (1.2, 60, 60)
    assert utilization_ratio({"a": 1}, {"a": 200}, 50)[:2] == (0.0, 0)
    with pytest.raises(MetricError, match="no metrics returned matched known pods"):
        utilization_ratio({"x": 1}, {"a": 200}, 50)
    pod = {"metadata": {"name": "p"}, "spec": {"containers": [
        {"name": "app", "resources": {"requests": {"cpu": "250m"}}}, {"name": "side"}]}}
    with pytest.raises(MetricError) as e:
        pod_requests([pod], "cpu")
    assert str(e.value) == "missing request for cpu in container side of Pod p"
    pod["spec"]["containers"].pop()
    pod["spec"]["initContainers"] = [{"name": "proxy", "restartPolicy": "Always",
                                      "resources": {"requests": {"cpu": "0.1"}}}]
    assert pod_requests([pod], "cpu") == {"p": 350}


def test_defaults_and_conversion():
    v1 = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
          "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"},
                   "maxReplicas": 5, "targetCPUUtilizationPercentage": 70}}
    v2 = v1_to_v2(v1)
    assert v2["spec"]["metrics"] == [{"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "averageUtilization": 70}}}]
    set_defaults(v2)
    assert v2["spec"]["minReplicas"] == 1
    back = v2_to_v1(v2)
    assert back["spec"] == {"scaleTargetRef": v1["spec"]["scaleTargetRef"], "minReplicas": 1, "maxReplicas": 5,
                            "targetCPUUtilizationPercentage": 70}
    bare = {"spec": {"maxReplicas": 3, "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}}
    set_defaults(bare)
    assert bare["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 80
    assert bare["spec"]["behavior"] == {
        "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": UP["policies"]},
        "scaleDown": {"stabilizationWindowSeconds": 60, "selectPolicy": "Max", "policies": DOWN["policies"]}}


# -- the controller on a cluster ----------------------------------------------------------------------

def _cluster(metrics: bool = True) -> Cluster:
    c = Cluster(seed=3)
    c.workspace["php.yaml"] = PHP
    if metrics:
        c.set_addon("metrics-server", True)
    assert run(c, "kubectl apply -f php.yaml").exit_code == 0
    c.advance(60)
    return c


def _conditions(c: Cluster, name: str = "php-apache") -> dict[str, tuple[str, str, str]]:
    hpa = c.store.get("HorizontalPodAutoscaler", "default", name)
    return {x["type"]: (x["status"], x["reason"], x["message"]) for x in hpa["status"].get("conditions") or []}


def _events(c: Cluster) -> list[tuple[str, str, str]]:
    return [(e["type"], e["reason"], e["message"]) for e in c.store.scan("Event", "default")
            if e["involvedObject"]["kind"] == "HorizontalPodAutoscaler"]


def test_without_metrics_server_the_metric_cannot_be_read():
    c = _cluster(metrics=False)
    run(c, "kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10")
    c.advance(16)
    not_found = ("failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics "
                 "from resource metrics API: the server could not find the requested resource (get "
                 "pods.metrics.k8s.io)")
    assert _conditions(c) == {
        "AbleToScale": ("True", "SucceededGetScale", "the HPA controller was able to get the target's current scale"),
        "ScalingActive": ("False", "FailedGetResourceMetric", "the HPA was unable to compute the replica count: "
                          + not_found),
    }
    assert ("Warning", "FailedGetResourceMetric", not_found) in _events(c)
    assert ("Warning", "FailedComputeMetricsReplicas", "invalid metrics (1 invalid out of 1), first error is: "
            "failed to get cpu resource metric value: " + not_found) in _events(c)
    st = c.store.get("HorizontalPodAutoscaler", "default", "php-apache")["status"]
    assert st["currentReplicas"] == 1 and st["desiredReplicas"] == 0 and st["currentMetrics"] == [{"type": ""}]
    out = run(c, "kubectl get hpa").output
    assert "cpu: <unknown>/50%" in out


def test_missing_target_and_zero_replicas():
    c = _cluster()
    run(c, "kubectl autoscale deployment php-apache --max=3")
    run(c, "kubectl delete deployment php-apache")
    c.advance(16)
    msg = 'deployments.apps "php-apache" not found'
    assert _conditions(c)["AbleToScale"] == (
        "False", "FailedGetScale", f"the HPA controller was unable to get the target's current scale: {msg}")
    assert ("Warning", "FailedGetScale", msg) in _events(c)

    c.workspace["php.yaml"] = PHP
    run(c, "kubectl apply -f php.yaml")
    run(c, "kubectl scale deployment php-apache --replicas=0")
    c.advance(16)
    assert _conditions(c)["ScalingActive"] == (
        "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero")
    assert c.store.get("Deployment", "default", "php-apache")["spec"]["replicas"] == 0


def test_below_min_is_raised_at_once_and_idle_scales_down_after_the_window():
    c = _cluster()
    run(c, "kubectl scale deployment php-apache --replicas=4")
    c.advance(40)
    run(c, "kubectl autoscale deployment php-apache --cpu-percent=50 --min=2 --max=10")
    c.advance(16)
    # idle: the recommendation is the minimum, held back by the first recommendation (4) for 5 minutes
    assert _conditions(c)["AbleToScale"][1] == "ScaleDownStabilized"
    assert c.store.get("Deployment", "default", "php-apache")["spec"]["replicas"] == 4
    c.advance(299)  # the first recommendation (4, at the first sync) is still inside the window
    assert c.store.get("Deployment", "default", "php-apache")["spec"]["replicas"] == 4
    c.advance(15)
    assert c.store.get("Deployment", "default", "php-apache")["spec"]["replicas"] == 2
    assert ("Normal", "SuccessfulRescale", "New size: 2; reason: All metrics below target") in _events(c)
    assert _conditions(c)["ScalingLimited"] == (
        "True", "TooFewReplicas", "the desired replica count is less than the minimum replica count")
    run(c, "kubectl patch hpa php-apache --type=merge -p '{\"spec\":{\"minReplicas\":3}}'")
    c.advance(16)
    assert c.store.get("Deployment", "default", "php-apache")["spec"]["replicas"] == 3
    assert ("Normal", "SuccessfulRescale", "New size: 3; reason: Current number of replicas below "
            "Spec.MinReplicas") in _events(c)


def _load(c: Cluster, seconds: int, per_15s: int = 579) -> list[int]:
    """One wget loop's worth of requests (1 / (16 ms + 10 ms) a second) every 15 s."""
    if c.store.peek("Pod", "default", "load") is None:
        run(c, "kubectl run load --image=busybox:1.28 --restart=Never -- sleep 3600")
        c.advance(20)
    seen = []
    for _ in range(seconds // 15):
        traffic.send(c, Source.pod("default", "load"), "http://php-apache", per_15s)
        c.advance(15)
        seen.append(c.store.get("Deployment", "default", "php-apache")["spec"]["replicas"])
    return seen


def test_behavior_policies_pace_the_scale_up():
    c = _cluster()
    hpa = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: php-apache}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: php-apache}
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 0
      selectPolicy: Max
      policies: [{type: Pods, value: 1, periodSeconds: 60}]
    scaleDown:
      stabilizationWindowSeconds: 30
      selectPolicy: Max
      policies: [{type: Percent, value: 100, periodSeconds: 15}]
"""
    c.workspace["hpa.yaml"] = hpa
    assert run(c, "kubectl apply -f hpa.yaml").exit_code == 0
    c.advance(30)
    seen = _load(c, 240)
    # one pod a minute at most, however high the load
    assert seen[-1] >= 4 and all(b - a <= 1 for a, b in zip(seen, seen[1:], strict=False))
    assert _conditions(c)["ScalingLimited"][1] in ("ScaleUpLimit", "DesiredWithinRange")
    run(c, "kubectl delete pod load --now")
    c.advance(75)  # the 30 s window, then 100% down
    assert c.store.get("Deployment", "default", "php-apache")["spec"]["replicas"] == 1


def test_status_under_load_matches_the_metrics_api():
    c = _cluster()
    run(c, "kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10")
    c.advance(30)
    seen = _load(c, 120)
    assert seen[0] == 4  # 250% on one pod: ceil(1 x 5) = 5, capped at max(2 x 1, 4)
    hpa = c.store.get("HorizontalPodAutoscaler", "default", "php-apache")
    cur = hpa["status"]["currentMetrics"][0]["resource"]["current"]
    pods = {p["metadata"]["name"] for p in c.store.scan("Pod", "default", selector={"matchLabels": {
        "run": "php-apache"}})}
    from server.sim import metrics

    usage = metrics.pod_usage_milli(c, "default", "cpu")
    measured = [usage[p][0] for p in pods if p in usage]
    # the status is the last sync's: the metrics of that moment (at most one scrape older than now)
    assert cur["averageUtilization"] == pytest.approx(sum(measured) * 100 // (200 * len(measured)), abs=15)
    assert cur["averageValue"].endswith("m")
    assert hpa["status"]["lastScaleTime"]


# -- the real kubectl reading our API ---------------------------------------------------------------

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("no kubectl installed: the comparisons need the real one")
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        lab.request("POST", f"/api/sandboxes/{lab.sid}/addons/metrics-server", {"enabled": True})
        lab.kubectl("apply", "-f", "-", stdin=PHP)
        lab.clock(advance=60)
        lab.engine("kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10")
        lab.engine("kubectl autoscale deployment php-apache --max=3 --name=second")
        yield lab


def _times(text: str) -> str:
    """Timestamps blanked: the API serves them shifted to the wall clock, the terminal in virtual time."""
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<time>", text)
    return re.sub(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}", "<date>", text)


@pytest.mark.parametrize("args", [("get", "hpa"), ("get", "hpa", "-o", "wide"), ("describe", "hpa", "php-apache"),
                                  ("get", "hpa", "php-apache", "-o", "yaml")])
def test_real_kubectl_renders_the_same(lab, args):
    for step in (0, 30):
        lab.clock(advance=step) if step else None
        real = lab.kubectl(*args)
        assert _times(lab.engine("kubectl " + " ".join(args))) == _times(real.stdout)


def test_validation_in_the_apiservers_words():
    c = Cluster(seed=1, empty=True)
    c.workspace["bad.yaml"] = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: bad}
spec:
  scaleTargetRef: {kind: "a/b", name: ""}
  minReplicas: 0
  maxReplicas: 0
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Foo, averageUtilization: 0, averageValue: "-1"}}
  - type: Pods
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 5}}
  - type: Bogus
  behavior:
    scaleUp: {stabilizationWindowSeconds: 4000, selectPolicy: Fast, policies: []}
    scaleDown: {policies: [{type: X, value: 0, periodSeconds: 2000}]}
"""
    out = run(c, "kubectl apply -f bad.yaml")
    assert out.exit_code == 1
    assert out.output.splitlines() == [
        'The HorizontalPodAutoscaler "bad" is invalid: ',
        "* spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
        "* spec.maxReplicas: Invalid value: 0: must be greater than 0",
        "* spec.scaleTargetRef.kind: Invalid value: \"a/b\": may not contain '/'",
        "* spec.scaleTargetRef.name: Required value",
        '* spec.metrics[0].resource.target.type: Invalid value: "Foo": must be either Utilization, Value, or '
        "AverageValue",
        "* spec.metrics[0].resource.target.averageValue: Invalid value: resource.Quantity{i:resource.int64Amount"
        '{value:-1, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"-1", Format:"DecimalSI"}: must be '
        "positive",
        "* spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
        "* spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a "
        "target utilization",
        "* spec.metrics[1].pods: Required value: must populate information for the given metric source",
        '* spec.metrics[2].type: Unsupported value: "Bogus": supported values: "ContainerResource", "External", '
        '"Object", "Pods", "Resource"',
        "* spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600",
        '* spec.behavior.scaleUp.selectPolicy: Unsupported value: "Fast": supported values: "Disabled", "Max", '
        '"Min"',
        "* spec.behavior.scaleUp.policies: Required value: must specify at least one Policy",
        '* spec.behavior.scaleDown.policies[0].type: Unsupported value: "X": supported values: "Percent", "Pods"',
        "* spec.behavior.scaleDown.policies[0].value: Invalid value: 0: must be greater than zero",
        "* spec.behavior.scaleDown.policies[0].periodSeconds: Invalid value: 2000: must be less than or equal to "
        "1800",
    ]
    assert c.store.get("HorizontalPodAutoscaler", "default", "bad") is None
    c.workspace["min.yaml"] = ("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: m}\n"
                               "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
                               "  minReplicas: 5\n  maxReplicas: 3\n")
    assert run(c, "kubectl apply -f min.yaml").output == (
        'The HorizontalPodAutoscaler "m" is invalid: spec.maxReplicas: Invalid value: 3: must be greater than or '
        "equal to `minReplicas`\n")


def test_container_resource_and_custom_metrics():
    c = _cluster()
    c.workspace["hpa.yaml"] = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: php-apache}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: php-apache}
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: ContainerResource
    containerResource: {name: cpu, container: php-apache, target: {type: Utilization, averageUtilization: 50}}
  - type: Pods
    pods:
      metric: {name: packets-per-second}
      target: {type: AverageValue, averageValue: 1k}
"""
    assert run(c, "kubectl apply -f hpa.yaml").exit_code == 0
    c.advance(30)
    custom = ("unable to get metric packets-per-second: unable to fetch metrics from custom metrics API: no custom "
              "metrics API (custom.metrics.k8s.io) registered")
    assert ("Warning", "FailedGetPodsMetric", custom) in _events(c)
    # idle, the working metric would scale down: with one metric unknown the HPA does not
    assert _conditions(c)["ScalingActive"] == (
        "False", "FailedGetPodsMetric", "the HPA was unable to compute the replica count: " + custom)
    st = c.store.get("HorizontalPodAutoscaler", "default", "php-apache")["status"]
    assert st["currentMetrics"][0]["type"] == "ContainerResource"
    assert st["currentMetrics"][0]["containerResource"]["container"] == "php-apache"
    assert st["currentMetrics"][1] == {"type": ""}
    assert "cpu: 0%/50%, <unknown>/1k" in run(c, "kubectl get hpa").output
    # under load it scales up on the metric it has
    seen = _load(c, 30)
    assert seen[-1] > 1
    assert _conditions(c)["ScalingActive"] == (
        "True", "ValidMetricFound", "the HPA was able to successfully calculate a replica count from cpu container "
        "resource utilization (percentage of request)")
