"""API discovery documents, as a default kubeadm v1.32 apiserver answers them.

Owns: the bodies of ``GET /version``, ``/api``, ``/apis``, ``/apis/<group>``, ``/api/v1`` and
``/apis/<group>/<version>`` (the legacy discovery kubectl used before v1.26), and the aggregated
``APIGroupDiscoveryList`` (apidiscovery.k8s.io/v2) that kubectl v1.32 asks for first. Every document
is a pure function of the served resource table ``server/sim/resources.py`` (``SERVED``: the
stored kinds and the review endpoints) and of the extra served versions of ``server/sim/versions.py``
(``autoscaling/v1`` after the preferred ``autoscaling/v2``), built as plain dicts
whose key order is the Go structs' field order, so ``json.dumps(doc, separators=(",", ":"))``
is byte for byte what the apiserver writes.

Mirrors: k8s.io/apiserver pkg/endpoints/installer.go (one ``metav1.APIResource`` per storage path,
paths sorted, verbs sorted, ``storageVersionHash`` only on top-level resources,
``ConvertGroupVersionIntoToDiscovery`` folding ``pods/log`` into its parent's subresources) and
kube-aggregator's APIService priorities (``GroupPriorityMinimum``), which order ``/apis`` and the
aggregated list alike.

Hands off: HTTP (content negotiation, ETag, 304) to ``server/web``; ``aggregated_etag`` gives the
ETag value the way ``aggregated.ServeHTTPWithETag`` computes it.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from . import versions as served_versions
from .bootstrap import K8S_VERSION
from .resources import SERVED, Resource, Subresource

#: kube-aggregator's ``GroupPriorityMinimum`` of the served groups (pkg/controlplane/apiserver/
#: aggregator.go ``apiVersionPriorities``); higher comes first. The core group is listed at /api.
GROUP_PRIORITY: dict[str, int] = {
    "": 18000,
    "apps": 17800,
    "authentication.k8s.io": 17700,
    "authorization.k8s.io": 17600,
    "autoscaling": 17500,
    "batch": 17400,
    "certificates.k8s.io": 17300,
    "networking.k8s.io": 17200,
    "policy": 17100,
    "rbac.authorization.k8s.io": 17000,
    "storage.k8s.io": 16800,
    "scheduling.k8s.io": 16600,
    "coordination.k8s.io": 16500,
    "discovery.k8s.io": 16200,
}

#: the media type of the aggregated discovery document, as client-go asks for it and as the
#: apiserver names it in Content-Type
AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
#: what kubectl / client-go v1.32 send as ``Accept`` to /api and /apis (discovery_client.go
#: ``acceptDiscoveryFormats``): aggregated v2, then v2beta1, then the legacy documents
KUBECTL_ACCEPT = (
    AGGREGATED_V2 + ",application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
    ",application/json"
)

#: the v1.32.4 release (the version the simulated nodes report, bootstrap.K8S_VERSION): its
#: ``kubeadm version`` reads GitCommit 59526cd4867447956156ae3a602fcbac10a2c335, BuildDate
#: 2025-04-22T16:02:27Z, GoVersion go1.23.6; every binary of a release is built from that commit
#: in the same job, so the apiserver's /version carries the same values.
_RELEASE = {
    "v1.32.4": ("59526cd4867447956156ae3a602fcbac10a2c335", "2025-04-22T16:02:27Z", "go1.23.6"),
}


def version_info() -> dict[str, str]:
    """``GET /version``: version.Info of the apiserver."""
    commit, built, go = _RELEASE[K8S_VERSION]
    major, minor = K8S_VERSION[1:].split(".")[:2]
    return {
        "major": major,
        "minor": minor,
        "gitVersion": K8S_VERSION,
        "gitCommit": commit,
        "gitTreeState": "clean",
        "buildDate": built,
        "goVersion": go,
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def api_versions(server_address: str) -> dict[str, Any]:
    """``GET /api``: APIVersions (no apiVersion field: the apiserver writes it unversioned)."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


@cache
def _groups() -> dict[str, dict[str, list[Resource]]]:
    """group -> version -> resources (sorted by plural), groups in priority order."""
    out: dict[str, dict[str, list[Resource]]] = {}
    for r in (*SERVED, *served_versions.resources()):  # an extra version after its stored (preferred) one
        out.setdefault(r.group, {}).setdefault(r.version, []).append(r)
    for versions in out.values():
        for rs in versions.values():
            rs.sort(key=lambda r: r.plural)
    return dict(sorted(out.items(), key=lambda kv: (-GROUP_PRIORITY.get(kv[0], 0), kv[0])))


def served_groups() -> list[str]:
    """The named API groups in /apis order (the core group "" is not one of them)."""
    return [g for g in _groups() if g]


def group_versions() -> list[str]:
    """Every served group/version in discovery order: ``v1`` first, then ``apps/v1``, ... — what
    ``kubectl api-versions`` collects (it prints them sorted)."""
    return [f"{g}/{v}" if g else v for g, versions in _groups().items() for v in versions]


def _gv(group: str, version: str) -> dict[str, str]:
    return {"groupVersion": f"{group}/{version}", "version": version}


