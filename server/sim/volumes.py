"""The kubelet's volume manager (to be written): mounts a pod's volumes into its containers'
filesystems and keeps ConfigMap/Secret/projected volumes up to date."""

from __future__ import annotations

from .controllers import Controller
from .store import Key


class VolumeManager(Controller):
    name = "volume-manager"
    watches: tuple[str, ...] = ()

    def reconcile(self, key: Key) -> None:
        return None
