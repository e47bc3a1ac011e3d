"""Who a request is and what it may do: the apiserver's authorizer chain and the self-reviews.

Owns: the workstation's identity (``ADMIN``: kubernetes-admin in ``system:masters``), the
impersonation rules (``impersonate``: ``--as``/``--as-group`` as the apiserver's impersonation
filter turns them into a user), the authorizer chain a kubeadm apiserver runs
(``--authorization-mode=Node,RBAC`` after the built-in ``system:masters`` authorizer) and the
bodies of the three self-reviews kubectl asks for: SelfSubjectAccessReview (``auth can-i``),
SelfSubjectRulesReview (``auth can-i --list``) and SelfSubjectReview (``auth whoami``).

Mirrors: k8s.io/apiserver pkg/authorization/authorizerfactory (the privileged-group authorizer,
which allows everything and contributes **no** rules to a rules review), plugin/pkg/auth/authorizer/
rbac (``RBACAuthorizer.Authorize``: cluster role bindings first, then the namespace's role
bindings; a binding whose role is missing adds an error to the reason and grants nothing; the
rule matchers of rbac.go) and k8s.io/apiserver pkg/endpoints/filters/impersonation.go.
The Node authorizer answers no opinion for every user that is not a node (``system:node:*``); the
simulated kubelets do not call the API, so it is not modelled further.

Reads: Role, ClusterRole, RoleBinding and ClusterRoleBinding objects in the store (none exist
until the RBAC API is served: then only system:masters is allowed). Pure functions over the store;
nothing here writes. Hands off: HTTP to ``server/apiserver.py``, wording to ``server/kubectl``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

Obj = dict[str, Any]

SYSTEM_MASTERS = "system:masters"
AUTHENTICATED = "system:authenticated"
UNAUTHENTICATED = "system:unauthenticated"
ANONYMOUS = "system:anonymous"


class _Store(Protocol):
    def scan(self, kind: str, namespace: str | None = None) -> list[Obj]: ...
    def peek(self, kind: str, namespace: str, name: str) -> Obj | None: ...


@dataclass(frozen=True)
class UserInfo:
    username: str
    groups: tuple[str, ...] = ()
    uid: str = ""
    extra: tuple[tuple[str, tuple[str, ...]], ...] = ()


#: the identity the workstation's kubeconfig authenticates as (kubeadm's admin.conf client certificate)
ADMIN = UserInfo("kubernetes-admin", (SYSTEM_MASTERS, AUTHENTICATED))


def impersonate(username: str, groups: list[str] | tuple[str, ...] = (), uid: str = "") -> UserInfo:
    """The user the impersonation filter builds from ``Impersonate-User``/``-Group``/``-Uid``: a
    service account's username (``system:serviceaccount:NS:NAME``) impersonated without groups
    gets its fixed ones (``system:serviceaccounts``, ``system:serviceaccounts:NS``), and a
    non-anonymous user also gets ``system:authenticated`` unless a group given is
    ``system:authenticated`` or ``system:unauthenticated`` already (WithImpersonation)."""
    out = list(groups)
    parts = username.split(":")
    if not out and len(parts) == 4 and parts[:2] == ["system", "serviceaccount"] and parts[2] and parts[3]:
        out = ["system:serviceaccounts", f"system:serviceaccounts:{parts[2]}"]
    if username != ANONYMOUS and not any(g in (AUTHENTICATED, UNAUTHENTICATED) for g in out):
        out.append(AUTHENTICATED)
    return UserInfo(username, tuple(out), uid)


@dataclass(frozen=True)
class Attributes:
    """authorizer.Attributes: a resource request (``resource`` set) or a non-resource one (``path``)."""

    verb: str
    resource: str = ""
    group: str = ""
    subresource: str = ""
    namespace: str = ""
    name: str = ""
    path: str = ""

    @property
    def is_resource_request(self) -> bool:
        return not self.path


@dataclass
class Decision:
    allowed: bool
    reason: str = ""
    evaluation_error: str = ""


@dataclass
class _Binding:
    kind: str  # RoleBinding | ClusterRoleBinding
    obj: Obj
    subject: Obj


# -- rule matchers (plugin/pkg/auth/authorizer/rbac/rbac.go) --------------------------------


def _verb_matches(rule: Obj, verb: str) -> bool:
    return any(v in ("*", verb) for v in rule.get("verbs") or [])


def _group_matches(rule: Obj, group: str) -> bool:
    return any(g in ("*", group) for g in rule.get("apiGroups") or [])


def _resource_matches(rule: Obj, combined: str, subresource: str) -> bool:
    for r in rule.get("resources") or []:
        if r in ("*", combined):
            return True
        if subresource and r == "*/" + subresource:
            return True
    return False


def _name_matches(rule: Obj, name: str) -> bool:
    names = rule.get("resourceNames") or []
    return not names or name in names


def _url_matches(rule: Obj, path: str) -> bool:
    for url in rule.get("nonResourceURLs") or []:
        if url == "*" or url == path:
            return True
        if url.endswith("*") and path.startswith(url.rstrip("*")):
            return True
    return False


def rule_allows(attrs: Attributes, rule: Obj) -> bool:
    if attrs.is_resource_request:
        combined = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource
        return (_verb_matches(rule, attrs.verb) and _group_matches(rule, attrs.group)
                and _resource_matches(rule, combined, attrs.subresource) and _name_matches(rule, attrs.name))
    return _verb_matches(rule, attrs.verb) and _url_matches(rule, attrs.path)


# -- the RBAC rule resolver (pkg/registry/rbac/validation/rule.go) ---------------------------


def _applies(subject: Obj, user: UserInfo, binding_ns: str) -> bool:
    kind = subject.get("kind")
    if kind == "User":
        return subject.get("name") == user.username
    if kind == "Group":
        return subject.get("name") in user.groups
    if kind == "ServiceAccount":
        ns = subject.get("namespace") or binding_ns
        return bool(ns) and f"system:serviceaccount:{ns}:{subject.get('name')}" == user.username
    return False


def _describe_subject(subject: Obj, binding_ns: str) -> str:
    if subject.get("kind") == "ServiceAccount":
        ns = subject.get("namespace") or binding_ns
        return f'ServiceAccount "{subject.get("name")}/{ns}"'
    return f'{subject.get("kind")} "{subject.get("name")}"'


def _role_rules(store: _Store, ref: Obj, binding_ns: str) -> tuple[list[Obj] | None, str]:
    """(the rules of the role a binding refers to, or None and the NotFound error)."""
    kind, name = ref.get("kind"), ref.get("name") or ""
    if kind == "ClusterRole":
        role = store.peek("ClusterRole", "", name)
        if role is None:
            return None, f'clusterrole.rbac.authorization.k8s.io "{name}" not found'
    elif kind == "Role" and binding_ns:
        role = store.peek("Role", binding_ns, name)
        if role is None:
            return None, f'role.rbac.authorization.k8s.io "{name}" not found'
    else:
        return None, f"unsupported role reference kind: {kind!r}"
    return list(role.get("rules") or []), ""


def _bindings(store: _Store, user: UserInfo, namespace: str) -> list[_Binding]:
    """The bindings that apply to the user, in the order VisitRulesFor visits them: every
    ClusterRoleBinding, then (for a namespaced request) the namespace's RoleBindings."""
    out = []
    for crb in store.scan("ClusterRoleBinding"):
        for subject in crb.get("subjects") or []:
            if _applies(subject, user, ""):
                out.append(_Binding("ClusterRoleBinding", crb, subject))
                break
    if namespace:
        for rb in store.scan("RoleBinding", namespace):
            for subject in rb.get("subjects") or []:
                if _applies(subject, user, namespace):
                    out.append(_Binding("RoleBinding", rb, subject))
                    break
    return out


