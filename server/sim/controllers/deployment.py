"""DeploymentController (stub: to be implemented)."""

from __future__ import annotations

from ..store import Key
from . import Controller


class DeploymentController(Controller):
    name = "deployment-controller"
    watches = ("Deployment",) if "Deployment" else ()

    def reconcile(self, key: Key) -> None:
        pass
