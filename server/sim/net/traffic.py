"""The traffic log: every request the simulated applications saw, for the page to animate.

Owns: ``cluster.traffic``, a bounded log of request records with increasing ids (id, virtual
time, kind, source, target text, service, hops, answering pod and node, ok, error, HTTP status,
the NetworkPolicies that dropped it),
``since(cluster, id)`` for the web layer's incremental reads, and ``send`` — N requests from one
client to one target, returning how they spread over the pods (the page's "send traffic"
control and its histogram).

Hands off: ``apps.http``/``apps.tcp`` call ``record`` for each request; the web layer emits new
records on the ``traffic`` socket event and records ``send`` calls in the sandbox's op log (the
requests draw on the cluster's seeded RNG, so a replay must make the same calls in order).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..cluster import Cluster
    from .proxy import Route, Source

#: records kept (the page animates the last few and histograms a send; older ones are dropped)
MAX_RECORDS = 2000


class TrafficLog:
    def __init__(self, maxlen: int = MAX_RECORDS) -> None:
        self.records: deque[dict[str, Any]] = deque(maxlen=maxlen)
        self.last_id = 0

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        self.last_id += 1
        record = dict(record, id=self.last_id)
        self.records.append(record)
        return record

    def since(self, last_id: int) -> list[dict[str, Any]]:
        if not self.records or last_id >= self.last_id:
            return []
        return [r for r in self.records if r["id"] > last_id]


def log(cluster: Cluster) -> TrafficLog:
    t = getattr(cluster, "traffic", None)
    if t is None:
        t = TrafficLog()
        cluster.traffic = t  # type: ignore[attr-defined]
    return t


def since(cluster: Cluster, last_id: int = 0) -> list[dict[str, Any]]:
    """Records with an id greater than ``last_id``, oldest first."""
    return log(cluster).since(last_id)


def record(cluster: Cluster, *, kind: str, source: Source, target: str, route: Route | None,
           ok: bool, error: str | None = None, status: int | None = None) -> dict[str, Any]:
    svc = route.service if route is not None else None
    pod = route.pod if route is not None else None
    return log(cluster).append({
        "time": cluster.clock.iso(),
        "t": cluster.clock.now(),
        "kind": kind,
        "source": source.text,
        "source_ip": route.source_ip if route is not None else None,
        "target": target,
        "service": f"{svc[0]}/{svc[1]}" if svc else None,
        "hops": [dict(h) for h in route.hops] if route is not None else [],
        "failed_at": route.failed_at if route is not None else None,
        "pod": f"{pod[0]}/{pod[1]}" if pod else None,
        "node": route.node if route is not None else None,
        "ok": ok,
        "error": error,
        "status": status,
        "dropped_by": list(route.dropped_by) if route is not None else [],
    })


def send(cluster: Cluster, source: Source, target: str, count: int) -> dict[str, Any]:
    """Fire ``count`` HTTP GETs at ``target`` (a URL, ``host``, ``host:port``) from ``source`` and
    say where they landed: ``{"pods": {"ns/name": n}, "errors": {"Connection refused": n},
    "ok": n, "failed": n, "first_id": id, "last_id": id}``. They are fired at once, none waiting for
    the previous answer (the pods' request counters, and so their CPU usage, count them all)."""
    from . import apps

    url = target if "://" in target else f"http://{target}"
    count = max(0, min(int(count), 1000))
    pods: dict[str, int] = {}
    errors: dict[str, int] = {}
    first = log(cluster).last_id + 1
    for _ in range(count):
        res = apps.http(cluster, source, url, user_agent="kubeplay-traffic")
        if res.route is not None and res.error is None:
            r = res.route
            key = f"{r.pod[0]}/{r.pod[1]}" if r.pod is not None else (r.external_ip or "")
            pods[key] = pods.get(key, 0) + 1
        elif res.error is not None:
            errors[res.error] = errors.get(res.error, 0) + 1
    ok = sum(pods.values())
    return {"pods": dict(sorted(pods.items())), "errors": dict(sorted(errors.items())), "ok": ok,
            "failed": sum(errors.values()), "first_id": first, "last_id": log(cluster).last_id}
