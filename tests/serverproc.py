"""``python -m server`` as a real process, for the tests that need one (web/test_server.py, e2e).

Started the way users start it, on a free loopback port, its output in a log file; waited for by
asking its HTTP port, bounded, and between tries by waiting on the process itself, so a server
that dies is reported at once with its log instead of hanging the test.
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


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def running_server(data_dir: Path, *, mode: str = "threading", start_timeout: float = 60.0,
                   port: int | None = None) -> Iterator[tuple[int, Path]]:
    """Yields (port, log path) once the server answers ``/healthz``; stops it afterwards."""
    port = port or free_port()
    log_path = data_dir / f"server-{port}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(data_dir), "--async-mode", mode],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + start_timeout
    try:
        while not answers(f"http://127.0.0.1:{port}/healthz"):
            try:
                proc.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
            else:
                raise AssertionError(f"the server exited with {proc.returncode}:\n"
                                     f"{log_path.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not answer within {start_timeout:g}s:\n"
                                     f"{log_path.read_text(errors='replace')}")
        yield port, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
