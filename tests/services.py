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
import subprocess
import tempfile
import threading
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


@contextmanager
def redis_server() -> Iterator[str]:
    port = free_port()
    work = tempfile.mkdtemp(prefix="kubeplay-redis-")
    proc = subprocess.Popen([_binary("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", work],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        said = []
        for line in proc.stdout:  # type: ignore[union-attr]  (its log: ready once it says so)
            said.append(line)
            if "Ready to accept connections" in line:
                break
        else:
            raise AssertionError(f"redis-server exited with {proc.wait()}:\n{''.join(said)}")
        drain = threading.Thread(target=proc.stdout.read, daemon=True)  # type: ignore[union-attr]
        drain.start()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(30)
        proc.stdout.close()  # type: ignore[union-attr]
        shutil.rmtree(work, ignore_errors=True)


class Expiry:
    """Waits for a Redis key to expire: Redis's own expired-key notification, subscribed before
    whatever makes it expire (a worker's lease once the worker is gone)."""

    def __init__(self, url: str, key: str) -> None:
        import redis

        self.key = key
        self._redis = redis.Redis.from_url(url)
        self._redis.config_set("notify-keyspace-events", "Ex")
        self._events = self._redis.pubsub()
        self._events.subscribe("__keyevent@0__:expired")
        self._events.get_message(timeout=10)  # the subscription's confirmation

    def wait(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while self._redis.exists(self.key):
            left = deadline - time.monotonic()
            assert left > 0, f"{self.key} did not expire within {timeout:g} s"
            message = self._events.get_message(timeout=left)  # blocks until a key expires
            if message and message.get("data") == self.key.encode():
                return

    def close(self) -> None:
        self._events.close()
        self._redis.close()


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
        # -w: pg_ctl returns once the server accepts connections
        run(_binary("pg_ctl") or "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "start",
            "-o", f"-p {port} -c listen_addresses=127.0.0.1 -k {work} -c fsync=off")
        run(_binary("createdb") or "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "kubeplay", "kubeplay")
        yield f"postgresql://kubeplay@127.0.0.1:{port}/kubeplay"
    finally:
        subprocess.run([*as_user, _binary("pg_ctl") or "pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
