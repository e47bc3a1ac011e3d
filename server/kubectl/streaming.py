"""Commands that keep printing as the cluster changes: ``get -w``, ``logs -f``, ``rollout status``
(whose stream lives with its status viewers in ``verbs/rollout.py``), and ``kubectl attach`` /
``run -i`` on a container's main process (``AttachStream``).

A real kubectl holds a watch open and prints as events arrive, until Ctrl-C (or, for ``logs -f``
and ``rollout status``, until the container stops or the rollout is done). Here a verb whose
``Invocation.follow`` is set answers a ``StreamResult``: its first output, and a ``Stream`` that
the caller polls after the virtual clock has moved (the page's ticker; ``run_for`` for the HTTP
``/run`` contract's ``watchSeconds``). A stream reads only what changed since its last poll: the
store's watch log after its resourceVersion, a container's log after the lines it has sent.

``get -w`` prints as kubectl's watch does: one row per event (a deleted object's last state,
the ``EVENT`` column with ``--output-watch-events``), laid out by cli-runtime's tabwriter with
``RememberWidths`` — a column is as wide as its widest cell printed so far, header and first list
included, so columns only ever grow; ``--watch-only`` skips the first list and prints the header
with the first event.

``AttachStream`` is attached to the container's streams in the runtime (``Runtime.attach``): the
process's bytes as it writes them, each shown once the clock has reached the time it was written,
until the process ends; then what kubectl does after its attach returns (``after``: ``kubectl
run``'s wait for the pod's end and ``--rm``), run on the virtual clock, so that a sandbox's replay
does it at the same instants whether a page was following or not. Ctrl-C (``stop``) on a raw TTY
(``run -it``/``attach -it``) is a ``^C`` typed into the container (``Runtime.interrupt``: a shell
exits 130); otherwise kubectl itself ends and the container runs on.

Hands off: rows to ``printers``; log lines and their end to ``server.sim.logs.Follow``; the bytes
a process writes to ``server.sim.runtime``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..sim import fields
from ..sim import logs as kubelet_logs
from ..sim.runtime import EOF
from ..sim.store import Obj, WatchEvent, deep_copy
from . import output, printers, resolve
from .parse import Invocation, Result

if TYPE_CHECKING:
    from ..sim.cluster import Cluster


class Stream:
    """What a following command prints next. ``done`` once it has ended by itself."""

    done = False
    exit_code = 0

    def poll(self) -> str:
        raise NotImplementedError

    def stop(self) -> str:
        """Ctrl-C: the command ends where it is (kubectl prints nothing more)."""
        self.done = True
        return ""

    def hangup(self) -> str:
        """The terminal went away (its page closed, or the sandbox dropped the oldest stream):
        kubectl is gone. Unlike Ctrl-C this changes nothing in the cluster, so a replay that never
        had the page ends the same."""
        return self.stop()


class StreamResult(Result):
    """A command's first output and the stream that goes on printing."""

    def __init__(self, output: str, exit_code: int = 0, stream: Stream | None = None) -> None:
        super().__init__(output, exit_code)
        self.stream = stream


def run_for(cluster: Cluster, result: Result, seconds: float) -> Result:
    """The HTTP ``/run`` contract's ``watchSeconds`` (and any caller that does not follow): run
    the clock up to ``seconds`` simulated seconds, one scheduled instant at a time, less when the
    stream ends by itself; the whole output."""
    stream = getattr(result, "stream", None)
    if stream is None:
        return result
    out = [result.output]

    def ended() -> bool:
        out.append(stream.poll())
        return stream.done

    cluster.run_until(cluster.clock.now() + seconds, ended)
    if not stream.done:
        out.append(stream.stop())
    return Result("".join(out), stream.exit_code if stream.done else result.exit_code)


# -- get -w -------------------------------------------------------------------------------------

#: the events a watch keeps for a caller that has not polled (kubectl's watch would have been
#: closed as too old by then)
MAX_PENDING_EVENTS = 10_000
#: cli-runtime's ``formattedEventType``: the EVENT column's cells, padded to one width
EVENT_CELLS = {"ADDED": "ADDED   ", "MODIFIED": "MODIFIED", "DELETED": "DELETED ", "BOOKMARK": "BOOKMARK",
               "ERROR": "ERROR   "}


