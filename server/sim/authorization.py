"""Whether a request may be served, and the apiserver's words when it may not: one decision for the
REST API (``server/web/k8s.py``) and kubeplay's kubectl (``server/kubectl/authorized.py``) alike.

Owns: a request's authorizer attributes (``request_attributes``: the RequestInfo kube-apiserver builds
from the method, path and query — a resource request's verb ``get``/``list``/``watch``/``create``/
``update``/``patch``/``delete``/``deletecollection``, its API group, namespace, resource, name and
subresource; anything else a non-resource request whose verb is the lower-cased method), the check
itself (``check``: the authorizer chain of ``server.sim.authz``; a denial raises ``forbidden``), the
403 Status (``forbidden``: responsewriters.Forbidden's message over apierrors.NewForbidden, with RBAC's
reason appended) and the RBAC registry's escalation refusal (``check_escalation``).

Mirrors: k8s.io/apiserver pkg/endpoints/request/requestinfo.go (``NewRequestInfo``: ``/api/v1/...``,
``/apis/<group>/<version>/...``, ``/namespaces/<ns>/<resource>/<name>/<subresource>``, a Namespace's
own path naming its namespace, a list narrowed to one name by a ``metadata.name`` field selector),
pkg/endpoints/filters/authorization.go (``WithAuthorization``: allowed, else Forbidden with the
authorizers' reason), pkg/endpoints/handlers/responsewriters/errors.go (``forbiddenMessage``) and
pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased (the escalation
check, answered as ``NewForbidden(groupResource, name, err)``).

Reads: the RBAC objects in the store (through ``server.sim.authz``); writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import authz
from .api import ApiError
from .golang import quote
from .validation.rbac import RBAC_GROUP, escalation_message

#: the RBAC kinds whose create and update the policy-based registry checks for escalation
RBAC_PLURALS = {"Role": "roles", "ClusterRole": "clusterroles", "RoleBinding": "rolebindings",
                "ClusterRoleBinding": "clusterrolebindings"}
#: requestinfo.go's namespaceSubresources: ``/api/v1/namespaces/<name>/<sub>`` is a Namespace's own
_NAMESPACE_SUBRESOURCES = ("status", "finalize")
_METHOD_VERBS = {"POST": "create", "GET": "get", "HEAD": "get", "PUT": "update", "PATCH": "patch",
                 "DELETE": "delete"}


def _query_bool(value: str | None) -> bool:
    """The parameter codec's string → bool (``Convert_Slice_string_To_bool``): absent is false,
    "0", "f" and "false" (any case) are false, anything else true."""
    if value is None:
        return False
    return value != "0" and value.lower() not in ("f", "false")


def _exact_name(field_selector: str) -> str:
    """``fields.Selector.RequiresExactMatch("metadata.name")``: the name a field selector pins."""
    for term in field_selector.split(","):
        key, op, value = term.partition("==") if "==" in term else term.partition("=")
        if op and not key.endswith("!") and key.strip() == "metadata.name":
            return value.strip()
    return ""


def _valid_segment(name: str) -> bool:
    """path.IsValidPathSegmentName."""
    return name not in (".", "..") and "/" not in name and "%" not in name


def request_attributes(method: str, path: str, query: Mapping[str, str] | None = None) -> authz.Attributes:
    """The authorizer attributes of a request, as RequestInfoFactory.NewRequestInfo builds them.

    ``path`` is the URL path as the apiserver sees it (``/api/v1/namespaces/default/pods``), without
    the sandbox prefix. A path that is no resource path (``/version``, ``/api``, ``/apis/apps/v1``,
    ``/openapi/v2``) is a non-resource request of the lower-cased method.
    """
    query = query or {}
    parts = [p for p in path.strip("/").split("/") if p] if path.strip("/") else []
    non_resource = authz.Attributes(method.lower(), path=path or "/")
    if len(parts) < 3 or parts[0] not in ("api", "apis"):
        return non_resource
    prefix, parts = parts[0], parts[1:]
    group = ""
    if prefix == "apis":
        if len(parts) < 3:
            return non_resource
        group, parts = parts[0], parts[1:]
    parts = parts[1:]  # the version
    if parts[0] == "watch":  # the deprecated /watch/ form
        if len(parts) < 2:
            return non_resource  # the apiserver refuses to resolve it; nothing is authorized as a resource
        verb, parts, by_method = "watch", parts[1:], False
    else:
        verb, by_method = _METHOD_VERBS.get(method.upper(), ""), True
    namespace = ""
    if parts[0] == "namespaces":
        if len(parts) > 1:
            namespace = parts[1]
            if len(parts) > 2 and parts[2] not in _NAMESPACE_SUBRESOURCES:
                parts = parts[2:]
    resource = parts[0]
    name = parts[1] if len(parts) >= 2 else ""
    sub = parts[2] if len(parts) >= 3 else ""
    if by_method and not name and verb == "get":
        verb = "watch" if _query_bool(query.get("watch")) else "list"
        pinned = _exact_name(query.get("fieldSelector") or "")
        if pinned and _valid_segment(pinned):
            name = pinned
    if not name and verb == "delete":
        verb = "deletecollection"
    return authz.Attributes(verb, resource, group, sub, namespace, name)


def resource_attributes(verb: str, plural: str, group: str, namespace: str = "", name: str = "",
                        subresource: str = "") -> authz.Attributes:
    """The attributes of a request for ``plural`` (a Namespace's own requests name it as their
    namespace, as its path ``/api/v1/namespaces/<name>`` does)."""
    if plural == "namespaces" and not group and name:
        namespace = name
    return authz.Attributes(verb, plural, group, subresource, namespace, name)


def forbidden_message(user: authz.UserInfo, attrs: authz.Attributes) -> str:
    """responsewriters' ``forbiddenMessage``."""
    who = quote(user.username)
    if not attrs.is_resource_request:
        return f"User {who} cannot {attrs.verb} path {quote(attrs.path)}"
    resource = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource
    head = f"User {who} cannot {attrs.verb} resource {quote(resource)} in API group {quote(attrs.group)}"
    if attrs.namespace:
        return f"{head} in the namespace {quote(attrs.namespace)}"
    return f"{head} at the cluster scope"


