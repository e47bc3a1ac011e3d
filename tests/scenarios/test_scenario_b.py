"""Scenario B: halt the worker that runs the bare pod ``test1`` and watch its pods move after the
300-second tolerations.

``test1`` is lost with the node (nothing recreates it); the Deployment's pods there go Terminating
only once the node has been NotReady for the default tolerationSeconds, replacements run on the
other worker, and bringing the node back clears the Terminating pods without rebalancing.
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
    test1_node = status_of(kubectl, "test1")["test1"][1]
    other = {"node1": "node2", "node2": "node1"}[test1_node]
    on_victim = sorted(n for n, (_, node) in before.items() if node == test1_node)
    assert len(on_victim) in (2, 3)

    cluster.fail_node(test1_node)
    # noticed after the 50 s grace period: NotReady, but pods still show Running
    cluster.advance(45)
    assert re.search(rf"^{test1_node}\s+Ready\s", kubectl("get nodes"), re.M)
    cluster.advance(15)
    assert re.search(rf"^{test1_node}\s+NotReady\s", kubectl("get nodes"), re.M)
    assert all(status_of(kubectl, "web-deploy-")[n][0] == "Running" for n in on_victim)
    assert status_of(kubectl, "test1")["test1"][0] == "Running"

    # not yet evicted at ~4 minutes after NotReady
    cluster.advance(240)
    assert all(status_of(kubectl, "web-deploy-")[n][0] == "Running" for n in on_victim)
    # the 300 s tolerations run out: Terminating, and replacements come up on the other worker
    cluster.advance(70)
    now = status_of(kubectl, "web-deploy-")
    assert all(now[n][0] == "Terminating" for n in on_victim), now
    cluster.advance(60)
    now = status_of(kubectl, "web-deploy-")
    running = {n: node for n, (s, node) in now.items() if s == "Running"}
    assert len(running) == 5 and set(running.values()) == {other}, now
    assert status_of(kubectl, "test1")["test1"] == ("Terminating", test1_node)

    # the node returns: the Terminating pods disappear, test1 with them; no rebalancing
    cluster.recover_node(test1_node)
    cluster.advance(30)
    assert re.search(rf"^{test1_node}\s+Ready\s", kubectl("get nodes"), re.M)
    now = status_of(kubectl, "web-deploy-")
    assert set(now) == set(running) and {node for _, node in now.values()} == {other}, now
    assert status_of(kubectl, "test1") == {}
