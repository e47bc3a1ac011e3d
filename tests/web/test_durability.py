"""A damaged journal never stops the server: the damaged sandbox is set aside with a clear error,
the others serve (issue 11's durability). And a sandbox's replay holds no one but its own requests."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from server.persist import Journal
from server.sandbox import Sandbox, Sandboxes, SandboxUnavailable
from server.sim.clock import DEFAULT_START

DEPLOY = {"op": "run", "command": "kubectl create deployment web --image=nginx"}


def _journal(tmp_path: Path, sandboxes: dict[str, list[dict]]) -> Path:
    """A data directory whose journal holds ``sandboxes`` (id -> operations), closed."""
    path = tmp_path / "data" / "kubeplay.sqlite3"
    journal = Journal(str(path))
    for sandbox_id, ops in sandboxes.items():
        journal.add_sandbox_with_ops(sandbox_id, 7, DEFAULT_START, ops)
    journal.close()
    return path


def _deployments(client, sandbox_id: str) -> list[str]:
    answer = client.get(f"/k8s/{sandbox_id}/apis/apps/v1/namespaces/default/deployments")
    assert answer.status_code == 200, answer.data
    return [d["metadata"]["name"] for d in answer.json["items"]]


def test_a_row_that_is_not_json_sets_its_sandbox_aside(make_app, tmp_path, caplog):
    path = _journal(tmp_path, {"good": [DEPLOY], "bad": [DEPLOY, {"op": "advance", "to": DEFAULT_START + 5}]})
    with sqlite3.connect(path) as db:
        db.execute("UPDATE ops SET op = '{\"op\": \"advance\", \"to\": ' WHERE sandbox = 'bad' AND seq = 2")
    client = make_app().test_client()
    answer = client.get("/api/sandboxes/bad/objects")
    assert answer.status_code == 503
    assert answer.json["error"].startswith("sandbox bad is set aside: its journal cannot be restored: row 2: is not JSON")
    status = client.get("/k8s/bad/api/v1/namespaces/default/pods")
    assert status.status_code == 503
    assert status.json["reason"] == "ServiceUnavailable" and "row 2: is not JSON" in status.json["message"]
    assert _deployments(client, "good") == ["web"]  # the others serve
    # said once in the log; every later request (and a restart) answers at once with the same reason
    assert sum("sandbox bad is set aside" in r.getMessage() for r in caplog.records) == 1
    assert client.get("/api/sandboxes/bad/objects").json == answer.json
    assert sum("sandbox bad is set aside" in r.getMessage() for r in caplog.records) == 1
    again = make_app().test_client()
    assert again.get("/api/sandboxes/bad/objects").json == answer.json
    assert _deployments(again, "good") == ["web"]


@pytest.mark.parametrize(("op", "error"), [
    ({"op": "run"}, 'row 2.command: is missing (the run operation needs it)'),
    ({"op": "fail", "node": 3}, "row 2.node: must be a string"),
    ({"op": "advance"}, "row 2.to: is missing (the advance operation needs it)"),
    ({"op": "reboot"}, "row 2.op: must be one of "),
    ([1, 2], "row 2: is not an operation"),
])
def test_a_row_that_is_no_operation_is_an_error_not_skipped(make_app, tmp_path, op, error):
    path = _journal(tmp_path, {"good": [DEPLOY], "bad": [DEPLOY, {"op": "clock"}]})
    with sqlite3.connect(path) as db:
        db.execute("UPDATE ops SET op = ? WHERE sandbox = 'bad' AND seq = 2", (json.dumps(op),))
    client = make_app().test_client()
    answer = client.get("/api/sandboxes/bad")
    assert answer.status_code == 503
    assert error in answer.json["error"]
    assert _deployments(client, "good") == ["web"]


def test_an_imported_operation_with_a_missing_field_is_refused_naming_it(client):
    doc = {"kind": "KubeplaySandbox", "version": 1, "seed": 7, "start": DEFAULT_START,
           "ops": [DEPLOY, {"op": "kill", "namespace": "default", "pod": "web"}]}
    answer = client.post("/api/sandboxes/import", data=json.dumps(doc), content_type="application/json")
    assert answer.status_code == 400
    assert answer.json["field"] == "ops[1].container"
    assert "is missing" in answer.json["error"]


def test_a_truncated_database_keeps_what_can_be_read(make_app, tmp_path):
    # "small" is written first and its one row lies in the file's first pages; "big"'s hundred
    # 20 kB manifests fill the rest, so cutting the file in half loses only big's later rows
    big = [{"op": "apply", "manifest": "# " + "x" * 20_000 + "\n"} for _ in range(100)]
    path = _journal(tmp_path, {"small": [DEPLOY], "big": big})
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.truncate(size // 2)
    app = make_app()
    client = app.test_client()
    assert client.get("/healthz").json == {"ok": True}
    damage = app.extensions["kubeplay.journal"].damage
    aside = [p for p in path.parent.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].stat().st_size == size // 2  # the damaged file, kept as it was
    assert damage[0].startswith(f"{path}: database disk image is malformed: moved aside to {aside[0]}")
    assert _deployments(client, "small") == ["web"]
    answer = client.get("/api/sandboxes/big/objects")
    assert answer.status_code == 503
    assert "is set aside: only the first" in answer.json["error"]
    assert any(d.startswith("sandbox big: only the first") for d in damage)
    # the new file is whole: a new sandbox is journalled and survives a restart
    sid = client.post("/api/sandboxes").json["id"]
    client.post(f"/api/sandboxes/{sid}/run", json=DEPLOY)
    restarted = make_app()
    assert restarted.extensions["kubeplay.journal"].damage == []
    assert _deployments(restarted.test_client(), sid) == ["web"]


def test_a_file_that_is_no_database_is_moved_aside(make_app, tmp_path):
    path = tmp_path / "data" / "kubeplay.sqlite3"
    path.parent.mkdir()
    path.write_bytes(b"this is not a database\n" * 500)
    app = make_app()
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert "file is not a database" in app.extensions["kubeplay.journal"].damage[0]
    assert [p.read_bytes()[:22] for p in path.parent.iterdir() if ".damaged-" in p.name] == [b"this is not a database"]
    assert client.get("/api/sandboxes/anything").status_code == 404
    assert client.post("/api/sandboxes").status_code == 201


def test_a_replay_holds_neither_the_registry_nor_other_sandboxes(tmp_path, monkeypatch):
    path = _journal(tmp_path, {"slow": [DEPLOY], "other": [DEPLOY]})
    registry = Sandboxes(Journal(str(path)), {})
    entered, release = threading.Event(), threading.Event()
    replays: list[str] = []
    real_replay = Sandbox.replay

    def replay(self: Sandbox, ops: list[dict]) -> None:
        replays.append(self.id)
        if self.id == "slow":
            entered.set()
            assert release.wait(60)
        real_replay(self, ops)

    monkeypatch.setattr(Sandbox, "replay", replay)
    got: dict[str, list] = {"first": [], "second": []}
    first = threading.Thread(target=lambda: got["first"].append(registry.get("slow")))
    first.start()
    assert entered.wait(60)
    # while "slow" replays: another sandbox loads, a new one is created, an unknown id is unknown
    assert registry.get("other").cluster.store.peek("Deployment", "default", "web") is not None
    assert registry.create().id not in ("slow", "other")
    assert registry.get("nothing") is None
    second = threading.Thread(target=lambda: got["second"].append(registry.get("slow")))
    second.start()
    release.set()
    first.join(60)
    second.join(60)
    assert got["first"] and got["second"] and got["first"][0] is got["second"][0]
    assert replays == ["slow", "other"]  # the second request for "slow" waited for the first's replay


def test_a_set_aside_sandbox_is_refused_at_once_by_the_registry(tmp_path):
    path = _journal(tmp_path, {"bad": [{"op": "run"}]})
    registry = Sandboxes(Journal(str(path)), {})
    with pytest.raises(SandboxUnavailable) as first:
        registry.get("bad")
    with pytest.raises(SandboxUnavailable) as second:
        registry.get("bad")
    assert str(first.value) == str(second.value) == \
        "sandbox bad is set aside: its journal cannot be restored: row 1.command: is missing (the run operation needs it)"


class Owners:
    """A stand-in for server.placement's Redis records: who owns which sandbox, who is alive."""

    def __init__(self) -> None:
        self.owner: dict[str, str] = {}
        self.dead: set[str] = set()

    def of(self, worker: str) -> Placement:
        return Placement(self, worker)


