"""ReplicaSetController: keep ``spec.replicas`` active pods per ReplicaSet (pkg/controller/replicaset).

Owns: claiming pods (adopting matching orphans, releasing owned pods whose labels no longer match),
creating missing pods from the template (``generateName: <rs>-``, a controller ownerReference,
slow-start batches, at most BurstReplicas per sync and no faster than kube-controller-manager's
client rate limit, ``Controller.client``: 30 at once, then 20 a second), deleting surplus pods in the real
``ActivePodsWithRanks`` order, the ReplicaSet's status (replicas, fullyLabeledReplicas,
readyReplicas, availableReplicas, observedGeneration, the ReplicaFailure condition) and the
``SuccessfulCreate`` / ``SuccessfulDelete`` events.

Hands off: pods are created through ``api.create`` (defaulting and admission apply) and deleted
through ``api.delete`` (graceful; the kubelet removes them). Pods with a deletionTimestamp, or
Succeeded/Failed, are inactive: they are neither counted nor claimed, so a replacement comes at
once. Scheduling, running and readiness are the scheduler's and the kubelet's; this controller
only reads the pod status contract (phase, the Ready condition and its lastTransitionTime).

Expectations (the real controller's guard against acting on a stale cache) are not needed: the
store hands every write to the controllers synchronously.
"""

from __future__ import annotations

import functools
import math

from ..api import ApiError
from ..store import Key, Obj, WatchEvent, deep_copy, matches_selector
from . import Controller
from .deployment_util import (
    available_at,
    controller_ref,
    controller_ref_to,
    is_pod_active,
    is_pod_ready,
    min_ready_seconds,
    parse_time,
    ready_condition,
    replicas,
)

BURST_REPLICAS = 500
SLOW_START_INITIAL_BATCH = 1
DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
COMPONENT = "replicaset-controller"
_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}


# -- which pods go first ----------------------------------------------------------------------------------
def _deletion_cost(pod: Obj) -> int:
    v = ((pod["metadata"].get("annotations")) or {}).get(DELETION_COST)
    try:
        return int(v) if v is not None else 0
    except ValueError:
        return 0


def _max_restarts(pod: Obj) -> tuple[int, int]:
    status = pod.get("status") or {}
    regular = max([int(c.get("restartCount") or 0) for c in status.get("containerStatuses") or []] or [0])
    sidecars = {c["name"] for c in (pod.get("spec") or {}).get("initContainers") or []
                if c.get("restartPolicy") == "Always"}
    sidecar = max([int(c.get("restartCount") or 0) for c in status.get("initContainerStatuses") or []
                   if c.get("name") in sidecars] or [0])
    return regular, sidecar


def _newer_or_zero(t1: float | None, t2: float | None) -> bool:
    """afterOrZero: a zero time counts as the newest."""
    if t1 is None or t2 is None:
        return t1 is None
    return t1 > t2


def _age_rank(t: float | None, now: float) -> int | None:
    """floor(log2(age in nanoseconds)) of ``t`` at ``now`` (logarithmicRankDiff's bucket), None for a zero time."""
    if t is None:
        return None
    d = (now - t) * 1e9
    return int(math.log2(d)) if d > 0 else -1


def _compare_ranked(t1: float | None, r1: int | None, t2: float | None, r2: int | None, uid1: str, uid2: str) -> int:
    """_compare_times with both times' buckets already taken (the same answers, in the same cases)."""
    if t1 is None or t2 is None:
        return -1 if _newer_or_zero(t1, t2) else 1
    diff = r1 - r2  # type: ignore[operator]
    if diff == 0:
        return -1 if uid1 < uid2 else (1 if uid1 > uid2 else 0)
    return -1 if diff < 0 else 1


