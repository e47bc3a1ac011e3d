"""tests/serverproc.py under parallel workers: a port taken between ``free_port()`` and the server's
own bind (by another worker's server, which answers ``/healthz`` too) must not hand the test that
other server; the server is started again on another port."""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests import serverproc


class _Impostor(BaseHTTPRequestHandler):
    """Another process's server on the port: answers /healthz, has no sandboxes API."""

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        body = b"ok" if self.path == "/healthz" else b"impostor"
        self.send_response(200 if self.path == "/healthz" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_a_port_taken_before_the_server_binds_it_is_given_up_for_another(tmp_path, monkeypatch):
    impostor = ThreadingHTTPServer(("127.0.0.1", 0), _Impostor)
    taken = impostor.server_address[1]
    thread = threading.Thread(target=impostor.serve_forever, daemon=True)
    thread.start()
    picks = iter([taken])
    real_free_port = serverproc.free_port
    monkeypatch.setattr(serverproc, "free_port", lambda: next(picks, None) or real_free_port())
    try:
        assert serverproc.answers(f"http://127.0.0.1:{taken}/healthz")  # the impostor answers
        with serverproc.running_server(tmp_path) as (port, log):
            assert port != taken
            assert "Address already in use" in (tmp_path / f"server-{taken}.log").read_text()
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/sandboxes", data=b"", method="POST")
            with urllib.request.urlopen(req, timeout=30) as resp:
                assert resp.status == 201 and json.loads(resp.read())["id"]
    finally:
        impostor.shutdown()
        impostor.server_close()