def new_forbidden(plural: str, group: str, name: str, cause: str) -> ApiError:
    """apierrors.NewForbidden(GroupResource{group, plural}, name, cause): its message and details."""
    qualified = f"{plural}.{group}" if group else plural
    if not qualified:
        message = f"forbidden: {cause}"
    elif not name:
        message = f"{qualified} is forbidden: {cause}"
    else:
        message = f"{qualified} {quote(name)} is forbidden: {cause}"
    details: dict[str, Any] = {}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    if plural:
        details["kind"] = plural
    return ApiError(403, "Forbidden", message, details=details)


def forbidden(user: authz.UserInfo, attrs: authz.Attributes, reason: str = "") -> ApiError:
    """responsewriters.Forbidden: the denial of ``attrs`` for ``user``, the authorizers' reason after it."""
    cause = forbidden_message(user, attrs)
    if reason:
        cause += ": " + reason
    return new_forbidden(attrs.resource, attrs.group, attrs.name, cause)


def check(store: Any, user: authz.UserInfo, attrs: authz.Attributes) -> None:
    """WithAuthorization: nothing when the authorizer chain allows the request, else ``forbidden``."""
    decision = authz.authorize(store, user, attrs)
    if not decision.allowed:
        raise forbidden(user, attrs, decision.reason)


def check_escalation(store: Any, user: authz.UserInfo, obj: Any) -> None:
    """The policy-based RBAC registry's refusal of a Role, ClusterRole, RoleBinding or
    ClusterRoleBinding that grants ``user`` more than it holds (``validation.rbac.escalation_message``);
    nothing for other kinds, for system:masters, or when the escalate/bind verb is allowed."""
    if not isinstance(obj, dict) or obj.get("kind") not in RBAC_PLURALS:
        return
    cause = escalation_message(store, user, obj)
    if cause:
        name = (obj.get("metadata") or {}).get("name") or ""
        raise new_forbidden(RBAC_PLURALS[obj["kind"]], RBAC_GROUP, name if isinstance(name, str) else "", cause)
