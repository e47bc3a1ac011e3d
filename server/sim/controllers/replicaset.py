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

import heapq
import math
from bisect import bisect_left, insort

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


def _age_rank(t: float | None, now: float) -> int:
    """floor(log2(age in nanoseconds)) of ``t`` at ``now`` (logarithmicRankDiff's bucket); -2 for a
    zero time, which afterOrZero counts as the newest of all."""
    if t is None:
        return -2
    d = (now - t) * 1e9
    return int(math.log2(d)) if d > 0 else -1


def _next_rank_at(t: float | None, now: float) -> float:
    """When the age of ``t`` leaves its bucket at ``now`` (never, for a zero time)."""
    if t is None:
        return math.inf
    rank = _age_rank(t, now)
    return t + (2.0 ** (rank + 1)) / 1e9 if rank >= 0 else t


class _Facts:
    """What ActivePodsWithRanks.Less reads of one pod, read once (a pod's fields do not change
    without an event)."""

    __slots__ = ("uid", "node", "phase", "ready", "ready_t", "restarts", "created", "cost")

    def __init__(self, pod: Obj) -> None:
        meta = pod["metadata"]
        self.uid = meta.get("uid", "")
        self.node = (pod.get("spec") or {}).get("nodeName") or ""
        self.phase = _PHASE_ORDINAL.get((pod.get("status") or {}).get("phase"), 0)
        self.ready = is_pod_ready(pod)
        self.ready_t = parse_time((ready_condition(pod) or {}).get("lastTransitionTime")) if self.ready else None
        self.restarts = _max_restarts(pod)
        self.created = parse_time(meta.get("creationTimestamp"))
        self.cost = _deletion_cost(pod)

    def next_change(self, now: float) -> float:
        """When a log2 bucket its key holds next changes: of when it was created, and of when it
        became ready (a ready pod's key holds both)."""
        created = _next_rank_at(self.created, now)
        return min(created, _next_rank_at(self.ready_t, now)) if self.ready else created


def _key(name: str, f: _Facts, rank: int, now: float, first_uid: str) -> tuple:
    """The pod's place in ActivePodsWithRanks order (v1.32, PodDeletionCost and LogarithmicScaleDown
    on) as a sort key, the cheapest to lose first: unassigned before assigned; Pending, Unknown,
    Running; not ready before ready; lower pod-deletion-cost; more related pods on its node
    (``rank``; unassigned pods all share one, so it is 0 for them); then, for two ready pods, the
    log2 bucket of how long each has been ready (newer first) and, within a bucket, uid order;
    for two not-ready ones (or two ready at the same instant) more restarts first, then the
    creation time's bucket (newer first), then uid.

    Go's Less is not a transitive order: two pods ready at unequal instants of one bucket go by uid,
    two ready at the same instant by restarts and creation, so a pod can sort before and after
    another depending on a third, and what sort.Sort makes of it depends on the input's order (an
    informer cache's: unordered). This key is one linear order that agrees with Less on every pair
    of pods ready at the same instant, and on every other pair whose instants' groups sit in uid
    order: the pods ready at one instant share ``first_uid``, the least uid among them, and groups
    of one bucket follow it. A key (not a comparison) is what lets an order be kept across syncs."""
    assigned = 1 if f.node else 0
    lead = (assigned, f.phase, 1 if f.ready else 0, f.cost, -rank if assigned else 0)
    regular, sidecar = f.restarts
    tail = (-regular, -sidecar, _age_rank(f.created, now), f.uid, name)
    if f.ready:
        return (*lead, _age_rank(f.ready_t, now), first_uid, *tail)
    return (*lead, *tail)


def deletion_order(pods: list[Obj], ranks: list[int], now: float) -> list[Obj]:
    """The pods in ActivePodsWithRanks order (see ``_key``), the cheapest to lose first;
    ``ranks[i]``: the related active pods on ``pods[i]``'s node."""
    facts = [_Facts(p) for p in pods]
    first: dict[float | None, str] = {}
    for f in facts:
        if f.ready and (f.ready_t not in first or f.uid < first[f.ready_t]):
            first[f.ready_t] = f.uid
    keyed = sorted((_key(p["metadata"]["name"], f, r, now, first.get(f.ready_t, "") if f.ready else ""), i)
                   for i, (p, f, r) in enumerate(zip(pods, facts, ranks, strict=True)))
    return [pods[i] for _, i in keyed]


