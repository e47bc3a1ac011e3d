"""kubectl apply and create: putting objects into the cluster from files and from flags.

Owns: ``apply -f`` (client-side apply: created / configured / unchanged per document, every
document tried even when an earlier one fails, exit code 1 if any failed), ``create -f``,
``create deployment NAME --image=I [--replicas] [--port] [-- command…]`` and ``create
namespace``, with ``--dry-run=client|server`` and ``-o name|yaml|json``. Messages and errors are
kubectl v1.32's (``deployment.apps/web created``, ``Error from server (AlreadyExists): error when
creating "x.yml": …``, ``error: failed to create deployment: …``).

Hands off: reading ``-f`` to ``files``; merging, validation, defaulting and storage to
``server.sim.api`` (``apply``/``create``), whose ``ApiError`` carries the apiserver's words.
Also holds the small output helpers the other write verbs share (``printed``).
"""

from __future__ import annotations

import json
from typing import Any

from ...sim.api import LAST_APPLIED, ApiError, last_applied_annotation, three_way_merge
from ...sim.golang import quote as go_quote
from ...sim.resources import BY_KIND, Resource
from ...sim.store import Obj, deep_copy
from .. import output
from ..files import STDIN, doc_namespace, documents, resource_of, unexpected_args
from ..parse import Flag, Invocation, KubectlError, Result, command

DRY_RUN_SUFFIX = {"client": " (dry run)", "server": " (server dry run)"}

FILE_FLAGS = [Flag("filename", "f", "list"), Flag("recursive", "R"), Flag("kustomize", "k", "str")]
OUTPUT_FLAGS = [Flag("output", "o", "str"), Flag("dry-run", kind="str", default="none"),
                Flag("show-managed-fields"), Flag("template", kind="str"),
                Flag("allow-missing-template-keys", default=True)]


# -- output helpers shared by the write verbs ----------------------------------------------------

def dry_run_mode(inv: Invocation) -> str:
    """``none`` | ``client`` | ``server`` from ``--dry-run`` with kubectl's validation."""
    value = inv.flags.get("dry-run") or "none"
    if value in ("true", "unchanged"):  # the deprecated boolean --dry-run (bare: "unchanged") meant client
        return "client"
    if value in ("false",):
        return "none"
    if value not in ("none", "client", "server"):
        raise KubectlError(f'error: Invalid dry-run value ({value}). Must be "none", "server", or "client".')
    return value


def check_output(inv: Invocation, allowed: tuple[str, ...] = ("", "name", "yaml", "json")) -> str:
    """The printer ``-o`` / ``--template`` choose (``output.write_printer``: json, yaml, name,
    jsonpath, jsonpath-as-json, jsonpath-file, go-template, go-template-file, template,
    templatefile); a ``str`` of the format word, so ``fmt == "yaml"`` still reads. ``allowed``
    is kept for old callers: every write verb takes kubectl's whole PrintFlags list."""
    del allowed
    return output.write_printer(inv)


def render(obj: Obj, fmt: str) -> str:
    """An object as the ``-o`` printer prints it (yaml/json, jsonpath, go-template ...)."""
    printer = fmt if isinstance(fmt, output.OutputFormat) else output.OutputFormat(fmt or "yaml")
    if not printer.is_object:
        printer = output.OutputFormat("json" if fmt == "json" else "yaml")
    return printer.print_obj(obj)


def printed(resource: Resource, name: str, operation: str, fmt: str = "", obj: Obj | None = None,
            dry_run: str = "none") -> str:
    """One line of kubectl's name printer (``deployment.apps/web created``), or the object as the
    chosen printer prints it (``-o yaml|json|jsonpath=…|go-template=…``), or just ``kind/name``
    for ``-o name``."""
    # a verb that passes its raw -o value gets the same printer (and errors) check_output gives
    printer = fmt if isinstance(fmt, output.OutputFormat) else output.printer_for(fmt or "")
    if printer.is_object and obj is not None:
        return printer.print_obj(obj)
    return output.name_line(resource.qualified, name, operation + DRY_RUN_SUFFIX.get(dry_run, ""),
                            short=printer == "name")


