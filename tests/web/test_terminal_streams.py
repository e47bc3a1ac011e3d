"""Commands that keep printing (``rollout status``, ``logs -f``, ``get -w``) through ``POST /run``:
``watchSeconds`` runs the clock and answers everything printed; ``follow`` keeps the command open
and prints over the page's socket as the clock runs, until it ends, Ctrl-C (``/stop``) or the
page goes away."""

from __future__ import annotations

from .conftest import events_named

DEPLOY = "kubectl create deployment web --image=nginx --replicas=3"


def run(client, sid, command, **extra):
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": command, **extra})
    assert r.status_code == 200, r.json
    return r.json


def socket_id(app, socket) -> str:
    from server.web import socketio_of

    return socketio_of(app).server.manager.sid_from_eio_sid(socket.eio_sid, "/")


def test_watch_seconds_runs_the_clock_until_the_rollout_is_done(client, sid, sandbox):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    assert run(client, sid, DEPLOY)["exitCode"] == 0
    start = sandbox.cluster.clock.now()
    res = run(client, sid, "kubectl rollout status deployment/web", watchSeconds=120)
    lines = res["output"].splitlines()
    assert lines[0] == 'Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...'
    assert lines[-1] == 'deployment "web" successfully rolled out'
    assert res["exitCode"] == 0 and "stream" not in res
    waited = sandbox.cluster.clock.now() - start
    assert 0 < waited < 120  # it ended when the rollout did


def test_watch_seconds_zero_prints_what_is_there(client, sid, sandbox):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    run(client, sid, DEPLOY)
    start = sandbox.cluster.clock.now()
    res = run(client, sid, "kubectl rollout status deployment/web", watchSeconds=0)
    assert res["output"] == 'Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...\n'
    assert sandbox.cluster.clock.now() == start


def test_bad_watch_seconds_and_follow_are_refused(client, sid):
    for body, field in (({"watchSeconds": -1}, "watchSeconds"), ({"watchSeconds": "10"}, "watchSeconds"),
                        ({"watchSeconds": 10 ** 9}, "watchSeconds"), ({"follow": 3}, "follow")):
        r = client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl get pods", **body})
        assert r.status_code == 400 and r.json["field"] == field


def test_a_followed_rollout_prints_over_the_socket_as_the_clock_runs(app, client, socket, sid, sandbox, hub):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    socket.emit("join", {"sandbox": sid}, callback=True)
    run(client, sid, DEPLOY)
    res = run(client, sid, "kubectl rollout status deployment/web", follow=socket_id(app, socket))
    assert res["output"].startswith('Waiting for deployment "web"') and res["stream"]["id"]
    socket.get_received()
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": False, "speed": 20})
    messages = []
    for _ in range(100):  # each tick runs 2 simulated seconds
        hub.tick(sandbox)
        messages += events_named(socket.get_received(), "stream")
        if messages and messages[-1]["done"]:
            break
    assert messages and all(m["id"] == res["stream"]["id"] for m in messages)
    assert messages[-1] == {"id": res["stream"]["id"], "output": messages[-1]["output"], "done": True, "exitCode": 0}
    printed = "".join(m["output"] for m in messages)
    assert printed.endswith('deployment "web" successfully rolled out\n')
    assert not sandbox.terminal_streams  # ended: nothing more is polled


def test_ctrl_c_stops_a_followed_log_and_nothing_more_arrives(app, client, socket, sid, sandbox, hub):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    socket.emit("join", {"sandbox": sid}, callback=True)
    run(client, sid, "kubectl run web --image=nginx")
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 30})
    ip = sandbox.cluster.store.get("Pod", "default", "web")["status"]["podIP"]

    def request() -> None:
        client.post(f"/api/sandboxes/{sid}/traffic", json={"from": {"node": "node1"}, "to": f"{ip}:80"})

    request()
    res = run(client, sid, "kubectl logs -f web", follow=socket_id(app, socket))
    assert res["output"].count('"GET / HTTP/1.1" 200') == 1  # what was there
    stream = res["stream"]["id"]
    socket.get_received()
    request()
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 1})
    got = events_named(socket.get_received(), "stream")
    assert len(got) == 1 and got[0]["output"].count('"GET / HTTP/1.1" 200') == 1 and not got[0]["done"]
    r = client.post(f"/api/sandboxes/{sid}/streams/{stream}/stop")
    assert r.status_code == 200 and r.json == {"output": "", "exitCode": 130}
    request()
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 30})
    hub.tick(sandbox)
    assert not events_named(socket.get_received(), "stream")
    assert client.post(f"/api/sandboxes/{sid}/streams/{stream}/stop").status_code == 404


def test_a_page_that_goes_away_ends_its_streams(app, client, socket, sid, sandbox):
    socket.emit("join", {"sandbox": sid}, callback=True)
    run(client, sid, "kubectl run web --image=nginx")
    res = run(client, sid, "kubectl rollout status deploy/web", follow=socket_id(app, socket))
    assert res["exitCode"] == 1 and "stream" not in res  # no such deployment: nothing to follow
    res = run(client, sid, "kubectl logs -f web", follow=socket_id(app, socket))
    assert res.get("stream") or "waiting to start" in res["output"]
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 30})
    res = run(client, sid, "kubectl logs -f web", follow=socket_id(app, socket))
    assert res["stream"]["id"] in sandbox.terminal_streams
    socket.disconnect()
    assert not sandbox.terminal_streams


def test_a_watched_run_replays_to_the_same_cluster(make_app, client, sid, sandbox):
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    run(client, sid, DEPLOY)
    run(client, sid, "kubectl rollout status deployment/web", watchSeconds=120)
    run(client, sid, "kubectl rollout status deployment/web", follow="page")
    before = (sandbox.cluster.clock.now(), sandbox.cluster.store.rv)
    again = make_app().extensions["kubeplay.sandboxes"].get(sid)
    assert (again.cluster.clock.now(), again.cluster.store.rv) == before
