"""Field validation of the networking kinds (Ingress, IngressClass, NetworkPolicy), in the apiserver's words
(pkg/apis/networking/validation/validation.go: ValidateNetworkPolicySpec, ValidateIngressSpec,
ValidateIngressClass). Each validator is ``fn(errs, obj, resource)``, as in admission.py; the
schema's own checks (types, required fields of the OpenAPI) come first, in admission."""

from __future__ import annotations

import ipaddress
from typing import Any

SUPPORTED_PROTOCOLS = ["TCP", "UDP", "SCTP"]  # NotSupported keeps the order it is given
POLICY_TYPES = ["Egress", "Ingress"]
PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"]
#: the sequences ValidateIngressSpec refuses in Exact/Prefix paths (invalidPathSequences, invalidPathSuffixes)
INVALID_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"]
INVALID_PATH_SUFFIXES = ["/..", "/."]
CIDR_MSG = "not a valid CIDR"


def _admission() -> Any:
    from .. import admission

    return admission


def _selector(errs: Any, path: str, sel: Any) -> None:
    """ValidateLabelSelector (its matchLabels and matchExpressions)."""
    _admission().check_label_selector(errs, path, sel)


def _port_number(errs: Any, path: str, n: Any) -> None:
    if isinstance(n, int) and not 1 <= n <= 65535:
        errs.invalid(path, n, "must be between 1 and 65535, inclusive")


def _np_port(errs: Any, path: str, port: Any) -> None:
    """ValidateNetworkPolicyPort."""
    if not isinstance(port, dict):
        return
    proto = port.get("protocol")
    if proto is not None and proto not in SUPPORTED_PROTOCOLS:
        errs.unsupported(f"{path}.protocol", proto, SUPPORTED_PROTOCOLS)
    value = port.get("port")
    end = port.get("endPort")
    if value is None:
        if end is not None:
            errs.invalid(f"{path}.endPort", end, "may not be specified when `port` is not specified")
        return
    if isinstance(value, int):
        _port_number(errs, f"{path}.port", value)
        if end is not None and isinstance(end, int):
            if end < value:  # the apiserver quotes the port here, not the endPort
                errs.invalid(f"{path}.endPort", value, "must be greater than or equal to `port`")
            _port_number(errs, f"{path}.endPort", end)
    elif isinstance(value, str):
        if end is not None:
            errs.invalid(f"{path}.endPort", end, "may not be specified when `port` is non-numeric")
        _admission()._port_name(errs, f"{path}.port", value)


