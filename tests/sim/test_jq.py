"""jq (server/sim/jq.py): the filters tutorials run on kubectl's JSON, against the jq on this machine
(skipped when there is none). Where jq 1.6 and 1.7 word an error differently the test states 1.7's
words, which kubeplay prints."""

from __future__ import annotations

import json
import shutil

import pytest

from server.sim import jq
from tests.sim.toolcmp import ours, real

HAVE_JQ = shutil.which("jq") is not None

PODS = json.dumps({"apiVersion": "v1", "kind": "List", "n": [1, 2.5, -3, 0], "items": [
    {"metadata": {"name": "web-0", "labels": {"app": "web"}}, "status": {"phase": "Running", "podIP": "10.244.1.3"},
     "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
    {"metadata": {"name": "db-0", "labels": {}}, "status": {"phase": "Pending"},
     "spec": {"containers": [{"name": "m", "image": "mysql:8"}, {"name": "s", "image": "busybox"}]}}]},
    indent=4) + "\n"
FILTERS = [
    ["."], ["-c", "."], ["-r", ".items[].metadata.name"], [".items[0].metadata"], [".items | length"],
    ["-r", '.items[] | select(.status.phase=="Running") | .metadata.name'], ["[.items[].metadata.name]"],
    [".items | map(.metadata.name)"], [".items[0] | keys"], [".items[1].metadata.labels"],
    ["-r", '.items[] | "\\(.metadata.name) \\(.status.phase)"'], [".items[] | {name: .metadata.name, ip: .status.podIP}"],
    ["-c", ".items[] | {name: .metadata.name, n: (.spec.containers | length)}"], ['.items[0].metadata | has("name")'],
    [".items[0].metadata.labels | to_entries"], ["-r", ".items[].spec.containers[].image"], [".n | add"], [".n | sort"],
    [".n[1:3]"], ['.items[] | .status.podIP // "none"'], ["-r", ".items[] | [.metadata.name, .status.phase] | @tsv"],
    ["-r", ".items[] | [.metadata.name, .status.phase] | @csv"], [".kind | ascii_downcase"],
    ['[.items[] | .metadata.name | test("web")]'],
    ['.items | map(select(.metadata.name | startswith("db"))) | .[0].metadata.name'], [".missing"], [".missing.deeper"],
    ["[.n[] | . * 2]"], [".n | max"], ["[.items[] | .spec.containers | length] | add"], ["{}"], ["[]"],
    ["-c", "[.n[], {a:1}]"], [".items[0] | del(.spec)"], ["-r", ".items[0].metadata.labels | keys[]"],
    ["-r", 'if .kind == "List" then "yes" else "no" end'], ['.items[] | select(.metadata.labels.app == "web") | .metadata.name'],
    [".items[0].metadata.labels.app |= ascii_upcase | .items[0].metadata"], ['[.items[] | .metadata.name] | join(",")'],
    ["-r", '.apiVersion | split("v") | .[1]'], ["--arg", "n", "db-0", ".items[] | select(.metadata.name == $n) | .status"],
    ["[paths] | length"], [".n | map(tostring)"], ["-S", ".items[0].status"], ["-e", ".missing"],
]


@pytest.mark.skipif(not HAVE_JQ, reason="jq is not installed")
@pytest.mark.parametrize("filt", FILTERS, ids=" ".join)
def test_filters_match_jq(filt, tmp_path):
    argv = ["jq", *filt]
    assert ours(jq.program, argv, PODS) == real(argv, PODS, tmp=tmp_path)


@pytest.mark.parametrize("filt,text,expected", [
    (".a.b", '{"a":[1]}\n', 'jq: error (at <stdin>:1): Cannot index array with "b"\n'),
    (".[]", "1\n", "jq: error (at <stdin>:1): Cannot iterate over number (1)\n"),
    (".[0]", '"x"\n', "jq: error (at <stdin>:1): Cannot index string with number\n"),
    (".a.b", '{"a":\n[1,\n2]}\n', 'jq: error (at <stdin>:3): Cannot index array with "b"\n'),
])
def test_runtime_errors_in_jq_17_words(filt, text, expected):
    assert ours(jq.program, ["jq", filt], text) == ("", expected, 5)


def test_compile_and_parse_errors():
    out, err, code = ours(jq.program, ["jq", "foo"], "{}\n")
    assert (out, err, code) == ("", "jq: error: foo/0 is not defined at <top-level>, line 1:\nfoo\njq: 1 compile error\n", 3)
    out, err, code = ours(jq.program, ["jq", "."], '{"a":1')
    assert (err, code) == ("jq: parse error: Unfinished JSON term at EOF at line 1, column 6\n", 2)


def test_integral_results_print_without_a_fraction():
    assert jq.run("4 / 2", None) == [2] and jq.dumps(jq.run(".a * 2", {"a": 1.5})[0]) == "3"
