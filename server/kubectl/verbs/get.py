"""``kubectl get``: choose the objects, then hand them to the printer ``-o`` picked.

Owns: the flags of ``get`` (``-o`` in every format of kubectl get's PrintFlags, ``--template``,
``--allow-missing-template-keys``, ``-l``, ``--field-selector``, ``-A``, ``--show-labels``,
``--show-kind``, ``-L``, ``--no-headers``, ``--sort-by``, ``--ignore-not-found``, ``--chunk-size``,
``-w``/``--watch-only``/``--output-watch-events``) and ``GetOptions.Validate``'s checks; the two
ways kubectl's get prints (``Run``): the human-readable tables (one per kind, names as
``kind.group/name`` when kinds mix, blocks separated by a blank line, "No resources found" when
nothing was written, ``--sort-by`` as its table sorter does it: a failure there prints nothing)
and ``printGeneric`` for every other printer (one object when one was named, else a ``List``,
sorted by ``SortObjects`` whose errors end the command; no "No resources found"); and kubectl's
NotFound wording. Which printer a flag set means, and its errors, is ``output.get_printer``.

``-w`` / ``--watch``: the first list (``--watch-only``: nothing), then, for a caller that follows
(the page's terminal), a ``streaming.WatchStream`` printing a row per change as the clock runs;
any other caller gets the first list only — a read never moves the clock by itself.

Hands off: resource words and selectors to ``resolve``; field selectors to ``sim.fields``; the
printers to ``output`` (formats) and ``printers`` (tables, custom columns, sorting).
"""

from __future__ import annotations

from datetime import UTC, datetime

from ...sim import fields
from ...sim.api import ApiError
from ...sim.store import Obj, deep_copy
from .. import output, printers, resolve, streaming
from ..parse import Flag, Invocation, KubectlError, Result, command

OUTPUT_FORMATS = ",".join(output.GET_FORMATS)

GET_FLAGS = [
    Flag("output", "o", "str", ""),
    Flag("template", kind="str", default=""),
    Flag("allow-missing-template-keys", default=True),
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
    Flag("server-print", default=True),
    Flag("show-managed-fields"),
]

NO_RESOURCE = ('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list '
               "of supported resources.\n\nerror: Required resource not specified.\n"
               'Use "kubectl explain <resource>" for a detailed description of that resource '
               "(e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples")


def _validate(inv: Invocation) -> None:
    """``GetOptions.Validate``."""
    fmt = inv.flags.get("output") or ""
    if inv.flags.get("show-labels") and fmt not in ("", "wide"):
        raise KubectlError(f"error: --show-labels option cannot be used with {fmt} printer")
    if inv.flags.get("output-watch-events") and not (inv.flags.get("watch") or inv.flags.get("watch-only")):
        raise KubectlError("error: --output-watch-events option can only be used with --watch or --watch-only")


def _sort_error(e: printers.JSONPathError, field: str, where: str, now: float) -> KubectlError:
    if isinstance(e, printers.UnsortableError):
        # kubectl's sorters give up through klog.Exitf (exit status 1): a FATAL log line, stamped
        # with the time (the sandbox's) and the process id (kubeplay has none: 1)
        line = 375 if where.startswith("[]") else 329
        stamp = datetime.fromtimestamp(now, UTC).strftime("%m%d %H:%M:%S.%f")
        return KubectlError(f"F{stamp} {1:7d} sorter.go:{line}] Field {field} in {where} is an unsortable type: "
                            f"interface, err: {e}")
    return KubectlError(f"error: {e}")


def _sort_list(objs: list[Obj], sort_by: str, now: float) -> list[Obj]:
    """``SortingPrinter`` over a List (``SortObjects``): its errors end the command."""
    if not objs:
        return objs
    try:
        field = printers.relaxed(sort_by)
    except printers.JSONPathError as e:
        raise KubectlError(f"error: {e}") from e
    try:
        return printers.sort_objects(objs, field)
    except printers.JSONPathError as e:
        raise _sort_error(e, field, "*unstructured.Unstructured", now) from e


def _sort_table(objs: list[Obj], sort_by: str, now: float) -> list[Obj] | None:
    """``TableSorter`` over one table's rows (only when it has more than one): None when it
    fails, which kubectl's get does not report (it prints nothing for that table)."""
    if len(objs) < 2:
        return objs
    field = printers.sort_field(sort_by)
    try:
        return printers.sort_objects(objs, field)
    except printers.UnsortableError as e:
        raise _sort_error(e, field, "[][][]reflect.Value", now) from e
    except printers.JSONPathError:
        return None