def deletion_order(pods: list[Obj], ranks: list[int], now: float) -> list[Obj]:
    """Sort pods the way ActivePodsWithRanks.Less does (v1.32, PodDeletionCost and
    LogarithmicScaleDown on): the first ones are the cheapest to lose.

    What the comparison reads of a pod (its node, phase, readiness, deletion cost, times and their
    log buckets, restarts) is read once per pod, not once per comparison: a rolling update of a large
    ReplicaSet sorts all its pods at every scale-down step. The comparator and the sort are the
    same, so is the order (the comparator is not transitive, for Go's as for this one: equal ready
    times fall through to restarts, unequal ones in one bucket are ordered by uid)."""

    def facts(i: int, p: Obj) -> tuple:
        meta = p["metadata"]
        node = (p.get("spec") or {}).get("nodeName") or ""
        phase = _PHASE_ORDINAL.get((p.get("status") or {}).get("phase"), 0)
        ready = is_pod_ready(p)
        ready_t = parse_time((ready_condition(p) or {}).get("lastTransitionTime")) if ready else None
        created = parse_time(meta.get("creationTimestamp"))
        return (i, node, phase, ready, _deletion_cost(p), ranks[i], meta.get("uid", ""),
                ready_t, _age_rank(ready_t, now), _max_restarts(p), created, _age_rank(created, now), p)

    def cmp(a: tuple, b: tuple) -> int:
        ia, na, pha, ready_a, ca, ra, uid_a, rta, rra, rsa, cta, cra, _ = a
        ib, nb, phb, ready_b, cb, rb, uid_b, rtb, rrb, rsb, ctb, crb, _ = b
        if na != nb and (not na or not nb):
            return -1 if not na else 1
        if pha != phb:
            return -1 if pha < phb else 1
        if ready_a != ready_b:
            return -1 if not ready_a else 1
        if ca != cb:
            return -1 if ca < cb else 1
        if ra != rb:
            return -1 if ra > rb else 1
        if ready_a and ready_b and rta != rtb:
            res = _compare_ranked(rta, rra, rtb, rrb, uid_a, uid_b)
            if res:
                return res
            return ia - ib
        if rsa != rsb:
            return -1 if rsa > rsb else 1
        if cta != ctb:
            res = _compare_ranked(cta, cra, ctb, crb, uid_a, uid_b)
            if res:
                return res
        # Go's sort is not stable; keep the input order so the result is deterministic.
        return ia - ib

    items = sorted([facts(i, p) for i, p in enumerate(pods)], key=functools.cmp_to_key(cmp))
    return [f[-1] for f in items]


def pod_from_template(rs: Obj) -> Obj:
    """GetPodFromTemplate: labels, annotations and finalizers copied, a controller ownerReference."""
    template = rs["spec"].get("template") or {}
    tmeta = template.get("metadata") or {}
    name = rs["metadata"]["name"]
    # getPodsPrefix: keep the dash unless the prefix would be an invalid name
    prefix = f"{name}-" if len(name) + 1 <= 253 else name
    meta: Obj = {"generateName": prefix, "namespace": rs["metadata"].get("namespace") or "default"}
    for f in ("labels", "annotations", "finalizers"):
        if tmeta.get(f):
            meta[f] = deep_copy(tmeta[f])
    meta["ownerReferences"] = [controller_ref_to(rs)]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": deep_copy(template.get("spec") or {})}


