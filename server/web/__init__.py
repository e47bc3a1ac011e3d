"""The web layer: the Flask app factory, the page, the HTTP API and the Socket.IO live updates.

Owns: assembling the app — ``create_app(config, *, seed=, start=)`` builds a Flask app with its own
Socket.IO server, sandbox registry and journal (no module globals, so tests can run several apps
side by side and "restart" one over the same data directory). It holds no cluster logic: requests
become ``server.sandbox`` operations (``api.py``), store changes become Socket.IO messages
(``live.py``).

Config keys: ``DATA_DIR`` (SQLite journal; None keeps sandboxes in memory), ``ASYNC_MODE``
(``threading`` unless told; ``python -m server`` picks eventlet and monkey-patches before
importing this), ``TICK_SECONDS`` (0.1), ``LIVE_TICKER`` (False lets tests drive ``Hub.tick``
themselves), ``MAX_CONTENT_LENGTH`` (the apiserver's 3 MiB), ``EXAMPLES_DIR``, ``LIMITS`` (a
``server.config.Limits``; ``Limits.from_env()`` unless given: sandboxes, request rate, journal size).
Several workers (issue 11's scale-out): ``JOURNAL_URL`` (``postgresql://…``, the journal they share),
``REDIS_URL`` (ownership leases, ``server.placement``, and Socket.IO's message queue), ``WORKER_ID``,
``WORKER_URL`` (the address clients reach this worker at) and ``LEASE_SECONDS``; a request for a
sandbox another live worker owns is answered 307 to that worker.
Every request and response passes ``hygiene`` first (security headers, rate, body size, nesting and
media type, a full journal).

The page and its assets come from ``templates/`` and ``static/`` at the repository root (absolute
paths, ``$KUBEPLAY_ROOT`` to override): everything is served by the app, nothing from a CDN.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, render_template, request
from flask_socketio import SocketIO
from socketio.packet import Packet
from werkzeug.exceptions import HTTPException

from ..config import Limits
from ..persist import Journal, JournalConflict
from ..placement import Placement
from ..sandbox import SandboxElsewhere, Sandboxes, SandboxUnavailable, load_examples, repo_root
from . import api, hygiene, k8s, k8s_stream, lessons, timeline
from .live import Hub


class JsonPacket(Packet):
    """Socket.IO's packet, for events whose data is JSON only. python-socketio walks all of an event's
    data to find bytes for a binary event (``Packet.data_is_binary``: the whole tree, with no early
    exit); kubeplay emits the store's objects, strings and numbers, never bytes. That walk was 6 %
    of the server's CPU while a page followed a Deployment scaled to 10,000 pods (bench_page.py)."""

    uses_binary_events = False


#: the apiserver refuses request bodies over 3 MiB (``MaxRequestBodyBytes``)
MAX_BODY = 3 * 1024 * 1024

NO_FRONT_END = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kubeplay</title></head>
<body><h1>kubeplay</h1><p>The page has not been built: run <code>make install</code>.
The API is at <code>/api/sandboxes</code>.</p></body></html>"""


def create_app(config: dict | None = None, *, seed: int | None = None, start: float | None = None) -> Flask:
    root = repo_root()
    app = Flask(__name__, static_folder=str(root / "static"), template_folder=str(root / "templates"))
    app.config.update(
        DATA_DIR=None,
        ASYNC_MODE="threading",
        TICK_SECONDS=0.1,
        LIVE_TICKER=True,
        MAX_CONTENT_LENGTH=MAX_BODY,
        EXAMPLES_DIR=str(root / "examples"),
    )
    app.config.update(config or {})
    limits = app.config.get("LIMITS") or Limits.from_env()

    journal = Journal.in_dir(app.config["DATA_DIR"], app.config.get("JOURNAL_URL"))
    for damage in journal.damage:
        app.logger.error("kubeplay: the journal is damaged: %s", damage)
    placement = None
    if app.config.get("REDIS_URL"):
        placement = Placement(app.config["REDIS_URL"], app.config["WORKER_ID"], app.config["WORKER_URL"],
                              lease=app.config.get("LEASE_SECONDS", 10.0))
        placement.start()
    sandboxes = Sandboxes(journal, load_examples(Path(app.config["EXAMPLES_DIR"])), seed=seed, start=start,
                          limits=limits, placement=placement)
    # with several workers, Socket.IO's messages go through Redis: a page connected to any worker
    # gets its sandbox's updates from the worker that owns it
    socketio = SocketIO(app, async_mode=app.config["ASYNC_MODE"], message_queue=app.config.get("REDIS_URL"),
                        max_http_buffer_size=app.config["MAX_CONTENT_LENGTH"], serializer=JsonPacket)
    hub = Hub(socketio, sandboxes, tick_seconds=app.config["TICK_SECONDS"], ticker=app.config["LIVE_TICKER"])
    app.extensions["kubeplay.sandboxes"] = sandboxes
    app.extensions["kubeplay.hub"] = hub
    app.extensions["kubeplay.journal"] = journal
    hygiene.install(app, limits)  # after SocketIO: its middleware is inside the guard's

    app.register_blueprint(api.bp)
    app.register_blueprint(k8s.bp)
    app.register_blueprint(k8s_stream.bp)
    app.register_blueprint(lessons.bp)
    app.register_blueprint(timeline.bp)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Response | HTTPException | tuple[Response, int]:
        if request.path.startswith("/api/"):
            return api.json_error(e)
        if request.path.startswith("/k8s/"):
            return k8s.http_error(e)
        return e

    @app.errorhandler(SandboxUnavailable)
    def unavailable(e: SandboxUnavailable) -> Response | tuple[Response, int]:
        # a sandbox whose journal cannot be restored is set aside: each request says why, at once
        if request.path.startswith("/k8s/"):
            return k8s.unavailable(str(e))
        return api.unavailable(str(e))

    @app.errorhandler(JournalConflict)
    def conflict(e: JournalConflict) -> Response | tuple[Response, int]:
        # this worker's copy was stale (another took the sandbox over): nothing of it was kept
        message = f"{e}: the request was not kept; send it again"
        if request.path.startswith("/k8s/"):
            return k8s.conflict(message)
        return api.json_conflict(message)

    @app.errorhandler(SandboxElsewhere)
    def elsewhere(e: SandboxElsewhere) -> Response:
        # another worker owns the sandbox: the same request, there (307 keeps the method and body)
        location = e.address.rstrip("/") + request.full_path.rstrip("?")
        if request.path.startswith("/k8s/"):
            answer = k8s.unavailable(str(e))
        else:
            answer, _code = api.unavailable(str(e))
        answer.status_code = 307
        answer.headers["Location"] = location
        return answer

    @app.errorhandler(Exception)
    def internal_error(e: Exception) -> Response | tuple[Response, int]:
        # a bug behind the Kubernetes API answers as the apiserver does (500 InternalError), never
        # as an HTML page a client cannot decode
        if isinstance(e, HTTPException):
            return http_error(e)
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if request.path.startswith("/k8s/"):
            return k8s.internal_error(e)
        return api.json_error_500(e) if request.path.startswith("/api/") else (Response("internal error", 500))

    @app.get("/")
    def index() -> str:
        if not (Path(app.template_folder or "") / "index.html").is_file():
            return NO_FRONT_END
        return render_template("index.html")

    @app.get("/healthz")
    def healthz() -> dict:
        return {"ok": True}

    return app


def socketio_of(app: Flask) -> SocketIO:
    return app.extensions["socketio"]
