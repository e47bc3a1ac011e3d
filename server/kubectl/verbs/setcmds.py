"""kubectl set env | resources | selector | serviceaccount (kubectl/pkg/cmd/set), as v1.32 has them.

Owns the four sub-commands' argument splitting, validation order and messages, and their edits:

- ``set env``: ``KEY=VALUE`` / ``KEY-`` after the resources (``all resources must be specified before
  environment changes``), ``-e``, ``-`` (an env file on stdin), ``--from=configmap/x|secret/y`` with
  ``--keys`` and ``--prefix`` (keys become names as ``keyToEnvName`` makes them, with its ``Warning:
  key a-key transferred to A_KEY``), ``-c`` with ``*`` wildcards (containers, then init containers),
  ``--overwrite=false``, ``--list`` and ``--resolve`` (values from ConfigMaps, Secrets, field and
  resource references), ``updateEnv``'s order (changed variables in place, new ones appended);
- ``set resources --limits/--requests`` (``cpu=100m,memory=256Mi``, quantities in canonical form);
- ``set selector`` (Services only; match expressions refused) and ``--resource-version``;
- ``set serviceaccount`` (``set sa``).

Each works on deployments, daemonsets, statefulsets, replicasets, replication controllers, jobs,
cronjobs and pods (the pod spec ``scale._pod_spec`` finds), named, ``-f``, ``-l``, ``--all``, or
``--local -f`` (nothing sent). ``env`` and ``resources`` skip objects they would not change; a
client dry run or ``--local`` prints the object as the client's typed Go object encodes it
(``typed``: ``creationTimestamp: null``, ``resources: {}``, the zero-valued status …); otherwise the
change goes to the API (``--dry-run=server``: validated, not stored) and the answer is
``deployment.apps/web env updated`` / ``resource requirements updated`` / ``selector updated`` /
``serviceaccount updated``.

Hands off: target resolution to ``files``; printing to ``apply.printed``; writes to ``server.sim.api``.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Iterator
from typing import Any

from ...sim.api import ApiError, not_found
from ...sim.resources import BY_KIND, Resource
from ...sim.scheduler import milli, parse_quantity, whole
from ...sim.store import Obj, deep_copy
from .. import output, resolve
from ..files import NO_RESOURCE, gather, load_documents, resource_of
from ..parse import Flag, Invocation, KubectlError, Result, command
from .apply import check_output, dry_run_mode, printed
from .create import canonical_quantity
from .scale import _pod_spec
from .wait import check_err

LOCAL_RESOURCE_ERROR = ("error: you must specify resources by --filename when --local is set.\n"
                        "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'")
_ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")
ENV_NAME_ERROR = ("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', "
                  "or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or "
                  "'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")
_NOT_ENV_CHAR = re.compile(r"[^a-zA-Z0-9_]")
BUILDER_FLAGS = [Flag("filename", "f", "list"), Flag("recursive", "R"), Flag("kustomize", "k", "str"),
                 Flag("all"), Flag("local")]
PRINT_FLAGS = [Flag("output", "o", "str"), Flag("dry-run", kind="str", default="none"),
               Flag("template", kind="str"), Flag("show-managed-fields"), Flag("allow-missing-template-keys", default=True),
               Flag("field-manager", kind="str"), Flag("record")]


# -- the client's typed objects --------------------------------------------------------------------

def _typed_meta(meta: Any) -> Obj:
    meta = meta if isinstance(meta, dict) else {}
    meta.setdefault("creationTimestamp", None)
    return meta


def _typed_pod_spec(spec: Obj) -> None:
    for key in ("initContainers", "containers"):
        for c in spec.get(key) or []:
            c.setdefault("resources", {})


def _typed_template(holder: Obj) -> None:
    template = holder.setdefault("template", {})
    template["metadata"] = _typed_meta(template.get("metadata"))
    _typed_pod_spec(template.setdefault("spec", {}))


#: per kind, the struct fields without ``omitempty`` a decoded-then-encoded object gains
_STATUS_ZERO = {
    "Deployment": {}, "Job": {}, "CronJob": {}, "Pod": {},
    "DaemonSet": {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0,
                  "numberReady": 0},
    "StatefulSet": {"replicas": 0, "availableReplicas": 0},
    "ReplicaSet": {"replicas": 0}, "ReplicationController": {"replicas": 0},
    "Service": {"loadBalancer": {}},
}


def typed(obj: Obj) -> Obj:
    """``obj`` as the client's typed Go object re-encodes it (what ``--local`` and a client dry run
    print): a copy with the zero values of the struct fields that ``omitempty`` cannot drop."""
    out = deep_copy(obj)
    kind = out.get("kind", "")
    out["metadata"] = _typed_meta(out.get("metadata"))
    spec = out.get("spec")
    if isinstance(spec, dict):
        if kind == "Pod":
            _typed_pod_spec(spec)
        elif kind == "CronJob":
            jt = spec.setdefault("jobTemplate", {})
            jt["metadata"] = _typed_meta(jt.get("metadata"))
            _typed_template(jt.setdefault("spec", {}))
        elif kind in ("Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job", "ReplicationController"):
            _typed_template(spec)
        if kind == "Deployment":
            spec.setdefault("strategy", {})
        elif kind == "DaemonSet":
            spec.setdefault("updateStrategy", {})
        elif kind == "StatefulSet":
            spec.setdefault("serviceName", "")
            spec.setdefault("updateStrategy", {})
        elif kind == "Service":
            for p in spec.get("ports") or []:
                p.setdefault("targetPort", 0)
    if kind in _STATUS_ZERO:
        status = out.setdefault("status", {})
        for k, v in _STATUS_ZERO[kind].items():
            status.setdefault(k, deep_copy(v))
    return out


# -- targets -----------------------------------------------------------------------------------------

class Target:
    """One object a set command edits: its resource, the object (a copy), how errors name it."""

    def __init__(self, resource: Resource, obj: Obj, local: bool) -> None:
        self.resource = resource
        self.obj = obj
        self.local = local

    @property
    def name(self) -> str:
        return self.obj["metadata"].get("name", "")

    @property
    def object_name(self) -> str:
        """``info.ObjectName()``: ``deployments/web`` from the server's mapping, ``deployment.apps/web``
        for a local file."""
        return f"{self.resource.qualified if self.local else self.resource.plural}/{self.name}"


def _targets(inv: Invocation, args: list[str], *, local: bool, selector: str | None = None,
             select_all: bool = False) -> list[Target]:
    """The builder's ``Infos()``: every object or, when any could not be read, the errors alone."""
    if local:
        docs = load_documents(inv.cluster, inv.flags.get("filename") or [], inv.stdin,
                              bool(inv.flags.get("recursive")))
        errors = [d.error for d in docs if d.error]
        if errors:
            raise KubectlError("\n".join(errors))
        if not docs:
            raise KubectlError(NO_RESOURCE)
        return [Target(resource_of(d.obj), deep_copy(d.obj), True) for d in docs if d.obj is not None]
    refs, errors = gather(inv, args, verb=inv.command, selector=selector, select_all=select_all)
    out = []
    for ref in refs:
        obj = inv.cluster.store.get(ref.resource.kind, ref.namespace, ref.name)
        if obj is None:
            e = not_found(ref.resource, ref.name)
            errors.append(f"Error from server ({e.reason}): {e.message}")
            continue
        out.append(Target(ref.resource, obj, False))
    if errors:
        raise KubectlError(check_err(errors).rstrip("\n"))
    return out


