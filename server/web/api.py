"""The HTTP API under ``/api/sandboxes``: translates requests into sandbox operations, and nothing more.

Endpoints (JSON in, JSON out; errors are ``{"error": message}`` with a 4xx status, plus ``field``
when a request field is missing or wrong):
- ``POST /api/sandboxes`` ``{"preset"?}`` → 201 ``{"id", "preset"}``: a fresh cluster of that preset
  (``kubeadm``, the default, ``minikube`` or ``kind``: server/sim/presets.py); ``GET …/<id>`` → ``{"id", "preset",
  "readOnly", "maxNodes", "pageNodes"}`` (the most nodes it runs, and the most the page's "Add node" adds);
- ``GET …/<id>/history`` → ``{"history"}``: the lines the workstation's ``history`` prints;
- ``POST …/<id>/share`` → ``{"token"}``: a read-only name of the sandbox; every ``GET`` below takes it
  in place of ``<id>``, every write answers 403; ``POST …/<id or token>/fork`` ``{"at"?}`` → 201
  ``{"id", "preset"}``: a copy replayed from the journal up to now (or up to the moment ``at`` of its
  timeline: ``timeline.py``); ``GET …/<id>/export`` → the journal as a file (``{"kind",
  "version", "seed", "start", "preset", "ops"}``) and ``POST /api/sandboxes/import`` (that file) → 201
  ``{"id", "preset"}``, or 400 with ``field`` naming what is wrong;
- ``POST …/<id>/run`` ``{"command", "stdin"?, "session"?}`` → ``{"output", "exitCode"}``: the line
  runs in the workstation's shell (kubectl, curl, ping, …), or in the pod shell of ``session``;
  the answer gains ``"session": {"id", "prompt", …}`` when a ``kubectl run -it``/``exec -it`` opens
  one (and while it stays open), ``"session": null`` when it ends (``exit``, its pod went away);
  a command that keeps printing (``get -w``, ``logs -f``, ``rollout status``) runs the clock
  ``"watchSeconds"`` simulated seconds and answers all it printed, or, with ``"follow": <the page's
  socket id>``, answers ``"stream": {"id"}`` and goes on over Socket.IO (``live``'s ``stream``);
- ``POST …/<id>/streams/<stream>/stop`` → ``{"output", "exitCode": 130}``: Ctrl-C for a followed command;
  ``kubectl edit`` answers ``"edit": {"id", "file", "text"}``: the file kubectl would hand ``$EDITOR``,
  which the page opens in its editor; ``POST …/<id>/edits/<edit>`` ``{"text"}`` (the text saved, the
  text as opened to cancel) → ``{"output", "exitCode", "edit"?}`` (``edit`` again: it re-opens);
- ``POST …/<id>/apply`` ``{"manifest"}`` → ``{"results": [{"line", "endLine", "ok", "output",
  "exitCode"}], "output", "exitCode"}`` (``kubectl apply -f -`` per document; ``line`` is where
  the editor should mark the document or the YAML error);
- ``POST …/<id>/clock`` ``{"advance": s}`` | ``{"speed": n}`` | ``{"paused": b}`` → the clock's state;
- ``POST …/<id>/nodes/<name>/fail`` and ``/recover`` → 200, or 404 for no such node;
- ``POST …/<id>/nodes`` ``{"name"?}`` → 201 ``{"node"}``: a worker joins (the first free ``nodeN``
  without a name); 400 for a name that is no DNS-1123 subdomain, 409 when it exists;
- ``DELETE …/<id>/nodes/<name>`` → 200 (the Node is deleted and its machine gone; PodGC
  force-deletes its pods later), 404 for no such node, 409 for the control plane;
- ``POST …/<id>/pods/<ns>/<name>/containers/<c>/kill`` → 200, or 404;
- ``GET …/<id>/pods/<ns>/<name>/health`` → ``{"containers": {c: "healthy"|"unhealthy"|"slow"}}`` and
  ``POST …/containers/<c>/health`` ``{"health"}`` → the same after the change: what a running
  container's app answers its probes (404 for no such pod/container, 409 when it is not running);
- ``GET …/<id>/images?ref=<image>`` → ``{"ref", "known", "note"}`` (kubeplay's note when the simulated
  registry has no such image); ``POST …/<id>/images`` ``{"kind": "Image", "name", "tag"?, "ports"?,
  "answer"?, "logs"?}`` → 201 ``{"image"}``: a user's image published to the registry;
- ``GET …/<id>/objects`` → ``{"rv", "objects", "clock"}`` (every object, Leases and Events too);
- ``GET …/<id>/examples`` → ``{"examples": [{"path", "text"}]}``;
- the page's inspector, read-only (nothing journalled; kubectl's own verbs, so the text is the
  terminal's byte for byte): ``GET …/<id>/objects/<kind>/<ns>/<name>/yaml`` (``kubectl get -o yaml``),
  ``/describe``, ``/logs?container=&follow=<socket id>`` (``kubectl logs``; with ``follow`` it goes on
  as the terminal's ``logs -f`` does: ``"stream": {"id"}``, ``stream`` messages, ``…/streams/<id>/stop``),
  ``/events`` (``kubectl events --for kind/name``), each ``{"command", "output", "exitCode"}``
  (``<ns>`` is ``-`` for a cluster-scoped kind); ``GET …/<id>/events?for=kind/name&namespace=&last=``
  the Events timeline (``kubectl events``; every namespace without ``namespace``); with ``last=N``
  only the header and the newest N rows, as the whole table prints them, and ``"rows"``: how many
  rows the whole table has.

Bodies larger than the apiserver's 3 MiB request limit are refused with 413 from the
Content-Length header, before anything is read or parsed. Before any route, ``hygiene`` refuses a
body that is no ``application/json`` (415), nests too deep (400), a client over its request rate and
a write to a full journal (429); a new sandbox past the server's or the client's limit
(``SandboxLimit``) is a 429 too. After each change the delta emitter
(``live.Hub.pump``) sends the sandbox's watchers what changed at once, without waiting for a tick.
"""

