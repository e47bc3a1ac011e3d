"""The HPA controller (pkg/controller/podautoscaler) (to be written)."""

from __future__ import annotations

from ..store import Key
from . import Controller


class HorizontalPodAutoscalerController(Controller):
    name = "horizontal-pod-autoscaler-controller"
    watches: tuple[str, ...] = ()

    def reconcile(self, key: Key) -> None:
        return None