def _aggregate(errors: list[str]) -> str:
    """utilerrors.NewAggregate(errs).Error(): one error as is, several as ``[a, b]``."""
    return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"


def authorize(store: _Store, user: UserInfo, attrs: Attributes) -> Decision:
    """The union authorizer: system:masters is allowed everything; then RBAC (Node answers no
    opinion for users that are not nodes). A denial carries RBAC's reason (the missing roles)."""
    if SYSTEM_MASTERS in user.groups:
        return Decision(True)
    errors: list[str] = []
    for b in _bindings(store, user, attrs.namespace):
        ns = b.obj["metadata"].get("namespace") or ""
        rules, err = _role_rules(store, b.obj.get("roleRef") or {}, ns)
        if rules is None:
            errors.append(err)
            continue
        if any(rule_allows(attrs, rule) for rule in rules):
            ref = b.obj.get("roleRef") or {}
            name = b.obj["metadata"]["name"] + (f"/{ns}" if ns else "")
            return Decision(True, f'RBAC: allowed by {b.kind} "{name}" of {ref.get("kind")} '
                                  f'"{ref.get("name")}" to {_describe_subject(b.subject, ns)}')
    return Decision(False, f"RBAC: {_aggregate(errors)}" if errors else "")


def rules_for(store: _Store, user: UserInfo, namespace: str) -> tuple[list[Obj], list[Obj], str]:
    """(resource rules, non-resource rules, evaluation error) of a SelfSubjectRulesReview: the
    RBAC rules of every binding that applies (system:masters contributes none)."""
    resource_rules: list[Obj] = []
    non_resource: list[Obj] = []
    errors: list[str] = []
    for b in _bindings(store, user, namespace):
        rules, err = _role_rules(store, b.obj.get("roleRef") or {}, b.obj["metadata"].get("namespace") or "")
        if rules is None:
            errors.append(err)
            continue
        for rule in rules:
            if rule.get("resources"):
                resource_rules.append({"verbs": list(rule.get("verbs") or []),
                                       "apiGroups": list(rule.get("apiGroups") or []),
                                       "resources": list(rule.get("resources") or []),
                                       **({"resourceNames": list(rule["resourceNames"])}
                                          if rule.get("resourceNames") else {})})
            if rule.get("nonResourceURLs"):
                non_resource.append({"verbs": list(rule.get("verbs") or []),
                                     "nonResourceURLs": list(rule["nonResourceURLs"])})
    return resource_rules, non_resource, _aggregate(errors) if errors else ""


