"""helm lines are journalled (host.STATEFUL) and replay to the same cluster: a sandbox rebuilt from
its journal after a restart has the same generated release names, the same random passwords, the
same release Secrets — and the workstation still knows the repositories that were added."""

from __future__ import annotations

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app


@pytest.fixture
def make_app(tmp_path):
    apps = []

    def make():
        app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                         seed=11, start=DEFAULT_START)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["kubeplay.journal"].close()


def test_a_replayed_sandbox_has_the_same_releases_and_passwords(make_app):
    client = make_app().test_client()
    sid = client.post("/api/sandboxes").json["id"]
    api = f"/api/sandboxes/{sid}"

    def run(c, line: str) -> str:
        r = c.post(f"{api}/run", json={"command": line}).json
        assert r["exitCode"] == 0, r
        return r["output"]

    client.post(f"{api}/clock", json={"advance": 7.5, "paused": True})
    run(client, "helm repo add stable https://charts.helm.sh/stable")
    run(client, "helm repo add bitnami https://charts.bitnami.com/bitnami")
    first = run(client, "helm install stable/mysql --generate-name")
    client.post(f"{api}/clock", json={"advance": 30})
    run(client, "helm install cache bitnami/redis && helm upgrade cache bitnami/redis --set master.service.type=NodePort")
    name = first.split("NAME: ", 1)[1].split("\n", 1)[0]
    password = f"kubectl get secret {name} -o jsonpath='{{.data.mysql-root-password}}'"
    redis_password = "kubectl get secret cache-redis -o jsonpath='{.data.redis-password}'"
    before_pw, before_redis = run(client, password), run(client, redis_password)
    assert before_pw and before_redis
    listed = run(client, "helm list")
    before = client.get(f"{api}/objects")

    again = make_app().test_client()  # a new process over the same data directory: the journal replays
    after = again.get(f"{api}/objects")
    assert after.data == before.data
    assert run(again, password) == before_pw and run(again, redis_password) == before_redis
    assert run(again, "helm list") == listed
    assert [ln.split("\t")[0].strip() for ln in run(again, "helm list -q").splitlines()] == ["cache", name]
    # the repositories file was rebuilt by the replayed ``helm repo add`` lines
    assert run(again, "helm repo list").splitlines()[1:] == [
        "stable \thttps://charts.helm.sh/stable     ", "bitnami\thttps://charts.bitnami.com/bitnami"]