def _pod_specs(targets: list[Target], errors: list[str]) -> Iterator[tuple[Target, Obj, Obj]]:
    """Each target with a copy of it as it was and its pod template's spec; a target without one
    is skipped with kubectl's error in ``errors``."""
    for t in targets:
        before = deep_copy(t.obj)
        try:
            spec = _pod_spec_of(t)
        except KubectlError as e:
            errors.append(f"error: {t.object_name} {e.message}")
            continue
        yield t, before, spec


def _pod_spec_of(t: Target) -> Obj:
    spec = _pod_spec(t.obj)
    if spec is None:
        # Go's %T of the typed object: its package is named after the version (*v1.Service)
        raise KubectlError("the object is not a pod or does not have a pod template: "
                           f"*{t.resource.version}.{t.obj.get('kind', '')}")
    return spec


def select_containers(spec: Obj, pattern: str) -> list[Obj]:
    """``selectContainers`` over containers then init containers, ``*`` wildcards as ``selectString``."""
    return [c for key in ("containers", "initContainers") for c in spec.get(key) or []
            if select_string(c.get("name", ""), pattern)]


def select_string(s: str, spec: str) -> bool:
    """``selectString``: ``*`` matches all; otherwise the parts between ``*`` in order, the first
    at the start and the last at the end (kubectl's own non-greedy matcher, quirks included)."""
    if spec == "*":
        return True
    if "*" not in spec:
        return s == spec
    pos = 0
    parts = spec.split("*")
    for i, part in enumerate(parts):
        if not part:
            continue
        found = s[pos:].find(part)
        if found < pos or (i == 0 and pos != 0) or (i == len(parts) - 1 and len(s) != len(part) + found):
            return False
        pos = found
    return True


