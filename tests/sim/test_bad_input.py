"""Bad input refused cleanly: the issue's examples and the class behind them, through every door
that writes (kubectl apply, create, replace, server dry runs, the REST API's POST, PUT and
patches), each refusal in the apiserver's words with nothing stored, and a bug in a check turned
into a refusal instead of an internal error.

The expected texts are the apiserver's (pkg/apis/core/validation, encoding/json, base64) as the
real kubectl v1.32 prints them against our API: tests/kubectl/test_apply_multidoc.py runs the
same documents through the real binary."""

from __future__ import annotations

import json

import pytest

from server import apiserver
from server.kubectl import run
from server.sim import admission
from server.sim.admission import base64_error, parse_manifests
from server.sim.api import ApiError
from server.sim.cluster import Cluster

POD_NULL = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\nspec:\n  containers: [null]\n"
SVC_NULL = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s1\nspec:\n  ports: [null]\n"
POD_INVALID = ('The Pod "p1" is invalid: \n* spec.containers[0].name: Required value\n'
               "* spec.containers[0].image: Required value\n")
PORT_INVALID = ("spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, "
                "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive")
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
"""


@pytest.fixture
def c() -> Cluster:
    return Cluster(seed=1)


def kubectl(c: Cluster, line: str, stdin: str = "") -> tuple[str, int]:
    result = run(c, line, stdin)
    return result.output, result.exit_code


# -- the examples --------------------------------------------------------------------------
@pytest.mark.parametrize("verb", ["apply", "create", "apply --dry-run=server", "create --dry-run=server"])
def test_a_null_container_is_refused_and_creates_no_pod(c, verb):
    rv = c.store.rv
    out, code = kubectl(c, f"kubectl {verb} -f -", POD_NULL)
    assert (out, code) == (POD_INVALID, 1)
    assert c.store.rv == rv and c.store.get("Pod", "default", "p1") is None
    c.advance(10)  # the scheduler and the kubelets have nothing odd to trip on
    assert kubectl(c, "kubectl get pods") == ("No resources found in default namespace.\n", 0)


def test_a_null_service_port_is_refused_and_services_still_list(c):
    out, code = kubectl(c, "kubectl apply -f -", SVC_NULL)
    assert code == 1
    assert out == (f'The Service "s1" is invalid: \n* {PORT_INVALID.replace(", spec", chr(10) + "* spec")}\n')
    listed, code = kubectl(c, "kubectl get svc")
    assert code == 0 and listed.splitlines()[1].startswith("kubernetes ")


def test_a_missing_service_port_is_go_zero_as_validate_service_port_says(c):
    svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s2\nspec:\n  ports:\n  - targetPort: 80\n"
    out, _ = kubectl(c, "kubectl apply -f -", svc)
    assert out == 'The Service "s2" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n'


def test_an_undecodable_document_does_not_hide_the_others(c):
    text = "---\n".join([
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x]\n",
        POD_NULL,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"])
    out, code = kubectl(c, "kubectl apply -f -", text)
    assert code == 1
    assert out.splitlines() == [
        "configmap/a created", "configmap/b created",
        'unable to decode "STDIN": json: cannot unmarshal array into Go struct field ObjectMeta.metadata.name '
        "of type string",
        'Error from server (Invalid): error when creating "STDIN": Pod "p1" is invalid: '
        "[spec.containers[0].name: Required value, spec.containers[0].image: Required value]"]
    assert {o["metadata"]["name"] for o in c.store.list("ConfigMap", "default")} >= {"a", "b"}


def test_create_reports_the_undecodable_document_after_the_requests(c):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x]\n---\n" + POD_NULL
    out, _ = kubectl(c, "kubectl create -f -", text)
    assert out.splitlines()[-1].startswith('unable to decode "STDIN"')
    assert out.splitlines()[0].startswith('Error from server (Invalid): error when creating "STDIN": Pod "p1"')


# -- null items are Go's zero values -------------------------------------------------------------
def test_null_items_decode_as_zero_values(c):
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: z\n  labels: {a: null}\nspec:\n  containers:\n"
           "  - name: c\n    image: busybox\n    args: [sleep, null]\n")
    assert kubectl(c, "kubectl apply -f -", pod) == ("pod/z created\n", 0)
    stored = c.store.get("Pod", "default", "z")
    assert stored["metadata"]["labels"] == {"a": ""}
    assert stored["spec"]["containers"][0]["args"] == ["sleep", ""]


def test_a_null_toleration_is_an_empty_one(c):
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\nspec:\n  containers: [{name: a, image: nginx}]\n"
           "  tolerations: [null, {operator: Exists, value: x}]\n")
    out, _ = kubectl(c, "kubectl apply -f -", pod)
    assert out == (
        'The Pod "t" is invalid: \n'
        '* spec.tolerations[0].operator: Invalid value: "": operator must be Exists when `key` is empty, which '
        'means "match all values and all keys"\n'
        '* spec.tolerations[1].operator: Invalid value: core.Toleration{Key:"", Operator:"Exists", Value:"x", '
        'Effect:"", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is \'Exists\'\n')


# -- the other doors write nothing when they refuse ------------------------------------------------
def test_an_update_to_a_null_container_changes_nothing(c):
    assert kubectl(c, "kubectl apply -f -", DEPLOYMENT)[1] == 0
    c.advance(5)
    before = c.store.get("Deployment", "default", "web")
    broken = DEPLOYMENT.replace("      - name: nginx\n        image: nginx:1.27\n", "      - null\n")
    rv = c.store.rv
    out, code = kubectl(c, "kubectl apply -f -", broken)
    # kubectl's CheckErr prints an Invalid StatusError by its causes (AddSourceToErr keeps the Status)
    assert (out, code) == ('The Deployment "web" is invalid: \n* spec.template.spec.containers[0].name: Required '
                           'value\n* spec.template.spec.containers[0].image: Required value\n', 1)
    out, code = kubectl(c, "kubectl replace -f -", broken)
    assert code == 1 and "spec.template.spec.containers[0].name: Required value" in out
    assert c.store.rv == rv and c.store.get("Deployment", "default", "web") == before


def _rest(c: Cluster, method: str, segments: list[str], body: object, content_type: str = "application/json",
          group: str = "", version: str = "v1", query: dict | None = None) -> apiserver.Answer:
    req = apiserver.resolve(method, group, version, segments, query or {})
    return apiserver.write(c, req, json.dumps(body), content_type)


@pytest.mark.parametrize("content_type", ["application/merge-patch+json", "application/strategic-merge-patch+json"])
def test_a_patch_to_null_ports_is_a_422_and_changes_nothing(c, content_type):
    kubectl(c, "kubectl apply -f -", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
                                     "  ports: [{port: 80}]\n")
    rv = c.store.rv
    answer = _rest(c, "PATCH", ["namespaces", "default", "services", "web"], {"spec": {"ports": [None]}},
                   "application/merge-patch+json" if content_type.startswith("application/merge") else content_type)
    if content_type.startswith("application/strategic"):
        # a strategic merge of a null item has no merge key to match: strategicpatch's own refusal
        assert answer.code >= 400
    else:
        assert answer.code == 422
        assert answer.body["message"] == f'Service "web" is invalid: [{PORT_INVALID}]'
    assert c.store.rv == rv
    assert kubectl(c, "kubectl get svc web")[1] == 0


@pytest.mark.parametrize("query", [{}, {"dryRun": "All"}])
def test_a_rest_create_of_a_null_container_is_a_422_and_stores_nothing(c, query):
    rv = c.store.rv
    body = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1"}, "spec": {"containers": [None]}}
    answer = _rest(c, "POST", ["namespaces", "default", "pods"], body, query=query)
    assert answer.code == 422 and answer.body["reason"] == "Invalid"
    assert [x["field"] for x in answer.body["details"]["causes"]] == ["spec.containers[0].name",
                                                                     "spec.containers[0].image"]
    assert c.store.rv == rv


# -- decoding in encoding/json's words -----------------------------------------------------------
def test_secret_data_that_is_not_base64_is_refused_by_the_decoder(c):
    secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  k: abc\n"
    out, code = kubectl(c, "kubectl apply -f -", secret)
    assert (out, code) == ('Error from server (BadRequest): error when creating "STDIN": Secret in version "v1" '
                           "cannot be handled as a Secret: illegal base64 data at input byte 0\n", 1)
    assert c.store.get("Secret", "default", "s") is None


@pytest.mark.parametrize(("text", "error"), [
    ("", None), ("YQ==", None), ("YWJj", None), ("YW\nJj", None), ("YQ==\n", None),
    ("a", "illegal base64 data at input byte 0"),
    ("abcdab", "illegal base64 data at input byte 4"),  # the second quantum is short
    ("YQ=", "illegal base64 data at input byte 3"),  # one = where two are due
    ("Y===", "illegal base64 data at input byte 1"),
    ("YQ==x", "illegal base64 data at input byte 4"),  # garbage after the padding
    ("Y Q==", "illegal base64 data at input byte 1"),
])
def test_base64_errors_are_decode_quantums(text, error):
    assert base64_error(text) == error


def test_a_json_stream_is_read_as_json():
    """kubectl's YAMLOrJSONDecoder: a stream that starts with { is JSON, where a C1 control
    character in a string is fine (YAML would refuse it)."""
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a\u0081"}}\n{"apiVersion": "v1", ' \
           '"kind": "ConfigMap", "metadata": {"name": "b"}}'
    assert [d["metadata"]["name"] for d in parse_manifests(text, "x.json")] == ["a\u0081", "b"]
    with pytest.raises(admission.ManifestError) as e:
        parse_manifests('kind: "\u0081"', "x.yml")
    assert e.value.message == "error: error parsing x.yml: error converting YAML to JSON: yaml: control characters " \
                              "are not allowed"


def test_a_name_with_a_control_character_is_go_quoted(c):
    doc = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x\\u001e"}}'
    out, _ = kubectl(c, "kubectl apply -f -", doc)
    assert out.startswith('The ConfigMap "x\\x1e" is invalid: metadata.name: Invalid value: "x\\x1e": ')


def test_apply_of_a_nameless_document_asks_for_a_name(c):
    out, code = kubectl(c, "kubectl apply -f -", "apiVersion: apps/v1\nkind: Deployment\nmetadata: null\n")
    assert (out, code) == ('error: error when retrieving current configuration of:\nResource: "apps/v1, '
                           'Resource=deployments", GroupVersionKind: "apps/v1, Kind=Deployment"\nName: "", '
                           'Namespace: "default"\nfrom server for: "STDIN": resource name may not be empty\n', 1)


def test_delete_of_a_nameless_document_says_so(c):
    out, code = kubectl(c, "kubectl delete -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata: null\n")
    assert (out, code) == ('error: error when deleting "STDIN": resource name may not be empty\n', 1)


# -- a bug in a check is a refusal, not an internal error ----------------------------------------
def test_an_exception_in_a_validator_refuses_the_write_and_is_kept(c, monkeypatch):
    def broken(errs, obj, r):
        raise KeyError("oops")

    monkeypatch.setitem(admission._VALIDATORS, "ConfigMap", broken)
    rv = c.store.rv
    with pytest.raises(ApiError) as e:
        c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}})
    assert (e.value.code, e.value.reason) == (400, "BadRequest")
    assert e.value.message == ('ConfigMap in version "v1" cannot be handled as a ConfigMap: kubeplay could not check '
                               "this object (KeyError); nothing was stored")
    assert c.store.rv == rv
    assert c.api.internal_errors == [("ConfigMap", "KeyError: 'oops'")]
    out, code = kubectl(c, "kubectl apply -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n")
    assert code == 1 and out.startswith('Error from server (BadRequest): error when creating "STDIN": ConfigMap in')
    assert "internal error" not in out
