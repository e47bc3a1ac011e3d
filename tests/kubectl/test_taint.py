"""kubectl taint, compared with the real kubectl v1.32 against our own API server: the real binary
taints node1 while the engine runs the same lines on node2 (both start untainted), so each line's
output must match with the node's name swapped. Parse errors kubectl finds before it asks the
server are compared on their own."""

from __future__ import annotations

import re
import shlex

import pytest

from server.kubectl import run
from server.kubectl.verbs.taint import parse_taints, reorganize
from server.sim.cluster import Cluster
from tests.realkubectl import KUBECTL

SEQUENCE = [
    "taint nodes NODE dedicated=gpu:NoSchedule",
    "taint nodes NODE dedicated=gpu:NoSchedule",
    "taint nodes NODE dedicated=cpu:NoSchedule --overwrite",
    "taint nodes NODE dedicated=cpu:NoExecute",
    "taint node NODE spot:PreferNoSchedule -o name",
    "taint nodes NODE dedicated:NoSchedule-",
    "taint nodes NODE dedicated-",
    "taint nodes NODE dedicated-",
    "taint nodes NODE nope:NoSchedule-",
    "taint nodes NODE a=b:Bad",
    "taint nodes NODE a=b=c:NoSchedule",
    "taint nodes NODE a:NoSchedule a:NoSchedule",
    "taint nodes NODE a:NoSchedule a-",
    "taint nodes NODE -a:NoSchedule",
    "taint nodes NODE",
    "taint nodes NODE x=y:NoSchedule more",
    "taint nodes NODE x=y:NoSchedule --dry-run=client",
    "taint nodes NODE x=y:NoSchedule --dry-run=server",
    "taint nodes NODE spot-",
    "taint pods NODE a:NoSchedule",
    "taint nodes",
    "taint nodes nosuchnode a:NoSchedule",
    "taint nodes a:NoSchedule",
    "taint nodes --all -l x=y a:NoSchedule",
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("the real kubectl v1.32 is not installed")
    from tests.labserver import lab_server

    with lab_server(tmp_path_factory) as lab:
        yield lab


def test_taint_lines_match_real_kubectl(lab):
    for line in SEQUENCE:
        real = lab.kubectl(*shlex.split(line.replace("NODE", "node1")), check=False)
        want = (real.stdout + real.stderr).replace("node1", "node2")
        if want and not want.endswith("\n"):
            want += "\n"
        got = lab.engine("kubectl " + line.replace("NODE", "node2"))
        assert got == want, line
    node1, node2 = lab.objects("Node")["node1"], lab.objects("Node")["node2"]
    assert node1["spec"].get("taints") == node2["spec"].get("taints")


def test_taint_yaml_and_selector_match_real_kubectl(lab):
    lab.engine("kubectl label nodes node1 node2 pool=test --overwrite")
    real = lab.kubectl("taint", "nodes", "-l", "pool=test", "t=1:NoSchedule", "--dry-run=client", "-o", "yaml",
                       check=False)
    got = lab.engine("kubectl taint nodes -l pool=test t=1:NoSchedule --dry-run=client -o yaml")
    assert "- effect: NoSchedule\n    key: t\n    value: \"1\"\n" in got
    # the web layer shows the API's clients times shifted by the request's own duration: compare without them
    assert _timeless(got) == _timeless(real.stdout + real.stderr)


def _timeless(text: str) -> str:
    return re.sub(r'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"', "TIME", text)


def test_a_tainted_node_gets_no_new_pods():
    c = Cluster(seed=1)
    assert run(c, "kubectl taint nodes node1 node2 dedicated=x:NoSchedule").output == \
        "node/node1 tainted\nnode/node2 tainted\n"
    run(c, "kubectl run p --image=nginx")
    c.advance(5)
    assert c.store.get("Pod", "default", "p")["status"]["phase"] == "Pending"
    assert run(c, "kubectl taint nodes --all dedicated-").output == (
        "node/node1 untainted\nnode/node2 untainted\nerror: taint \"dedicated\" not found\n")


def test_reorganize_keeps_kubectls_verdicts():
    add, remove = parse_taints(["a=1:NoSchedule", "b:NoExecute-"])
    old = [{"key": "b", "effect": "NoExecute"}]
    assert reorganize(old, False, add, remove) == ("modified", [{"key": "a", "value": "1", "effect": "NoSchedule"}], [])
    assert reorganize([], False, [], [{"key": "z"}]) == ("untainted", [], ['taint "z" not found'])
