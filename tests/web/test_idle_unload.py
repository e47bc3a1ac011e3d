"""Idle sandboxes leave memory after ``Limits.idle_unload`` seconds unused and come back from their
journal on the next request, the same object for object (issue 11)."""

from __future__ import annotations

import threading

from server.config import Limits
from server.persist import Journal
from server.sandbox import Sandboxes
from server.sim.clock import DEFAULT_START


class Wall:
    """The registry's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _registry(idle: float = 600.0, **limits: int) -> tuple[Sandboxes, Wall]:
    wall = Wall()
    return Sandboxes(Journal(), {}, seed=7, start=DEFAULT_START, limits=Limits(idle_unload=idle, **limits),
                     clock=wall), wall


def _busy(registry: Sandboxes) -> str:
    sandbox = registry.create()
    sandbox.run("kubectl create deployment web --image=nginx --replicas=2")
    sandbox.advance(30)
    return sandbox.id


def test_an_idle_sandbox_is_unloaded_and_rebuilt_the_same(tmp_path):
    registry, wall = _registry()
    sid = _busy(registry)
    before = registry.get(sid).objects()
    wall.now += 599
    assert registry.unload_idle() == []
    wall.now += 1
    assert registry.unload_idle() == [sid]
    assert registry.loaded() == []
    again = registry.get(sid)
    assert again.objects() == before
    assert registry.loaded() == [again]


def test_each_use_restarts_the_idle_time():
    registry, wall = _registry()
    first, second = _busy(registry), _busy(registry)
    wall.now += 500
    registry.get(first)  # a request: first is the most recently used now
    wall.now += 100
    assert registry.unload_idle() == [second]
    wall.now += 500
    assert registry.unload_idle() == [first]


def test_a_followed_or_busy_sandbox_stays():
    registry, wall = _registry()
    watched, busy = _busy(registry), _busy(registry)
    registry.get(watched).watchers.add("a page's socket")
    wall.now += 700
    held, release = threading.Event(), threading.Event()

    def request() -> None:
        with registry.get(busy).lock:  # a long request holds the sandbox
            held.set()
            release.wait(60)

    thread = threading.Thread(target=request)
    thread.start()
    assert held.wait(60)
    wall.now += 700
    assert registry.unload_idle() == []
    release.set()
    thread.join(60)
    assert registry.unload_idle() == []  # it was in use until now
    wall.now += 600
    assert registry.unload_idle() == [busy]  # the watched one counted as used at the last round
    registry.get(watched).watchers.clear()
    wall.now += 600
    assert registry.unload_idle() == [watched]


def test_unloading_makes_room_under_the_sandbox_limit():
    registry, wall = _registry(max_sandboxes=2)
    _busy(registry)
    _busy(registry)
    wall.now += 600
    assert len(registry.unload_idle()) == 2
    assert registry.create() is not None


def test_no_idle_time_keeps_every_sandbox():
    registry, wall = _registry(idle=0)
    sid = _busy(registry)
    wall.now += 10**9
    assert registry.unload_idle() == []
    assert [s.id for s in registry.loaded()] == [sid]
