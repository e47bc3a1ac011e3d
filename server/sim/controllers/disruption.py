"""DisruptionController: each PodDisruptionBudget's status (pkg/controller/disruption).

Owns: ``status`` of every PodDisruptionBudget — ``expectedPods``, ``desiredHealthy``,
``currentHealthy``, ``disruptionsAllowed``, ``disruptedPods`` and the ``DisruptionAllowed``
condition — computed as ``trySync`` does:
- the pods are those of the PDB's namespace its selector matches (an empty selector matches
  nothing in policy/v1);
- ``maxUnavailable`` (and a percentage ``minAvailable``) scale against the sum of the pods'
  controllers' ``spec.replicas`` (``getExpectedScale``: ReplicaSet — or the Deployment owning it —
  and StatefulSet); an integer ``minAvailable`` counts the pods themselves;
- a pod counts as healthy when it is Ready, not being deleted, and not in ``disruptedPods`` (the
  pods the eviction subresource has promised to delete, kept for ``DELETION_TIMEOUT``);
- ``disruptionsAllowed = currentHealthy - desiredHealthy`` (never negative, 0 with no expected pods);
- events ``NoPods`` ("No matching pods found") and ``UnmanagedPods`` with the real texts.

Triggers: the PDB's own events and those of the pods it may select (the pods' namespace's PDBs
are enqueued when a pod is added, changes or goes); a promised disruption that has not happened is
rechecked when it expires. Work is proportional to change: a pod event costs its namespace's PDBs.

Hands off: the eviction subresource (``server/sim/eviction.py``) reads the status and records
the disruptions it allows; ``kubectl drain`` evicts through it.
"""

from __future__ import annotations

import math
from datetime import datetime

from ..store import Key, Obj, WatchEvent, deep_copy, matches_selector
from . import Controller

#: how long a disruption the eviction subresource allowed stays promised (DeletionTimeout)
DELETION_TIMEOUT = 120.0


