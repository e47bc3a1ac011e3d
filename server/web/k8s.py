"""Each sandbox served through the Kubernetes REST API, under ``/k8s/<sandbox-id>``.

Owns the HTTP side only: routes (discovery ``/version``, ``/api``, ``/apis``, ``/api/v1``,
``/apis/<g>/<v>``, ``/openapi/v2``, ``/openapi/v3``, and every resource path), content negotiation
(aggregated discovery when the Accept header asks ``as=APIGroupDiscoveryList``, Tables for
``as=Table``), streaming (``?watch=true`` as newline-delimited JSON events from the store's watch
log; ``pods/log?follow=true``), the kubeconfig a client needs (``GET
/api/sandboxes/<id>/kubeconfig``), and *time*: a sandbox lives on its virtual clock while a real
client computes ages from its own, so every timestamp that goes out is shifted so that the
sandbox's virtual "now" reads as the wall-clock now of the response, and every timestamp that
comes in is shifted back before it reaches the sandbox (so the journal holds virtual times only
and replays exactly).

The sandbox id in the URL is the secret that grants access, as for the rest of ``/api``.

Who a request is and what it may do: the workstation's admin, or whom its ``Impersonate-User``/``-Group``/
``-Uid`` headers name (``apiserver.impersonation``); every request, on every path, is authorized for that
user before it is routed (``server.sim.authorization``: a denial is the apiserver's 403 Status, and a
denied request is not journalled), and a Role or binding it writes passes the RBAC escalation check
(``apiserver.escalation``). The review endpoints (``kubectl auth can-i``/``whoami``) are answered for
that user, without the journal (they change nothing). An allowed write is journalled as the request
and replayed as it was answered.

Hands off: what a request means, and every answer, to ``server.apiserver`` (framework-free);
writes through ``Sandbox.rest`` (the one door: journalled, replayed, streamed to the page);
documents to ``server.sim.discovery`` and ``server.sim.openapi``.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count
from typing import Any

from flask import Blueprint, Response, current_app, g, has_request_context, request
from werkzeug.exceptions import HTTPException

from .. import apiserver
from ..sandbox import Sandbox
from ..sim import authorization, authz, discovery, logs
from ..sim.api import ApiError
from ..sim.clock import parse_time
from . import metrics_api

bp = Blueprint("k8s", __name__, url_prefix="/k8s/<sandbox_id>")

AGGREGATED = "apidiscovery.k8s.io"
#: how long (wall seconds) a watch waits for a change before it looks again (and writes a
#: BOOKMARK when the client allows them); a watch never holds the sandbox lock while it waits
WATCH_POLL = 1.0
BOOKMARK_EVERY = 10.0
_watch_ids = count(1)


# -- helpers -----------------------------------------------------------------------------------
def _json(body: Any, code: int = 200, content_type: str = "application/json", headers: dict | None = None) -> Response:
    return Response(json.dumps(body, separators=(",", ":"), ensure_ascii=False) + "\n", status=code,
                    content_type=content_type, headers=headers)


def _status(e: ApiError) -> Response:
    answer = apiserver.status_error(e)
    return _json(answer.body, answer.code)


def http_error(e: HTTPException) -> Response:
    """Flask's own refusals under /k8s (no route, wrong method, body too large) as a Status."""
    reasons = {404: "NotFound", 405: "MethodNotAllowed", 413: "RequestEntityTooLarge", 400: "BadRequest"}
    messages = {404: "the server could not find the requested resource",
                405: "the server does not allow this method on the requested resource",
                413: "Request entity too large: limit is 3145728"}
    code = e.code or 500
    return _status(ApiError(code, reasons.get(code, "BadRequest"), messages.get(code, e.description or e.name)))


def conflict(message: str) -> Response:
    """A write this worker could not keep (its copy of the sandbox was stale) as a 409 Status."""
    return _status(ApiError(409, "Conflict", message))


def unavailable(message: str) -> Response:
    """A sandbox set aside (its journal cannot be restored) as the apiserver's 503 Status."""
    return _status(ApiError(503, "ServiceUnavailable", message))


def internal_error(e: Exception) -> Response:
    return _status(ApiError(500, "InternalError", f"Internal error occurred: {type(e).__name__}: {e}"))