def _cidr(text: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not isinstance(text, str) or "/" not in text:
        return None
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _ip_block(errs: Any, path: str, block: dict) -> None:
    """ValidateIPBlock: a CIDR, and ``except`` entries strictly inside it."""
    cidr = block.get("cidr")
    if not cidr:
        errs.required(f"{path}.cidr")
        return
    net = _cidr(cidr)
    if net is None:
        errs.invalid(f"{path}.cidr", cidr, CIDR_MSG)
        return
    for i, ex in enumerate(block.get("except") or []):
        sub = _cidr(ex)
        if sub is None:
            errs.invalid(f"{path}.except[{i}]", ex, CIDR_MSG)
            return
        if sub.network_address not in net or net.prefixlen >= sub.prefixlen:
            errs.invalid(f"{path}.except[{i}]", ex, "must be a strict subset of `cidr`")


def _peer(errs: Any, path: str, peer: Any) -> None:
    """ValidateNetworkPolicyPeer: exactly one peer type (pod and namespace selectors count as one)."""
    if not isinstance(peer, dict):
        return
    n = 0
    if peer.get("podSelector") is not None:
        n += 1
        _selector(errs, f"{path}.podSelector", peer["podSelector"])
    if peer.get("namespaceSelector") is not None:
        n += 1
        _selector(errs, f"{path}.namespaceSelector", peer["namespaceSelector"])
    if peer.get("ipBlock") is not None:
        n += 1
        _ip_block(errs, f"{path}.ipBlock", peer["ipBlock"])
    if n == 0:
        errs.required(path, "must specify a peer")
    elif n > 1 and peer.get("ipBlock") is not None:
        errs.forbidden(path, "may not specify both ipBlock and another peer")


def _validate_network_policy(errs: Any, obj: dict, r: Any) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    _selector(errs, "spec.podSelector", spec.get("podSelector"))
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            if not isinstance(rule, dict):
                continue
            for j, port in enumerate(rule.get("ports") or []):
                _np_port(errs, f"spec.{direction}[{i}].ports[{j}]", port)
            for j, peer in enumerate(rule.get(peers) or []):
                _peer(errs, f"spec.{direction}[{i}].{peers}[{j}]", peer)
    types = spec.get("policyTypes") or []
    if len(types) > 2:  # field.Error dereferences the pointer and prints the slice with %#v
        errs.invalid("spec.policyTypes", "[]networking.PolicyType{" + ", ".join(f'"{t}"' for t in types) + "}",
                     "may not specify more than two policyTypes", raw=True)
        return
    for i, t in enumerate(types):
        if t not in POLICY_TYPES:
            errs.unsupported(f"spec.policyTypes[{i}]", t, ["Ingress", "Egress"])


# -- Ingress -------------------------------------------------------------------------------------------
def _host(errs: Any, path: str, host: str) -> None:
    adm = _admission()
    try:
        ipaddress.ip_address(host)
        errs.invalid(path, host, "must be a DNS name, not an IP address")
        return
    except ValueError:
        pass
    if "*" in host:
        rest = host[2:] if host.startswith("*.") else None
        if rest is None or "*" in rest or not adm._DNS1123_SUBDOMAIN.match(rest):
            errs.invalid(path, host, "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid "
                                     "DNS subdomain, which must consist of lower case alphanumeric characters, "
                                     "'-' or '.' and end with an alphanumeric character (e.g. '*.example.com', "
                                     "regex used for validation is "
                                     "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
        return
    adm._check_name(errs, path, host, "subdomain")


def _backend(errs: Any, path: str, backend: Any) -> None:
    """validateIngressBackend."""
    if not isinstance(backend, dict):
        return
    svc, res = backend.get("service"), backend.get("resource")
    if svc is not None and res is not None:
        errs.invalid(path, "", "cannot set both resource and service backends")
        return
    if svc is None and res is None:
        errs.invalid(path, "", "resource or service backend is required")
        return
    if res is not None:
        if isinstance(res, dict):
            _typed_ref(errs, f"{path}.resource", res)
        return
    if not isinstance(svc, dict):
        return
    name = svc.get("name")
    if not name:
        errs.required(f"{path}.service.name")
    else:
        _admission()._check_name(errs, f"{path}.service.name", name, "dns1035")
    port = svc.get("port") or {}
    has_name, has_number = bool(port.get("name")), bool(port.get("number"))
    if has_name and has_number:
        errs.invalid(path, "", "cannot set both port name & port number")
    elif has_name:
        _admission()._port_name(errs, f"{path}.service.port.name", port["name"])
    elif has_number:
        _port_number(errs, f"{path}.service.port.number", port["number"])
    else:
        errs.required(path, "port name or number is required")


def _path(errs: Any, path: str, p: dict) -> None:
    kind, value = p.get("pathType"), p.get("path") or ""
    if kind is None:
        errs.required(f"{path}.pathType", "pathType must be specified")
        return
    if kind not in PATH_TYPES:
        errs.unsupported(f"{path}.pathType", kind, PATH_TYPES)
    if kind in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.invalid(f"{path}.path", value, "must be an absolute path")
        for seq in INVALID_PATH_SEQUENCES:
            if seq in value:
                errs.invalid(f"{path}.path", value, f"must not contain '{seq}'")
        for suffix in INVALID_PATH_SUFFIXES:
            if value.endswith(suffix):
                errs.invalid(f"{path}.path", value, f"cannot end with '{suffix}'")
    elif kind == "ImplementationSpecific" and value and not value.startswith("/"):
        errs.invalid(f"{path}.path", value, "must be an absolute path")
    _backend(errs, f"{path}.backend", p.get("backend"))


def _validate_ingress(errs: Any, obj: dict, r: Any) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    rules = spec.get("rules") or []
    if not rules and spec.get("defaultBackend") is None:
        errs.invalid("spec", "[]networking.IngressRule(nil)" if spec.get("rules") is None else
                     "[]networking.IngressRule{}", "either `defaultBackend` or `rules` must be specified", raw=True)
    if spec.get("defaultBackend") is not None:
        _backend(errs, "spec.defaultBackend", spec["defaultBackend"])
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        if rule.get("host"):
            _host(errs, f"spec.rules[{i}].host", rule["host"])
        http = rule.get("http")
        if isinstance(http, dict):
            paths = http.get("paths") or []
            if not paths:
                errs.required(f"spec.rules[{i}].http.paths")
            for j, p in enumerate(paths):
                if isinstance(p, dict):
                    _path(errs, f"spec.rules[{i}].http.paths[{j}]", p)
    for i, tls in enumerate(spec.get("tls") or []):
        for j, h in enumerate((tls or {}).get("hosts") or []):
            _host(errs, f"spec.tls[{i}].hosts[{j}]", h)
    cls = spec.get("ingressClassName")
    if cls is not None:
        _admission()._check_name(errs, "spec.ingressClassName", cls, "subdomain")
    annotation = (obj["metadata"].get("annotations") or {}).get("kubernetes.io/ingress.class")
    if annotation is not None and cls is not None:
        errs.invalid("annotations.kubernetes.io/ingress.class", annotation, "can not be set when the class field is also set")


def _validate_ingress_class(errs: Any, obj: dict, r: Any) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    controller = spec.get("controller") or ""
    if len(controller) > 250:
        errs.too_long("spec.controller", 250)
    _domain_prefixed_path(errs, "spec.controller", controller)
    params = spec.get("parameters")
    if isinstance(params, dict):
        _typed_ref(errs, "spec.parameters", params)
        scope = params.get("scope")
        if scope is None:
            errs.required("spec.parameters.scope")
        elif scope not in ("Cluster", "Namespace"):
            errs.unsupported("spec.parameters.scope", scope, ["Cluster", "Namespace"])
        elif scope == "Namespace" and params.get("namespace") is None:
            errs.required("spec.parameters.namespace", "`parameters.scope` is set to 'Namespace'")
        elif scope == "Namespace":
            _admission()._check_name(errs, "spec.parameters.namespace", params["namespace"], "label")
        elif scope == "Cluster" and params.get("namespace") is not None:
            errs.forbidden("spec.parameters.namespace", "`parameters.scope` is set to 'Cluster'")


def _typed_ref(errs: Any, path: str, ref: dict) -> None:
    """validateIngressTypedLocalObjectReference."""
    group = ref.get("apiGroup")
    if group is not None:
        _admission()._check_name(errs, f"{path}.apiGroup", group, "subdomain")
    for key in ("kind", "name"):
        value = ref.get(key)
        if not value:
            errs.required(f"{path}.{key}", f"{key} is required")
        elif value in (".", "..") or "/" in value or "%" in value:
            errs.invalid(f"{path}.{key}", value, f"may not be '{value}'" if value in (".", "..")
                         else "may not contain '/'" if "/" in value else "may not contain '%'")


def _domain_prefixed_path(errs: Any, path: str, value: str) -> None:
    """validation.IsDomainPrefixedPath."""
    if not value:
        errs.required(path, "")
        return
    host, slash, rest = value.partition("/")
    if not slash or not rest:
        errs.invalid(path, value, "must be a domain-prefixed path (such as \"acme.io/foo\")")
        return
    _admission()._check_name(errs, path, host, "subdomain")
    import re

    if not re.fullmatch(r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+", rest):
        errs.invalid(path, rest, "Invalid path: must match the regex [A-Za-z0-9/\\-._~%!$&'()*+,;=:]+")


def _update_ingress_class(errs: Any, old: dict, new: dict, r: Any) -> None:
    before = (old.get("spec") or {}).get("controller")
    after = (new.get("spec") or {}).get("controller")
    if before != after:
        errs.invalid("spec.controller", after, "field is immutable")


#: kind -> validator(errs: admission.Errors, obj, resource)
VALIDATORS: dict[str, Any] = {
    "NetworkPolicy": _validate_network_policy,
    "Ingress": _validate_ingress,
    "IngressClass": _validate_ingress_class,
}
#: kind -> update rule(errs: admission.Errors, old, new, resource)
UPDATE_VALIDATORS: dict[str, Any] = {"IngressClass": _update_ingress_class}
