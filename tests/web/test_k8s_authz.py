"""Who a REST request is, and the review endpoints: the real kubectl v1.32's ``auth can-i`` (``--list``,
``--as``, ``--as-group``, non-resource URLs, subresources) and ``auth whoami`` against a sandbox's
``/k8s/<id>`` API must print what kubeplay's own terminal prints for the same line; the review bodies
and refusals over plain HTTP as the apiserver answers them."""

from __future__ import annotations

import json
import shlex
import urllib.error
import urllib.request

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: these tests drive the real one")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        yield lab


def post(lab, path: str, body: dict | None, headers: dict | None = None, method: str = "POST") -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{lab.base}/k8s/{lab.sid}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


LINES = [
    "auth can-i get pods",
    "auth can-i create deployments.apps -n kube-system",
    "auth can-i '*' '*'",
    "auth can-i get /healthz",
    "auth can-i get pods/log",
    "auth can-i get pods --subresource=log",
    "auth can-i list secrets -A",
    "auth can-i get pods --as jane",
    "auth can-i delete nodes --as system:serviceaccount:default:default",
    "auth can-i get pods --as jane --as-group system:masters",
    "auth can-i --list",
    "auth can-i --list -n kube-system",
    "auth can-i --list --as jane",
    "auth can-i --list --no-headers --as jane --as-group dev",
    "auth whoami",
    "auth whoami -o json",
    "auth whoami -o yaml",
    "auth whoami --as jane --as-group dev --as-group ops",
    "auth whoami --as system:serviceaccount:kube-system:default",
    "--as jane --as-uid 1234 auth whoami",
]


@pytest.mark.parametrize("line", LINES)
def test_the_real_kubectl_prints_what_the_terminal_prints(lab, line):
    real = lab.kubectl(*shlex.split(line), check=False)
    engine = lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": f"kubectl {line}"})
    assert (real.stderr + real.stdout, real.returncode) == (engine["output"], engine["exitCode"])


def test_a_self_subject_access_review_is_answered_and_not_stored(lab):
    before = lab.get(f"/api/sandboxes/{lab.sid}/objects")["rv"]
    code, body = post(lab, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                      {"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
                       "spec": {"resourceAttributes": {"verb": "get", "resource": "pods", "namespace": "default"}}})
    assert code == 201
    assert body["kind"] == "SelfSubjectAccessReview" and body["status"] == {"allowed": True}
    code, body = post(lab, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                      {"spec": {"resourceAttributes": {"verb": "get", "resource": "pods"}}},
                      {"Impersonate-User": "jane"})
    assert code == 201 and body["status"] == {"allowed": False}
    assert lab.get(f"/api/sandboxes/{lab.sid}/objects")["rv"] == before


def test_a_review_without_attributes_is_invalid(lab):
    code, body = post(lab, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {"spec": {}})
    assert code == 422 and body["reason"] == "Invalid"
    assert body["message"] == ('SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: '
                               'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes '
                               "must be specified")


def test_reviews_take_only_post(lab):
    code, body = post(lab, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", None, method="GET")
    assert code == 405 and body["reason"] == "MethodNotAllowed"


def test_self_subject_review_names_the_impersonated_user(lab):
    code, body = post(lab, "/apis/authentication.k8s.io/v1/selfsubjectreviews", {},
                      {"Impersonate-User": "jane", "Impersonate-Group": "dev"})
    assert code == 201
    assert body["status"]["userInfo"] == {"username": "jane", "groups": ["dev", "system:authenticated"]}
    code, body = post(lab, "/apis/authentication.k8s.io/v1/selfsubjectreviews", {})
    assert body["status"]["userInfo"] == {"username": "kubernetes-admin",
                                          "groups": ["system:masters", "system:authenticated"]}


def test_groups_without_a_user_are_refused(lab):
    code, body = post(lab, "/apis/authentication.k8s.io/v1/selfsubjectreviews", {}, {"Impersonate-Group": "dev"})
    assert code == 500 and body["reason"] == "InternalError"
    assert "without impersonating a user" in body["message"]


def test_discovery_lists_the_review_endpoints(lab):
    real = lab.kubectl("api-resources", "--api-group=authorization.k8s.io", check=False)
    assert real.returncode == 0, real.stderr
    assert [line.split()[0] for line in real.stdout.splitlines()[1:]] == [
        "localsubjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews"]
    engine = lab.engine("kubectl api-resources --api-group=authorization.k8s.io")
    assert engine == real.stdout
