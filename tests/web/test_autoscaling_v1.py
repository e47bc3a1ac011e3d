"""autoscaling/v1 HorizontalPodAutoscalers over the REST API, beside the stored autoscaling/v2: the real
kubectl v1.32 applies a v1 manifest, reads it back in either version, patches it through v1; discovery
lists both versions, v2 preferred, as api/discovery/apis__autoscaling.json of kubernetes/kubernetes.
"""

from __future__ import annotations

import json

import pytest

from tests.labserver import paused_lab

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx}]}
"""
HPA_V1 = """\
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
  targetCPUUtilizationPercentage: 55
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with paused_lab(tmp_path_factory, apply=DEPLOYMENT) as lab:
        yield lab


def test_discovery_lists_v2_preferred_then_v1(lab):
    group = json.loads(lab.kubectl("get", "--raw", f"/k8s/{lab.sid}/apis/autoscaling").stdout)
    assert group["versions"] == [{"groupVersion": "autoscaling/v2", "version": "v2"},
                                 {"groupVersion": "autoscaling/v1", "version": "v1"}]
    assert group["preferredVersion"] == {"groupVersion": "autoscaling/v2", "version": "v2"}
    v1 = json.loads(lab.kubectl("get", "--raw", f"/k8s/{lab.sid}/apis/autoscaling/v1").stdout)
    assert [(r["name"], r.get("storageVersionHash")) for r in v1["resources"]] == [
        ("horizontalpodautoscalers", "qwQve8ut294="), ("horizontalpodautoscalers/status", None)]
    versions = lab.kubectl("api-versions").stdout.splitlines()
    assert "autoscaling/v1" in versions and "autoscaling/v2" in versions


def test_a_v1_manifest_is_stored_as_v2_and_served_in_both(lab):
    out = lab.kubectl("apply", "-f", "-", stdin=HPA_V1)
    assert out.stdout == "horizontalpodautoscaler.autoscaling/web created\n"
    v2 = json.loads(lab.kubectl("get", "hpa", "web", "-o", "json").stdout)
    assert v2["apiVersion"] == "autoscaling/v2"
    assert v2["spec"]["metrics"] == [{"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "averageUtilization": 55}}}]
    v1 = json.loads(lab.kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o", "json").stdout)
    assert v1["apiVersion"] == "autoscaling/v1"
    assert v1["spec"] == {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                          "minReplicas": 2, "maxReplicas": 6, "targetCPUUtilizationPercentage": 55}
    assert v1["metadata"]["uid"] == v2["metadata"]["uid"]
    listed = json.loads(lab.kubectl("get", "--raw",
                                    f"/k8s/{lab.sid}/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers").stdout)
    assert (listed["kind"], listed["apiVersion"]) == ("HorizontalPodAutoscalerList", "autoscaling/v1")
    assert [i["spec"]["targetCPUUtilizationPercentage"] for i in listed["items"]] == [55]
    # the table is the same whichever version is asked for
    table_v1 = lab.kubectl("get", "horizontalpodautoscalers.v1.autoscaling").stdout
    assert table_v1 == lab.kubectl("get", "hpa").stdout
    assert table_v1.splitlines()[1].split()[:6] == ["web", "Deployment/web", "cpu:", "<unknown>/55%", "2", "6"]


def test_a_patch_through_v1_changes_the_stored_v2(lab):
    lab.kubectl("apply", "-f", "-", stdin=HPA_V1)
    out = lab.kubectl("patch", "horizontalpodautoscalers.v1.autoscaling", "web", "--type=merge", "-p",
                      '{"spec":{"targetCPUUtilizationPercentage":70,"maxReplicas":9}}')
    assert out.stdout == "horizontalpodautoscaler.autoscaling/web patched\n"
    stored = lab.objects("HorizontalPodAutoscaler")["web"]
    assert stored["apiVersion"] == "autoscaling/v2" and stored["spec"]["maxReplicas"] == 9
    assert stored["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 70
    assert lab.engine("kubectl get hpa web -o jsonpath={.spec.maxReplicas}") == "9"


TYPO = HPA_V1.replace("  targetCPUUtilizationPercentage: 55", "  targetCPUUtilisationPercentage: 55")


@pytest.mark.parametrize("validate", ["strict", "true"])
def test_an_unknown_v1_field_is_refused_not_dropped(lab, validate):
    """A field only v1 lacks must not vanish in the conversion to v2: the apiserver decodes the
    v1 body strictly against the v1 schema (kubectl's default is server-side Strict validation)."""
    lab.kubectl("delete", "hpa", "web", "--ignore-not-found")
    out = lab.kubectl("apply", f"--validate={validate}", "-f", "-", stdin=TYPO, check=False)
    assert out.returncode == 1
    assert out.stderr == ('Error from server (BadRequest): error when creating "STDIN": HorizontalPodAutoscaler in '
                          'version "v1" cannot be handled as a HorizontalPodAutoscaler: strict decoding error: '
                          'unknown field "spec.targetCPUUtilisationPercentage"\n')
    assert "web" not in lab.objects("HorizontalPodAutoscaler")


def test_an_unknown_v1_field_is_a_warning_when_asked(lab):
    lab.kubectl("delete", "hpa", "web", "--ignore-not-found")
    out = lab.kubectl("apply", "--validate=warn", "-f", "-", stdin=TYPO)
    assert out.stdout == "horizontalpodautoscaler.autoscaling/web created\n"
    assert out.stderr == 'Warning: unknown field "spec.targetCPUUtilisationPercentage"\n'
    # the misspelt target is gone: the HPA keeps v1's default of 80 %
    got = json.loads(lab.kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o", "json").stdout)
    assert got["spec"]["targetCPUUtilizationPercentage"] == 80
