"""Events expire, as the apiserver's event storage makes them: every write of an Event (its create,
and each update — a repeat's ``count`` going up) puts it on an etcd lease of ``--event-ttl`` (1 h by
default; pkg/registry/core/event/storage ``TTLFunc`` answers the TTL for creates and updates alike),
and etcd deletes it when the lease runs out: watchers see it DELETED, ``kubectl get events`` and
``describe`` no longer list it.

Owns: the expiry of each Event (the time of its last write plus ``EVENT_TTL``) and one timer per
Event on the virtual clock; a timer that fires before a later write's expiry is set again for that.
Work per Event write is O(1); nothing scans the events. Hands off: the recorder forgets an expired
Event (a repeat after that creates a new one, as client-go's EventCorrelator does once the apiserver
has dropped it).
"""

from __future__ import annotations

from ..events import EVENT_TTL
from ..store import Key, NotFound, WatchEvent
from . import Controller


class EventTTL(Controller):
    name = "event-ttl"
    watches = ("Event",)

    def __init__(self, cluster) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cluster)
        #: Event key → when its lease runs out (its last write + EVENT_TTL)
        self._expires: dict[Key, float] = {}

    def start(self) -> None:
        for ev in self.store.scan("Event"):  # a store filled before the controllers ran
            self._lease(ev["metadata"].get("namespace") or "", ev["metadata"]["name"])

    def _lease(self, namespace: str, name: str) -> None:
        key = ("Event", namespace, name)
        self._expires[key] = self.clock.now() + EVENT_TTL
        self.requeue_after(key, EVENT_TTL)  # keeps an earlier timer: it will look again then

    def on_event(self, event: WatchEvent) -> None:
        if event.type == "DELETED":
            self._expires.pop(event.key, None)
            self.recorder.forget(event.key[1], event.key[2])
        else:
            self._lease(event.key[1], event.key[2])

    def reconcile(self, key: Key) -> None:
        expires = self._expires.get(key)
        if expires is None:
            return
        left = expires - self.clock.now()
        if left > 0:
            self.requeue_after(key, left)
            return
        try:
            self.store.remove(*key)
        except NotFound:
            self._expires.pop(key, None)
