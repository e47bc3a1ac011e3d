"""The real ``kubectl`` v1.32 running ``exec`` against a sandbox (``server.web.k8s_stream``): over a
WebSocket (``v5.channel.k8s.io``) to a real ``python -m server``, under eventlet and under
threading. What it prints and its exit status must be what kubeplay's own ``kubectl exec`` gives
for the same command (asked through ``POST /api/sandboxes/<id>/run``)."""

from __future__ import annotations

import json
import os
import pty
import select
import shlex
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.realkubectl import find_kubectl
from tests.serverproc import running_server

KUBECTL = find_kubectl()

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: these tests drive the real one")


class Lab:
    """A sandbox on a running server, with a busybox pod ``bb`` running, and a kubeconfig for it."""

    def __init__(self, port: int, tmp: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.tmp = tmp
        self.id = self.post("/api/sandboxes", {})["id"]
        self.kubeconfig = tmp / "kubeconfig"
        with urllib.request.urlopen(f"{self.base}/api/sandboxes/{self.id}/kubeconfig", timeout=10) as r:
            self.kubeconfig.write_bytes(r.read())
        assert self.run("kubectl run bb --image=busybox -- sleep 3600")["exitCode"] == 0
        self.post(f"/api/sandboxes/{self.id}/clock", {"advance": 60})
        assert "Running" in self.run("kubectl get pod bb")["output"]

    def post(self, path: str, body: dict) -> dict:
        req = urllib.request.Request(f"{self.base}{path}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def run(self, command: str, session: str | None = None) -> dict:
        """A line in kubeplay's own terminal (the engine the real kubectl is compared with)."""
        return self.post(f"/api/sandboxes/{self.id}/run", {"command": command, "session": session})

    def kubectl(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([str(KUBECTL), "--kubeconfig", str(self.kubeconfig), "--cache-dir",
                               str(self.tmp / "cache"), *args], input=stdin, capture_output=True, text=True,
                              timeout=60)


@pytest.fixture(scope="module", params=["eventlet", "threading"])
def lab(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"exec-{request.param}")
    with running_server(tmp, mode=request.param) as (port, _log):
        yield Lab(port, tmp)


@pytest.mark.parametrize("argv", [
    ["ls", "/"],
    ["cat", "/etc/hostname"],
    ["sh", "-c", "echo out; cd /etc; pwd; exit 3"],
    ["nosuchprogram", "-x"],
])
def test_exec_prints_what_kubeplay_prints(lab, argv):
    mine = lab.run(f"kubectl exec bb -- {shlex.join(argv)}")
    real = lab.kubectl("exec", "bb", "--", *argv)
    assert real.stdout + real.stderr == mine["output"]
    assert real.returncode == mine["exitCode"]


def test_a_failing_command_ends_with_its_exit_code(lab):
    real = lab.kubectl("exec", "bb", "--", "sh", "-c", "echo partial; exit 7")
    assert real.stdout == "partial\n"
    assert real.stderr == "command terminated with exit code 7\n"
    assert real.returncode == 7


def test_a_missing_program_is_the_runtimes_error(lab):
    real = lab.kubectl("exec", "bb", "--", "nosuchprogram")
    assert real.returncode == 1 and real.stdout == ""
    assert real.stderr.startswith("error: Internal error occurred: error executing command in container:")
    assert 'exec: "nosuchprogram": executable file not found in $PATH' in real.stderr


def _session_transcript(lab: Lab, lines: list[str]) -> tuple[str, int]:
    """What kubeplay's shell prints for ``lines`` typed into ``kubectl exec -i bb -- sh``."""
    opened = lab.run("kubectl exec -i bb -- sh")
    assert opened["session"], opened
    sid, out, code = opened["session"]["id"], opened["output"], 0
    for line in lines:
        r = lab.run(line, session=sid)
        out, code = out + r["output"], r["exitCode"]
        if r["session"] is None:
            break
    return out, code


def test_an_interactive_shell_fed_through_stdin(lab):
    lines = ["echo hi", "cd /tmp", "pwd", "echo $HOSTNAME", "exit"]
    expected, code = _session_transcript(lab, lines)
    real = lab.kubectl("exec", "-i", "bb", "--", "sh", stdin="".join(f"{line}\n" for line in lines))
    assert real.stdout == expected and "hi\n/tmp\nbb\n" in real.stdout
    assert real.returncode == code == 0 and real.stderr == ""


def test_a_shell_ends_with_its_exit_status_and_at_end_of_input(lab):
    real = lab.kubectl("exec", "-i", "bb", "--", "sh", stdin="echo one\nexit 5\necho never\n")
    assert real.stdout == "one\n"
    assert real.stderr == "command terminated with exit code 5\n" and real.returncode == 5
    # no exit: the end of stdin ends the shell, after the last line (even one without a newline)
    real = lab.kubectl("exec", "-i", "bb", "--", "sh", stdin="echo two\necho three")
    assert (real.stdout, real.stderr, real.returncode) == ("two\nthree\n", "", 0)


class Terminal:
    """kubectl on a pseudo-terminal, as a user's: what it writes is read until an expected text
    shows (bounded), never after a fixed sleep."""

    def __init__(self, argv: list[str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: kubectl with the terminal as stdin/stdout/stderr
            os.execv(argv[0], argv)
        self.seen = b""

    def expect(self, text: bytes, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never came; the terminal shows {self.seen!r}"
            if select.select([self.fd], [], [], left)[0]:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child is gone and the terminal closed
                    chunk = b""
                assert chunk, f"{text!r} never came; the terminal shows {self.seen!r}"
                self.seen += chunk

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def wait(self) -> int:
        while True:  # drain what is left so the child can exit
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            self.seen += chunk
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def test_an_interactive_shell_on_a_terminal(lab):
    term = Terminal([str(KUBECTL), "--kubeconfig", str(lab.kubeconfig), "--cache-dir", str(lab.tmp / "cache"),
                     "exec", "-it", "bb", "--", "sh"])
    term.expect(b"/ # ")
    term.type(b"echo hx\x7fi\r")  # a typo, rubbed out with backspace
    term.expect(b"hi\r\n/ # ")
    term.type(b"ech\x03")  # Ctrl-C drops the line
    term.expect(b"^C\r\n/ # ")
    term.type(b"cd /tmp\r")
    term.expect(b"/tmp # ")
    term.type(b"exit 2\r")
    code = term.wait()
    assert term.seen == (b"/ # echo hx\b \bi\r\nhi\r\n/ # ech^C\r\n/ # cd /tmp\r\n/tmp # exit 2\r\n"
                         b"command terminated with exit code 2\r\n")
    assert code == 2


def test_a_request_that_does_not_upgrade_is_refused_as_the_apiserver_does(lab):
    url = f"{lab.base}/k8s/{lab.id}/api/v1/namespaces/default/pods/bb/exec?command=ls"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url, timeout=10)
    assert e.value.code == 400
    status = json.loads(e.value.read())
    assert (status["kind"], status["reason"], status["message"]) == ("Status", "BadRequest", "Upgrade request required")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url.replace("/bb/", "/nope/"), timeout=10)
    assert e.value.code == 404 and json.loads(e.value.read())["message"] == 'pods "nope" not found'
