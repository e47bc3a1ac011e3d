"""``kubectl run -i [--tty] … -- CMD`` and ``kubectl attach POD`` stream the container's main process
(issue 9): the process is the one the kubelet runs on the virtual clock, its bytes arrive as it
writes them and only once the clock has reached them; the stream ends with the process, then
``kubectl run`` waits for the pod's end, ``--rm`` deletes it and the exit status is the container's
(run.go); Ctrl-C on ``-it`` is the ``^C`` on the container's TTY; and a sandbox replays all of it
to the same state."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim.clock import DEFAULT_START
from server.sim.cluster import Cluster
from server.web import create_app

HINT = "If you don't see a command prompt, try pressing enter.\n"
TICKER = 'sh -c "i=0; while [ $i -lt 4 ]; do echo tick $i; i=$((i+1)); sleep 2; done"'


@pytest.fixture
def cluster():
    c = Cluster(seed=3)
    c.advance(5)
    return c


def _started(cluster, name):
    """The clock runs until the pod's container runs (its image pulled, its process started)."""
    def running() -> bool:
        pod = cluster.store.peek("Pod", "default", name)
        return any("running" in (cs.get("state") or {}) for cs in (pod or {}).get("status", {}).get("containerStatuses") or [])

    assert cluster.run_until(cluster.clock.now() + 120, running)


def _follow(cluster, line):
    result = run(cluster, line, follow=True)
    assert getattr(result, "stream", None) is not None, result.output
    return result


def test_output_arrives_as_the_clock_reaches_it_then_rm_deletes_the_pod(cluster):
    result = _follow(cluster, f"kubectl run -i --tty ticker --rm --image=busybox --restart=Never -- {TICKER}")
    assert result.output == HINT
    stream = result.stream
    # the process starts when kubectl attaches: its first line is there at once, the next after its sleep
    assert stream.poll() == "tick 0\n"
    cluster.advance(1.5)
    assert stream.poll() == "" and not stream.done
    cluster.advance(1)
    assert stream.poll() == "tick 1\n"
    cluster.advance(4)
    assert stream.poll() == "tick 2\ntick 3\n" and not stream.done
    assert cluster.store.peek("Pod", "default", "ticker") is not None
    cluster.advance(3)  # the loop's last sleep ends, the shell exits 0: the pod Succeeded, --rm deletes it
    assert stream.poll() == 'pod "ticker" deleted\n'
    assert stream.done and stream.exit_code == 0
    assert cluster.store.peek("Pod", "default", "ticker") is None or \
        cluster.store.peek("Pod", "default", "ticker")["metadata"].get("deletionTimestamp")


def test_bytes_arrive_as_written_not_as_log_lines(cluster):
    """``printf .`` writes no newline: each dot is on the terminal when written (the log would keep a
    partial line), and the loop's end and the container's failure are kubectl's."""
    stream = _follow(cluster, 'kubectl run -i dots --rm --image=busybox --restart=Never -- '
                              'sh -c "for i in 1 2 3; do printf .; sleep 1; done; exit 4"').stream
    seen = [stream.poll()]
    for _ in range(4):
        cluster.advance(1)
        seen.append(stream.poll())
    assert seen[:3] == [".", ".", "."]
    assert "".join(seen[3:]) == 'pod "dots" deleted\npod default/dots terminated (Error)\n'
    assert stream.done and stream.exit_code == 4


def test_ctrl_c_on_the_tty_ends_the_shell_and_rm_deletes_the_pod(cluster):
    stream = _follow(cluster, 'kubectl run -i --tty loop --rm --image=busybox:1.28 --restart=Never -- /bin/sh -c '
                              '"while sleep 0.5; do echo -n OK!; done"').stream
    cluster.advance(2.2)
    assert stream.poll() == "OK!" * 4
    # the ^C: the shell catches SIGINT and exits 130 (it had already written ahead of the clock: never shown)
    assert stream.stop() == 'pod "loop" deleted\npod default/loop terminated (Error)\n'
    assert stream.done and stream.exit_code == 130
    cluster.advance(30)
    assert cluster.store.peek("Pod", "default", "loop") is None
    # without --rm the pod stays Failed with the shell's 130, and its log is what the terminal showed
    # (what the loop had written ahead of the clock when the ^C came never happened)
    stream = _follow(cluster, 'kubectl run -i --tty kept --image=busybox:1.28 --restart=Never -- /bin/sh -c '
                              '"while sleep 0.5; do echo -n OK!; done"').stream
    cluster.advance(1.2)
    shown = stream.poll() + stream.stop()
    assert (shown, stream.exit_code) == ("OK!OK!pod default/kept terminated (Error)\n", 130)
    assert run(cluster, "kubectl get pod kept -o jsonpath={.status.phase}/"
                        "{.status.containerStatuses[0].state.terminated.exitCode}").output == "Failed/130"
    assert run(cluster, "kubectl logs kept").output == "OK!OK!"  # a partial line: no newline


