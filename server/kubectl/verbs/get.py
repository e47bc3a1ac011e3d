"""``kubectl get``: choose the objects, then hand them to the printers.

Owns: the flags of ``get`` (``-o wide|yaml|json|name|jsonpath=…|custom-columns=…``, ``-l``, ``--field-selector``, ``-A``,
``--show-labels``, ``--show-kind``, ``-L``, ``--no-headers``, ``--sort-by``,
``--ignore-not-found``, ``-w``), the order and grouping kubectl prints multi-kind results in
(``get all``, ``deploy,rs``: one table per kind, names as ``kind.group/name``, blocks separated
by a blank line), and kubectl's "No resources found" / NotFound wording.

``-w`` / ``--watch``: the terminal is request/response and the sandbox's clock is driven by the
web layer, so ``get -w`` answers the initial table (``--watch-only``: nothing) and stops there;
running the clock from inside a command would make a read move time for everyone watching the
canvas. ``watch_rows`` renders the rows a running watch would print for the store's watch
events after a resourceVersion, so a streaming front end can follow it with the same widths.

Hands off: resource words and selectors to ``resolve``; every cell and encoding to ``printers``.
"""

from __future__ import annotations

from ...sim import fields
from ...sim.store import Obj, deep_copy
from .. import printers, resolve
from ..parse import Flag, Invocation, KubectlError, Result, command

OUTPUT_FORMATS = ("custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
                  "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml")

GET_FLAGS = [
    Flag("output", "o", "str", ""),
    Flag("selector", "l", "str", ""),
    Flag("field-selector", kind="str", default=""),
    Flag("all-namespaces", "A"),
    Flag("watch", "w"),
    Flag("watch-only"),
    Flag("show-labels"),
    Flag("show-kind"),
    Flag("label-columns", "L", "list"),
    Flag("no-headers"),
    Flag("sort-by", kind="str", default=""),
    Flag("ignore-not-found"),
    Flag("chunk-size", kind="int", default=500),
    Flag("output-watch-events"),
    Flag("server-print"),
    Flag("show-managed-fields"),
]

NO_RESOURCE = ('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list '
               "of supported resources.\n\nerror: Required resource not specified.\n"
               'Use "kubectl explain <resource>" for a detailed description of that resource '
               "(e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples")


def _shown(obj: Obj, inv: Invocation) -> Obj:
    """What kubectl's OmitManagedFieldsPrinter hands on: the object without
    ``metadata.managedFields`` unless ``--show-managed-fields`` (a shallow copy; ``obj`` is not changed)."""
    if inv.flags.get("show-managed-fields") or "managedFields" not in obj.get("metadata", {}):
        return obj
    meta = {k: v for k, v in obj["metadata"].items() if k != "managedFields"}
    return {**obj, "metadata": meta}


def _table_output(inv: Invocation) -> bool:
    return (inv.flags.get("output") or "") in ("", "wide")


def _has_field(obj: Obj, expr: str) -> bool:
    path = expr.strip()
    if path.startswith("{") and path.endswith("}"):
        path = path[1:-1]
    path = path if path.startswith((".", "[")) else "." + path
    try:
        return bool(printers.jsonpath_values(obj, path))
    except printers.JSONPathError:
        return False


def _check_output(fmt: str) -> None:
    if fmt.partition("=")[0] in ("jsonpath", "custom-columns") and fmt.partition("=")[2]:
        return
    if fmt not in ("", "wide", "yaml", "json", "name"):
        raise KubectlError(f'error: unable to match a printer suitable for the output format "{fmt}", '
                           f"allowed formats are: {OUTPUT_FORMATS}")


def collect(inv: Invocation) -> tuple[list[tuple[resolve.Target, list[Obj]]], list[str], bool]:
    """Objects per target (read-only stored objects), NotFound messages, and whether names were given."""
    cluster = inv.cluster
    all_ns = bool(inv.flags.get("all-namespaces"))
    namespace = None if all_ns else inv.namespace
    targets = resolve.targets(inv.args, verb="get")
    if not targets:
        raise KubectlError(NO_RESOURCE)
    selector = inv.flags.get("selector") or None
    field_text = inv.flags.get("field-selector") or ""
    errors: list[str] = []
    named = any(t.names for t in targets)
    groups = []
    for t in targets:
        if t.names:
            if selector:
                raise KubectlError("error: when paths, URLs, or stdin is provided as input, you may not specify "
                                   "resource arguments as well")
            objs = []
            for name in t.names:
                obj = cluster.store.peek(t.resource.kind, resolve.object_namespace(t.resource, inv.namespace), name)
                if obj is None:
                    if not inv.flags.get("ignore-not-found"):
                        err = resolve.not_found(t.resource, name)
                        errors.append(f"Error from server ({err.reason}): {err.message}")
                else:
                    objs.append(obj)
        try:
            # the apiserver checks the selectors of a list, and of a get by name too (kubectl lists
            # with metadata.name then)
            reqs = fields.parse(field_text, t.resource.kind)
            if not t.names:
                objs = resolve.list_objects(cluster, t.resource, namespace, selector)
        except (KubectlError, fields.FieldSelectorError) as e:
            # the apiserver refuses the selector; kubectl words the failed list (EnhanceListError)
            r = t.resource
            reason = e.message.removeprefix("error: ") if isinstance(e, KubectlError) else str(e)
            raise KubectlError(
                f'Error from server (BadRequest): Unable to find "{r.group}/{r.version}, Resource={r.plural}" '
                f'that match label selector "{selector or ""}", field selector "{field_text}": {reason}') from e
        if reqs:
            objs = [o for o in objs if fields.matches(o, reqs)]
        if inv.flags.get("sort-by"):
            try:
                objs = printers.sort_by(objs, inv.flags["sort-by"])
            except printers.JSONPathError as e:
                raise KubectlError(f"error: {e}") from e
            if len(objs) > 1 and _table_output(inv) and not any(_has_field(o, inv.flags["sort-by"]) for o in objs):
                # kubectl's TableSorter fails ("couldn't find any field with path ...") and get prints
                # no rows, then its "No resources found" (exit 0)
                objs = []
        groups.append((t, objs))
    return groups, errors, named


