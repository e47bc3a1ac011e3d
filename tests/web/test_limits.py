"""The server's limits (``server.config.Limits``), through the Flask test client: each answers 429 with a
message naming it, and changes nothing else — no sandbox made, no journal row, other clients served.

Clients are told apart by their address (``REMOTE_ADDR``, as Werkzeug's ProxyFix resolves it behind a
trusted proxy). The rate limit's bucket is given a rate so low that no token comes back during a test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.config import ENV, Limits
from server.persist import Journal
from server.sandbox import Sandboxes, SandboxLimit
from server.web.hygiene import RateLimiter

ROOT = Path(__file__).resolve().parents[2]
OTHER = {"REMOTE_ADDR": "198.51.100.7"}


def _count(app) -> int:
    return len(app.extensions["kubeplay.journal"].sandbox_ids())


def test_sandboxes_per_client(make_app):
    app = make_app(LIMITS=Limits(max_sandboxes_per_client=2))
    client = app.test_client()
    first = client.post("/api/sandboxes").json["id"]
    assert client.post("/api/sandboxes", json={"preset": "kind"}).status_code == 201
    r = client.post("/api/sandboxes")
    assert r.status_code == 429
    assert re.fullmatch(r"this client has created its limit of 2 sandboxes in 3600 s: no new one can be "
                        r"created for (\d+) s \(reuse an open one\)", r.json["error"])
    assert client.post(f"/api/sandboxes/{first}/fork").status_code == 429  # a copy is a new sandbox too
    assert _count(app) == 2
    assert client.get(f"/api/sandboxes/{first}").status_code == 200  # what it has still works
    assert client.post(f"/api/sandboxes/{first}/run", json={"command": "echo ok"}).json["output"] == "ok\n"
    assert app.test_client().post("/api/sandboxes", environ_base=OTHER).status_code == 201  # another client
    assert _count(app) == 3


def test_sandboxes_per_client_count_over_a_window():
    now = [1000.0]
    sandboxes = Sandboxes(Journal.in_dir(None), {}, seed=1, start=0.0,
                          limits=Limits(max_sandboxes_per_client=1, sandbox_window=60), clock=lambda: now[0])
    sandboxes.create(client="a")
    with pytest.raises(SandboxLimit, match=r"limit of 1 sandboxes in 60 s: no new one can be created for 60 s"):
        sandboxes.create(client="a")
    now[0] += 45
    with pytest.raises(SandboxLimit, match="for 15 s"):
        sandboxes.create(client="a")
    now[0] += 15  # the first one has left the window
    sandboxes.create(client="a")
    assert len(sandboxes.loaded()) == 2


def test_sandboxes_in_all(make_app):
    app = make_app(LIMITS=Limits(max_sandboxes=2))
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    assert app.test_client().post("/api/sandboxes", environ_base=OTHER).status_code == 201
    for c in (client, app.test_client()):
        r = c.post("/api/sandboxes", environ_base=OTHER) if c is not client else c.post("/api/sandboxes")
        assert r.status_code == 429
        assert r.json == {"error": "this server holds its limit of 2 sandboxes: no new one can be created now "
                                   "(reuse an open one, or try again later)"}
    exported = client.get(f"/api/sandboxes/{sid}/export").json
    assert client.post("/api/sandboxes/import", json=exported).status_code == 429
    assert _count(app) == 2


def test_request_rate_per_client(make_app):
    app = make_app(LIMITS=Limits(rate=0.000001, burst=4))
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    assert client.post(f"/api/sandboxes/{sid}/run", json={"command": "echo one"}).status_code == 200
    assert client.get(f"/api/sandboxes/{sid}/history").json == {"history": ["echo one"]}
    assert client.get(f"/k8s/{sid}/api/v1/namespaces").status_code == 200  # the 4th: the bucket is empty
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "echo two"})
    assert r.status_code == 429
    retry = r.headers["Retry-After"]
    assert 900_000 < int(retry) <= 1_000_000  # a millionth of a token per second: a million seconds
    assert r.json == {"error": f"too many requests from this client: at most 1e-06 per second (and 4 at once); "
                               f"retry after {retry} s"}
    r = client.get(f"/k8s/{sid}/api/v1/pods")
    assert r.status_code == 429  # the apiserver's own answer to a client over its rate (maxinflight.go)
    assert int(r.headers["Retry-After"]) > 900_000
    assert r.content_type == "text/plain; charset=utf-8"
    assert r.get_data(as_text=True) == "Too many requests, please try again later.\n"
    assert client.get("/healthz").status_code == 200  # not an API request
    other = app.test_client()
    assert other.get(f"/api/sandboxes/{sid}/history", environ_base=OTHER).json == {"history": ["echo one"]}


def test_rate_limiter_refills_on_its_clock():
    now = [0.0]
    limiter = RateLimiter(2.0, 3, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a") == pytest.approx(0.5)
    assert limiter.take("b") == 0.0  # a bucket per client
    now[0] += 0.5
    assert limiter.take("a") == 0.0
    assert limiter.take("a") == pytest.approx(0.5)
    now[0] += 100
    assert [limiter.take("a") for _ in range(4)][-1] > 0  # refilled to the burst, no further
    assert RateLimiter(0, 1).take("a") == 0.0  # 0: no limit


def test_rate_limiter_remembers_a_bounded_number_of_clients():
    limiter = RateLimiter(1.0, 1, clock=lambda: 0.0, max_clients=3)
    for name in "abcd":
        assert limiter.take(name) == 0.0
    assert limiter.take("d") > 0  # still remembered
    assert limiter.take("a") == 0.0  # forgotten first: it starts again with a full bucket
    assert len(limiter._buckets) == 3


def test_journal_size_per_sandbox(make_app):
    app = make_app(LIMITS=Limits(max_journal_ops=3))
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    for n in range(3):  # each a journalled change (``echo`` changes nothing a replay must redo)
        assert client.post(f"/api/sandboxes/{sid}/run", json={"command": f"kubectl create configmap c{n}"}).json[
            "exitCode"] == 0
    rows = app.extensions["kubeplay.journal"].count_ops(sid)
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl create namespace late"})
    assert r.status_code == 429
    assert r.json == {"error": "this sandbox's journal holds its limit of 3 operations: it can still be read, "
                               "forked or exported, not changed"}
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "late"}}
    r = client.post(f"/k8s/{sid}/api/v1/namespaces", json=ns)
    assert r.status_code == 429
    assert r.json["kind"] == "Status" and r.json["reason"] == "TooManyRequests" and r.json["code"] == 429
    assert app.extensions["kubeplay.journal"].count_ops(sid) == rows
    names = [o["metadata"]["name"] for o in client.get(f"/api/sandboxes/{sid}/objects").json["objects"]
             if o["kind"] == "Namespace"]
    assert "late" not in names
    assert client.get(f"/api/sandboxes/{sid}/history").json["history"] == [
        f"kubectl create configmap c{n}" for n in range(3)]
    assert client.post(f"/api/sandboxes/{sid}/fork").status_code == 201


def test_limits_from_the_environment():
    limits = Limits.from_env({"KUBEPLAY_MAX_SANDBOXES": "7", "KUBEPLAY_RATE": "2.5", "KUBEPLAY_BURST": "",
                              "UNRELATED": "x"})
    assert limits == Limits(max_sandboxes=7, rate=2.5)
    assert Limits.from_env({}) == Limits()
    with pytest.raises(ValueError, match=r"KUBEPLAY_MAX_PODS='many': must be a whole number"):
        Limits.from_env({"KUBEPLAY_MAX_PODS": "many"})
    with pytest.raises(ValueError, match=r"KUBEPLAY_RATE='-1': must be 0 \(no limit\) or more"):
        Limits.from_env({"KUBEPLAY_RATE": "-1"})


def test_the_app_reads_its_limits_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("KUBEPLAY_MAX_SANDBOXES_PER_CLIENT", "1")
    client = make_app().test_client()
    assert client.post("/api/sandboxes").status_code == 201
    assert client.post("/api/sandboxes").status_code == 429


def test_the_readme_lists_every_limit_with_its_default():
    readme = (ROOT / "README.md").read_text()
    rows = dict(re.findall(r"^\| `(KUBEPLAY_[A-Z_]+)` \| `([^`]+)` \|", readme, re.M))
    assert rows == {name: f"{default:g}" if isinstance(default, float) else str(default) for name, default in ENV}


def test_pods_and_objects_per_sandbox():
    """A sandbox's store holds at most ``max_pods`` pods and ``max_objects`` objects: past them a create
    is refused as a ResourceQuota refuses one (403 in the quota's words), a ReplicaSet records
    FailedCreate and keeps what it made, and nothing else changes."""
    probe = Sandboxes(Journal.in_dir(None), {}, seed=1, start=0.0).create()
    pods_now = probe.cluster.store.count("Pod")
    sandboxes = Sandboxes(Journal.in_dir(None), {}, seed=1, start=0.0, limits=Limits(max_pods=pods_now + 3))
    sb = sandboxes.create()
    out = sb.run("kubectl create deployment web --image=nginx --replicas=5")
    assert out["exitCode"] == 0, out["output"]
    sb.advance(5)
    assert sb.cluster.store.count("Pod") == pods_now + 3
    events = sb.run("kubectl get events --field-selector reason=FailedCreate -o jsonpath={.items[0].message}")["output"]
    assert re.match(r'Error creating: pods "web-[a-z0-9]+-" is forbidden: exceeded quota: '
                    r"kubeplay-sandbox-capacity, requested: pods=1, used: pods=\d+, limited: pods=\d+$", events), events
    refused = sb.run("kubectl run solo --image=nginx")
    assert refused["exitCode"] == 1
    assert 'pods "solo" is forbidden: exceeded quota: kubeplay-sandbox-capacity' in refused["output"]
    assert sb.run("kubectl create configmap still-fine")["exitCode"] == 0  # other kinds are not pods

    objects = Sandboxes(Journal.in_dir(None), {}, seed=1, start=0.0, limits=Limits(max_objects=1)).create()
    refused = objects.run("kubectl create configmap one-too-many")
    assert refused["exitCode"] == 1
    assert 'configmaps "one-too-many" is forbidden: exceeded quota: kubeplay-sandbox-capacity, requested: ' \
        "count/objects=1" in refused["output"]
    assert objects.cluster.store.get("ConfigMap", "default", "one-too-many") is None