class StoreWatch(Stream):
    """A stream fed by the store's watch events as they happen: each one that ``keeps`` is kept
    with the clock's time then (what a row's age is computed from), and ``render`` prints them
    one at a time at the next poll, as kubectl flushes each event it receives."""

    def __init__(self, inv: Invocation) -> None:
        self.inv = inv
        self.pending: deque[tuple[str, Obj, float]] = deque(maxlen=MAX_PENDING_EVENTS)
        inv.cluster.store.subscribe(self._seen)

    def keeps(self, event: WatchEvent) -> bool:
        raise NotImplementedError

    def render(self, type_: str, obj: Obj, now: float) -> str:
        raise NotImplementedError

    def _seen(self, event: WatchEvent) -> None:
        if self.keeps(event):
            self.pending.append((event.type, event.obj, self.inv.cluster.clock.now()))

    def poll(self) -> str:
        out = []
        while self.pending:
            out.append(self.render(*self.pending.popleft()))
        return "".join(out)

    def stop(self) -> str:
        self.inv.cluster.store.unsubscribe(self._seen)
        return super().stop()


class WatchStream(StoreWatch):
    """``kubectl get … -w`` (one resource type, as kubectl's watch requires), printing each event
    with the command's printer (``output.get_printer``). It subscribes to the store, so each
    event is kept with the time it happened (a row's AGE is the one kubectl would print as the
    event arrived), and prints them one at a time as kubectl flushes them."""

    def __init__(self, inv: Invocation, printer: output.OutputFormat, target: resolve.Target,
                 shown: list[Obj]) -> None:
        self.printer = printer
        self.target = target
        f = inv.flags
        self.all_ns = bool(f.get("all-namespaces"))
        self.selector = f.get("selector") or None
        self.field_reqs = fields.parse(f.get("field-selector") or "", target.resource.kind)
        self.events = bool(f.get("output-watch-events"))
        self.opts = printers.TableOptions(
            wide=printer == "wide", no_headers=bool(f.get("no-headers")),
            show_labels=bool(f.get("show-labels")), with_namespace=self.all_ns and target.resource.namespaced,
            label_columns=[c for v in f.get("label-columns") or [] for c in v.split(",") if c])
        self.widths: list[int] = []
        self.header_done = bool(f.get("no-headers"))
        self.inv = inv
        now = inv.cluster.clock.now()
        if printer in ("", "wide") and shown:
            # the first list was printed by ``get`` itself: its widths are remembered
            self._table(shown, ["ADDED"] * len(shown), now)
        super().__init__(inv)

    def keeps(self, event: WatchEvent) -> bool:
        return self._matches(event.obj)

    def _matches(self, obj: Obj) -> bool:
        r = self.target.resource
        meta = obj.get("metadata") or {}
        if obj.get("kind") != r.kind:
            return False
        if r.namespaced and not self.all_ns and (meta.get("namespace") or "") != self.inv.namespace:
            return False
        if self.target.names and meta.get("name") not in self.target.names:
            return False
        if not resolve.selector_matches(self.selector, meta.get("labels")):
            return False
        return not self.field_reqs or fields.matches(obj, self.field_reqs)

    def _table(self, objs: list[Obj], types: list[str], now: float) -> str:
        header = not self.header_done
        self.header_done = True
        lines = printers.table_lines(self.target.resource, self.target.resource.kind, objs, now,
                                     printers.TableOptions(**{**self.opts.__dict__, "no_headers": not header}))
        if self.events:
            body = lines[1:] if header else lines
            lines = ([["EVENT", *lines[0]]] if header else []) + \
                [[EVENT_CELLS.get(t, t), *row] for t, row in zip(types, body, strict=True)]
        return printers.tabwrite(lines, widths=self.widths)

    def render(self, type_: str, obj: Obj, now: float) -> str:
        if self.printer in ("", "wide"):
            return self._table([obj], [type_], now)
        if self.printer == "name":
            return printers.object_name(obj) + "\n"
        obj = deep_copy(obj)
        return self.printer.print_obj({"object": obj, "type": type_} if self.events else obj)


def watch_get(inv: Invocation, printer: output.OutputFormat, result: Result, target: resolve.Target,
              shown: list[Obj]) -> Result:
    """``get -w``'s answer: its first output, followed when the caller follows (``Invocation.follow``)."""
    if not inv.follow or result.exit_code != 0:
        return result
    return StreamResult(result.output, 0, WatchStream(inv, printer, target, shown))


# -- logs -f ------------------------------------------------------------------------------------

