"""The learning path's catalogue (server/lessons/catalog.yaml, ``GET /api/lessons``): served, valid,
and its lessons true — each lesson is walked as a learner would over HTTP (its commands through
``/run``, the clock through ``/clock``, a node's Fail/Recover buttons), and after every step the
step's check, evaluated by the page's own evaluator (static/src/lessoncheck.js under node) over the
Socket.IO snapshot the page would get, holds — and did not hold before the step."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from server.lessons import (
    CATALOG,
    CatalogError,
    load_catalog,
    parse_condition,
    parse_path,
    parse_selector,
    validate,
)
from server.sandbox import load_examples, repo_root
from tests.nodetests import run_node_tests

from .conftest import events_named

HERE = Path(__file__).resolve().parent
EXAMPLES = sorted(load_examples(repo_root() / "examples"))
RAW = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))

#: the simulated seconds a learner waits after a step before looking (a rollout of 10 pods, image pulls)
WAIT = {"rollout": 240, "undo": 240, "update": 180, "bad-image": 120, "halt": 60, "evict": 330}
#: what a step's `do` means on the page (the buttons of a node's menu; the clock's +5m)
ACTIONS = {
    ("node-failure", "halt"): ("POST", "/nodes/node1/fail"),
    ("node-failure", "recover"): ("POST", "/nodes/node1/recover"),
}
#: steps whose check may already hold when they start (they read what the step before made)
ALREADY = {("replicaset-deployment", "history")}


def test_the_catalogue_is_served_with_every_example_described(client, sid):
    r = client.get("/api/lessons")
    assert r.status_code == 200
    body = r.json
    served = [e["path"] for g in body["groups"] for e in g["examples"]]
    examples = sorted(e["path"] for e in client.get(f"/api/sandboxes/{sid}/examples").json["examples"])
    assert sorted(served) == examples  # each exactly once
    assert all(e["teaches"].strip() for g in body["groups"] for e in g["examples"])
    assert {lesson["source"] for lesson in body["lessons"]} >= {"A", "B", "C", "D"}
    first = body["lessons"][0]["steps"][0]
    assert first["commands"][0] == "kubectl apply -f replicaset-web.yml"
    # conditions come parsed: the page only walks them
    assert first["check"]["all"][1]["selector"] == [{"key": "app", "op": "=", "value": "web"}]


def test_load_catalog_validates_the_committed_file():
    catalog = load_catalog(examples=EXAMPLES)
    assert len(catalog["lessons"]) >= 4


def _broken(mutate) -> str:
    data = copy.deepcopy(RAW)
    mutate(data)
    with pytest.raises(CatalogError) as e:
        validate(data, EXAMPLES)
    return str(e.value)


def test_a_broken_catalogue_is_refused_saying_where():
    assert "no example file seeds/nope.yml" in _broken(
        lambda d: d["groups"][0]["examples"].append({"path": "seeds/nope.yml", "teaches": "x"}))
    assert "is in no group" in _broken(lambda d: d["groups"][0]["examples"].pop(0))
    assert _broken(lambda d: d["lessons"][0]["steps"][0]["commands"].append("kubectl apply -f nope.yml")) == \
        "lessons[0].steps[0].commands[2]: no file nope.yml in the workstation's home"
    assert _broken(lambda d: d["lessons"][0]["steps"][0]["check"]["all"].append({"kind": "Pod", "name": "x"})) \
        .startswith("lessons[0].steps[0].check.all[2]: one comparison")
    assert "already in" in _broken(lambda d: d["groups"][1]["examples"].append(dict(d["groups"][0]["examples"][0])))


def test_conditions_parse_or_say_why():
    assert parse_selector("app=web,tier!=db,track,!canary") == [
        {"key": "app", "op": "=", "value": "web"}, {"key": "tier", "op": "!=", "value": "db"},
        {"key": "track", "op": "exists", "value": None}, {"key": "canary", "op": "!exists", "value": None}]
    assert parse_path('status.conditions[type=Ready].status') == [
        {"key": "status"}, {"key": "conditions"}, {"where": ["type", "Ready"]}, {"key": "status"}]
    assert parse_path('metadata.annotations["deployment.kubernetes.io/revision"]')[-1] == \
        {"key": "deployment.kubernetes.io/revision"}
    assert parse_path("subsets[*].addresses[0]") == [{"key": "subsets"}, {"all": True}, {"key": "addresses"}, {"index": 0}]
    for bad in ("", ".a", "a..b", "a[", "a]b", "a[x]"):
        with pytest.raises(CatalogError):
            parse_path(bad)
    assert parse_condition({"kind": "Pod", "selector": "app=web", "status": "Running", "count": 3})["status"] == ["Running"]
    for bad, why in [
        ({"kind": "Pod", "count": 1, "name": "a"}, "count: with a name"),
        ({"kind": "Pod", "equals": 1}, "without a name"),
        ({"kind": "Pod", "name": "a", "path": "x[*]", "equals": 1}, "reaches many values"),
        ({"kind": "Pod", "name": "a", "cell": "colour", "equals": 1}, "cell: one of"),
        ({"kind": "pod", "name": "a", "exists": True}, "kind:"),
        ({"kind": "Pod", "selector": "app=", "count": 1, "extra": 1}, "unknown field 'extra'"),
        ({"kind": "Pod", "name": "a", "exists": "yes"}, "exists: true or false"),
    ]:
        with pytest.raises(CatalogError, match=why):
            parse_condition(bad)


# -- the lessons walked as a learner would ----------------------------------------------------
def _evaluate(cases: list[dict]) -> list[dict]:
    node = shutil.which("node")
    assert node, "node is needed to build and test the page (make install)"
    proc = subprocess.run([node, str(HERE / "lesson_checks.mjs")], input=json.dumps({"cases": cases}),
                          capture_output=True, text=True, timeout=60, cwd=repo_root())
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _snapshot(socket, sid) -> dict:
    socket.emit("join", {"sandbox": sid}, callback=True)
    return events_named(socket.get_received(), "snapshot")[-1]


class Learner:
    """Types a step's lines into the workstation (a pod shell once `kubectl run -it` opened one)."""

    def __init__(self, client, sid) -> None:
        self.client, self.sid, self.session = client, sid, None
        self.transcript: list[str] = []

    def run(self, line: str) -> None:
        body: dict = {"command": line}
        if self.session:
            body["session"] = self.session
        elif " -w" in line or "rollout status" in line:
            body["watchSeconds"] = 60  # the learner watches a minute, then Ctrl-C
        r = self.client.post(f"/api/sandboxes/{self.sid}/run", json=body)
        assert r.status_code == 200, r.json
        self.transcript.append(f"$ {line}\n{r.json['output']}")
        if "session" in r.json:
            self.session = r.json["session"]["id"] if r.json["session"] else None

    def act(self, method: str, path: str) -> None:
        r = self.client.open(f"/api/sandboxes/{self.sid}{path}", method=method)
        assert r.status_code == 200, r.data

    def wait(self, seconds: float) -> None:
        r = self.client.post(f"/api/sandboxes/{self.sid}/clock", json={"advance": seconds})
        assert r.status_code == 200


