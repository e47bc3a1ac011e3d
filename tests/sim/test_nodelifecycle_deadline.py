"""``NodeLifecycleController.not_ready_at``: the moment the monitor pass marks a halted node
Ready=Unknown, foretold at the moment it halts — whatever the phase of the kubelet's 10 s Lease
renewals and the controller's 5 s passes."""

from __future__ import annotations

import pytest

from server.sim.cluster import Cluster


def ready(cluster: Cluster, name: str) -> str:
    node = cluster.store.peek("Node", "", name)
    return next(c for c in node["status"]["conditions"] if c["type"] == "Ready")["status"]


@pytest.mark.parametrize("shift", [0, 2.5, 3, 7.5, 9.9, 12])
def test_not_ready_at_is_when_the_controller_marks_the_node(shift: float) -> None:
    cluster = Cluster(seed=7)
    cluster.advance(33 + shift)
    controller = cluster.controller("node-lifecycle-controller")
    cluster.fail_node("node1")
    halted = cluster.clock.now()
    at = controller.not_ready_at("node1")
    assert at is not None and halted + 40 < at <= halted + 60
    cluster.advance(at - halted - 0.1)
    assert ready(cluster, "node1") == "True"
    assert controller.not_ready_at("node1") == at  # nothing heard since: the deadline stands
    cluster.advance(0.1)
    assert ready(cluster, "node1") == "Unknown"
    assert controller.not_ready_at("node1") is None
