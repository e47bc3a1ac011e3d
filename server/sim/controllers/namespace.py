"""The namespace controller (pkg/controller/namespace): deletes a Terminating namespace's content, then the namespace (to be written)."""

from __future__ import annotations

from ..store import Key
from . import Controller


class NamespaceController(Controller):
    name = "namespace-controller"
    watches: tuple[str, ...] = ()

    def reconcile(self, key: Key) -> None:
        return None
