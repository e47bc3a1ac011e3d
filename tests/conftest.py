"""Shared fixtures: a default cluster on a fixed seed, and kubectl against it."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.kubectl.files import examples_workspace
from server.sim.cluster import Cluster


@pytest.fixture
def cluster() -> Cluster:
    """The default kubeadm-lab cluster with the examples in its workspace, as a sandbox has."""
    c = Cluster(seed=7)
    c.workspace = examples_workspace()
    return c


@pytest.fixture
def kubectl(cluster: Cluster):
    """``kubectl("get pods")`` → output text; asserts exit code 0 unless ``rc=`` is given."""

    def call(line: str, stdin: str = "", rc: int | None = 0) -> str:
        result = run(cluster, line if line.startswith("kubectl") else "kubectl " + line, stdin)
        if rc is not None:
            assert result.exit_code == rc, result.output
        return result.output

    return call
