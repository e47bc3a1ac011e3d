"""kubectl's requests made as someone else: the one place where kubeplay's kubectl is authorized.

kubectl sends every request with the kubeconfig's credentials (the workstation's admin); with the
global ``--as``/``--as-group``/``--as-uid`` flags the apiserver impersonates that user and authorizes
each request as them. The engine's verbs do not make HTTP requests: they read ``cluster.store`` and
write through ``cluster.api``. So an impersonated command runs against ``AuthorizedCluster``, a view of
the cluster whose ``store`` reads and ``api`` writes are first authorized, as the apiserver would
authorize the request that read or write stands for (a ``get``/``peek`` is a GET of one object, a
``scan``/``list`` a list in its namespace or across all, ``create`` a POST, ``replace`` the command's
PATCH or PUT, ``delete`` a DELETE, ``apply`` its GET and then its PATCH or POST) and Role,
ClusterRole and binding writes pass the RBAC registry's escalation check. A denial is the ApiError
the apiserver answers (``server.sim.authorization``), so every verb prints it in its own words, as
kubectl prints the 403. ``check`` is for the requests a verb makes that are no store read or api write
(``logs``: ``get pods/log``).

Hands off: the decision and the words to ``server.sim.authorization``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..sim import authorization, authz
from ..sim.resources import BY_KIND, Resource

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

#: commands whose writes of an existing object kubectl sends as a PATCH (every other replace is a PUT)
PATCH_COMMANDS = ("annotate", "label", "taint", "scale", "set", "patch", "edit", "rollout", "cordon", "uncordon",
                  "drain", "apply", "autoscale", "diff")
#: commands that only ask the review APIs (every authenticated user may), answered for the user itself
REVIEW_COMMANDS = ("auth can-i", "auth whoami")


def _resource(kind: str) -> Resource | None:
    return BY_KIND.get(kind)


class _Door:
    """What both views share: who asks, and the check of one request."""

    def __init__(self, cluster: Cluster, user: authz.UserInfo) -> None:
        self._cluster = cluster
        self.user = user

    def _check(self, verb: str, kind: str, namespace: str | None, name: str = "", subresource: str = "") -> None:
        r = _resource(kind)
        if r is None:
            return  # not an API kind (the simulation's own records): no request stands for it
        ns = (namespace or "") if r.namespaced else ""
        authorization.check(self._cluster.store, self.user,
                            authorization.resource_attributes(verb, r.plural, r.group, ns, name, subresource))


class AuthorizedStore(_Door):
    """``cluster.store`` for a command run as ``user``: its reads authorized first."""

    def get(self, kind: str, namespace: str, name: str) -> Any:
        self._check("get", kind, namespace, name)
        return self._cluster.store.get(kind, namespace, name)

    def peek(self, kind: str, namespace: str, name: str) -> Any:
        self._check("get", kind, namespace, name)
        return self._cluster.store.peek(kind, namespace, name)

    def scan(self, kind: str, namespace: str | None = None, *args: Any, **kwargs: Any) -> Any:
        self._check("list", kind, namespace)
        return self._cluster.store.scan(kind, namespace, *args, **kwargs)

    def list(self, kind: str, namespace: str | None = None, *args: Any, **kwargs: Any) -> Any:
        self._check("list", kind, namespace)
        return self._cluster.store.list(kind, namespace, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cluster.store, name)


class AuthorizedApi(_Door):
    """``cluster.api`` for a command run as ``user``: its writes authorized first."""

    def __init__(self, cluster: Cluster, user: authz.UserInfo, write_verb: str) -> None:
        super().__init__(cluster, user)
        self._write_verb = write_verb

    def _namespace(self, obj: Any, namespace: str | None) -> str:
        meta = obj.get("metadata") if isinstance(obj, dict) else None
        return (meta or {}).get("namespace") or namespace or "default"

    def _name(self, obj: Any) -> str:
        meta = obj.get("metadata") if isinstance(obj, dict) else None
        name = (meta or {}).get("name")
        return name if isinstance(name, str) else ""

    def _escalation(self, obj: Any, namespace: str) -> None:
        """The registry's escalation check of the object as it will be stored: in its namespace."""
        if isinstance(obj, dict) and obj.get("kind") in ("Role", "RoleBinding"):
            obj = {**obj, "metadata": {**(obj.get("metadata") or {}), "namespace": namespace}}
        authorization.check_escalation(self._cluster.store, self.user, obj)

    def get(self, kind: str, namespace: str, name: str) -> Any:
        self._check("get", kind, namespace, name)
        return self._cluster.api.get(kind, namespace, name)

    def create(self, obj: Any, namespace: str | None = None, *args: Any, **kwargs: Any) -> Any:
        self._check("create", obj.get("kind", ""), self._namespace(obj, namespace))
        self._escalation(obj, self._namespace(obj, namespace))
        return self._cluster.api.create(obj, namespace, *args, **kwargs)

    def replace(self, obj: Any, namespace: str | None = None, *args: Any, **kwargs: Any) -> Any:
        sub = kwargs.get("subresource") or ""
        self._check(self._write_verb, obj.get("kind", ""), self._namespace(obj, namespace), self._name(obj), sub)
        if not sub:
            self._escalation(obj, self._namespace(obj, namespace))
        return self._cluster.api.replace(obj, namespace, *args, **kwargs)

    def update_status(self, obj: Any) -> Any:
        self._check("update", obj.get("kind", ""), self._namespace(obj, None), self._name(obj), "status")
        return self._cluster.api.update_status(obj)

    def apply(self, obj: Any, namespace: str | None = None, *args: Any, **kwargs: Any) -> Any:
        """``kubectl apply``'s requests: the GET of the live object, then its PATCH or its POST."""
        kind, ns, name = obj.get("kind", ""), self._namespace(obj, namespace), self._name(obj)
        self._check("get", kind, ns, name)
        r = _resource(kind)
        live = self._cluster.store.peek(kind, ns if r is None or r.namespaced else "", name)
        self._check("patch" if live is not None else "create", kind, ns, name if live is not None else "")
        self._escalation(obj, ns)
        return self._cluster.api.apply(obj, namespace, *args, **kwargs)

    def delete(self, kind: str, namespace: str, name: str, *args: Any, **kwargs: Any) -> Any:
        self._check("delete", kind, namespace, name)
        return self._cluster.api.delete(kind, namespace, name, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cluster.api, name)


