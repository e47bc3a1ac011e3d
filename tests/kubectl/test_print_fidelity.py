"""Printing fidelity: what every ``-o`` prints, byte for byte against the real kubectl v1.32.

- YAML through sigs.k8s.io/yaml (go-yaml v2): which strings are quoted and how, literal blocks,
  folding (``create configmap --from-literal`` of awkward values, keys and values);
- typed objects' JSON in Go struct field order (a client-built object's ``-o json``);
- the write verbs' printer flags (``--allow-missing-template-keys``, ``--template``).

The expected text comes from the real binary run offline (client-side output only).
"""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim.cluster import Cluster
from tests.kubectl.offline_kubectl import needs_kubectl, real

#: strings go-yaml v2 reads back as something else, strings its emitter cannot write plain, and
#: strings that stay plain although another YAML library would quote them
AWKWARD_VALUES = [
    "y", "Y", "n", "N", "yes", "No", "on", "OFF", "true", "FALSE", "~", "null", "Null", "",
    "1e3", "1.5e+3", "0x1F", "0x_1F", "0x", "0o17", "0b11", "-0b1", "0777", "09", "1_0", "1__0", "_1", "1_",
    "+1", "-1", ".5", "+.5", "1.", "1.2.3", "12e", "1e", "9223372036854775808", "18446744073709551616",
    ".inf", "-.Inf", "+.INF", ".nan", "NaN", "1:20", "-1:20:30.5", "<<", "=",
    "2025-01-01", "2025-1-2", "2025-02-30", "2024-02-29", "2006-01-02T15:04:05Z", "2006-1-2t1:2:3Z",
    "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04:05Z", "20250-01-01",
    " lead", "trail ", "a: b", "a:b", "#x", "x #y", "x# y", "- a", "-", "? q", "[x]", "{x}", "*ref", "&a",
    "!tag", "|", ">", "'q'", '"q"', "%p", "@at", "`bt", "a,b", "tab\tx", "ü", "日本", "emoji 🙂",
    "l1\nl2", "l1\nl2\n", "l1\nl2\n\n", "l1 \nl2", " l1\nl2", "l1\n\nx", "l1\nl2\n ", "\nlead",
    " ".join(["word"] * 40), " " + " ".join(["word"] * 40), "x" * 120, "a: " + "b " * 50,
]


@pytest.fixture(scope="module")
def cluster():
    return Cluster(seed=1)


def _configmap_line(pairs: list[tuple[str, str]]) -> list[str]:
    return ["create", "configmap", "x", *(f"--from-literal={k}={v}" for k, v in pairs),
            "--dry-run=client", "-o", "yaml"]


def _engine(cluster, args: list[str]) -> tuple[str, int]:
    import shlex
    r = run(cluster, "kubectl " + shlex.join(args))
    return r.output, r.exit_code


@needs_kubectl
@pytest.mark.parametrize("chunk", range(0, len(AWKWARD_VALUES), 12))
def test_yaml_quotes_values_as_go_yaml_does(chunk, cluster):
    pairs = [(f"k{i:03d}", v) for i, v in enumerate(AWKWARD_VALUES[chunk:chunk + 12], start=chunk)]
    args = _configmap_line(pairs)
    assert _engine(cluster, args) == real(*args)


@needs_kubectl
def test_yaml_quotes_keys_as_go_yaml_does(cluster):
    keys = ["y", "n", "N", "yes", "on", "off", "true", "null", "Null", "1e3", "0x1F", "09", "1_0", "1", "-1",
            ".5", ".inf", "_1", "2025-01-01", "a.b", "-x", "x-"]
    args = _configmap_line([(k, "v") for k in keys])
    assert _engine(cluster, args) == real(*args)
