"""metrics.k8s.io through the Kubernetes REST API: the real kubectl v1.32's ``top`` against a kubeplay
sandbox, compared with kubeplay's terminal, before the metrics-server add-on, while its pod starts, and
once it has scraped; and the group in discovery only while the add-on's APIService exists.
"""

from __future__ import annotations

import json

import pytest

from tests.labserver import paused_lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with paused_lab(tmp_path_factory) as lab:
        yield lab


def _real(lab, line: str, cache: str) -> str:
    """The real kubectl's output (stdout then stderr), with a discovery cache of its own per phase (it
    keeps discovery on disk, as it would between two commands an hour apart on a real cluster).
    ``get --raw`` takes the path from the server's root: it carries the sandbox's prefix."""
    done = lab.kubectl("--cache-dir", str(lab.home / cache), *line.split(), check=False)
    return done.stdout + done.stderr


def _addon(lab, enabled: bool) -> None:
    lab.request("POST", f"/api/sandboxes/{lab.sid}/addons/metrics-server", {"enabled": enabled})


def _groups(lab) -> list[str]:
    return [g["name"] for g in lab.get(f"/k8s/{lab.sid}/apis")["groups"]]


def test_top_before_during_and_after_the_addon(lab):
    # a bare kubeadm cluster: no metrics.k8s.io anywhere
    assert "metrics.k8s.io" not in _groups(lab)
    for line in ("top nodes", "top pods -A"):
        real = _real(lab, line, "cache-off")
        assert real == "error: Metrics API not available\n"
        assert lab.engine("kubectl " + line) == real
    _addon(lab, True)
    # listed at once (the APIService exists), last as its groupPriorityMinimum puts it; unavailable
    # while metrics-server's pod is not Ready: the aggregator's 503
    assert _groups(lab)[-1] == "metrics.k8s.io"
    real = _real(lab, "top pods -A", "cache-starting")
    assert real.startswith("Error from server (ServiceUnavailable): the server is currently unable to handle "
                           "the request")
    assert lab.engine("kubectl top pods -A") == real
    lab.clock(advance=60)
    for line in ("top nodes", "top pods -A", "top pods -n kube-system --sort-by=memory", "top node master"):
        real = _real(lab, line, "cache-on")
        assert lab.engine("kubectl " + line) == real, line
    nodes = _real(lab, "top nodes", "cache-on").splitlines()
    assert nodes[0].split() == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    assert [row.split()[0] for row in nodes[1:]] == ["master", "node1", "node2"]
    assert all(row.split()[1].endswith("m") and row.split()[3].endswith("Mi") for row in nodes[1:])
    pods = _real(lab, "top pods -A", "cache-on")
    assert "kube-system   metrics-server-" in pods and "kube-system   etcd-master " in pods


def test_the_group_in_discovery_and_its_objects(lab):
    _addon(lab, True)
    lab.clock(advance=60)
    assert json.loads(_real(lab, f"get --raw /k8s/{lab.sid}/apis/metrics.k8s.io", "raw")) == {
        "kind": "APIGroup", "apiVersion": "v1", "name": "metrics.k8s.io",
        "versions": [{"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}],
        "preferredVersion": {"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}}
    resources = json.loads(_real(lab, f"get --raw /k8s/{lab.sid}/apis/metrics.k8s.io/v1beta1", "raw"))["resources"]
    assert [(r["name"], r["namespaced"], r["verbs"]) for r in resources] == [
        ("nodes", False, ["get", "list"]), ("pods", True, ["get", "list"])]
    api_resources = _real(lab, "api-resources --api-group=metrics.k8s.io", "raw-api")
    assert [row.split() for row in api_resources.splitlines()[1:]] == [
        ["nodes", "metrics.k8s.io/v1beta1", "false", "NodeMetrics"],
        ["pods", "metrics.k8s.io/v1beta1", "true", "PodMetrics"]]
    node = json.loads(_real(lab, f"get --raw /k8s/{lab.sid}/apis/metrics.k8s.io/v1beta1/nodes/node1", "raw"))
    assert (node["kind"], node["metadata"]["name"], sorted(node["usage"])) == ("NodeMetrics", "node1",
                                                                              ["cpu", "memory"])
    missing = _real(lab, f"get --raw /k8s/{lab.sid}/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope", "raw")
    assert missing == 'Error from server (NotFound): podmetrics.metrics.k8s.io "default/nope" not found\n'
    # the add-on off again: the group leaves discovery and its paths are the apiserver's 404
    _addon(lab, False)
    assert "metrics.k8s.io" not in _groups(lab)
    gone = _real(lab, f"get --raw /k8s/{lab.sid}/apis/metrics.k8s.io/v1beta1/nodes", "raw")
    assert gone == "Error from server (NotFound): the server could not find the requested resource\n"
    assert _real(lab, "top nodes", "cache-off-again") == "error: Metrics API not available\n"
