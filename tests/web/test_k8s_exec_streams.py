"""The REST exec stream without a terminal (``server.web.k8s_stream``), through the real kubectl
v1.32: a program's stdout and stderr arrive on their own channels byte for byte (no newline added),
the client's stdin is the program's input, ``kubectl cp`` (tar over exec) works both ways with any
bytes, and ``localhost`` inside the pod is the pod's own server."""

from __future__ import annotations

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(not KUBECTL, reason="no real kubectl v1.32 here")

MANIFEST = """apiVersion: v1
kind: Pod
metadata: {name: bb}
spec:
  containers:
  - {name: bb, image: "busybox:1.36", command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - {name: nginx, image: "nginx:1.27"}
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.kubectl("apply", "-f", "-", stdin=MANIFEST)
        lab.clock(advance=60)
        yield lab


def test_stdout_is_sent_as_written(lab):
    assert lab.kubectl("exec", "bb", "--", "cat", "/etc/hostname").stdout == "bb\n"
    done = lab.kubectl("exec", "bb", "--", "printf", "no newline")
    assert (done.stdout, done.stderr) == ("no newline", "")


def test_stderr_has_its_own_channel_and_the_exit_code_comes_last(lab):
    done = lab.kubectl("exec", "bb", "--", "sh", "-c", "echo out; echo err >&2; exit 3", check=False)
    assert (done.stdout, done.stderr, done.returncode) == ("out\n", "err\ncommand terminated with exit code 3\n", 3)
    # kubeplay's terminal shows both streams in one
    assert lab.engine("kubectl exec bb -- sh -c 'echo err >&2'") == "err\n"


def test_stdin_is_the_programs_input(lab):
    assert lab.kubectl("exec", "-i", "bb", "--", "cat", stdin="one\ntwo").stdout == "one\ntwo"
    assert lab.kubectl("exec", "-i", "bb", "--", "wc", "-l", stdin="a\nb\nc\n").stdout.strip() == "3"
    # without -i the program's stdin is empty
    assert lab.kubectl("exec", "bb", "--", "cat", stdin="ignored").stdout == ""


def test_cp_into_the_pod_and_back_keeps_every_byte(lab, tmp_path):
    src = tmp_path / "up"
    (src / "sub").mkdir(parents=True)
    (src / "note.txt").write_text("h\u00e9llo \u2713\n", encoding="utf-8")
    blob = bytes(range(256)) * 3
    (src / "sub" / "blob.bin").write_bytes(blob)
    lab.kubectl("cp", str(src), "bb:/tmp/up")
    assert lab.kubectl("exec", "bb", "--", "cat", "/tmp/up/note.txt").stdout == "h\u00e9llo \u2713\n"
    assert lab.kubectl("exec", "bb", "--", "wc", "-c", "/tmp/up/sub/blob.bin").stdout.split()[0] == "768"
    back = tmp_path / "back"
    lab.kubectl("cp", "bb:/tmp/up", str(back))
    assert (back / "note.txt").read_bytes() == "h\u00e9llo \u2713\n".encode()
    assert (back / "sub" / "blob.bin").read_bytes() == blob


def test_localhost_in_the_pod_is_its_own_server(lab):
    done = lab.kubectl("exec", "web", "--", "curl", "-s", "localhost")
    assert "<title>Welcome to nginx!</title>" in done.stdout and done.stderr == ""
    refused = lab.kubectl("exec", "web", "--", "curl", "localhost:81", check=False)
    assert (refused.stdout, refused.stderr, refused.returncode) == (
        "", "curl: (7) Failed to connect to localhost port 81 after 0 ms: Couldn't connect to server\n"
            "command terminated with exit code 7\n", 7)
    refused = lab.kubectl("exec", "bb", "--", "wget", "-qO-", "localhost", check=False)
    assert refused.stderr == ("wget: can't connect to remote host (127.0.0.1): Connection refused\n"
                              "command terminated with exit code 1\n")


def test_what_an_exec_wrote_is_there_after_a_restart(tmp_path_factory):
    """The stream's exec is journalled: a new server replaying the sandbox has the file it wrote."""
    import json
    import urllib.request

    from tests.labserver import Lab
    from tests.serverproc import running_server

    data, home = tmp_path_factory.mktemp("data"), tmp_path_factory.mktemp("home")
    with running_server(data) as (port, _log):
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/sandboxes", data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=30) as resp:
            sid = json.loads(resp.read())["id"]
        lab = Lab(port, sid, home)
        lab.kubectl("apply", "-f", "-", stdin=MANIFEST)
        lab.clock(advance=60)
        lab.kubectl("exec", "bb", "--", "sh", "-c", "echo kept > /tmp/f")
    with running_server(data) as (port, _log):
        lab = Lab(port, sid, home)
        assert lab.kubectl("exec", "bb", "--", "cat", "/tmp/f").stdout == "kept\n"
        assert lab.engine("kubectl exec bb -- cat /tmp/f") == "kept\n"
