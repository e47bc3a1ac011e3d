"""The shells' one door to the simulated network (``server.sim.net``).

Owns: running the network tools from a pod or the workstation. The tools themselves (wget, curl,
nslookup, ping, nc, dig) are programs in ``server/sim/net/clients.py``, so a container's main
process and the shells share one implementation; ``run`` runs one of them to its end from a pod
(None: the workstation, 192.168.56.1 outside the cluster), ``clients().programs(image)`` says which
an image ships, and ``resolv_conf`` is the pod's /etc/resolv.conf. Every request goes through
``apps`` so it lands in the answering pod's log and in the traffic log, exactly as the page's
traffic does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..sim.net.clients import Url, is_ip, parse_url

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

WORKSTATION_IP = "192.168.56.1"

#: the URL model is the tools' own (``clients``); re-exported for the shells
__all__ = ["Url", "clients", "is_ip", "parse_url", "resolv_conf", "run", "source"]


def clients() -> Any:
    from ..sim.net import clients as module

    return module


def source(cluster: Cluster, pod: dict | None) -> Any:
    """Where the pod's (or the workstation's) connections come from."""
    from ..sim.net.proxy import Source

    if pod is None:
        return Source.outside()
    return Source.pod(pod["metadata"]["namespace"], pod["metadata"]["name"])


def run(cluster: Cluster, pod: dict | None, program: Any, argv: list[str], stdin: str = "") -> Any:
    """Run one of ``clients``' programs from ``pod`` (None: the workstation) to its end: an ``Out``."""
    ctx = clients().Context(cluster, source(cluster, pod))
    return clients().run_sync(program, ctx, argv, stdin)


def resolv_conf(cluster: Cluster, pod: dict) -> str:
    from ..sim.net import dns

    return dns.resolv_conf(cluster, pod)
