"""kubectl events: the namespace's (or ``-A``: every) Event, oldest first, as kubectl v1.32 prints them.

Owns: ``events [--for TYPE/NAME] [--types Normal,Warning] [-A] [--no-headers] [-o …] [-w]`` as
``pkg/cmd/events`` has it: its own table (``LAST SEEN  TYPE  REASON  OBJECT  MESSAGE``, NAMESPACE
first with ``-A``; LAST SEEN as ``getInterval``: ``5s (x3 over 40s)`` for a repeated event), sorted
by the events' last time (``SortableEvents``), its flag checks and "No events found" line; ``-o``
formats print the ``EventList`` (or each event under ``-w``) through ``output``; ``-w`` follows
new events like ``get -w`` (``streaming.WatchStream`` for Event objects, with this table's rows).

``newest(n)`` (the page's Events region, ``GET …/events?last=``): within it the table is its header
and its newest ``n`` rows only — the very lines of the whole table, in its columns' widths, which
come from each column's distinct values, not from every row's cells — and says how many rows the
whole has (``Newest``); only those rows are sorted into place (``printers.go_sort``'s ``last``)
and built: what stays per event is the store's scan, a lookup of its facts (``_facts``: its time and
cells, kept from the last read for the events unchanged since: 235 bytes an event while a
page reads them), its cells' distinct values and some 2 comparisons of the sort (bench/bench_events.py,
40,756 events of 8,000 pods: the whole ``-A`` table 0.4 s, the newest 300 rows 0.07–0.09 s).

Hands off: the events come from the store; ages are ``printers.since`` on the virtual clock.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from ...sim.clock import parse_time
from ...sim.store import Obj, WatchEvent, deep_copy
from .. import authorized, output, printers, resolve
from ..parse import Flag, Invocation, KubectlError, Result, command
from ..streaming import StoreWatch, StreamResult

TYPES = ("Normal", "Warning")


def _seen(ev: Obj) -> tuple:
    """What ``getInterval`` reads of an event: ``(first,)`` for one seen once, ``(first, last, count)``
    for a repeated one (its series' or its count's)."""
    first = ev.get("eventTime") or ev.get("firstTimestamp")
    series = ev.get("series")
    if series:
        return first, series.get("lastObservedTime"), series.get("count", 0)
    count = ev.get("count") or 0
    if count > 1:
        return first, ev.get("lastTimestamp"), count
    return (first,)


def _interval(seen: tuple, now: float) -> str:
    first = printers.since(seen[0], now)
    if len(seen) == 1:
        return first
    return f"{printers.since(seen[1], now)} (x{seen[2]} over {first})"


def interval(ev: Obj, now: float) -> str:
    """``getInterval``: when it was seen, and how often over how long when it repeated."""
    return _interval(_seen(ev), now)


def _last_time(ev: Obj) -> float:
    """``SortableEvents``' key: the series' last observation, else lastTimestamp, else eventTime."""
    for ts in ((ev.get("series") or {}).get("lastObservedTime"), ev.get("lastTimestamp"), ev.get("eventTime")):
        t = parse_time(ts)
        if t is not None:
            return t
    return 0.0


def _object(kind: str, name: str) -> str:
    return f"{printers.escape_terminal(kind)}/{printers.escape_terminal(name)}"


#: Fact = (time, event, namespace, seen, type, reason, (kind, name)): what the table's sort, widths
#: and rows read of an event. _FACTS: per store and scan (a namespace, or None for every one), the
#: facts of the events the last scan read, by the event object's id (a fact holds its event, so no
#: other object can have that id meanwhile)
Fact = tuple
_FACTS: weakref.WeakKeyDictionary[object, dict[str | None, dict[int, Fact]]] = weakref.WeakKeyDictionary()


def _facts(store: object, scope: str | None, events: list[Obj]) -> list[Fact]:
    """Each of ``events``' facts, in their order. A stored object is never changed in place (a write
    stores a new one), so the facts of an event that is the very object the last scan of ``scope``
    read are that scan's: a refresh of the Events region at 60,000 events reads only the events
    written since, besides a lookup per event."""
    by_scope = _FACTS.get(store)
    if by_scope is None:
        by_scope = _FACTS[store] = {}
    old = by_scope.get(scope) or {}
    fresh: dict[int, Fact] = {}
    out = []
    for ev in events:
        fact = old.get(id(ev))
        if fact is None or fact[1] is not ev:
            inv = ev.get("involvedObject") or {}
            fact = (_last_time(ev), ev, ev["metadata"].get("namespace") or "", _seen(ev), ev.get("type") or "",
                    ev.get("reason") or "", (inv.get("kind") or "", inv.get("name") or ""))
        fresh[id(ev)] = fact
        out.append(fact)
    by_scope[scope] = fresh
    return out


class Table:
    """The table's cells at ``now``: each event's row, and the widths tabwrite gives the columns of
    many events' rows without building them. (Events seen at the same times share their LAST SEEN
    text: it is worked out once.)"""

    def __init__(self, now: float, all_ns: bool) -> None:
        self.now = now
        self.all_ns = all_ns
        self._intervals: dict[tuple, str] = {}

    def interval(self, seen: tuple) -> str:
        text = self._intervals.get(seen)
        if text is None:
            text = self._intervals[seen] = _interval(seen, self.now)
        return text

    def row(self, ev: Obj) -> list[str]:
        inv = ev.get("involvedObject") or {}
        cells = [self.interval(_seen(ev)), printers.escape_terminal(ev.get("type") or ""),
                 printers.escape_terminal(ev.get("reason") or ""),
                 _object(inv.get("kind") or "", inv.get("name") or ""),
                 printers.escape_terminal(ev.get("message") or "").strip()]
        return [ev["metadata"].get("namespace") or "", *cells] if self.all_ns else cells

    def widths(self, facts: list[Fact], with_header: bool) -> list[int]:
        """The column widths ``printers.tabwrite`` gives the table of the rows of every one of the
        events of ``facts`` (``_facts``), and the header: each column's widest cell, found among the
        column's distinct values (a few namespaces, types, reasons and times; an object per few
        events). MESSAGE, the last column, is never padded."""
        longest = [max((self.interval(s) for s in {f[3] for f in facts}), key=len, default=""),
                   max(map(printers.escape_terminal, {f[4] for f in facts}), key=len, default=""),
                   max(map(printers.escape_terminal, {f[5] for f in facts}), key=len, default=""),
                   max((_object(*o) for o in {f[6] for f in facts}), key=len, default=""), ""]
        if self.all_ns:
            longest.insert(0, max({f[2] for f in facts}, key=len, default=""))
        widths: list[int] = []
        printers.tabwrite([header(self.all_ns), longest] if with_header else [longest], widths=widths)
        return widths


#: the newest rows only, set by ``newest`` around one run
_NEWEST: ContextVar[int | None] = ContextVar("events_newest", default=None)


@contextmanager
def newest(rows: int) -> Iterator[None]:
    """Within: ``kubectl events``' table (not ``-o``, not ``-w``) is its header and its newest ``rows``
    (>= 1) rows, exactly as the whole table prints them, as a ``Newest`` result."""
    token = _NEWEST.set(rows)
    try:
        yield
    finally:
        _NEWEST.reset(token)


@dataclass
class Newest(Result):
    """The header and newest rows of the table (``newest``); ``rows``: how many the whole table has."""

    rows: int = 0


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
        return printers.tabwrite([*lines, Table(now, self.all_ns).row(obj)], widths=self.widths)


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

    # the API lists by namespace and name (as the store's scan does); SortableEvents is sort.Sort (not
    # stable) on the time: each event's time read once, not at each of the sort's comparisons
    filtered = types or target is not None
    scope = None if all_ns else inv.namespace
    keyed = _facts(authorized.raw(inv.cluster).store, scope,
                   inv.cluster.store.scan("Event", scope, where=keep if filtered else None))
    now = inv.cluster.clock.now()
    if not keyed and not inv.flags.get("watch"):
        where = "" if all_ns else f" in {inv.namespace} namespace"
        return Result(f"No events found{where}.\n")
    if printer is not None:
        if printer == "name":
            return Result("")  # the name printer has nothing to say of an EventList
        items = [typed_event(f[1]) for f in printers.go_sort(keyed, _earlier)]
        return Result(printer.print_obj({"kind": "EventList", "apiVersion": "v1", "metadata": {}, "items": items}))
    # the header comes with the first row (under -w there may be none yet)
    with_header = not inv.flags.get("no-headers")
    table = Table(now, all_ns)
    last = None if inv.flags.get("watch") else _NEWEST.get()
    if last is not None:  # the whole table's widths, its newest rows' lines
        columns = table.widths(keyed, with_header)
        newest_rows = printers.go_sort(keyed, _earlier, last)[-last:]
        lines = [header(all_ns)] if with_header else []
        lines += [table.row(f[1]) for f in newest_rows]
        return Newest(printers.tabwrite(lines, widths=columns), rows=len(keyed))
    lines = [header(all_ns)] if with_header and keyed else []
    lines += [table.row(f[1]) for f in printers.go_sort(keyed, _earlier)]
    widths: list[int] = []
    text = printers.tabwrite(lines, widths=widths) if lines else ""
    if inv.flags.get("watch") and inv.follow:
        return StreamResult(text, 0, EventWatch(inv, keep, all_ns, widths, with_header and not keyed))
    return Result(text)


def _earlier(a: Fact, b: Fact) -> bool:
    return a[0] < b[0]