@bp.before_request
def _known_sandbox() -> Response | None:
    """Every path under /k8s/<id> names a sandbox: an unknown one is the apiserver's 404 Status."""
    sandbox_id = (request.view_args or {}).get("sandbox_id", "")
    return _no_sandbox(sandbox_id) if _sandbox(sandbox_id) is None else None


@bp.before_request
def authorize_request() -> Response | None:
    """The apiserver's filters in their order, before any route: impersonation (the requester is the
    workstation's admin, whom the kubeconfig's credentials authenticate; ``Impersonate-*`` headers make
    the request act as someone else once the admin may impersonate them, which it may), then
    authorization of the request as that user — every path, resource or not (``/version``, ``/api``
    and ``/openapi`` are granted by system:discovery and system:public-info-viewer), a denial the 403
    Status. The user is kept in ``g.k8s_user`` for the reviews, which are answered for it. Any blueprint
    under ``/k8s/<sandbox_id>`` registers it as its own ``before_request``."""
    sandbox_id = (request.view_args or {}).get("sandbox_id", "")
    sandbox = _sandbox(sandbox_id)
    if sandbox is None:
        return None  # _known_sandbox has answered
    path = request.path.removeprefix(f"/k8s/{sandbox_id}") or "/"
    attrs = authorization.request_attributes(request.method, path, _query())
    try:
        with sandbox.lock:
            user = apiserver.impersonation(sandbox.cluster, authz.ADMIN, _header_lines())
            authorization.check(sandbox.cluster.store, user, attrs)
    except ApiError as e:
        return _status(e)
    g.k8s_user = user
    return None


def _sandbox(sandbox_id: str) -> Sandbox | None:
    return current_app.extensions["kubeplay.sandboxes"].get(sandbox_id)


def _hub():  # noqa: ANN202
    return current_app.extensions["kubeplay.hub"]


def _no_sandbox(sandbox_id: str) -> Response:
    return _status(ApiError(404, "NotFound", f'sandbox "{sandbox_id}" not found'))


def _query() -> dict[str, str]:
    return {k: v for k, v in request.args.items()}


def _accepts(group: str) -> bool:
    """Whether the Accept header lists a media type with ``g=<group>`` (before a plain JSON one)."""
    for part in (request.headers.get("Accept") or "").split(","):
        params = dict(p.strip().partition("=")[::2] for p in part.split(";")[1:])
        if params.get("g") == group and params.get("v") == "v2":
            return True
    return False


# -- time: the sandbox's virtual now is the wall-clock now of each response --------------------
#: how far (whole seconds) a write's offset may lag the current one (see ``_offset``)
OFFSET_DRIFT = 2
#: clients (commands) whose last offsets are kept (the least recently used go first)
OFFSET_CONNECTIONS = 1024
_offsets: OrderedDict[tuple, float] = OrderedDict()
_offsets_lock = threading.Lock()


def _client() -> tuple | None:
    """Who sent the request being served, as one command: the ``Kubectl-Session`` header kubectl
    sends on every request of one invocation (a UUID, with ``Kubectl-Command``), else the client
    connection (its remote address and port); None outside a request."""
    if not has_request_context():
        return None
    session = request.headers.get("Kubectl-Session")
    if session:
        return ("session", session)
    env = request.environ
    return env.get("REMOTE_ADDR"), env.get("REMOTE_PORT")


def _offset(sandbox: Sandbox, *, write: bool = False) -> float:
    """Seconds to add to a virtual timestamp to read it on the wall clock: whole seconds (so a
    timestamp keeps its second-precision form), and the difference of the two clocks' whole
    seconds, so that the age a client truncates from its own now equals the terminal's
    ``int(virtual now − t)`` (rounding the difference instead reads a second short half the time).

    That difference moves by a second whenever the wall clock passes a second the virtual clock
    does not (always while the clock is paused, within each second while it runs), so taken per
    response an object's ``creationTimestamp`` could read a second apart in a read and the write
    that follows it: ``kubectl diff`` (a GET, then a dry-run PATCH) showed every time changed, and
    a time sent back in a PUT was shifted home by another offset than it was shifted out with. So
    a write (``write``) takes the offset of the request before it from the same command
    (``_client``: kubectl's session header, as ``diff`` sends its GET and its PATCH on two
    connections) while that lags the current difference by at most ``OFFSET_DRIFT`` seconds (never
    one above it: a time would read in the client's future, an age of ``<invalid>``). A read takes the current difference, so the ages a command prints
    from its last answers (``describe`` reads the events last) are those of its clock then."""
    now = float(math.floor(time.time()) - math.floor(sandbox.cluster.clock.now()))
    client = _client()
    if client is None:
        return now
    key = (sandbox.id, *client)
    with _offsets_lock:
        kept = _offsets.get(key)
        offset = kept if write and kept is not None and 0 <= now - kept <= OFFSET_DRIFT else now
        _offsets[key] = offset
        _offsets.move_to_end(key)
        if len(_offsets) > OFFSET_CONNECTIONS:
            _offsets.popitem(last=False)
    return offset


