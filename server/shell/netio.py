"""The shells' one door to the simulated network (``server.sim.net``: dns, proxy, apps).

Owns: adapting the network layer's results to what the tools need (a resolved address, an HTTP
answer or the failure's text, ping replies), so that ``pod`` and ``host`` hold no knowledge of the
network's data shapes. Every request goes through ``apps`` so it lands in the answering pod's log
and in the traffic log, exactly as the page's traffic does. The tools themselves (wget, curl,
nslookup, ping, nc, dig) are programs in ``server/sim/net/clients.py``; ``run`` runs one of them
from a pod or the workstation, and ``clients().programs(image)`` says which an image ships.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..sim.net.clients import Url, is_ip, parse_url

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

WORKSTATION_IP = "192.168.56.1"


class NoNetwork(Exception):
    """The simulation has no network layer (yet): the tool says it cannot reach anything."""


def _net() -> Any:
    try:
        from ..sim.net import apps, dns, proxy
    except ImportError as e:  # pragma: no cover — only while issue 3's network lands
        raise NoNetwork(str(e)) from e

    class Net:
        pass

    n = Net()
    n.apps, n.dns, n.proxy = apps, dns, proxy  # type: ignore[attr-defined]
    return n


#: the URL model is the tools' own (``clients``); re-exported for the shells
__all__ = ["Url", "is_ip", "parse_url"]


@dataclass
class Resolved:
    ip: str | None
    cnames: list[str] = field(default_factory=list)


@dataclass
class Http:
    status: int = 0
    headers: Any = None
    body: str = ""
    error: str = ""  # the connection's failure ("Connection refused", …); "" when it answered
    pod: tuple[str, str] | None = None


def source(cluster: Cluster, pod: dict | None) -> Any:
    Source = _net().proxy.Source
    if pod is None:
        return Source.outside()
    return Source.pod(pod["metadata"]["namespace"], pod["metadata"]["name"])


def resolve(cluster: Cluster, name: str, pod: dict | None) -> Resolved:
    """The first A record for ``name`` as the client sees it (a pod: through its search path)."""
    if is_ip(name):
        return Resolved(name)
    ans = _net().dns.lookup(cluster, name, pod=pod)
    addresses = list(getattr(ans, "addresses", None) or [])
    chain = getattr(ans, "cnames", None) or getattr(ans, "cname_chain", None) or getattr(ans, "cname", None) or []
    if isinstance(chain, str):
        chain = [chain]
    if getattr(ans, "nxdomain", False) or not addresses:
        return Resolved(None, list(chain))
    return Resolved(str(addresses[0]), list(chain))


def http(cluster: Cluster, pod: dict | None, url: Url, method: str = "GET", *, user_agent: str = "Wget",
         headers: dict[str, str] | None = None) -> Http:
    res = _net().apps.http(cluster, source(cluster, pod), url.text(), method=method, user_agent=user_agent,
                           headers=headers)
    route = res.route
    answered = route.pod if route is not None else None
    return Http(int(res.status or 0), res.headers, res.body or "", res.error or "", answered)


def ping(cluster: Cluster, pod: dict | None, host: str, count: int) -> tuple[str | None, list[float | None], int]:
    """(address or None when the name does not resolve, per-packet rtt in ms or None, ttl)."""
    res = _net().apps.ping(cluster, source(cluster, pod), host, count)
    if res.unresolved or not res.ip:
        return None, [], 64
    rtts: list[float | None] = [None] * max(res.transmitted, count)
    ttl = 64
    for r in res.replies:
        if 0 <= r.seq < len(rtts):
            rtts[r.seq] = float(r.rtt_ms)
            ttl = r.ttl
    return str(res.ip), rtts, ttl


def nslookup(cluster: Cluster, name: str, pod: dict | None, *, server: str | None = None,
             qtype: str | None = None) -> tuple[str, int]:
    """nslookup's text (stdout, then stderr) and exit status, in the words of the nslookup the pod's
    image ships (busybox 1.36, busybox 1.28, BIND's in dnsutils: ``clients.programs``)."""
    argv = ["nslookup", *([f"-type={qtype}"] if qtype else []), name, *([server] if server else [])]
    prog = clients().programs(_image(pod)).get("nslookup", clients().nslookup_busybox)
    out = run(cluster, pod, prog, argv)
    return out.stdout + out.stderr, out.code


def _image(pod: dict | None) -> str:
    """The image whose tools a pod's shell runs: its first container's (the tutorials' pods have one)."""
    containers = ((pod or {}).get("spec") or {}).get("containers") or []
    return str((containers[0] if containers else {}).get("image") or "")


def clients() -> Any:
    from ..sim.net import clients as module

    return module


def run(cluster: Cluster, pod: dict | None, program: Any, argv: list[str], stdin: str = "") -> Any:
    """Run one of ``clients``' programs from ``pod`` (None: the workstation) to its end: an ``Out``."""
    ctx = clients().Context(cluster, source(cluster, pod))
    return clients().run_sync(program, ctx, argv, stdin)


def resolv_conf(cluster: Cluster, pod: dict) -> str:
    return _net().dns.resolv_conf(cluster, pod)
