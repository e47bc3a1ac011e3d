"""kubectl auth: ``can-i`` and ``whoami``, asking the simulated authorizer (``server.sim.authz``).

Owns: ``auth can-i VERB TYPE[/NAME] | VERB /URL`` (``yes``, or ``no`` with the authorizer's
reason and exit code 1; ``-q``; ``-A``; ``-n``; ``--subresource``; kubectl's client-side
warnings for unknown resources, cluster-scoped resources and unknown verbs), ``auth can-i --list``
(the rules review, broken down, compacted and sorted as k8s.io/kubectl pkg/util/rbac does, in the
Resources / Non-Resource URLs / Resource Names / Verbs table) and ``auth whoami [-o yaml|json]``.
``--as``/``--as-group`` impersonate as kubectl's global flags do (the admin may impersonate).

Mirrors: k8s.io/kubectl pkg/cmd/auth/cani.go and whoami.go (v1.32). Hands off: the decision to
``server.sim.authz``; tables to ``printers.go_tabwriter`` (kubectl's tabwriter: min 6, pad 3).
"""

from __future__ import annotations

import json

from ...sim import authz
from ..parse import Flag, Invocation, KubectlError, Result, command
from ..printers import go_tabwriter, to_yaml
from ..resolve import resource_type

RESOURCE_VERBS = {"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use",
                  "bind", "impersonate", "*", "approve", "sign", "escalate", "attest"}
NON_RESOURCE_VERBS = {"get", "put", "post", "head", "options", "delete", "patch", "*"}
#: kubectl's WarningPrinter writes "Warning: MESSAGE\n" and its messages end with a newline of their own,
#: hence the blank line after each warning
#: resource words kubectl does not warn about (they are not API resources but can be authorized)
NON_STANDARD = {"users", "groups"}

