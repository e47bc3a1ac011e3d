"""Virtual time for one simulated cluster.

Owns: the current simulated time, the heap of timers (SimPy-style (time, seq) ordering so ties
fire in the order they were scheduled), the run state shown to users (paused, speed) and the
seeded random generator every component draws from. Nothing in the simulation reads the wall
clock or the global ``random`` module; a sandbox replays identically from its seed.

Hands off: after each batch of timers due at one instant, ``advance`` calls ``settle`` (set by
the cluster) so controllers run to quiescence before time moves on.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

# 2025-03-03T13:00:00Z: a fixed default epoch so tests and benchmarks are reproducible.
DEFAULT_START = 1741006800.0
SPEEDS = (1, 10, 100)


@dataclass(slots=True)
class Timer:
    when: float
    seq: int
    fn: Callable[[], object] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True

    # the heap's order, (when, seq), written out: the generated ``order=True`` methods build two
    # tuples per comparison, and every timer pushed or popped makes a dozen of them
    def __lt__(self, other: Timer) -> bool:
        return self.when < other.when or (self.when == other.when and self.seq < other.seq)

    def __le__(self, other: Timer) -> bool:
        return self.when < other.when or (self.when == other.when and self.seq <= other.seq)

    def __gt__(self, other: Timer) -> bool:
        return other.__lt__(self)

    def __ge__(self, other: Timer) -> bool:
        return other.__le__(self)


def parse_time(ts: str | None) -> float | None:
    """RFC 3339 as the API writes it (``Z``, with or without fractional seconds) → epoch seconds."""
    if not ts:
        return None
    return _parsed_time(ts)


@functools.lru_cache(maxsize=4096)
def _parsed_time(ts: str) -> float:
    """(The controllers compare the same few timestamps on every sync.)"""
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()


def iso_time(t: float) -> str:
    """metav1.Time: RFC 3339 in UTC with second precision (``2025-03-03T13:00:10Z``)."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def micro_time(t: float) -> str:
    """metav1.MicroTime, as Leases carry it: ``2025-03-03T13:00:10.000000Z``."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "\u03bcs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
                   "h": 3600.0}
_DURATION_PART = re.compile(r"(\d*\.?\d*)([^\d.]*)")


def parse_go_duration(text: str) -> float:
    """Go's ``time.ParseDuration`` in seconds (``90s``, ``1h30m``, ``1.5h``, ``-2m``, ``0``); a
    ValueError carries Go's message (``time: invalid duration "x"``, ``time: unknown unit "x" in
    duration "5x"``, ``time: missing unit in duration "5"``)."""
    quoted = '"' + text + '"'
    body = text
    sign = 1.0
    if body[:1] in "+-" and body:
        sign = -1.0 if body[0] == "-" else 1.0
        body = body[1:]
    if body == "0":
        return 0.0
    if not body:
        raise ValueError(f"time: invalid duration {quoted}")
    total, pos = 0.0, 0
    while pos < len(body):
        m = _DURATION_PART.match(body, pos)
        number, unit = m.group(1), m.group(2)
        if number in ("", "."):
            raise ValueError(f"time: invalid duration {quoted}")
        if not unit:
            raise ValueError(f"time: missing unit in duration {quoted}")
        if unit not in _DURATION_UNITS:
            raise ValueError(f'time: unknown unit "{unit}" in duration {quoted}')
        total += float(number) * _DURATION_UNITS[unit]
        pos = m.end()
    return sign * total


class Clock:
    def __init__(self, start: float = DEFAULT_START, seed: int = 0) -> None:
        self._now = float(start)
        self._heap: list[Timer] = []
        self._seq = itertools.count()
        self.rng = random.Random(seed)
        self.paused = False
        self.speed = 1
        self.settle: Callable[[], None] = lambda: None
        #: RFC 3339 strings already formatted, by whole second (``iso``): the writes of one second
        #: all stamp it, and strftime is dear at thousands of writes per second
        self._iso: dict[int, str] = {}

    # -- reading time ------------------------------------------------------------------------
    def now(self) -> float:
        return self._now

    def iso(self, t: float | None = None) -> str:
        """RFC 3339 in UTC with second precision, as metadata timestamps are written."""
        when = self._now if t is None else t
        second = int(when)
        if not 0.0 <= when - second < 0.999999:  # would round up to the next second: not the cache's
            return iso_time(when)
        text = self._iso.get(second)
        if text is None:
            if len(self._iso) >= 4096:
                self._iso.clear()
            text = self._iso[second] = iso_time(second)
        return text

    # -- scheduling --------------------------------------------------------------------------
    def call_at(self, when: float, fn: Callable[[], object]) -> Timer:
        timer = Timer(max(when, self._now), next(self._seq), fn)
        heapq.heappush(self._heap, timer)
        return timer

    def call_later(self, delay: float, fn: Callable[[], object]) -> Timer:
        return self.call_at(self._now + max(0.0, delay), fn)

    def next_due(self) -> float | None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].when if self._heap else None

    def pending(self) -> int:
        return sum(1 for t in self._heap if not t.cancelled)

    # -- moving time -------------------------------------------------------------------------
    def advance(self, seconds: float) -> None:
        """Simulate ``seconds`` of time: fire every timer due in order, settling after each instant."""
        target = self._now + max(0.0, seconds)
        self.settle()
        while True:
            due = self.next_due()
            if due is None or due > target:
                break
            self._now = max(self._now, due)
            while self._heap and (self._heap[0].cancelled or self._heap[0].when <= self._now):
                timer = heapq.heappop(self._heap)
                if not timer.cancelled:
                    timer.fn()
            self.settle()
        self._now = target

    def state(self) -> dict:
        return {"now": self.iso(), "time": self._now, "paused": self.paused, "speed": self.speed}
