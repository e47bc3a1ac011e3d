"""Web hygiene, through the Flask test client: what a hostile or careless request gets, and what every
response carries.

- a deeply nested JSON body is a 400 in each API's shape (it was a 500: RecursionError), and the
  sandbox is unchanged; a body over the 3 MiB limit is a 413 with a Content-Length and without one
  (chunked), which was read as empty (a 400);
- a page-API write whose body is no JSON (an HTML form's) is a 415 and changes nothing; a browser's
  cross-site write is a 403; the page's own requests (a JSON body, or none) still work;
- the Kubernetes API keeps taking every content type kubectl sends (create, merge, strategic-merge,
  JSON patch, server-side apply);
- every response — the page, its assets, the JSON APIs, an error — carries the security headers.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from server.web.hygiene import CSP, json_too_deep

ROOT = Path(__file__).resolve().parents[2]
DEEP = "[" * 100_000 + "]" * 100_000


class Chunks(io.RawIOBase):
    """A request body as a server hands a chunked one: no Content-Length, read until it ends."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # noqa: ANN001
        return self.data.readinto(b)


def chunked(client, path: str, data: bytes, content_type: str = "application/json"):
    return client.post(path, environ_overrides={"wsgi.input": Chunks(data)},
                       headers={"Transfer-Encoding": "chunked", "Content-Type": content_type})


def _configmaps(client, sid: str) -> list[str]:
    r = client.get(f"/k8s/{sid}/api/v1/namespaces/default/configmaps")
    assert r.status_code == 200
    return [item["metadata"]["name"] for item in r.json["items"]]


def _history(client, sid: str) -> list[str]:
    return client.get(f"/api/sandboxes/{sid}/history").json["history"]


# -- nesting -------------------------------------------------------------------------------------
def test_deep_json_on_the_page_api_is_a_400(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/run", data=DEEP, content_type="application/json")
    assert r.status_code == 400
    assert r.json == {"error": "error decoding json: exceeded max depth of 500"}
    r = client.post("/api/sandboxes/import", data=DEEP, content_type="application/json")
    assert r.status_code == 400
    assert _history(client, sid) == []


def test_deep_json_on_the_kubernetes_api_is_a_bad_request_status(client, sid):
    before = _configmaps(client, sid)
    body = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "deep"}, "x": ' + DEEP + "}"
    r = client.post(f"/k8s/{sid}/api/v1/namespaces/default/configmaps", data=body, content_type="application/json")
    assert r.status_code == 400
    assert r.json == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                      "message": "error decoding json: exceeded max depth of 500", "reason": "BadRequest", "code": 400}
    r = client.patch(f"/k8s/{sid}/api/v1/namespaces/default/configmaps/kube-root-ca.crt", data=DEEP,
                     content_type="application/merge-patch+json")
    assert r.status_code == 400 and r.json["reason"] == "BadRequest"
    assert _configmaps(client, sid) == before


def test_yaml_nested_by_indentation_is_a_bad_request_status(client, sid):
    """A server-side apply body is YAML: nesting by indentation has no brackets for the web layer's
    check to count, so the apiserver's own decoding refuses it (it was a RecursionError)."""
    before = _configmaps(client, sid)
    body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\nx:\n" + "".join(
        " " * (i + 1) + "k:\n" for i in range(1200))
    r = client.patch(f"/k8s/{sid}/api/v1/namespaces/default/configmaps/deep?fieldManager=me", data=body,
                     content_type="application/apply-patch+yaml")
    assert r.status_code == 400
    assert (r.json["reason"], r.json["message"]) == ("BadRequest", "error decoding yaml: yaml: exceeded max depth of 500")
    assert _configmaps(client, sid) == before


def test_nesting_check_counts_brackets_outside_strings():
    assert not json_too_deep(b'{"a": "' + b"[" * 1000 + b'"}', 500)  # inside a string: text
    assert not json_too_deep(b'{"a": "\\"' + b"[" * 1000 + b'"}', 500)  # an escaped quote does not end it
    assert not json_too_deep(b"[" * 500 + b"]" * 500, 500)
    assert json_too_deep(b"[" * 501 + b"]" * 501, 500)
    assert not json_too_deep(b"[]" * 10_000, 500)  # many, but side by side
    assert json_too_deep(b'{"a":' * 300 + b"[" * 300, 500)


