"""Events expire, as the apiserver's event storage makes them: every write of an Event (its create,
and each update — a repeat's ``count`` going up) puts it on an etcd lease of ``--event-ttl`` (1 h by
default; pkg/registry/core/event/storage ``TTLFunc`` answers the TTL for creates and updates alike),
and etcd deletes it when the lease runs out: watchers see it DELETED, ``kubectl get events`` and
``describe`` no longer list it.

Owns: the expiry of each Event (the time of its last write plus ``EVENT_TTL``) and the leases in
the order they run out. The TTL is one constant and the clock only moves forward, so leases end in
the order they were given: they are a FIFO, and one timer, for the oldest, stands for all of them (a
timer per Event was a Timer, a closure and a cell each — at five Events a pod, hundreds of megabytes at
150,000 pods). A lease renewed by a later write leaves its first entry behind, which is passed over
when it comes up. Work per Event write is O(1); nothing scans the events. Hands off: the recorder
forgets an expired Event (a repeat after that creates a new one, as client-go's EventCorrelator does
once the apiserver has dropped it).
"""

from __future__ import annotations

from collections import deque

from ..events import EVENT_TTL
from ..store import Key, NotFound, WatchEvent
from . import Controller

#: what the controller reconciles: the oldest leases, when the first of them runs out
EXPIRY: Key = ("EventLeases", "", "")


class EventTTL(Controller):
    name = "event-ttl"
    watches = ("Event",)

    def __init__(self, cluster) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cluster)
        #: Event key → when its lease runs out (its last write + EVENT_TTL)
        self._expires: dict[Key, float] = {}
        #: (when, Event key) in the order given, so in the order they run out
        self._leases: deque[tuple[float, Key]] = deque()

    def start(self) -> None:
        for ev in self.store.scan("Event"):  # a store filled before the controllers ran
            self._lease(("Event", ev["metadata"].get("namespace") or "", ev["metadata"]["name"]))

    def _lease(self, key: Key) -> None:
        at = self.clock.now() + EVENT_TTL
        self._expires[key] = at
        self._leases.append((at, key))
        if len(self._leases) == 1:
            self.requeue_after(EXPIRY, EVENT_TTL)

    def on_event(self, event: WatchEvent) -> None:
        if event.type == "DELETED":
            self._expires.pop(event.key, None)
            self.recorder.forget(event.obj)
        else:
            self._lease(event.key)

    def reconcile(self, key: Key) -> None:
        now = self.clock.now()
        leases = self._leases
        while leases and leases[0][0] <= now:
            at, event = leases.popleft()
            if self._expires.get(event) != at:
                continue  # deleted, or renewed by a later write (whose entry is further on)
            try:
                self.store.remove(*event)
            except NotFound:
                self._expires.pop(event, None)
        if leases:
            self.requeue_after(EXPIRY, leases[0][0] - now)