def _fmt(t: float, micro: bool) -> str:
    dt = datetime.fromtimestamp(t, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def shift_times(doc: Any, offset: float) -> Any:
    """A copy of ``doc`` with every meta/v1 Time and MicroTime moved by ``offset`` seconds (the
    fields the v1.32 OpenAPI declares as such, found by name; values that are not RFC 3339 are
    left alone)."""
    if not offset:
        return doc
    from ..sim import openapi

    names = openapi.time_field_names()

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if k in names and isinstance(v, str) and len(v) >= 20 and v[4] == "-" and v.endswith("Z"):
                    try:
                        t = parse_time(v)
                    except ValueError:
                        out[k] = v
                        continue
                    out[k] = _fmt(t + offset, "." in v) if t is not None else v
                else:
                    out[k] = walk(v)
            return out
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return walk(doc)


# -- discovery and OpenAPI -----------------------------------------------------------------------
@bp.get("/version")
@bp.get("/version/")
def version(sandbox_id: str) -> Response:
    return _json(discovery.version_info())


def _aggregated(legacy: bool) -> Response:
    """The aggregated discovery list, with the ETag the apiserver computes (a client that sends it
    back in If-None-Match gets 304 and keeps its cache)."""
    doc = discovery.aggregated_discovery(legacy)
    if not legacy and _metrics_listed():
        doc["items"].append(metrics_api.aggregated_item())  # its APIService's priority: after every built-in
    etag = f'"{discovery.aggregated_etag(doc)}"'
    headers = {"Vary": "Accept", "ETag": etag, "Cache-Control": "public"}
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers=headers)
    return _json(doc, content_type=discovery.AGGREGATED_V2, headers=headers)


@bp.get("/api")
@bp.get("/api/")
def api_root(sandbox_id: str) -> Response:
    if _accepts(AGGREGATED):
        return _aggregated(legacy=True)
    return _json(discovery.api_versions(request.host), headers={"Vary": "Accept"})


@bp.get("/apis")
@bp.get("/apis/")
def apis_root(sandbox_id: str) -> Response:
    if _accepts(AGGREGATED):
        return _aggregated(legacy=False)
    doc = discovery.api_group_list()
    if _metrics_listed():
        group = metrics_api.api_group()
        doc["groups"].append({k: group[k] for k in ("name", "versions", "preferredVersion")})
    return _json(doc, headers={"Vary": "Accept"})


def _metrics_listed() -> bool:
    """Whether the aggregator lists metrics.k8s.io: while the add-on's APIService exists."""
    sandbox = _sandbox((request.view_args or {}).get("sandbox_id", ""))
    assert sandbox is not None  # _known_sandbox answered for unknown ones
    with sandbox.lock:
        return metrics_api.listed(sandbox.cluster)


@bp.get("/apis/<group>")
@bp.get("/apis/<group>/")
def api_group(sandbox_id: str, group: str) -> Response:
    doc = discovery.api_group(group)
    if group == metrics_api.GROUP and _metrics_listed():
        doc = metrics_api.api_group()
    if doc is None:
        return _status(ApiError(404, "NotFound", "the server could not find the requested resource"))
    return _json(doc)


def _resource_list(sandbox_id: str, group: str, version: str) -> Response:
    doc = discovery.api_resource_list(group, version)
    if (group, version) == (metrics_api.GROUP, metrics_api.VERSION) and _metrics_listed():
        doc = metrics_api.resource_list()
    if doc is None:
        return _status(ApiError(404, "NotFound", "the server could not find the requested resource"))
    return _json(doc)


