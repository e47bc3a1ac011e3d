"""``python -m server`` as a real process, for the tests that need one (web/test_server.py, e2e).

Started the way users start it, on a free loopback port, its output in a log file; waited for by
asking its HTTP port, bounded, and between tries by waiting on the process itself, so a server
that dies is reported at once with its log instead of hanging the test.

The tests run in parallel (pytest-xdist workers, each starting servers of its own): a free port is
asked of the kernel (bind to port 0) just before the server binds it, and in the moment between,
another worker's server or client may take it. A server that exits because its port is taken is
therefore started again on another free port (a few times, then it is an error with the log).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listens(pid: int, port: int) -> bool | None:
    """Whether process ``pid`` holds the socket listening on 127.0.0.1:``port`` (None: no /proc to tell).

    Another worker's server that took the port first answers ``/healthz`` as well; this tells ours."""
    try:
        with open("/proc/net/tcp") as table:
            rows = [line.split() for line in table.readlines()[1:]]
        fds = os.listdir(f"/proc/{pid}/fd")
    except FileNotFoundError:
        return None if not os.path.isdir("/proc/self/fd") else False
    wanted = f"0100007F:{port:04X}"
    inodes = {f"socket:[{row[9]}]" for row in rows if row[1] == wanted and row[3] == "0A"}  # 0A: LISTEN
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                return True
        except OSError:
            continue
    return False


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


#: what the server prints when its port was taken between free_port() and its own bind
PORT_TAKEN = "Address already in use"
PORT_TRIES = 5


class PortTaken(Exception):
    """The server exited at start because another process bound its port first."""


@contextmanager
def running_server(data_dir: Path, *, mode: str = "threading", start_timeout: float = 60.0,
                   port: int | None = None, args: tuple[str, ...] = ()) -> Iterator[tuple[int, Path]]:
    """Yields (port, log path) once the server answers ``/healthz``; stops it afterwards.
    ``args`` are more of the server's arguments; ``PROCESSES[port]`` is its process meanwhile.

    Without ``port``, a free one is chosen, and chosen again if another process takes it first."""
    for attempt in range(1 if port else PORT_TRIES):
        proc, chosen, log_path = _start(data_dir, mode, port or free_port(), args)
        PROCESSES[chosen] = proc
        try:
            try:
                _wait_until_answering(proc, chosen, log_path, start_timeout,
                                      retry=port is None and attempt < PORT_TRIES - 1)
            except PortTaken:
                continue
            yield chosen, log_path
            return
        finally:
            PROCESSES.pop(chosen, None)
            _stop(proc)
    raise AssertionError("unreachable: the last try raises")  # pragma: no cover


#: the servers running_server started, by port (a test may kill one: a worker's loss)
PROCESSES: dict[int, subprocess.Popen] = {}

TEST_LIMITS = {"KUBEPLAY_MAX_SANDBOXES": "0", "KUBEPLAY_MAX_SANDBOXES_PER_CLIENT": "0", "KUBEPLAY_RATE": "0"}


def _start(data_dir: Path, mode: str, port: int, args: tuple[str, ...] = ()) -> tuple[subprocess.Popen, int, Path]:
    log_path = data_dir / f"server-{port}.log"
    # One server answers a whole test session from one address (hundreds of sandboxes, kubectl's
    # bursts from parallel tests): the per-client and server-wide limits meant for the public are off
    # here, unless the environment sets them (tests/web/test_limits.py tests each limit).
    env = {**TEST_LIMITS, **os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(data_dir), "--async-mode", mode, *args],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    return proc, port, log_path


def _wait_until_answering(proc: subprocess.Popen, port: int, log_path: Path, start_timeout: float,
                          *, retry: bool) -> None:
    deadline = time.monotonic() + start_timeout
    while not (answers(f"http://127.0.0.1:{port}/healthz") and listens(proc.pid, port) is not False):
        try:
            proc.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            pass
        else:
            log = log_path.read_text(errors="replace")
            if retry and PORT_TAKEN in log:
                raise PortTaken(port)
            raise AssertionError(f"the server exited with {proc.returncode}:\n{log}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the server did not answer within {start_timeout:g}s:\n"
                                 f"{log_path.read_text(errors='replace')}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
