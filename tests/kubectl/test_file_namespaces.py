"""Objects from ``-f`` land in their own namespace, and ``-n`` must agree with it — as kubectl's
resource builder has it (``SetNamespace`` / ``RequireNamespace``), compared with the real kubectl
v1.32 against a real kubeplay server: the same documents through ``-f -`` to both, under
different names so they do not meet. Skipped where no kubectl is installed."""

from __future__ import annotations

import zlib

import pytest

from server.kubectl import run
from server.sim.cluster import Cluster
from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

DOCS = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {p}-a
  namespace: foo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {p}-b
"""

real_only = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: this test compares with the real one")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.engine("kubectl create namespace foo")
        lab.engine("kubectl create namespace bar")
        yield lab


def both(lab, args: str, case: str) -> tuple[tuple[str, int], tuple[str, int]]:
    """(real output, code), (kubeplay's output with the real one's names, code)."""
    theirs = lab.kubectl(*args.split(), stdin=DOCS.format(p=f"{case}-r"), check=False)
    ours = lab.request("POST", f"/api/sandboxes/{lab.sid}/run",
                       {"command": f"kubectl {args}", "stdin": DOCS.format(p=f"{case}-e")})
    return (theirs.stdout + theirs.stderr, theirs.returncode), \
        (ours["output"].replace(f"{case}-e", f"{case}-r"), ours["exitCode"])


@real_only
@pytest.mark.parametrize("args", [
    "apply -f - -n bar",
    "apply -f -",
    "create -f - -n foo",
    "apply -f - -n foo --dry-run=client -o name",
    "create -f - --dry-run=client -o yaml",
])
def test_same_as_kubectl(lab, args):
    case = f"c{zlib.crc32(args.encode()) % 10 ** 6}"
    theirs, ours = both(lab, args, case)
    assert ours == theirs


@real_only
def test_objects_end_where_kubectl_puts_them(lab):
    both(lab, "apply -f -", "where")
    for side in ("r", "e"):
        found = {(o["metadata"]["namespace"], o["metadata"]["name"]) for o in lab.get(f"/api/sandboxes/{lab.sid}/objects")["objects"]
                 if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith(f"where-{side}")}
        assert found == {("foo", f"where-{side}-a"), ("default", f"where-{side}-b")}


def test_the_kubeconfig_namespace_fills_in_but_does_not_enforce():
    cluster = Cluster(seed=1)
    run(cluster, "kubectl create namespace foo")
    run(cluster, "kubectl create namespace shop")
    run(cluster, "kubectl config set-context --current --namespace=shop")
    out = run(cluster, "kubectl apply -f -", DOCS.format(p="k"))
    assert out.exit_code == 0, out.output
    assert cluster.store.get("ConfigMap", "foo", "k-a") is not None
    assert cluster.store.get("ConfigMap", "shop", "k-b") is not None
