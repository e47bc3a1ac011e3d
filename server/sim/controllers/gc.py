"""GarbageCollector (stub: to be implemented)."""

from __future__ import annotations

from ..store import Key
from . import Controller


class GarbageCollector(Controller):
    name = "garbage-collector"
    watches = ()

    def reconcile(self, key: Key) -> None:
        pass