class _Order:
    """One ReplicaSet's claimed pods in deletion order, kept from sync to sync, so that a scale-down
    step (a rolling update makes one for about every pod that becomes available) costs what changed,
    not a sort of every pod and a count of every related one.

    A key (``_key``) changes when its pod changes (an event: ``stale``), when the count of related
    active pods on its node changes (any pod event on a node where this set has pods:
    ``dirty_nodes``, recounted from the store's node index), when the least uid of the pods ready
    at its instant changes, and when the age of one of its times (its creation; its readiness, for
    a ready pod) crosses into the next log2 bucket (``due``: a heap of those instants).
    ``siblings``: the ReplicaSets whose selectors say which pods are related (the same
    controller's); another set of them and the order is rebuilt."""

    __slots__ = ("siblings", "facts", "keys", "sorted", "by_node", "counts", "groups", "first",
                 "due", "due_at", "stale", "dirty_nodes")

    def __init__(self, siblings: tuple) -> None:
        self.siblings = siblings
        self.facts: dict[str, _Facts] = {}
        self.keys: dict[str, tuple] = {}
        self.sorted: list[tuple] = []
        self.by_node: dict[str, set[str]] = {}
        self.counts: dict[str, int] = {}
        #: ready instant -> names of the ready pods of that instant, and the least uid among them
        self.groups: dict[float | None, set[str]] = {}
        self.first: dict[float | None, str] = {}
        self.due: list[tuple[float, str]] = []
        self.due_at: dict[str, float] = {}
        self.stale: set[str] = set()
        self.dirty_nodes: set[str] = set()


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


def _discard(sets: dict, key: object, item: object) -> bool:
    """Take ``item`` out of ``sets[key]``, and ``key`` out once its set is empty: whether it was."""
    members = sets.get(key)
    if members is None:
        return False
    members.discard(item)
    if members:
        return False
    del sets[key]
    return True


