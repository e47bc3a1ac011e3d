"""The timeline: a sandbox's past seen read-only (``GET …/timeline``, ``…/timeline/at?t=``) and forked
(``POST …/fork {"at"}``), rebuilt from its journal — compared with what the cluster answered then."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import server.sandbox

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _visible(objects: list[dict]) -> dict[str, dict]:
    """Objects by kind/namespace/name, without the Leases and Events snapshots leave out."""
    return {f"{o['kind']}/{o['metadata'].get('namespace') or ''}/{o['metadata']['name']}": o
            for o in objects if o["kind"] not in ("Lease", "Event")}


def _phases(objects: dict[str, dict]) -> dict[str, str]:
    return {k: o["status"].get("phase") for k, o in objects.items() if o["kind"] == "Pod"}


@pytest.fixture
def history(client, hub, sandbox, sid):
    """A user's session; what ``GET …/objects`` answered at each moment, and when each op was made."""
    api = f"/api/sandboxes/{sid}"
    seen: dict[str, object] = {}
    made: list[tuple[str, float]] = []

    def clock() -> float:
        return client.get(f"{api}/objects").json["clock"]["time"]

    def record(name: str) -> None:
        seen[name] = client.get(f"{api}/objects")

    manifest = (EXAMPLES / "lessons/step08-deployment1.yml").read_text()
    made.append(("apply", clock()))
    assert client.post(f"{api}/apply", json={"manifest": manifest}).json["exitCode"] == 0
    client.post(f"{api}/clock", json={"advance": 30, "speed": 10})
    record("after-apply")
    for _ in range(5):  # the live ticker: 1 s each at ×10, merged into the advance before them
        hub.tick(sandbox)
    made.append(("run", clock()))
    assert client.post(f"{api}/run", json={"command": "kubectl scale deployment web-deploy --replicas=5"}).json[
        "exitCode"] == 0
    client.post(f"{api}/clock", json={"advance": 20})
    record("after-scale")
    client.post(f"{api}/clock", json={"advance": 5})
    made.append(("fail", clock()))
    assert client.post(f"{api}/nodes/node1/fail").status_code == 200
    client.post(f"{api}/clock", json={"advance": 45.5})
    record("failing")
    client.post(f"{api}/clock", json={"advance": 60})
    return seen, made


def test_the_view_at_a_moment_is_the_cluster_as_it_was_then(client, sid, history):
    seen, made = history
    for name, then in seen.items():
        t = then.json["clock"]["time"]
        view = client.get(f"/api/sandboxes/{sid}/timeline/at", query_string={"t": t})
        assert view.status_code == 200, name
        snap = view.json
        assert snap["at"] == t and snap["clock"]["time"] == t
        assert snap["rv"] == then.json["rv"], name
        assert _visible(snap["objects"]) == _visible(then.json["objects"]), name
        assert set(snap["cells"]) >= {k for k in _visible(then.json["objects"]) if k.startswith("Pod/")}
    # what a user sees change: 2 → 5 web pods after the scale, node1's machine down while failing
    web = lambda objs: sorted(k for k in objs if k.startswith("Pod/default/web-deploy"))  # noqa: E731
    before = client.get(f"/api/sandboxes/{sid}/timeline/at", query_string={"t": seen["after-apply"].json["clock"]["time"]})
    after = client.get(f"/api/sandboxes/{sid}/timeline/at", query_string={"t": seen["after-scale"].json["clock"]["time"]})
    assert len(web(_visible(before.json["objects"]))) < len(web(_visible(after.json["objects"]))) == 5
    assert _phases(_visible(after.json["objects"])) == _phases(_visible(seen["after-scale"].json["objects"]))
    failing = client.get(f"/api/sandboxes/{sid}/timeline/at", query_string={"t": seen["failing"].json["clock"]["time"]})
    assert {"name": "node1", "up": False} in failing.json["machines"]
    # an operation's own moment shows it done; a moment before it does not
    fail_at = dict(made)["fail"]
    just_before = client.get(f"/api/sandboxes/{sid}/timeline/at", query_string={"t": fail_at - 0.5})
    assert {"name": "node1", "up": True} in just_before.json["machines"]
    assert {"name": "node1", "up": True} in after.json["machines"]
    assert {"name": "node1", "up": False} in client.get(f"/api/sandboxes/{sid}/timeline/at",
                                                        query_string={"t": fail_at}).json["machines"]


def test_marks_are_the_users_operations_with_when_they_began(client, sid, history):
    _seen, made = history
    tl = client.get(f"/api/sandboxes/{sid}/timeline").json
    assert tl["start"] == client.get(f"/api/sandboxes/{sid}/timeline/at", query_string={"t": tl["start"]}).json[
        "clock"]["time"]
    assert tl["now"] == client.get(f"/api/sandboxes/{sid}/objects").json["clock"]["time"]
    assert [(m["op"], m["time"]) for m in tl["marks"]] == made  # no advance, speed or pause
    assert [m["text"] for m in tl["marks"]] == [
        "apply 1 object", "kubectl scale deployment web-deploy --replicas=5", "fail node1"]
    assert tl["start"] <= made[0][1] < made[1][1] < made[2][1] < tl["now"]


