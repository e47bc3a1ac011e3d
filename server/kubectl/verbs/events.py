"""kubectl events: the namespace's (or ``-A``: every) Event, oldest first, as kubectl v1.32 prints them.

Owns: ``events [--for TYPE/NAME] [--types Normal,Warning] [-A] [--no-headers] [-o …] [-w]`` as
``pkg/cmd/events`` has it: its own table (``LAST SEEN  TYPE  REASON  OBJECT  MESSAGE``, NAMESPACE
first with ``-A``; LAST SEEN as ``getInterval``: ``5s (x3 over 40s)`` for a repeated event), sorted
by the events' last time (``SortableEvents``), its flag checks and "No events found" line; ``-o``
formats print the ``EventList`` (or each event under ``-w``) through ``output``; ``-w`` follows
new events like ``get -w`` (``streaming.WatchStream`` for Event objects, with this table's rows).

Hands off: the events come from the store; ages are ``printers.since`` on the virtual clock.
"""

from __future__ import annotations

from collections.abc import Callable

from ...sim.clock import parse_time
from ...sim.store import Obj, WatchEvent, deep_copy
from .. import output, printers, resolve
from ..parse import Flag, Invocation, KubectlError, Result, command
from ..streaming import StoreWatch, StreamResult

TYPES = ("Normal", "Warning")


def interval(ev: Obj, now: float) -> str:
    """``getInterval``: when it was seen, and how often over how long when it repeated."""
    first = printers.since(ev.get("eventTime") or ev.get("firstTimestamp"), now)
    series = ev.get("series")
    if series:
        return f"{printers.since(series.get('lastObservedTime'), now)} (x{series.get('count', 0)} over {first})"
    if (ev.get("count") or 0) > 1:
        return f"{printers.since(ev.get('lastTimestamp'), now)} (x{ev['count']} over {first})"
    return first


def _last_time(ev: Obj) -> float:
    """``SortableEvents``' key: the series' last observation, else lastTimestamp, else eventTime."""
    for ts in ((ev.get("series") or {}).get("lastObservedTime"), ev.get("lastTimestamp"), ev.get("eventTime")):
        t = parse_time(ts)
        if t is not None:
            return t
    return 0.0


def row(ev: Obj, now: float, all_ns: bool) -> list[str]:
    inv = ev.get("involvedObject") or {}
    cells = [interval(ev, now), printers.escape_terminal(ev.get("type") or ""),
             printers.escape_terminal(ev.get("reason") or ""),
             f"{printers.escape_terminal(inv.get('kind') or '')}/{printers.escape_terminal(inv.get('name') or '')}",
             printers.escape_terminal(ev.get("message") or "").strip()]
    return [ev["metadata"].get("namespace") or "", *cells] if all_ns else cells


def typed_event(ev: Obj) -> Obj:
    """The Event as kubectl's typed ``corev1.Event`` prints it: the fields Go always writes (the
    time structs null when unset, the reporting strings empty, ``source`` an object)."""
    out = {"kind": "Event", "apiVersion": "v1", **deep_copy(ev)}
    for key in ("eventTime", "firstTimestamp", "lastTimestamp"):
        out.setdefault(key, None)
    out.setdefault("reportingComponent", "")
    out.setdefault("reportingInstance", "")
    out.setdefault("source", {})
    return out


def header(all_ns: bool) -> list[str]:
    cells = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    return ["NAMESPACE", *cells] if all_ns else cells


def _types(inv: Invocation) -> set[str]:
    wanted = set()
    for word in inv.flags.get("types") or []:
        for t in word.split(","):
            t = t.strip()
            match = next((known for known in TYPES if known.lower() == t.lower()), None)
            if match is None:
                raise KubectlError("error: valid --types are Normal or Warning")
            wanted.add(match)
    return wanted


def _for(inv: Invocation) -> tuple[str, str] | None:
    """``--for TYPE/NAME``: the involved object's kind and name."""
    text = inv.flags.get("for") or ""
    if not text:
        return None
    kind_word, slash, name = text.partition("/")
    if not slash:
        raise KubectlError("error: --for must be in resource/name form")
    try:
        kind = resolve.resource_type(kind_word).kind
    except KubectlError as e:  # kubectl prints the REST mapper's error as it is
        raise KubectlError(e.message.removeprefix("error: ")) from None
    return (kind, name) if name else None


class EventWatch(StoreWatch):
    """``events -w``: a row for each new or changed Event that passes the filters."""

    def __init__(self, inv: Invocation, keep: Callable[[Obj], bool], all_ns: bool, widths: list[int],
                 header: bool) -> None:
        self.keep = keep
        self.all_ns = all_ns
        self.widths = widths
        self.header = header  # still to print: with the first row, as kubectl's printer does
        super().__init__(inv)

    def keeps(self, event: WatchEvent) -> bool:
        return event.type != "DELETED" and event.obj.get("kind") == "Event" and self.keep(event.obj)

    def render(self, type_: str, obj: Obj, now: float) -> str:
        lines = [header(self.all_ns)] if self.header else []
        self.header = False
        return printers.tabwrite([*lines, row(obj, now, self.all_ns)], widths=self.widths)


@command("events", flags=[Flag("all-namespaces", "A"), Flag("for", kind="str"), Flag("types", kind="list"),
                          Flag("watch", "w"), Flag("no-headers"), Flag("output", "o", "str"),
                          Flag("chunk-size", kind="int", default=500), Flag("template", kind="str"),
                          Flag("allow-missing-template-keys", default=True), Flag("show-managed-fields")])
def events(inv: Invocation) -> Result:
    all_ns = bool(inv.flags.get("all-namespaces"))
    types = _types(inv)
    target = _for(inv)
    printer = output.write_printer(inv) if inv.flags.get("output") else None

    def keep(ev: Obj) -> bool:
        if not all_ns and (ev["metadata"].get("namespace") or "") != inv.namespace:
            return False
        if types and ev.get("type") not in types:
            return False
        inv_obj = ev.get("involvedObject") or {}
        return target is None or (inv_obj.get("kind"), inv_obj.get("name")) == target

    store = inv.cluster.store
    listed = store.scan("Event", None if all_ns else inv.namespace)
    # the API lists by namespace and name; SortableEvents is sort.Sort (not stable) on the time
    found = sorted((ev for ev in listed if keep(ev)),
                   key=lambda ev: (ev["metadata"].get("namespace") or "", ev["metadata"]["name"]))
    # each event's time read once, not at each of the sort's n log n comparisons (the same
    # comparisons on the same keys: the same order)
    keyed = printers.go_sort([(_last_time(ev), ev) for ev in found], lambda a, b: a[0] < b[0])
    found = [ev for _t, ev in keyed]
    now = inv.cluster.clock.now()
    if not found and not inv.flags.get("watch"):
        where = "" if all_ns else f" in {inv.namespace} namespace"
        return Result(f"No events found{where}.\n")
    if printer is not None:
        if printer == "name":
            return Result("")  # the name printer has nothing to say of an EventList
        items = [typed_event(ev) for ev in found]
        return Result(printer.print_obj({"kind": "EventList", "apiVersion": "v1", "metadata": {}, "items": items}))
    # the header comes with the first row (under -w there may be none yet)
    with_header = not inv.flags.get("no-headers")
    lines = ([header(all_ns)] if with_header and found else []) + [row(ev, now, all_ns) for ev in found]
    widths: list[int] = []
    text = printers.tabwrite(lines, widths=widths) if lines else ""
    if inv.flags.get("watch") and inv.follow:
        return StreamResult(text, 0, EventWatch(inv, keep, all_ns, widths, with_header and not found))
    return Result(text)