def invalid_message(e: ApiError) -> str | None:
    """cmdutil.CheckErr's words for an Invalid answer with details (one cause on the line, several
    as a bulleted list), or None when it has none (then the standard ``Error from server`` line)."""
    details = e.details if e.reason == "Invalid" and isinstance(e.details, dict) else None
    if not details:
        return None
    if details.get("kind") or details.get("name"):
        # fmt.Sprintf("The %s %q is invalid"): the name Go-quoted (a control character escaped)
        head = f'The {details.get("kind", "")} {go_quote(str(details.get("name", "")))} is invalid'
    else:
        head = "The request is invalid"
    causes = [f"{c['field']}: {c.get('message', '')}" if c.get("field") else c.get("message", "")
              for c in details.get("causes") or []]
    if not causes:
        return head
    if len(causes) == 1:
        return f"{head}: {causes[0]}"
    return f"{head}: \n" + "\n".join(f"* {c}" for c in causes)


def with_source(verb: str, source: str, e: ApiError) -> str:
    """``AddSourceToErr``: the source file goes into the server's message."""
    msg = f'error when {verb} "{source}": {e.message}' if source else e.message
    return f"Error from server ({e.reason}): {msg}"


def _finish(out: list[str], errors: list[str], answers: dict[int, ApiError] | None = None) -> Result:
    """The command's output, then its errors as CheckErr prints their aggregate: a lone Invalid
    answer (``answers``: the ApiError behind an error) in its details' words."""
    if len(errors) == 1 and answers and 0 in answers:
        errors = [invalid_message(answers[0]) or errors[0]]
    text = "".join(out) + "".join(e if e.endswith("\n") else e + "\n" for e in errors)
    return Result(text, 1 if errors else 0)


def _bare(message: str) -> str:
    """An error as ``err.Error()`` gives it, without the ``error: `` CheckErr adds to a lone one."""
    return message[len("error: "):] if message.startswith("error: ") else message


def finish_visit(out: list[str], builder: list[str], errors: list[str], answers: dict[int, ApiError] | None = None,
                 *, builder_first: bool = False) -> Result:
    """The output, then the errors of a ``-f`` command as kubectl v1.32 prints them. ``builder``
    are the resource builder's errors (documents that did not decode, map or validate), which its
    visitor returns as one aggregate (``utilerrors.Reduce``: one error stands alone); ``errors``
    are the requests' errors, in order (``answers``: the ApiError behind each, by index).
    ``apply`` gathers the objects first (``GetObjects``: the builder's aggregate comes first),
    ``create`` and ``delete`` visit them (it comes last). CheckErr unwraps an aggregate of one and
    prints an aggregate as ``MultipleErrors``: one line per error, API errors in their standard
    words, others bare (no ``error: ``), and a nested aggregate on one line as ``[a, b]``."""
    answers = answers or {}
    if len(errors) + (1 if builder else 0) <= 1 and not (len(builder) > 1):
        return _finish(out, errors or builder, answers if errors else None)
    nested: str | list[str] = builder[0] if len(builder) == 1 else builder
    outer: list[str | list[str]] = (([nested] if builder else []) + list(errors)) if builder_first else \
        (list(errors) + ([nested] if builder else []))
    if len(outer) == 1:
        lines = [_bare(b) for b in builder]  # the builder's aggregate alone
    else:
        lines = ["[" + ", ".join(_bare(b) for b in x) + "]" if isinstance(x, list) else _bare(x) for x in outer]
    text = "".join(out) + "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    return Result(text, 1)


def _gv(r: Resource) -> str:
    """schema.GroupVersion*.String()'s head: ``apps/v1``, and ``/v1`` for the core group."""
    return f"{r.group}/{r.version}"


# -- apply ------------------------------------------------------------------------------------------

