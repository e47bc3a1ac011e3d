"""The Kubernetes REST API of a sandbox (``/k8s/<id>``) through the Flask test client: the shapes
and Status errors a real client relies on, that writes go through the sandbox's door (journalled,
replayed, streamed to the page) and that timestamps read on the wall clock."""

from __future__ import annotations

import json
import time

import pytest
import yaml

from server.sim.clock import parse_time

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
AGGREGATED = ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
              "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")
CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"color": "blue"}}


@pytest.fixture
def k8s(sid) -> str:
    return f"/k8s/{sid}"


def test_kubeconfig_points_at_the_sandbox(client, sid):
    r = client.get(f"/api/sandboxes/{sid}/kubeconfig")
    assert r.status_code == 200
    config = yaml.safe_load(r.data)
    assert config["current-context"] == "kubeplay"
    assert config["clusters"][0]["cluster"]["server"] == f"http://localhost/k8s/{sid}"
    assert config["contexts"][0]["context"] == {"cluster": "kubeplay", "namespace": "default", "user": "kubeplay"}
    assert client.get("/api/sandboxes/nope/kubeconfig").status_code == 404


def test_discovery(client, k8s):
    assert client.get(f"{k8s}/version").json["gitVersion"].startswith("v1.32.")
    assert client.get(f"{k8s}/api").json["versions"] == ["v1"]
    groups = [g["name"] for g in client.get(f"{k8s}/apis").json["groups"]]
    assert {"apps", "batch", "discovery.k8s.io", "coordination.k8s.io"} <= set(groups)
    core = client.get(f"{k8s}/api/v1").json
    pods = next(r for r in core["resources"] if r["name"] == "pods")
    assert pods["namespaced"] is True and pods["shortNames"] == ["po"] and "watch" in pods["verbs"]
    agg = client.get(f"{k8s}/apis", headers={"Accept": AGGREGATED})
    assert agg.headers["Content-Type"].startswith("application/json;g=apidiscovery.k8s.io;v=v2")
    assert agg.json["kind"] == "APIGroupDiscoveryList"
    again = client.get(f"{k8s}/apis", headers={"Accept": AGGREGATED, "If-None-Match": agg.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    missing = client.get(f"{k8s}/apis/example.com/v1")
    assert missing.status_code == 404 and missing.json["kind"] == "Status"


def test_list_get_and_table(client, k8s, sandbox):
    pods = client.get(f"{k8s}/api/v1/namespaces/kube-system/pods").json
    assert pods["kind"] == "PodList" and pods["apiVersion"] == "v1"
    assert pods["metadata"]["resourceVersion"] == str(sandbox.cluster.store.rv)
    names = [p["metadata"]["name"] for p in pods["items"]]
    assert "kube-apiserver-master" in names and all(p["kind"] == "Pod" for p in pods["items"])
    one = client.get(f"{k8s}/api/v1/namespaces/kube-system/pods/kube-apiserver-master").json
    assert one["kind"] == "Pod" and one["spec"]["nodeName"] == "master"

    table = client.get(f"{k8s}/api/v1/namespaces/kube-system/pods", headers={"Accept": TABLE}).json
    assert table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"]][:5] == ["Name", "Ready", "Status", "Restarts", "Age"]
    assert [row["cells"][0] for row in table["rows"]] == names
    assert table["rows"][0]["object"]["kind"] == "PartialObjectMetadata"
    full = client.get(f"{k8s}/api/v1/namespaces/kube-system/pods?includeObject=Object", headers={"Accept": TABLE}).json
    assert full["rows"][0]["object"]["kind"] == "Pod" and "spec" in full["rows"][0]["object"]


def test_selectors_and_pages(client, k8s):
    base = f"{k8s}/api/v1/pods"
    every = [p["metadata"]["name"] for p in client.get(base).json["items"]]
    on_node1 = client.get(f"{base}?fieldSelector=spec.nodeName%3Dnode1").json["items"]
    assert on_node1 and all(p["spec"]["nodeName"] == "node1" for p in on_node1)
    assert len(on_node1) < len(every)
    proxies = client.get(f"{base}?labelSelector=k8s-app%3Dkube-proxy").json["items"]
    assert {p["spec"]["nodeName"] for p in proxies} == {"master", "node1", "node2"}

    bad = client.get(f"{base}?fieldSelector=spec.color%3Dred")
    assert bad.status_code == 400 and bad.json["reason"] == "BadRequest"
    assert bad.json["message"].endswith("field label not supported: spec.color")

    pages, token = [], ""
    while True:
        page = client.get(f"{base}?limit=3" + (f"&continue={token}" if token else "")).json
        pages.append([p["metadata"]["name"] for p in page["items"]])
        token = page["metadata"].get("continue", "")
        if not token:
            break
        assert page["metadata"]["remainingItemCount"] == len(every) - sum(map(len, pages))
    assert all(len(p) == 3 for p in pages[:-1]) and [n for p in pages for n in p] == every
    broken = client.get(f"{base}?limit=3&continue=garbage")
    assert broken.status_code == 400


def test_create_get_patch_delete_a_configmap(client, k8s, sandbox):
    url = f"{k8s}/api/v1/namespaces/default/configmaps"
    created = client.post(url, data=json.dumps(CM), content_type="application/json")
    assert created.status_code == 201, created.json
    assert created.json["metadata"]["uid"] and created.json["data"] == {"color": "blue"}
    again = client.post(url, data=json.dumps(CM), content_type="application/json")
    assert again.status_code == 409 and again.json["reason"] == "AlreadyExists"
    assert again.json["message"] == 'configmaps "settings" already exists'

    patched = client.patch(f"{url}/settings", data=json.dumps({"data": {"size": "L"}}),
                           content_type="application/merge-patch+json")
    assert patched.status_code == 200, patched.json
    assert patched.json["data"] == {"color": "blue", "size": "L"}
    assert sandbox.cluster.store.peek("ConfigMap", "default", "settings")["data"]["size"] == "L"

    gone = client.delete(f"{url}/settings")
    assert gone.status_code == 200 and gone.json["status"] == "Success"
    assert gone.json["details"] == {"name": "settings", "kind": "configmaps", "uid": created.json["metadata"]["uid"]}
    missing = client.get(f"{url}/settings")
    assert missing.status_code == 404 and missing.json["message"] == 'configmaps "settings" not found'


def test_dry_run_changes_nothing(client, k8s, sandbox):
    rv = sandbox.cluster.store.rv
    r = client.post(f"{k8s}/api/v1/namespaces/default/configmaps?dryRun=All", data=json.dumps(CM),
                    content_type="application/json")
    assert r.status_code == 201 and r.json["metadata"]["name"] == "settings"
    assert sandbox.cluster.store.peek("ConfigMap", "default", "settings") is None
    assert sandbox.cluster.store.rv == rv


@pytest.mark.parametrize(("body", "content_type", "code", "reason"), [
    ("{not json", "application/json", 400, "BadRequest"),
    (json.dumps(CM), "text/plain", 415, "UnsupportedMediaType"),
    (json.dumps({**CM, "kind": "Secret"}), "application/json", 400, "BadRequest"),
    (json.dumps({**CM, "metadata": {"name": "Bad_Name"}}), "application/json", 422, "Invalid"),
])
def test_bad_writes_get_a_status_and_change_nothing(client, k8s, sandbox, body, content_type, code, reason):
    rv = sandbox.cluster.store.rv
    r = client.post(f"{k8s}/api/v1/namespaces/default/configmaps", data=body, content_type=content_type)
    assert r.status_code == code, r.json
    assert r.json["kind"] == "Status" and r.json["status"] == "Failure" and r.json["reason"] == reason
    assert r.json["code"] == code
    assert sandbox.cluster.store.rv == rv


def test_unknown_paths_and_methods(client, k8s):
    for url in (f"{k8s}/api/v1/widgets", f"{k8s}/apis/apps/v1/namespaces/default/pods",
                f"{k8s}/api/v1/namespaces/default/pods/x/y/z"):
        r = client.get(url)
        assert r.status_code == 404 and r.json["reason"] == "NotFound", url
    r = client.put(f"{k8s}/api/v1/namespaces/default/pods", data="{}", content_type="application/json")
    assert r.status_code == 405 and r.json["reason"] == "MethodNotAllowed"
    assert client.get("/k8s/nope/api/v1/pods").status_code == 404


def test_scale_subresource(client, k8s, sandbox):
    client.post(f"/api/sandboxes/{sandbox.id}/run", json={"command": "kubectl create deployment web --image=nginx"})
    url = f"{k8s}/apis/apps/v1/namespaces/default/deployments/web/scale"
    scale = client.get(url).json
    assert scale["kind"] == "Scale" and scale["apiVersion"] == "autoscaling/v1" and scale["spec"]["replicas"] == 1
    assert scale["status"]["selector"] == "app=web"
    r = client.patch(url, data='{"spec":{"replicas":3}}', content_type="application/merge-patch+json")
    assert r.status_code == 200 and r.json["spec"]["replicas"] == 3
    assert sandbox.cluster.store.peek("Deployment", "default", "web")["spec"]["replicas"] == 3
    client.post(f"/api/sandboxes/{sandbox.id}/clock", json={"advance": 30})
    out = client.post(f"/api/sandboxes/{sandbox.id}/run", json={"command": "kubectl get deploy web"}).json["output"]
    assert out.splitlines()[1].split()[1] == "3/3"


def test_writes_are_journalled_and_replay(make_app):
    app = make_app()
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    r = client.post(f"/k8s/{sid}/api/v1/namespaces/default/configmaps", data=json.dumps(CM),
                    content_type="application/json")
    assert r.status_code == 201
    before = client.get(f"/api/sandboxes/{sid}/objects").data
    after = make_app().test_client().get(f"/api/sandboxes/{sid}/objects")
    assert after.data == before
    assert any(o["kind"] == "ConfigMap" and o["metadata"]["name"] == "settings" for o in after.json["objects"])


def test_a_write_reaches_the_page(client, k8s, socket, sid):
    socket.emit("join", {"sandbox": sid})
    socket.get_received()
    client.post(f"{k8s}/api/v1/namespaces/default/configmaps", data=json.dumps(CM), content_type="application/json")
    deltas = [m for m in socket.get_received() if m["name"] == "delta"]
    names = [e["object"]["metadata"]["name"] for d in deltas for e in d["args"][0]["events"]]
    assert "settings" in names


def test_timestamps_read_on_the_wall_clock(client, k8s, sandbox):
    """A client computes AGE from its own clock: served times are shifted by (wall now − virtual
    now), so its ages match the terminal's, and times sent back are shifted home again."""
    stored = sandbox.cluster.store.peek("Pod", "kube-system", "kube-apiserver-master")
    virtual_age = sandbox.cluster.clock.now() - parse_time(stored["metadata"]["creationTimestamp"])
    served = client.get(f"{k8s}/api/v1/namespaces/kube-system/pods/kube-apiserver-master").json
    wall_age = time.time() - parse_time(served["metadata"]["creationTimestamp"])
    assert abs(wall_age - virtual_age) < 2
    cond = served["status"]["conditions"][0]["lastTransitionTime"]
    assert abs(time.time() - parse_time(cond) - (sandbox.cluster.clock.now() - parse_time(
        stored["status"]["conditions"][0]["lastTransitionTime"]))) < 2

    created = client.post(f"{k8s}/api/v1/namespaces/default/configmaps", data=json.dumps(CM),
                          content_type="application/json").json
    edited = {**created, "data": {"color": "red"}}
    r = client.put(f"{k8s}/api/v1/namespaces/default/configmaps/settings", data=json.dumps(edited),
                   content_type="application/json")
    assert r.status_code == 200, r.json
    kept = sandbox.cluster.store.peek("ConfigMap", "default", "settings")
    assert kept["data"] == {"color": "red"}
    assert parse_time(kept["metadata"]["creationTimestamp"]) <= sandbox.cluster.clock.now()


def test_a_write_reads_times_as_the_read_before_it(client, k8s, sandbox, monkeypatch):
    """With the clock paused the wall clock runs on: a write answers in the offset of the request
    before it from the same command (``kubectl diff``: a GET, then a dry-run PATCH, must not see
    creationTimestamp change), up to two seconds; reads, and other commands, are shifted to the
    wall clock's now, so ages match the terminal's. One command is one ``Kubectl-Session`` (diff
    sends its GET and its PATCH on two connections), else one connection."""
    from server.web import k8s as web_k8s

    client.post(f"/api/sandboxes/{sandbox.id}/clock", json={"paused": True})
    wall = [time.time()]
    monkeypatch.setattr(web_k8s.time, "time", lambda: wall[0])
    url = f"{k8s}/api/v1/namespaces/kube-system/pods/kube-apiserver-master"
    one = {"REMOTE_ADDR": "10.0.0.1", "REMOTE_PORT": "40001"}
    other = {"REMOTE_ADDR": "10.0.0.1", "REMOTE_PORT": "40002"}

    def created(answer) -> float:
        return parse_time(answer.json["metadata"]["creationTimestamp"])

    def dry_patch(environ):
        return client.patch(f"{url}?dryRun=All", data='{"metadata":{"labels":{"x":"y"}}}',
                            content_type="application/merge-patch+json", environ_base=environ)

    first = created(client.get(url, environ_base=one))
    wall[0] += 1
    assert created(dry_patch(one)) == first  # the GET's times
    assert created(client.get(url, environ_base=one)) == first + 1  # a read: the wall clock's now
    assert created(dry_patch(other)) == first + 1
    wall[0] += 3
    assert created(dry_patch(one)) == first + 4  # three seconds behind: taken anew
    # the virtual clock runs ahead: the kept offset would put times in the client's future
    client.post(f"/api/sandboxes/{sandbox.id}/clock", json={"advance": 5})
    assert created(dry_patch(one)) == first - 1

    # kubectl's session header names the command, whichever connection carries its request
    session = {"HTTP_KUBECTL_SESSION": "5b0e7c4e-2f27-4a57-9a3e-0c1f0f6f8a11"}
    read = created(client.get(url, environ_base={**one, **session}))
    wall[0] += 1
    assert created(dry_patch({**other, **session})) == read
    assert created(dry_patch({**other, "HTTP_KUBECTL_SESSION": "another-command"})) == read + 1


def test_stale_update_is_a_conflict(client, k8s, sandbox):
    url = f"{k8s}/api/v1/namespaces/default/configmaps"
    created = client.post(url, data=json.dumps(CM), content_type="application/json").json
    client.patch(f"{url}/settings", data='{"data":{"a":"1"}}', content_type="application/merge-patch+json")
    r = client.put(f"{url}/settings", data=json.dumps(created), content_type="application/json")
    assert r.status_code == 409 and r.json["reason"] == "Conflict"
    assert "the object has been modified" in r.json["message"]


def test_watch_streams_changes(client, k8s, sandbox):
    rv = sandbox.cluster.store.rv
    client.post(f"{k8s}/api/v1/namespaces/default/configmaps", data=json.dumps(CM), content_type="application/json")
    client.delete(f"{k8s}/api/v1/namespaces/default/configmaps/settings")
    # a watch from before the changes: the test client reads until the first chunk, which these bring
    resp = client.get(f"{k8s}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}",
                      buffered=False)
    assert resp.status_code == 200
    stream = iter(resp.response)
    seen: list[tuple[str, str]] = []
    while len(seen) < 2:
        # the first chunk is whitespace: the headers go out before any event, as the apiserver flushes them
        for line in filter(str.strip, next(stream).decode().splitlines()):
            event = json.loads(line)
            seen.append((event["type"], event["object"]["metadata"]["name"]))
    assert seen == [("ADDED", "settings"), ("DELETED", "settings")]
    resp.close()
    assert not any(w.startswith("k8s-watch") for w in sandbox.watchers)


def test_watch_from_a_forgotten_version_is_gone(client, k8s, sandbox):
    store = sandbox.cluster.store
    for i in range(3):
        client.post(f"{k8s}/api/v1/namespaces/default/configmaps", data=json.dumps(
            {**CM, "metadata": {"name": f"c{i}"}}), content_type="application/json")
    store.log.clear()  # as if the log had been outrun
    r = client.get(f"{k8s}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1")
    assert r.status_code == 410 and r.json["reason"] == "Expired"
    assert r.json["message"].startswith("too old resource version: 1 (")


@pytest.mark.parametrize(("directive", "code", "warning", "kept"), [
    ("Strict", 400, None, None),
    ("", 201, '299 - "unknown field \\"dataz\\""', False),  # the apiserver's default is Warn
    ("Warn", 201, '299 - "unknown field \\"dataz\\""', False),
    ("Ignore", 201, None, False),
])
def test_field_validation(client, k8s, sandbox, directive, code, warning, kept):
    query = f"?fieldValidation={directive}" if directive else ""
    r = client.post(f"{k8s}/api/v1/namespaces/default/configmaps{query}", data=json.dumps({**CM, "dataz": {"a": 1}}),
                    content_type="application/json")
    assert r.status_code == code, r.json
    assert r.headers.get("Warning") == warning
    if code == 400:
        assert r.json["message"] == ('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding '
                                     'error: unknown field "dataz"')
        assert sandbox.cluster.store.peek("ConfigMap", "default", "settings") is None
    else:
        stored = sandbox.cluster.store.peek("ConfigMap", "default", "settings")
        assert stored["data"] == {"color": "blue"} and ("dataz" in stored) is kept


def test_a_bad_field_validation_directive_is_invalid(client, k8s):
    r = client.post(f"{k8s}/api/v1/namespaces/default/configmaps?fieldValidation=Loose", data=json.dumps(CM),
                    content_type="application/json")
    assert r.status_code == 422 and r.json["message"] == (
        'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: '
        '"Ignore", "Strict", "Warn"')


def test_pod_log_options(client, k8s, sandbox):
    """``pods/log`` with the kubelet's options; timestamps read on the wall clock, as every time
    the API serves."""
    cluster = sandbox.cluster
    client.post(f"/api/sandboxes/{sandbox.id}/run",
                json={"command": "kubectl run bb --image=busybox --restart=Never -- sleep 3600"})
    client.post(f"/api/sandboxes/{sandbox.id}/clock", json={"advance": 20})
    uid = cluster.store.peek("Pod", "default", "bb")["metadata"]["uid"]
    for i in range(3):
        cluster.runtime.log(uid, "bb", f"line {i}", cluster.clock.now())
        client.post(f"/api/sandboxes/{sandbox.id}/clock", json={"advance": 60})
    url = f"{k8s}/api/v1/namespaces/default/pods/bb/log"
    assert client.get(url).data == b"line 0\nline 1\nline 2\n"
    assert client.get(f"{url}?tailLines=1").data == b"line 2\n"
    assert client.get(f"{url}?sinceSeconds=100").data == b"line 2\n"
    assert client.get(f"{url}?limitBytes=8").data == b"line 0\nl"
    stamp, text = client.get(f"{url}?timestamps=true&tailLines=1").data.decode().split(" ", 1)
    assert text == "line 2\n" and stamp.endswith("Z") and len(stamp) == 30
    age = time.time() - parse_time(stamp)
    assert abs(age - 60) < 2  # written a minute ago in the sandbox: a minute ago on the wall clock
    assert client.get(f"{url}?sinceTime={stamp}").data == b"line 2\n"
    bad = client.get(f"{url}?sinceSeconds=0")
    assert bad.status_code == 422 and "sinceSeconds" in bad.json["message"]
    assert client.get(f"{url}?container=nope").json["message"] == "container nope is not valid for pod bb"