@pytest.mark.parametrize("lesson_id", [lesson["id"] for lesson in RAW["lessons"]])
def test_each_step_turns_done_after_its_commands(client, sid, socket, lesson_id):
    lesson = next(x for x in client.get("/api/lessons").json["lessons"] if x["id"] == lesson_id)
    learner = Learner(client, sid)
    cases = []
    for step in lesson["steps"]:
        before = _snapshot(socket, sid)
        if (lesson_id, step["id"]) in ACTIONS:
            learner.act(*ACTIONS[(lesson_id, step["id"])])
        for line in step["commands"]:
            learner.run(line)
        learner.wait(WAIT.get(step["id"], 60))
        cases += [{"snapshot": before, "check": step["check"]}, {"snapshot": _snapshot(socket, sid), "check": step["check"]}]
    results = _evaluate(cases)
    for i, step in enumerate(lesson["steps"]):
        was, now = results[2 * i], results[2 * i + 1]
        where = f"{lesson_id}/{step['id']} ({step['check']['text']})"
        assert now["ok"], f"{where} not done after its commands: found {now['actual']}\n" + "\n".join(learner.transcript)
        if (lesson_id, step["id"]) not in ALREADY:
            assert not was["ok"], f"{where} held before the step: it checks nothing the step does"


def test_the_pages_evaluator():
    run_node_tests(HERE / "lessoncheck.test.mjs", 3, timeout=60)