AUTH_HELP = """Inspect authorization.

Available Commands:
  can-i         Check whether an action is allowed
  reconcile     Reconciles rules for RBAC role, role binding, cluster role, and cluster role binding objects
  whoami        Experimental: Check self subject attributes

Usage:
  kubectl auth [flags] [options]

Use "kubectl auth <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""

@command("auth")
def auth(inv: Invocation) -> Result:
    if inv.args:
        raise KubectlError(f'error: unknown command "{inv.args[0]}"\nSee \'kubectl auth -h\' for help and examples')
    return Result(AUTH_HELP, 1)


def _resource_for(word: str) -> tuple[str, str, bool | None, str]:
    """(resource, group, namespaced or None when unknown, warning) as ``CanIOptions.resourceFor``
    maps the word through the RESTMapper."""
    if word == "*":
        return "*", "", True, ""
    low = word.lower()
    try:
        r = resource_type(low)  # "pods", "po", "deployments.apps", "deployments.v1.apps"
    except KubectlError:
        r = None
    if r is not None:
        return r.plural, r.group, r.namespaced, ""
    base, _, group = low.partition(".")
    warn = ""
    if low not in NON_STANDARD:
        where = f" in group '{group}'" if group else ""
        warn = f"Warning: the server doesn't have a resource type '{base}'{where}\n\n"
    return word, "", None, warn


CAN_I_FLAGS = [Flag("all-namespaces", "A"), Flag("quiet", "q"), Flag("subresource", kind="str", default=""),
               Flag("list"), Flag("no-headers")]


@command("auth can-i", flags=CAN_I_FLAGS)
def can_i(inv: Invocation) -> Result:
    f = inv.flags
    if f.get("list"):
        if inv.args:
            raise KubectlError("error: list option must be specified with no arguments")
    elif len(inv.args) != 2:
        raise KubectlError("error: you must specify two arguments: verb resource or verb resource/resourceName.\n"
                           "See 'kubectl auth can-i -h' for help and examples.")
    user = inv.user
    namespace = "" if f.get("all-namespaces") else inv.namespace
    if f.get("list"):
        if f.get("quiet") or f.get("all-namespaces") or f.get("subresource"):
            raise KubectlError("error: list option can't be specified with neither quiet, all-namespaces nor "
                               "subresource options")
        return Result(access_list(inv.cluster.store, user, namespace, bool(f.get("no-headers"))))
    verb, what = inv.args
    warnings = ""
    if what.startswith("/"):
        if f.get("subresource"):
            raise KubectlError("error: --subresource can not be used with NonResourceURL")
        if verb not in NON_RESOURCE_VERBS:
            warnings += f"Warning: verb '{verb}' is not a known verb\n\n"
        attrs = authz.Attributes(verb, path=what)
    else:
        word, _, name = what.partition("/")
        resource, group, namespaced, warnings = _resource_for(word)
        if namespaced is False and not f.get("all-namespaces"):
            where = f" in group '{group}'" if group else ""
            warnings += f"Warning: resource '{resource}' is not namespace scoped{where}\n\n"
        if not f.get("all-namespaces") and verb not in RESOURCE_VERBS:
            warnings += f"Warning: verb '{verb}' is not a known verb\n\n"
        attrs = authz.Attributes(verb, resource, group, f.get("subresource") or "", namespace, name)
    if f.get("no-headers"):
        raise KubectlError(warnings + "error: --no-headers cannot be set without --list specified")
    decision = authz.authorize(inv.cluster.store, user, attrs)
    if f.get("quiet"):
        return Result(warnings, 0 if decision.allowed else 1)
    if decision.allowed:
        return Result(warnings + "yes", 0)
    line = "no"
    if decision.reason:
        line += f" - {decision.reason}"
    if decision.evaluation_error:
        line += f" - {decision.evaluation_error}"
    return Result(warnings + line, 1)


# -- can-i --list (k8s.io/kubectl pkg/util/rbac) ---------------------------------------------


def _go_list(xs: list[str]) -> str:
    return "[" + " ".join(xs) + "]"


def _rule_string(rule: dict) -> str:
    """The protobuf-generated ``PolicyRule.String()`` kubectl sorts the list by."""
    return (f"&PolicyRule{{Verbs:{_go_list(rule['verbs'])},APIGroups:{_go_list(rule['apiGroups'])},"
            f"Resources:{_go_list(rule['resources'])},ResourceNames:{_go_list(rule['resourceNames'])},"
            f"NonResourceURLs:{_go_list(rule['nonResourceURLs'])},}}")


def _rule(verbs: list[str], groups: list[str] = (), resources: list[str] = (), names: list[str] = (),
          urls: list[str] = ()) -> dict:
    return {"verbs": list(verbs), "apiGroups": list(groups), "resources": list(resources),
            "resourceNames": list(names), "nonResourceURLs": list(urls)}


def breakdown(rule: dict) -> list[dict]:
    """``BreakdownRule``: one rule per (group, resource, verb[, name]) and per (URL, verb)."""
    out = []
    for g in rule["apiGroups"]:
        for r in rule["resources"]:
            for v in rule["verbs"]:
                if rule["resourceNames"]:
                    out.extend(_rule([v], [g], [r], [n]) for n in rule["resourceNames"])
                else:
                    out.append(_rule([v], [g], [r]))
    for url in rule["nonResourceURLs"]:
        out.extend(_rule([v], urls=[url]) for v in rule["verbs"])
    return out


def compact(rules: list[dict]) -> list[dict]:
    """``CompactRules``: simple rules (one group, one resource, at most one name) merge their verbs;
    the others stay as they are, before them."""
    simple: dict[tuple, dict] = {}
    out = []
    for rule in rules:
        if (len(rule["resourceNames"]) <= 1 and not rule["nonResourceURLs"] and len(rule["apiGroups"]) == 1
                and len(rule["resources"]) == 1):
            key = (rule["apiGroups"][0], rule["resources"][0], tuple(rule["resourceNames"]))
            if key in simple:
                verbs = simple[key]["verbs"]
                verbs.extend(v for v in rule["verbs"] if v not in verbs)
            else:
                simple[key] = {**rule, "verbs": list(rule["verbs"])}
        else:
            out.append(rule)
    return out + list(simple.values())


def _combine_resource_group(resources: list[str], groups: list[str]) -> str:
    """describe.CombineResourceGroup: ``pods``, ``deployments.apps``, ``pods.metrics.k8s.io/log``."""
    if not resources:
        return ""
    base, slash, sub = resources[0].partition("/")
    out = base + (f".{groups[0]}" if groups and groups[0] else "")
    return out + (f"/{sub}" if slash else "")


def access_list(store: authz._Store, user: authz.UserInfo, namespace: str, no_headers: bool = False) -> str:
    resource_rules, non_resource, _err = authz.rules_for(store, user, namespace)
    rules = [_rule(r["verbs"], r["apiGroups"], r["resources"], r.get("resourceNames") or []) for r in resource_rules]
    rules += [_rule(r["verbs"], urls=r["nonResourceURLs"]) for r in non_resource]
    broken = [sub for rule in rules for sub in breakdown(rule)]
    ordered = sorted(compact(broken), key=_rule_string)
    lines = [] if no_headers else ["Resources\tNon-Resource URLs\tResource Names\tVerbs"]
    lines += [f"{_combine_resource_group(r['resources'], r['apiGroups'])}\t{_go_list(r['nonResourceURLs'])}\t"
              f"{_go_list(r['resourceNames'])}\t{_go_list(r['verbs'])}" for r in ordered]
    return go_tabwriter("\n".join(lines) + "\n", minwidth=6, padding=3) if lines else ""


# -- whoami ----------------------------------------------------------------------------------


@command("auth whoami", flags=[Flag("output", "o", "str", "")])
def whoami(inv: Invocation) -> str:
    review = authz.self_subject_review(inv.user)
    out = inv.flags.get("output") or ""
    if out == "json":
        return json.dumps(review, indent=4)
    if out == "yaml":
        return to_yaml(review)
    if out:
        raise KubectlError(f'error: unable to match a printer suitable for the output format "{out}", '
                           "allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
                           "jsonpath-file,name,template,templatefile,yaml")
    info = review["status"]["userInfo"]
    lines = ["ATTRIBUTE\tVALUE", f"Username\t{info['username']}"]
    if info.get("uid"):
        lines.append(f"UID\t{info['uid']}")
    if info.get("groups"):
        lines.append(f"Groups\t{_go_list(info['groups'])}")
    for k in sorted(info.get("extra") or {}):
        lines.append(f"Extra: {k}\t{_go_list(info['extra'][k])}")
    return go_tabwriter("\n".join(lines) + "\n", minwidth=6, padding=3)