class LogStream(Stream):
    """``kubectl logs -f``: each container's new lines until every one has stopped."""

    def __init__(self, follows: list[kubelet_logs.Follow], render: Callable[[kubelet_logs.Follow, list], str]) -> None:
        self.follows = follows
        self.render = render

    def poll(self) -> str:
        out = []
        live = []
        for follow in self.follows:
            new, ended = follow.poll()
            if new:
                out.append(self.render(follow, new))
            if not ended:
                live.append(follow)
        self.follows = live
        self.done = not live
        return "".join(out)


# -- attach -------------------------------------------------------------------------------------

#: the chunks an attach keeps for a caller that has not polled (a page that stopped following)
MAX_PENDING_CHUNKS = 10_000


class AttachStream(Stream):
    """``kubectl attach`` (and ``run -i``'s attach): the container's main process's output as it
    is written, until the process ends; then ``after`` (``after(finish)`` is called on the clock at
    the process's end and calls ``finish(text, exit_code)`` when kubectl is done, maybe later).
    ``tty_target``: (namespace, pod, container) when kubectl's terminal is a raw TTY, so that Ctrl-C is
    the container's ``^C``."""

    def __init__(self, cluster: Cluster, pod: Obj, container: str, *, raw_tty: bool = False,
                 after: Callable[[Callable[[str, int], None]], None] | None = None) -> None:
        meta = pod["metadata"]
        self.cluster = cluster
        self.uid, self.container = meta["uid"], container
        self.tty_target = (meta["namespace"], meta["name"], container) if raw_tty else None
        self.after = after
        self.pending: deque[tuple[float, int, str]] = deque(maxlen=MAX_PENDING_CHUNKS)
        self.seq = 0
        self.eof_at: float | None = None
        self.finished = False
        self.muted = False
        cluster.runtime.attach(self.uid, container, self._chunk, since=cluster.clock.now())

    def _chunk(self, fd: int, text: str, t: float) -> None:
        if fd == EOF:
            if self.eof_at is None:
                self.eof_at = t
                # what a killed process had written ahead of its end was never written
                self.pending = deque((item for item in self.pending if item[0] <= t), maxlen=MAX_PENDING_CHUNKS)
                self.cluster.runtime.detach(self.uid, self.container, self._chunk)
                self.cluster.clock.call_at(max(t, self.cluster.clock.now()), self._ended)
            return
        if self.eof_at is None and not self.muted:
            self._keep(t, text)

    def _keep(self, t: float, text: str) -> None:
        self.seq += 1
        self.pending.append((t, self.seq, text))

    def _ended(self) -> None:
        """The attach returned (the process's streams closed): what kubectl does next."""
        if self.after is None:
            self._finish("", 0)
        else:
            self.after(self._finish)

    def _finish(self, text: str, code: int) -> None:
        if text and not self.muted:
            self._keep(self.cluster.clock.now(), text)
        self.exit_code = code
        self.finished = True

    def poll(self) -> str:
        now = self.cluster.clock.now()
        due: list[tuple[float, int, str]] = []
        later: deque[tuple[float, int, str]] = deque(maxlen=MAX_PENDING_CHUNKS)
        for item in self.pending:
            (due if item[0] <= now else later).append(item)
        self.pending = later
        due.sort()
        out = "".join(text for _, _, text in due)
        if self.finished and not self.pending:
            self.done = True
        return "" if self.muted else out

    def stop(self) -> str:
        """Ctrl-C. On a raw TTY it is the container's ``^C`` (a shell ends, and kubectl with it:
        its output up to then, then what kubectl prints after the attach); else kubectl ends here."""
        if self.tty_target is not None and not self.done:
            interrupt(self.cluster, *self.tty_target)
            text = self.poll()
            if self.done:
                return text
            return text + self.hangup()
        return self.hangup()

    def hangup(self) -> str:
        """kubectl is gone: nothing more is printed. What it would still have done after the
        attach (``--rm``) still happens when the process ends, as in a replay without the page."""
        self.muted = True
        self.pending.clear()
        self.done = True
        return ""


def interrupt(cluster: Cluster, namespace: str, pod: str, container: str) -> bool:
    """A ``^C`` typed on the container's TTY (``Runtime.interrupt``), and what follows at the same
    instant (the kubelet sees the process end, an attached ``kubectl run`` deletes its pod): whether
    the process took it."""
    obj = cluster.store.peek("Pod", namespace, pod)
    if obj is None:
        return False
    took = cluster.runtime.interrupt(obj["metadata"]["uid"], container, cluster.clock.now())
    cluster.settle()
    cluster.advance(0)
    return took