def _check_sort_tables(groups: list[tuple[resolve.Target, list[Obj]]], sort_by: str, now: float) -> None:
    """``RuntimeSorter.Sort`` in get's table path: with more than one server response (several
    kinds, or several names) it sorts the responses themselves, Tables, by the field; a field a
    Table does not have (any object field) is kubectl's "couldn't find any field" error."""
    responses = sum(len(objs) if t.names else 1 for t, objs in groups)
    if responses < 2:
        return
    field = printers.sort_field(sort_by)
    table = {"apiVersion": "meta.k8s.io/v1", "kind": "Table", "metadata": {"resourceVersion": ""},
             "columnDefinitions": [], "rows": []}
    try:
        printers.relaxed(sort_by)
        printers.sort_objects([table] * responses, field)
    except printers.JSONPathError as e:
        raise _sort_error(e, field, "*unstructured.Unstructured", now) from e


def collect(inv: Invocation) -> tuple[list[tuple[resolve.Target, list[Obj]]], list[str], bool]:
    """Objects per target (read-only stored objects), NotFound messages, and whether names were given."""
    cluster = inv.cluster
    all_ns = bool(inv.flags.get("all-namespaces"))
    namespace = None if all_ns else inv.namespace
    targets = resolve.targets(inv.args, verb="get", selector=inv.flags.get("selector") or None)
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
                try:
                    obj = cluster.store.peek(t.resource.kind, resolve.object_namespace(t.resource, inv.namespace),
                                             name)
                except ApiError as e:  # a refused GET (Forbidden): kubectl goes on with the next
                    errors.append(f"Error from server ({e.reason}): {e.message}")
                    continue
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
        except ApiError as e:  # a refused list (Forbidden): its error after the other types' tables
            errors.append(f"Error from server ({e.reason}): {e.message}")
            continue
        except (KubectlError, fields.FieldSelectorError) as e:
            # the apiserver refuses the selector; kubectl words the failed list (EnhanceListError)
            r = t.resource
            reason = e.message.removeprefix("error: ") if isinstance(e, KubectlError) else str(e)
            raise KubectlError(
                f'Error from server (BadRequest): Unable to find "{r.group}/{r.version}, Resource={r.plural}" '
                f'that match label selector "{selector or ""}", field selector "{field_text}": {reason}') from e
        if reqs:
            objs = [o for o in objs if fields.matches(o, reqs)]
        groups.append((t, objs))
    return groups, errors, named


def _multiple_types_requested(args: list[str]) -> bool:
    if not args:
        return False
    if any(w.lower() == "all" for w in args[0].split(",")) or "," in args[0]:
        return True
    kinds = {a.partition("/")[0] for a in args if "/" in a}
    return len(kinds) > 1


def _watch_event(obj: Obj) -> Obj:
    """``metav1.WatchEvent`` as the non-table printers see it (``--output-watch-events``)."""
    return {"object": obj, "type": "ADDED"}


@command("get", flags=GET_FLAGS)
def get(inv: Invocation) -> Result:
    _validate(inv)
    try:
        printer: output.OutputFormat | None = output.get_printer(inv)
        printer_error = None
    except KubectlError as e:  # kubectl asks for its printer once it has the objects
        printer, printer_error = None, e
    watching = bool(inv.flags.get("watch") or inv.flags.get("watch-only"))
    if watching and len(resolve.targets(inv.args, verb="get")) > 1:
        raise KubectlError("error: you may only specify a single resource type")  # the watch's builder
    groups, errors, named = collect(inv)
    sort_by = inv.flags.get("sort-by") or ""
    warnings = ""
    if sort_by and watching:
        warnings = ("warning: --watch requested, --sort-by will be ignored for watch events received\n"
                    if inv.flags.get("watch") else "warning: --watch-only requested, --sort-by will be ignored\n")
        sort_by = ""
    found = [(t, objs) for t, objs in groups if objs]
    single = named and len(groups) == 1 and len(groups[0][0].names) == 1
    if printer_error is not None:
        if single and errors:
            return Result("\n".join(errors), 1)
        raise printer_error
    assert printer is not None
    if inv.flags.get("watch-only"):
        found = []
    if printer.is_object or printer == "name":
        out = warnings + _generic(inv, printer, groups, found, single, sort_by, watching)
    else:
        # "No resources found" only when nothing was written and nothing failed (RunGet)
        out = warnings + (_tables(inv, printer, groups, found, sort_by) if found or not errors else "")
    if errors:
        return Result(out + "\n".join(errors), 1)
    if watching and groups:
        shown = [o for _, objs in found for o in objs]
        return streaming.watch_get(inv, printer, Result(out), groups[0][0], shown)
    return Result(out)


