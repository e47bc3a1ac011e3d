"""A real kubeplay server with one sandbox, and the real kubectl v1.32 pointed at it.

``lab_server(tmp_path_factory)`` creates a sandbox on a real ``python -m server`` (threaded, as
``make run`` does) and writes its kubeconfig; the ``Lab`` it yields runs the real kubectl against
the sandbox (``lab.kubectl(...)``) and kubeplay's own (``lab.engine(...)``), so a test compares them.

The server is started once per test process (each pytest-xdist worker has its own) and shared by
every test file's lab: each lab is a sandbox of its own (its own objects, clock, seed and registry),
the real kubectl has its own HOME and cache per lab, so no lab sees another's state; what it saves
is a server start (seconds each) per test file. ``stop_shared()`` stops it (tests/conftest.py, at
the end of the session); a shared server that has died is started again for the next lab.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from tests.realkubectl import KUBECTL
from tests.serverproc import answers, running_server


class Lab:
    def __init__(self, port: int, sid: str, home: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.sid = sid
        self.home = home
        self.kubeconfig = home / "kubeconfig"
        self.kubeconfig.write_bytes(self.get(f"/api/sandboxes/{sid}/kubeconfig", raw=True))

    def request(self, method: str, path: str, body: dict | None = None, raw: bool = False):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            payload = resp.read()
        return payload if raw else json.loads(payload)

    def get(self, path: str, raw: bool = False):
        return self.request("GET", path, raw=raw)

    def clock(self, **body) -> dict:
        return self.request("POST", f"/api/sandboxes/{self.sid}/clock", body)

    def engine(self, command: str) -> str:
        """kubeplay's own kubectl, for comparison."""
        return self.request("POST", f"/api/sandboxes/{self.sid}/run", {"command": command})["output"]

    def objects(self, kind: str) -> dict[str, dict]:
        return {o["metadata"]["name"]: o for o in self.get(f"/api/sandboxes/{self.sid}/objects")["objects"]
                if o["kind"] == kind}

    def kubectl(self, *args: str, stdin: str | None = None, env: dict | None = None, timeout: float = 60,
                check: bool = True) -> subprocess.CompletedProcess:
        cmd = [KUBECTL, "--kubeconfig", str(self.kubeconfig), "--cache-dir", str(self.home / "cache"), *args]
        result = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout,
                                env={**os.environ, "HOME": str(self.home), **(env or {})})
        if check:
            assert result.returncode == 0, f"{args}: {result.stderr}"
        return result


class _Shared:
    """This process's lab server: its port, and what stops it."""

    port: int | None = None
    log: Path | None = None
    stack: ExitStack | None = None


def _shared_port(tmp_path_factory) -> int:
    if _Shared.port is not None and answers(f"http://127.0.0.1:{_Shared.port}/healthz"):
        return _Shared.port
    stop_shared()
    stack = ExitStack()
    port, log = stack.enter_context(running_server(tmp_path_factory.mktemp("data")))
    _Shared.port, _Shared.log, _Shared.stack = port, log, stack
    return port


def stop_shared() -> None:
    """Stops this process's lab server, if one was started."""
    stack, _Shared.port, _Shared.log, _Shared.stack = _Shared.stack, None, None, None
    if stack is not None:
        stack.close()


@contextmanager
def lab_server(tmp_path_factory) -> Iterator[Lab]:
    port = _shared_port(tmp_path_factory)
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/sandboxes", data=b"", method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            sid = json.loads(resp.read())["id"]
    except urllib.error.HTTPError as e:  # the server's log says why, not only the status
        log = _Shared.log.read_text(errors="replace") if _Shared.log else ""
        raise AssertionError(f"POST /api/sandboxes: {e.code} {e.read().decode(errors='replace')}\n"
                             f"the server's log ends:\n{log[-6000:]}") from None
    yield Lab(port, sid, tmp_path_factory.mktemp("home"))


@contextmanager
def paused_lab(tmp_path_factory, *, apply: str | None = None) -> Iterator[Lab]:
    """The lab most comparisons with the real kubectl want: skipped where no kubectl is installed, its
    clock paused (each pair of lines, the real binary's and the terminal's, sees the same moment),
    and ``apply`` (a manifest) applied with the real kubectl first."""
    import pytest

    if KUBECTL is None:
        pytest.skip("no kubectl installed: the comparisons need the real one")
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        if apply is not None:
            lab.kubectl("apply", "-f", "-", stdin=apply)
        yield lab