from __future__ import annotations

import json
import math
import re

from flask import Blueprint, Response, abort, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from ..kubectl.verbs import events as kubectl_events
from ..sandbox import (
    MAX_ADVANCE,
    MAX_SPEED,
    MIN_SPEED,
    ConflictError,
    JournalError,
    NotFoundError,
    Sandbox,
    Sandboxes,
    SandboxLimit,
    TimelineError,
)
from .hygiene import client_address
from .live import Hub

bp = Blueprint("api", __name__, url_prefix="/api/sandboxes")


class FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _sandboxes() -> Sandboxes:
    return current_app.extensions["kubeplay.sandboxes"]


def _hub() -> Hub:
    return current_app.extensions["kubeplay.hub"]


def _sandbox(sandbox_id: str, *, reads: bool = False) -> Sandbox:
    """The sandbox of the URL: by its id, or by a read-only token (``…/share``) for reading only
    (``GET``, or ``reads``: a request that only reads it, as a fork does)."""
    sandbox = _sandboxes().get(sandbox_id)
    if sandbox is None:
        sandbox = _sandboxes().by_token(sandbox_id)
        if sandbox is None:
            abort(404, description=f'sandbox "{sandbox_id}" not found')
        if request.method not in ("GET", "HEAD") and not reads:
            abort(403, description=READ_ONLY)
    return sandbox


#: why a read-only link's write is refused
READ_ONLY = "this is a read-only view of the sandbox (a shared link): it cannot change it"


def _read_only(sandbox_id: str, sandbox: Sandbox) -> bool:
    """The URL named the sandbox by its read-only token, not by its id."""
    return sandbox_id != sandbox.id


def _body() -> dict:
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        abort(400, description="the request body must be a JSON object")
    return data


def _string(data: dict, field: str, *, required: bool = True) -> str:
    value = data.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise FieldError(field, f'field "{field}" is required and must be a string')
    return value


def _number(data: dict, field: str) -> float:
    value = data.get(field)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FieldError(field, f'field "{field}" must be a number')
    return float(value)


@bp.before_request
def refuse_large_bodies() -> None:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        abort(413, description=f"request body too large: the limit is {limit} bytes")


@bp.errorhandler(FieldError)
def field_error(e: FieldError) -> tuple[Response, int]:
    return jsonify(error=e.message, field=e.field), 400


@bp.errorhandler(NotFoundError)
def not_found(e: NotFoundError) -> tuple[Response, int]:
    return jsonify(error=str(e)), 404


