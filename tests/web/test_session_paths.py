"""``kubectl run -it --rm`` deletes its pod when its session ends, on every path: ``exit``, the
request's stdin running out (``/run`` with ``"stdin"``: the shell reads it, then EOF), and the page
that opened the session going away."""

from __future__ import annotations

from .test_terminal_streams import socket_id

RUN_RM = "kubectl run -it bb --image=busybox --rm --restart=Never -- sh"


def run(client, sid, command, **extra):
    r = client.post(f"/api/sandboxes/{sid}/run", json={"command": command, **extra})
    assert r.status_code == 200, r.json
    return r.json


def test_stdin_feeds_the_shell_then_ends_it_and_rm_deletes_the_pod(client, sid, sandbox):
    res = run(client, sid, RUN_RM, stdin="echo hello\nhostname\n")
    assert res == {"output": "Unable to use a TTY - input is not a terminal or the right kind of file\n"
                             "hello\nbb\npod \"bb\" deleted\n", "exitCode": 0}
    assert sandbox.cluster.store.get("Pod", "default", "bb") is None
    # and the same line again works: nothing is left over
    again = run(client, sid, RUN_RM, stdin="exit 3\n")
    assert again["exitCode"] == 3 and again["output"].endswith('pod "bb" deleted\n')
    assert "AlreadyExists" not in again["output"]


def test_exec_reads_stdin_without_a_tty(client, sid):
    run(client, sid, "kubectl run web --image=nginx")
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 30})
    res = run(client, sid, "kubectl exec -i web -- sh", stdin="echo hi\nhostname\n")
    assert res == {"output": "hi\nweb\n", "exitCode": 0}


def test_a_session_without_stdin_stays_open_for_the_caller(client, sid, sandbox):
    res = run(client, sid, RUN_RM)
    assert res["session"]["prompt"] == "/ # "
    assert run(client, sid, "hostname", session=res["session"]["id"])["output"] == "bb\n"
    out = run(client, sid, "exit", session=res["session"]["id"])
    assert out["session"] is None and out["output"] == 'pod "bb" deleted\n'
    assert sandbox.cluster.store.get("Pod", "default", "bb") is None


def test_the_page_going_away_ends_its_sessions(make_app, app, client, socket, sid, sandbox):
    socket.emit("join", {"sandbox": sid}, callback=True)
    res = run(client, sid, RUN_RM, follow=socket_id(app, socket))
    assert res["session"]["id"] in sandbox.sessions
    other = run(client, sid, "kubectl run -it keep --image=busybox --rm --restart=Never -- sh")  # no page
    socket.disconnect()
    assert res["session"]["id"] not in sandbox.sessions
    assert sandbox.cluster.store.get("Pod", "default", "bb") is None
    assert other["session"]["id"] in sandbox.sessions  # another caller's session goes on
    restarted = make_app().extensions["kubeplay.sandboxes"].get(sid)
    assert restarted.cluster.store.get("Pod", "default", "bb") is None
    assert restarted.cluster.store.get("Pod", "default", "keep") is not None
