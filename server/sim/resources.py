"""The API surface: which resource types exist, their group/version, names and scope.

Owns: the table that ``kubectl api-resources`` prints and that admission, kubectl name
resolution (``po``, ``deploy``, ``deployment.apps``) and the web layer all look kinds up in.
The pydantic model of each kind's real v1.32 schema is named here and imported lazily.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Resource:
    kind: str
    group: str  # "" for the core group
    version: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    model: str = ""  # "module:Class" under kubex.k8s.v1_32
    verbs: tuple[str, ...] = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def qualified(self) -> str:
        """``deployments.apps`` / ``pods``: the name kubectl prints in ``kind.group/name``."""
        return f"{self.singular}.{self.group}" if self.group else self.singular


_K = "kubex.k8s.v1_32."
RESOURCES: tuple[Resource, ...] = (
    Resource("Namespace", "", "v1", "namespaces", False, ("ns",), _K + "core.v1.namespace:Namespace"),
    Resource("Node", "", "v1", "nodes", False, ("no",), _K + "core.v1.node:Node"),
    Resource("Pod", "", "v1", "pods", True, ("po",), _K + "core.v1.pod:Pod"),
    Resource("Service", "", "v1", "services", True, ("svc",), _K + "core.v1.service:Service"),
    Resource("Endpoints", "", "v1", "endpoints", True, ("ep",), _K + "core.v1.endpoints:Endpoints"),
    Resource("ConfigMap", "", "v1", "configmaps", True, ("cm",), _K + "core.v1.config_map:ConfigMap"),
    Resource("Secret", "", "v1", "secrets", True, (), _K + "core.v1.secret:Secret"),
    Resource("ServiceAccount", "", "v1", "serviceaccounts", True, ("sa",), _K + "core.v1.service_account:ServiceAccount"),
    Resource("Event", "", "v1", "events", True, ("ev",), _K + "core.v1.event:Event"),
    Resource("ReplicaSet", "apps", "v1", "replicasets", True, ("rs",), _K + "apps.v1.replica_set:ReplicaSet"),
    Resource("Deployment", "apps", "v1", "deployments", True, ("deploy",), _K + "apps.v1.deployment:Deployment"),
    Resource("DaemonSet", "apps", "v1", "daemonsets", True, ("ds",), _K + "apps.v1.daemon_set:DaemonSet"),
    Resource("StatefulSet", "apps", "v1", "statefulsets", True, ("sts",), _K + "apps.v1.stateful_set:StatefulSet"),
    Resource("ControllerRevision", "apps", "v1", "controllerrevisions", True, (), _K + "apps.v1.controller_revision:ControllerRevision"),
    Resource("Job", "batch", "v1", "jobs", True, (), _K + "batch.v1.job:Job"),
    Resource("CronJob", "batch", "v1", "cronjobs", True, ("cj",), _K + "batch.v1.cron_job:CronJob"),
    Resource("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", True, (), _K + "discovery.v1.endpoint_slice:EndpointSlice"),
    Resource("Lease", "coordination.k8s.io", "v1", "leases", True, (), _K + "coordination.v1.lease:Lease"),
)

BY_KIND: dict[str, Resource] = {r.kind: r for r in RESOURCES}

#: API versions that Kubernetes removed, with how to write the kind today (for the hint line).
REMOVED_VERSIONS: dict[str, str] = {
    "extensions/v1beta1": "apps/v1 (Deployment, ReplicaSet, DaemonSet) or networking.k8s.io/v1 (Ingress)",
    "apps/v1beta1": "apps/v1",
    "apps/v1beta2": "apps/v1",
    "batch/v1beta1": "batch/v1",
    "batch/v2alpha1": "batch/v1",
}


def lookup(name: str) -> Resource | None:
    """Resolve what a user typed: ``pods``, ``pod``, ``po``, ``Pod``, ``deployments.apps``, ``deploy``."""
    name = name.strip()
    base, _, group = name.partition(".")
    low = base.lower()
    for r in RESOURCES:
        if low in (r.plural, r.singular, *r.short_names) or base == r.kind:
            if not group or group == r.group:
                return r
    return None


def for_api_version(api_version: str, kind: str) -> Resource | None:
    r = BY_KIND.get(kind)
    if r is None or r.api_version != api_version:
        return None
    return r


@cache
def model_class(kind: str) -> type:
    """The pydantic model of ``kind``'s v1.32 schema."""
    module, _, cls = BY_KIND[kind].model.partition(":")
    return getattr(importlib.import_module(module), cls)
