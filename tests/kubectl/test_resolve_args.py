"""Resource arguments and label selectors, in kubectl v1.32's own words.

Label selectors: ``kubectl top pod -l SEL`` parses the selector on the client before it asks any
server (``labels.Parse``), so the real binary, pointed at a closed port, gives the reference text
of every parse error; kubeplay's ``kubectl top``, ``get`` and ``describe`` must word them alike.

Resource arguments: the builder's grouping and errors (``TYPE1,TYPE2 NAME``, ``TYPE/NAME``, one
slash, categories with names, selectors with names) are compared with the real kubectl run
against kubeplay's API (tests/labserver.py), for get, describe, delete and label.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from server.kubectl import run
from server.sim import labels
from server.sim.cluster import Cluster
from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: the comparisons need the real one")

#: selectors that labels.Parse refuses, one per error path of its lexer, parser and NewRequirement
BAD_SELECTORS = [
    "!!", "!", "!!a", "a!", "a!b", "a b", "a)", "a (", "=a", "!=a", "(", ",a", "a,", "k=v,,", "a,,b", "k=v, ,x",
    "a=b=c", "!a=b", "a=b c", "a!=b!=c", "a>1>2", "a===b", "a=!b", "a<>1", "a><1", "a=>1", "a!==b", "a=(b",
    "a in", "a notin", "a in b", "a in (b", "a in (b,c", "a in (b c)", "a in (b))", "a in (b=c)", "a in (!)",
    "a in (b)(", "a in ((b))", "a notin (x)y", "a>x", "a<", "a>1,a<", "a>x%", "a>99999999999999999999",
    "x=%%", "a=-b", "a=é", "a in (b,%)", "a in (%,&)", "a=" + "x" * 64, "x" * 64, "é" * 40, "a/b/c", "/a", "a/",
    "A_/b", "A.B/c", "-a", "é=1", "x" * 254 + "/a", "a\x01=b", 'a="q"', "a<-1", "a_b=c_",
]
GOOD_SELECTORS = [
    "a", "!a", "a=b", "a==b", "a!=b", "a=", "a in (b,c)", "a notin ()", "a in (,)", "a in (b,,c)", "in",
    "a,in", "a in (in)", "notin notin (x)", "a =  b", " ", "a=b,!c", "a>1", "a.b/c", "kubernetes.io/role",
    "a  notin  (b,c)", "x/y=z", "a.-b=c",
]


def _closed_port_kubeconfig(tmp_path) -> str:
    path = tmp_path / "kubeconfig"
    path.write_text("apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'http://127.0.0.1:1'}}]\n"
                    "contexts: [{name: c, context: {cluster: c, namespace: default}}]\ncurrent-context: c\n"
                    "users: []\n")
    return str(path)


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    kubeconfig = _closed_port_kubeconfig(home)

    def real(selector: str) -> str:
        r = subprocess.run([KUBECTL, "--kubeconfig", kubeconfig, "top", "pod", "-l", selector],
                           capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": str(home)})
        # klog's discovery complaints (the port is closed) are not the command's answer
        return "\n".join(line for line in (r.stdout + r.stderr).splitlines() if "memcache.go" not in line)

    return real


@pytest.fixture(scope="module")
def cluster():
    return Cluster(seed=1)


@needs_kubectl
@pytest.mark.parametrize("selector", BAD_SELECTORS)
def test_selector_errors_are_labels_parse_texts(offline, cluster, selector):
    want = offline(selector)
    assert want.startswith("error: "), want
    got = run(cluster, "kubectl top pod -l " + _quote(selector))
    assert (got.output, got.exit_code) == (want + "\n", 1)


@needs_kubectl
@pytest.mark.parametrize("selector", GOOD_SELECTORS)
def test_selectors_kubectl_accepts_parse(offline, selector):
    # the real one goes on to the (closed) server: the selector parsed
    assert "connection to the server" in offline(selector)
    labels.parse(selector)


@needs_kubectl
def test_get_and_describe_word_the_same_parse_errors(offline, cluster):
    want = offline("a in (b c)").removeprefix("error: ")
    got = run(cluster, "kubectl describe pods -l 'a in (b c)'")
    assert (got.output, got.exit_code) == (f"error: {want}\n", 1)
    got = run(cluster, "kubectl get pods -l 'a in (b c)'")
    assert got.exit_code == 1 and got.output.endswith(f"field selector \"\": {want}\n"), got.output


def _quote(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


# -- what selectors select -----------------------------------------------------------------------

PODS = {"p1": {"n": "1", "tier": "web"}, "p2": {"n": "2", "tier": "db"}, "p3": {"n": "x"}, "p4": {}}


@pytest.fixture(scope="module")
def labelled():
    c = Cluster(seed=1, empty=True)
    for name, lbls in PODS.items():
        c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default",
                                                                      "labels": lbls},
                      "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    return c


@pytest.mark.parametrize(("selector", "selected"), [
    ("n>1", {"p2"}),            # integers only: "x" is no number, p4 has no key
    ("n<2", {"p1"}),
    ("tier!=web", {"p2", "p3", "p4"}),   # != and notin also select objects without the key
    ("tier notin (web,db)", {"p3", "p4"}),
    ("tier in (web,db),n>1", {"p2"}),
    ("!tier", {"p3", "p4"}),
    ("n", {"p1", "p2", "p3"}),
    ("tier=", set()),
    ("tier in ()", set()),
])
def test_what_a_selector_selects(labelled, selector, selected):
    out = run(labelled, f"kubectl get pods -o name -l {_quote(selector)}")
    names = {line.removeprefix("pod/") for line in out.output.splitlines() if line.startswith("pod/")}
    assert names == selected, out.output
    assert {n for n, lbls in PODS.items() if labels.matches(labels.parse(selector), lbls)} == selected


# -- resource arguments, against the API -----------------------------------------------------------

ARG_LINES = [
    "get pods,", "get pods,,svc", "get ,pods", "get pods/a/b", "get pods,svc/x", "get pods/", "get /x",
    "get pods pods/x", "get pods/x svc", "get all web", "get all,pods web", "get foo.bar", "get deployments.v9.apps",
    "get foo.v1.apps", "get pods,foo", "get PODS", "get Pod.v1.", "get pods,svc web",
    "describe pods,svc web", "describe all web", "describe pods web -l a=b", "describe pods/web -l a=b",
    "describe pods,svc web -l a=b", "describe pods/x svc", "describe foo.bar/x",
    "delete pods/x svc", "delete pods/a/b", "label pods,svc web a=b", "label pods/x svc a=b",
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        # kubectl words one error with its own program name: call it "kubectl", as users do
        bindir = tmp_path_factory.mktemp("bin")
        (bindir / "kubectl").symlink_to(KUBECTL)
        lab.named_kubectl = str(bindir / "kubectl")
        yield lab


@needs_kubectl
@pytest.mark.parametrize("line", ARG_LINES)
def test_resource_arguments_as_the_builder_groups_them(lab, line):
    real = subprocess.run([lab.named_kubectl, "--kubeconfig", str(lab.kubeconfig), "--cache-dir",
                           str(lab.home / "cache"), *line.split()], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "HOME": str(lab.home)})
    ours = lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": "kubectl " + line})
    assert (ours["output"], ours["exitCode"]) == (real.stdout + real.stderr, real.returncode)
