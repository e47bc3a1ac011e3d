"""Ingress-nginx's status sync: an Ingress of its class gets the controller's address (to be written)."""

from __future__ import annotations

from ..store import Key
from . import Controller


class IngressStatusController(Controller):
    name = "ingress-nginx-status"
    watches: tuple[str, ...] = ()

    def reconcile(self, key: Key) -> None:
        return None
