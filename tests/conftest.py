"""Shared fixtures: a default cluster on a fixed seed, and kubectl against it.

The suite runs in parallel (``pytest -n 2 --dist loadfile``, pytest-xdist: a test file's tests run in
one worker, so its module fixtures are built once): what a worker reports beyond pass/fail, the
oracle's ``oracle: N/M outputs identical`` line, is gathered here in the controller and printed
at its end. Real servers that several test files share per worker (tests/labserver.py) are
stopped when the worker's session ends.
"""

from __future__ import annotations

import os

import pytest

from server.kubectl import run
from server.kubectl.files import examples_workspace
from server.sim.cluster import Cluster
from tests import labserver
from tests.serverproc import TEST_LIMITS

# The apps and servers the tests build serve one test session from one address: the limits meant
# for the public (sandboxes per client and in all, request rate) are off unless the environment sets
# them; tests/web/test_limits.py builds its apps with each limit given.
for _name, _value in TEST_LIMITS.items():
    os.environ.setdefault(_name, _value)


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


#: the oracle's per-case results, gathered from the workers (pytest-xdist's controller only)
_WORKER_ORACLE_RESULTS = pytest.StashKey[dict]()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # noqa: ARG001  (pytest-xdist's hook, in the controller)
    results = getattr(node, "workeroutput", {}).get("oracle_results")
    if results:
        node.config.stash.setdefault(_WORKER_ORACLE_RESULTS, {}).update(results)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    results = config.stash.get(_WORKER_ORACLE_RESULTS, None)
    if results:
        from tests.oracle.conftest import summary_line

        terminalreporter.write_line(summary_line(results))


@pytest.fixture(scope="session", autouse=True)
def _shared_lab_servers():
    """Stops the real server that tests/labserver.py shares between this process's test files."""
    yield
    labserver.stop_shared()


#: the test files that take longest (seconds of one worker, measured on a 2-core machine), first:
#: ``--dist loadfile`` hands whole files to the workers in collection order, so a long file
#: collected last leaves one worker running it while the other has finished
LONGEST_FIRST = (
    "tests/oracle/test_oracle.py",
    "tests/kubectl/test_help.py",
    "tests/kubectl/test_create_generators.py",
    "tests/e2e/test_page.py",
    "tests/e2e/test_overview.py",
    "tests/e2e/test_i18n.py",
    "tests/e2e/test_space.py",
    "tests/sim/test_sh.py",
    "tests/web/test_k8s_portforward.py",
    "tests/kubectl/test_gotemplate.py",
    "tests/kubectl/test_fuzz.py",
    "tests/kubectl/test_describe_kinds.py",
)


def pytest_collection_modifyitems(session, config, items) -> None:  # noqa: ARG001
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    root = str(config.rootpath) + os.sep
    items.sort(key=lambda item: rank.get(str(item.path).removeprefix(root), len(rank)))
