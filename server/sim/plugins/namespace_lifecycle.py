"""The NamespaceLifecycle admission plugin (k8s.io/apiserver pkg/admission/plugin/namespace/lifecycle).

Owns: refusing new content in a namespace that does not exist (``namespaces "x" not found``) or is
being terminated (``unable to create new content in namespace foo because it is being terminated``,
with the ``NamespaceTerminating`` cause), and refusing the deletion of the immortal namespaces
kube-apiserver v1.32 configures (``default``, ``kube-system``, ``kube-public``:
``namespaces "default" is forbidden: this namespace may not be deleted``). Updates and deletions of
content in a terminating namespace are allowed (the namespace controller needs them), and so is
every operation on cluster-scoped objects and on Namespaces themselves.

Hands off: the deletion check is ``admit_delete``, which the apiserver's delete path calls before the
namespace registry marks a namespace Terminating (``controllers/namespace.py delete_namespace``).
"""

from __future__ import annotations

from typing import Any

from ..resources import BY_KIND
from .errors import forbidden

#: kube-apiserver's immortalNamespaces (pkg/kubeapiserver/admission: metav1.NamespaceDefault,
#: NamespaceSystem, NamespacePublic); kube-node-lease may be deleted (the apiserver recreates it)
IMMORTAL = frozenset({"default", "kube-system", "kube-public"})


def admit(operation: str, obj: dict, old: dict | None, api: Any) -> None:
    if operation != "CREATE" or not isinstance(obj.get("metadata"), dict):
        return
    r = BY_KIND.get(obj.get("kind") or "")
    if r is None or not r.namespaced or r.kind == "Namespace":
        return
    ns = obj["metadata"].get("namespace") or ""
    namespace = api.store.peek("Namespace", "", ns)
    if namespace is None:
        if ns == "default":  # an empty test cluster has no Namespace objects; a real one always has this one
            return
        from ..api import ApiError

        raise ApiError(404, "NotFound", f'namespaces "{ns}" not found',
                       details={"name": ns, "kind": "namespaces"})
    if (namespace.get("status") or {}).get("phase") == "Terminating":
        raise forbidden(obj, f"unable to create new content in namespace {ns} because it is being terminated",
                        causes=[{"reason": "NamespaceTerminating", "message": f"namespace {ns} is being terminated",
                                 "field": "metadata.namespace"}])


def admit_delete(kind: str, name: str) -> None:
    """The plugin's Delete check: an immortal namespace may not be deleted."""
    if kind == "Namespace" and name in IMMORTAL:
        raise forbidden({"kind": "Namespace", "metadata": {"name": name}}, "this namespace may not be deleted")
