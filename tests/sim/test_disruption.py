"""PodDisruptionBudgets: the disruption controller's status, the eviction subresource's decision and
kubectl drain's retries, as v1.32 has them (pkg/controller/disruption, registry/core/pod/storage/
eviction.go, kubectl/pkg/drain)."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim import eviction
from server.sim.api import ApiError
from server.sim.cluster import Cluster

PDB = """apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-pdb
spec:
  {bound}
  selector:
    matchLabels:
      app: web
"""


def _cluster(replicas: int = 3) -> Cluster:
    c = Cluster(seed=3)
    assert run(c, f"kubectl create deployment web --image=nginx --replicas={replicas}").exit_code == 0
    c.advance(60)
    return c


def _pdb(c: Cluster, bound: str) -> dict:
    r = run(c, "kubectl apply -f -", PDB.format(bound=bound))
    assert r.output == "poddisruptionbudget.policy/web-pdb created\n"
    c.settle()
    return c.store.get("PodDisruptionBudget", "default", "web-pdb")["status"]


def _web_pods(c: Cluster) -> list[dict]:
    return [p for p in c.store.list("Pod", "default") if p["metadata"]["name"].startswith("web-")]


def test_status_for_min_available_and_max_unavailable():
    c = _cluster()
    status = _pdb(c, "minAvailable: 2")
    assert {k: status[k] for k in ("currentHealthy", "desiredHealthy", "expectedPods", "disruptionsAllowed")} == {
        "currentHealthy": 3, "desiredHealthy": 2, "expectedPods": 3, "disruptionsAllowed": 1}
    [cond] = status["conditions"]
    assert (cond["type"], cond["status"], cond["reason"], cond["message"]) == (
        "DisruptionAllowed", "True", "SufficientPods", "")
    # maxUnavailable scales against the Deployment's replicas (getExpectedScale), rounding up
    run(c, "kubectl delete pdb web-pdb")
    status = _pdb(c, "maxUnavailable: 34%")
    assert (status["expectedPods"], status["desiredHealthy"], status["disruptionsAllowed"]) == (3, 1, 2)
    out = run(c, "kubectl get pdb").output.splitlines()
    assert out[0].split() == ["NAME", "MIN", "AVAILABLE", "MAX", "UNAVAILABLE", "ALLOWED", "DISRUPTIONS", "AGE"]
    assert out[1].split()[:4] == ["web-pdb", "N/A", "34%", "2"]


def test_eviction_spends_the_budget_then_answers_429():
    c = _cluster()
    _pdb(c, "minAvailable: 2")
    first, second = (p["metadata"]["name"] for p in _web_pods(c)[:2])
    eviction.evict(c, "default", first)
    status = c.store.get("PodDisruptionBudget", "default", "web-pdb")["status"]
    assert status["disruptionsAllowed"] == 0 and first in status["disruptedPods"]
    assert c.store.get("Pod", "default", first)["metadata"]["deletionTimestamp"]
    c.settle()  # the controller sees the pod going: it no longer counts, nor needs the promise
    status = c.store.get("PodDisruptionBudget", "default", "web-pdb")["status"]
    assert (status["currentHealthy"], status["disruptionsAllowed"], status.get("disruptedPods")) == (2, 0, None)
    with pytest.raises(ApiError) as e:
        eviction.evict(c, "default", second)
    assert (e.value.code, e.value.reason, e.value.message) == (
        429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.")
    assert e.value.details["causes"] == [{"reason": "DisruptionBudget",
                                          "message": "The disruption budget web-pdb needs 2 healthy pods and has 2 currently"}]
    assert not c.store.get("Pod", "default", second)["metadata"].get("deletionTimestamp")
    # the replacement becomes ready and the budget allows one disruption again
    c.advance(60)
    assert c.store.get("PodDisruptionBudget", "default", "web-pdb")["status"]["disruptionsAllowed"] == 1
    eviction.evict(c, "default", second, dry_run=True)
    assert not c.store.get("Pod", "default", second)["metadata"].get("deletionTimestamp")
    assert c.store.get("PodDisruptionBudget", "default", "web-pdb")["status"]["disruptionsAllowed"] == 1


def test_two_budgets_for_one_pod_are_refused():
    c = _cluster()
    _pdb(c, "minAvailable: 1")
    run(c, "kubectl apply -f -", PDB.replace("web-pdb", "other").format(bound="minAvailable: 1"))
    with pytest.raises(ApiError) as e:
        eviction.evict(c, "default", _web_pods(c)[0]["metadata"]["name"])
    assert (e.value.code, e.value.message) == (
        500, "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.")


def test_drain_retries_every_five_seconds_until_the_budget_allows():
    c = _cluster(replicas=2)
    _pdb(c, "minAvailable: 2")
    nodes = {p["spec"]["nodeName"] for p in _web_pods(c)}
    node = sorted(nodes)[0]
    on_node = sorted(p["metadata"]["name"] for p in _web_pods(c) if p["spec"]["nodeName"] == node)
    r = run(c, f"kubectl drain {node} --ignore-daemonsets --pod-selector=app=web --timeout=12s")
    lines = r.output.splitlines()
    retry = (f'error when evicting pods/"{on_node[0]}" -n "default" (will retry after 5s): '
             "Cannot evict pod as it would violate the pod's disruption budget.")
    # tried at 0 s, 5 s and 10 s, then once more when the 12 s timeout has passed
    assert lines.count(f"evicting pod default/{on_node[0]}") == 4
    assert lines.count(retry) == 3
    assert f'error: unable to drain node "{node}" due to error: error when evicting pods/"{on_node[0]}" -n "default": ' \
           "global timeout reached: 12s, continuing command..." in lines
    assert r.exit_code == 1
    assert not c.store.get("Pod", "default", on_node[0])["metadata"].get("deletionTimestamp")
