"""awk (server/sim/awk.py) against Debian's default awk, mawk 1.3.4, on this machine: tutorials'
one-liners over kubectl tables give the same output, error words and exit status."""

from __future__ import annotations

import os
import shutil

import pytest

from server.sim import awk
from tests.sim.toolcmp import ours, real

MAWK = shutil.which("mawk")
pytestmark = pytest.mark.skipif(MAWK is None, reason="mawk is not installed")

PODS = ("NAME                     READY   STATUS    RESTARTS   AGE\nweb-0   1/1     Running   0          5m\n"
        "web-1   0/1     Pending   2          1m\ndb-0    1/1     Running   10         3h\n")
PROGRAMS = [
    ["{print $1}"], ["NR>1 {print $1, $3}"], ["/Running/ {n++} END {print n}"], ["{print NF, $NF}"], ["$4 > 1"],
    ['$3 == "Running" {print $1}'], ["{s += $4} END {print s}"], ['{printf "%-8s|%5.2f\\n", $1, $4}'],
    ["{print length($1)}"], ["{print substr($1,2,3)}"], ['{n=split($2,p,"/"); print n, p[1], p[2]}'],
    ['{gsub(/-/,"_"); print}'], ["{print toupper($1)}"], ["NR==2,NR==3"], ["$1 ~ /^w/"], ["$1 !~ /^w/ {print}"],
    ['{ if ($4 > 1) print $1, "many"; else print $1, "few" }'], ["END{print NR}"], ["{print}"],
    ['{ print index($0, "Run") }'], ["{print int($4/3)}"], ["{print $1"],
    ["BEGIN{print 1/3, 10/2, 2^10, 7%3}"], ["BEGIN{for(i=0;i<3;i++) print i}"],
    ['BEGIN{printf "%d %s %c\\n", 3.9, "x", 65}'], ["BEGIN{print 100000000, 0.1+0.2, 1e6, 123456789012}"],
    ['BEGIN{x="10"; y=9; print (x<y)}'],
]


def _real(argv, text, tmp):
    # the machine's awk may be gawk: run mawk under the name awk, as Debian's alternatives do
    link = tmp / "awk"
    if not link.exists():
        os.symlink(MAWK, link)
    return real([str(link), *argv[1:]], text, tmp=tmp)


@pytest.mark.parametrize("program", PROGRAMS)
def test_programs_match_mawk(program, tmp_path):
    argv = ["awk", *program]
    mine = ours(awk.program("mawk"), argv, PODS)
    theirs = _real(argv, PODS, tmp_path)
    assert mine == (theirs[0], theirs[1].replace(str(tmp_path / "awk"), "awk"), theirs[2])


@pytest.mark.parametrize("argv,text", [
    (["awk", "-F:", "{print $1}"], "root:x:0\nuser:x:1000\n"), (["awk", "-v", "x=5", "BEGIN{print x*2}"], ""),
    (["awk", "{a[$1]++} END {for (k in a) n++; print n, a[\"x\"]}"], "x\ny\nx\n"),
    (["awk", "{ $2 = \"X\"; print }"], "a b c\n"), (["awk", "BEGIN {OFS=\"-\"} {$1=$1; print}"], "a b c\n"),
    (["awk", "{print $1 $2}"], "a b\n"), (["awk", "{print ($1 < $2)}"], "10 9\nabc abd\n"),
    (["awk", "-F", "/", "{print $2}"], "a/b/c\n"), (["awk", "{print $1}", "nofile"], ""),
])
def test_options_and_fields(argv, text, tmp_path):
    mine = ours(awk.program("mawk"), argv, text)
    theirs = _real(argv, text, tmp_path)
    assert mine == (theirs[0], theirs[1].replace(str(tmp_path / "awk"), "awk"), theirs[2])


BUSYBOX = shutil.which("busybox")


@pytest.mark.skipif(BUSYBOX is None, reason="busybox is not installed")
@pytest.mark.parametrize("argv,text", [
    (["awk", "{print $1"], "x\n"), (["awk", "{print}", "nofile"], ""), (["awk", "BEGIN{print 123456789012, 0.1+0.2}"], ""),
    (["awk", "NR>1 {print $1, $3}"], PODS), (["awk", "-F:", "{print $2}"], "a:b\n"),
])
def test_busybox_dialect_matches_busybox_awk(argv, text, tmp_path):
    assert ours(awk.program("busybox"), argv, text) == real([BUSYBOX, *argv], text, tmp=tmp_path)
