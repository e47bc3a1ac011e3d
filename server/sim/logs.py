"""A container's log as the kubelet serves it (``GET /containerLogs``, relayed by the apiserver's
``pods/log``): which lines, or which refusal.

Owns: the kubelet's refusals (a container that is waiting to start, an invalid container name, no
previous instance; worded as the apiserver relays them, a 400 BadRequest), and the options
every client of the log shares — ``tailLines``, ``sinceSeconds`` / ``sinceTime``, ``limitBytes``
and ``timestamps`` (each line prefixed with the time it was written, RFC 3339 with nanoseconds
at a fixed width, as the kubelet's ``RFC3339NanoFixed``). One implementation for kubeplay's
``kubectl logs`` and the REST API's ``pods/log``.

Hands off: the lines and their times come from the container runtime (``cluster.runtime``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .runtime import Partial
from .store import Obj

if TYPE_CHECKING:
    from .cluster import Cluster


class LogError(Exception):
    """The kubelet's refusal, as the apiserver relays it (400 BadRequest)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LogOptions:
    previous: bool = False
    tail: int | None = None  # tailLines: the last N lines (None: all)
    since: float | None = None  # the earliest time (epoch seconds) of a line to show
    limit_bytes: int | None = None
    timestamps: bool = False


def _status(pod: Obj, name: str) -> dict:
    """The container's status, from whichever list holds it (containers, init, ephemeral)."""
    st = pod.get("status") or {}
    for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for cs in st.get(key) or []:
            if cs.get("name") == name:
                return cs
    return {}


def _lines(cluster: Cluster, inst: object) -> list[tuple[float, str]]:
    """The instance's lines written by now (a process running ahead has stamped later ones)."""
    times, lines = inst.lines_until(cluster.clock.now())  # type: ignore[attr-defined]
    return list(zip(times, lines, strict=True))


def entries(cluster: Cluster, pod: Obj, name: str, previous: bool = False) -> list[tuple[float, str]]:
    """(time, line) of the container's log, or the kubelet's refusal."""
    pod_name = pod["metadata"]["name"]
    spec = pod.get("spec") or {}
    known = [c["name"] for key in ("containers", "initContainers", "ephemeralContainers") for c in spec.get(key) or []]
    if name not in known:
        raise LogError(f"container {name} is not valid for pod {pod_name}")
    if not spec.get("nodeName"):
        return []  # the apiserver has no kubelet to ask yet: an empty log, no error
    cs = _status(pod, name)
    uid = pod["metadata"].get("uid", "")
    if previous:
        inst = cluster.runtime.get(uid, name, previous=True)
        if inst is None or not cs.get("lastState", {}).get("terminated"):
            raise LogError(f'previous terminated container "{name}" in pod "{pod_name}" not found')
        return _lines(cluster, inst)
    state = cs.get("state") or {}
    inst = cluster.runtime.get(uid, name)
    waiting = state.get("waiting")
    if waiting is not None or not cs:
        # a container that ran before keeps its last instance's log while it waits to restart
        if inst is not None and cs.get("lastState", {}).get("terminated"):
            return _lines(cluster, inst)
        reason = (waiting or {}).get("reason") or "ContainerCreating"
        if reason in ("ErrImagePull", "ImagePullBackOff"):
            reason = "trying and failing to pull image"
        raise LogError(f'container "{name}" in pod "{pod_name}" is waiting to start: {reason}')
    return _lines(cluster, inst) if inst is not None else []


def nano_fixed(t: float) -> str:
    """``RFC3339NanoFixed``: ``2025-03-03T13:00:01.250000000Z``."""
    whole = int(t // 1)
    nanos = int(round((t - whole) * 1e9))
    if nanos >= 1_000_000_000:
        whole, nanos = whole + 1, nanos - 1_000_000_000
    return datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos:09d}Z"


def render(got: list[tuple[float, str]], opts: LogOptions, offset: float = 0.0) -> list[str]:
    """The lines to send, each ending in a newline. ``offset`` moves the printed timestamps (the
    REST API serves times on the client's wall clock)."""
    if opts.since is not None:
        got = [e for e in got if e[0] >= opts.since]
    if opts.tail is not None and opts.tail >= 0:
        got = got[len(got) - opts.tail:] if opts.tail else []
    out = []
    for t, line in got:
        text = line if line.endswith("\n") or isinstance(line, Partial) else line + "\n"
        out.append(f"{nano_fixed(t + offset)} {text}" if opts.timestamps else text)
    if opts.limit_bytes is not None and opts.limit_bytes >= 0:
        kept, size = [], 0
        for text in out:
            room = opts.limit_bytes - size
            if room <= 0:
                break
            piece = text.encode()[:room].decode(errors="ignore")
            kept.append(piece)
            size += len(piece.encode())
        out = kept
    return out


class Follow:
    """``follow``: the lines a container writes after a first read of ``sent`` lines, until it
    stops running, or its pod goes away or is replaced by one of the same name (the kubelet then
    ends the stream, and so do kubectl and the REST API). One implementation for both."""

    def __init__(self, cluster: Cluster, pod: Obj, container: str, previous: bool = False, sent: int = 0) -> None:
        self.cluster = cluster
        self.namespace = pod["metadata"].get("namespace") or ""
        self.name = pod["metadata"]["name"]
        self.uid = pod["metadata"].get("uid")
        self.container = container
        self.previous = previous
        # counted from the instance's first line ever written (the runtime drops the oldest ones
        # past its cap), so a chatty container keeps streaming once its log is full
        self.inst = cluster.runtime.get(self.uid or "", container, previous)
        self.sent = sent + (self.inst.dropped if self.inst is not None else 0)

    def poll(self) -> tuple[list[tuple[float, str]], bool]:
        """The new (time, line) entries, and whether the stream has ended."""
        live = self.cluster.store.peek("Pod", self.namespace, self.name)
        if live is None or live["metadata"].get("uid") != self.uid:
            return [], True
        try:
            now = entries(self.cluster, live, self.container, self.previous)
        except LogError:
            return [], True
        inst = self.cluster.runtime.get(self.uid or "", self.container, self.previous)
        dropped = inst.dropped if inst is not None else 0
        if inst is not self.inst:  # a restart starts a new log
            self.inst, new = inst, now
        else:
            new = now[max(0, self.sent - dropped):]
        self.sent = dropped + len(now)
        state = _status(live, self.container).get("state") or {}
        running = not _status(live, self.container) or "running" in state or "waiting" in state
        return new, self.previous or not running