class AuthorizedCluster:
    """The cluster as a command run as ``user`` sees it: ``store`` and ``api`` authorized, the rest
    (clock, runtime, workspace, controllers, ``settle``) the cluster's own."""

    def __init__(self, cluster: Cluster, user: authz.UserInfo, write_verb: str = "update") -> None:
        self.unwrapped = cluster
        self.user = user
        self.store = AuthorizedStore(cluster, user)
        self.api = AuthorizedApi(cluster, user, write_verb)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unwrapped, name)


def for_command(cluster: Cluster, command: str, user: authz.UserInfo) -> Any:
    """The cluster a command acts on: the cluster itself for the admin (system:masters may do
    anything) and for the review commands, else the ``AuthorizedCluster`` of ``user``."""
    if authz.SYSTEM_MASTERS in user.groups or command in REVIEW_COMMANDS:
        return cluster
    verb = "patch" if command.split(" ")[0] in PATCH_COMMANDS else "update"
    return AuthorizedCluster(cluster, user, verb)


def raw(cluster: Any) -> Any:
    """The cluster itself behind an impersonated view: for what a verb looks at that is no request
    of kubectl's (its own bookkeeping, such as the uid ``delete --wait`` waits for)."""
    return cluster.unwrapped if isinstance(cluster, AuthorizedCluster) else cluster


def check(cluster: Any, verb: str, kind: str, namespace: str, name: str = "", subresource: str = "") -> None:
    """Authorize a request a verb makes beside its store reads and api writes (a subresource such
    as ``pods/log``): nothing for a cluster that is not an impersonated view."""
    if isinstance(cluster, AuthorizedCluster):
        cluster.store._check(verb, kind, namespace, name, subresource)