# -- size --------------------------------------------------------------------------------------
BIG = b'{"command": "' + b"x" * (3 * 1024 * 1024) + b'"}'


def test_a_body_over_the_limit_is_a_413_with_or_without_content_length(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/run", data=BIG, content_type="application/json")
    assert r.status_code == 413
    assert r.json == {"error": "request body too large: the limit is 3145728 bytes"}
    r = chunked(client, f"/api/sandboxes/{sid}/run", BIG)
    assert r.status_code == 413
    assert r.json == {"error": "request body too large: the limit is 3145728 bytes"}
    r = chunked(client, f"/k8s/{sid}/api/v1/namespaces/default/configmaps", BIG)
    assert r.status_code == 413
    assert r.json["reason"] == "RequestEntityTooLarge"
    assert r.json["message"] == "Request entity too large: limit is 3145728"
    assert _history(client, sid) == []


def test_a_chunked_body_within_the_limit_is_read(client, sid):
    r = chunked(client, f"/api/sandboxes/{sid}/run", json.dumps({"command": "echo chunked"}).encode())
    assert r.status_code == 200
    assert r.json["output"] == "chunked\n"
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "chunky"}, "data": {"a": "1"}}
    r = chunked(client, f"/k8s/{sid}/api/v1/namespaces/default/configmaps", json.dumps(cm).encode())
    assert r.status_code == 201
    assert "chunky" in _configmaps(client, sid)