def _scaled(value: object, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if isinstance(value, str) and value.endswith("%"):
        pct = int(value[:-1] or 0)
        scaled = pct * total / 100
        return math.ceil(scaled) if round_up else math.floor(scaled)
    return int(value)  # type: ignore[call-overload]


def _ready(pod: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def pdb_selects(pdb: Obj, pod: Obj) -> bool:
    """Whether a policy/v1 PDB selects the pod: same namespace, a non-empty selector matching."""
    selector = (pdb.get("spec") or {}).get("selector")
    if not selector or not (selector.get("matchLabels") or selector.get("matchExpressions")):
        return False
    return matches_selector(pod["metadata"].get("labels"), selector)


class DisruptionController(Controller):
    name = "disruption-controller"
    watches = ("PodDisruptionBudget", "Pod")

    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        if event.key[0] == "PodDisruptionBudget":
            self.enqueue(event.key)
            return
        ns = obj["metadata"].get("namespace") or ""
        for pdb in self.store.scan("PodDisruptionBudget", ns):
            if pdb_selects(pdb, obj):
                self.enqueue(("PodDisruptionBudget", ns, pdb["metadata"]["name"]))

    def start(self) -> None:
        for pdb in self.store.scan("PodDisruptionBudget"):
            self.enqueue(("PodDisruptionBudget", pdb["metadata"]["namespace"], pdb["metadata"]["name"]))

    # -- getExpectedScale -----------------------------------------------------------------------
    def _controller_scale(self, ref: dict, ns: str) -> tuple[str, int] | None:
        """The finders: a ReplicaSet (or the Deployment that owns it) and a StatefulSet."""
        kind = ref.get("kind")
        if kind == "ReplicaSet":
            rs = self.store.peek("ReplicaSet", ns, ref.get("name", ""))
            if rs is None or rs["metadata"]["uid"] != ref.get("uid"):
                return None
            owner = next((o for o in rs["metadata"].get("ownerReferences") or []
                          if o.get("controller") and o.get("kind") == "Deployment"), None)
            if owner is not None:
                d = self.store.peek("Deployment", ns, owner.get("name", ""))
                if d is not None and d["metadata"]["uid"] == owner.get("uid"):
                    return d["metadata"]["uid"], int(d["spec"].get("replicas", 1))
                return None
            return rs["metadata"]["uid"], int(rs["spec"].get("replicas", 1))
        if kind == "StatefulSet":
            sts = self.store.peek("StatefulSet", ns, ref.get("name", ""))
            if sts is None or sts["metadata"]["uid"] != ref.get("uid"):
                return None
            return sts["metadata"]["uid"], int(sts["spec"].get("replicas", 1))
        return None

    def _expected_scale(self, pods: list[Obj], ns: str) -> tuple[int, list[str]]:
        scales: dict[str, int] = {}
        unmanaged: list[str] = []
        for pod in pods:
            ref = next((o for o in pod["metadata"].get("ownerReferences") or [] if o.get("controller")), None)
            if ref is None:
                unmanaged.append(pod["metadata"]["name"])
                continue
            if ref.get("uid") in scales:
                continue
            found = self._controller_scale(ref, ns)
            if found is None:
                raise LookupError(f'found no controllers for pod "{pod["metadata"]["name"]}"')
            scales[found[0]] = found[1]
        return sum(scales.values()), unmanaged

    # -- trySync --------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        pdb = self.store.peek(*key)
        if pdb is None:
            return
        ns = key[1]
        spec = pdb.get("spec") or {}
        pods = [p for p in self.store.scan("Pod", ns) if pdb_selects(pdb, p)]
        if not pods:
            self.recorder.event(pdb, "Normal", "NoPods", "No matching pods found", "controllermanager")
        try:
            expected, desired, unmanaged = self._expected_count(spec, pods, ns)
        except (LookupError, ValueError) as e:
            self.recorder.event(pdb, "Warning", "CalculateExpectedPodCountFailed",
                                f"Failed to calculate the number of expected pods: {e}", "controllermanager")
            self._fail_safe(pdb, str(e))
            return
        if unmanaged:
            self.recorder.event(pdb, "Warning", "UnmanagedPods", (
                f"Pods selected by this PodDisruptionBudget (selector: {_selector_text(spec.get('selector'))}) were "
                "found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may "
                'result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of '
                "the PDB to an integer value."), "controllermanager")
        now = self.clock.now()
        disrupted, recheck = self._disrupted(pdb, pods, now)
        healthy = sum(1 for p in pods if not p["metadata"].get("deletionTimestamp")
                      and p["metadata"]["name"] not in disrupted and _ready(p))
        self._update_status(pdb, healthy, desired, expected, disrupted)
        if recheck is not None:
            self.requeue_after(key, max(0.0, recheck - now))

    def _expected_count(self, spec: dict, pods: list[Obj], ns: str) -> tuple[int, int, list[str]]:
        unmanaged: list[str] = []
        expected = desired = 0
        if spec.get("maxUnavailable") is not None:
            expected, unmanaged = self._expected_scale(pods, ns)
            desired = max(0, expected - _scaled(spec["maxUnavailable"], expected, True))
        elif spec.get("minAvailable") is not None:
            if isinstance(spec["minAvailable"], int):
                desired, expected = spec["minAvailable"], len(pods)
            else:
                expected, unmanaged = self._expected_scale(pods, ns)
                desired = _scaled(spec["minAvailable"], expected, True)
        return expected, desired, unmanaged

    def _disrupted(self, pdb: Obj, pods: list[Obj], now: float) -> tuple[dict[str, str], float | None]:
        """buildDisruptedPodMap: promised disruptions still pending, and when the first expires."""
        promised = (pdb.get("status") or {}).get("disruptedPods") or {}
        out: dict[str, str] = {}
        recheck: float | None = None
        for pod in pods:
            name = pod["metadata"]["name"]
            if pod["metadata"].get("deletionTimestamp") or name not in promised:
                continue
            expires = _epoch(promised[name]) + DELETION_TIMEOUT
            if expires < now:
                self.recorder.event(pod, "Warning", "NotDeleted", (
                    f"Pod was expected by PDB {pdb['metadata']['namespace']}/{pdb['metadata']['namespace']} to be "
                    "deleted but it wasn't"), "controllermanager")  # sic: the namespace twice
            else:
                recheck = expires if recheck is None else min(recheck, expires)
                out[name] = promised[name]
        return out, recheck

    def _update_status(self, pdb: Obj, healthy: int, desired: int, expected: int, disrupted: dict) -> None:
        allowed = healthy - desired
        if expected <= 0 or allowed <= 0:
            allowed = 0
        status = pdb.get("status") or {}
        generation = pdb["metadata"].get("generation", 1)
        want = {"observedGeneration": generation, "disruptionsAllowed": allowed, "currentHealthy": healthy,
                "desiredHealthy": desired, "expectedPods": expected}
        if disrupted:
            want["disruptedPods"] = disrupted
        if (all(status.get(k) == v for k, v in want.items()) and (status.get("disruptedPods") or {}) == disrupted
                and conditions_up_to_date(pdb)):
            return
        new = deep_copy(pdb)
        new["status"] = {**want, "conditions": list(status.get("conditions") or [])}
        update_disruption_allowed_condition(new, self.clock.iso())
        self.api.update_status(new)

    def _fail_safe(self, pdb: Obj, message: str) -> None:
        new = deep_copy(pdb)
        status = new.setdefault("status", {})
        status["disruptionsAllowed"] = 0
        set_condition(status, {"type": "DisruptionAllowed", "status": "False", "reason": "SyncFailed",
                               "message": message, "observedGeneration": status.get("observedGeneration", 0)},
                      self.clock.iso())
        if new != pdb:
            self.api.update_status(new)


def _epoch(ts: str) -> float:
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()


def _selector_text(selector: dict | None) -> str:
    """The %v of a *metav1.LabelSelector, as the UnmanagedPods event prints it."""
    sel = selector or {}
    labels = " ".join(f"{k}:{v}" for k, v in sorted((sel.get("matchLabels") or {}).items()))
    return f"&LabelSelector{{MatchLabels:map[string]string{{{labels},}},MatchExpressions:[]LabelSelectorRequirement{{}},}}"


def set_condition(status: dict, cond: dict, now_iso: str) -> None:
    """apimeta.SetStatusCondition: replace the condition of its type, keeping lastTransitionTime
    when the status did not change."""
    conds = status.setdefault("conditions", [])
    for i, old in enumerate(conds):
        if old.get("type") == cond["type"]:
            when = old.get("lastTransitionTime") if old.get("status") == cond["status"] else now_iso
            conds[i] = {**cond, "lastTransitionTime": when or now_iso}
            return
    conds.append({**cond, "lastTransitionTime": now_iso})


def update_disruption_allowed_condition(pdb: Obj, now_iso: str) -> None:
    """component-helpers' UpdateDisruptionAllowedCondition."""
    status = pdb["status"]
    ok = status.get("disruptionsAllowed", 0) > 0
    set_condition(status, {"type": "DisruptionAllowed", "status": "True" if ok else "False",
                           "reason": "SufficientPods" if ok else "InsufficientPods", "message": "",
                           "observedGeneration": status.get("observedGeneration", 0)}, now_iso)


def conditions_up_to_date(pdb: Obj) -> bool:
    status = pdb.get("status") or {}
    cond = next((c for c in status.get("conditions") or [] if c.get("type") == "DisruptionAllowed"), None)
    if cond is None or status.get("observedGeneration") != pdb["metadata"].get("generation", 1):
        return False
    if status.get("disruptionsAllowed", 0) > 0:
        return cond.get("status") == "True" and cond.get("reason") == "SufficientPods"
    return cond.get("status") == "False" and cond.get("reason") == "InsufficientPods"