def _apply_dry_run(inv: Invocation, obj: Obj, mode: str) -> tuple[Obj, str]:
    """What ``apply`` would do, without storing anything (client: no server checks beyond the
    existence lookup; server: full validation and defaulting)."""
    api = inv.cluster.api
    r = resource_of(obj)
    ns = doc_namespace(r, obj, inv.namespace)
    existing = inv.cluster.store.get(r.kind, ns, obj["metadata"].get("name", ""))
    if existing is None:
        annotated = deep_copy(obj)
        annotated.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = \
            last_applied_annotation(obj)
        if mode == "server":
            return api.create(annotated, ns or inv.namespace, dry_run=True,
                              manager="kubectl-client-side-apply"), "created"
        return annotated, "created"
    last = json.loads((existing["metadata"].get("annotations") or {}).get(LAST_APPLIED, "{}"))
    applied = deep_copy(obj)
    if r.namespaced:
        applied.setdefault("metadata", {})["namespace"] = ns
    annotation = last_applied_annotation(applied)
    applied["metadata"].setdefault("annotations", {})  # as api.apply merges
    merged = three_way_merge(existing, last, applied)
    merged["metadata"].setdefault("annotations", {})[LAST_APPLIED] = annotation
    if mode == "client":
        # applyOneObject computes the patch only when it will send it: a client dry run of an
        # existing object always says "configured", even when nothing would change
        return merged, "configured"
    _, merged = api._prepare(merged, ns or inv.namespace)  # validation and defaults, nothing stored
    return merged, "unchanged" if merged == existing else "configured"


@command("apply", flags=[*FILE_FLAGS, *OUTPUT_FLAGS, Flag("validate", kind="str"), Flag("force"),
                         Flag("server-side"), Flag("force-conflicts"), Flag("field-manager", kind="str"),
                         Flag("prune"), Flag("selector", "l", "str"), Flag("all"), Flag("overwrite"),
                         Flag("wait"), Flag("grace-period", kind="int"), Flag("timeout", kind="str"),
                         Flag("record"), Flag("cascade", kind="str")])
def apply(inv: Invocation) -> Result:
    fmt = check_output(inv)
    mode = dry_run_mode(inv)
    if inv.flags.get("server-side") and mode == "client":
        raise KubectlError("error: --dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)")
    if inv.args:
        raise unexpected_args("apply", inv.args)
    if not inv.flags.get("filename") and not inv.flags.get("kustomize"):
        raise KubectlError("error: must specify one of -f and -k")
    out: list[str] = []
    errors: list[str] = []
    builder: list[str] = []
    docs = documents(inv)
    if not docs:
        raise KubectlError("error: no objects passed to apply")
    objects: list[Obj] = []
    invalid: dict[int, ApiError] = {}  # index in errors -> the answer, for _finish
    for doc in docs:
        if doc.error:
            builder.append(doc.error)
            continue
        obj = doc.obj
        assert obj is not None
        meta = obj.get("metadata") or {}
        if not meta.get("name") and meta.get("generateName"):
            errors.append(f"error: from {meta['generateName']}: cannot use generate name with apply")
            continue
        try:
            r = resource_of(obj)
            ns = doc_namespace(r, obj, inv.namespace)
            if not meta.get("name"):
                # applyOneObject's Get of the live object, with no name to ask for
                errors.append(f"error: error when retrieving current configuration of:\nResource: \"{_gv(r)}, "
                              f'Resource={r.plural}", GroupVersionKind: "{_gv(r)}, Kind={r.kind}"\n'
                              f'Name: "", Namespace: "{ns}"\nfrom server for: "{doc.source}": resource name may '
                              "not be empty")
                continue
            try:
                existing = inv.cluster.store.peek(r.kind, ns, meta.get("name", ""))
            except ApiError as e:  # applyOneObject's Get of the live object, refused (Forbidden)
                errors.append(f"Error from server ({e.reason}): error when retrieving current configuration of:\n"
                              f'Resource: "{_gv(r)}, Resource={r.plural}", GroupVersionKind: "{_gv(r)}, '
                              f'Kind={r.kind}"\nName: "{meta["name"]}", Namespace: "{ns}"\nfrom server for: '
                              f'"{doc.source}": {e.message}')
                continue
            # the warning comes with the patch, which a server dry run computes too (a client one does not)
            if (mode != "client" and existing is not None
                    and LAST_APPLIED not in (existing["metadata"].get("annotations") or {})):
                out.append(f"Warning: resource {r.plural}{'.' + r.group if r.group else ''}/{meta['name']} is "
                           f"missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl "
                           "apply should only be used on resources created declaratively by either kubectl "
                           "create --save-config or kubectl apply. The missing annotation will be patched "
                           "automatically.\n")
            if mode != "none":
                stored, status = _apply_dry_run(inv, obj, mode)
            else:
                stored, status = inv.cluster.api.apply(obj, ns or inv.namespace)
        except ApiError as e:
            if existing is None:
                invalid[len(errors)] = e
                errors.append(with_source("creating", doc.source, e))
            else:  # AddSourceToErr keeps the StatusError: a lone Invalid prints its causes too
                invalid[len(errors)] = e
                patch = json.dumps(obj, separators=(",", ":"), sort_keys=True)
                r = BY_KIND[obj["kind"]]
                errors.append(
                    f"Error from server ({e.reason}): error when applying patch:\n{patch}\nto:\n"
                    f'Resource: "{_gv(r)}, Resource={r.plural}", GroupVersionKind: '
                    f'"{_gv(r)}, Kind={r.kind}"\nName: "{meta.get("name")}", Namespace: "{ns}"\n'
                    f'for: "{doc.source}": error when patching "{doc.source}": {e.message}')
            continue
        except KubectlError as e:
            errors.append(e.message)
            continue
        if fmt.is_object:
            objects.append(stored)  # printObjects: all of them once the loop is done
        else:
            out.append(printed(r, stored["metadata"].get("name") or meta.get("name", ""), status, fmt, stored, mode))
    if objects:
        # one object as it is, several as a v1 List (corev1.List: a Go struct)
        doc = objects[0] if len(objects) == 1 else output.typed(
            {"kind": "List", "apiVersion": "v1", "metadata": {}, "items": objects})
        out.append(fmt.print_obj(doc))
    return finish_visit(out, builder, errors, invalid, builder_first=True)