def _write(inv: Invocation, t: Target, mode: str) -> Obj:
    """Send the edited object (a server dry run validates and defaults it without storing)."""
    api = inv.cluster.api
    if mode == "server":
        return api.replace(t.obj, manager=inv.flags.get("field-manager") or "kubectl-set", dry_run=True)
    return api.replace(t.obj, manager=inv.flags.get("field-manager") or "kubectl-set")


def _show(inv: Invocation, t: Target, operation: str, fmt: str, mode: str, obj: Obj | None = None) -> str:
    shown = output.typed(typed(obj if obj is not None else t.obj))
    return printed(t.resource, t.name, operation, fmt, shown, mode)


def _common_checks(inv: Invocation, mode: str) -> None:
    if inv.flags.get("local") and mode == "server":
        raise KubectlError("error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?")


# -- set env -------------------------------------------------------------------------------------------

def split_env_args(args: list[str]) -> tuple[list[str], list[str]]:
    """``SplitEnvironmentFromResources``: resources first, then ``KEY=VALUE``/``KEY-`` words."""
    resources: list[str] = []
    env: list[str] = []
    for s in args:
        is_env = bool(re.fullmatch(r"(?s)(.+)=(.*)", s)) or s.endswith("-")
        if is_env:
            env.append(s)
        elif env:
            raise KubectlError("error: all resources must be specified before environment changes: " + " ".join(args))
        else:
            resources.append(s)
    return resources, env


def _env_var(name: str, value: str) -> Obj:
    """An EnvVar as its typed encoding has it (``value`` is omitempty)."""
    return {"name": name, "value": value} if value else {"name": name}


def parse_env(specs: list[str], stdin: str) -> tuple[list[Obj], list[str]]:
    """``ParseEnv``: the variables to set (in order) and the names to remove."""
    env: list[Obj] = []
    remove: list[str] = []
    seen: set[str] = set()
    for spec in specs:
        if spec == "-":
            for line in stdin.splitlines():
                line = line.split("#", 1)[0]
                if "=" in line:
                    name, _, value = line.partition("=")
                    env.append(_env_var(name, value))
        elif "=" in spec:
            name, _, value = spec.partition("=")
            if not _ENV_NAME.fullmatch(name):
                raise KubectlError(f'error: "{name}" is not a valid key name: {ENV_NAME_ERROR}')
            seen.add(name)
            env.append(_env_var(name, value))
        elif spec.endswith("-"):
            remove.append(spec[:-1])
        else:
            raise KubectlError(f"error: unknown environment variable: {spec}")
    if any(name in seen for name in remove):
        raise KubectlError("error: can not both modify and remove the same environment variable in the same command")
    return env, remove


def update_env(existing: list[Obj], env: list[Obj], remove: list[str]) -> list[Obj]:
    """``updateEnv``: existing variables in place (replaced when set again, dropped when removed),
    then the new ones in the order given; a name set twice keeps its first value."""
    by_name: dict[str, Obj] = {}
    for e in env:
        by_name.setdefault(e["name"], e)
    covered = set(remove)
    out = []
    for e in existing:
        if e.get("name") in covered:
            continue
        if e.get("name") in by_name:
            covered.add(e["name"])
            out.append(deep_copy(by_name[e["name"]]))
            continue
        out.append(e)
    for e in env:
        if e["name"] in covered:
            continue
        covered.add(e["name"])
        out.append(deep_copy(e))
    return out


def key_to_env_name(key: str) -> str:
    return _NOT_ENV_CHAR.sub("_", key).upper()