# -- media types and cross-site writes ---------------------------------------------------------
def test_a_form_post_cannot_drive_a_sandbox(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/run", data={"command": "kubectl create deployment x --image=nginx"})
    assert r.status_code == 415
    assert r.json == {"error": "the request body must be JSON, sent with Content-Type: application/json "
                               "(not application/x-www-form-urlencoded)"}
    r = client.post(f"/api/sandboxes/{sid}/run", data='{"command": "kubectl create deployment x --image=nginx"}',
                    content_type="text/plain")  # what a form with enctype=text/plain sends
    assert r.status_code == 415
    r = client.post(f"/api/sandboxes/{sid}/nodes", data={"name": "node9"},
                    content_type="multipart/form-data")
    assert r.status_code == 415
    assert _history(client, sid) == []
    names = {(o["kind"], o["metadata"]["name"]) for o in client.get(f"/api/sandboxes/{sid}/objects").json["objects"]}
    assert ("Deployment", "coredns") in names  # the objects are there, and none of the forms' came
    assert ("Deployment", "x") not in names and ("Node", "node9") not in names


def test_the_pages_own_requests_still_work(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "echo hi"})
    assert r.status_code == 200 and r.json["output"] == "hi\n"
    r = client.post(f"/api/sandboxes/{sid}/run", data=json.dumps({"command": "echo utf"}),
                    content_type="application/json; charset=utf-8")
    assert r.status_code == 200 and r.json["output"] == "utf\n"
    assert client.post(f"/api/sandboxes/{sid}/share").status_code == 200  # no body, no type
    r = client.post(f"/api/sandboxes/{sid}/run", data=json.dumps({"command": "echo untyped"}))
    assert r.status_code == 200 and r.json["output"] == "untyped\n"  # no type: read as JSON, as the apiserver does
    r = client.post(f"/api/sandboxes/{sid}/nodes", data=b"", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 201  # an empty body (urllib's POST) carries nothing to refuse
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "echo same"}, headers={"Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 200


def test_the_page_sends_json_with_its_type():
    """Every body the page's scripts POST goes with ``Content-Type: application/json``."""
    api = (ROOT / "static/src/api.js").read_text()
    assert "init.headers['Content-Type'] = 'application/json';\n    init.body = JSON.stringify(body);" in api
    share = (ROOT / "static/src/share.js").read_text()
    assert "async function post(url, body, contentType = 'application/json')" in share
    assert "post('/api/sandboxes/import', await file.text())" in share


def test_a_browsers_cross_site_write_is_refused(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/nodes/node1/fail", headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert "another site" in r.json["error"]
    r = client.delete(f"/k8s/{sid}/api/v1/namespaces/default/configmaps/kube-root-ca.crt",
                      headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403 and r.json["kind"] == "Status" and r.json["reason"] == "Forbidden"
    assert "kube-root-ca.crt" in _configmaps(client, sid)
    nodes = {o["metadata"]["name"]: o for o in client.get(f"/api/sandboxes/{sid}/objects").json["objects"]
             if o["kind"] == "Node"}
    ready = {c["type"]: c["status"] for c in nodes["node1"]["status"]["conditions"]}
    assert ready["Ready"] == "True"
    assert client.get(f"/api/sandboxes/{sid}", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


KUBECTL_WRITES = [
    ("PATCH", "application/merge-patch+json", '{"data": {"b": "merge"}}', {"a": "1", "b": "merge"}),
    ("PATCH", "application/strategic-merge-patch+json", '{"data": {"b": "smp"}}', {"a": "1", "b": "smp"}),
    ("PATCH", "application/json-patch+json", '[{"op": "add", "path": "/data/b", "value": "jp"}]', {"a": "1", "b": "jp"}),
    ("PATCH", "application/apply-patch+yaml",
     '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "k"}, "data": {"b": "ssa"}}', {"a": "1", "b": "ssa"}),
]


@pytest.mark.parametrize(("method", "content_type", "body", "data"), KUBECTL_WRITES, ids=[w[1] for w in KUBECTL_WRITES])
def test_the_kubernetes_api_takes_what_kubectl_sends(client, sid, method, content_type, body, data):
    base = f"/k8s/{sid}/api/v1/namespaces/default/configmaps"
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "k"}, "data": {"a": "1"}}
    r = client.post(base + "?fieldManager=kubectl-create", data=json.dumps(cm), content_type="application/json")
    assert r.status_code == 201
    query = "?fieldManager=kubectl&force=true" if "apply" in content_type else ""
    r = client.open(base + "/k" + query, method=method, data=body, content_type=content_type)
    assert r.status_code == 200, r.json
    assert client.get(base + "/k").json["data"] == data


# -- headers -----------------------------------------------------------------------------------
def test_every_response_carries_the_security_headers(client, sid):
    responses = [
        client.get("/"),
        client.get("/healthz"),
        client.get("/static/src/api.js"),
        client.get(f"/api/sandboxes/{sid}"),
        client.get("/api/sandboxes/nope"),  # an error
        client.post(f"/api/sandboxes/{sid}/run", data="x", content_type="text/plain"),  # a refusal
        client.get(f"/k8s/{sid}/api/v1/namespaces/default/pods"),
        client.get("/no/such/page"),
    ]
    for r in responses:
        assert r.headers["Content-Security-Policy"] == CSP, r.request.path
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Referrer-Policy"] == "no-referrer"
        r.close()  # a static file's response holds the file open
    assert "frame-ancestors 'none'" in CSP and "script-src 'self';" in CSP


def test_the_page_has_no_inline_script():
    """The CSP allows only the app's own script files: the page must load its code from them."""
    html = (ROOT / "templates/index.html").read_text()
    scripts = html.split("<script")[1:]
    assert scripts, "the page loads its bundle"
    for tag in scripts:
        head, _, rest = tag.partition(">")
        assert "src=" in head and rest.startswith("</script>"), tag[:80]
    assert " on" + "click=" not in html and "javascript:" not in html


# -- the real kubectl, through a real server ---------------------------------------------------
def test_the_real_kubectl_writes_with_each_of_its_content_types(tmp_path_factory):
    from tests.labserver import lab_server
    from tests.realkubectl import KUBECTL

    if KUBECTL is None:
        pytest.skip("no kubectl installed")
    with lab_server(tmp_path_factory) as lab:
        cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: types\ndata:\n  a: '1'\n"
        assert lab.kubectl("create", "-f", "-", stdin=cm).stdout == "configmap/types created\n"
        for kind, patch in (("merge", '{"data":{"b":"2"}}'), ("strategic", '{"data":{"c":"3"}}'),
                            ("json", '[{"op":"add","path":"/data/d","value":"4"}]')):
            out = lab.kubectl("patch", "configmap", "types", "--type", kind, "-p", patch).stdout
            assert out == "configmap/types patched\n"
        applied = lab.kubectl("apply", "--server-side", "--force-conflicts", "-f", "-",
                              stdin=cm.replace("a: '1'", "a: '9'")).stdout
        assert applied == "configmap/types serverside-applied\n"
        got = lab.kubectl("get", "configmap", "types", "-o", "jsonpath={.data}").stdout
        assert json.loads(got) == {"a": "9", "b": "2", "c": "3", "d": "4"}