@bp.get("/openapi/v2")
def openapi_v2(sandbox_id: str) -> Response:
    from ..sim import openapi

    media = _v2_media(request.headers.get("Accept") or "")
    if media is None:
        return _status(ApiError(406, "NotAcceptable", "only application/json and "
                                f"{openapi.V2_PROTOBUF} are served"))
    etag = '"' + openapi.v2_etag() + '"'  # kube-openapi: the JSON's ETag for either encoding
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers={"ETag": etag})
    if media == "protobuf":
        return Response(openapi.v2_protobuf(), content_type=openapi.V2_PROTOBUF, headers={"ETag": etag})
    return Response(openapi.v2_document(), content_type="application/json", headers={"ETag": etag})


#: the protobuf media types kube-openapi's /openapi/v2 handler accepts (the ``@`` one is deprecated:
#: what kubectl v1.32 still asks for)
_V2_PROTOBUF_TYPES = ("application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
                      "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")


def _v2_media(accept: str) -> str | None:
    """``json`` or ``protobuf``, the first the Accept header lists that /openapi/v2 serves (no
    header: JSON); None when it lists neither."""
    for part in accept.split(",") if accept.strip() else ["*/*"]:
        media = part.split(";")[0].strip().lower()
        if media in _V2_PROTOBUF_TYPES:
            return "protobuf"
        if media in ("application/json", "application/*", "*/*"):
            return "json"
    return None


@bp.get("/openapi/v3")
@bp.get("/openapi/v3/")
def openapi_v3_index(sandbox_id: str) -> Response:
    from ..sim import openapi

    # serverRelativeURL replaces the whole path of the client's server URL, so it carries our prefix
    prefix = request.script_root + f"/k8s/{sandbox_id}"
    return _json({"paths": {p: {"serverRelativeURL": f"{prefix}/openapi/v3/{p}?hash={h}"}
                            for p, h in openapi.v3_paths().items()}})


@bp.get("/openapi/v3/<path:gv>")
def openapi_v3(sandbox_id: str, gv: str) -> Response:
    from ..sim import openapi

    doc = openapi.v3_document(gv)
    if doc is None:
        return _status(ApiError(404, "NotFound", "the server could not find the requested resource"))
    h = openapi.v3_paths().get(gv, "")
    headers = {"ETag": f'"{h}"'}
    if request.args.get("hash") == h:
        headers["Cache-Control"] = "public, immutable"
    else:
        headers["Cache-Control"] = "no-cache, private"
    return Response(doc, content_type="application/json", headers=headers)


# -- resources -------------------------------------------------------------------------------------
@bp.route("/api/v1", methods=["GET"])
@bp.route("/api/v1/", methods=["GET"])
def core_resources(sandbox_id: str) -> Response:
    return _resource_list(sandbox_id, "", "v1")


@bp.route("/apis/<group>/<version>", methods=["GET"])
@bp.route("/apis/<group>/<version>/", methods=["GET"])
def group_resources(sandbox_id: str, group: str, version: str) -> Response:
    return _resource_list(sandbox_id, group, version)


METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.route("/api/v1/<path:rest>", methods=METHODS)
def core(sandbox_id: str, rest: str) -> Response:
    return _serve(sandbox_id, "", "v1", rest)


@bp.route("/apis/<group>/<version>/<path:rest>", methods=METHODS)
def grouped(sandbox_id: str, group: str, version: str, rest: str) -> Response:
    if (group, version) == (metrics_api.GROUP, metrics_api.VERSION):
        return _metrics(sandbox_id, rest)
    return _serve(sandbox_id, group, version, rest)


def _metrics(sandbox_id: str, rest: str) -> Response:
    """``/apis/metrics.k8s.io/v1beta1/…``: what the aggregator proxies to metrics-server, answered by
    ``metrics_api`` under the sandbox lock; JSON shifted to the client's clock, the 503's text as text."""
    sandbox = _sandbox(sandbox_id)
    assert sandbox is not None
    with sandbox.lock:
        offset = _offset(sandbox)
        code, body = metrics_api.answer(sandbox.cluster, request.method, [s for s in rest.split("/") if s], _query())
    if isinstance(body, str):
        return Response(body, status=code, content_type="text/plain; charset=utf-8")
    return _json(shift_times(body, offset), code)


