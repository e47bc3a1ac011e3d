"""Kubelets (stub: to be implemented)."""

from __future__ import annotations

from .controllers import Controller
from .store import Key


class KubeletController(Controller):
    name = "kubelet"
    watches = ("Pod", "Node")

    def reconcile(self, key: Key) -> None:
        pass

    def machine_started(self, node: str) -> None:
        pass
