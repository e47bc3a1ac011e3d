"""The API surface: which resource types exist, their group/version, names and scope.

Owns: the table that API discovery (``server/sim/discovery.py``, and so ``kubectl api-resources``)
is built from and that admission, kubectl name resolution (``po``, ``deploy``, ``deployment.apps``)
and the web layer all look kinds up in: per kind its scope, verbs, short names, categories and
subresources as a v1.32 apiserver lists them, and its storageVersionHash.
Schemas are not here: they come from the vendored OpenAPI documents (``server/sim/openapi.py``).
``RESOURCES`` are the stored kinds (what the store, admission and kubectl's name resolution know);
``REVIEWS`` the create-only review endpoints, answered and never stored; ``SERVED`` both, for
discovery and the REST API's routes.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

#: the verbs of a resource whose storage supports every REST operation (sorted, as discovery lists them)
ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
_STATUS_VERBS = ("get", "patch", "update")
_PROXY_VERBS = ("create", "delete", "get", "patch", "update")


@dataclass(frozen=True)
class Subresource:
    """One ``<plural>/<name>`` endpoint as discovery lists it.

    ``kind`` is the object the endpoint takes or returns (``Scale``, ``PodExecOptions``, the parent's
    kind for ``status``); ``group``/``version`` are set only where that kind lives in another API group
    (``autoscaling/v1`` Scale, ``policy/v1`` Eviction), exactly as ``metav1.APIResource`` carries them.
    """

    name: str
    kind: str
    verbs: tuple[str, ...]
    group: str = ""
    version: str = ""


def _status(kind: str) -> Subresource:
    return Subresource("status", kind, _STATUS_VERBS)


def _scale() -> Subresource:
    return Subresource("scale", "Scale", _STATUS_VERBS, "autoscaling", "v1")


@dataclass(frozen=True)
class Resource:
    kind: str
    group: str  # "" for the core group
    version: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ALL_VERBS  # sorted, as the apiserver's installer lists them
    categories: tuple[str, ...] = ()
    subresources: tuple[Subresource, ...] = ()  # sorted by name, as discovery lists them
    #: False for the review endpoints, whose objects are answered and never stored (no
    #: storageVersionHash in discovery, nothing in the store)
    stored: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        """``singularName`` in discovery: the lower-cased kind for every built-in type."""
        return self.kind.lower()

    @property
    def qualified(self) -> str:
        """``deployments.apps`` / ``pods``: the name kubectl prints in ``kind.group/name``."""
        return f"{self.singular}.{self.group}" if self.group else self.singular

    @property
    def storage_version_hash(self) -> str:
        """``storageVersionHash`` as ``discovery.StorageVersionHash`` computes it (k8s.io/apiserver
        pkg/endpoints/discovery/storageversionhash.go): base64 of the first 8 bytes of
        sha256("group/version/kind") of the storage version, which is the served version here."""
        gvk = f"{self.group}/{self.version}/{self.kind}"
        return base64.b64encode(hashlib.sha256(gvk.encode()).digest()[:8]).decode()


#: Verbs, short names, categories and subresources as a default kubeadm v1.32 apiserver lists them
#: (kubernetes/kubernetes api/discovery/api__v1.json, apis__apps__v1.json, ...). Feature-gated
#: endpoints that are off by default in v1.32 are left out: pods/resize (InPlacePodVerticalScaling,
#: alpha) and pods/checkpoint (newer than v1.32).
RESOURCES: tuple[Resource, ...] = (
    Resource("Namespace", "", "v1", "namespaces", False, ("ns",),
             verbs=("create", "delete", "get", "list", "patch", "update", "watch"),
             subresources=(Subresource("finalize", "Namespace", ("update",)), _status("Namespace"))),
    Resource("Node", "", "v1", "nodes", False, ("no",),
             subresources=(Subresource("proxy", "NodeProxyOptions", _PROXY_VERBS), _status("Node"))),
    Resource("Pod", "", "v1", "pods", True, ("po",), categories=("all",),
             subresources=(
                 Subresource("attach", "PodAttachOptions", ("create", "get")),
                 Subresource("binding", "Binding", ("create",)),
                 Subresource("ephemeralcontainers", "Pod", _STATUS_VERBS),
                 Subresource("eviction", "Eviction", ("create",), "policy", "v1"),
                 Subresource("exec", "PodExecOptions", ("create", "get")),
                 Subresource("log", "Pod", ("get",)),
                 Subresource("portforward", "PodPortForwardOptions", ("create", "get")),
                 Subresource("proxy", "PodProxyOptions", _PROXY_VERBS),
                 _status("Pod"),
             )),
    Resource("Service", "", "v1", "services", True, ("svc",), categories=("all",),
             subresources=(Subresource("proxy", "ServiceProxyOptions", _PROXY_VERBS), _status("Service"))),
    Resource("Endpoints", "", "v1", "endpoints", True, ("ep",)),
    Resource("ConfigMap", "", "v1", "configmaps", True, ("cm",)),
    Resource("Secret", "", "v1", "secrets", True, ()),
    Resource("ServiceAccount", "", "v1", "serviceaccounts", True, ("sa",),
             subresources=(Subresource("token", "TokenRequest", ("create",), "authentication.k8s.io", "v1"),)),
    Resource("Event", "", "v1", "events", True, ("ev",)),
    Resource("PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", True, ("pvc",),
             subresources=(_status("PersistentVolumeClaim"),)),
    Resource("PersistentVolume", "", "v1", "persistentvolumes", False, ("pv",),
             subresources=(_status("PersistentVolume"),)),
    Resource("LimitRange", "", "v1", "limitranges", True, ("limits",)),
    Resource("ResourceQuota", "", "v1", "resourcequotas", True, ("quota",),
             subresources=(_status("ResourceQuota"),)),
    Resource("ReplicaSet", "apps", "v1", "replicasets", True, ("rs",),
             categories=("all",), subresources=(_scale(), _status("ReplicaSet"))),
    Resource("Deployment", "apps", "v1", "deployments", True, ("deploy",),
             categories=("all",), subresources=(_scale(), _status("Deployment"))),
    Resource("DaemonSet", "apps", "v1", "daemonsets", True, ("ds",),
             categories=("all",), subresources=(_status("DaemonSet"),)),
    Resource("StatefulSet", "apps", "v1", "statefulsets", True, ("sts",),
             categories=("all",), subresources=(_scale(), _status("StatefulSet"))),
    Resource("ControllerRevision", "apps", "v1", "controllerrevisions", True, ()),
    Resource("Job", "batch", "v1", "jobs", True, (), categories=("all",),
             subresources=(_status("Job"),)),
    Resource("CronJob", "batch", "v1", "cronjobs", True, ("cj",),
             categories=("all",), subresources=(_status("CronJob"),)),
    Resource("CertificateSigningRequest", "certificates.k8s.io", "v1", "certificatesigningrequests", False, ("csr",),
             subresources=(Subresource("approval", "CertificateSigningRequest", _STATUS_VERBS),
                           _status("CertificateSigningRequest"))),
    Resource("HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers", True, ("hpa",),
             categories=("all",), subresources=(_status("HorizontalPodAutoscaler"),)),
    Resource("Ingress", "networking.k8s.io", "v1", "ingresses", True, ("ing",),
             subresources=(_status("Ingress"),)),
    Resource("IngressClass", "networking.k8s.io", "v1", "ingressclasses", False, ()),
    Resource("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", True, ("netpol",)),
    Resource("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", True, ("pdb",),
             subresources=(_status("PodDisruptionBudget"),)),
    Resource("ClusterRoleBinding", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", False, ()),
    Resource("ClusterRole", "rbac.authorization.k8s.io", "v1", "clusterroles", False, ()),
    Resource("RoleBinding", "rbac.authorization.k8s.io", "v1", "rolebindings", True, ()),
    Resource("Role", "rbac.authorization.k8s.io", "v1", "roles", True, ()),
    Resource("StorageClass", "storage.k8s.io", "v1", "storageclasses", False, ("sc",)),
    Resource("PriorityClass", "scheduling.k8s.io", "v1", "priorityclasses", False, ("pc",)),
    Resource("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", True, ()),
    Resource("Lease", "coordination.k8s.io", "v1", "leases", True, ()),
)

BY_KIND: dict[str, Resource] = {r.kind: r for r in RESOURCES}

#: The review endpoints of a v1.32 apiserver that kubeplay answers (``create`` only; a review is
#: computed from the store by ``server/sim/authz.py`` and returned, never stored): what ``kubectl auth
#: can-i`` (``--list``) and ``auth whoami`` post. authentication.k8s.io's ``tokenreviews`` is not served.
REVIEWS: tuple[Resource, ...] = (
    Resource("LocalSubjectAccessReview", "authorization.k8s.io", "v1", "localsubjectaccessreviews", True,
             verbs=("create",), stored=False),
    Resource("SelfSubjectAccessReview", "authorization.k8s.io", "v1", "selfsubjectaccessreviews", False,
             verbs=("create",), stored=False),
    Resource("SelfSubjectRulesReview", "authorization.k8s.io", "v1", "selfsubjectrulesreviews", False,
             verbs=("create",), stored=False),
    Resource("SubjectAccessReview", "authorization.k8s.io", "v1", "subjectaccessreviews", False,
             verbs=("create",), stored=False),
    Resource("SelfSubjectReview", "authentication.k8s.io", "v1", "selfsubjectreviews", False,
             verbs=("create",), stored=False),
)

#: every resource discovery lists and the REST API routes: the stored kinds, then the reviews
SERVED: tuple[Resource, ...] = RESOURCES + REVIEWS

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