def _from_env(inv: Invocation, local: bool, keys: list[str]) -> tuple[list[Obj], list[str]]:
    """Variables referring to every (or each ``--keys``) key of the ``--from`` ConfigMaps/Secrets,
    and the warnings for renamed keys. Go walks the maps in random order; here keys are sorted."""
    f = inv.flags
    if local:
        docs = load_documents(inv.cluster, f.get("filename") or [], inv.stdin, bool(f.get("recursive")))
        sources = [d.obj for d in docs if d.obj is not None]
    else:
        targets = _targets(inv, [f["from"]], local=False, selector=f.get("selector"),
                           select_all=bool(f.get("all")))
        sources = [t.obj for t in targets]
    env: list[Obj] = []
    warnings: list[str] = []
    for src in sources:
        kind = src.get("kind")
        if kind not in ("Secret", "ConfigMap"):
            raise KubectlError("error: unsupported resource specified in --from")
        ref = "secretKeyRef" if kind == "Secret" else "configMapKeyRef"
        for key in sorted(src.get("data") or {}):
            if keys and key not in keys:
                continue
            name = key_to_env_name(key)
            if name != key:
                warnings.append(f"Warning: key {key} transferred to {name}\n")
            env.append({"name": name, "valueFrom": {ref: {"key": key, "name": src["metadata"]["name"]}}})
    return env, warnings


def env_ref_string(source: Obj) -> str:
    """``GetEnvVarRefString``."""
    for key, what in (("configMapKeyRef", "configmap"), ("secretKeyRef", "secret")):
        if key in source:
            return f"{what} {source[key].get('name', '')}, key {source[key].get('key', '')}"
    if "fieldRef" in source:
        return f"field path {source['fieldRef'].get('fieldPath', '')}"
    if "resourceFieldRef" in source:
        rf = source["resourceFieldRef"]
        prefix = f"{rf['containerName']}/" if rf.get("containerName") else ""
        return f"resource field {prefix}{rf.get('resource', '')}"
    return "invalid valueFrom"


def _field_ref(obj: Obj, path: str) -> str:
    meta = obj.get("metadata") or {}
    m = re.fullmatch(r"(.+)\['(.*)'\]", path)
    if m and m.group(1) in ("metadata.annotations", "metadata.labels"):
        return (meta.get(m.group(1).split(".")[1]) or {}).get(m.group(2), "")
    if m:
        raise ValueError(f'fieldPath "{path}" does not support subscript')
    if path in ("metadata.annotations", "metadata.labels"):
        values = meta.get(path.split(".")[1]) or {}
        return "\n".join(f'{k}="{v}"' for k, v in sorted(values.items()))
    if path in ("metadata.name", "metadata.namespace", "metadata.uid"):
        return str(meta.get(path.split(".")[1], ""))
    raise ValueError(f"unsupported fieldPath: {path}")


def _resource_ref(ref: Obj, container: Obj) -> str:
    """``extractContainerResourceValue``: the container's request or limit over the divisor, rounded up."""
    what, _, name = (ref.get("resource") or "").partition(".")
    if what not in ("limits", "requests") or name not in ("cpu", "memory", "ephemeral-storage"):
        raise ValueError(f"Unsupported container resource : {ref.get('resource', '')}")
    amount = ((container.get("resources") or {}).get(what) or {}).get(name, "0")
    divisor = ref.get("divisor") or "1"
    if parse_quantity(divisor) == 0:
        divisor = "1"
    if name == "cpu":
        return str(math.ceil(milli(amount) / milli(divisor)))
    return str(math.ceil(whole(amount) / whole(divisor)))


def env_ref_value(inv: Invocation, namespace: str, source: Obj, obj: Obj, container: Obj) -> str:
    """``GetEnvVarRefValue``: what a ``valueFrom`` resolves to; ValueError with kubectl's reason."""
    store = inv.cluster.store
    refs = (("secretKeyRef", "Secret", "secret"), ("configMapKeyRef", "ConfigMap", "config map"))
    for ref, kind, what in refs:
        if ref in source:
            sel = source[ref]
            found = store.peek(kind, namespace, sel.get("name", ""))
            if found is None:
                e = not_found(BY_KIND[kind], sel.get("name", ""))
                raise ValueError(e.message)
            data = found.get("data") or {}
            if sel.get("key") in data:
                value = data[sel["key"]]
                return base64.b64decode(value).decode(errors="replace") if kind == "Secret" else value
            raise ValueError(f"key {sel.get('key', '')} not found in {what} {sel.get('name', '')}")
    if "fieldRef" in source:
        return _field_ref(obj, source["fieldRef"].get("fieldPath", ""))
    if "resourceFieldRef" in source:
        return _resource_ref(source["resourceFieldRef"], container)
    raise ValueError("invalid valueFrom")


