"""Controller machinery: level-based reconcile loops fed by the store's watch events.

Each controller is a subclass of ``Controller`` with one ``reconcile(key)``; its ``on_event`` only
enqueues keys (its own objects', and the owner's key for a child's event), like the informer
handlers of kube-controller-manager. ``requeue_after`` is ``AddAfter``: a timer on the virtual
clock. The ``Manager`` drains the queues until nothing is left to do ("quiescence"); the clock
calls it after every instant it fires.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from ..store import Key, WatchEvent, controller_ref, matches_selector

if TYPE_CHECKING:
    from ..cluster import Cluster

# A safety net, not a behaviour: a reconcile loop that keeps re-queuing itself within one
# instant is a bug, and this stops it from hanging the process.
MAX_RECONCILES_PER_SETTLE = 200_000


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
        self._timers: dict[Key, object] = {}

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
