"""A real kubeplay server with one sandbox, and the real kubectl v1.32 pointed at it.

``lab_server(tmp_path_factory)`` starts ``python -m server`` (eventlet, as ``make run`` does), creates
a sandbox and writes its kubeconfig; the ``Lab`` it yields runs the real kubectl against the sandbox
(``lab.kubectl(...)``) and kubeplay's own (``lab.engine(...)``), so a test compares them.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.realkubectl import KUBECTL
from tests.serverproc import running_server


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



@contextmanager
def lab_server(tmp_path_factory) -> Iterator[Lab]:
    data = tmp_path_factory.mktemp("data")
    with running_server(data, mode="eventlet") as (port, _log):
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/sandboxes", data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=30) as resp:
            sid = json.loads(resp.read())["id"]
        yield Lab(port, sid, tmp_path_factory.mktemp("home"))