class Placement:
    def __init__(self, owners: Owners, worker: str) -> None:
        self.owners, self.worker = owners, worker

    def claim(self, sandbox_id: str) -> tuple[bool, str | None]:
        owner = self.owners.owner.get(sandbox_id)
        if owner == self.worker:
            return False, None
        if owner is not None and owner not in self.owners.dead:
            return False, f"http://{owner}"
        self.owners.owner[sandbox_id] = self.worker
        return True, None

    def release(self, sandbox_id: str) -> None:
        if self.owners.owner.get(sandbox_id) == self.worker:
            del self.owners.owner[sandbox_id]


def test_a_stale_copy_of_a_taken_over_sandbox_writes_nothing(tmp_path):
    from server.persist import JournalConflict
    from server.sandbox import SandboxElsewhere

    path = str(tmp_path / "kubeplay.sqlite3")
    owners = Owners()
    a = Sandboxes(Journal(path), {}, seed=7, start=DEFAULT_START, placement=owners.of("a"))
    b = Sandboxes(Journal(path), {}, seed=7, start=DEFAULT_START, placement=owners.of("b"))
    sid = a.create().id
    on_a = a.get(sid)
    on_a.run("kubectl create deployment web --image=nginx")
    owners.dead.add("a")  # a's lease ran out (a paused, say) and b took the sandbox over
    b.get(sid).run("kubectl create deployment api --image=nginx")
    owners.dead.discard("a")  # a wakes up, still holding its copy
    with pytest.raises(JournalConflict):
        on_a.run("kubectl create deployment lost --image=nginx")
    assert on_a.stale
    with pytest.raises(SandboxElsewhere) as moved:
        a.get(sid)
    assert moved.value.address == "http://b"
    # the journal holds what the owner did, and nothing of the stale copy's last command
    rebuilt = Sandboxes(Journal(path), {}).get(sid)
    names = sorted(d["metadata"]["name"] for d in rebuilt.cluster.store.list("Deployment", "default"))
    assert names == ["api", "web"]


def test_a_slow_ownership_claim_holds_no_other_sandbox(tmp_path):
    """The claim is a Redis round trip per request: while one waits (Redis slow, say), the registry
    serves the other sandboxes."""
    owners = Owners()
    registry = Sandboxes(Journal(str(tmp_path / "kubeplay.sqlite3")), {}, seed=7, start=DEFAULT_START,
                         placement=owners.of("a"))
    slow, fast = registry.create().id, registry.create().id
    registry.get(slow), registry.get(fast)
    entered, release = threading.Event(), threading.Event()
    plain = Placement.claim

    def claim(self: Placement, sandbox_id: str) -> tuple[bool, str | None]:
        if sandbox_id == slow:
            entered.set()
            assert release.wait(60)
        return plain(self, sandbox_id)

    registry.placement.claim = claim.__get__(registry.placement)
    got: list = []
    waiting = threading.Thread(target=lambda: got.append(registry.get(slow)))
    waiting.start()
    assert entered.wait(60)
    done = threading.Event()
    threading.Thread(target=lambda: (registry.get(fast), done.set())).start()
    assert done.wait(60), "the other sandbox waited for the slow claim"
    release.set()
    waiting.join(60)
    assert got and got[0].id == slow
