"""Scenario D (kubernetes-bootcamp): scale and update from the command line, watched with curl
from the workstation and from inside the pods — through the HTTP contract only (``/run``,
``/clock``, and the pod panel's container kill)."""

from __future__ import annotations

import re

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app

GREETING = re.compile(r"^Hello Kubernetes bootcamp! \| Running on: (kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5}) "
                      r"\| v=(\d+)\n$")


@pytest.fixture
def api(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=7, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    base = f"/api/sandboxes/{sid}"

    class Api:
        def run(self, line: str, rc: int | None = 0) -> str:
            r = client.post(f"{base}/run", json={"command": line})
            assert r.status_code == 200, r.json
            if rc is not None:
                assert r.json["exitCode"] == rc, r.json
            return r.json["output"]

        def advance(self, seconds: float) -> None:
            assert client.post(f"{base}/clock", json={"advance": seconds}).status_code == 200

        def kill(self, pod: str, container: str) -> None:
            r = client.post(f"{base}/pods/default/{pod}/containers/{container}/kill")
            assert r.status_code == 200, r.json

    yield Api()
    app.extensions["kubeplay.journal"].close()


def pods(api) -> dict[str, tuple[str, str, str]]:
    """{name: (READY, STATUS, RESTARTS)} of the bootcamp pods."""
    out = api.run("kubectl get pods -l app=kubernetes-bootcamp")
    rows = {}
    for line in out.splitlines()[1:]:
        cols = re.split(r"\s{2,}", line.strip())
        rows[cols[0]] = (cols[1], cols[2], cols[3])
    return rows


def curl_answers(api, url: str, n: int) -> list[tuple[str, str]]:
    out = []
    for _ in range(n):
        text = api.run(f"curl {url}")
        m = GREETING.match(text)
        assert m, text
        out.append((m.group(1), m.group(2)))
    return out


def test_bootcamp_scale_update_and_recover(api):
    assert api.run("kubectl create deployment kubernetes-bootcamp --image=jocatalin/kubernetes-bootcamp:v1") == \
        "deployment.apps/kubernetes-bootcamp created\n"
    assert api.run("kubectl expose deployment/kubernetes-bootcamp --type=NodePort --port 8080") == \
        "service/kubernetes-bootcamp exposed\n"
    svc = api.run("kubectl get svc kubernetes-bootcamp").splitlines()[1]
    node_port = re.search(r"8080:(3\d{4})/TCP", svc).group(1)
    assert api.run("kubectl scale deployments/kubernetes-bootcamp --replicas=4") == \
        "deployment.apps/kubernetes-bootcamp scaled\n"
    api.advance(60)
    running = pods(api)
    assert len(running) == 4 and all(v[:2] == ("1/1", "Running") for v in running.values()), running
    node_ips = [ln.split()[5] for ln in api.run("kubectl get nodes -o wide").splitlines()[1:]]

    # from the workstation, on any node's IP: different pods, not in strict rotation
    answers = curl_answers(api, f"{node_ips[1]}:{node_port}", 24) + curl_answers(api, f"{node_ips[0]}:{node_port}", 8)
    assert {v for _, v in answers} == {"1"}
    served = [p for p, _ in answers]
    assert set(served) == set(running)
    assert any(served[i] == served[i + 1] for i in range(len(served) - 1)) or \
        served[:4] * 8 != served  # random per connection, not round robin
    # from inside one pod to the service by name
    first = sorted(running)[0]
    inside = api.run(f"kubectl exec {first} -- curl -s kubernetes-bootcamp:8080")
    assert GREETING.match(inside)
    # the served requests are in the pods' logs (the bootcamp app's own line)
    # (only the request lines: the start-up line "… Started At: … | Running On:  <pod>" is not one)
    logged = sum(sum(1 for ln in api.run(f"kubectl logs {p}").splitlines() if ln.startswith("Running On: "))
                 for p in running)
    assert logged == len(answers) + 1

    # scaling down: two pods Terminating for the grace period (node ignores SIGTERM), then gone
    api.run("kubectl scale deployments/kubernetes-bootcamp --replicas=2")
    api.advance(2)
    states = [s for _, s, _ in pods(api).values()]
    assert sorted(states) == ["Running", "Running", "Terminating", "Terminating"], states
    api.advance(35)
    assert [s for _, s, _ in pods(api).values()] == ["Running", "Running"]

    # rolling update to v2, back at 4 replicas: never more than 5 pods nor fewer than 3 ready
    api.run("kubectl scale deployments/kubernetes-bootcamp --replicas=4")
    api.advance(60)
    assert api.run("kubectl set image deployments/kubernetes-bootcamp "
                   "kubernetes-bootcamp=jocatalin/kubernetes-bootcamp:v2") == \
        "deployment.apps/kubernetes-bootcamp image updated\n"
    most = 0
    for _ in range(90):
        now = pods(api)
        live = {k: v for k, v in now.items() if v[1] != "Terminating"}
        ready = sum(1 for v in live.values() if v[0] == "1/1")
        most = max(most, len(live))
        assert len(live) <= 5 and ready >= 3, now
        api.advance(1)
    assert most == 5
    answers = curl_answers(api, f"{node_ips[2]}:{node_port}", 12)
    assert {v for _, v in answers} == {"2"}

    # a tag that does not exist: the new pods cannot pull, 3 v2 pods keep serving
    api.run("kubectl set image deployments/kubernetes-bootcamp kubernetes-bootcamp=jocatalin/kubernetes-bootcamp:v10")
    api.advance(3)
    seen = set()
    for _ in range(40):
        seen |= {s for _, s, _ in pods(api).values()}
        api.advance(1)
    assert {"ErrImagePull", "ImagePullBackOff"} <= seen, seen
    now = pods(api)
    serving = [k for k, v in now.items() if v == ("1/1", "Running", "0")]
    stuck = [k for k, v in now.items() if v[1] in ("ErrImagePull", "ImagePullBackOff")]
    assert len(serving) == 3 and len(stuck) == 2, now
    assert {v for _, v in curl_answers(api, f"{node_ips[1]}:{node_port}", 10)} == {"2"}

    # undo: back to 4 pods on v2
    api.run("kubectl rollout undo deployments/kubernetes-bootcamp")
    api.advance(60)
    now = pods(api)
    assert len(now) == 4 and all(v[:2] == ("1/1", "Running") for v in now.values()), now
    assert {p for p, _ in curl_answers(api, f"{node_ips[1]}:{node_port}", 30)} == set(now)

    # a container killed by hand is restarted: RESTARTS 1
    victim = sorted(now)[0]
    api.kill(victim, "kubernetes-bootcamp")
    api.advance(5)
    after = pods(api)
    assert after[victim][:2] == ("1/1", "Running") and after[victim][2].startswith("1 ("), after[victim]
