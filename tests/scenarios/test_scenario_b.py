"""Scenario B: halt node1 and watch its pods move after the 300-second tolerations.

The bare pod ``test1`` is lost with the node (nothing recreates it); the Deployment's pods go
Terminating only once node1 has been NotReady for the default tolerationSeconds, replacements run
on node2, and bringing node1 back clears the Terminating pods without rebalancing.
"""

from __future__ import annotations

import re


def status_of(kubectl, name_prefix: str) -> dict[str, tuple[str, str]]:
    """{pod name: (STATUS column, NODE column)} from ``kubectl get pods -o wide``."""
    out = kubectl("get pods -o wide")
    rows = {}
    for line in out.splitlines()[1:]:
        cols = re.split(r"\s{2,}", line.strip())
        if cols[0].startswith(name_prefix):
            rows[cols[0]] = (cols[2], cols[6])
    return rows


def test_node_failure_moves_pods_after_tolerations(cluster, kubectl):
    kubectl("apply -f lessons/step08-pod.yml")
    kubectl("apply -f lessons/step08-deployment1.yml")
    kubectl("scale --replicas=5 deployment/web-deploy")
    cluster.advance(60)
    before = status_of(kubectl, "web-deploy-")
    assert len(before) == 5 and all(s == "Running" for s, _ in before.values()), before
    on_node1 = sorted(n for n, (_, node) in before.items() if node == "node1")
    assert len(on_node1) in (2, 3)
    test1_node = status_of(kubectl, "test1")["test1"][1]

    cluster.fail_node("node1")
    # noticed after the 50 s grace period: NotReady, but pods still show Running
    cluster.advance(45)
    assert re.search(r"^node1\s+Ready\s", kubectl("get nodes"), re.M)
    cluster.advance(15)
    assert re.search(r"^node1\s+NotReady\s", kubectl("get nodes"), re.M)
    assert all(status_of(kubectl, "web-deploy-")[n][0] == "Running" for n in on_node1)

    # not yet evicted at ~4 minutes after NotReady
    cluster.advance(240)
    assert all(status_of(kubectl, "web-deploy-")[n][0] == "Running" for n in on_node1)
    # the 300 s tolerations run out: Terminating, and replacements come up on node2
    cluster.advance(70)
    now = status_of(kubectl, "web-deploy-")
    assert all(now[n][0] == "Terminating" for n in on_node1), now
    cluster.advance(60)
    now = status_of(kubectl, "web-deploy-")
    running = {n: node for n, (s, node) in now.items() if s == "Running"}
    assert len(running) == 5 and set(running.values()) == {"node2"}, now
    if test1_node == "node1":
        assert status_of(kubectl, "test1")["test1"][0] == "Terminating"

    # node1 returns: the Terminating pods disappear; no rebalancing
    cluster.recover_node("node1")
    cluster.advance(30)
    assert re.search(r"^node1\s+Ready\s", kubectl("get nodes"), re.M)
    now = status_of(kubectl, "web-deploy-")
    assert set(now) == set(running) and {node for _, node in now.values()} == {"node2"}, now
    if test1_node == "node1":
        assert "test1" not in status_of(kubectl, "test1")