def _serve(sandbox_id: str, group: str, version: str, rest: str) -> Response:
    sandbox = _sandbox(sandbox_id)
    assert sandbox is not None  # _known_sandbox answered for unknown ones
    query = _query()
    try:
        req = apiserver.resolve(request.method, group, version, [s for s in rest.split("/") if s], query)
    except ApiError as e:
        return _status(e)
    user: authz.UserInfo = g.k8s_user  # impersonated and authorized (authorize_request)
    if not req.resource.stored:
        return _review(sandbox, req, user)
    if req.verb == "watch":
        return _watch(sandbox, req)
    if req.verb in ("get", "list"):
        if req.subresource == "log" and query.get("follow") == "true":
            return _follow_log(sandbox, req)
        with sandbox.lock:
            offset = _offset(sandbox)
            answer = apiserver.read(sandbox.cluster, req, request.headers.get("Accept") or "", offset)
        return _answer(answer, offset)
    raw = request.get_data(cache=False)
    content_type = _content_type()
    from . import protobuf  # the body lines are this module's only use of it

    if content_type.split(";")[0].strip().lower() == protobuf.CONTENT_TYPE and protobuf.available():
        sub = {"scale": ("autoscaling/v1", "Scale"), "eviction": ("policy/v1", "Eviction"),
               "binding": ("v1", "Binding"), "token": ("authentication.k8s.io/v1", "TokenRequest")}
        endpoint = sub.get(req.subresource, (req.resource.api_version, req.resource.kind))
        try:  # a typed client-go client's body: the JSON it would have sent instead
            raw, content_type = protobuf.to_json_text(raw, endpoint).encode(), "application/json"
        except protobuf.ProtobufError as e:  # handlers/rest.go transformDecodeError's words
            return _status(ApiError(400, "BadRequest", (
                f'{e.kind} in version "{e.version}" cannot be handled as a {endpoint[1]}: {e}' if e.kind else
                f"the object provided is unrecognized (must be of type {endpoint[1]}): {e} "
                f"({protobuf.summarize(raw)})")))
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        if content_type.split(";")[0].strip().lower() == protobuf.CONTENT_TYPE:
            body = ""  # a protobuf body this server cannot read: the handler answers 415 for its media type
        else:
            return _status(ApiError(400, "BadRequest", "the request body is not valid UTF-8"))
    with sandbox.lock:
        body = _unshift_body(body, content_type, _offset(sandbox, write=True))
        # the RBAC registry's escalation check is the requesting user's: refused, nothing is journalled
        refused = apiserver.escalation(sandbox.cluster, req, body, content_type, user)
        if refused is not None:
            return _answer(refused, 0.0)
        answer = sandbox.rest(request.method, group, version, rest, query, body, content_type,
                              request.headers.get("User-Agent") or "")
        offset = _offset(sandbox, write=True)
    _hub().pump(sandbox)
    return _answer(answer, offset)


def _header_lines() -> list[tuple[str, str]]:
    """The request's header lines one by one, as the client sent them: a WSGI environ joins repeated
    headers with commas (``Impersonate-Group: a`` twice reads ``a,a``), so eventlet's raw headers
    are read when it keeps them, and otherwise a joined Impersonate-Group is split at its commas."""
    raw = request.environ.get("headers_raw")
    if raw is not None:
        return [(str(k), str(v)) for k, v in raw]
    out: list[tuple[str, str]] = []
    for k, v in request.headers.items():
        if k.lower() == apiserver.IMPERSONATE_GROUP.lower():
            out.extend((k, g) for g in v.split(","))
        else:
            out.append((k, v))
    return out


def _review(sandbox: Sandbox, req: apiserver.Request, user: authz.UserInfo) -> Response:
    """A review (``auth can-i``, ``auth whoami``): computed from the store for the request's user,
    nothing written, so it is answered under the lock without the journal (a replay has nothing to redo)."""
    from . import protobuf, review_proto

    raw = request.get_data(cache=False)
    content_type = _content_type()
    if content_type.split(";")[0].strip().lower() == protobuf.CONTENT_TYPE:
        endpoint = (req.resource.api_version, req.resource.kind)
        try:
            raw, content_type = review_proto.to_json_text(raw, endpoint).encode(), "application/json"
        except protobuf.ProtobufError as e:
            return _status(ApiError(400, "BadRequest", f'{endpoint[1]} in version "v1" cannot be handled as a '
                                    f"{endpoint[1]}: {e}"))
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _status(ApiError(400, "BadRequest", "the request body is not valid UTF-8"))
    with sandbox.lock:
        answer = apiserver.review(sandbox.cluster, req, body, content_type, user)
    return _answer(answer, 0.0)


