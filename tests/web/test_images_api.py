"""The page's image and app-health operations over HTTP: a learner publishes an image the
simulated registry lacks (the pod stuck in ImagePullBackOff then pulls it, runs it, logs and
answers as described), makes a container's app unhealthy or slow for its probes, and both are
journalled so a restarted server rebuilds the same sandbox."""

from __future__ import annotations

import pytest

SHOP = {"kind": "Image", "name": "acme/shop", "tag": "v2", "ports": [8080], "answer": "Welcome to the shop\n",
        "logs": ["shop v2 listening on :8080"]}

LIVENESS_HTTP = """apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports: [{containerPort: 80}]
    livenessProbe:
      httpGet: {path: /, port: 80}
      periodSeconds: 5
      failureThreshold: 3
    readinessProbe:
      httpGet: {path: /, port: 80}
      periodSeconds: 5
      timeoutSeconds: 2
      failureThreshold: 1
  - name: sidecar
    image: busybox:1.36
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def _api(client, sid):
    api = f"/api/sandboxes/{sid}"

    def run(command: str) -> dict:
        return client.post(f"{api}/run", json={"command": command}).json

    def advance(seconds: float) -> None:
        assert client.post(f"{api}/clock", json={"advance": seconds}).status_code == 200

    return api, run, advance


def test_an_image_the_registry_lacks_is_added_and_the_pod_runs_it(client, sid):
    api, run, advance = _api(client, sid)
    assert run("kubectl run shop --image=acme/shop:v2 --port=8080")["exitCode"] == 0
    advance(20)
    assert "ImagePullBackOff" in run("kubectl get pod shop")["output"]
    info = client.get(f"{api}/images", query_string={"ref": "acme/shop:v2"}).json
    assert info["known"] is False and info["ref"] == "docker.io/acme/shop:v2"
    assert info["note"].startswith('kubeplay: the simulated registry has no image "acme/shop:v2"')

    r = client.post(f"{api}/images", json=SHOP)
    assert r.status_code == 201
    assert r.json["image"]["ref"] == "docker.io/acme/shop:v2"
    assert r.json["image"]["ports"] == [8080]
    assert client.get(f"{api}/images", query_string={"ref": "docker.io/acme/shop:v2"}).json == {
        "ref": "docker.io/acme/shop:v2", "known": True, "note": None}

    advance(60)  # the kubelet's next pull after its back-off finds it
    out = run("kubectl get pod shop")["output"]
    assert "1/1     Running" in out, out
    assert run("kubectl logs shop")["output"] == "shop v2 listening on :8080\n"
    events = run("kubectl describe pod shop")["output"]
    assert 'Successfully pulled image "acme/shop:v2"' in events

    ip = run("kubectl get pod shop -o jsonpath={.status.podIP}")["output"]
    assert run(f"kubectl run get --image=busybox:1.36 --restart=Never -- wget -qO- http://{ip}:8080/")["exitCode"] == 0
    advance(30)
    assert run("kubectl logs get")["output"] == "Welcome to the shop\n"


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"kind": "Image"}, "name", "name: Required value"),
    ({"name": "Acme/Shop"}, "name", 'name: Invalid value: "Acme/Shop": repository name must be lowercase'),
    ({"name": "acme shop"}, "name", "invalid reference format"),
    ({"name": "acme/shop", "tag": "a b"}, "tag", 'tag: Invalid value: "a b"'),
    ({"name": "acme/shop", "ports": ["eighty"]}, "ports", "ports: must be a list of port numbers"),
    ({"name": "acme/shop", "ports": [True]}, "ports", "ports: must be a list of port numbers"),
    ({"name": "acme/shop", "logs": "one line"}, "logs", "logs: must be a list of lines"),
    ({"name": "acme/shop", "answer": 5}, "answer", "answer: must be a string"),
    ({"kind": "Pod", "name": "acme/shop"}, "kind", "kind: Unsupported value"),
])
def test_a_bad_image_form_is_refused_and_not_journalled(client, sid, app, body, field, words):
    api, _run, _advance = _api(client, sid)
    journal = app.extensions["kubeplay.journal"]
    before = len(list(journal.ops(sid)))
    r = client.post(f"{api}/images", json=body)
    assert r.status_code == 400
    assert r.json["field"] == field and words in r.json["error"]
    assert len(list(journal.ops(sid))) == before
    assert client.get(f"{api}/images", query_string={"ref": "acme/shop"}).json["known"] is False


def test_images_need_a_ref_and_a_sandbox(client, sid):
    assert client.get(f"/api/sandboxes/{sid}/images").status_code == 400
    assert client.get("/api/sandboxes/nope/images?ref=nginx").status_code == 404
    assert client.post("/api/sandboxes/nope/images", json=SHOP).status_code == 404


def test_an_unhealthy_app_fails_its_liveness_probe_and_restarts_healthy(client, sid):
    api, run, advance = _api(client, sid)
    assert client.post(f"{api}/apply", json={"manifest": LIVENESS_HTTP}).json["exitCode"] == 0
    advance(30)
    assert "2/2     Running   0" in run("kubectl get pod web")["output"]
    health = f"{api}/pods/default/web/health"
    assert client.get(health).json == {"containers": {"nginx": "healthy", "sidecar": "healthy"}}

    r = client.post(f"{api}/pods/default/web/containers/nginx/health", json={"health": "unhealthy"})
    assert r.status_code == 200
    assert r.json == {"containers": {"nginx": "unhealthy", "sidecar": "healthy"}}
    ip = run("kubectl get pod web -o jsonpath={.status.podIP}")["output"]
    advance(6)  # one readiness period: out of the Service's endpoints (kubectl prints no address)
    assert run("kubectl get endpoints web")["output"].split("\n")[1].split() == ["web", "36s"]
    assert "1/2     Running   0" in run("kubectl get pod web")["output"]
    advance(15)  # three liveness failures, then the kubelet kills and restarts it
    out = run("kubectl describe pod web")["output"]
    assert "Liveness probe failed: HTTP probe failed with statuscode: 500" in out
    assert "Container nginx failed liveness probe, will be restarted" in out
    assert "   1 (" in run("kubectl get pod web")["output"]
    # the new process starts healthy, as a restarted app does
    assert client.get(health).json == {"containers": {"nginx": "healthy", "sidecar": "healthy"}}
    advance(15)
    assert f"{ip}:80" in run("kubectl get endpoints web")["output"]


def test_a_slow_app_times_out_its_probes(client, sid):
    api, run, advance = _api(client, sid)
    client.post(f"{api}/apply", json={"manifest": LIVENESS_HTTP})
    advance(30)
    r = client.post(f"{api}/pods/default/web/containers/nginx/health", json={"health": "slow"})
    assert r.json["containers"]["nginx"] == "slow"
    advance(6)
    out = run("kubectl describe pod web")["output"]
    assert ('Readiness probe failed: Get "http://' in out
            and "context deadline exceeded (Client.Timeout exceeded while awaiting headers)" in out)
    assert client.post(f"{api}/pods/default/web/containers/nginx/health", json={"health": "healthy"}).json[
        "containers"]["nginx"] == "healthy"


def test_app_health_refuses_what_is_not_there(client, sid):
    api, run, advance = _api(client, sid)
    client.post(f"{api}/apply", json={"manifest": LIVENESS_HTTP})
    url = f"{api}/pods/default/web/containers/nginx/health"
    assert client.post(url, json={"health": "healthy"}).status_code == 409  # not started yet
    advance(30)
    assert client.post(url, json={"health": "sick"}).json["field"] == "health"
    assert client.post(url, json={}).status_code == 400
    assert client.post(f"{api}/pods/default/web/containers/nope/health", json={"health": "slow"}).status_code == 404
    assert client.post(f"{api}/pods/default/nope/containers/nginx/health", json={"health": "slow"}).status_code == 404
    assert client.get(f"{api}/pods/default/nope/health").status_code == 404


def test_images_and_app_health_replay_after_a_restart(make_app):
    app = make_app()
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    api, run, advance = _api(client, sid)
    run("kubectl run shop --image=acme/shop:v2")
    client.post(f"{api}/apply", json={"manifest": LIVENESS_HTTP})
    advance(20)
    client.post(f"{api}/images", json=SHOP)
    client.post(f"{api}/pods/default/web/containers/nginx/health", json={"health": "unhealthy"})
    advance(70)
    before = client.get(f"{api}/objects")
    assert "Running" in run("kubectl get pod shop")["output"]

    again = make_app().test_client()  # a new process over the same data directory
    assert again.get(f"{api}/objects").data == before.data
    out = again.post(f"{api}/run", json={"command": "kubectl logs shop"}).json["output"]
    assert out == "shop v2 listening on :8080\n"
