"""Real Redis and PostgreSQL servers for the scale-out tests, started by the test itself from the
Debian packages (``redis-server``, ``postgresql``; ``make test`` installs them), each in a
temporary directory on a free loopback port, stopped and removed afterwards.

``redis_server()`` yields ``redis://127.0.0.1:<port>/0``; ``postgres_server()`` yields
``postgresql://kubeplay@127.0.0.1:<port>/kubeplay`` (a cluster made by ``initdb``, run as the
``postgres`` system user when the tests run as root, since PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.serverproc import free_port


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def missing() -> str | None:
    """Why the services cannot be started here (a binary not installed), or None."""
    for name in ("redis-server", "initdb", "pg_ctl"):
        if _binary(name) is None:
            return f"{name} is not installed (make test installs redis-server and postgresql)"
    return None


def _wait_port(port: int, proc: subprocess.Popen | None, what: str, log: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc is not None and proc.poll() is not None:
                raise AssertionError(f"{what} exited with {proc.returncode}:\n{open(log).read()}") from None
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not listen within {timeout:g} s:\n{open(log).read()}") from None
            time.sleep(0.05)  # polling a port that a starting server has not bound yet


@contextmanager
def redis_server() -> Iterator[str]:
    port = free_port()
    work = tempfile.mkdtemp(prefix="kubeplay-redis-")
    log = os.path.join(work, "redis.log")
    with open(log, "wb") as out:
        proc = subprocess.Popen([_binary("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                 "--save", "", "--appendonly", "no", "--dir", work],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_port(port, proc, "redis-server", log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    port = free_port()
    work = tempfile.mkdtemp(prefix="kubeplay-pg-")
    data, log = os.path.join(work, "data"), os.path.join(work, "pg.log")
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: its own system user runs it
        user = pwd.getpwnam("postgres")
        os.chown(work, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    run = lambda *argv: subprocess.run([*as_user, *argv], check=True, capture_output=True, text=True)  # noqa: E731
    try:
        run(_binary("initdb") or "initdb", "-D", data, "-U", "kubeplay", "--auth=trust", "-E", "UTF8")
        run(_binary("pg_ctl") or "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "start",
            "-o", f"-p {port} -c listen_addresses=127.0.0.1 -k {work} -c fsync=off")
        _wait_port(port, None, "postgres", log)
        run(_binary("createdb") or "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "kubeplay", "kubeplay")
        yield f"postgresql://kubeplay@127.0.0.1:{port}/kubeplay"
    finally:
        subprocess.run([*as_user, _binary("pg_ctl") or "pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
