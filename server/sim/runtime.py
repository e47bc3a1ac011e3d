"""The container runtime's view of running containers: what is not in the API objects.

Owns: per container instance (keyed by pod uid and container name), the environment it was
started with (env/envFrom resolved, the service links of the moment it started, HOSTNAME, …),
its log lines (what ``kubectl logs`` prints: the program's own output and the access-log lines of
the requests it served), and its process's kernel-side state (``programs.ProcState``: memory,
CPU, ports), of which ``usage`` gives the metrics what the program itself asks for.

It also owns ``Driver``: a container's main process (a generator of ``sh.py``'s ``Sleep``s, see
``programs.py``) run on the virtual clock. The driver runs the program ahead on its own local
time up to a quantum (1 s), so a loop of ``sleep 0.01`` costs one clock event per second, not
per iteration; each line is stamped with the exact local time it was written, and a line stamped
later than the clock's now is not served yet (``lines_until``). A ``Sleep`` that ends past the
quantum becomes one timer at its exact end.

And the attach side of a container's streams (containerd's ``Attach``): ``attach(uid, container,
listener)`` subscribes to what the main process writes, the raw chunks in the order and at the
local times they were written (the kubelet's ``_streams`` reports them with ``written``; lines
others log for the container — an app's access log — come as lines), then ``EOF`` when the
process's streams close; ``interrupt`` is the ``^C`` typed on a container's TTY (its SIGINT, which
the kubelet's process hook takes or ignores).

Hands off: the kubelet calls ``start`` when it starts a container (a restart keeps the previous
instance's logs for ``kubectl logs --previous``), drives its process with ``Driver`` and reports
its writes and its end; network/apps append log lines; kubectl and the pod shells read. Everything here is rebuilt by
replaying a sandbox's operations, so it is not persisted on its own.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

#: lines kept per container instance (the kubelet rotates container logs at 10 MiB)
MAX_LOG_LINES = 5000
#: containerd's max_container_log_line_size: a longer line (or one with no newline yet) is written
#: in partial pieces of this size
MAX_LOG_LINE = 16 * 1024
#: how far ahead of the clock a process runs before it waits for a timer
QUANTUM = 1.0
#: the least virtual time one step of a program costs (a loop that never sleeps still advances)
MIN_STEP = 1e-4
#: the raw chunks an instance keeps for an attach that starts while its process runs ahead (the
#: chunks stamped later than the clock's now are still to come for an attach made now)
RECENT_CHUNKS = 4096
#: the ``fd`` of a listener's last call: the process's streams are closed
EOF = -1

#: ``listener(fd, text, t)``: ``text`` written on ``fd`` (1 stdout, 2 stderr) at the process's
#: time ``t``; ``(EOF, "", t)`` once when its streams close
Listener = Callable[[int, str, float], None]


class Partial(str):
    """A log entry that does not end a line (containerd's ``P`` tag): ``kubectl logs`` prints it
    with no newline, so the next entry continues it (``OK!OK!OK!…`` from a wget loop)."""

    __slots__ = ()


@dataclass(slots=True)
class Instance:
    env: dict[str, str] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)
    #: when each line was written (virtual epoch seconds), parallel to ``logs``
    times: list[float] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    started_at: float = 0.0
    #: the main process's kernel-side state (programs.ProcState): memory, CPU, ports, stop signal
    proc: Any = None
    #: lines dropped from the front past MAX_LOG_LINES (a follower counts from the first line)
    dropped: int = 0
    #: (t, fd, text) of the process's latest writes, for an attach made while it runs ahead
    chunks: deque = field(default_factory=lambda: deque(maxlen=RECENT_CHUNKS))
    #: the kubelet's hook for a ``^C`` on the container's TTY: whether the process took the SIGINT
    interrupt: Callable[[float], bool] | None = None
    #: when the process's streams closed (None while it runs)
    closed_at: float | None = None

    def lines_until(self, now: float) -> tuple[list[float], list[str]]:
        """The lines written by ``now`` (a process running ahead has stamped later ones)."""
        if not self.times or self.times[-1] <= now:
            return self.times, self.logs
        n = bisect.bisect_right(self.times, now)
        return self.times[:n], self.logs[:n]


class Runtime:
    def __init__(self) -> None:
        # pod uid -> container name -> instance (by pod, so a pod's removal costs its own size)
        self._current: dict[str, dict[str, Instance]] = {}
        self._previous: dict[str, dict[str, Instance]] = {}
        #: pod uid -> container name -> the attached listeners, in the order they attached
        self._attached: dict[str, dict[str, list[Listener]]] = {}

    def start(self, pod_uid: str, container: str, *, env: dict[str, str] | None = None,
              files: dict[str, str] | None = None, now: float = 0.0) -> Instance:
        current = self._current.setdefault(pod_uid, {})
        if container in current:
            self._previous.setdefault(pod_uid, {})[container] = current[container]
        inst = Instance(env=dict(env or {}), files=dict(files or {}), started_at=now)
        current[container] = inst
        return inst

    def get(self, pod_uid: str, container: str, previous: bool = False) -> Instance | None:
        return (self._previous if previous else self._current).get(pod_uid, {}).get(container)

    def log(self, pod_uid: str, container: str, line: str, now: float, *, attached: bool = True) -> None:
        """One line of the container's log at ``now``. ``attached``: the attached listeners see it too
        (an app's access log, a server's farewell); False for a line whose bytes the process's own
        ``written`` already sent them."""
        if attached and self._attached.get(pod_uid, {}).get(container):
            self._send(pod_uid, container, 1, line if isinstance(line, Partial) else line + "\n", now)
        inst = self.get(pod_uid, container)
        if inst is None:
            inst = self.start(pod_uid, container, now=now)
        if inst.times and now < inst.times[-1]:  # a request served while the program runs ahead
            at = bisect.bisect_right(inst.times, now)
            inst.logs.insert(at, line)
            inst.times.insert(at, now)
        else:
            inst.logs.append(line)
            inst.times.append(now)
        if len(inst.logs) > MAX_LOG_LINES + MAX_LOG_LINES // 10:  # trimmed in batches: appends stay O(1)
            extra = len(inst.logs) - MAX_LOG_LINES
            del inst.logs[:extra]
            del inst.times[:extra]
            inst.dropped += extra

    # -- attach ------------------------------------------------------------------------------------
    def attach(self, pod_uid: str, container: str, listener: Listener, since: float | None = None) -> None:
        """Subscribe ``listener`` to the container's output from now on; with ``since``, the current
        instance's chunks stamped at or after it are sent first (its process ran ahead of the clock),
        and EOF too when its streams closed after ``since``."""
        self._attached.setdefault(pod_uid, {}).setdefault(container, []).append(listener)
        inst = self.get(pod_uid, container)
        if since is None or inst is None:
            return
        for t, fd, text in [c for c in inst.chunks if c[0] >= since]:
            listener(fd, text, t)
        if inst.closed_at is not None and inst.closed_at >= since:
            listener(EOF, "", inst.closed_at)

    def detach(self, pod_uid: str, container: str, listener: Listener) -> None:
        by_name = self._attached.get(pod_uid, {})
        listeners = by_name.get(container) or []
        if listener in listeners:
            listeners.remove(listener)
        if not listeners:
            by_name.pop(container, None)
        if not by_name:
            self._attached.pop(pod_uid, None)

    def _send(self, pod_uid: str, container: str, fd: int, text: str, t: float) -> None:
        for listener in list(self._attached.get(pod_uid, {}).get(container) or ()):
            listener(fd, text, t)

    def written(self, pod_uid: str, container: str, fd: int, text: str, t: float) -> None:
        """The main process wrote ``text`` on ``fd`` at its time ``t`` (the kubelet's stream writers)."""
        inst = self.get(pod_uid, container)
        if inst is not None:
            chunks = inst.chunks
            while chunks and chunks[0][0] < t - 2 * QUANTUM:  # the clock is past them: no attach needs them
                chunks.popleft()
            chunks.append((t, fd, text))
        if self._attached.get(pod_uid, {}).get(container):
            self._send(pod_uid, container, fd, text, t)

    def closed(self, pod_uid: str, container: str, t: float) -> None:
        """The main process's streams closed at ``t`` (it exited or was killed): the listeners' EOF."""
        inst = self.get(pod_uid, container)
        if inst is not None:
            inst.closed_at = t
        self._send(pod_uid, container, EOF, "", t)

    def interrupt(self, pod_uid: str, container: str, now: float) -> bool:
        """``^C`` on the container's TTY: SIGINT to its foreground process (the kubelet's hook says
        whether the process took it and ended). What it had written ahead of ``now`` was never
        written: those lines leave its log."""
        inst = self.get(pod_uid, container)
        if inst is None or inst.interrupt is None or inst.closed_at is not None or not inst.interrupt(now):
            return False
        if inst.times and inst.times[-1] > now:
            keep = bisect.bisect_right(inst.times, now)
            del inst.logs[keep:]
            del inst.times[keep:]
        while inst.chunks and inst.chunks[-1][0] > now:
            inst.chunks.pop()
        return True

    def usage(self, pod_uid: str, container: str) -> tuple[float | None, int | None] | None:
        """What the container's program itself uses beyond its image's idle baseline: (CPU cores,
        memory bytes), e.g. ``stress --cpu 1 --vm-bytes 150M`` → (1.0, 157286400); None when its
        program asks for nothing (the metrics' usage model then has the baseline only)."""
        inst = self.get(pod_uid, container)
        proc = inst.proc if inst is not None else None
        if proc is None or not (proc.cpu or proc.allocated):
            return None
        return (proc.cpu / 1e9 if proc.cpu else None, proc.allocated or None)

    def listening(self, pod_uid: str, container: str) -> tuple[int, ...] | None:
        """The TCP ports the container's running process listens on (``python3 -m http.server
        9000`` → (9000,)), or None when no process of it runs here."""
        inst = self.get(pod_uid, container)
        proc = inst.proc if inst is not None else None
        return None if proc is None else tuple(proc.ports)

    def forget(self, pod_uid: str) -> None:
        """The pod is gone: its containers' state goes with it (an attach still open ends)."""
        for container in list(self._attached.get(pod_uid, {})):
            inst = self.get(pod_uid, container)
            if inst is None or inst.closed_at is None:  # (a process the registry's model ran: no streams)
                stamps = [0.0] if inst is None else [0.0, *inst.times[-1:], *([inst.chunks[-1][0]] if inst.chunks else [])]
                self._send(pod_uid, container, EOF, "", max(stamps))
        self._attached.pop(pod_uid, None)
        self._current.pop(pod_uid, None)
        self._previous.pop(pod_uid, None)


class Driver:
    """One program run on the virtual clock: ``Sleep(d)`` yields become timers, the return value
    the exit status (``on_exit(code, t)`` at the exact local time it returned). ``kill()`` stops it
    where it stands (the program's ``finally`` blocks do not run: SIGKILL)."""

    def __init__(self, clock: Any, gen: Generator[Any, None, int], on_exit: Callable[[int, float], None],
                 quantum: float = QUANTUM) -> None:
        self.clock = clock
        self.gen = gen
        self.on_exit = on_exit
        self.quantum = quantum
        #: local time as origin + offset: the offset sums small sleeps exactly (epoch seconds would
        #: lose microseconds over a few hundred ``sleep 0.01``)
        self.origin = clock.now()
        self.off = 0.0
        self.alive = True
        self.timer: Any = None
        self.waiting_forever = False

    @property
    def t(self) -> float:
        return self.origin + self.off

    def now(self) -> float:
        """The process's own time: the clock's, or later while it runs ahead."""
        return max(self.t, self.clock.now())

    def start(self) -> None:
        self._step()

    def kill(self) -> None:
        self.alive = False
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        try:
            self.gen.close()
        except Exception:  # noqa: BLE001 - a program that misbehaves on close is dead all the same
            pass

    def _step(self) -> None:
        self.timer = None
        if not self.alive:
            return
        base = self.clock.now()
        if self.t < base:
            self.off = base - self.origin
        while self.alive:
            try:
                y = next(self.gen)
            except StopIteration as stop:
                self._finish(int(stop.value or 0) % 256 if isinstance(stop.value, int) else 0)
                return
            except Exception:  # noqa: BLE001 - a program's bug must not take the kubelet down
                self._finish(2)
                return
            d = float(getattr(y, "seconds", 0.0) or 0.0)
            if d == float("inf"):
                self.waiting_forever = True
                return  # blocked until killed (a server waiting for requests, ``sleep infinity``)
            self.off += max(d, MIN_STEP)
            if self.t - base >= self.quantum:
                self.timer = self.clock.call_at(self.t, self._step)
                return

    def _finish(self, code: int) -> None:
        self.alive = False
        t = self.t
        if t > self.clock.now():
            self.timer = self.clock.call_at(t, lambda: self.on_exit(code, t))
        else:
            self.on_exit(code, t)
