"""Bad requests to the Kubernetes API get the apiserver's Status (4xx), never a 500 or a hang,
and leave the sandbox working: every combination of a few writing paths, malformed or
ill-typed bodies and content types."""

from __future__ import annotations

import itertools

import pytest

BODIES = ["", "null", "[]", "1", '"x"', "{", '{"metadata": "x"}', '{"metadata": {"name": 5}}', '{"metadata": {}}',
          '{"kind": 5}', '{"apiVersion": ["v1"]}', '{"spec": "x"}', '{"status": "x"}', '{"spec": {"replicas": "x"}}',
          '{"metadata":{"name":"web"},"spec":{"replicas":-1}}', '[{"op":"replace","path":"/spec/replicas","value":"x"}]',
          '[{"op":"bogus"}]', '{"spec":{"template":null}}', '{"metadata":{"name":"x","labels":{"a":1}}}',
          '{"$patch":"delete"}', '{"spec":{"$retainKeys":5}}', "kind: [", "a: b\n"]
TYPES = ["application/json", "application/merge-patch+json", "application/strategic-merge-patch+json",
         "application/json-patch+json", "application/apply-patch+yaml", "application/yaml", "text/plain", None]
DEPLOY = "/apis/apps/v1/namespaces/default/deployments"
TARGETS = [("POST", DEPLOY), ("PUT", f"{DEPLOY}/web"), ("PATCH", f"{DEPLOY}/web"), ("PATCH", f"{DEPLOY}/web/scale"),
           ("PUT", f"{DEPLOY}/web/scale"), ("PUT", f"{DEPLOY}/web/status"), ("PATCH", f"{DEPLOY}/web/status"),
           ("DELETE", f"{DEPLOY}/web"), ("POST", "/api/v1/namespaces/default/pods/x/eviction"),
           ("POST", "/api/v1/namespaces"), ("PATCH", "/api/v1/nodes/node1"), ("POST", "/api/v1/namespaces/nope/configmaps")]
REFUSALS = {400, 404, 405, 409, 410, 413, 415, 422}


@pytest.mark.parametrize(("method", "path"), TARGETS)
def test_every_bad_body_is_a_status(client, sid, method, path):
    client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl create deployment web --image=nginx"})
    for body, content_type in itertools.product(BODIES, TYPES):
        if method == "DELETE" and body in ("", "{}"):
            continue  # a plain delete is fine
        r = client.open(f"/k8s/{sid}{path}", method=method, data=body, content_type=content_type)
        assert r.status_code < 300 or r.status_code in REFUSALS, (body, content_type, r.status_code, r.data[:300])
        if r.status_code >= 300:
            assert r.json["kind"] == "Status" and r.json["status"] == "Failure", (body, content_type)
    # the sandbox still works: its controllers run, its terminal answers
    assert client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 30}).status_code == 200
    out = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl get deploy,nodes"}).json
    assert out["exitCode"] in (0, 1) and "internal error" not in out["output"]
