"""The text tools a container has: busybox images run busybox's ``sed``/``awk``/``xargs`` (its
words for errors), Debian images GNU sed, mawk and GNU xargs — the same programs the workstation
runs; and the one ``base64`` (coreutils.py's), checked against the real GNU base64 and busybox on
this machine: ``--decode`` decodes (GNU) or is an unrecognized option (busybox), ``-w``, garbage."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim import coreutils, sh
from server.sim.cluster import Cluster
from server.sim.fs import FileSystem, Tree
from tests.sim.toolcmp import have, real


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=6)
    run(c, "kubectl run bb --image=busybox:1.36 -- sleep 3600")
    run(c, "kubectl run deb --image=debian:bookworm -- sleep 3600")
    c.advance(30)
    return c


def sh_in(c: Cluster, pod: str, script: str) -> tuple[str, int]:
    r = run(c, f'kubectl exec {pod} -- sh -c "{script}"')
    return r.output, r.exit_code


def test_sed_awk_xargs_run_in_both_images(lab):
    for pod in ("bb", "deb"):
        assert sh_in(lab, pod, "echo hello world | sed s/world/pod/") == ("hello pod\n", 0), pod
        assert sh_in(lab, pod, "printf 'a 1\\nb 2\\n' | awk 'END {print NR}'") == ("2\n", 0), pod
        assert sh_in(lab, pod, "printf 'x\\ny\\n' | xargs -n1 echo got") == ("got x\ngot y\n", 0), pod


def test_each_image_has_its_own_dialect(lab):
    # a sed script error in busybox's words, then GNU's
    out, rc = sh_in(lab, "bb", "echo x | sed s/x/")
    assert (out, rc) == ("sed: unmatched '/'\ncommand terminated with exit code 1\n", 1)
    out, rc = sh_in(lab, "deb", "echo x | sed s/x/")
    assert (out, rc) == ("sed: -e expression #1, char 4: unterminated `s' command\n"
                         "command terminated with exit code 1\n", 1)
    # busybox awk, and Debian's awk: mawk (named by the word it was run as)
    assert sh_in(lab, "bb", "echo | awk '{'") == ("awk: cmd. line:1: Unexpected token\n"
                                                   "command terminated with exit code 1\n", 1)
    assert sh_in(lab, "deb", "echo | awk '{'") == ("awk: line 2: missing } near end of file\n"
                                                    "command terminated with exit code 2\n", 2)
    assert sh_in(lab, "deb", "echo 1 2 | mawk 'END {print NR}'") == ("1\n", 0)
    assert sh_in(lab, "bb", "mawk") == ("sh: mawk: not found\ncommand terminated with exit code 127\n", 127)


def test_base64_decode_in_a_debian_pod_and_in_busybox(lab):
    assert sh_in(lab, "deb", "echo aGVsbG8K | base64 --decode") == ("hello\n", 0)
    assert sh_in(lab, "bb", "echo aGVsbG8K | base64 -d") == ("hello\n", 0)
    out, rc = sh_in(lab, "bb", "echo aGVsbG8K | base64 --decode")
    assert rc == 1 and out.startswith("base64: unrecognized option '--decode'\nBusyBox v")


def _ours(dialect: str, argv: list[str], stdin: str) -> tuple[str, str, int]:
    fs = FileSystem(Tree())
    fs.mkdir("/w", parents=True)
    ctx = sh.ShContext(env={"HOME": "/w"}, cwd="/w", fs=fs, dialect=dialect)
    out: list[str] = []
    err: list[str] = []
    code = coreutils.base64_(ctx, argv, sh.Streams(stdin, out.append, err.append))
    return "".join(out), "".join(err), code


CASES = [
    (["base64"], "hello\n"), (["base64"], "x" * 100), (["base64", "-w", "0"], "x" * 100), (["base64", "-w10"], "hi there"),
    (["base64", "-d"], "aGVsbG8K\n"), (["base64", "-d"], "aGVs!bG8K"), (["base64", "-d"], "aGVsbG8"),
    (["base64", "-d"], "aGk=aGk="), (["base64", "-d"], "a b"), (["base64", "-x"], "hi"), (["base64"], ""),
]


@pytest.mark.skipif(not have("base64"), reason="GNU base64 is not installed")
@pytest.mark.parametrize("argv,stdin", CASES + [(["base64", "--decode"], "aGVsbG8K"),
                                                (["base64", "-di"], "aGV!sbG8K"), (["base64", "--wrap=4"], "hello")])
def test_base64_is_gnus(argv, stdin, tmp_path):
    assert _ours("bash", argv, stdin) == real(argv, stdin, tmp=tmp_path)


@pytest.mark.skipif(not have("busybox"), reason="busybox is not installed")
@pytest.mark.parametrize("argv,stdin", CASES + [(["base64", "--decode"], "aGVsbG8K")])
def test_base64_is_busyboxs(argv, stdin, tmp_path):
    out, err, code = _ours("busybox", argv, stdin)
    r_out, r_err, r_code = real(["busybox", *argv], stdin, tmp=tmp_path)
    # the banner names the busybox build: this machine's is not the images' 1.36.1
    assert (out, err.split("\nBusyBox v")[0], code) == (r_out, r_err.split("\nBusyBox v")[0], r_code)
