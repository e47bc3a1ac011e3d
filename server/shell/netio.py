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


def http(cluster: Cluster, pod: dict | None, url: Url, method: str = "GET") -> Http:
    res = _net().apps.http(cluster, source(cluster, pod), url.text(), method=method)
    route = getattr(res, "route", None)
    answered = getattr(route, "pod", None) if route is not None else None
    return Http(int(getattr(res, "status", 0) or 0), getattr(res, "headers", None),
                getattr(res, "body", "") or "", getattr(res, "error", "") or "", answered)


def ping(cluster: Cluster, pod: dict | None, host: str, count: int) -> tuple[str | None, list[float | None], int]:
    """(address or None when the name does not resolve, per-packet rtt in ms or None, ttl)."""
    res = _net().apps.ping(cluster, source(cluster, pod), host, count)
    ip = getattr(res, "ip", None) or getattr(res, "address", None)
    replies = getattr(res, "replies", None)
    if replies is None:
        replies = getattr(res, "rtts", None)
    out: list[float | None] = []
    for r in list(replies or [])[:count]:
        if r is None or isinstance(r, int | float):
            out.append(None if r is None else float(r))
        else:
            rtt = getattr(r, "rtt", getattr(r, "time", None))
            out.append(None if rtt is None else float(rtt))
    out += [None] * (count - len(out))
    return (str(ip) if ip else None), out, int(getattr(res, "ttl", 64) or 64)


def nslookup(cluster: Cluster, name: str, pod: dict | None) -> tuple[str, int]:
    """busybox nslookup's text and exit status (the network layer renders it)."""
    dns = _net().dns
    for fn_name in ("nslookup", "render_nslookup", "busybox_nslookup", "nslookup_text"):
        fn = getattr(dns, fn_name, None)
        if fn is not None:
            out = fn(cluster, name, pod=pod)
            if isinstance(out, tuple):
                return str(out[0]), int(out[1])
            text = str(out)
            return text, 1 if "NXDOMAIN" in text or "can't find" in text else 0
    raise NoNetwork("dns has no nslookup renderer")


def resolv_conf(cluster: Cluster, pod: dict) -> str:
    return _net().dns.resolv_conf(cluster, pod)
