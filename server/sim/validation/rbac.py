"""Field validation of the RBAC kinds (pkg/apis/rbac/validation v1.32: ValidateRole, ValidateClusterRole,
ValidatePolicyRule, ValidateRoleBinding, ValidateClusterRoleBinding, ValidateRoleBindingSubject and the
update rule ``cannot change roleRef``), in the apiserver's words; and the registry's escalation check
(pkg/registry/rbac/validation ConfirmNoEscalation, as the policy-based Role/ClusterRole/binding storage
calls it) as a pure function of the store and the requesting user.

Names are RBAC names (path.IsValidPathSegmentName: ``system:node`` is fine, ``a/b`` is not). Values
print as field.Error prints them (a ``[]string`` as Go's ``%#v``). A subject's empty ``apiGroup`` is
judged as v1's SetDefaults_Subject leaves it (User and Group: rbac.authorization.k8s.io).
"""

from __future__ import annotations

from typing import Any

RBAC_GROUP = "rbac.authorization.k8s.io"


def _admission() -> Any:
    from .. import admission

    return admission


def _strings_repr(values: list[Any]) -> str:
    """``%#v`` of a []string."""
    return "[]string{" + ", ".join(_admission()._go_quote(str(v)) for v in values) + "}"


def path_segment_errors(name: str) -> list[str]:
    """path.IsValidPathSegmentName."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in "/%" if c in name]


def _check_rbac_meta(errs: Any, obj: dict, r: Any) -> None:
    meta = obj.get("metadata") or {}
    adm = _admission()
    name = meta.get("name")
    if not name and not meta.get("generateName"):
        errs.required("metadata.name", "name or generateName is required")
    elif isinstance(name, str) and name:
        for msg in path_segment_errors(name):
            errs.invalid("metadata.name", name, msg)
    if r.namespaced and meta.get("namespace"):
        adm._check_name(errs, "metadata.namespace", meta["namespace"], "label")
    adm._check_labels(errs, "metadata.labels", meta.get("labels"))
    for k in meta.get("annotations") or {}:
        adm._check_qualified_name(errs, "metadata.annotations", k)


def _check_rule(errs: Any, rule: Any, namespaced: bool, path: str) -> None:
    """ValidatePolicyRule."""
    if not isinstance(rule, dict):
        return
    if not rule.get("verbs"):
        errs.required(f"{path}.verbs", "verbs must contain at least one value")
    urls = rule.get("nonResourceURLs") or []
    if urls:
        if namespaced:
            errs.invalid(f"{path}.nonResourceURLs", _strings_repr(urls),
                         "namespaced rules cannot apply to non-resource URLs", raw=True)
        if rule.get("apiGroups") or rule.get("resources") or rule.get("resourceNames"):
            errs.invalid(f"{path}.nonResourceURLs", _strings_repr(urls),
                         "rules cannot apply to both regular resources and non-resource URLs", raw=True)
        return
    if not rule.get("apiGroups"):
        errs.required(f"{path}.apiGroups", "resource rules must supply at least one api group")
    if not rule.get("resources"):
        errs.required(f"{path}.resources", "resource rules must supply at least one resource")


def _validate_role(errs: Any, obj: dict, r: Any) -> None:
    _check_rbac_meta(errs, obj, r)
    namespaced = obj.get("kind") == "Role"
    for i, rule in enumerate(obj.get("rules") or []):
        _check_rule(errs, rule, namespaced, f"rules[{i}]")
    agg = obj.get("aggregationRule")
    if not namespaced and isinstance(agg, dict):
        selectors = agg.get("clusterRoleSelectors") or []
        if not selectors:
            errs.required("aggregationRule.clusterRoleSelectors",
                          "at least one clusterRoleSelector required if aggregationRule is non-nil")
        for i, sel in enumerate(selectors):
            if isinstance(sel, dict):
                _admission()._check_labels(errs, f"aggregationRule.clusterRoleSelectors[{i}].matchLabels",
                                           sel.get("matchLabels"))


def subject_errors(errs: Any, subject: Any, namespaced: bool, path: str) -> None:
    """ValidateRoleBindingSubject."""
    if not isinstance(subject, dict):
        return
    adm = _admission()
    name, kind, group = subject.get("name") or "", subject.get("kind") or "", subject.get("apiGroup") or ""
    if not name:
        errs.required(f"{path}.name")
    if kind == "ServiceAccount":
        if name:
            adm._check_name(errs, f"{path}.name", name, "subdomain")
        if group:
            errs.unsupported(f"{path}.apiGroup", group, [""])
        if not namespaced and not subject.get("namespace"):
            errs.required(f"{path}.namespace")
    elif kind in ("User", "Group"):
        if (group or RBAC_GROUP) != RBAC_GROUP:
            errs.unsupported(f"{path}.apiGroup", group, [RBAC_GROUP])
    else:
        errs.unsupported(f"{path}.kind", kind, ["ServiceAccount", "User", "Group"])


def _validate_binding(errs: Any, obj: dict, r: Any) -> None:
    _check_rbac_meta(errs, obj, r)
    namespaced = obj.get("kind") == "RoleBinding"
    ref = obj.get("roleRef") if isinstance(obj.get("roleRef"), dict) else {}
    api_group = ref.get("apiGroup") or RBAC_GROUP  # SetDefaults_RoleBinding
    if api_group != RBAC_GROUP:
        errs.unsupported("roleRef.apiGroup", api_group, [RBAC_GROUP])
    kinds = ["Role", "ClusterRole"] if namespaced else ["ClusterRole"]
    if ref.get("kind") not in kinds:
        errs.unsupported("roleRef.kind", ref.get("kind") or "", kinds)
    role_name = ref.get("name") or ""
    if not role_name:
        errs.required("roleRef.name")
    else:
        for msg in path_segment_errors(role_name):
            errs.invalid("roleRef.name", role_name, msg)
    for i, subject in enumerate(obj.get("subjects") or []):
        subject_errors(errs, subject, namespaced, f"subjects[{i}]")


def _role_ref_repr(ref: dict) -> str:
    q = _admission()._go_quote
    return (f"rbac.RoleRef{{APIGroup:{q(ref.get('apiGroup') or RBAC_GROUP)}, Kind:{q(ref.get('kind') or '')}, "
            f"Name:{q(ref.get('name') or '')}}}")


def _binding_update(errs: Any, old: dict, new: dict, r: Any) -> None:
    """ValidateRoleBindingUpdate / ValidateClusterRoleBindingUpdate: the roleRef is immutable."""
    def ref(o: dict) -> tuple:
        x = o.get("roleRef") if isinstance(o.get("roleRef"), dict) else {}
        return (x.get("apiGroup") or RBAC_GROUP, x.get("kind") or "", x.get("name") or "")
    if ref(old) != ref(new):
        errs.invalid("roleRef", _role_ref_repr(new.get("roleRef") or {}), "cannot change roleRef", raw=True)


# -- escalation (pkg/registry/rbac/validation/rule.go ConfirmNoEscalation) --------------------------------


def _covered(owner_rules: list[dict], verb: str, group: str, resource: str, name: str, url: str) -> bool:
    from ..authz import Attributes, rule_allows

    if url:
        return any(r.get("nonResourceURLs") and rule_allows(Attributes(verb, path=url), r) for r in owner_rules)
    return any(r.get("resources") and _resource_rule_covers(r, verb, group, resource, name) for r in owner_rules)


def _resource_rule_covers(owner: dict, verb: str, group: str, resource: str, name: str) -> bool:
    """ruleCovers for one broken-down servant rule (policy_comparator.go): verbs, groups, resources
    (``*`` covers all, ``*/sub`` covers that subresource) and resourceNames (none = all)."""
    verbs, groups, resources = owner.get("verbs") or [], owner.get("apiGroups") or [], owner.get("resources") or []
    names = owner.get("resourceNames") or []
    if not ("*" in verbs or verb in verbs) or not ("*" in groups or group in groups):
        return False
    sub = resource.partition("/")[2]
    if not ("*" in resources or resource in resources or (sub and "*/" + sub in resources)):
        return False
    return not names or name in names


def missing_rights(owner_rules: list[dict], rules: list[dict]) -> list[str]:
    """The CompactString lines (sorted, each (group, resource, name) with its verbs merged, as
    CompactRules merges them) of what ``rules`` grant that ``owner_rules`` do not cover."""
    from collections import OrderedDict

    resources: OrderedDict[tuple[str, str, str], list[str]] = OrderedDict()
    urls: list[tuple[str, str]] = []
    for rule in rules:
        for verb in rule.get("verbs") or []:
            for url in rule.get("nonResourceURLs") or []:
                if not _covered(owner_rules, verb, "", "", "", url):
                    urls.append((url, verb))
            for group in rule.get("apiGroups") or []:
                for res in rule.get("resources") or []:
                    for name in rule.get("resourceNames") or [""]:
                        if not _covered(owner_rules, verb, group, res, name, ""):
                            verbs = resources.setdefault((group, res, name), [])
                            if verb not in verbs:
                                verbs.append(verb)

    def q(values: list[str]) -> str:
        return "[" + " ".join(_admission()._go_quote(v) for v in values) + "]"

    lines = set()
    for (group, res, name), verbs in resources.items():
        names = f", ResourceNames:{q([name])}" if name else ""
        lines.add(f"{{APIGroups:{q([group])}, Resources:{q([res])}{names}, Verbs:{q(verbs)}}}")
    for url, verb in urls:
        lines.add(f"{{NonResourceURLs:{q([url])}, Verbs:{q([verb])}}}")
    return sorted(lines)


def escalation_message(store: Any, user: Any, obj: dict) -> str:
    """"" when ``user`` may create or update ``obj`` (a Role, ClusterRole, RoleBinding or
    ClusterRoleBinding) as far as escalation goes; else the Forbidden cause the registry answers:
    ``user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not
    currently held:`` and the missing rules. system:masters, the ``escalate`` verb on the role kind
    (``bind`` on the referenced role for a binding) and holding every granted permission pass, as
    EscalationAllowed / BindingAuthorized / ConfirmNoEscalation decide."""
    from .. import authz

    kind, meta = obj.get("kind"), obj.get("metadata") or {}
    ns = (meta.get("namespace") or "") if kind in ("Role", "RoleBinding") else ""
    if authz.SYSTEM_MASTERS in user.groups:
        return ""
    if kind in ("Role", "ClusterRole"):
        plural = "roles" if kind == "Role" else "clusterroles"
        if authz.authorize(store, user, authz.Attributes("escalate", plural, RBAC_GROUP, namespace=ns,
                                                         name=meta.get("name") or "")).allowed:
            return ""
        rules = [r for r in obj.get("rules") or [] if isinstance(r, dict)]
    else:
        ref = obj.get("roleRef") or {}
        plural = "roles" if ref.get("kind") == "Role" else "clusterroles"
        if authz.authorize(store, user, authz.Attributes("bind", plural, RBAC_GROUP, namespace=ns,
                                                         name=ref.get("name") or "")).allowed:
            return ""
        role = store.peek(ref.get("kind") or "", ns if ref.get("kind") == "Role" else "", ref.get("name") or "")
        rules = [r for r in (role or {}).get("rules") or [] if isinstance(r, dict)]
    resource_rules, non_resource, _err = authz.rules_for(store, user, ns)
    missing = missing_rights(resource_rules + non_resource, rules)
    if not missing:
        return ""
    groups = "[" + " ".join(_admission()._go_quote(g) for g in user.groups) + "]"
    return (f"user {_admission()._go_quote(user.username)} (groups={groups}) is attempting to grant RBAC "
            "permissions not currently held:\n" + "\n".join(missing))


#: kind -> validator(errs: admission.Errors, obj, resource)
VALIDATORS: dict[str, Any] = {"Role": _validate_role, "ClusterRole": _validate_role,
                              "RoleBinding": _validate_binding, "ClusterRoleBinding": _validate_binding}
#: kind -> update rule(errs: admission.Errors, old, new, resource)
UPDATE_VALIDATORS: dict[str, Any] = {"RoleBinding": _binding_update, "ClusterRoleBinding": _binding_update}
