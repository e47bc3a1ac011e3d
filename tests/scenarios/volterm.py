"""A terminal on a fresh sandbox through the HTTP contract (``/run`` with its session, ``/apply``,
``/clock``, a container kill), shared by the volume scenarios (ConfigMap, Secret, the seeds)."""

from __future__ import annotations

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app


class Term:
    def __init__(self, client, sid: str) -> None:
        self.client = client
        self.base = f"/api/sandboxes/{sid}"
        self.session: str | None = None
        self.prompt = "$ "

    def run(self, line: str, rc: int | None = 0, **extra) -> str:
        body = {"command": line, **extra}
        if self.session:
            body["session"] = self.session
        r = self.client.post(f"{self.base}/run", json=body)
        assert r.status_code == 200, r.json
        if "session" in r.json:
            self.session = r.json["session"]["id"] if r.json["session"] else None
            self.prompt = r.json["session"]["prompt"] if r.json["session"] else "$ "
        if rc is not None:
            assert r.json["exitCode"] == rc, r.json
        return r.json["output"]

    def apply(self, manifest: str) -> str:
        r = self.client.post(f"{self.base}/apply", json={"manifest": manifest})
        assert r.status_code == 200 and r.json["exitCode"] == 0, r.json
        return r.json["output"]

    def advance(self, seconds: float) -> None:
        assert self.client.post(f"{self.base}/clock", json={"advance": seconds}).status_code == 200

    def kill(self, pod: str, container: str, namespace: str = "default") -> None:
        r = self.client.post(f"{self.base}/pods/{namespace}/{pod}/containers/{container}/kill")
        assert r.status_code == 200, r.json


@pytest.fixture
def term(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=7, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    yield Term(client, sid)
    app.extensions["kubeplay.journal"].close()
