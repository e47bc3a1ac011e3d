"""Server-side apply's refusals over the Kubernetes API, as the v1.32 apiserver words them:
the field manager's checks of the configuration (``ssa.check_config``), then patch.go's
``checkName`` of the merged object against the URL — and a refused apply stores nothing; and the
same ``checkName`` of an update's (PUT) body."""

from __future__ import annotations

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

CM = "/api/v1/namespaces/default/configmaps"
APPLY = "application/apply-patch+yaml"


def _apply(client, sid, name: str, body: str, manager: str = "me", ns: str = "default"):
    return client.patch(f"/k8s/{sid}/api/v1/namespaces/{ns}/configmaps/{name}?fieldManager={manager}",
                        data=body, content_type=APPLY)


def _objects(client, sid) -> dict:
    return {(o["metadata"].get("namespace"), o["metadata"]["name"]): o
            for o in client.get(f"/api/sandboxes/{sid}/objects").json["objects"] if o["kind"] == "ConfigMap"}


@pytest.mark.parametrize(("body", "code", "message"), [
    ("apiVersion: v1\nkind: ConfigMap\ndata: {a: '1'}\n", 400,
     "the name of the object (x based on URL) was undeterminable: name must be provided"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: null\n", 400,
     "the name of the object (x based on URL) was undeterminable: name must be provided"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\n", 400,
     "the name of the object (y) does not match the name on the URL (x)"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: other}\n", 400,
     "the namespace of the object (other) does not match the namespace on the request (default)"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, managedFields: []}\n", 400,
     "metadata.managedFields must be nil"),
    ("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n", 400, "invalid object type: /v1, Kind=Secret"),
    ("- a\n", 400, "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                   "array into Go value of type map[string]interface {}"),
])
def test_a_refused_create_is_a_bad_request_and_stores_nothing(client, sid, body, code, message):
    before = _objects(client, sid)
    r = _apply(client, sid, "x", body)
    assert r.status_code == code, r.json
    assert r.json == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                      "message": message, "reason": "BadRequest", "code": code}
    assert _objects(client, sid) == before


def test_metadata_that_is_no_map_is_the_internal_error_v132_answers(client, sid):
    """v1.32 returns the typed conversion's failure as a plain error: a 500 whose Status has no
    reason (kubernetes/kubernetes#122480 made it a 400 after v1.32)."""
    r = _apply(client, sid, "x", "apiVersion: v1\nkind: ConfigMap\nmetadata: x\n")
    assert r.status_code == 500
    assert r.json == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                      "message": "failed to create typed patch object (/; /v1, Kind=ConfigMap): .metadata: "
                                 "expected map, got &{x}", "code": 500}
    assert ("default", "x") not in _objects(client, sid)