@bp.errorhandler(ConflictError)
def conflict(e: ConflictError) -> tuple[Response, int]:
    return jsonify(error=str(e)), 409


@bp.errorhandler(SandboxLimit)
def sandbox_limit(e: SandboxLimit) -> tuple[Response, int]:
    return jsonify(error=str(e)), 429


@bp.errorhandler(NotImplementedError)
def not_implemented(e: NotImplementedError) -> tuple[Response, int]:
    return jsonify(error=str(e)), 501


def json_error(e: HTTPException) -> tuple[Response, int]:
    """Every HTTP error under /api as JSON (registered on the app, so 404 for unknown routes and
    405 are JSON too)."""
    return jsonify(error=e.description or e.name), e.code or 500


def json_conflict(message: str) -> tuple[Response, int]:
    return jsonify(error=message), 409


def unavailable(message: str) -> tuple[Response, int]:
    """A sandbox set aside (its journal cannot be restored): 503, saying why."""
    return jsonify(error=message), 503


def json_error_500(e: Exception) -> tuple[Response, int]:
    return jsonify(error=f"internal error: {type(e).__name__}: {e}"), 500


# -- endpoints ---------------------------------------------------------------------------------
@bp.post("")
def create_sandbox() -> tuple[Response, int]:
    from ..sim import presets

    data = request.get_json(force=True, silent=True) if request.get_data() else {}
    preset = data.get("preset") if isinstance(data, dict) else None
    if preset is None:
        preset = presets.DEFAULT
    if preset not in presets.PRESETS:
        raise FieldError("preset", f'field "preset" must be one of {", ".join(presets.PRESETS)}')
    sandbox = _sandboxes().create(preset=preset, client=client_address())
    return jsonify(id=sandbox.id, preset=sandbox.preset), 201


@bp.get("/<sandbox_id>")
def sandbox_info(sandbox_id: str) -> Response:
    from ..sim import presets

    sandbox = _sandbox(sandbox_id)
    caps = {"maxNodes": presets.max_nodes(sandbox.preset), "pageNodes": presets.page_nodes(sandbox.preset)}
    if _read_only(sandbox_id, sandbox):  # a read-only link never learns the id (the id can write)
        return jsonify(id=sandbox_id, preset=sandbox.preset, readOnly=True, **caps)
    return jsonify(id=sandbox.id, preset=sandbox.preset, readOnly=False, **caps)


@bp.get("/<sandbox_id>/history")
def history(sandbox_id: str) -> Response:
    """``{"history": [line, …]}``: the workstation shell's history, what ``history`` prints (the page's ↑)."""
    sandbox = _sandbox(sandbox_id)
    with sandbox.lock:
        return jsonify(history=list(sandbox.host.history))


# -- share, fork, export, import ---------------------------------------------------------------
@bp.post("/<sandbox_id>/share")
def share(sandbox_id: str) -> Response:
    """``{"token"}``: a read-only name for the sandbox (the same one each time); ``GET`` routes take it
    in place of the id, every write refuses it with 403."""
    return jsonify(token=_sandboxes().share(_sandbox(sandbox_id)))


@bp.post("/<sandbox_id>/fork")
def fork(sandbox_id: str) -> tuple[Response, int]:
    """201 ``{"id", "preset"}``: a new sandbox replayed from this one's journal up to now, or with
    ``{"at": t}`` up to that moment of its timeline (``timeline.py``; 400 naming ``at`` for a time
    outside the sandbox's, 409 past the replay bounds). A read-only token forks too (the source is
    only read), so a "copy" link need not carry the id, which writes."""
    source = _sandbox(sandbox_id, reads=True)
    data = request.get_json(force=True, silent=True) if request.get_data() else None
    at = data.get("at") if isinstance(data, dict) else None
    try:
        copy = _sandboxes().fork(source, at=at, client=client_address())
    except TimelineError as e:
        raise FieldError(e.field, e.message) from e
    return jsonify(id=copy.id, preset=copy.preset), 201