class ReplicaSetController(Controller):
    name = "replicaset-controller"
    watches = ("ReplicaSet", "Pod")

    def __init__(self, cluster: object) -> None:
        super().__init__(cluster)  # type: ignore[arg-type]
        self._members: dict[Key, _Members] = {}
        self._dirty: dict[Key, set[str]] = {}
        #: deletion orders (made at a ReplicaSet's first partial scale-down) and, per node, the
        #: ReplicaSets whose order has pods there (a pod event on it may change their ranks)
        self._orders: dict[Key, _Order] = {}
        self._order_nodes: dict[str, set[Key]] = {}

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
        node = (obj.get("spec") or {}).get("nodeName")
        if node and node in self._order_nodes:
            for key in self._order_nodes[node]:
                self._orders[key].dirty_nodes.add(node)
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
            self._drop_order(key)
            return  # its pods are the garbage collector's business
        members = self._members.get(key)
        order = self._orders.get(key)
        if order is not None:
            order.stale |= dirty
        if members is None or not members.fits(rs):
            self._drop_order(key)
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
        if granted < len(members.pods):
            names = self._victims(rs, members, granted)
        else:
            names = sorted(members.pods)
        return self._delete_pods(rs, [p for n in names if (p := self.store.peek("Pod", ns, n)) is not None])

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

    def _delete_pods(self, rs: Obj, victims: list[Obj]) -> str | None:
        error = None
        for pod in victims:
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

    # -- which pods a partial scale-down deletes: the deletion order, kept up to date ------------------
    def _siblings(self, rs: Obj) -> tuple:
        """getIndirectlyRelatedPods' ReplicaSets: every one with this one's controller (a
        Deployment's), or this one alone; as (uid, selector) pairs in name order."""
        ns = rs["metadata"].get("namespace") or ""
        ref = controller_ref(rs)
        if ref is None:
            found = [rs]
        else:
            found = [r for r in self.store.scan("ReplicaSet", ns, owner_uid=ref["uid"])
                     if (controller_ref(r) or {}).get("uid") == ref["uid"]]
        return tuple((r["metadata"]["uid"], r["spec"].get("selector")) for r in found)

    def _related_on(self, ns: str, node: str, siblings: tuple) -> int:
        """The active pods on ``node`` that any sibling's selector matches (each pod once)."""
        selectors = [sel for _, sel in siblings if sel]
        return sum(1 for p in self.store.scan("Pod", ns, node=node)
                   if is_pod_active(p) and any(matches_selector(p["metadata"].get("labels"), sel)
                                               for sel in selectors))

    def _drop_order(self, key: Key) -> None:
        order = self._orders.pop(key, None)
        if order is None:
            return
        for node in order.by_node:
            _discard(self._order_nodes, node, key)

    def _victims(self, rs: Obj, members: _Members, count: int) -> list[str]:
        """The first ``count`` claimed pods in deletion order (``deletion_order``'s, from the kept one)."""
        key = ("ReplicaSet", rs["metadata"].get("namespace") or "", rs["metadata"]["name"])
        siblings = self._siblings(rs)
        order = self._orders.get(key)
        if order is None or order.siblings != siblings:
            self._drop_order(key)
            order = self._orders[key] = _Order(siblings)
            order.stale = set(members.pods)
        self._update_order(key, order, members)
        return [k[-1] for k in order.sorted[:count]]

    def _update_order(self, key: Key, order: _Order, members: _Members) -> None:
        ns = key[1]
        now = self.clock.now()
        rekey = set(order.stale)
        order.stale.clear()
        touched_groups: set[float | None] = set()
        # 1. the facts of the pods that changed (and where they are, which instant they share)
        for name in rekey:
            old = order.facts.pop(name, None)
            if old is not None:
                self._leave(key, order, name, old, touched_groups)
            pod = self.store.peek("Pod", ns, name) if name in members.pods else None
            if pod is None:
                continue
            f = order.facts[name] = _Facts(pod)
            if f.node:
                here = order.by_node.get(f.node)
                if here is None:
                    here = order.by_node[f.node] = set()
                    self._order_nodes.setdefault(f.node, set()).add(key)
                    order.dirty_nodes.add(f.node)
                here.add(name)
            if f.ready:
                order.groups.setdefault(f.ready_t, set()).add(name)
                touched_groups.add(f.ready_t)
        # 2. ranks: recount the nodes where a pod event happened
        for node in order.dirty_nodes:
            here = order.by_node.get(node)
            if here is None:
                continue
            count = self._related_on(ns, node, order.siblings)
            if order.counts.get(node) != count:
                order.counts[node] = count
                rekey |= here
        order.dirty_nodes.clear()
        # 3. the least uid of each instant whose pods changed
        for t in touched_groups:
            names = order.groups.get(t)
            first = min(order.facts[n].uid for n in names) if names else None
            if first != order.first.get(t):
                if first is None:
                    order.first.pop(t, None)
                else:
                    order.first[t] = first
                    rekey |= names  # type: ignore[arg-type]
        # 4. the ages that crossed into their next bucket
        due = order.due
        while due and due[0][0] <= now:
            at, name = heapq.heappop(due)
            if order.due_at.get(name) == at:
                del order.due_at[name]
                rekey.add(name)
        # 5. the new keys, in place
        for name in rekey:
            old_key = order.keys.pop(name, None)
            if old_key is not None:
                del order.sorted[bisect_left(order.sorted, old_key)]
            f = order.facts.get(name)
            if f is None:
                order.due_at.pop(name, None)
                continue
            first = order.first.get(f.ready_t, "") if f.ready else ""
            new_key = order.keys[name] = _key(name, f, order.counts.get(f.node, 0), now, first)
            insort(order.sorted, new_key)
            nxt = f.next_change(now)
            if nxt == math.inf:
                order.due_at.pop(name, None)
                continue
            # (computed in floating point: when early, the next step looks again)
            nxt = max(nxt, math.nextafter(now, math.inf))
            if order.due_at.get(name) != nxt:  # (a new rank keeps the instant: no second entry)
                order.due_at[name] = nxt
                heapq.heappush(due, (nxt, name))

    def _leave(self, key: Key, order: _Order, name: str, f: _Facts, touched: set) -> None:
        if f.node and _discard(order.by_node, f.node, name):
            order.counts.pop(f.node, None)
            _discard(self._order_nodes, f.node, key)
        if f.ready:
            _discard(order.groups, f.ready_t, name)
            touched.add(f.ready_t)

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
