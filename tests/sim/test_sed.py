"""sed (server/sim/sed.py) against GNU sed 4.9 on this machine: the same script, input and files
through both give the same output, error words and exit status."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from server.sim import sed
from server.sim.fs import FileSystem, Tree
from tests.sim.toolcmp import have, ours, real

GNU = have("sed") and "GNU sed" in subprocess.run(["sed", "--version"], capture_output=True, text=True).stdout
pytestmark = pytest.mark.skipif(not GNU, reason="GNU sed is not installed")

TEXT = "alpha beta\ngamma delta\nepsilon zeta\nAlpha x\n"
SCRIPTS = [
    ["s/a/A/"], ["s/a/A/g"], ["s/a/A/2"], ["-n", "s/a/A/gp"], ["s/alpha/X/I"], ["-n", "2p"], ["-n", "$p"],
    ["2,3d"], ["/gamma/,/eps/s/^/> /"], ["-E", r"s/([a-z]+) ([a-z]+)/\2 \1/"], [r"s/\([a-z]*\) \([a-z]*\)/\2 \1/"],
    ["3q"], ["-n", "/beta/!p"], [r"s/[[:space:]]\+/_/g"], ["="], [r"1i\top"], ["$a end"], ["-e", "s/a/b/", "-e", "s/b/c/"],
    ["y/abc/xyz/"], ["-n", "/alpha/{s/alpha/A/;p}"], [r"s/.*/\U&/"], ["1~2d"], ["2,+1d"], ["s/a/&&/g"],
    ["-n", "/a/="], [r"2c\changed"], [r"s/a\|e/_/g"], ["-r", "s/(a|e)+/_/g"], ["s/^  name: //"],
    # errors
    ["s/x/y"], ["s/x/y/q"], ["k"], ["/x/"], [],
]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: " ".join(s) or "(none)")
def test_scripts_match_gnu_sed(script, tmp_path):
    argv = ["sed", *script]
    assert ours(sed.program("gnu"), argv, TEXT) == real(argv, TEXT, tmp=tmp_path)


@pytest.mark.parametrize("argv,text", [
    (["sed", "s|/|:|g"], "a/b/c\n"), (["sed", "s/e/E/3"], "eeeee\n"), (["sed", "s/$/;/"], "a\nb"),
    (["sed", "nofile"], "x\n"), (["sed", "p", "nofile"], ""),
])
def test_inputs_and_missing_files(argv, text, tmp_path):
    assert ours(sed.program("gnu"), argv, text) == real(argv, text, tmp=tmp_path)


def test_in_place_edits_the_file(tmp_path):
    files = {"pod.yaml": "kind: Pod\nmetadata:\n  name: web\n"}
    argv = ["sed", "-i", "s/web/api/", "pod.yaml"]
    fs = FileSystem(Tree())
    fs.mkdir("/w", parents=True)
    assert ours(sed.program("gnu"), argv, "", files, fs=fs) == real(argv, "", files, tmp=tmp_path)
    assert fs.read("/w/pod.yaml").decode() == (tmp_path / "pod.yaml").read_text() == "kind: Pod\nmetadata:\n  name: api\n"


def test_posix_classes_become_python_classes():
    assert sed.posix_regex("[[:digit:]]\\+", False) == "[0-9]+"
    assert sed.posix_regex("a|b(c)", False) == r"a\|b\(c\)"


BUSYBOX = shutil.which("busybox")


@pytest.mark.skipif(BUSYBOX is None, reason="busybox is not installed")
@pytest.mark.parametrize("argv,text", [
    (["sed", "s/x/y"], "x\n"), (["sed", "k"], "x\n"), (["sed", "s/x/y/q"], "x\n"), (["sed", "/x/"], "x\n"),
    (["sed", "s|x|y"], "x\n"), (["sed", "p", "nofile"], ""), (["sed", "-n", "s/x/y/p"], "x\nz\n"),
])
def test_busybox_dialect_matches_busybox_sed(argv, text, tmp_path):
    assert ours(sed.program("busybox"), argv, text) == real([BUSYBOX, *argv], text, tmp=tmp_path)