@bp.get("/<sandbox_id>/export")
def export(sandbox_id: str) -> Response:
    """The sandbox's journal as a file (``{"kind", "version", "seed", "start", "preset", "ops"}``)."""
    doc = _sandboxes().export(_sandbox(sandbox_id))
    return Response(json.dumps(doc, indent=1, sort_keys=True) + "\n", content_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="kubeplay-sandbox.json"'})


@bp.post("/import")
def import_sandbox() -> tuple[Response, int]:
    """An exported file → 201 ``{"id", "preset"}``: a new sandbox replayed from it; 400 naming the
    field that is wrong."""
    try:
        doc = json.loads(request.get_data(as_text=True))
    except ValueError as e:
        return jsonify(error=f"the file is not JSON: {e}"), 400
    try:
        sandbox = _sandboxes().import_journal(doc, client=client_address())
    except JournalError as e:
        raise FieldError(e.field, str(e)) from e
    return jsonify(id=sandbox.id, preset=sandbox.preset), 201


@bp.post("/<sandbox_id>/run")
def run(sandbox_id: str) -> Response:
    sandbox = _sandbox(sandbox_id)
    data = _body()
    session = data.get("session")
    if session is not None and not isinstance(session, str):
        raise FieldError("session", 'field "session" must be a session id (a string) or null')
    watch = None
    if data.get("watchSeconds") is not None:
        watch = _number(data, "watchSeconds")
        if not 0 <= watch <= MAX_ADVANCE:
            raise FieldError("watchSeconds", f'field "watchSeconds" must be between 0 and {MAX_ADVANCE:g}')
    follow = data.get("follow")
    if follow is not None and not isinstance(follow, str):
        raise FieldError("follow", 'field "follow" must be the id of the page\'s socket (a string)')
    result = sandbox.run(_string(data, "command"), _string(data, "stdin", required=False), session=session,
                         watch_seconds=watch, follow=follow)
    _hub().pump(sandbox)
    return jsonify(result)


@bp.post("/<sandbox_id>/edits/<edit_id>")
def finish_edit(sandbox_id: str, edit_id: str) -> Response:
    sandbox = _sandbox(sandbox_id)
    result = sandbox.finish_edit(edit_id, _string(_body(), "text"))
    _hub().pump(sandbox)
    return jsonify(result)


@bp.post("/<sandbox_id>/streams/<stream_id>/stop")
def stop_stream(sandbox_id: str, stream_id: str) -> Response:
    return jsonify(_sandbox(sandbox_id).stop_stream(stream_id))


@bp.post("/<sandbox_id>/apply")
def apply(sandbox_id: str) -> Response:
    sandbox = _sandbox(sandbox_id)
    data = _body()
    result = sandbox.apply(_string(data, "manifest"))
    _hub().pump(sandbox)
    return jsonify(result)


@bp.post("/<sandbox_id>/clock")
def clock(sandbox_id: str) -> Response:
    sandbox = _sandbox(sandbox_id)
    data = _body()
    known = [k for k in ("advance", "speed", "paused") if k in data]
    if not known:
        raise FieldError("advance", 'one of the fields "advance", "speed" or "paused" is required')
    speed = paused = None
    if "speed" in data:
        speed = _number(data, "speed")
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise FieldError("speed", f'field "speed" must be between {MIN_SPEED} and {MAX_SPEED}')
        speed = int(speed) if speed.is_integer() else speed
    if "paused" in data:
        paused = data["paused"]
        if not isinstance(paused, bool):
            raise FieldError("paused", 'field "paused" must be true or false')
    advance = None
    if "advance" in data:
        advance = _number(data, "advance")
        if not 0 <= advance <= MAX_ADVANCE:
            raise FieldError("advance", f'field "advance" must be between 0 and {MAX_ADVANCE:g} seconds')
    state = sandbox.set_clock(speed=speed, paused=paused)
    if advance:
        state = sandbox.advance(advance)
    _hub().pump(sandbox)
    return jsonify(state)


@bp.post("/<sandbox_id>/nodes/<name>/fail")
def fail_node(sandbox_id: str, name: str) -> Response:
    sandbox = _sandbox(sandbox_id)
    sandbox.fail_node(name)
    _hub().pump(sandbox)
    return jsonify(node=name, up=False)


@bp.post("/<sandbox_id>/nodes/<name>/recover")
def recover_node(sandbox_id: str, name: str) -> Response:
    sandbox = _sandbox(sandbox_id)
    sandbox.recover_node(name)
    _hub().pump(sandbox)
    return jsonify(node=name, up=True)


@bp.post("/<sandbox_id>/nodes")
def add_node(sandbox_id: str) -> tuple[Response, int]:
    sandbox = _sandbox(sandbox_id)
    # no body at all is fine too (``curl -X POST …/nodes``): the first free nodeN joins
    data = _body() if request.get_data(cache=True) else {}
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        raise FieldError("name", 'field "name" must be a string (or left out for the next free nodeN)')
    try:
        added = sandbox.add_node(name or None)
    except ValueError as e:
        raise FieldError("name", str(e)) from e
    _hub().pump(sandbox)
    return jsonify(node=added, up=True), 201


@bp.delete("/<sandbox_id>/nodes/<name>")
def remove_node(sandbox_id: str, name: str) -> Response:
    sandbox = _sandbox(sandbox_id)
    sandbox.remove_node(name)
    _hub().pump(sandbox, network=True)
    return jsonify(node=name, removed=True)


@bp.post("/<sandbox_id>/pods/<namespace>/<name>/containers/<container>/kill")
def kill_container(sandbox_id: str, namespace: str, name: str, container: str) -> Response:
    sandbox = _sandbox(sandbox_id)
    sandbox.kill_container(namespace, name, container)
    _hub().pump(sandbox)
    return jsonify(pod=name, namespace=namespace, container=container, killed=True)


@bp.get("/<sandbox_id>/pods/<namespace>/<name>/health")
def app_health(sandbox_id: str, namespace: str, name: str) -> Response:
    return jsonify(containers=_sandbox(sandbox_id).app_health(namespace, name))


@bp.post("/<sandbox_id>/pods/<namespace>/<name>/containers/<container>/health")
def set_app_health(sandbox_id: str, namespace: str, name: str, container: str) -> Response:
    """``{"health": "healthy" | "unhealthy" | "slow"}``: what the container's app answers its probes."""
    sandbox = _sandbox(sandbox_id)
    health = _string(_body(), "health")
    try:
        states = sandbox.set_app_health(namespace, name, container, health)
    except ValueError as e:
        raise FieldError("health", str(e)) from e
    _hub().pump(sandbox)
    return jsonify(containers=states)


@bp.get("/<sandbox_id>/images")
def image_info(sandbox_id: str) -> Response:
    """``?ref=<image>`` → ``{"ref", "known", "note"}``: can the simulated registry serve it."""
    sandbox = _sandbox(sandbox_id)
    ref = request.args.get("ref", "").strip()
    if not ref:
        raise FieldError("ref", 'query parameter "ref" must name an image')
    return jsonify(sandbox.image_info(ref))


@bp.post("/<sandbox_id>/images")
def add_image(sandbox_id: str) -> tuple[Response, int]:
    """A user's image (``{"kind": "Image", "name", "tag", "ports", "answer", "logs"}``) joins the registry."""
    sandbox = _sandbox(sandbox_id)
    try:
        image = sandbox.add_image(_body())
    except ValueError as e:
        field = str(e).split(":", 1)[0]
        raise FieldError(field if field in ("kind", "name", "tag", "ports", "answer", "answers", "logs", "size")
                         else "name", str(e)) from e
    return jsonify(image=image), 201


@bp.get("/<sandbox_id>/objects")
def objects(sandbox_id: str) -> Response:
    return jsonify(_sandbox(sandbox_id).objects())


@bp.get("/<sandbox_id>/kubeconfig")
def kubeconfig(sandbox_id: str) -> Response:
    """A kubeconfig for the sandbox's Kubernetes API (``/k8s/<id>``): cluster, user and context
    ``kubeplay``, namespace ``default``. The id in the server URL is the credential."""
    _sandbox(sandbox_id)
    server = request.host_url.rstrip("/") + f"/k8s/{sandbox_id}"
    text = KUBECONFIG.format(server=server)
    return Response(text, content_type="application/yaml",
                    headers={"Content-Disposition": 'attachment; filename="kubeplay.kubeconfig"'})


KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- cluster:
    server: {server}
  name: kubeplay
contexts:
- context:
    cluster: kubeplay
    namespace: default
    user: kubeplay
  name: kubeplay
current-context: kubeplay
preferences: {{}}
users:
- name: kubeplay
  user: {{}}
"""


@bp.get("/<sandbox_id>/examples")
def examples(sandbox_id: str) -> Response:
    _sandbox(sandbox_id)
    return jsonify(examples=[{"path": p, "text": t} for p, t in _sandboxes().examples.items()])


# -- network: traffic, overlay faults, the load-balancer pool ----------------------------------
#: the most requests one "send traffic" may fire (each is routed and logged in the simulation)
MAX_REQUESTS = 200


@bp.post("/<sandbox_id>/traffic")
def traffic(sandbox_id: str) -> Response:
    """``{"from": {"pod": "ns/name"} | {"node": "n"} | "outside", "to": "http://svc" | "IP:PORT",
    "count": N}`` → the requests (as the traffic log records them) and how they spread over pods."""
    sandbox = _sandbox(sandbox_id)
    data = _body()
    source = data.get("from", "outside")
    target = _string(data, "to").strip()
    if not target:
        raise FieldError("to", 'field "to" must name a service, a host or IP:PORT')
    count = data.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_REQUESTS:
        raise FieldError("count", f'field "count" must be a whole number from 1 to {MAX_REQUESTS}')
    try:
        result = sandbox.send_traffic(source, target, count)
    except ValueError as e:
        raise FieldError("from", str(e)) from e
    _hub().pump(sandbox)
    return jsonify(result)


@bp.post("/<sandbox_id>/faults/overlay")
def overlay(sandbox_id: str) -> Response:
    """``{"a": "node1", "b": "node2", "broken": bool}`` → the network state."""
    sandbox = _sandbox(sandbox_id)
    data = _body()
    a, b = _string(data, "a"), _string(data, "b")
    broken = data.get("broken")
    if not isinstance(broken, bool):
        raise FieldError("broken", 'field "broken" must be true or false')
    try:
        state = sandbox.set_overlay(a, b, broken)
    except ValueError as e:
        raise FieldError("b", str(e)) from e
    _hub().pump(sandbox, network=True)
    return jsonify(state)


@bp.post("/<sandbox_id>/lbpool")
def lbpool(sandbox_id: str) -> Response:
    """``{"enabled": bool}``: the simulated load-balancer pool (MetalLB / minikube tunnel) on or off."""
    sandbox = _sandbox(sandbox_id)
    enabled = _body().get("enabled")
    if not isinstance(enabled, bool):
        raise FieldError("enabled", 'field "enabled" must be true or false')
    state = sandbox.set_lb_pool(enabled)
    _hub().pump(sandbox, network=True)
    return jsonify(state)


@bp.get("/<sandbox_id>/addons")
def addons(sandbox_id: str) -> Response:
    """``{"addons": {name: enabled}}``: the cluster add-ons (server/sim/addons.py) and their state."""
    return jsonify(addons=_sandbox(sandbox_id).addon_states())


@bp.post("/<sandbox_id>/addons/<name>")
def addon(sandbox_id: str, name: str) -> Response:
    """``{"enabled": bool}``: switch an add-on (storage-provisioner, metrics-server, ingress) on or off."""
    sandbox = _sandbox(sandbox_id)
    enabled = _body().get("enabled")
    if not isinstance(enabled, bool):
        raise FieldError("enabled", 'field "enabled" must be true or false')
    states = sandbox.set_addon(name, enabled)
    _hub().pump(sandbox)
    return jsonify(addons=states)


@bp.get("/<sandbox_id>/network")
def network(sandbox_id: str) -> Response:
    """The network state and the traffic log's records (``?since=<id>`` for the newer ones)."""
    sandbox = _sandbox(sandbox_id)
    since = request.args.get("since", type=int)
    with sandbox.lock:
        return jsonify({**sandbox.network_state(), "traffic": sandbox.traffic_since(since)})


# -- the inspector: what the terminal's kubectl prints, read-only ------------------------------
#: a kind as kubectl takes it (``pod``, ``Pod``, ``deployment``, ``deployments.apps``); names and namespaces
#: as the apiserver allows them (DNS-1123 subdomains): nothing that could read as a flag or a second word
_KIND = re.compile(r"[A-Za-z][A-Za-z0-9]*(\.[a-z0-9-]+)*")
_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?")
#: how the inspector asks kubectl for each view of an object: the words before and after ``-n NS``
_VIEWS = {"yaml": ("get {kind} {name}", " -o yaml"), "describe": ("describe {kind} {name}", ""),
          "logs": ("logs {target}", ""), "events": ("events --for {kind}/{name}", "")}


def _checked(value: str, pattern: re.Pattern[str], field: str, what: str) -> str:
    if len(value) > 253 or not pattern.fullmatch(value):
        raise FieldError(field, f"{field} {value!r} is not {what}")
    return value


def inspector_command(view: str, kind: str, namespace: str, name: str, container: str = "",
                      follow: bool = False) -> str:
    """The kubectl line behind one inspector view of ``kind/namespace/name`` (``namespace`` ``-``: a
    cluster-scoped kind, kubeconfig's namespace as the terminal has it). Raises FieldError for a
    part kubectl would read as something else."""
    kind = _checked(kind, _KIND, "kind", "a resource kind")
    name = _checked(name, _NAME, "name", "an object name")
    head, tail = _VIEWS[view]
    target = name if kind in ("pod", "pods", "po") else f"{kind}/{name}"
    line = "kubectl " + head.format(kind=kind, name=name, target=target)
    if namespace != "-":
        line += " -n " + _checked(namespace, _NAME, "namespace", "a namespace")
    line += tail
    if view == "logs":
        if container:
            line += " -c " + _checked(container, _NAME, "container", "a container name")
        if follow:
            line += " -f"
    return line


def _read(sandbox: Sandbox, line: str, follow: str | None = None) -> dict:
    """``line`` through the terminal's kubectl (the same verbs and printers), under the sandbox's lock
    and outside its journal: reading changes nothing a replay would have to redo. With ``follow``
    (a page's socket) a command that keeps printing stays open as the terminal's streams do."""
    with sandbox.lock:
        result = sandbox._kubectl(line, "", follow=follow is not None)
        out: dict = {"command": line, "output": result.output, "exitCode": result.exit_code}
        if isinstance(result, kubectl_events.Newest):  # the Events timeline's newest rows: the whole's count
            out["rows"] = result.rows
        stream = getattr(result, "stream", None)
        if stream is not None and follow is not None and not stream.done:
            sandbox._open_terminal_stream(stream, follow, out)
        return out


@bp.get("/<sandbox_id>/objects/<kind>/<namespace>/<name>/<view>")
def inspect(sandbox_id: str, kind: str, namespace: str, name: str, view: str) -> Response:
    """One view of an object, as the terminal's kubectl prints it: ``yaml`` (``get -o yaml``),
    ``describe``, ``logs`` (``?container=``, ``?follow=<socket id>``), ``events`` (``events --for``)."""
    sandbox = _sandbox(sandbox_id)
    if view not in _VIEWS:
        abort(404, description=f'no view "{view}": one of {", ".join(_VIEWS)}')
    follow = request.args.get("follow") or None
    if view != "logs" and follow is not None:
        raise FieldError("follow", 'only the "logs" view follows')
    line = inspector_command(view, kind, namespace, name, request.args.get("container", ""), follow is not None)
    return jsonify(_read(sandbox, line, follow))


@bp.get("/<sandbox_id>/events")
def events(sandbox_id: str) -> Response:
    """The Events timeline: ``kubectl events`` of every namespace (``-A``), or of ``?namespace=``,
    ``?for=kind/name`` for one object's; ``?last=N``: the table's header and newest N rows only,
    and ``rows``, the whole table's (the page's Events region shows 300 of some 40,000 at 10,000 pods:
    the time under the sandbox's lock is then the newest rows', not the whole table's)."""
    sandbox = _sandbox(sandbox_id)
    namespace = request.args.get("namespace", "")
    line = "kubectl events " + ("-n " + _checked(namespace, _NAME, "namespace", "a namespace") if namespace else "-A")
    target = request.args.get("for", "").strip()
    if target:
        kind, _, name = target.partition("/")
        line += f" --for {_checked(kind, _KIND, 'for', 'kind/name')}/{_checked(name, _NAME, 'for', 'kind/name')}"
    last = request.args.get("last")
    if last is None:
        return jsonify(_read(sandbox, line))
    if not (last.isascii() and last.isdigit()) or not 1 <= int(last) <= 100_000:
        raise FieldError("last", f"last {last!r} is not a number of rows from 1 to 100000")
    with kubectl_events.newest(int(last)):
        answer = _read(sandbox, line)
    return jsonify({"rows": 0, **answer})
