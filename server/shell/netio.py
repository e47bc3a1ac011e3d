"""The shells' one door to the simulated network (``server.sim.net``: dns, proxy, apps).

Owns: adapting the network layer's results to what the tools need (a resolved address, an HTTP
answer or the failure's text, ping replies), so that ``pod`` and ``host`` hold no knowledge of the
network's data shapes. Every request goes through ``apps`` so it lands in the answering pod's log
and in the traffic log, exactly as the page's traffic does.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

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


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@dataclass
class Url:
    scheme: str
    host: str
    port: int
    path: str  # with the query

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"

    def text(self) -> str:
        return f"{self.scheme}://{self.host_header}{self.path}"


def parse_url(text: str) -> Url | None:
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Url(scheme, parts.hostname, port or (443 if scheme == "https" else 80), path)


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


def http(cluster: Cluster, pod: dict | None, url: Url, method: str = "GET", *, user_agent: str = "Wget") -> Http:
    res = _net().apps.http(cluster, source(cluster, pod), url.text(), method=method, user_agent=user_agent)
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
    """busybox nslookup's text and exit status (the network layer renders it)."""
    text, status = _net().dns.nslookup_text(cluster, name, pod=pod, server=server, qtype=qtype)
    return str(text), int(status)


def resolv_conf(cluster: Cluster, pod: dict) -> str:
    return _net().dns.resolv_conf(cluster, pod)
