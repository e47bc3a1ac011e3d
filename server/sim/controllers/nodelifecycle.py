"""NodeLifecycleController (stub: to be implemented)."""

from __future__ import annotations

from ..store import Key
from . import Controller


class NodeLifecycleController(Controller):
    name = "node-lifecycle-controller"
    watches = ("Node",) if "Node" else ()

    def reconcile(self, key: Key) -> None:
        pass
