"""Web hygiene: what every request and every response of the app goes through, before any route.

Owns:
- ``Guard`` (WSGI middleware around the whole app, Socket.IO included): the security headers on
  every response (``SECURITY_HEADERS``: a Content-Security-Policy allowing only the app's own
  scripts, no framing, ``nosniff``, ``no-referrer`` since URLs carry sandbox ids and share
  tokens), and a chunked request body without Content-Length (which Werkzeug reads as empty unless
  the server says it ends, and then cuts at ``MAX_CONTENT_LENGTH`` without an error) read up to one
  byte past the limit, as the server de-chunks it (eventlet and Werkzeug's server do): within the
  limit it becomes the request's body with its Content-Length, past it its Content-Length says so
  and Werkzeug's own check answers 413, the rest left unread.
- ``RateLimiter``: a token bucket per client address (``rate`` per second, ``burst`` at once), with a
  bounded number of remembered clients; time comes from an injected monotonic clock.
- ``json_too_deep(data, limit)``: a parse-free nesting check (strings skipped), so that a deeply
  nested body is refused with 400 before ``json.loads`` recurses into a RecursionError (a 500).
- ``install(app, limits)``: the app's first ``before_request`` — per request under ``/api`` and
  ``/k8s``: the client's rate (429 + ``Retry-After``), the body (413 over the limit, chunked or not;
  400 nested deeper than ``admission.MAX_DEPTH``), the page API's media type (a body typed as
  anything but ``application/json`` is a 415, so a cross-site HTML form, which can only send form or
  plain-text bodies, cannot drive a sandbox; a body with no type at all is read as JSON, as the
  apiserver reads one, and a write without a body needs none), a browser's cross-site write
  (``Sec-Fetch-Site`` names it: 403, which also stops what a form cannot send, a script's fetch
  of an untyped Blob), and a full journal (429).

Answers keep each API's error shape: ``{"error": …}`` under ``/api``; under ``/k8s`` a metav1 Status
(400, 413, 429 for a full journal), except the rate limit, which is the apiserver's own max-in-flight
answer (filters/maxinflight.go ``tooManyRequests``: plain text, ``Retry-After``), which client-go
waits out and retries by itself.

Hands off: the limits are ``server.config.Limits``; sandbox counts are ``Sandboxes``' (``api.py``
answers its ``SandboxLimit``).
"""

from __future__ import annotations

import io
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from itertools import accumulate
from typing import Any

from flask import Flask, Response, abort, current_app, jsonify, request

from ..config import Limits
from ..sim.admission import MAX_DEPTH

#: on every response: only the app's own scripts (the page has no inline script), styles of its own
#: plus inline ones (CodeMirror and the canvas panels set element styles), images from itself and
#: data:/blob: URLs (the favicon, downloads), fetches and the Socket.IO WebSocket to itself, no
#: plugins, no <base> elsewhere, forms only to itself, and no page may frame it
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
)

#: the media types a kubectl (or client-go) write may carry; all JSON but SSA's YAML (which kubectl
#: sends as JSON text), so each is checked for nesting
K8S_BODY_TYPES = ("", "application/json", "application/merge-patch+json", "application/strategic-merge-patch+json",
                  "application/json-patch+json", "application/apply-patch+yaml", "application/yaml")
#: what the apiserver's filters answer a request over their rate (filters/maxinflight.go)
TOO_MANY = "Too many requests, please try again later.\n"


class Guard:
    """WSGI middleware: security headers on every response; a chunked body given a Content-Length
    (``max_body`` + 1 when it is longer than ``max_body``)."""

    def __init__(self, app: Callable, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not environ.get("CONTENT_LENGTH") and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            data = _read_at_most(environ["wsgi.input"], self.max_body + 1)
            environ["CONTENT_LENGTH"] = str(len(data))
            environ["wsgi.input"] = io.BytesIO(b"" if len(data) > self.max_body else data)
            del environ["HTTP_TRANSFER_ENCODING"]  # de-chunked now (Werkzeug ignores a chunked one's length)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            have = {name.lower() for name, _ in headers}
            headers = list(headers) + [(n, v) for n, v in SECURITY_HEADERS if n.lower() not in have]
            return start_response(status, headers, exc_info) if exc_info is not None else start_response(status, headers)

        return self.app(environ, start)


def _read_at_most(stream: Any, n: int) -> bytes:
    """Up to ``n`` bytes of a WSGI input (whose ``read`` may return less than asked)."""
    parts: list[bytes] = []
    left = n
    while left > 0:
        part = stream.read(min(left, 65536))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


class RateLimiter:
    """A token bucket per client: ``burst`` requests at once, then ``rate`` per second. At most
    ``max_clients`` buckets are kept (the least recently seen go first: a forgotten client starts
    with a full bucket, which only ever lets a request through)."""

    def __init__(self, rate: float, burst: int, *, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 10_000) -> None:
        self.rate = rate
        self.burst = max(burst, 1)
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client → (tokens, when)
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when ``client`` may make a request now (one token spent), else the seconds until it may."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, when = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - when) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait


_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]++")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_too_deep(data: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text ``data`` nests arrays/objects deeper than ``limit`` (string contents
    skipped; a text that is no JSON at all is left for the parser to refuse)."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False  # the common case, without a copy
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", data))
    return max(accumulate(_STEP[b] for b in brackets), default=0) > limit