# -- create -----------------------------------------------------------------------------------------

@command("create", flags=[*FILE_FLAGS, *OUTPUT_FLAGS, Flag("validate", kind="str"), Flag("edit"),
                          Flag("save-config"), Flag("field-manager", kind="str"), Flag("selector", "l", "str"),
                          Flag("raw", kind="str"), Flag("windows-line-endings"), Flag("record")])
def create(inv: Invocation) -> Result:
    fmt = check_output(inv)
    mode = dry_run_mode(inv)
    if inv.args:
        raise unexpected_args("create", inv.args)
    if not inv.flags.get("filename") and not inv.flags.get("kustomize"):
        raise KubectlError("error: must specify one of -f and -k")
    out: list[str] = []
    errors: list[str] = []
    builder: list[str] = []
    invalid: dict[int, ApiError] = {}
    for doc in documents(inv):
        if doc.error:
            builder.append(doc.error)
            continue
        obj = deep_copy(doc.obj)
        assert obj is not None
        try:
            r = resource_of(obj)
            if inv.flags.get("save-config"):
                obj.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = \
                    last_applied_annotation(obj)
            ns = doc_namespace(r, obj, inv.namespace) or inv.namespace
            stored = obj if mode == "client" else inv.cluster.api.create(obj, ns, dry_run=mode == "server",
                                                                          manager="kubectl-create")
        except ApiError as e:
            invalid[len(errors)] = e
            errors.append(with_source("creating", doc.source, e))
            continue
        except KubectlError as e:
            errors.append(e.message)
            continue
        name = stored["metadata"].get("name") or stored["metadata"].get("generateName", "")
        out.append(printed(r, name, "created", fmt, stored, mode))
    return finish_visit(out, builder, errors, invalid)


def _container_name(image: str, cluster: Any) -> str:
    """kubectl's name for a container made from an image: the last path part without tag or
    digest; ``.``/``_`` become ``-`` plus a random suffix (from the sandbox's seeded RNG)."""
    name = image.split("/")[-1].split(":")[0].split("@")[0]
    if "_" in name or "." in name:
        suffix = "".join(cluster.clock.rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5))
        name = f"{name.replace('_', '-').replace('.', '-')}-{suffix}"
    return name


def _single_name(inv: Invocation, what: str) -> str:
    if len(inv.args) != 1:
        raise KubectlError(f"error: exactly one NAME is required, got {len(inv.args)}\n"
                           f"See 'kubectl create {what} -h' for help and examples")
    return inv.args[0]