def test_marks_keep_their_times_after_a_restart(make_app, client, sid, history):
    before = client.get(f"/api/sandboxes/{sid}/timeline").json
    again = make_app().test_client()  # a new server over the same data directory: the journal replayed
    assert again.get(f"/api/sandboxes/{sid}/timeline").json == before


def test_a_fork_from_a_moment_is_that_moment(client, sid, history):
    seen, _made = history
    then = seen["after-scale"]
    t = then.json["clock"]["time"]
    r = client.post(f"/api/sandboxes/{sid}/fork", json={"at": t})
    assert r.status_code == 201
    copy = r.json["id"]
    # byte for byte what the cluster answered at t, Leases and Events included
    assert client.get(f"/api/sandboxes/{copy}/objects").data == then.data
    view = client.get(f"/api/sandboxes/{sid}/timeline/at", query_string={"t": t}).json
    assert _visible(client.get(f"/api/sandboxes/{copy}/objects").json["objects"]) == _visible(view["objects"])
    # the copy goes its own way: its timeline ends at t, and the source's node failure never happens in it
    assert client.get(f"/api/sandboxes/{copy}/timeline").json["now"] == t
    client.post(f"/api/sandboxes/{copy}/clock", json={"advance": 120})
    machines = client.get(f"/api/sandboxes/{copy}/timeline/at",
                          query_string={"t": t + 120}).json["machines"]
    assert {"name": "node1", "up": True} in machines


def test_views_are_never_journalled_nor_listed(app, client, sid, history):
    journal = app.extensions["kubeplay.journal"]
    rows, ids = journal.count_ops(sid), journal.sandbox_ids()
    seen, _made = history
    for then in seen.values():
        client.get(f"/api/sandboxes/{sid}/timeline/at", query_string={"t": then.json["clock"]["time"] - 0.25})
    assert journal.count_ops(sid) == rows and journal.sandbox_ids() == ids


def test_a_read_only_link_reads_the_timeline_and_forks_from_it(client, sid, history):
    seen, _made = history
    token = client.post(f"/api/sandboxes/{sid}/share").json["token"]
    assert client.get(f"/api/sandboxes/{token}/timeline").json == client.get(f"/api/sandboxes/{sid}/timeline").json
    t = seen["after-apply"].json["clock"]["time"]
    assert client.get(f"/api/sandboxes/{token}/timeline/at", query_string={"t": t}).json["rv"] == seen[
        "after-apply"].json["rv"]
    r = client.post(f"/api/sandboxes/{token}/fork", json={"at": t})
    assert r.status_code == 201
    assert client.get(f"/api/sandboxes/{r.json['id']}/objects").data == seen["after-apply"].data


@pytest.mark.parametrize("t", [None, "", "soon", "nan", "inf", "-5", "1e12"])
def test_a_bad_moment_is_400_naming_t(client, sid, t):
    query = {} if t is None else {"t": t}
    r = client.get(f"/api/sandboxes/{sid}/timeline/at", query_string=query)
    assert r.status_code == 400
    assert r.json["field"] == "t" and '"t"' in r.json["error"]


@pytest.mark.parametrize("at", ["soon", True, -5, 1e12, [1]])
def test_a_fork_from_a_bad_moment_is_400_naming_at(client, sid, at):
    r = client.post(f"/api/sandboxes/{sid}/fork", data=json.dumps({"at": at}), content_type="application/json")
    assert r.status_code == 400
    assert r.json["field"] == "at" and '"at"' in r.json["error"]


def test_a_moment_too_deep_in_a_long_journal_is_refused(monkeypatch, client, sid, history):
    seen, _made = history
    monkeypatch.setattr(server.sandbox, "MAX_PAST_OPS", 3)
    late = seen["failing"].json["clock"]["time"]
    r = client.get(f"/api/sandboxes/{sid}/timeline/at", query_string={"t": late})
    assert r.status_code == 409 and "at most 3" in r.json["error"]
    assert client.post(f"/api/sandboxes/{sid}/fork", json={"at": late}).status_code == 409
    early = client.get(f"/api/sandboxes/{sid}/timeline").json["start"] + 1
    assert client.get(f"/api/sandboxes/{sid}/timeline/at", query_string={"t": early}).status_code == 200


def test_unknown_sandbox_is_404(client):
    assert client.get("/api/sandboxes/nope/timeline").status_code == 404
    assert client.get("/api/sandboxes/nope/timeline/at?t=1").status_code == 404