def _generic(inv: Invocation, printer: output.OutputFormat, groups: list, found: list, single: bool,
             sort_by: str, watching: bool) -> str:
    """``printGeneric``: one object when one was named, else a ``List`` of them all (sorted by
    ``--sort-by``); under ``--watch`` each object on its own, as a watch prints them."""
    items = [o for _, objs in found for o in objs]
    if watching:
        if printer == "name":  # the name printer unwraps a watch event
            return "".join(printers.object_name(o) + "\n" for o in items)
        if inv.flags.get("output-watch-events"):
            items = [_watch_event(o) for o in items]
        if printer == "custom-columns":  # one tabwriter for the initial objects
            return printer.custom_columns([deep_copy(o) for o in items])
        return "".join(printer.print_obj(deep_copy(o)) for o in items)
    if single and not items:
        return ""
    if printer == "name":
        if sort_by and not single:
            items = _sort_list(items, sort_by, inv.cluster.clock.now())
        return "".join(printers.object_name(o) + "\n" for o in items)
    if single and len(items) == 1:
        doc = deep_copy(items[0])
    else:
        if sort_by:
            items = _sort_list(items, sort_by, inv.cluster.clock.now())
        doc = printers.as_list([deep_copy(o) for o in items])
    return printer.print_obj(doc)


def _tables(inv: Invocation, printer: output.OutputFormat, groups: list, found: list, sort_by: str) -> str:
    """The human-readable path: a table per kind, blank lines between, "No resources found"
    when nothing was written."""
    all_ns = bool(inv.flags.get("all-namespaces"))
    if sort_by:
        _check_sort_tables(groups, sort_by, inv.cluster.clock.now())
    # the kinds the answers came in (a refused list brings none back: multipleGVKsRequested over the infos)
    with_kind = (bool(inv.flags.get("show-kind")) or (_multiple_types_requested(inv.args)
                                                       and len({t.resource.kind for t, _ in groups}) > 1)
                 or len(found) > 1)
    opts = printers.TableOptions(
        wide=printer == "wide",
        no_headers=bool(inv.flags.get("no-headers")),
        show_labels=bool(inv.flags.get("show-labels")),
        with_namespace=all_ns,
        with_kind=with_kind,
        label_columns=[c for v in inv.flags.get("label-columns") or [] for c in v.split(",") if c],
    )
    blocks = []
    for t, objs in found:
        if sort_by:
            sorted_objs = _sort_table(list(objs), sort_by, inv.cluster.clock.now())
            if sorted_objs is None:
                continue
            objs = sorted_objs
        ns_col = all_ns and t.resource.namespaced
        block_opts = printers.TableOptions(**{**opts.__dict__, "with_namespace": ns_col})
        text = printers.render_table(t.resource, t.resource.kind, objs, inv.cluster.clock.now(), block_opts)
        if inv.flags.get("output-watch-events"):
            text = _with_event_column(text, block_opts.no_headers)
        blocks.append(text)
    out = "\n".join(blocks)
    named = any(t.names for t, _ in groups)
    if not out and not named and not inv.flags.get("watch-only") and not inv.flags.get("ignore-not-found"):
        namespaced = any(t.resource.namespaced for t, _ in groups)
        if all_ns or not namespaced:
            return "No resources found"
        return f"No resources found in {inv.namespace} namespace."
    return out


def _with_event_column(table: str, no_headers: bool) -> str:
    """A watch table with ``--output-watch-events``: an ``EVENT`` column first (``ADDED``)."""
    lines = table.rstrip("\n").split("\n")
    cells = [] if no_headers else [["EVENT", lines[0]]]
    cells += [[streaming.EVENT_CELLS["ADDED"], line] for line in lines[0 if no_headers else 1:]]
    return printers.tabwrite(cells)