def _content_type() -> str:
    """The Content-Type the client sent, "" for none (which the apiserver reads as JSON).
    eventlet's server fills a missing one in as text/plain, so ask the headers it received."""
    raw = request.environ.get("headers_raw")
    if raw is not None and not any(k.lower() == "content-type" for k, _ in raw):
        return ""
    return request.headers.get("Content-Type") or ""


def _unshift_body(body: str, content_type: str, offset: float) -> str:
    """Timestamps a client sends back (an edited object, a status) in virtual time again."""
    if not body.strip() or ("json" not in content_type and content_type) or not offset:
        return body
    try:
        doc = json.loads(body)
    except ValueError:
        return body  # the apiserver answers the decoding error
    return json.dumps(shift_times(doc, -offset), separators=(",", ":"), ensure_ascii=False)


def _answer(answer: apiserver.Answer, offset: float) -> Response:
    if isinstance(answer.body, bytes):
        return Response(answer.body, status=answer.code, content_type=answer.content_type, headers=answer.headers)
    return _json(shift_times(answer.body, offset), answer.code, headers=answer.headers)


# -- streams -----------------------------------------------------------------------------------
class _Stream:
    """An open watch or log stream: wakes on the sandbox's changes, keeps its clock running."""

    def __init__(self, sandbox: Sandbox, hub) -> None:  # noqa: ANN001 — live.Hub
        self.sandbox = sandbox
        self.hub = hub
        self.key = f"k8s-watch-{next(_watch_ids)}"
        self.changed = threading.Event()

    def open(self) -> _Stream:
        self.sandbox.open_stream(self.changed)
        self.hub.hold(self.sandbox, self.key)
        return self

    def close(self) -> None:
        self.sandbox.close_stream(self.changed)
        self.hub.release(self.sandbox, self.key)

    def wait(self, timeout: float) -> None:
        self.changed.wait(timeout)
        self.changed.clear()