def api_group(group: str) -> dict[str, Any] | None:
    """``GET /apis/<group>``: APIGroup; None for a group that is not served."""
    versions = _groups().get(group) if group else None
    if not versions:
        return None
    gvs = [_gv(group, v) for v in versions]
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": group,
        "versions": gvs,
        "preferredVersion": dict(gvs[0]),
    }


def api_group_list() -> dict[str, Any]:
    """``GET /apis``: APIGroupList in the aggregator's priority order."""
    groups = []
    for g in served_groups():
        doc = api_group(g)
        assert doc is not None
        groups.append({k: doc[k] for k in ("name", "versions", "preferredVersion")})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def _api_resource(r: Resource) -> dict[str, Any]:
    # metav1.APIResource field order: name, singularName, namespaced, group, version, kind, verbs,
    # shortNames, categories, storageVersionHash (the last three omitempty)
    entry: dict[str, Any] = {
        "name": r.plural,
        "singularName": r.singular,
        "namespaced": r.namespaced,
        "kind": r.kind,
        "verbs": sorted(r.verbs),
    }
    if r.short_names:
        entry["shortNames"] = list(r.short_names)
    if r.categories:
        entry["categories"] = list(r.categories)
    if r.stored:
        entry["storageVersionHash"] = r.storage_version_hash
    return entry


def _api_subresource(r: Resource, sub: Subresource) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": f"{r.plural}/{sub.name}", "singularName": "", "namespaced": r.namespaced}
    if sub.group:
        entry["group"] = sub.group
    if sub.version:
        entry["version"] = sub.version
    entry["kind"] = sub.kind
    entry["verbs"] = sorted(sub.verbs)
    return entry


def _resource_entries(resources: list[Resource]) -> list[dict[str, Any]]:
    """Every resource and subresource of one group/version, sorted by path as the installer does."""
    entries = []
    for r in resources:
        entries.append(_api_resource(r))
        entries.extend(_api_subresource(r, s) for s in r.subresources)
    entries.sort(key=lambda e: e["name"])
    return entries


def api_resource_list(group: str, version: str) -> dict[str, Any] | None:
    """``GET /api/v1`` (group "") or ``/apis/<group>/<version>``: APIResourceList; None when that
    group/version is not served. The core list has no apiVersion field, as the apiserver writes it."""
    resources = _groups().get(group, {}).get(version)
    if not resources:
        return None
    gv = f"{group}/{version}" if group else version
    doc: dict[str, Any] = {"kind": "APIResourceList"}
    if group:
        doc["apiVersion"] = "v1"
    doc["groupVersion"] = gv
    doc["resources"] = _resource_entries(resources)
    return doc


def _gvk(group: str, version: str, kind: str) -> dict[str, str]:
    return {"group": group, "version": version, "kind": kind}


def _discovery_resource(r: Resource) -> dict[str, Any]:
    # apidiscovery/v2 APIResourceDiscovery: resource, responseKind, scope, singularResource, verbs,
    # shortNames, categories, subresources (the last three omitempty). The response kind's group and
    # version are those of metav1.APIResource: empty unless the kind lives in another group.
    entry: dict[str, Any] = {
        "resource": r.plural,
        "responseKind": _gvk("", "", r.kind),
        "scope": "Namespaced" if r.namespaced else "Cluster",
        "singularResource": r.singular,
        "verbs": sorted(r.verbs),
    }
    if r.short_names:
        entry["shortNames"] = list(r.short_names)
    if r.categories:
        entry["categories"] = list(r.categories)
    if r.subresources:
        entry["subresources"] = [
            {
                "subresource": s.name,
                "responseKind": _gvk(s.group, s.version, s.kind),
                "verbs": sorted(s.verbs),
            }
            for s in sorted(r.subresources, key=lambda s: s.name)
        ]
    return entry


def aggregated_discovery(legacy: bool) -> dict[str, Any]:
    """The APIGroupDiscoveryList (apidiscovery.k8s.io/v2) for ``/api`` (legacy=True: the core group,
    whose name is empty and so absent from metadata) or ``/apis`` (every named group in priority order)."""
    items = []
    for group, versions in _groups().items():
        if bool(group) == legacy:
            continue
        meta: dict[str, Any] = {"name": group} if group else {}
        meta["creationTimestamp"] = None
        items.append(
            {
                "metadata": meta,
                "versions": [
                    {"version": v, "resources": [_discovery_resource(r) for r in rs], "freshness": "Current"}
                    for v, rs in versions.items()
                ],
            }
        )
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    }


def aggregated_etag(doc: dict[str, Any]) -> str:
    """The ETag value (unquoted; the header carries it in double quotes) of an aggregated document:
    upper-case hex sha512 of the compact JSON of ``APIGroupDiscoveryList{Items: ...}`` — the list
    without its TypeMeta, as aggregated/handler.go hands it to etag.go ``calculateETag``."""
    bare = {"metadata": {}, "items": doc["items"]}
    return hashlib.sha512(json.dumps(bare, separators=(",", ":")).encode()).hexdigest().upper()


def resources_in_category(category: str) -> list[Resource]:
    """The resources whose discovery lists ``category`` (``all``), in discovery order (groups by
    priority, then by name): the order kubectl's category expander returns them in."""
    return [
        r
        for versions in _groups().values()
        for rs in versions.values()
        for r in rs
        if category in r.categories and served_versions.served(r) is None
    ]
