"""The workstation's kubeconfig, as the engine's kubectl reads it (being written: issue 7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..sim.cluster import Cluster


def current_namespace(cluster: Cluster) -> str:
    """The namespace of the current context (``default`` when it names none)."""
    return "default"