def _list_env(inv: Invocation, t: Target, container: Obj, resolve_refs: bool) -> tuple[str, str]:
    """``--list``'s lines for one container and the resolution errors (stderr)."""
    lines = [f"# {t.obj.get('kind', '')} {t.name}, container {container.get('name', '')}\n"]
    problems: dict[str, list[str]] = {}
    for e in container.get("env") or []:
        if "valueFrom" not in e:
            lines.append(f"{e.get('name', '')}={e.get('value', '')}\n")
            continue
        if resolve_refs:
            try:
                value = env_ref_value(inv, inv.namespace, e["valueFrom"], t.obj, container)
            except ValueError as err:
                problems.setdefault(str(err), []).append(e.get("name", ""))
            else:
                lines.append(f"{e.get('name', '')}={value}\n")
                continue
        lines.append(f"# {e.get('name', '')} from {env_ref_string(e['valueFrom'])}\n")
    errs = sorted(f"error retrieving reference for {', '.join(sorted(names))}: {err}\n"
                  for err, names in problems.items())
    return "".join(lines), "".join(errs)


@command("set env", flags=[*BUILDER_FLAGS, *PRINT_FLAGS, Flag("containers", "c", "str", "*"),
                           Flag("from", kind="str"), Flag("prefix", kind="str"), Flag("env", "e", "list"),
                           Flag("keys", kind="list"), Flag("list"), Flag("resolve"),
                           Flag("overwrite", default=True), Flag("selector", "l", "str")])
