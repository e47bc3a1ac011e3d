"""Controller machinery: level-based reconcile loops fed by the store's watch events.

Each controller is a subclass of ``Controller`` with one ``reconcile(key)``; its ``on_event`` only
enqueues keys (its own objects', and the owner's key for a child's event), like the informer
handlers of kube-controller-manager. ``requeue_after`` is ``AddAfter``: a timer on the virtual
clock. The ``Manager`` drains the queues until nothing is left to do ("quiescence"); the clock
calls it after every instant it fires.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..store import Key, Obj, WatchEvent, controller_ref, deep_copy, matches_selector
from .deployment_util import controller_ref_to

if TYPE_CHECKING:
    from ..cluster import Cluster

# A safety net, not a behaviour: a reconcile loop that keeps re-queuing itself within one
# instant is a bug, and this stops it from hanging the process.
MAX_RECONCILES_PER_SETTLE = 200_000
#: client-go's ItemExponentialFailureRateLimiter in DefaultControllerRateLimiter (seconds)
FAILURE_BASE_DELAY = 0.005
FAILURE_MAX_DELAY = 1000.0
#: kube-controller-manager's ``--kube-api-qps`` and ``--kube-api-burst`` (v1.32 defaults): every
#: controller's API client waits on a token bucket of this rate and depth
CLIENT_QPS = 20.0
CLIENT_BURST = 30


class ClientRateLimiter:
    """client-go's token bucket (``flowcontrol.NewTokenBucketRateLimiter``) in front of one
    controller's API client: ``CLIENT_BURST`` requests at once, then ``CLIENT_QPS`` per second.

    This is why a real ReplicaSet scaled to 10,000 replicas fills over minutes rather than at once.
    A sync asks for what it wants, gets what the bucket holds (``take``), and comes back on the clock
    when enough has refilled (``wait``) instead of blocking as a goroutine would. The model spends
    tokens on the bulk writes (pod creates and deletes); status writes and events go unmetered.
    """

    __slots__ = ("clock", "qps", "burst", "tokens", "last")

    def __init__(self, clock: object, qps: float = CLIENT_QPS, burst: int = CLIENT_BURST) -> None:
        self.clock = clock
        self.qps, self.burst = qps, burst
        self.tokens = float(burst)
        self.last = clock.now()  # type: ignore[attr-defined]

    def _refill(self) -> None:
        now = self.clock.now()  # type: ignore[attr-defined]
        self.tokens = min(float(self.burst), self.tokens + (now - self.last) * self.qps)
        self.last = now

    def take(self, wanted: int) -> int:
        """As many of ``wanted`` requests as may go now (spent from the bucket)."""
        self._refill()
        granted = max(0, min(wanted, int(self.tokens + 1e-9)))
        self.tokens -= granted
        return granted

    def wait(self, wanted: int) -> float:
        """Seconds until ``wanted`` requests (at most a second's worth) may go."""
        self._refill()
        need = min(float(wanted), max(self.qps, 1.0), float(self.burst)) - self.tokens
        return max(need / self.qps, 1.0 / self.qps)


class Controller:
    name = "controller"
    #: kinds whose events this controller wants in ``on_event``
    watches: tuple[str, ...] = ()

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.store = cluster.store
        self.clock = cluster.clock
        self.api = cluster.api
        self.recorder = cluster.recorder
        self.queue: OrderedDict[Key, None] = OrderedDict()
        self.client = ClientRateLimiter(cluster.clock)
        self._timers: dict[Key, object] = {}
        self._failures: dict[Key, int] = {}

    def enqueue(self, key: Key) -> None:
        self.queue[key] = None

    def requeue_after(self, key: Key, seconds: float) -> None:
        """Reconcile ``key`` again after ``seconds`` of simulated time (client-go's AddAfter)."""
        timer = self._timers.get(key)
        when = self.clock.now() + seconds
        if timer is not None and not timer.cancelled and timer.when <= when:  # type: ignore[attr-defined]
            return
        if timer is not None:
            timer.cancel()  # type: ignore[attr-defined]
        self._timers[key] = self.clock.call_at(when, lambda: self._fire(key))

    def requeue_rate_limited(self, key: Key) -> None:
        """A sync that failed (a refused create, say) is retried later: client-go's AddRateLimited with
        DefaultControllerRateLimiter's per-item backoff, 5 ms × 2^failures, at most 1000 s (its overall
        10 qps bucket never binds at a sandbox's scale)."""
        failures = self._failures.get(key, 0)
        self._failures[key] = failures + 1
        self.requeue_after(key, min(FAILURE_BASE_DELAY * 2 ** failures, FAILURE_MAX_DELAY))

    def forget(self, key: Key) -> None:
        """A sync that succeeded resets the key's backoff (the rate limiter's Forget)."""
        self._failures.pop(key, None)

    def _fire(self, key: Key) -> None:
        self._timers.pop(key, None)
        self.enqueue(key)

    def on_event(self, event: WatchEvent) -> None:
        """Default: enqueue the object's own key. Override to also enqueue owners."""
        self.enqueue(event.key)

    def enqueue_controller_of(self, event: WatchEvent, kind: str) -> None:
        """A child's event (a pod's, say) concerns its controller of ``kind``; an orphan's concerns
        every ``kind`` in its namespace whose selector matches it, since each may adopt it (the
        informer handlers of the ReplicaSet/DaemonSet/StatefulSet controllers)."""
        obj = event.obj
        ns = obj["metadata"].get("namespace") or ""
        ref = controller_ref(obj)
        if ref is not None:
            if ref.get("kind") == kind:
                self.enqueue((kind, ns, ref["name"]))
            return
        if event.type == "DELETED":
            return
        labels = obj["metadata"].get("labels") or {}
        for owner in self.store.scan(kind, ns):
            if matches_selector(labels, owner["spec"].get("selector")):
                self.enqueue((kind, ns, owner["metadata"]["name"]))

    # -- ControllerRefManager (pkg/controller/controller_ref_manager.go) -----------------------------
    def claim(self, owner: Obj, kind: str = "Pod", keep: Callable[[Obj], bool] | None = None) -> list[Obj]:
        """ClaimObjects: owned objects whose labels still match are kept, owned ones that stopped
        matching are released and matching orphans adopted (neither while the owner is being
        deleted; objects being deleted are not adopted).
        ``keep`` narrows what this controller looks at at all (active pods, a StatefulSet's
        ordinals). Sorted by name."""
        meta = owner["metadata"]
        ns, uid, selector = meta.get("namespace") or "", meta["uid"], owner["spec"].get("selector")
        claimed: dict[str, Obj] = {}
        for obj in list(self.store.scan(kind, ns, owner_uid=uid)):
            if (controller_ref(obj) or {}).get("uid") != uid or (keep is not None and not keep(obj)):
                continue
            if selector and matches_selector(obj["metadata"].get("labels"), selector):
                claimed[obj["metadata"]["name"]] = obj
            elif not meta.get("deletionTimestamp"):  # an owner being deleted releases nothing
                self.release(obj, uid)
        if selector and not meta.get("deletionTimestamp"):
            for obj in list(self.store.scan(kind, ns, selector=selector)):
                if controller_ref(obj) is None and not obj["metadata"].get("deletionTimestamp") \
                        and (keep is None or keep(obj)):
                    adopted = self.adopt(obj, owner)
                    claimed[adopted["metadata"]["name"]] = adopted
        return [claimed[n] for n in sorted(claimed)]

    def release(self, obj: Obj, owner_uid: str) -> None:
        """Drop the ownerReference to ``owner_uid`` (the object's labels stopped matching)."""
        new = deep_copy(obj)
        refs = [r for r in new["metadata"].get("ownerReferences") or [] if r.get("uid") != owner_uid]
        if refs:
            new["metadata"]["ownerReferences"] = refs
        else:
            new["metadata"].pop("ownerReferences", None)
        self.store.update(new)

    def adopt(self, obj: Obj, owner: Obj) -> Obj:
        """Add a controller ownerReference to ``owner``; returns the stored object."""
        new = deep_copy(obj)
        new["metadata"].setdefault("ownerReferences", []).append(controller_ref_to(owner))
        return self.store.update(new)

    def reconcile(self, key: Key) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def start(self) -> None:
        """Called once when the cluster is assembled (e.g. to enqueue existing objects or arm timers)."""


class Manager:
    def __init__(self) -> None:
        self.controllers: list[Controller] = []
        self._by_kind: dict[str, list[Controller]] = {}
        self._settling = False

    def add(self, controller: Controller) -> None:
        self.controllers.append(controller)
        for kind in controller.watches:
            self._by_kind.setdefault(kind, []).append(controller)

    def dispatch(self, event: WatchEvent) -> None:
        for c in self._by_kind.get(event.obj["kind"], ()):
            c.on_event(event)

    def settle(self) -> None:
        """Run reconciles until every queue is empty."""
        if self._settling:
            return
        self._settling = True
        try:
            budget = MAX_RECONCILES_PER_SETTLE
            while budget > 0:
                progressed = False
                for c in self.controllers:
                    while c.queue and budget > 0:
                        key, _ = c.queue.popitem(last=False)
                        c.reconcile(key)
                        budget -= 1
                        progressed = True
                if not progressed:
                    break
            if budget <= 0:
                raise RuntimeError("controllers did not settle: a reconcile loop keeps requeuing itself")
        finally:
            self._settling = False