# -- the before_request guard ------------------------------------------------------------------
def client_address() -> str:
    return request.remote_addr or "unknown"


def _media() -> str:
    return (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def _has_body() -> bool:
    return bool(request.content_length)


def _refuse(k8s: bool, code: int, message: str, reason: str, headers: dict | None = None) -> Response:
    if k8s:
        from ..sim.api import ApiError
        from .k8s import _status

        response = _status(ApiError(code, reason, message))
    else:
        response = jsonify(error=message)
        response.status_code = code
    response.headers.update(headers or {})
    return response


def _too_many(k8s: bool, wait: float) -> Response:
    retry = str(max(1, math.ceil(wait)))
    if k8s:  # the apiserver's own words and shape for its rate limit
        return Response(TOO_MANY, 429, content_type="text/plain; charset=utf-8", headers={"Retry-After": retry})
    return _refuse(False, 429, f"too many requests from this client: at most {current_app.config['LIMITS'].rate:g} "
                   f"per second (and {current_app.config['LIMITS'].burst} at once); retry after {retry} s",
                   "TooManyRequests", {"Retry-After": retry})


#: page-API writes that change no sandbox's journal (the share token, a fork, which journals the copy)
_NOT_JOURNALLED = re.compile(r"/api/sandboxes/[^/]+/(share|fork)$")


def guard_request() -> Response | None:
    path = request.path
    k8s = path.startswith("/k8s/")
    if not (k8s or path.startswith("/api/")):
        return None
    limits: Limits = current_app.config["LIMITS"]
    wait = current_app.extensions["kubeplay.rate"].take(client_address())
    if wait:
        return _too_many(k8s, wait)
    writes = request.method not in ("GET", "HEAD", "OPTIONS")
    if writes:
        site = request.headers.get("Sec-Fetch-Site")
        if site is not None and site not in ("same-origin", "none"):
            return _refuse(k8s, 403, f"a write from another site ({site}) is refused: this server takes "
                           "its page's own requests and API clients'", "Forbidden")
    if _has_body():
        most = current_app.config["MAX_CONTENT_LENGTH"]
        if request.content_length and request.content_length > most:  # a chunked body's too (``Guard``)
            abort(413, description=f"request body too large: the limit is {most} bytes")
        body = request.get_data(cache=True)
        media = _media()
        if not k8s and writes and media not in ("application/json", ""):
            return _refuse(False, 415, f"the request body must be JSON, sent with Content-Type: application/json "
                           f"(not {media or 'none'})", "UnsupportedMediaType")
        if (not k8s or media in K8S_BODY_TYPES) and json_too_deep(body):
            return _refuse(k8s, 400, f"error decoding json: exceeded max depth of {MAX_DEPTH}", "BadRequest")
    if writes and limits.max_journal_ops and not _NOT_JOURNALLED.match(path):
        sandbox_id = (request.view_args or {}).get("sandbox_id")
        sandbox = current_app.extensions["kubeplay.sandboxes"].get(sandbox_id) if sandbox_id else None
        if sandbox is not None and len(sandbox.op_times) >= limits.max_journal_ops:
            return _refuse(k8s, 429, f"this sandbox's journal holds its limit of {limits.max_journal_ops} operations: "
                           "it can still be read, forked or exported, not changed", "TooManyRequests")
    return None


def install(app: Flask, limits: Limits) -> None:
    """The guard as the app's first ``before_request`` (before every blueprint's), the rate limiter
    in ``app.extensions``, Werkzeug's ``ProxyFix`` when proxies are trusted, and ``Guard`` outermost."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.config["LIMITS"] = limits
    app.extensions["kubeplay.rate"] = RateLimiter(limits.rate, limits.burst)
    app.before_request_funcs.setdefault(None, []).insert(0, guard_request)
    if limits.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=limits.trusted_proxies)  # type: ignore[method-assign]
    app.wsgi_app = Guard(app.wsgi_app, app.config["MAX_CONTENT_LENGTH"])  # type: ignore[method-assign]
