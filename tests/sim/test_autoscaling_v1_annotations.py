"""autoscaling/v1 carries what it has no fields for in annotations (pkg/apis/autoscaling/v1/conversion.go):
``autoscaling.alpha.kubernetes.io/metrics`` (the metrics beside the CPU utilization target, in v1's
v2beta1-shaped types), ``…/current-metrics`` (every current metric), ``…/conditions`` and ``…/behavior``
(the internal type: Go field names). A v2 HPA read as v1 and written back keeps all of it; the real
kubectl v1.32 patches one through autoscaling/v1 without losing its other metrics or behavior."""

from __future__ import annotations

import json

import pytest

from server.sim.autoscaling import set_defaults, v1_to_v2, v2_to_v1
from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

METRICS = "autoscaling.alpha.kubernetes.io/metrics"
CURRENT = "autoscaling.alpha.kubernetes.io/current-metrics"
CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions"
BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior"

REF = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}


def _v2() -> dict:
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "web", "namespace": "default", "annotations": {"team": "a"}},
           "spec": {"scaleTargetRef": REF, "minReplicas": 1, "maxReplicas": 10, "metrics": [
               {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}},
               {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "100Mi"}}},
               {"type": "Pods", "pods": {"metric": {"name": "packets-per-second"},
                                         "target": {"type": "AverageValue", "averageValue": "1k"}}},
               {"type": "Object", "object": {"metric": {"name": "requests-per-second"},
                                             "describedObject": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                                                                 "name": "main-route"},
                                             "target": {"type": "Value", "value": "10k"}}},
               {"type": "External", "external": {"metric": {"name": "queue_messages_ready",
                                                            "selector": {"matchLabels": {"queue": "worker_tasks"}}},
                                                 "target": {"type": "AverageValue", "averageValue": "30"}}}],
               "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60,
                                          "policies": [{"type": "Pods", "value": 1, "periodSeconds": 30}]}}},
           "status": {"currentReplicas": 2, "desiredReplicas": 2, "currentMetrics": [
               {"type": "Resource", "resource": {"name": "cpu", "current": {"averageValue": "12m", "averageUtilization": 6}}},
               {"type": "Pods", "pods": {"metric": {"name": "packets-per-second"}, "current": {"averageValue": "2"}}}],
               "conditions": [{"type": "AbleToScale", "status": "True", "lastTransitionTime": "2025-03-03T13:00:00Z",
                               "reason": "ReadyForNewScale", "message": "recommended size matches current size"}]}}
    set_defaults(hpa)
    return hpa


def test_a_v2_hpa_read_as_v1_carries_its_other_fields_in_annotations():
    v1 = v2_to_v1(_v2())
    assert v1["spec"] == {"scaleTargetRef": REF, "minReplicas": 1, "maxReplicas": 10,
                          "targetCPUUtilizationPercentage": 50}
    assert v1["status"] == {"currentReplicas": 2, "desiredReplicas": 2, "currentCPUUtilizationPercentage": 6}
    annotations = v1["metadata"]["annotations"]
    assert list(annotations) == sorted(annotations) == ["autoscaling.alpha.kubernetes.io/behavior",
                                                        "autoscaling.alpha.kubernetes.io/conditions",
                                                        "autoscaling.alpha.kubernetes.io/current-metrics",
                                                        "autoscaling.alpha.kubernetes.io/metrics", "team"]
    assert annotations[METRICS] == (
        '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}},'
        '{"type":"Pods","pods":{"metricName":"packets-per-second","targetAverageValue":"1k"}},'
        '{"type":"Object","object":{"target":{"kind":"Ingress","name":"main-route","apiVersion":"networking.k8s.io/v1"},'
        '"metricName":"requests-per-second","targetValue":"10k"}},'
        '{"type":"External","external":{"metricName":"queue_messages_ready",'
        '"metricSelector":{"matchLabels":{"queue":"worker_tasks"}},"targetAverageValue":"30"}}]')
    assert annotations[CURRENT] == (
        '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":6,"currentAverageValue":"12m"}},'
        '{"type":"Pods","pods":{"metricName":"packets-per-second","currentAverageValue":"2"}}]')
    assert annotations[CONDITIONS] == (
        '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2025-03-03T13:00:00Z",'
        '"reason":"ReadyForNewScale","message":"recommended size matches current size"}]')
    # the internal type, marshalled with Go's field names; the scale-down window the user set, the
    # scale-up rules SetDefaults filled in
    assert annotations[BEHAVIOR] == (
        '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,'
        '"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},"ScaleDown":'
        '{"StabilizationWindowSeconds":60,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":1,"PeriodSeconds":30}]}}')


