"""The default cluster (stub: to be implemented)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cluster import Cluster


def default_cluster(cluster: Cluster) -> None:
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
        cluster.store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})


def add_node(cluster: Cluster, name: str, **kwargs: object) -> None:
    pass
