"""Releases stored as helm v3 stores them: one Secret per revision (pkg/storage/driver/secrets.go).

Owns: ``Release`` (release.Release: name, namespace, revision, status, the chart, the user's
config, the manifest, hooks, notes, times), its JSON (json.Marshal's field names and
``omitempty``s, times as RFC 3339 with nanoseconds), ``encode``/``decode`` (base64 of the gzipped
JSON, what the Secret's ``data.release`` holds — base64 once more in the API, as on a real
cluster), ``secret_name`` (``sh.helm.release.v1.NAME.vREV``), and the storage calls through the
cluster's API: ``create`` (labels ``name owner=helm status version createdAt``), ``update``
(the Secret rewritten, ``modifiedAt`` instead of ``createdAt``, as helm's Update does),
``delete``, ``history(name, ns)`` and ``releases(ns|None)``, read from the store by the
``owner=helm`` label.

Hands off: objects to the cluster's API (``c.api``); what to store to ``cli``.
"""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..sim.api import ApiError
from .chart import Chart

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

SECRET_TYPE = "helm.sh/release.v1"
#: the field manager helm's kube client writes with
MANAGER = "helm"


def go_time_json(t: float) -> str:
    """time.Time's MarshalJSON (RFC 3339 with nanoseconds, trailing zeros dropped) in UTC."""
    d = datetime.fromtimestamp(t, UTC)
    frac = f"{round((t - int(t)) * 1e9):09d}".rstrip("0") if t != int(t) else ""
    return d.strftime("%Y-%m-%dT%H:%M:%S") + (f".{frac}" if frac else "") + "Z"


def go_time_string(t: float) -> str:
    """time.Time's String() (``2006-01-02 15:04:05.999999999 -0700 MST``) in UTC."""
    d = datetime.fromtimestamp(t, UTC)
    frac = f"{round((t - int(t)) * 1e9):09d}".rstrip("0") if t != int(t) else ""
    return d.strftime("%Y-%m-%d %H:%M:%S") + (f".{frac}" if frac else "") + " +0000 UTC"


def go_ansic(t: float) -> str:
    """time.ANSIC: ``Mon Jan _2 15:04:05 2006``."""
    d = datetime.fromtimestamp(t, UTC)
    return d.strftime("%a %b ") + f"{d.day:>2}" + d.strftime(" %H:%M:%S %Y")


def parse_time(text: str) -> float:
    """helm's time JSON back to seconds ("" and Go's zero time are 0)."""
    if not text or text.startswith("0001-01-01"):
        return 0.0
    base, _, frac = text.rstrip("Z").partition(".")
    t = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC).timestamp()
    return t + (int(frac.ljust(9, "0")[:9]) / 1e9 if frac else 0.0)


@dataclass
class Release:
    name: str
    namespace: str
    version: int
    chart: Chart
    config: dict[str, Any]
    status: str = "unknown"
    description: str = ""
    first_deployed: float = 0.0
    last_deployed: float = 0.0
    deleted: float = 0.0
    notes: str = ""
    manifest: str = ""
    hooks: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        # helm's pkg/time.Time: a zero time is "" in JSON (omitempty does not apply to a struct)
        info: dict[str, Any] = {"first_deployed": go_time_json(self.first_deployed) if self.first_deployed else "",
                                "last_deployed": go_time_json(self.last_deployed) if self.last_deployed else "",
                                "deleted": go_time_json(self.deleted) if self.deleted else ""}
        if self.description:
            info["description"] = self.description
        info["status"] = self.status
        if self.notes:
            info["notes"] = self.notes
        out: dict[str, Any] = {"name": self.name, "info": info, "chart": self.chart.to_json()}
        if self.config:
            out["config"] = self.config
        if self.manifest:
            out["manifest"] = self.manifest
        if self.hooks:
            out["hooks"] = self.hooks
        out["version"] = self.version
        out["namespace"] = self.namespace
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Release:
        info = data.get("info") or {}
        return cls(name=data.get("name", ""), namespace=data.get("namespace", ""), version=data.get("version", 0),
                   chart=Chart.from_json(data.get("chart") or {}), config=data.get("config") or {},
                   status=info.get("status", ""), description=info.get("description", ""),
                   first_deployed=parse_time(info.get("first_deployed", "")),
                   last_deployed=parse_time(info.get("last_deployed", "")),
                   deleted=parse_time(info.get("deleted", "")), notes=info.get("notes", ""),
                   manifest=data.get("manifest", ""), hooks=data.get("hooks") or [])


def encode(rel: Release) -> str:
    """driver.encodeRelease: base64(gzip(json)) with gzip's best compression (mtime 0, as Go writes it)."""
    raw = json.dumps(rel.to_json(), separators=(",", ":"), ensure_ascii=False).encode()
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode()


def decode(data: str) -> Release:
    raw = base64.b64decode(data)
    if raw[:3] == b"\x1f\x8b\x08":
        raw = gzip.decompress(raw)
    return Release.from_json(json.loads(raw))


def secret_name(name: str, version: int) -> str:
    return f"sh.helm.release.v1.{name}.v{version}"


def _secret(rel: Release, stamp: tuple[str, str]) -> dict[str, Any]:
    labels = {stamp[0]: stamp[1], "name": rel.name, "owner": "helm", "status": rel.status,
              "version": str(rel.version)}
    return {"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": secret_name(rel.name, rel.version), "namespace": rel.namespace, "labels": labels},
            "type": SECRET_TYPE,
            "data": {"release": base64.b64encode(encode(rel).encode()).decode()}}


def create(cluster: Cluster, rel: Release) -> None:
    cluster.api.create(_secret(rel, ("createdAt", str(int(cluster.clock.now())))), manager=MANAGER)


def update(cluster: Cluster, rel: Release) -> None:
    obj = _secret(rel, ("modifiedAt", str(int(cluster.clock.now()))))
    cluster.api.replace(obj, manager=MANAGER)


def delete(cluster: Cluster, rel: Release) -> None:
    try:
        cluster.api.delete("Secret", rel.namespace, secret_name(rel.name, rel.version))
    except ApiError:
        pass


def _decode_secret(obj: dict[str, Any]) -> Release | None:
    data = (obj.get("data") or {}).get("release")
    if not data:
        return None
    try:
        return decode(base64.b64decode(data).decode())
    except (ValueError, OSError, KeyError):
        return None


def releases(cluster: Cluster, namespace: str | None) -> list[Release]:
    """Every stored revision (of ``namespace``, or all), oldest first per release."""
    out = []
    for obj in cluster.store.scan("Secret", namespace, {"owner": "helm"}):
        if obj.get("type") != SECRET_TYPE:
            continue
        rel = _decode_secret(obj)
        if rel is not None:
            out.append(rel)
    out.sort(key=lambda r: (r.namespace, r.name, r.version))
    return out


def history(cluster: Cluster, name: str, namespace: str) -> list[Release]:
    out = []
    for obj in cluster.store.scan("Secret", namespace, {"owner": "helm", "name": name}):
        rel = _decode_secret(obj)
        if rel is not None and rel.name == name:
            out.append(rel)
    return sorted(out, key=lambda r: r.version)


def last(cluster: Cluster, name: str, namespace: str) -> Release | None:
    h = history(cluster, name, namespace)
    return h[-1] if h else None
