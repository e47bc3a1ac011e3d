"""``python -m server`` as a real process, in both async modes: it serves the page and the API,
refuses a 10 MB body fast and stays up, speaks Socket.IO (long-polling, spoken by hand here), and
keeps sandboxes across a restart over the same ``--data-dir``."""

from __future__ import annotations

import http.client
import json
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.serverproc import running_server

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def server(mode: str, data_dir: Path):
    with running_server(data_dir, mode=mode, start_timeout=30) as (port, _log):
        yield port


def request(port: int, method: str, path: str, body: bytes | str | None = None, timeout: float = 10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body is not None else {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def api(port: int, method: str, path: str, doc: dict | None = None):
    status, data = request(port, method, "/api/sandboxes" + path, json.dumps(doc) if doc is not None else None)
    return status, json.loads(data)


class Polling:
    """Just enough of Engine.IO 4 long-polling to join a sandbox and read its messages."""

    def __init__(self, port: int) -> None:
        self.port = port
        status, data = request(port, "GET", "/socket.io/?EIO=4&transport=polling")
        assert status == 200, data
        self.sid = json.loads(data.decode()[1:])["sid"]
        self.send("40")
        assert any(p.startswith("40") for p in self.receive())

    def send(self, packet: str) -> None:
        status, _ = request(self.port, "POST", f"/socket.io/?EIO=4&transport=polling&sid={self.sid}", packet)
        assert status == 200

    def receive(self) -> list[str]:
        status, data = request(self.port, "GET", f"/socket.io/?EIO=4&transport=polling&sid={self.sid}", timeout=30)
        assert status == 200
        return data.decode().split("\x1e")

    def emit(self, event: str, payload: dict) -> None:
        self.send("42" + json.dumps([event, payload]))

    def events(self, name: str, *, count: int = 1) -> list[dict]:
        out: list[dict] = []
        for _ in range(50):  # bounded: each poll returns as soon as the server has something
            for packet in self.receive():
                if packet == "2":  # ping
                    self.send("3")
                elif packet.startswith("42"):
                    event, data = json.loads(packet[2:])
                    if event == name:
                        out.append(data)
            if len(out) >= count:
                return out
        raise AssertionError(f"no {name!r} event")


@pytest.mark.parametrize("mode", ["eventlet", "threading"])
def test_real_server(mode, tmp_path):
    with server(mode, tmp_path) as port:
        status, page = request(port, "GET", "/")
        assert status == 200 and b"<html" in page.lower()
        status, doc = api(port, "POST", "")
        assert status == 201
        sid = doc["id"]

        started = time.monotonic()
        status, data = request(port, "POST", f"/api/sandboxes/{sid}/apply", b"x" * (10 * 1024 * 1024))
        assert status == 413 and b"too large" in data
        assert time.monotonic() - started < 5

        assert api(port, "POST", f"/{sid}/clock", {"paused": True})[0] == 200
        status, out = api(port, "POST", f"/{sid}/run", {"command": "kubectl apply -f lessons/step08-pod.yml"})
        assert (status, out) == (200, {"output": "pod/test1 created\n", "exitCode": 0})

        sock = Polling(port)
        sock.emit("join", {"sandbox": sid})
        snap = sock.events("snapshot")[0]
        assert "test1" in {o["metadata"]["name"] for o in snap["objects"] if o["kind"] == "Pod"}
        api(port, "POST", f"/{sid}/clock", {"paused": False, "speed": 100})
        deltas = sock.events("delta", count=2)  # the ticker runs while someone watches
        assert deltas[-1]["clock"]["time"] > snap["clock"]["time"]
        api(port, "POST", f"/{sid}/clock", {"paused": True})
        status, before = request(port, "GET", f"/api/sandboxes/{sid}/objects")
        assert status == 200

    with server(mode, tmp_path) as port:
        status, after = request(port, "GET", f"/api/sandboxes/{sid}/objects")
        assert status == 200
        assert after == before