def test_ctrl_c_reaches_a_program_that_is_pid_1_without_a_handler_not(cluster):
    """``sleep`` as the container's PID 1 has no SIGINT handler, so the kernel drops the ^C: kubectl
    (here, its terminal) ends, the pod runs on and nothing deletes it."""
    stream = _follow(cluster, "kubectl run -i --tty nap --rm --image=busybox --restart=Never -- sleep 3600").stream
    cluster.advance(5)
    assert stream.stop() == "" and stream.done
    cluster.advance(30)
    pod = cluster.store.get("Pod", "default", "nap")
    assert pod["status"]["phase"] == "Running"


def test_without_rm_and_restart_always_the_attach_ends_with_the_process(cluster):
    stream = _follow(cluster, 'kubectl run -i once --image=busybox -- sh -c "echo one; sleep 1"').stream
    assert stream.poll() == "one\n"
    cluster.advance(2)
    assert stream.poll() == "" and stream.done and stream.exit_code == 0
    assert cluster.store.get("Pod", "default", "once") is not None  # restarted by the kubelet, not deleted


def test_a_caller_that_does_not_follow_gets_the_whole_run(cluster):
    out = run(cluster, 'kubectl run -i --rm quick --image=busybox --restart=Never -- sh -c "echo hi; sleep 3; echo bye"')
    assert (out.output, out.exit_code) == (HINT + 'hi\nbye\npod "quick" deleted\n', 0)


def test_attach_streams_the_main_process_from_now_on(cluster):
    run(cluster, f"kubectl run talker --image=busybox --restart=Never -- {TICKER}")
    _started(cluster, "talker")
    cluster.advance(3)  # tick 0 and tick 1 are in the log, before anyone attached
    result = _follow(cluster, "kubectl attach talker")
    assert result.output == HINT
    stream = result.stream
    cluster.advance(10)
    assert stream.poll() == "tick 2\ntick 3\n"
    assert stream.done and stream.exit_code == 0
    assert run(cluster, "kubectl logs talker").output == "tick 0\ntick 1\ntick 2\ntick 3\n"


def test_ctrl_c_on_attach_without_stdin_ends_kubectl_only(cluster):
    run(cluster, f"kubectl run talker --image=busybox --restart=Never -- {TICKER}")
    _started(cluster, "talker")
    cluster.advance(1)
    stream = _follow(cluster, "kubectl attach talker").stream
    assert stream.stop() == "" and stream.done
    cluster.advance(2.5)
    assert stream.poll() == ""
    assert "tick 1" in run(cluster, "kubectl logs talker").output


# -- through the sandbox: the page's Ctrl-C and the replay -----------------------------------------

@pytest.fixture
def make_app(tmp_path):
    apps = []
    cfg = {"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True}

    def make():
        app = create_app(cfg, seed=7, start=DEFAULT_START)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["kubeplay.journal"].close()


def _post(client, path, body):
    r = client.post(path, json=body)
    assert r.status_code == 200, r.json
    return r.json


def test_the_pages_ctrl_c_is_journalled_and_a_replay_gives_the_same(make_app):
    client = make_app().test_client()
    sid = client.post("/api/sandboxes").json["id"]
    api = f"/api/sandboxes/{sid}"
    _post(client, f"{api}/clock", {"paused": True})
    started = _post(client, f"{api}/run", {"command": 'kubectl run -i --tty gen --rm --image=busybox --restart=Never '
                                                      '-- /bin/sh -c "while sleep 1; do echo -n .; done"',
                                           "follow": "page"})
    assert started["output"] == HINT and started["stream"]["id"]
    _post(client, f"{api}/clock", {"advance": 5})
    stopped = _post(client, f"{api}/streams/{started['stream']['id']}/stop", {})
    assert stopped["exitCode"] == 130
    assert stopped["output"].endswith('pod "gen" deleted\npod default/gen terminated (Error)\n')
    # a second one the page leaves (its socket goes away): kubectl is gone, the process ends by itself
    # later, and --rm's delete happens then all the same (in a replay there was never a page)
    other = _post(client, f"{api}/run", {"command": 'kubectl run -i left --rm --image=busybox --restart=Never -- '
                                                    'sh -c "sleep 4; echo done"', "follow": "page2"})
    client.application.extensions["kubeplay.sandboxes"].get(sid).close_streams("page2")
    assert other["stream"]["id"]
    _post(client, f"{api}/clock", {"advance": 10})
    pods = client.get(f"{api}/objects").json["objects"]
    assert not [o for o in pods if o["kind"] == "Pod" and o["metadata"]["name"] in ("gen", "left")]
    before = client.get(f"{api}/objects").data
    events = _post(client, f"{api}/run", {"command": "kubectl get events --sort-by=.metadata.creationTimestamp"})

    again = make_app().test_client()  # a restarted server replays the journal
    assert again.get(f"{api}/objects").data == before
    assert _post(again, f"{api}/run", {"command": "kubectl get events --sort-by=.metadata.creationTimestamp"}) == events
