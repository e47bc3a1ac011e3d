"""The ``pods/eviction`` subresource: a pod deleted only if its PodDisruptionBudget allows it
(pkg/registry/core/pod/storage/eviction.go, v1.32).

Owns: the eviction decision, in the apiserver's words and codes —
- a pod that is Pending, Succeeded, Failed or already being deleted is deleted without looking at
  budgets (``canIgnorePDB``);
- more than one PDB selecting the pod: a 500 Status "This pod has more than one
  PodDisruptionBudget, which the eviction subresource does not support.";
- an unready pod is deleted without spending the budget when the budget is met (or its
  ``unhealthyPodEvictionPolicy`` is ``AlwaysAllow``);
- otherwise ``checkAndDecrement``: a budget the disruption controller has not seen yet
  (observedGeneration behind) or with no disruptions left answers 429 TooManyRequests "Cannot evict
  pod as it would violate the pod's disruption budget." with the DisruptionBudget cause; else the
  budget's ``disruptionsAllowed`` goes down by one and the pod is recorded in ``disruptedPods`` (so
  the controller does not count it as healthy meanwhile) before the pod is deleted gracefully.
Dry runs decide the same and change nothing.

Hands off: the status comes from ``controllers/disruption.py``; the REST API (``server/apiserver.py``)
and ``kubectl drain`` (``server/kubectl/verbs/nodes.py``) call ``evict``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .api import ApiError
from .controllers.disruption import _ready, pdb_selects, update_disruption_allowed_condition
from .store import deep_copy

if TYPE_CHECKING:
    from .cluster import Cluster

VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget."
MULTIPLE = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."


def _too_many_requests(message: str, retry_after: int) -> ApiError:
    return ApiError(429, "TooManyRequests", VIOLATION, details={
        "causes": [{"reason": "DisruptionBudget", "message": message}], "retryAfterSeconds": retry_after})


def evict(cluster: Cluster, namespace: str, name: str, *, grace_period: int | None = None,
          dry_run: bool = False) -> None:
    """Evict the pod or raise the apiserver's ApiError (404, 429, 500)."""
    api, store = cluster.api, cluster.store
    pod = api.get("Pod", namespace, name)
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Pending", "Succeeded", "Failed") or pod["metadata"].get("deletionTimestamp"):
        if not dry_run:
            api.delete("Pod", namespace, name, grace_period=grace_period)
        return
    pdbs = [p for p in store.scan("PodDisruptionBudget", namespace) if pdb_selects(p, pod)]
    if len(pdbs) > 1:
        raise ApiError(500, "", MULTIPLE)
    if pdbs:
        pdb = pdbs[0]
        status = pdb.get("status") or {}
        unready_allowed = not _ready(pod) and (
            (pdb.get("spec") or {}).get("unhealthyPodEvictionPolicy") == "AlwaysAllow"
            or (status.get("currentHealthy", 0) >= status.get("desiredHealthy", 0) > 0))
        if not unready_allowed:
            _check_and_decrement(cluster, pdb, name, dry_run)
    if not dry_run:
        api.delete("Pod", namespace, name, grace_period=grace_period)


def _check_and_decrement(cluster: Cluster, pdb: dict, pod_name: str, dry_run: bool) -> None:
    status = pdb.get("status") or {}
    pdb_name = pdb["metadata"]["name"]
    if status.get("observedGeneration", 0) < pdb["metadata"].get("generation", 1):
        raise _too_many_requests(f"The disruption budget {pdb_name} is still being processed by the server.", 10)
    allowed = status.get("disruptionsAllowed", 0)
    if allowed < 0:
        raise ApiError(403, "Forbidden", f'poddisruptionbudgets.policy "{pdb_name}" is forbidden: '
                       "pdb disruptions allowed is negative")
    if allowed == 0:
        raise _too_many_requests(f"The disruption budget {pdb_name} needs {status.get('desiredHealthy', 0)} healthy "
                                 f"pods and has {status.get('currentHealthy', 0)} currently", 0)
    if dry_run:
        return
    new = deep_copy(pdb)
    new["status"]["disruptionsAllowed"] = allowed - 1
    if allowed - 1 == 0:
        update_disruption_allowed_condition(new, cluster.clock.iso())
    new["status"].setdefault("disruptedPods", {})[pod_name] = cluster.clock.iso()
    cluster.api.update_status(new)