def set_env(inv: Invocation) -> Result:
    if inv.flags.get("kustomize"):  # -k is not wired into the resource builder (files.gather) yet
        raise KubectlError(f"error: kubeplay does not simulate `kubectl {inv.command} -k` yet")
    f = inv.flags
    if f.get("all") and f.get("selector"):
        raise KubectlError("error: cannot set --all and --selector at the same time")
    resources, env_args = split_env_args(inv.args)
    mode = dry_run_mode(inv)
    fmt = check_output(inv)
    local = bool(f.get("local"))
    _common_checks(inv, mode)
    if not f.get("filename") and not resources:
        raise KubectlError("error: one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if f.get("list") and f.get("output"):
        raise KubectlError("error: --list and --output may not be specified together")
    keys = [k for v in f.get("keys") or [] for k in v.split(",") if k]
    if keys and not f.get("from"):
        raise KubectlError("error: when specifying --keys, a configmap or secret must be provided with --from")
    env, remove = parse_env([*(f.get("env") or []), *env_args], inv.stdin)
    warnings: list[str] = []
    if f.get("from"):
        more, warnings = _from_env(inv, local, keys)
        env += more
    if f.get("prefix"):
        env = [dict(e, name=f["prefix"] + e["name"]) for e in env]
    targets = _targets(inv, resources, local=local, selector=f.get("selector"), select_all=bool(f.get("all")))
    pattern = f.get("containers") or "*"
    listing: list[str] = []
    changed: list[Target] = []
    errors: list[str] = []
    for t, before, spec in _pod_specs(targets, errors):
        containers = select_containers(spec, pattern)
        if not containers:
            warning = (f'Warning: {t.obj.get("kind", "")}/{t.name} does not have any containers matching '
                       f'"{pattern}"\n')
            (listing if f.get("list") else warnings).append(warning)
            continue
        failed = False
        for c in containers:
            if not f.get("overwrite", True):
                clash = next((old for e in env for old in c.get("env") or [] if old.get("name") == e["name"]
                              and old.get("value", "") != e.get("value", "")), None)
                if clash is not None:
                    sep = "\n" if t.local else ""
                    errors.append(f"error: {t.object_name}{sep} '{clash['name']}' already has a value "
                                  f"({clash.get('value', '')}), and --overwrite is false")
                    failed = True
                    break
            new_env = update_env(c.get("env") or [], env, remove)
            if new_env:
                c["env"] = new_env
            else:
                c.pop("env", None)
            if f.get("list"):
                # the listing goes to stdout, its resolution errors to stderr as each container is done
                listing.extend(_list_env(inv, t, c, bool(f.get("resolve"))))
        if not failed and t.obj != before:
            changed.append(t)
    if f.get("list"):
        return Result("".join(warnings) + "".join(listing))
    out: list[str] = []
    for t in changed:
        if local or mode == "client":
            out.append(_show(inv, t, "env updated", fmt, mode))
            continue
        try:
            stored = _write(inv, t, mode)
        except ApiError as e:
            errors.append(f"error: failed to patch env update to pod template: {e.message}")
            continue
        out.append(_show(inv, t, "env updated", fmt, mode, stored))
    text = "".join(warnings) + "".join(out) + (check_err(errors) if errors else "")
    return Result(text, 1 if errors else 0)


# -- set resources --------------------------------------------------------------------------------------

def parse_resource_list(spec: str) -> dict[str, str]:
    """``populateResourceListV1``: ``cpu=100m,memory=256Mi`` with each quantity in canonical form."""
    out: dict[str, str] = {}
    if not spec:
        return out
    for part in spec.split(","):
        pieces = part.split("=")
        if len(pieces) != 2:
            raise KubectlError(f"error: Invalid argument syntax {part}, expected <resource>=<value>")
        out[pieces[0]] = canonical_quantity(pieces[1])
    return out


@command("set resources", flags=[*BUILDER_FLAGS, *PRINT_FLAGS, Flag("selector", "l", "str"),
                                 Flag("containers", "c", "str", "*"), Flag("limits", kind="str"),
                                 Flag("requests", kind="str")])
def set_resources(inv: Invocation) -> Result:
    if inv.flags.get("kustomize"):  # -k is not wired into the resource builder (files.gather) yet
        raise KubectlError(f"error: kubeplay does not simulate `kubectl {inv.command} -k` yet")
    f = inv.flags
    mode = dry_run_mode(inv)
    fmt = check_output(inv)
    local = bool(f.get("local"))
    if local and inv.args:
        raise KubectlError(LOCAL_RESOURCE_ERROR)
    targets = _targets(inv, inv.args, local=local, selector=f.get("selector"), select_all=bool(f.get("all")))
    _common_checks(inv, mode)
    if f.get("all") and f.get("selector"):
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if not f.get("limits") and not f.get("requests"):
        raise KubectlError("error: you must specify an update to requests or limits (in the form of "
                           "--requests/--limits)")
    limits = parse_resource_list(f.get("limits") or "")
    requests = parse_resource_list(f.get("requests") or "")
    pattern = f.get("containers") or "*"
    errors: list[str] = []
    out: list[str] = []
    for t, before, spec in _pod_specs(targets, errors):
        containers = select_containers(spec, pattern)
        if not containers:
            errors.append(f"error: unable to find container named {pattern}")
            continue
        for c in containers:
            res = c.setdefault("resources", {})
            if limits:
                res.setdefault("limits", {}).update(limits)
            if requests:
                res.setdefault("requests", {}).update(requests)
        if typed(t.obj) == typed(before):
            continue  # an empty patch: nothing sent, nothing printed
        if local or mode == "client":
            out.append(_show(inv, t, "resource requirements updated", fmt, mode))
            continue
        try:
            stored = _write(inv, t, mode)
        except ApiError as e:
            errors.append(f"error: failed to patch resources update to pod template {e.message}")
            continue
        out.append(_show(inv, t, "resource requirements updated", fmt, mode, stored))
    return Result("".join(out) + (check_err(errors) if errors else ""), 1 if errors else 0)


# -- set selector ----------------------------------------------------------------------------------------

def _selector_requirements(exprs: list[Obj]) -> str:
    """A ``[]LabelSelectorRequirement`` as Go's ``%v`` prints it: ``[{app In [a b]}]``."""
    return "[" + " ".join(f"{{{e['key']} {e['operator']} [{' '.join(e.get('values') or [])}]}}"
                          for e in exprs) + "]"


@command("set selector", flags=[*BUILDER_FLAGS, *PRINT_FLAGS, Flag("resource-version", kind="str")])
def set_selector(inv: Invocation) -> Result:
    if inv.flags.get("kustomize"):  # -k is not wired into the resource builder (files.gather) yet
        raise KubectlError(f"error: kubeplay does not simulate `kubectl {inv.command} -k` yet")
    f = inv.flags
    mode = dry_run_mode(inv)
    selector = None
    resources: list[str] = []
    if inv.args:
        resources, text = inv.args[:-1], inv.args[-1]
        try:
            selector = resolve.parse_selector(text)
        except KubectlError as e:
            raise KubectlError(f'error: couldn\'t parse the selector string "{text}": '
                               f'{e.message.removeprefix("error: ")}') from None
    fmt = check_output(inv)
    if selector is None:
        raise KubectlError("error: one selector is required")
    local = bool(f.get("local"))
    if local and resources:
        raise KubectlError(LOCAL_RESOURCE_ERROR)
    refs_errors: list[str] = []
    if local:
        targets = _targets(inv, resources, local=True)
    else:
        refs, refs_errors = gather(inv, resources, verb="set selector", select_all=bool(f.get("all")))
        targets = []
        for ref in refs:
            obj = inv.cluster.store.get(ref.resource.kind, ref.namespace, ref.name)
            if obj is None:
                e = not_found(ref.resource, ref.name)
                refs_errors.append(f"Error from server ({e.reason}): {e.message}")
                continue
            targets.append(Target(ref.resource, obj, False))
    out: list[str] = []
    errors: list[str] = []
    for t in targets:
        if t.obj.get("kind") != "Service":
            errors.append("error: setting a selector is only supported for Services")
            continue
        if selector.get("matchExpressions"):
            errors.append(f"error: match expression {_selector_requirements(selector['matchExpressions'])} "
                          "not supported on this object")
            continue
        t.obj.setdefault("spec", {})["selector"] = dict(selector.get("matchLabels") or {})
        if local or mode == "client":
            out.append(_show(inv, t, "selector updated", fmt, mode))
            continue
        if f.get("resource-version"):
            t.obj["metadata"]["resourceVersion"] = f["resource-version"]
        try:
            stored = _write(inv, t, mode)
        except ApiError as e:
            errors.append(f"Error from server ({e.reason}): {e.message}")
            continue
        out.append(_show(inv, t, "selector updated", fmt, mode, stored))
    errors += refs_errors
    return Result("".join(out) + (check_err(errors) if errors else ""), 1 if errors else 0)


# -- set serviceaccount -----------------------------------------------------------------------------------

SA_FLAGS = [*BUILDER_FLAGS, *PRINT_FLAGS]


@command("set serviceaccount", flags=SA_FLAGS)
def set_serviceaccount(inv: Invocation) -> Result:
    if inv.flags.get("kustomize"):  # -k is not wired into the resource builder (files.gather) yet
        raise KubectlError(f"error: kubeplay does not simulate `kubectl {inv.command} -k` yet")
    mode = dry_run_mode(inv)
    fmt = check_output(inv)
    if not inv.args:
        raise KubectlError("error: serviceaccount is required")
    name, resources = inv.args[-1], inv.args[:-1]
    local = bool(inv.flags.get("local"))
    targets = _targets(inv, resources, local=local, select_all=bool(inv.flags.get("all")))
    errors: list[str] = []
    out: list[str] = []
    for t in targets:
        try:
            spec = _pod_spec_of(t)
        except KubectlError as e:
            errors.append(f"error: {t.object_name} {e.message}")
            continue
        spec["serviceAccountName"] = name
        if local or mode == "client":
            out.append(_show(inv, t, "serviceaccount updated", fmt, mode))
            continue
        try:
            stored = _write(inv, t, mode)
        except ApiError as e:
            errors.append(f"error: failed to patch ServiceAccountName {e.message}")
            continue
        out.append(_show(inv, t, "serviceaccount updated", fmt, mode, stored))
    return Result("".join(out) + (check_err(errors) if errors else ""), 1 if errors else 0)


@command("set sa", flags=SA_FLAGS)
def set_sa(inv: Invocation) -> Result:
    return set_serviceaccount(inv)