def _template_labels(rs: Obj) -> dict:
    return ((rs["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}


class _Members:
    """What one ReplicaSet has claimed: pod name -> (fully labeled, ready, available-at).

    Kept up to date from the pods whose events arrived since the last sync, so that a sync costs
    what changed rather than a scan of every pod (a kubelet touches pods at thousands of distinct
    instants). Rebuilt from the store when what an entry or the claim depends on changes: the
    selector, the template's labels (fully labeled) or minReadySeconds (available-at); not on a
    change of spec.replicas alone (every step of a rolling update is one, and a rebuild reads every
    pod of the ReplicaSet: the update was quadratic in its size). The
    status counts are counters kept with the entries (``set``/``drop``), not recounted per sync;
    ``young`` holds the ready pods whose available-at was still to come when last looked at.
    """

    __slots__ = ("uid", "selector", "labels", "min_ready", "pods", "fully", "ready", "timed", "young")

    def __init__(self, rs: Obj) -> None:
        self.uid = rs["metadata"]["uid"]
        self.selector = deep_copy(rs["spec"].get("selector"))
        self.labels = deep_copy(_template_labels(rs))
        self.min_ready = min_ready_seconds(rs)
        self.pods: dict[str, tuple[bool, bool, float | None]] = {}
        self.fully = self.ready = self.timed = 0  # fully labeled; ready; ready with an available-at
        self.young: dict[str, float] = {}

    def fits(self, rs: Obj) -> bool:
        return (self.uid == rs["metadata"]["uid"] and self.selector == rs["spec"].get("selector")
                and self.min_ready == min_ready_seconds(rs) and self.labels == _template_labels(rs))

    def set(self, name: str, entry: tuple[bool, bool, float | None]) -> None:
        self.drop(name)
        self.pods[name] = entry
        fully, ready, at = entry
        self.fully += fully
        self.ready += ready
        if ready and at is not None:
            self.timed += 1
            self.young[name] = at

    def drop(self, name: str) -> None:
        entry = self.pods.pop(name, None)
        if entry is None:
            return
        fully, ready, at = entry
        self.fully -= fully
        self.ready -= ready
        if ready and at is not None:
            self.timed -= 1
            self.young.pop(name, None)

    def available(self, now: float, min_ready: float) -> tuple[int, float | None]:
        """availableReplicas at ``now``, and the next instant one more becomes available."""
        if min_ready == 0:
            self.young.clear()
            return self.timed, None
        for name in [n for n, at in self.young.items() if at < now]:
            del self.young[name]  # each entry leaves once: time only moves forward
        return self.timed - len(self.young), min(self.young.values(), default=None)


class ReplicaSetController(Controller):
    name = "replicaset-controller"
    watches = ("ReplicaSet", "Pod")

    def __init__(self, cluster: object) -> None:
        super().__init__(cluster)  # type: ignore[arg-type]
        self._members: dict[Key, _Members] = {}
        self._dirty: dict[Key, set[str]] = {}

    def start(self) -> None:
        for rs in self.store.scan("ReplicaSet"):
            self.enqueue(("ReplicaSet", rs["metadata"]["namespace"], rs["metadata"]["name"]))

    # -- event handlers: only enqueue keys (and note which pods changed) -------------------------------
    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        if obj["kind"] == "ReplicaSet":
            self.enqueue(event.key)
            return
        ns = obj["metadata"].get("namespace") or ""
        name = obj["metadata"]["name"]
        ref = controller_ref(obj)
        owner = ("ReplicaSet", ns, ref["name"]) if ref is not None and ref.get("kind") == "ReplicaSet" else None
        if owner is not None:
            self._touch(owner, name)
            members = self._members.get(owner)
            if members is not None and name in members.pods:
                return
        if event.type == "ADDED" and owner is not None:
            return  # a new pod its owner will count: no other ReplicaSet can be counting it yet
        # Released, orphaned or handed to another controller: a ReplicaSet that still counts it
        # must look again, and so must every one that could adopt it.
        for key, members in self._members.items():
            if key != owner and key[1] == ns and name in members.pods:
                self._touch(key, name)
        if ref is not None or event.type == "DELETED":
            return
        labels = obj["metadata"].get("labels") or {}
        for rs in self.store.scan("ReplicaSet", ns):
            if matches_selector(labels, rs["spec"].get("selector")):
                self._touch(("ReplicaSet", ns, rs["metadata"]["name"]), name)

    def _touch(self, key: Key, pod_name: str) -> None:
        self._dirty.setdefault(key, set()).add(pod_name)
        self.enqueue(key)

    # -- reconcile ------------------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        rs = self.store.peek(*key)
        dirty = self._dirty.pop(key, set())
        if rs is None:
            self._members.pop(key, None)
            return  # its pods are the garbage collector's business
        members = self._members.get(key)
        if members is None or not members.fits(rs):
            members = self._members[key] = _Members(rs)
            for pod in self.claim(rs, keep=is_pod_active):
                members.set(pod["metadata"]["name"], self._entry(rs, pod))
        else:
            for name in sorted(dirty):
                self._refresh(rs, members, name)
        error: str | None = None
        if not rs["metadata"].get("deletionTimestamp"):
            error = self.manage_replicas(rs, members)
        self.update_status(key, members, error)
        # processNextWorkItem's handleErr: a failed sync is retried with the rate limiter's backoff
        if error is not None:
            self.requeue_rate_limited(key)
        else:
            self.forget(key)

    def _entry(self, rs: Obj, pod: Obj) -> tuple[bool, bool, float | None]:
        return (matches_selector(pod["metadata"].get("labels"), _template_labels(rs)), is_pod_ready(pod),
                available_at(pod, min_ready_seconds(rs)))

    def _refresh(self, rs: Obj, members: _Members, name: str) -> None:
        """Re-claim one pod whose event arrived (ClaimObject for a single object)."""
        ns = rs["metadata"].get("namespace") or ""
        uid = rs["metadata"]["uid"]
        pod = self.store.peek("Pod", ns, name)
        members.drop(name)
        if pod is None or not is_pod_active(pod):
            return
        ref = controller_ref(pod)
        matches = matches_selector(pod["metadata"].get("labels"), rs["spec"].get("selector"))
        if ref is not None and ref.get("uid") == uid:
            if matches:
                members.set(name, self._entry(rs, pod))
            else:
                self.release(pod, uid)
        elif ref is None and matches and rs["spec"].get("selector") and not rs["metadata"].get("deletionTimestamp"):
            members.set(name, self._entry(rs, self.adopt(pod, rs)))

    def manage_replicas(self, rs: Obj, members: _Members) -> str | None:
        """Create or delete pods to reach spec.replicas; returns the error text of a failure."""
        diff = len(members.pods) - replicas(rs)
        if diff == 0:
            return None
        # at most BurstReplicas per sync, and no faster than the client's rate limiter lets them go:
        # what is left waits for the bucket on the clock (a real sync would block on it)
        wanted = min(abs(diff), BURST_REPLICAS)
        granted = self.client.take(wanted)
        if granted < abs(diff):
            meta = rs["metadata"]
            self.requeue_after(("ReplicaSet", meta.get("namespace") or "", meta["name"]),
                               self.client.wait(abs(diff) - granted))
        if granted == 0:
            return None
        if diff < 0:
            return self._create_pods(rs, granted)
        ns = rs["metadata"].get("namespace") or ""
        pods = [p for n in sorted(members.pods) if (p := self.store.peek("Pod", ns, n)) is not None]
        return self._delete_pods(rs, pods, granted)

    def _create_pods(self, rs: Obj, count: int) -> str | None:
        # slowStartBatch: 1, 2, 4, … creations; a failing batch stops the rest.
        remaining, batch = count, SLOW_START_INITIAL_BATCH
        while remaining > 0:
            size = min(batch, remaining)
            error = None
            for _ in range(size):
                try:
                    pod = self.api.create(pod_from_template(rs), owned=True)  # a new pod, the stored one read back
                except ApiError as e:
                    error = e.message
                    self.recorder.event(rs, "Warning", "FailedCreate", f"Error creating: {e.message}", COMPONENT)
                    continue
                self.recorder.event(rs, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}",
                                    COMPONENT)
            if error is not None:
                return error
            remaining -= size
            batch *= 2
        return None

    def _delete_pods(self, rs: Obj, pods: list[Obj], diff: int) -> str | None:
        victims = pods
        if diff < len(pods):
            related = self._related_pods(rs)
            on_node: dict[str, int] = {}
            for p in related:
                if is_pod_active(p):
                    node = (p.get("spec") or {}).get("nodeName") or ""
                    on_node[node] = on_node.get(node, 0) + 1
            ranks = [on_node.get((p.get("spec") or {}).get("nodeName") or "", 0) for p in pods]
            victims = deletion_order(pods, ranks, self.clock.now())[:diff]
        error = None
        for pod in victims[:diff]:
            name = pod["metadata"]["name"]
            try:
                self.api.delete("Pod", pod["metadata"]["namespace"], name)
            except ApiError as e:
                if e.code == 404:
                    continue
                error = e.message
                self.recorder.event(rs, "Warning", "FailedDelete", f"Error deleting: {e.message}", COMPONENT)
                continue
            self.recorder.event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {name}", COMPONENT)
        return error

    def _related_pods(self, rs: Obj) -> list[Obj]:
        """getIndirectlyRelatedPods: pods of every RS with the same controller (a Deployment's RSs)."""
        ns = rs["metadata"].get("namespace") or ""
        ref = controller_ref(rs)
        if ref is None:
            siblings = [rs]
        else:
            siblings = [r for r in self.store.scan("ReplicaSet", ns, owner_uid=ref["uid"])
                        if (controller_ref(r) or {}).get("uid") == ref["uid"]]
        seen: dict[str, Obj] = {}
        for sibling in siblings:
            selector = sibling["spec"].get("selector")
            if not selector:
                continue
            for pod in self.store.scan("Pod", ns, selector=selector):
                seen.setdefault(pod["metadata"]["uid"], pod)
        return list(seen.values())

    def update_status(self, key: Key, members: _Members, error: str | None) -> None:
        rs = self.store.peek(*key)
        if rs is None:
            return
        now = self.clock.now()
        min_ready = min_ready_seconds(rs)
        fully, ready = members.fully, members.ready
        available, next_available = members.available(now, min_ready)
        old_status = rs.get("status") or {}
        status: Obj = {"replicas": len(members.pods)}
        for field_name, value in (("fullyLabeledReplicas", fully), ("readyReplicas", ready),
                                  ("availableReplicas", available),
                                  ("observedGeneration", rs["metadata"].get("generation") or 0)):
            if value:
                status[field_name] = value
        conditions = [c for c in old_status.get("conditions") or [] if c.get("type") != "ReplicaFailure"]
        failure = next((c for c in old_status.get("conditions") or [] if c.get("type") == "ReplicaFailure"), None)
        if error is not None:
            if failure is None:
                diff = len(members.pods) - replicas(rs)
                reason = "FailedCreate" if diff < 0 else ("FailedDelete" if diff > 0 else "")
                failure = {"type": "ReplicaFailure", "status": "True", "lastTransitionTime": self.clock.iso(),
                           "reason": reason, "message": error}
            conditions.append(failure)
        if conditions:
            status["conditions"] = conditions
        if status != old_status:
            self.api.update_status(dict(rs, status=status), owned=True)  # a new status, the rest shared
        # Availability is a matter of time: look again the moment the next ready pod has been
        # ready for minReadySeconds. (The real controller requeues after minReadySeconds only when
        # every pod is ready; waking at the exact instant keeps a partly ready set from waiting for
        # an unrelated event.)
        if error is None and next_available is not None:
            self.requeue_after(key, next_available - now + 0.001)