def _watch(sandbox: Sandbox, req: apiserver.Request) -> Response:
    accept = request.headers.get("Accept") or ""
    as_table = apiserver.wants_table(accept)
    bookmarks = req.query.get("allowWatchBookmarks") == "true"
    timeout = req.query.get("timeoutSeconds")
    with sandbox.lock:
        cluster = sandbox.cluster
        store = cluster.store
        try:
            match = apiserver.watch_filter(req)
            rv_text = req.query.get("resourceVersion") or ""
            initial: list = []
            if rv_text in ("", "0") or req.query.get("sendInitialEvents") == "true":
                # "any" / "not older than": the current state first, as synthetic ADDED events
                objs, _ = apiserver.list_objects(cluster, apiserver.Request("list", req.resource, req.namespace,
                                                                             query={k: v for k, v in req.query.items()
                                                                                    if k in ("labelSelector",
                                                                                             "fieldSelector")}))
                if req.name:
                    objs = [o for o in objs if o["metadata"]["name"] == req.name]
                initial = objs
                since = store.rv
            else:
                try:
                    since = int(rv_text)
                except ValueError:
                    raise ApiError(400, "BadRequest", f'invalid resource version "{rv_text}"') from None
                if store.events_since(since) is None:
                    oldest = store.log[0].rv - 1 if store.log else store.rv
                    raise ApiError(410, "Expired", f"too old resource version: {since} ({oldest})")
            if as_table and req.query.get("includeObject") not in (None, "", "None", "Metadata", "Object"):
                apiserver.table(cluster, req, [])  # raises the apiserver's BadRequest
        except ApiError as e:
            return _status(e)
    stream = _Stream(sandbox, _hub()).open()
    deadline = time.monotonic() + float(timeout) if timeout and timeout.isdigit() else None

    def encode(type_: str, obj: dict, first: list[bool]) -> str:
        if as_table:
            body = apiserver.table(cluster, req, [obj])
            if not first[0]:
                body["columnDefinitions"] = None
            first[0] = False
            body["metadata"] = {"resourceVersion": obj["metadata"].get("resourceVersion", "")}
        else:
            body = apiserver.served(req, obj)
        return json.dumps({"type": type_, "object": shift_times(body, _offset(sandbox))},
                          separators=(",", ":"), ensure_ascii=False) + "\n"

    def events() -> Iterator[str]:
        nonlocal since
        first = [True]
        idle = time.monotonic()
        try:
            # the headers go out at once, as the apiserver flushes them when a watch starts (else a
            # client waits for the first event: `kubectl wait` on a condition that already holds took
            # the 10 s to the first bookmark); a space is whitespace to Go's JSON decoder and to the
            # Python client's line reader, where an empty line would read as an event
            yield " "
            with sandbox.lock:
                lines = [encode("ADDED", o, first) for o in initial]
                if req.query.get("sendInitialEvents") == "true" and bookmarks:
                    lines.append(_bookmark(req, store.rv, initial_end=True))
            yield from lines
            while deadline is None or time.monotonic() < deadline:
                stream.wait(WATCH_POLL)
                with sandbox.lock:
                    evs = store.events_since(since)
                    if evs is None:
                        lines = [json.dumps(apiserver.gone(since, store.log[0].rv - 1 if store.log else store.rv)) + "\n"]
                    else:
                        lines = [encode(ev.type, ev.obj, first) for ev in evs if match(ev.obj)]
                        # from the events themselves: whatever happened since is the next batch
                        since = evs[-1].rv if evs else since
                if evs is None:
                    yield from lines
                    return
                if lines:
                    idle = time.monotonic()
                    yield "".join(lines)
                elif bookmarks and time.monotonic() - idle > BOOKMARK_EVERY:
                    idle = time.monotonic()
                    yield _bookmark(req, since)
        finally:
            stream.close()

    response = Response((chunk.encode() for chunk in events()), content_type="application/json",
                        direct_passthrough=True)
    response.call_on_close(stream.close)
    return response


def _bookmark(req: apiserver.Request, rv: int, initial_end: bool = False) -> str:
    meta: dict = {"resourceVersion": str(rv)}
    if initial_end:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    obj = {"kind": req.resource.kind, "apiVersion": req.resource.api_version, "metadata": meta}
    return json.dumps({"type": "BOOKMARK", "object": obj}, separators=(",", ":")) + "\n"


def _follow_log(sandbox: Sandbox, req: apiserver.Request) -> Response:
    """``pods/log?follow=true``: what the container wrote so far (as the options ask), then each
    new line as it comes, until the container stops (or the client goes away)."""
    with sandbox.lock:
        offset = _offset(sandbox)
        try:
            pod = apiserver.get_object(sandbox.cluster, req)
            opts = apiserver.log_options(sandbox.cluster, req, offset)
            entries = apiserver.log_entries(sandbox.cluster, req, pod)
        except ApiError as e:
            return _status(e)
    stream = _Stream(sandbox, _hub()).open()
    # the lines that come later are all sent, stamped as the first ones are
    later = logs.LogOptions(timestamps=opts.timestamps)

    with sandbox.lock:
        follow = logs.Follow(sandbox.cluster, pod, _log_container(pod, req), req.query.get("previous") == "true",
                             sent=len(entries))

    def chunks() -> Iterator[str]:
        try:
            yield "".join(logs.render(entries, opts, offset))
            while True:
                stream.wait(WATCH_POLL)
                with sandbox.lock:
                    new, ended = follow.poll()
                    shift = _offset(sandbox)
                if new:
                    yield "".join(logs.render(new, later, shift))
                if ended:
                    return
        finally:
            stream.close()

    response = Response((chunk.encode() for chunk in chunks()), content_type="text/plain",
                        direct_passthrough=True)
    response.call_on_close(stream.close)
    return response


def _log_container(pod: dict, req: apiserver.Request) -> str:
    """The container a log request reads: the one named, or the pod's only one (``log_entries``
    has refused a request that names none for a pod of several)."""
    return req.query.get("container") or ((pod.get("spec") or {}).get("containers") or [{}])[0].get("name", "")
