"""A sandbox shared as a read-only link or forked as a copy, and exported/imported as its journal."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _busy(client, hub, sandbox, sid: str) -> None:
    """Work a user does: an apply, a command, the live clock, a node failure, a scale."""
    api = f"/api/sandboxes/{sid}"
    manifest = (EXAMPLES / "lessons/step08-deployment1.yml").read_text()
    assert client.post(f"{api}/apply", json={"manifest": manifest}).json["exitCode"] == 0
    assert client.post(f"{api}/run", json={"command": "kubectl apply -f step08-pod.yml"}).json["exitCode"] == 0
    client.post(f"{api}/clock", json={"advance": 30, "speed": 10})
    for _ in range(5):
        hub.tick(sandbox)
    assert client.post(f"{api}/nodes/node1/fail").status_code == 200
    client.post(f"{api}/clock", json={"advance": 60.5})
    client.post(f"{api}/run", json={"command": "kubectl scale deployment web-deploy --replicas=4"})
    client.post(f"{api}/clock", json={"advance": 5})


def test_fork_equals_the_source_at_the_fork_and_then_goes_its_own_way(client, hub, sandbox, sid):
    _busy(client, hub, sandbox, sid)
    before = client.get(f"/api/sandboxes/{sid}/objects")
    r = client.post(f"/api/sandboxes/{sid}/fork")
    assert r.status_code == 201
    copy = r.json["id"]
    assert copy != sid and r.json["preset"] == "kubeadm"
    assert client.get(f"/api/sandboxes/{copy}/objects").data == before.data

    # the copy changes; the source does not
    out = client.post(f"/api/sandboxes/{copy}/run", json={"command": "kubectl create namespace only-in-copy"})
    assert out.json["exitCode"] == 0
    assert client.get(f"/api/sandboxes/{sid}/objects").data == before.data
    names = {o["metadata"]["name"] for o in client.get(f"/api/sandboxes/{copy}/objects").json["objects"]
             if o["kind"] == "Namespace"}
    assert "only-in-copy" in names


def test_fork_of_a_preset_keeps_the_preset(client):
    sid = client.post("/api/sandboxes", json={"preset": "minikube"}).json["id"]
    client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl create deployment web --image=nginx"})
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 20})
    r = client.post(f"/api/sandboxes/{sid}/fork")
    assert r.json["preset"] == "minikube"
    assert client.get(f"/api/sandboxes/{r.json['id']}/objects").data == client.get(f"/api/sandboxes/{sid}/objects").data


def test_a_read_only_token_reads_but_every_write_is_refused(client, hub, sandbox, sid):
    _busy(client, hub, sandbox, sid)
    token = client.post(f"/api/sandboxes/{sid}/share").json["token"]
    assert token != sid
    assert client.post(f"/api/sandboxes/{sid}/share").json["token"] == token  # one link per sandbox
    view = f"/api/sandboxes/{token}"
    info = client.get(view).json
    assert info == {"id": token, "preset": "kubeadm", "readOnly": True, "maxNodes": 12, "pageNodes": 12}  # (the id, which writes, stays hidden)
    assert client.get(f"/api/sandboxes/{sid}").json["readOnly"] is False
    before = client.get(f"/api/sandboxes/{sid}/objects")
    assert client.get(f"{view}/objects").data == before.data
    got = client.get(f"{view}/objects/deployment/default/web-deploy/describe")
    assert got.status_code == 200 and "web-deploy" in got.json["output"]

    writes = [
        ("post", "/run", {"command": "kubectl delete deployment web-deploy"}),
        ("post", "/apply", {"manifest": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n"}),
        ("post", "/clock", {"advance": 100}),
        ("post", "/clock", {"paused": True}),
        ("post", "/nodes/node1/recover", None),
        ("post", "/nodes/node2/fail", None),
        ("post", "/nodes", {}),
        ("delete", "/nodes/node2", None),
        ("post", "/pods/default/test1/containers/busybox/kill", None),
        ("post", "/share", None),
    ]
    for method, path, body in writes:
        r = getattr(client, method)(view + path, json=body)
        assert r.status_code == 403, (method, path, r.status_code)
        assert "read-only" in r.json["error"]
    assert client.get(f"/api/sandboxes/{sid}/objects").data == before.data
    assert client.get("/api/sandboxes/no-such-token/objects").status_code == 404
    # a copy may be made through the token (the source is only read): the copy is the fork's own
    forked = client.post(f"{view}/fork")
    assert forked.status_code == 201
    assert client.get(f"/api/sandboxes/{forked.json['id']}/objects").data == before.data
    assert client.get(f"/api/sandboxes/{forked.json['id']}").json["readOnly"] is False


def test_a_read_only_token_survives_a_restart(make_app):
    client = make_app().test_client()
    sid = client.post("/api/sandboxes").json["id"]
    token = client.post(f"/api/sandboxes/{sid}/share").json["token"]
    again = make_app().test_client()
    assert again.get(f"/api/sandboxes/{token}").json["readOnly"] is True
    assert again.post(f"/api/sandboxes/{token}/run", json={"command": "kubectl get pods"}).status_code == 403


def test_export_then_import_rebuilds_the_same_objects(client, hub, sandbox, sid):
    _busy(client, hub, sandbox, sid)
    r = client.get(f"/api/sandboxes/{sid}/export")
    assert r.status_code == 200
    assert "attachment" in r.headers["Content-Disposition"]
    doc = json.loads(r.data)
    assert doc["kind"] == "KubeplaySandbox" and doc["version"] == 1
    assert doc["seed"] == sandbox.seed and doc["start"] == sandbox.start and doc["preset"] == "kubeadm"
    assert {"op": "fail", "node": "node1"} in doc["ops"]
    imported = client.post("/api/sandboxes/import", data=r.data, content_type="application/json")
    assert imported.status_code == 201
    new = imported.json["id"]
    assert new != sid
    assert client.get(f"/api/sandboxes/{new}/objects").data == client.get(f"/api/sandboxes/{sid}/objects").data
    # an export of the import is the same file
    assert json.loads(client.get(f"/api/sandboxes/{new}/export").data) == doc
    # a read-only link exports too (the file holds no id)
    token = client.post(f"/api/sandboxes/{sid}/share").json["token"]
    assert json.loads(client.get(f"/api/sandboxes/{token}/export").data) == doc


def test_an_imported_sandbox_survives_a_restart(make_app):
    app = make_app()
    client = app.test_client()
    sid = client.post("/api/sandboxes", json={"preset": "kind"}).json["id"]
    client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl create deployment web --image=nginx"})
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 15})
    new = client.post("/api/sandboxes/import", data=client.get(f"/api/sandboxes/{sid}/export").data).json["id"]
    expected = client.get(f"/api/sandboxes/{sid}/objects").data
    assert make_app().test_client().get(f"/api/sandboxes/{new}/objects").data == expected


def _import(client, doc) -> object:
    return client.post("/api/sandboxes/import", data=json.dumps(doc), content_type="application/json")


def test_a_malformed_file_is_refused_naming_the_field(client, sid):
    good = json.loads(client.get(f"/api/sandboxes/{sid}/export").data)
    good["ops"] = [{"op": "run", "command": "kubectl create namespace a", "stdin": ""}, {"op": "advance", "to": good["start"] + 5}]
    cases = [
        ({**good, "kind": "Deployment"}, "kind"),
        ({**good, "version": 2}, "version"),
        ({k: v for k, v in good.items() if k != "seed"}, "seed"),
        ({**good, "seed": "7"}, "seed"),
        ({**good, "start": "now"}, "start"),
        ({**good, "preset": "k3s"}, "preset"),
        ({**good, "ops": {"op": "run"}}, "ops"),
        ({**good, "ops": [good["ops"][0], 3]}, "ops[1]"),
        ({**good, "ops": [{"op": "format-disk"}]}, "ops[0].op"),
        ({**good, "ops": [{"op": "run", "command": 5}]}, "ops[0].command"),
        ({**good, "ops": [{"op": "advance", "to": "later"}]}, "ops[0].to"),
        ({**good, "ops": [{"op": "advance", "to": good["start"] + 1e9}]}, "ops[0].to"),
        ({**good, "ops": [{"op": "clock", "speed": 10_000}]}, "ops[0].speed"),
    ]
    before = client.get(f"/api/sandboxes/{sid}/objects").data
    for doc, field in cases:
        r = _import(client, doc)
        assert r.status_code == 400, field
        assert r.json["field"] == field
        assert r.json["error"].startswith(f"{field}: ")
    r = client.post("/api/sandboxes/import", data="{not json", content_type="application/json")
    assert r.status_code == 400 and "not JSON" in r.json["error"]
    r = _import(client, [good])
    assert r.status_code == 400 and r.json["field"] == "kind"
    assert client.get(f"/api/sandboxes/{sid}/objects").data == before
    assert _import(client, good).status_code == 201  # the same file, well formed, imports


def test_history_is_what_the_workstation_history_prints(client, sid):
    api = f"/api/sandboxes/{sid}"
    for line in ("kubectl get nodes", "echo hi", " kubectl get pods", "echo hi", "kubectl version --client"):
        client.post(f"{api}/run", json={"command": line})
    listed = client.get(f"{api}/history").json["history"]
    assert listed == ["kubectl get nodes", "echo hi", "kubectl version --client"]
    printed = client.post(f"{api}/run", json={"command": "history"}).json["output"]
    assert [ln[7:] for ln in printed.splitlines()] == [*listed, "history"]
