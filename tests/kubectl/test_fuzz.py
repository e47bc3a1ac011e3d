"""No kubectl command line gives an internal error: every registered command, with flags, quotes,
unicode, empty and 200 KB arguments drawn from a seeded generator (the same lines every run), must
answer in kubectl's words — an exit code and text, never a Python exception."""

from __future__ import annotations

import random
import shlex

import pytest

from server.kubectl import run
from server.kubectl.parse import COMMANDS, _load_verbs, split_words
from server.sim.cluster import Cluster

_load_verbs()

WORDS = ["pods", "pod/x", "deploy", "deploy/web", "svc", "nodes", "node1", "cm", "secret", "-n", "kube-system", "-A",
         "-o", "yaml", "json", "jsonpath={.items[*].metadata.name}", "wide", "name", "go-template={{.kind}}",
         "custom-columns=N:.metadata.name", "-l", "app=web", "app in (a,b)", "!x", "--all", "-f", "-", "x.yaml",
         "dir", "--dry-run=client", "--dry-run=server", "--", "sh", "-c", "echo hi", "'", '"', "é中😀", "\u202e",
         "--image=nginx", "--replicas=3", "--replicas=-1", "-it", "--rm", "=", "==", "a=b", "k=v:NoSchedule", "k-",
         "--for=condition=Ready", "--timeout=1s", "-p", '{"a":1}', "[]", "{}", "null", "--type=json",
         "--from-literal=a=b", "--from-file=x.yaml", "--selector", "", " ", "-", "--help", "--sort-by=.metadata.name",
         "--field-selector=status.phase=Running", "--field-selector=bogus=1", "x" * 1000, "y" * 200_000,
         "--image=" + "a" * 200_000, "-----", "--=", "-=", "--no-headers=maybe", "\t", "%s%d", "{{.x}}", "{{",
         "--template={{", "${HOME}", "--grace-period=0", "--force", "--now", "--overwrite", "-c", "nginx", "--tail=-5",
         "--since=-1s", "--to-revision=99", "--port=http", "--context=nope", "--kubeconfig=/nope", "-v=9"]
STDINS = ["", "{}", "apiVersion: v1\nkind: Pod\n", "- a\n", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x]\n",
          "\x00\xff", "---\n---\n", "kind: List\napiVersion: v1\nitems: [null, 3]\n"]
#: how many random lines each command gets (the whole run stays within seconds)
PER_COMMAND = 3


def lines() -> list[tuple[str, str]]:
    rng = random.Random(7)
    out = []
    for path in sorted(COMMANDS):
        for _ in range(PER_COMMAND):
            argv = path.split() + [rng.choice(WORDS) for _ in range(rng.randint(0, 6))]
            out.append((" ".join(shlex.quote(a) for a in argv), rng.choice(STDINS)))
    out += [("get pods 'unclosed", ""), ('get "pods', ""), ("", ""), ("   ", ""), ("-", ""), ("--", ""),
            ("get -- --", ""), ("-n", ""), ("--namespace=", ""), ("get pods -n ''", ""), ("é", ""),
            ("get " + "a," * 5000 + "pods", ""), ("apply -f - -f - -f -", STDINS[4])]
    return out


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(seed=1)
    c.workspace["x.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fz\n"
    c.workspace["dir/a.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fz-a\n"
    run(c, "kubectl create deployment web --image=nginx")
    c.advance(30)
    return c


def test_every_command_line_answers_in_kubectls_words(cluster):
    failures = []
    for line, stdin in lines():
        try:
            result = run(cluster, "kubectl " + line, stdin)
        except Exception as e:  # noqa: BLE001 — what the test is looking for
            failures.append(f"{line[:120]!r}: {type(e).__name__}: {e}")
            continue
        assert isinstance(result.exit_code, int) and isinstance(result.output, str)
        if "internal error" in result.output or "Traceback" in result.output:
            failures.append(f"{line[:120]!r}: {result.output[:300]}")
    assert not failures, "\n".join(failures)


def test_the_command_line_splits_as_shlex_does():
    """kubectl's own split (linear in the line) words every line as ``shlex.split`` does, its errors
    included: random lines of quotes, backslashes, whitespace and letters."""
    rng = random.Random(3)
    alphabet = "ab '\"\\\t\n\r$"

    def words(split, line: str) -> list[str] | str:
        try:
            return split(line)
        except ValueError as e:
            return f"error: {e}"

    for _ in range(20_000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert words(split_words, line) == words(shlex.split, line), repr(line)
    long = "x" * 200_000
    assert split_words(f"taint {long} '{long}' \"a\\{long}\"") == ["taint", long, long, "a\\" + long]