def _multiple_types_requested(args: list[str]) -> bool:
    if not args:
        return False
    if any(w.lower() == "all" for w in args[0].split(",")) or "," in args[0]:
        return True
    kinds = {a.partition("/")[0] for a in args if "/" in a}
    return len(kinds) > 1


@command("get", flags=GET_FLAGS)
def get(inv: Invocation) -> Result:
    fmt = inv.flags.get("output") or ""
    _check_output(fmt)
    groups, errors, named = collect(inv)
    now = inv.cluster.clock.now()
    all_ns = bool(inv.flags.get("all-namespaces"))
    found = [(t, objs) for t, objs in groups if objs]
    out = ""
    if inv.flags.get("watch-only"):
        found = []
    if fmt in ("yaml", "json"):
        items = [_shown(deep_copy(o), inv) for _, objs in found for o in objs]
        single = named and len(groups) == 1 and len(groups[0][0].names) == 1 and len(items) == 1
        if items or not named:
            doc = items[0] if single else printers.as_list(items)
            out = printers.to_yaml(doc) if fmt == "yaml" else printers.to_json(doc)
    elif fmt.startswith(("jsonpath=", "custom-columns=")):
        items = [_shown(o, inv) for _, objs in found for o in objs]
        single = named and len(groups) == 1 and len(groups[0][0].names) == 1 and len(items) == 1
        try:
            if fmt.startswith("jsonpath="):
                if items or not named:
                    out = printers.jsonpath(fmt[9:], items[0] if single else printers.as_list(items))
            elif items:
                out = printers.custom_columns(fmt[15:], items, bool(inv.flags.get("no-headers")))
        except printers.JSONPathError as e:
            if fmt.startswith("custom-columns="):
                raise KubectlError(f"error: {e}") from e
            raise KubectlError(f"error: error parsing jsonpath {fmt[9:]}, {e}") from e
    elif fmt == "name":
        out = "".join(printers.object_name(o) + "\n" for _, objs in found for o in objs)
    else:
        with_kind = bool(inv.flags.get("show-kind")) or _multiple_types_requested(inv.args) or len(found) > 1
        opts = printers.TableOptions(
            wide=fmt == "wide",
            no_headers=bool(inv.flags.get("no-headers")),
            show_labels=bool(inv.flags.get("show-labels")),
            with_namespace=all_ns,
            with_kind=with_kind,
            label_columns=[c for v in inv.flags.get("label-columns") or [] for c in v.split(",") if c],
        )
        blocks = []
        for t, objs in found:
            ns_col = all_ns and t.resource.namespaced
            block_opts = printers.TableOptions(**{**opts.__dict__, "with_namespace": ns_col})
            blocks.append(printers.render_table(t.resource, t.resource.kind, objs, now, block_opts))
        out = "\n".join(blocks)
    if not found and not errors and not named and fmt not in ("yaml", "json") and not inv.flags.get("watch-only"):
        namespaced = any(t.resource.namespaced for t, _ in groups)
        if all_ns or not namespaced:
            out = "No resources found"
        else:
            out = f"No resources found in {inv.namespace} namespace."
    if errors:
        out += "\n".join(errors)
        return Result(out, 1)
    return Result(out)


def watch_rows(inv: Invocation, since_rv: int) -> str:
    """The lines ``kubectl get -w`` would add for the store's changes after ``since_rv``
    (no header; deleted objects print their last state, as kubectl does without
    ``--output-watch-events``)."""
    events = inv.cluster.store.events_since(since_rv) or []
    targets = resolve.targets(inv.args, verb="get")
    selector = inv.flags.get("selector") or None
    all_ns = bool(inv.flags.get("all-namespaces"))
    now = inv.cluster.clock.now()
    out = []
    for t in targets:
        objs = []
        for ev in events:
            obj = ev.obj
            if obj.get("kind") != t.resource.kind:
                continue
            ns = obj["metadata"].get("namespace") or ""
            if t.resource.namespaced and not all_ns and ns != inv.namespace:
                continue
            if t.names and obj["metadata"]["name"] not in t.names:
                continue
            if not resolve.selector_matches(selector, obj["metadata"].get("labels")):
                continue
            objs.append(obj)
        if objs:
            opts = printers.TableOptions(wide=inv.flags.get("output") == "wide", no_headers=True,
                                         show_labels=bool(inv.flags.get("show-labels")),
                                         with_namespace=all_ns and t.resource.namespaced)
            out.append(printers.render_table(t.resource, t.resource.kind, objs, now, opts))
    return "".join(out)
