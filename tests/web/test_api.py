"""The HTTP contract of /api/sandboxes (issue 2 §4): every endpoint, and every way to call it wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
POD = (EXAMPLES / "lessons/step08-pod.yml").read_text()
DEPLOY = (EXAMPLES / "lessons/step08-deployment1.yml").read_text()


def test_create_sandbox_gives_distinct_unguessable_ids(client):
    ids = set()
    for _ in range(3):
        r = client.post("/api/sandboxes")
        assert r.status_code == 201
        ids.add(r.json["id"])
    assert len(ids) == 3
    assert all(len(i) >= 20 for i in ids)  # token_urlsafe(16): 128 bits


def test_run_kubectl_returns_output_and_exit_code(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl version"})
    assert r.status_code == 200
    assert r.json["exitCode"] == 0
    assert "Server Version: v1.32" in r.json["output"]


def test_run_kubectl_error_is_an_exit_code_not_an_http_error(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl frobnicate"})
    assert r.status_code == 200
    # captured: kubectl.1.32 frobnicate (exit 1; the PATH's dispatcher would say "Error: ...")
    assert r.json == {"exitCode": 1, "output": 'error: unknown command "frobnicate" for "kubectl"\n'}


def test_run_other_programs_are_not_found(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "telnet example.com 80"})
    assert r.json == {"output": "bash: telnet: command not found\n", "exitCode": 127}
    # the workstation's own programs answer (its home holds the example manifests)
    listed = client.post(f"/api/sandboxes/{sid}/run", json={"command": "ls"}).json
    assert listed["exitCode"] == 0 and "lessons" in listed["output"].split()


def test_run_passes_stdin_to_kubectl(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl apply -f -", "stdin": POD})
    assert r.json == {"output": "pod/test1 created\n", "exitCode": 0}
    got = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl get pod test1 -o name"})
    assert got.json["output"] == "pod/test1\n"


def test_terminal_can_apply_example_files_by_path_and_by_name(client, sid, sandbox):
    assert sandbox.cluster.workspace["lessons/step08-pod.yml"] == POD
    assert sandbox.cluster.workspace["step08-pod.yml"] == POD
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl apply -f lessons/step08-deployment1.yml"})
    assert r.json == {"output": "deployment.apps/web-deploy created\n", "exitCode": 0}


@pytest.mark.parametrize("method,path,body", [
    ("post", "/run", {"command": "kubectl version"}),
    ("post", "/apply", {"manifest": POD}),
    ("post", "/clock", {"advance": 1}),
    ("post", "/nodes/node1/fail", None),
    ("post", "/nodes/node1/recover", None),
    ("post", "/pods/default/test1/containers/busybox/kill", None),
    ("get", "/objects", None),
    ("get", "/examples", None),
])
def test_unknown_sandbox_is_404_json(client, sid, method, path, body):
    r = getattr(client, method)("/api/sandboxes/not-a-sandbox" + path, json=body)
    assert r.status_code == 404
    assert r.json == {"error": 'sandbox "not-a-sandbox" not found'}


def test_unknown_api_route_is_404_json(client):
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and "error" in r.json


@pytest.mark.parametrize("path", ["/run", "/apply", "/clock"])
def test_bad_json_is_400_json(client, sid, path):
    r = client.post(f"/api/sandboxes/{sid}{path}", data="{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json == {"error": "the request body must be a JSON object"}
    r = client.post(f"/api/sandboxes/{sid}{path}", json=["a", "list"])
    assert r.status_code == 400


@pytest.mark.parametrize("path,body,field", [
    ("/run", {}, "command"),
    ("/run", {"command": 42}, "command"),
    ("/run", {"command": "kubectl version", "stdin": 5}, "stdin"),
    ("/apply", {"text": "x"}, "manifest"),
    ("/clock", {}, "advance"),
    ("/clock", {"advance": "soon"}, "advance"),
    ("/clock", {"advance": -5}, "advance"),
    ("/clock", {"advance": 10**9}, "advance"),
    ("/clock", {"speed": 1000}, "speed"),
    ("/clock", {"speed": True}, "speed"),
    ("/clock", {"paused": "yes"}, "paused"),
])
def test_missing_or_wrong_fields_are_400_naming_the_field(client, sid, path, body, field):
    before = client.get(f"/api/sandboxes/{sid}/objects").json
    r = client.post(f"/api/sandboxes/{sid}{path}", json=body)
    assert r.status_code == 400
    assert r.json["field"] == field
    assert f'"{field}"' in r.json["error"]
    assert client.get(f"/api/sandboxes/{sid}/objects").json == before


def test_ten_megabyte_body_is_refused_with_413_before_parsing(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/apply", data=b"{" + b"x" * (10 * 1024 * 1024),
                    content_type="application/json")
    assert r.status_code == 413
    assert "too large" in r.json["error"]
    # just under the limit is accepted and handled
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl version", "stdin": "x" * (3 * 1024 * 1024 - 100)})
    assert r.status_code == 200


def test_clock_advance_speed_and_pause(client, sid):
    r = client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 30})
    assert r.status_code == 200
    assert r.json["now"] == "2025-03-03T13:00:30Z"
    assert r.json["paused"] is False and r.json["speed"] == 1
    r = client.post(f"/api/sandboxes/{sid}/clock", json={"speed": 10})
    assert r.json["speed"] == 10 and r.json["now"] == "2025-03-03T13:00:30Z"
    r = client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    assert r.json["paused"] is True and r.json["speed"] == 10
    # advancing while paused is how the page steps the clock
    r = client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 1.5})
    assert r.json["time"] == pytest.approx(1741006831.5) and r.json["paused"] is True


def test_advance_runs_the_controllers(client, sid):
    client.post(f"/api/sandboxes/{sid}/apply", json={"manifest": DEPLOY})
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 60})
    out = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl get deploy web-deploy"}).json["output"]
    assert out.splitlines()[1].split()[:2] == ["web-deploy", "3/3"]


def test_fail_and_recover_node(client, sid, sandbox):
    assert client.post(f"/api/sandboxes/{sid}/nodes/node1/fail").status_code == 200
    assert sandbox.cluster.machines["node1"].up is False
    assert client.post(f"/api/sandboxes/{sid}/nodes/node1/recover").status_code == 200
    assert sandbox.cluster.machines["node1"].up is True


@pytest.mark.parametrize("action", ["fail", "recover"])
def test_unknown_node_is_404(client, sid, action):
    r = client.post(f"/api/sandboxes/{sid}/nodes/node9/{action}")
    assert r.status_code == 404
    assert r.json == {"error": 'nodes "node9" not found'}


def test_kill_container_restarts_it(client, sid):
    client.post(f"/api/sandboxes/{sid}/apply", json={"manifest": POD})
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 60})
    r = client.post(f"/api/sandboxes/{sid}/pods/default/test1/containers/busybox/kill")
    assert r.status_code == 200
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 30})
    pod = [o for o in client.get(f"/api/sandboxes/{sid}/objects").json["objects"]
           if o["kind"] == "Pod" and o["metadata"]["name"] == "test1"][0]
    assert pod["status"]["containerStatuses"][0]["restartCount"] == 1


@pytest.mark.parametrize("path,message", [
    ("/pods/default/nope/containers/busybox/kill", 'pods "nope" not found'),
    ("/pods/default/test1/containers/nginx/kill", 'container "nginx" not found in pod "test1"'),
])
def test_kill_unknown_pod_or_container_is_404(client, sid, path, message):
    client.post(f"/api/sandboxes/{sid}/apply", json={"manifest": POD})
    r = client.post(f"/api/sandboxes/{sid}{path}")
    assert r.status_code == 404
    assert r.json == {"error": message}


def test_objects_lists_every_object_with_its_resource_version(client, sid, sandbox):
    r = client.get(f"/api/sandboxes/{sid}/objects").json
    store = sandbox.cluster.store
    assert r["rv"] == store.rv
    assert [(o["kind"], o["metadata"]["name"]) for o in r["objects"]] == \
        [(o["kind"], o["metadata"]["name"]) for o in store.all()]
    assert all(o["metadata"]["resourceVersion"].isdigit() for o in r["objects"])
    names = {(o["kind"], o["metadata"]["name"]) for o in r["objects"]}
    assert {("Namespace", "default"), ("Namespace", "kube-system")} <= names


def test_examples_are_the_repository_examples(client, sid):
    r = client.get(f"/api/sandboxes/{sid}/examples").json["examples"]
    paths = [e["path"] for e in r]
    on_disk = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*.y*ml"))
    assert paths == on_disk
    assert {e["path"]: e["text"] for e in r}["lessons/step08-pod.yml"] == POD


def test_sandboxes_are_isolated(client, sid):
    other = client.post("/api/sandboxes").json["id"]
    client.post(f"/api/sandboxes/{sid}/apply", json={"manifest": POD})
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 100})
    mine = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl get pods -o name"}).json
    theirs = client.post(f"/api/sandboxes/{other}/run", json={"command": "kubectl get pods"}).json
    assert mine["output"] == "pod/test1\n"
    assert theirs["output"] == "No resources found in default namespace.\n"
    assert client.post(f"/api/sandboxes/{other}/clock", json={"paused": True}).json["now"] == "2025-03-03T13:00:00Z"


def test_a_crash_inside_kubectl_is_reported_in_the_terminal_not_as_a_500(client, sid, monkeypatch):
    def broken(cluster, line, stdin="", follow=False):
        raise KeyError("boom")

    monkeypatch.setattr("server.sandbox.kubectl_run", broken)
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl get pods"})
    assert r.status_code == 200
    assert r.json == {"exitCode": 1, "output": "error: internal error in kubeplay: KeyError: 'boom'\n"}