def _create_generated(inv: Invocation, obj: Obj, what: str, wrap: bool) -> Result:
    fmt = check_output(inv)
    mode = dry_run_mode(inv)
    r = BY_KIND[obj["kind"]]
    if inv.flags.get("save-config"):
        obj["metadata"].setdefault("annotations", {})[LAST_APPLIED] = last_applied_annotation(obj)
    # kubectl builds these as Go structs and creates them with the typed client: -o json keeps
    # the structs' field order, for what it built and for what the server answered
    if mode == "client":
        return Result(printed(r, obj["metadata"]["name"], "created", fmt, output.typed(obj), mode))
    try:
        stored = inv.cluster.api.create(obj, inv.namespace, dry_run=mode == "server", manager="kubectl-create")
    except ApiError as e:
        if wrap:
            raise KubectlError(f"error: failed to create {what}: {e.message}") from e
        raise
    return Result(printed(r, stored["metadata"]["name"], "created", fmt, output.typed(stored), mode))


@command("create deployment", flags=[*OUTPUT_FLAGS, Flag("image", kind="list"), Flag("replicas", "r", "int", 1),
                                     Flag("port", kind="int", default=-1), Flag("save-config"),
                                     Flag("validate", kind="str"), Flag("field-manager", kind="str")])
def create_deployment(inv: Invocation) -> Result:
    images = [i for v in (inv.flags.get("image") or []) for i in v.split(",") if i]
    if not images:
        raise KubectlError('error: required flag(s) "image" not set')
    name = _single_name(inv, "deployment")
    if len(images) > 1 and inv.had_dash:
        raise KubectlError("error: cannot specify multiple --image options and command")
    labels = {"app": name}
    containers: list[Obj] = []
    for image in images:
        c: Obj = {"name": _container_name(image, inv.cluster), "image": image, "resources": {}}
        if inv.after_dash:
            c["command"] = list(inv.after_dash)
        containers.append(c)
    if inv.flags.get("port", -1) >= 0:
        containers[0]["ports"] = [{"containerPort": inv.flags["port"]}]
    obj: Obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": dict(labels)},
        "spec": {
            "replicas": inv.flags.get("replicas", 1),
            "selector": {"matchLabels": dict(labels)},
            "strategy": {},
            "template": {"metadata": {"labels": dict(labels)}, "spec": {"containers": containers}},
        },
    }
    if inv.flag_given("namespace"):
        obj["metadata"]["namespace"] = inv.namespace
    if dry_run_mode(inv) == "client":
        # what kubectl prints for a client-side dry run: the object as built, not defaulted
        obj["metadata"]["creationTimestamp"] = None
        obj["spec"]["template"]["metadata"]["creationTimestamp"] = None
        obj["status"] = {}
    return _create_generated(inv, obj, "deployment", wrap=True)


@command("create namespace", flags=[*OUTPUT_FLAGS, Flag("save-config"), Flag("validate", kind="str"),
                                    Flag("field-manager", kind="str")])
def create_namespace(inv: Invocation) -> Result:
    name = _single_name(inv, "namespace")
    obj: Obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    if dry_run_mode(inv) == "client":
        obj["metadata"]["creationTimestamp"] = None
        obj["spec"] = {}
        obj["status"] = {}
    return _create_generated(inv, obj, "namespace", wrap=False)


@command("create ns", flags=[*OUTPUT_FLAGS, Flag("save-config"), Flag("validate", kind="str"),
                             Flag("field-manager", kind="str")])
def create_ns(inv: Invocation) -> Result:
    return create_namespace(inv)


@command("create deploy", flags=[*OUTPUT_FLAGS, Flag("image", kind="list"), Flag("replicas", "r", "int", 1),
                                 Flag("port", kind="int", default=-1), Flag("save-config"),
                                 Flag("validate", kind="str"), Flag("field-manager", kind="str")])
def create_deploy(inv: Invocation) -> Result:
    return create_deployment(inv)


__all__ = ["STDIN", "apply", "create", "finish_visit", "printed", "render", "with_source", "dry_run_mode"]