def test_a_v1_write_of_those_annotations_round_trips():
    v2 = _v2()
    back = v1_to_v2(v2_to_v1(v2))
    set_defaults(back)
    assert back["metadata"]["annotations"] == {"team": "a"}
    # the conversion puts the CPU target after the annotation's metrics, as the apiserver's does
    assert back["spec"]["metrics"] == v2["spec"]["metrics"][1:] + v2["spec"]["metrics"][:1]
    assert back["spec"]["behavior"] == v2["spec"]["behavior"]
    assert back["status"]["currentMetrics"] == v2["status"]["currentMetrics"]
    assert back["status"]["conditions"] == v2["status"]["conditions"]
    # reading it again gives the same v1 object
    assert v2_to_v1(back) == v2_to_v1(v2)


def test_a_plain_v1_hpa_has_no_annotations_and_stale_ones_are_dropped():
    hpa = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
           "spec": {"scaleTargetRef": REF, "maxReplicas": 3, "targetCPUUtilizationPercentage": 70}}
    v2 = v1_to_v2(hpa)
    set_defaults(v2)
    assert "annotations" not in v2_to_v1(v2)["metadata"]
    # an annotation a user left on the stored object is not served as if it were the conversion's
    v2["metadata"]["annotations"] = {METRICS: "[]", BEHAVIOR: "{}"}
    assert "annotations" not in v2_to_v1(v2)["metadata"]
    # a v1 write with an annotation that does not parse is taken without it
    hpa["metadata"]["annotations"] = {METRICS: "not json", BEHAVIOR: '{"scaleUp": 3}', "keep": "me"}
    v2 = v1_to_v2(hpa)
    assert v2["metadata"]["annotations"] == {"keep": "me"}
    assert "behavior" not in v2["spec"]
    assert v2["spec"]["metrics"] == [{"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "averageUtilization": 70}}}]


def test_go_json_field_names_match_case_insensitively():
    hpa = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "web", "annotations": {
               BEHAVIOR: '{"scaleDown":{"stabilizationWindowSeconds":120,"selectPolicy":"Min"}}'}},
           "spec": {"scaleTargetRef": REF, "maxReplicas": 3}}
    v2 = v1_to_v2(hpa)
    assert v2["spec"]["behavior"] == {"scaleDown": {"stabilizationWindowSeconds": 120, "selectPolicy": "Min"}}
    set_defaults(v2)
    assert v2["spec"]["behavior"]["scaleDown"]["policies"] == [{"type": "Percent", "value": 100, "periodSeconds": 15}]


HPA_V2 = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 0.5Gi}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 60}
"""


@pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed")
def test_the_real_kubectl_patches_a_v2_hpa_through_v1_without_losing_fields(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        assert lab.kubectl("apply", "-f", "-", stdin=HPA_V2).stdout == \
            "horizontalpodautoscaler.autoscaling/web created\n"
        v1 = json.loads(lab.kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o", "json").stdout)
        assert v1["spec"]["targetCPUUtilizationPercentage"] == 50
        annotations = v1["metadata"]["annotations"]
        assert json.loads(annotations[METRICS]) == [
            {"type": "Resource", "resource": {"name": "memory", "targetAverageValue": "512Mi"}}]
        assert json.loads(annotations[BEHAVIOR])["ScaleDown"] == {
            "StabilizationWindowSeconds": 60, "SelectPolicy": "Max",
            "Policies": [{"Type": "Percent", "Value": 100, "PeriodSeconds": 15}]}
        out = lab.kubectl("patch", "horizontalpodautoscalers.v1.autoscaling", "web", "--type=merge", "-p",
                          '{"spec":{"maxReplicas":8}}')
        assert out.stdout == "horizontalpodautoscaler.autoscaling/web patched\n"
        stored = lab.objects("HorizontalPodAutoscaler")["web"]
        assert stored["spec"]["maxReplicas"] == 8
        assert [m["resource"]["name"] for m in stored["spec"]["metrics"]] == ["memory", "cpu"]
        assert stored["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == 60
        assert not any(k.startswith("autoscaling.alpha") for k in (stored["metadata"].get("annotations") or {}))