def test_an_apply_without_a_name_updates_the_object_the_url_names(client, sid):
    """On an existing object the merge keeps its name, so the configuration may leave it out
    (or send ``metadata: null``); another name is refused."""
    created = _apply(client, sid, "x", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: '1'}\n")
    assert created.status_code == 201
    assert created.json["metadata"]["namespace"] == "default"
    r = _apply(client, sid, "x", "apiVersion: v1\nkind: ConfigMap\nmetadata: null\ndata: {b: '2'}\n")
    assert r.status_code == 200, r.json
    assert r.json["data"] == {"b": "2"}  # the manager's field a, no longer applied, is pruned
    r = _apply(client, sid, "x", "apiVersion: v1\nkind: ConfigMap\ndata: {c: '3'}\n", manager="other")
    assert r.status_code == 200, r.json
    assert r.json["data"] == {"b": "2", "c": "3"}
    rv = r.json["metadata"]["resourceVersion"]
    r = _apply(client, sid, "x", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\ndata: {b: '5'}\n")
    assert (r.status_code, r.json["message"]) == (400, "the name of the object (y) does not match the name on the "
                                                        "URL (x)")
    stored = _objects(client, sid)[("default", "x")]
    assert stored["data"] == {"b": "2", "c": "3"} and stored["metadata"]["resourceVersion"] == rv


def test_a_cluster_scoped_apply_keeps_no_namespace(client, sid):
    r = client.patch(f"/k8s/{sid}/api/v1/namespaces/team-a?fieldManager=me", content_type=APPLY,
                     data="apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a, namespace: default}\n")
    assert r.status_code == 201, r.json
    assert "namespace" not in r.json["metadata"]
    r = client.patch(f"/k8s/{sid}/api/v1/namespaces/team-b?fieldManager=me", content_type=APPLY,
                     data="apiVersion: v1\nkind: Namespace\n")
    assert (r.status_code, r.json["message"]) == (
        400, "the name of the object (team-b based on URL) was undeterminable: name must be provided")


@pytest.mark.parametrize(("containers", "error"), [
    ("[nginx]", ".spec.containers: element 0: associative list with keys may not have non-map elements"),
    ("[{name: a, image: nginx}, {name: a, image: busybox}]",
     '.spec.containers: duplicate entries for key [name="a"]'),
    ("[{name: a, image: nginx, imagePolicy: x}]",
     '.spec.containers[name="a"].imagePolicy: field not declared in schema'),
    ("[{name: a, image: nginx, imagePolicy: x}]\n  restartPolicyy: Never",
     'errors:\n  .spec.containers[name="a"].imagePolicy: field not declared in schema\n'
     "  .spec.restartPolicyy: field not declared in schema"),
])
def test_a_configuration_smd_cannot_type_is_v132s_plain_error(client, sid, containers, error):
    """The typed conversion of the patch object (ObjectToTyped, no duplicates allowed) fails as a
    plain Go error in v1.32: a 500 with no reason, naming the object and its kind."""
    body = f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers: {containers}\n"
    r = client.patch(f"/k8s/{sid}/api/v1/namespaces/default/pods/p?fieldManager=me", data=body, content_type=APPLY)
    assert r.status_code == 500
    assert r.json == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "code": 500,
                      "message": f"failed to create typed patch object (/p; /v1, Kind=Pod): {error}"}
    pods = [o for o in client.get(f"/api/sandboxes/{sid}/objects").json["objects"] if o["kind"] == "Pod"]
    assert "p" not in {o["metadata"]["name"] for o in pods}


@pytest.mark.parametrize(("metadata", "message"), [
    (None, "the name of the object (x based on URL) was undeterminable: name must be provided"),
    ({}, "the name of the object (x based on URL) was undeterminable: name must be provided"),
    ({"name": "y"}, "the name of the object (y) does not match the name on the URL (x)"),
    ({"name": "x", "namespace": "other"},
     "the namespace of the object (other) does not match the namespace on the request (default)"),
])
def test_an_update_names_the_object_of_its_url(client, sid, metadata, message):
    """update.go: checkName right after decoding the body, before admission."""
    assert _apply(client, sid, "x", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: '1'}\n"
                  ).status_code == 201
    before = _objects(client, sid)[("default", "x")]
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": {"a": "2"}}
    r = client.put(f"/k8s/{sid}{CM}/x", json=body)
    assert (r.status_code, r.json["reason"], r.json["message"]) == (400, "BadRequest", message)
    assert _objects(client, sid)[("default", "x")] == before
    body["metadata"] = {"name": "x", "namespace": "default"}
    assert client.put(f"/k8s/{sid}{CM}/x", json=body).status_code == 200
    assert _objects(client, sid)[("default", "x")]["data"] == {"a": "2"}


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  replica: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx}]}
"""


@pytest.mark.parametrize("validate", ["strict", "false"])
def test_the_real_kubectl_prints_an_undeclared_field_as_v132s_500(tmp_path_factory, validate):
    """kubectl's server-side validation never gets to speak: the field manager's typed conversion
    fails first, and kubectl prints the reason-less Status as ``Error from server: <message>``."""
    if KUBECTL is None:
        pytest.skip("no kubectl installed: the comparison needs the real one")
    with lab_server(tmp_path_factory) as lab:
        out = lab.kubectl("apply", "--server-side", f"--validate={validate}", "-f", "-", stdin=DEPLOYMENT, check=False)
        assert (out.returncode, out.stdout) == (1, "")
        assert out.stderr == ("Error from server: failed to create typed patch object (default/web; apps/v1, "
                              "Kind=Deployment): .spec.replica: field not declared in schema\n")
        assert "web" not in lab.objects("Deployment")
