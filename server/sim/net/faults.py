"""Broken overlay links between pairs of nodes: the seeds' flannel trouble, on demand.

Owns: the set of node pairs whose pod-network (VXLAN) path is broken, kept on the cluster
(``cluster.broken_links``) as sorted pairs so that every listing is deterministic. The nodes'
own network (192.168.56.0/24) keeps working: NodePorts and node IPs stay reachable; only pod
traffic that has to cross a broken pair dies, with ``No route to host`` (the ICMP host
unreachable the sending node's kernel answers when its flannel route to the peer is gone).

Hands off: ``proxy.route`` asks ``is_broken`` for each hop across nodes; the web layer records
break/heal as sandbox operations so a replay reproduces them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..cluster import Cluster


def _pair(a: str, b: str) -> tuple[str, str]:
    if a == b:
        raise ValueError("a link joins two different nodes")
    return (a, b) if a < b else (b, a)


def break_link(cluster: Cluster, a: str, b: str) -> None:
    """Break the overlay between nodes ``a`` and ``b`` (both directions)."""
    for n in (a, b):
        if cluster.store.peek("Node", "", n) is None:
            raise KeyError(f'nodes "{n}" not found')
    cluster.broken_links.add(_pair(a, b))


def heal_link(cluster: Cluster, a: str, b: str) -> None:
    cluster.broken_links.discard(_pair(a, b))


def broken(cluster: Cluster) -> list[tuple[str, str]]:
    """The broken pairs, sorted (each pair sorted too)."""
    return sorted(cluster.broken_links)


def is_broken(cluster: Cluster, a: str, b: str) -> bool:
    if a == b:
        return False
    return bool(cluster.broken_links) and _pair(a, b) in cluster.broken_links
