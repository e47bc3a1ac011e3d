"""Bad input at the workstation's prompt, through the HTTP contract the terminal panel uses (``/run``):
an unterminated quote, loops that would run forever (with and without output, and one creating
ConfigMaps), here-documents far too big for a request. Each gets a clear answer — bash's own error,
``^C`` with kubeplay's note naming the limit that stopped it (server/shell/host.py LIMIT_NOTES), or
the API's 413 naming the body limit — and leaves the sandbox as it was: the same pods, no journal
row for what changed nothing, and a sandbox that still answers. A loop stopped half-way keeps what
it did before the stop, as bash's ^C would leave it, and a restart replays it to the same state."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from server.shell.core import MAX_LINE_OUTPUT
from server.sim.clock import DEFAULT_START
from server.web import create_app

STOPPED = "kubeplay: the line was stopped as Ctrl-C would stop it: "
BUSY_NOTE = f"^C\n{STOPPED}it ran 300000 steps without waiting for anything (a loop that never ends?)\n"
LIMIT = 3 * 1024 * 1024  # the apiserver's request body limit, which the HTTP API keeps


class Lab:
    def __init__(self, data_dir) -> None:
        self.data_dir = data_dir
        self.app = create_app({"DATA_DIR": str(data_dir), "LIVE_TICKER": False, "TESTING": True},
                              seed=7, start=DEFAULT_START)
        self.client = self.app.test_client()
        self.journal = self.app.extensions["kubeplay.journal"]
        self.closed = False

    def post(self, sid: str, what: str, body: dict | bytes):
        if isinstance(body, bytes):
            return self.client.post(f"/api/sandboxes/{sid}/{what}", data=body, content_type="application/json")
        return self.client.post(f"/api/sandboxes/{sid}/{what}", json=body)

    def run(self, sid: str, line: str) -> tuple[str, int]:
        r = self.post(sid, "run", {"command": line})
        assert r.status_code == 200, r.json
        return r.json["output"], r.json["exitCode"]

    def rows(self, sid: str) -> int:
        return len(list(self.journal.ops(sid)))

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.journal.close()


@pytest.fixture
def lab(tmp_path):
    lab = Lab(tmp_path / "data")
    sid = lab.client.post("/api/sandboxes").json["id"]
    lab.post(sid, "clock", {"paused": True})
    lab.run(sid, "kubectl create deployment web --image=nginx --replicas=2")
    lab.post(sid, "clock", {"advance": 30})
    lab.sid = sid
    yield lab
    lab.close()


def state(lab: Lab) -> tuple[str, int, float]:
    """What the user can see of the sandbox (pods and clock) and the journal's length, read without
    journalling anything (the objects view is read-only)."""
    objects = lab.client.get(f"/api/sandboxes/{lab.sid}/objects").json
    pods = sorted((o["metadata"]["name"], o["status"].get("phase", "")) for o in objects["objects"]
                  if o["kind"] == "Pod" and o["metadata"]["namespace"] == "default")
    return repr(pods), lab.rows(lab.sid), objects["clock"]["time"]


def test_an_unterminated_quote_is_bashs_error_and_changes_nothing(lab):
    before = state(lab)
    for line, quote in (('echo "abc', '"'), ("echo 'abc", "'"), ('kubectl get pods -l "app=web', '"')):
        out, code = lab.run(lab.sid, line)
        # an interactive bash 5.2 at Ctrl-D after its `> ` prompt; `bash -c` adds "-c: line 1: "
        assert (out, code) == (f"bash: unexpected EOF while looking for matching `{quote}'\n", 2)
        bash = shutil.which("bash")
        if bash:
            real = subprocess.run(["bash", "-c", line], executable=bash, capture_output=True, text=True, timeout=10)
            assert (real.stderr.replace("bash: -c: line 1: ", "bash: "), real.returncode) == (out, code)
    assert state(lab) == before
    assert lab.run(lab.sid, "echo ok") == ("ok\n", 0)


@pytest.mark.parametrize("loop", ["while true; do :; done", "until false; do true; done", "for ((;;)); do :; done"])
def test_a_loop_that_never_waits_is_stopped_with_a_note(lab, loop):
    before = state(lab)
    out, code = lab.run(lab.sid, loop)
    assert (out, code) == (BUSY_NOTE, 130)
    pods, rows, now = state(lab)
    assert pods == before[0] and now == before[2]  # the cluster and its clock are as they were
    assert rows <= before[1] + 1  # at most the line itself, for replay (it set no variable)
    assert lab.run(lab.sid, "echo $?") == ("130\n", 0)  # bash's status of an interrupted command


def test_a_line_that_would_wait_too_long_is_stopped_before_the_clock_moves(lab):
    before = state(lab)
    out, code = lab.run(lab.sid, "sleep 5000; kubectl delete deployment web")
    assert (out, code) == (f"^C\n{STOPPED}it would wait more than 1000 seconds of the cluster's clock\n", 130)
    pods, _, now = state(lab)
    assert (pods, now) == (before[0], before[2])  # the delete after it never ran; no time passed
    assert lab.run(lab.sid, "sleep 2; echo waited")[0] == "waited\n"
    assert state(lab)[2] == before[2] + 2


def test_a_loop_printing_forever_answers_a_bounded_text(lab):
    before = state(lab)
    out, code = lab.run(lab.sid, "while true; do echo x; done")
    assert code == 130 and out.endswith(BUSY_NOTE), out[-300:]
    lines = out[: -len(BUSY_NOTE)].split("\n")
    assert set(lines[:-1]) == {"x"} and lines[-1] == ""  # only its own lines, then the stop
    assert len(out) < MAX_LINE_OUTPUT
    # long lines reach the output limit first: stopped there, not after megabytes
    out, code = lab.run(lab.sid, "x=$(printf '%02000d' 0); while true; do echo $x; done")
    note = f"^C\n{STOPPED}its output passed {MAX_LINE_OUTPUT} characters\n"
    assert code == 130 and out.endswith(note), out[-300:]
    assert len(out) == MAX_LINE_OUTPUT + len(note)
    assert set(out[: -len(note)].split("\n")) <= {"0" * 2000, "0" * (MAX_LINE_OUTPUT % 2001)}
    pods, _, now = state(lab)
    assert (pods, now) == (before[0], before[2])
    assert lab.run(lab.sid, "kubectl get deploy web --no-headers | awk '{print $2}'") == ("2/2\n", 0)


def test_a_loop_of_creates_is_stopped_and_keeps_what_it_created(lab, tmp_path):
    out, code = lab.run(lab.sid, "for i in $(seq 1 100000); do kubectl create configmap c$i; done")
    assert code == 130 and out.endswith(BUSY_NOTE), out[-300:]
    created = re.findall(r"^configmap/(c\d+) created$", out, re.M)
    assert len(created) + len(BUSY_NOTE.splitlines()) == len(out.splitlines())
    assert 0 < len(created) < 100000 and created == [f"c{i}" for i in range(1, len(created) + 1)]
    listed, rc = lab.run(lab.sid, "kubectl get configmaps -o name | grep -c '^configmap/c[0-9]'")
    assert (listed, rc) == (f"{len(created)}\n", 0)  # what the output says is what is there
    assert lab.run(lab.sid, "echo still here")[0] == "still here\n"
    # the stopped line is journalled and replays to the same ConfigMaps after a restart
    lab.close()
    again = Lab(lab.data_dir)
    try:
        listed, _ = again.run(lab.sid, "kubectl get configmaps -o name | grep -c '^configmap/c[0-9]'")
        assert listed == f"{len(created)}\n"
    finally:
        again.close()


def test_a_big_here_document_within_the_limits_is_answered(lab):
    before = state(lab)
    body = "x" * 99 + "\n"
    out, code = lab.run(lab.sid, "cat <<EOF | wc -c\n" + body * 10000 + "EOF")  # 1 MB, within a pipe's 1 MiB
    assert (out, code) == (f"{len(body) * 10000}\n", 0)
    out, code = lab.run(lab.sid, "cat > big.txt <<EOF\n" + body * 25000 + "EOF\nwc -c big.txt")  # 2.5 MB to a file
    assert (out, code) == (f"{len(body) * 25000} big.txt\n", 0)
    assert lab.run(lab.sid, "rm big.txt") == ("", 0)
    assert state(lab)[0] == before[0]


def test_a_here_document_past_a_pipes_capacity_is_counted_whole(lab):
    body = "x" * 99 + "\n"
    assert lab.run(lab.sid, "cat <<EOF | wc -c\n" + body * 20000 + "EOF") == ("2000000\n", 0)


def test_a_pipe_past_its_capacity_streams_to_its_reader(lab):
    # a reader that wants everything gets it all; one that stops early ends its endless writer
    assert lab.run(lab.sid, "seq 1 2000000 | tail -1") == ("2000000\n", 0)
    assert lab.run(lab.sid, "while :; do echo y; done | head -2; echo $?") == ("y\ny\n0\n", 0)


@pytest.mark.parametrize("megabytes", [5, 50])
def test_a_here_document_past_the_request_limit_is_refused_naming_it(lab, megabytes):
    before = state(lab)
    line = "cat <<EOF | wc -c\n" + ("y" * 1023 + "\n") * (megabytes * 1024) + "EOF"
    r = lab.post(lab.sid, "run", json.dumps({"command": line}).encode())
    assert r.status_code == 413
    assert r.json == {"error": f"request body too large: the limit is {LIMIT} bytes"}
    assert state(lab) == before  # nothing ran, nothing journalled
    assert lab.run(lab.sid, "kubectl get deploy web --no-headers | awk '{print $2}'") == ("2/2\n", 0)
