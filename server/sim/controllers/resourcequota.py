"""The resource quota controller (pkg/controller/resourcequota): keeps each quota's status.used (to be written)."""

from __future__ import annotations

from ..store import Key
from . import Controller


class ResourceQuotaController(Controller):
    name = "resourcequota-controller"
    watches: tuple[str, ...] = ()

    def reconcile(self, key: Key) -> None:
        return None