# -- the review bodies (pkg/registry/authorization, pkg/registry/authentication) ------------


def access_review(store: _Store, user: UserInfo, review: Obj) -> Obj:
    """``POST .../selfsubjectaccessreviews``: the review with its status filled in."""
    spec = review.get("spec") or {}
    ra, nra = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
    if ra is not None:
        attrs = Attributes(ra.get("verb") or "", ra.get("resource") or "", ra.get("group") or "",
                           ra.get("subresource") or "", ra.get("namespace") or "", ra.get("name") or "")
    else:
        nra = nra or {}
        attrs = Attributes(nra.get("verb") or "", path=nra.get("path") or "")
    d = authorize(store, user, attrs)
    status: Obj = {"allowed": d.allowed}
    if d.reason:
        status["reason"] = d.reason
    if d.evaluation_error:
        status["evaluationError"] = d.evaluation_error
    meta = dict(review.get("metadata") or {})
    meta.setdefault("creationTimestamp", None)
    return {"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1", "metadata": meta,
            "spec": spec, "status": status}


def rules_review(store: _Store, user: UserInfo, review: Obj) -> Obj:
    """``POST .../selfsubjectrulesreviews``."""
    spec = review.get("spec") or {}
    resource_rules, non_resource, err = rules_for(store, user, spec.get("namespace") or "")
    status: Obj = {"resourceRules": resource_rules, "nonResourceRules": non_resource, "incomplete": False}
    if err:
        status["evaluationError"] = err
    meta = dict(review.get("metadata") or {})
    meta.setdefault("creationTimestamp", None)
    return {"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1", "metadata": meta,
            "spec": spec, "status": status}


def self_subject_review(user: UserInfo) -> Obj:
    """``POST /apis/authentication.k8s.io/v1/selfsubjectreviews``: who the request is."""
    info: Obj = {"username": user.username}
    if user.uid:
        info["uid"] = user.uid
    if user.groups:
        info["groups"] = list(user.groups)
    if user.extra:
        info["extra"] = {k: list(v) for k, v in user.extra}
    return {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": None}, "status": {"userInfo": info}}
