"""The HTTP contract a tutorial scenario drives (``/run``, ``/apply``, ``/clock``, ``/addons``): one
small client for the container-process tutorials (probes, Job pi, CronJob, memory)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from server.sim.clock import DEFAULT_START
from server.web import create_app


class Term:
    def __init__(self, client, sid: str) -> None:
        self.client = client
        self.base = f"/api/sandboxes/{sid}"

    def run(self, line: str, rc: int | None = 0, stdin: str | None = None) -> str:
        body: dict = {"command": line}
        if stdin is not None:
            body["stdin"] = stdin
        r = self.client.post(f"{self.base}/run", json=body)
        assert r.status_code == 200, r.json
        if rc is not None:
            assert r.json["exitCode"] == rc, (line, r.json)
        return r.json["output"]

    def apply(self, manifest: str) -> str:
        r = self.client.post(f"{self.base}/apply", json={"manifest": manifest})
        assert r.status_code == 200, r.json
        assert r.json["exitCode"] == 0, r.json
        return r.json["output"]

    def advance(self, seconds: float) -> float:
        r = self.client.post(f"{self.base}/clock", json={"advance": seconds})
        assert r.status_code == 200, r.json
        return r.json["now"]

    def addon(self, name: str, enabled: bool = True) -> None:
        r = self.client.post(f"{self.base}/addons/{name}", json={"enabled": enabled})
        assert r.status_code == 200, r.json


@contextmanager
def tutorial_term(tmp_path, seed: int = 7) -> Iterator[Term]:
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=seed, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    try:
        yield Term(client, sid)
    finally:
        app.extensions["kubeplay.journal"].close()


def column(table: str, name: str, header: str) -> str:
    """The ``header`` column of the row whose first column is ``name`` in a kubectl table."""
    lines = table.splitlines()
    head = lines[0]
    start = head.index(header)
    nxt = [head.index(h) for h in head.split() if head.index(h) > start]
    end = min(nxt) if nxt else None
    for line in lines[1:]:
        if line.split()[0] == name:
            return line[start:end].strip()
    raise AssertionError(f"no row {name!r} in\n{table}")
