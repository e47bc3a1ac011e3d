"""The scheduler (stub: to be implemented)."""

from __future__ import annotations

from .controllers import Controller
from .store import Key


class Scheduler(Controller):
    name = "default-scheduler"
    watches = ("Pod", "Node")

    def reconcile(self, key: Key) -> None:
        pass
