"""The PV controller (pkg/controller/volume/persistentvolume): binds claims to volumes, reclaims released ones (to be written)."""

from __future__ import annotations

from ..store import Key
from . import Controller


class PersistentVolumeController(Controller):
    name = "persistentvolume-binder-controller"
    watches: tuple[str, ...] = ()

    def reconcile(self, key: Key) -> None:
        return None
