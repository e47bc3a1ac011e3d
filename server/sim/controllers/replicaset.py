"""ReplicaSetController (stub: to be implemented)."""

from __future__ import annotations

from ..store import Key
from . import Controller


class ReplicaSetController(Controller):
    name = "replicaset-controller"
    watches = ("ReplicaSet",) if "ReplicaSet" else ()

    def reconcile(self, key: Key) -> None:
        pass
