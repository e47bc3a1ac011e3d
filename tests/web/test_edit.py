"""``kubectl edit`` through the HTTP contract: the answer carries the file kubectl would hand
``$EDITOR`` (the page opens it in its editor), and ``POST …/edits/<id>`` with the saved text
finishes it as kubectl does when the editor closes — applied, cancelled, or re-opened with the
error on top. Journalled: a restarted server replays the edit."""

from __future__ import annotations


def run(client, sid, command):
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": command})
    assert r.status_code == 200, r.json
    return r.json


def save(client, sid, edit_id, text):
    return client.post(f"/api/sandboxes/{sid}/edits/{edit_id}", json={"text": text})


def test_edit_opens_the_object_and_saving_applies_it(make_app, client, sid, sandbox):
    assert run(client, sid, "kubectl create deployment web --image=nginx")["exitCode"] == 0
    res = run(client, sid, "kubectl edit deployment web")
    edit = res["edit"]
    assert edit["text"].startswith("# Please edit the object below. Lines beginning with a '#' will be ignored,")
    assert "  replicas: 1\n" in edit["text"] and edit["file"].endswith(".yaml")
    r = save(client, sid, edit["id"], edit["text"].replace("  replicas: 1\n", "  replicas: 2\n", 1))
    assert r.status_code == 200 and r.json == {"output": "deployment.apps/web edited\n", "exitCode": 0}
    assert sandbox.cluster.store.get("Deployment", "default", "web")["spec"]["replicas"] == 2
    assert save(client, sid, edit["id"], edit["text"]).status_code == 404  # it has closed
    again = make_app().extensions["kubeplay.sandboxes"].get(sid)
    assert again.cluster.store.get("Deployment", "default", "web")["spec"]["replicas"] == 2


def test_saving_it_unchanged_cancels(client, sid, sandbox):
    run(client, sid, "kubectl create deployment web --image=nginx")
    edit = run(client, sid, "kubectl edit deploy/web")["edit"]
    rv = sandbox.cluster.store.get("Deployment", "default", "web")["metadata"]["resourceVersion"]
    r = save(client, sid, edit["id"], edit["text"])
    assert r.json == {"output": "Edit cancelled, no changes made.\n", "exitCode": 0}
    assert sandbox.cluster.store.get("Deployment", "default", "web")["metadata"]["resourceVersion"] == rv


def test_a_broken_file_reopens_with_the_error_on_top(client, sid):
    run(client, sid, "kubectl create deployment web --image=nginx")
    edit = run(client, sid, "kubectl edit deploy/web")["edit"]
    r = save(client, sid, edit["id"], edit["text"].replace("  replicas: 1\n", "  replicas: [\n", 1)).json
    assert r["edit"]["id"] != edit["id"]
    assert r["edit"]["text"].startswith("# Please edit the object below.")
    assert "# The edited file had a syntax error:" in r["edit"]["text"]
    done = save(client, sid, r["edit"]["id"], edit["text"].replace("  replicas: 1\n", "  replicas: 3\n", 1)).json
    assert done["output"].endswith("deployment.apps/web edited\n") and "edit" not in done


def test_bad_requests(client, sid):
    assert save(client, sid, "e99", "x").status_code == 404
    r = client.post(f"/api/sandboxes/{sid}/edits/e1", json={})
    assert r.status_code == 400 and r.json["field"] == "text"
