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
    # (no "0x1F" beside "1" and "09": keyList.Less orders those three in a cycle, and go-yaml sorts
    # the keys of a map it ranged over in random order, so kubectl's order for them varies)
    keys = ["y", "n", "N", "yes", "on", "off", "true", "null", "Null", "1e3", "09", "1_0", "1", "-1", "k10", "k9",
            ".5", ".inf", "_1", "2025-01-01", "a.b", "-x", "x-"]
    args = _configmap_line([(k, "v") for k in keys])
    assert _engine(cluster, args) == real(*args)


#: client-built objects (Go structs in kubectl): -o json keeps the struct field order
#: (``run web --port`` and ``create role`` ask the server's discovery first: tests/oracle has them)
TYPED_JSON_LINES = [
    "run job --image=busybox --restart=Never --env=A=1 --requests=cpu=100m --dry-run=client -o json -- sleep 5",
    "create deployment web --image=nginx --replicas=2 --port=80 --dry-run=client -o json",
    "create namespace team --dry-run=client -o json",
    "create configmap c --from-literal=b=2 --from-literal=a=1 --dry-run=client -o json",
    "create secret generic s --from-literal=k=v --dry-run=client -o json",
    "create service nodeport web --tcp=80:8080 --dry-run=client -o json",
    "create job once --image=busybox --dry-run=client -o json -- echo hi",
    "create job once --image=busybox --dry-run=client -o yaml -- echo hi",
    "create cronjob tick --image=busybox --schedule=*/5_*_*_*_* --dry-run=client -o json",
    "create serviceaccount robot --dry-run=client -o json",
    "create clusterrolebinding b --clusterrole=view --user=u --dry-run=client -o json",
    "create quota q --hard=pods=2,cpu=1 --dry-run=client -o json",
    "create priorityclass high --value=1000 --dry-run=client -o json",
    "create pdb p --selector=app=web --min-available=1 --dry-run=client -o json",
    "create ingress i --rule=example.com/=web:80 --dry-run=client -o json",
]


@needs_kubectl
@pytest.mark.parametrize("line", TYPED_JSON_LINES)
def test_typed_objects_json_keeps_struct_order(line, cluster):
    args = [a.replace("_", " ") if a.startswith("--schedule=") else a for a in line.split()]
    assert _engine(cluster, args) == real(*args)



# -- the write verbs' template flags ------------------------------------------------------------------

@needs_kubectl
@pytest.mark.parametrize("line", [
    "create configmap x --from-literal=a=b --dry-run=client -o jsonpath={.nope} --allow-missing-template-keys=false",
    "create configmap x --from-literal=a=b --dry-run=client -o jsonpath={.nope}",
    "create configmap x --from-literal=a=b --dry-run=client -o go-template={{.data.a}}{{.nope.x}}",
    "create configmap x --from-literal=a=b --dry-run=client -o go-template={{.data.a",
    "create configmap x --from-literal=a=b --dry-run=client --template={{.kind}}",
    "create secret generic s --from-literal=a=b --dry-run=client -o jsonpath={.data.a} --allow-missing-template-keys",
])
def test_write_verbs_template_flags_match_kubectl(line, cluster):
    args = line.split()
    assert _engine(cluster, args) == real(*args)


def test_a_bad_go_template_fails_before_the_command_acts():
    c = Cluster(seed=1)
    for line in ["kubectl create deployment web --image=nginx -o go-template={{.metadata.name",
                 "kubectl create configmap cm --from-literal=a=b -o go-template={{end}}",
                 "kubectl run p --image=nginx -o go-template={{.x"]:
        r = run(c, line)
        assert r.exit_code == 1 and r.output.startswith("error: error parsing template "), line
    assert c.store.get("Deployment", "default", "web") is None
    assert c.store.get("ConfigMap", "default", "cm") is None
    assert c.store.get("Pod", "default", "p") is None


def test_every_write_verb_takes_allow_missing_template_keys():
    c = Cluster(seed=1)
    assert run(c, "kubectl create deployment web --image=nginx").exit_code == 0
    for line in ["kubectl scale deployment web --replicas=2 -o jsonpath={.spec.replicas} --allow-missing-template-keys=false",
                 "kubectl label deployment web a=b -o jsonpath={.metadata.labels.a} --allow-missing-template-keys=true",
                 "kubectl annotate deployment web a=b -o jsonpath={.metadata.annotations.a} --allow-missing-template-keys",
                 "kubectl set image deployment/web nginx=nginx:1.27 -o jsonpath={.kind} --allow-missing-template-keys",
                 "kubectl expose deployment web --port=80 -o jsonpath={.spec.ports[0].port} --allow-missing-template-keys",
                 "kubectl create namespace lab -o jsonpath={.metadata.name} --allow-missing-template-keys=false"]:
        r = run(c, line)
        assert r.exit_code == 0 and r.output in ("2", "b", "Deployment", "80", "lab"), (line, r.output)
    r = run(c, "kubectl label deployment web c=d -o jsonpath={.nope} --allow-missing-template-keys=false")
    assert r.exit_code == 1 and r.output.startswith('error: error executing jsonpath "{.nope}": ')


# -- several objects from one command: the YAML printer's "---" -------------------------------------

MANIFEST = """apiVersion: v1
kind: ConfigMap
metadata:
  name: one
data:
  a: "1"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: two
data:
  b: "y"
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: three
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    from tests.labserver import lab_server
    from tests.realkubectl import KUBECTL
    if KUBECTL is None:
        pytest.skip("no kubectl installed: the comparisons need the real one")
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        yield lab


def _both(lab, args: list[str]) -> tuple[tuple[str, int], tuple[str, int]]:
    import shlex
    real = lab.kubectl(*args, stdin=MANIFEST, check=False)
    engine = lab.request("POST", f"/api/sandboxes/{lab.sid}/run",
                         {"command": "kubectl " + shlex.join(args), "stdin": MANIFEST})
    return (engine["output"], engine["exitCode"]), (real.stdout + real.stderr, real.returncode)




@pytest.mark.parametrize("args", [
    ["create", "-f", "-", "--dry-run=client", "-o", "yaml"],
    ["create", "-f", "-", "--dry-run=client", "-o", "json"],
    ["create", "-f", "-", "--dry-run=client", "-o", "name"],
    ["create", "-f", "-", "--dry-run=client", "-o", "jsonpath={.metadata.name}"],
    ["apply", "-f", "-", "--dry-run=client", "-o", "name"],
    ["apply", "-f", "-", "--dry-run=client", "-o", "yaml"],
    ["apply", "-f", "-", "--dry-run=client", "-o", "json"],
])
def test_several_objects_from_one_command_as_kubectl_prints_them(lab, args):
    engine, real = _both(lab, args)
    assert engine == real
