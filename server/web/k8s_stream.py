"""``pods/exec``, ``pods/attach`` and ``pods/portforward`` of a sandbox's Kubernetes API, over
WebSocket, as the real ``kubectl exec`` / ``attach`` / ``port-forward`` (v1.32) speak them.

Owns: the routes ``/k8s/<sandbox>/api/v1/namespaces/<ns>/pods/<name>/{exec,attach,portforward}``
(more specific than ``server.web.k8s``'s catch-all, so Werkzeug picks them), the checks the
apiserver makes before it proxies the upgrade to the kubelet (pod, container, host assigned, then
"Upgrade request required"), the kubelet's "container not found" refusal, and the RemoteCommand
channel protocol (``v5.channel.k8s.io`` / ``v4.channel.k8s.io``, wsstream's binary framing: each
message starts with its channel byte — 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; v5's 255
closes a channel, ``[255, 0]`` being the client's end of stdin). The error channel carries the
process's end as the kubelet writes it (remotecommand ``ServeExec``): ``{"metadata":{},
"status":"Success"}``, or Failure with reason ``NonZeroExitCode`` and the cause ``ExitCode``, or an
``InternalError`` when the runtime could not start the program.

What runs is the sandbox's own. A command that is not an interactive shell runs as
``Sandbox.exec`` (one journalled ``exec`` operation holding the namespace, pod, container, argv,
stdin and TTY, so a replay redoes what it wrote): without a terminal its stdout and stderr go on
their own channels byte for byte (no newline added; bytes that are not UTF-8 travel as surrogate
escapes and go out as the bytes they were), the client's stdin — read to its end (v5's close of
channel 0) before the program starts — being its input; on a terminal both streams are the
terminal's (stdout, CR LF); then the Status. A lone shell without a terminal is such a command
too (it reads the whole input as its script). An interactive shell (``-it`` with a lone ``sh``) is
a ``Sandbox.sessions`` session: stdin bytes become lines here (a minimal TTY line discipline: echo,
backspace, Ctrl-C, Ctrl-U, Ctrl-D; no echo without a TTY), each line goes through
``Sandbox.run(line, session=id)``; ``exit`` (or the end of stdin) ends it.

``pods/attach`` needs a ``kubectl attach POD -c C [-i] [-t]`` verb in kubeplay's engine that opens a
session on the container's main process (``Attach(main=True)``); until it exists the attach ends
with the engine's refusal as an InternalError (kubectl run -i then falls back to the logs).

``pods/portforward``: kubectl 1.32 tunnels SPDY/3.1 through the WebSocket (subprotocol
``SPDY/3.1+portforward.k8s.io``; client-go ``TunnelingConnection``: binary messages are a plain
byte stream), which the apiserver (``util/proxy`` tunnelling) hands to the kubelet as a SPDY
connection. ``PortForward`` is that kubelet end (``cri/streaming/portforward/httpstream.go``) over
``server.web.spdy``'s framing: each local connection is an error and a data stream paired by
``requestID``; the pair is the runtime's dial of ``localhost:<port>`` in the pod's network
namespace (``Sandbox.portforward``: refused gives containerd 1.7's error text on the error stream,
which kubectl prints before it gives up with "lost connection to pod"); each HTTP/1.x request read
off the data stream is one journalled ``portforward`` operation, answered by the pod's simulated
app as from 127.0.0.1, and written back in HTTP/1.1 wire form (keep-alive honoured, chunked when
the app chunks); the client's end of the data stream or a ``Connection: close`` ends the pair.
Bytes that are not HTTP are taken and never answered (the simulated apps only speak HTTP); the
plain SPDY upgrade (kubectl's fallback when the WebSocket upgrade fails) is refused with
"Upgrade request required".

Transport: simple-websocket's ``Server`` over the WSGI server's socket (Werkzeug in threading
mode, eventlet's in eventlet mode); once the socket is closed the view returns a response that
tells the server the connection was handled (as Flask-Sock does). Nothing here imports eventlet:
in eventlet mode its ``wsgi`` module is already loaded, and found in ``sys.modules``.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import shlex
import sys
from dataclasses import dataclass, field
from typing import Any

import simple_websocket
from flask import Blueprint, Response, current_app, request

from ..sandbox import ConflictError, NotFoundError, Sandbox
from ..shell import fmt
from ..shell.pod import SHELL_WORDS, container_status
from . import spdy
from .k8s import authorize_request

log = logging.getLogger(__name__)
bp = Blueprint("k8s_stream", __name__, url_prefix="/k8s/<sandbox_id>/api/v1/namespaces/<namespace>/pods/<name>")
# the apiserver's impersonation and authorization filters run before the streams too
# (``get``/``create`` on pods/exec, pods/attach, pods/portforward as the upgrade's method says)
bp.before_request(authorize_request)

#: what the kubelet's streaming server speaks, best first (client-go's WebSocket executor asks
#: for v5 only; older clients ask v4)
PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"]
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
#: how often (wall seconds) an idle interactive stream looks whether its process still exists
IDLE_POLL = 1.0
#: how long (wall seconds) a closing stream waits for the client's answering close frame
CLOSE_WAIT = 5.0


# -- answers before the upgrade ----------------------------------------------------------------
def _status(code: int, reason: str, message: str) -> Response:
    """A refusal as the apiserver writes it (a metav1.Status, ``status: Failure``)."""
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "code": code}
    return Response(json.dumps(body, separators=(",", ":")) + "\n", status=code, content_type="application/json")


def _flag(name: str) -> bool:
    return (request.args.get(name) or "").lower() in ("true", "1")


def _container(pod: dict, wanted: str) -> tuple[str | None, Response | None]:
    """The container the request means, or the apiserver's refusal (``validateContainer`` and
    ``streamLocation`` in pkg/registry/core/pod/strategy.go)."""
    spec = pod.get("spec") or {}
    name = pod["metadata"]["name"]
    names = [c["name"] for c in spec.get("containers") or []]
    every = names + [c["name"] for c in spec.get("initContainers") or []] + \
        [c["name"] for c in spec.get("ephemeralContainers") or []]
    if not wanted:
        if len(names) == 1:
            return names[0], None
        return None, _status(400, "BadRequest", f"a container name must be specified for pod {name}, "
                                                f"choose one of: [{' '.join(names)}]")
    if wanted not in every:
        return None, _status(400, "BadRequest", f"container {wanted} is not valid for pod {name}")
    if not spec.get("nodeName"):
        return None, _status(400, "BadRequest", f"pod {name} does not have a host assigned")
    return wanted, None


def _running(pod: dict, container: str) -> bool:
    """The container (an ephemeral one too: ``kubectl debug``'s) is running."""
    return "running" in (container_status(pod, container).get("state") or {})


def _is_websocket() -> bool:
    return (request.headers.get("Upgrade") or "").lower() == "websocket" and \
        "upgrade" in (request.headers.get("Connection") or "").lower()


# -- the error channel: how the process ended --------------------------------------------------
SUCCESS = {"metadata": {}, "status": "Success"}


def exit_status(code: int, argv: list[str]) -> dict:
    """The kubelet's Status for a process that ended with ``code`` (containerd's ExitError text)."""
    if code == 0:
        return SUCCESS
    return {"metadata": {}, "status": "Failure",
            "message": f"command terminated with non-zero exit code: error executing command "
                       f"[{' '.join(argv)}], exit code {code}",
            "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}


def internal_error(message: str) -> dict:
    """``apierrors.NewInternalError`` as the kubelet writes it on the error channel."""
    return {"metadata": {}, "status": "Failure", "message": f"Internal error occurred: {message}",
            "reason": "InternalError", "details": {"causes": [{"message": message}]}, "code": 500}


def trailer(code: int) -> str:
    return f"command terminated with exit code {code}\n"


# -- the channels --------------------------------------------------------------------------------
class Channels:
    """One upgraded connection: writes framed messages, reads the client's."""

    def __init__(self, ws: simple_websocket.Server, tty: bool) -> None:
        self.ws = ws
        self.tty = tty

    def write(self, channel: int, data: bytes) -> None:
        self.ws.send(bytes([channel]) + data)

    def out(self, text: str) -> None:
        """Program output on stdout; a TTY turns each newline into CR LF (ONLCR)."""
        if text:
            self.write(STDOUT, (text.replace("\n", "\r\n") if self.tty else text).encode("utf-8", "surrogateescape"))

    def status(self, status: dict) -> None:
        self.write(ERROR, json.dumps(status, separators=(",", ":")).encode())

    def read(self, timeout: float | None) -> tuple[int, bytes] | None:
        """The next message as (channel, data); None on timeout. Raises ConnectionClosed."""
        while True:
            msg = self.ws.receive(timeout=timeout)
            if msg is None:
                if not self.ws.connected:
                    raise simple_websocket.ConnectionClosed()
                return None
            if isinstance(msg, str):
                msg = msg.encode()
            if msg:
                return msg[0], bytes(msg[1:])

    def close(self) -> None:
        """Close normally (readers on the client see EOF), then wait (bounded) for the client's
        close frame, so the socket's reader is done before the server takes the socket back."""
        try:
            self.ws.close()
        except simple_websocket.ConnectionClosed:
            pass
        self.ws.thread.join(timeout=CLOSE_WAIT)


class LineDiscipline:
    """Turns stdin bytes into lines as a terminal in canonical mode would (and echoes with a TTY)."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self.buf: list[str] = []
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.escape = ""

    def feed(self, data: bytes) -> tuple[str, list[tuple[str, str]]]:
        """(echo, events): events are ("line", text), ("intr", "") for Ctrl-C, ("eof", pending)."""
        echo: list[str] = []
        events: list[tuple[str, str]] = []
        for ch in self.decoder.decode(data):
            if self.escape:  # an escape sequence (arrow keys…): swallowed, there is no history
                self.escape += ch
                if len(self.escape) > 1 and (ch.isalpha() or ch == "~" or self.escape == "\x1b\x1b"):
                    self.escape = ""
                continue
            if ch == "\x1b" and self.tty:
                self.escape = ch
            elif ch in "\r\n":
                if ch == "\r" and not self.tty:
                    self.buf.append(ch)
                    continue
                echo.append("\r\n")
                events.append(("line", "".join(self.buf)))
                self.buf = []
            elif ch in "\x7f\b" and self.tty:
                if self.buf:
                    self.buf.pop()
                    echo.append("\b \b")
            elif ch == "\x03" and self.tty:
                echo.append("^C\r\n")
                self.buf = []
                events.append(("intr", ""))
            elif ch == "\x15" and self.tty:
                echo.append("\b \b" * len(self.buf))
                self.buf = []
            elif ch == "\x04" and self.tty:
                if not self.buf:
                    events.append(("eof", ""))
            else:
                self.buf.append(ch)
                echo.append(ch)
        return ("".join(echo) if self.tty else ""), events

    def end(self) -> str:
        """stdin ended: what is left unterminated."""
        pending, self.buf = "".join(self.buf), []
        return pending


# -- the routes ------------------------------------------------------------------------------------
# Werkzeug routes a request carrying ``Upgrade: websocket`` only to rules marked websocket=True
# (GET only), every other request only to the others: each path has one rule of each kind.
METHODS = ["GET", "POST"]


@bp.route("/exec", methods=["GET"], websocket=True)
@bp.route("/exec", methods=METHODS)
def pod_exec(sandbox_id: str, namespace: str, name: str) -> Response:
    return _stream(sandbox_id, namespace, name, "exec")


@bp.route("/attach", methods=["GET"], websocket=True)
@bp.route("/attach", methods=METHODS)
def pod_attach(sandbox_id: str, namespace: str, name: str) -> Response:
    return _stream(sandbox_id, namespace, name, "attach")


@bp.route("/portforward", methods=["GET"], websocket=True)
@bp.route("/portforward", methods=METHODS)
def pod_portforward(sandbox_id: str, namespace: str, name: str) -> Response:
    sandbox = _sandbox(sandbox_id)
    if sandbox is None:
        return _status(404, "NotFound", f'sandbox "{sandbox_id}" not found')
    with sandbox.lock:
        pod = sandbox.cluster.store.peek("Pod", namespace, name)
    if pod is None:
        return _status(404, "NotFound", f'pods "{name}" not found')
    if not (pod.get("spec") or {}).get("nodeName"):
        return _status(400, "BadRequest", f"pod {name} does not have a host assigned")
    if not _is_websocket():
        # a plain SPDY upgrade (kubectl's fallback, older clients) is not served: only the tunnel
        return _status(400, "BadRequest", "Upgrade request required")
    ws = simple_websocket.Server(request.environ, subprotocols=PORTFORWARD_PROTOCOLS)
    forward = PortForward(sandbox, ws, pod, current_app.extensions["kubeplay.hub"])
    try:
        if ws.subprotocol in PORTFORWARD_PROTOCOLS:
            forward.serve()
    except (simple_websocket.ConnectionClosed, spdy.ProtocolError):
        pass
    finally:
        Channels(ws, False).close()
    return _handled(ws)


def _sandbox(sandbox_id: str) -> Sandbox | None:
    return current_app.extensions["kubeplay.sandboxes"].get(sandbox_id)


def _run(sandbox: Sandbox, line: str, session: str | None = None) -> dict:
    """One line through the sandbox's door (journalled there), its changes sent on to the page."""
    result = sandbox.run(line, session=session)
    current_app.extensions["kubeplay.hub"].pump(sandbox)
    return result


def _stream(sandbox_id: str, namespace: str, name: str, verb: str) -> Response:
    sandbox = _sandbox(sandbox_id)
    if sandbox is None:
        return _status(404, "NotFound", f'sandbox "{sandbox_id}" not found')
    argv = request.args.getlist("command")
    stdin, tty = _flag("stdin"), _flag("tty")
    with sandbox.lock:
        pod = sandbox.cluster.store.peek("Pod", namespace, name)
        if pod is None:
            return _status(404, "NotFound", f'pods "{name}" not found')
        container, refusal = _container(pod, request.args.get("container") or "")
        if refusal is not None:
            return refusal
        running = _running(pod, container or "")
    if verb == "exec" and not argv:
        return _status(400, "BadRequest", "you must specify at least one command for the container")
    if not _is_websocket():
        return _status(400, "BadRequest", "Upgrade request required")
    if not running:
        # the kubelet's answer (kl.GetExec / GetAttach), proxied as is: plain text, status 500
        return Response(f'container not found ("{container}")', status=500, content_type="text/plain")

    ws = simple_websocket.Server(request.environ, subprotocols=PROTOCOLS)
    channels = Channels(ws, tty)
    try:
        flags = (" -i" if stdin else "") + (" -t" if stdin and tty else "")
        target = f"-n {shlex.quote(namespace)} {shlex.quote(name)} -c {shlex.quote(container or '')}{flags}"
        if verb == "exec":
            line = f"kubectl exec {target} -- {shlex.join(argv)}"
            if not (stdin and tty and len(argv) == 1 and argv[0] in SHELL_WORDS):
                # without a terminal a shell too reads its input to the end as its script
                # (``kubectl exec -i POD -- sh < script``: an ``if`` over lines, a here-document)
                _exec(sandbox, channels, namespace, name, container or "", argv, stdin and not tty)
                return _handled(ws)
        else:
            line = f"kubectl attach {target}"
        first = _run(sandbox, line)
        session = first.get("session")
        if session:
            _interactive(sandbox, channels, first, session, argv or ["sh"], stdin, main=verb == "attach")
        else:
            _finish(channels, first, argv, verb)
    except simple_websocket.ConnectionClosed:
        pass
    finally:
        channels.close()
    return _handled(ws)


def _read_stdin(channels: Channels) -> bytes:
    """All the client sends on stdin until it closes the channel (v5's ``[255, 0]``) or goes away."""
    data = bytearray()
    while True:
        try:
            msg = channels.read(None)
        except simple_websocket.ConnectionClosed:
            return bytes(data)
        if msg is None:
            continue
        channel, chunk = msg
        if channel == STDIN:
            data += chunk
        elif channel == CLOSE and chunk[:1] == bytes([STDIN]):
            return bytes(data)


def _exec(sandbox: Sandbox, channels: Channels, namespace: str, name: str, container: str, argv: list[str],
          read_stdin: bool) -> None:
    """A command that is no interactive shell, as the kubelet streams it: the program's stdout and
    stderr on their own channels, byte for byte as written (``kubectl cp`` reads a tar archive off
    stdout; with a TTY both are the terminal's, on stdout, newlines as CR LF), the client's stdin
    (all of it, up to its end; none on a TTY, whose input never ends) as the program's input, then
    how it ended. It runs as ``Sandbox.exec``, the one journalled exec operation."""
    data = _read_stdin(channels) if read_stdin else b""
    text = data.decode("utf-8", "surrogateescape")
    try:
        res = sandbox.exec(namespace, name, container, argv, text, channels.tty)
    except (NotFoundError, ConflictError):
        channels.status(internal_error(f'container not found ("{container}")'))
        return
    except Exception as e:  # noqa: BLE001 - the client gets the kubelet's InternalError, not a hang-up
        log.exception("exec %s in %s/%s failed", argv, namespace, name)
        res = {"error": f"error executing command in container: {e}"}
    current_app.extensions["kubeplay.hub"].pump(sandbox)
    if "error" in res:
        channels.status(internal_error(res["error"]))
        return
    if channels.tty:
        channels.out(res["stdout"])
    else:
        for channel, chunk in ((STDOUT, res["stdout"]), (STDERR, res["stderr"])):
            if chunk:
                channels.write(channel, chunk.encode("utf-8", "surrogateescape"))
    channels.status(exit_status(int(res["exitCode"]), argv))


def _finish(channels: Channels, result: dict, argv: list[str], verb: str) -> None:
    """A command that ran to its end: its output, then how it ended."""
    output, code = result.get("output") or "", int(result.get("exitCode") or 0)
    if code != 0 and output.endswith(trailer(code)):
        channels.out(output[: -len(trailer(code))])
        channels.status(exit_status(code, argv))
    elif code != 0 or "session" in result:
        # refused before the program ran (the runtime found no such executable…): kubectl prints
        # the Status's message after "error: "
        message = output.strip()
        if verb == "attach":
            # kubeplay's engine has no ``kubectl attach`` yet: its one-line refusal, not cobra's help
            message = f"error attaching to container: {message.splitlines()[0] if message else 'not attachable'}"
        message = message.removeprefix("error: ").removeprefix("Internal error occurred: ")
        channels.status(internal_error(message))
    else:
        channels.out(output)
        channels.status(SUCCESS)


def _interactive(sandbox: Sandbox, channels: Channels, first: dict, session: dict, argv: list[str],
                 stdin: bool, *, main: bool) -> None:
    """A shell session fed by the client's stdin until it exits or the client goes away."""
    sid = session["id"]
    prompt = session.get("prompt") or ""
    channels.out(first.get("output") or "")
    tty = channels.tty
    if tty:
        channels.write(STDOUT, prompt.encode())
    discipline = LineDiscipline(tty)
    ended: dict | None = None
    try:
        while ended is None:
            msg = channels.read(IDLE_POLL)
            if msg is None:
                ended = _gone(sandbox, sid)
                continue
            channel, data = msg
            if channel == STDIN and stdin:
                echo, events = discipline.feed(data)
                if echo:
                    channels.write(STDOUT, echo.encode())
                for kind, text in events:
                    if kind == "intr":
                        channels.write(STDOUT, prompt.encode())
                        continue
                    ended, prompt = _line(sandbox, channels, sid, "exit" if kind == "eof" else text, prompt)
                    if ended is not None:
                        break
            elif channel == CLOSE and data[:1] == bytes([STDIN]):
                # stdin ended: the shell runs what is left, then reads EOF and exits
                pending = discipline.end()
                if pending:
                    ended, prompt = _line(sandbox, channels, sid, pending, prompt)
                if ended is None:
                    ended, prompt = _line(sandbox, channels, sid, "exit", prompt)
            # RESIZE: the session's shell has no notion of the window's size
    except simple_websocket.ConnectionClosed:
        # the client went away: an exec'd shell goes with it; a container's main process stays
        if not main:
            _run(sandbox, "exit", sid)
        raise
    code = int(ended.get("exitCode") or 0)
    channels.status(SUCCESS if main else exit_status(code, argv))


def _line(sandbox: Sandbox, channels: Channels, sid: str, line: str, prompt: str) -> tuple[dict | None, str]:
    """Run one line in the session: (the result if the session ended, the prompt to show next)."""
    r = _run(sandbox, line, sid)
    output, code = r.get("output") or "", int(r.get("exitCode") or 0)
    if r.get("session") is None:
        if code and output.endswith(trailer(code)):
            output = output[: -len(trailer(code))]
        channels.out(output)
        return r, prompt
    channels.out(output)
    prompt = r["session"].get("prompt") or prompt
    if channels.tty:
        channels.write(STDOUT, prompt.encode())
    return None, prompt


def _gone(sandbox: Sandbox, sid: str) -> dict | None:
    """The session's process was killed under it (its container or pod went away): exit 137."""
    with sandbox.lock:
        s = sandbox.sessions.get(sid)
        if s is not None and sandbox.sessions.alive(s):
            return None
    return {"output": "", "exitCode": 137}


def _handled(ws: simple_websocket.Server) -> Response:
    """What the view returns once the socket it took over is closed: a response that writes
    nothing, telling the WSGI server the connection is done (Werkzeug: a dropped connection;
    eventlet: ``already_handled``)."""

    class Handled(Response):
        def __call__(self, environ: dict, start_response: Any) -> Any:  # noqa: ANN401
            if ws.mode == "werkzeug":
                raise ConnectionError
            if ws.mode == "eventlet":
                wsgi = sys.modules.get("eventlet.wsgi")
                local = getattr(wsgi, "WSGI_LOCAL", None)
                if local is not None:
                    local.already_handled = True
            return []

    return Handled()


# -- pods/portforward: SPDY/3.1 tunnelled over the WebSocket ----------------------------------------
#: what the apiserver's tunnelling handler accepts (client-go ``NewSPDYOverWebsocketDialer``: the
#: prefix ``SPDY/3.1+`` before the kubelet's ``portforward.k8s.io``)
PORTFORWARD_PROTOCOLS = ["SPDY/3.1+portforward.k8s.io"]
#: the longest request head looked for before the bytes are taken as not HTTP
MAX_HEAD = 64 * 1024
#: the most one DATA frame carries from here (spdystream's reads are 32 KiB at most)
DATA_CHUNK = 32 * 1024


@dataclass
class StreamPair:
    """One local connection of the client: its error and data streams, paired by ``requestID``
    (the kubelet's ``httpStreamPair``), and the bytes read off the data stream not yet answered."""

    request_id: str
    port: int = 0
    error: int | None = None
    data: int | None = None
    buf: bytearray = field(default_factory=bytearray)
    state: str = "pairing"  # pairing | open | garbled (not HTTP: nothing is answered) | closed


class PortForward:
    """The kubelet's port-forward streaming server (``cri/streaming/portforward/httpstream.go``)
    for one upgraded connection: SYN_STREAMs are answered with SYN_REPLY and paired by
    ``requestID``; a complete pair is the runtime's dial of ``localhost:<port>`` inside the pod
    (refused: the runtime's error on the error stream, then both streams end); each HTTP request
    read off an open data stream is answered by the pod's app (``Sandbox.portforward``, one
    journalled operation per request) and written back; the client's end of the data stream, or
    an answer that closes the connection, ends the pair as the runtime's copy loop does."""

    def __init__(self, sandbox: Sandbox, ws: simple_websocket.Server, pod: dict, hub: Any) -> None:  # noqa: ANN401
        self.sandbox, self.ws, self.hub = sandbox, ws, hub
        meta = pod["metadata"]
        self.namespace, self.name, self.uid = meta.get("namespace") or "default", meta["name"], meta.get("uid") or ""
        self.host_network = bool((pod.get("spec") or {}).get("hostNetwork"))
        self.framer = spdy.Framer()
        self.pairs: dict[str, StreamPair] = {}
        self.by_stream: dict[int, StreamPair] = {}

    def send(self, *frames: spdy.Frame) -> None:
        self.ws.send(b"".join(self.framer.encode(f) for f in frames))

    def serve(self) -> None:
        """Until the client goes away (GOAWAY, or the WebSocket closes: ``ConnectionClosed``)."""
        while True:
            msg = self.ws.receive(timeout=None)
            if msg is None:
                if not self.ws.connected:
                    return
                continue
            for frame in self.framer.feed(msg.encode() if isinstance(msg, str) else msg):
                if isinstance(frame, spdy.GoAway):
                    return
                self.handle(frame)

    def handle(self, frame: spdy.Frame) -> None:
        if isinstance(frame, spdy.Ping):
            self.send(frame)  # the client's keep-alive (every 10 s): echoed as is
        elif isinstance(frame, spdy.SynStream):
            self.stream(frame)
        elif isinstance(frame, spdy.Data):
            pair = self.by_stream.get(frame.stream_id)
            if pair is None or frame.stream_id != pair.data:
                return  # the error stream's end (the client never writes to it), or a stream gone
            if pair.state == "open":
                pair.buf += frame.data
                self.answer(pair)
            if frame.fin and pair.state != "closed":
                self.close(pair)  # the local connection ended: so does the runtime's copy
        elif isinstance(frame, spdy.RstStream):
            pair = self.by_stream.pop(frame.stream_id, None)
            if pair is not None and pair.state != "closed" and frame.stream_id == pair.data:
                self.close(pair, data=False)
        # SETTINGS, WINDOW_UPDATE, HEADERS: spdystream keeps no flow-control window; nothing to do

    def stream(self, syn: spdy.SynStream) -> None:
        """A new stream: refused (RST_STREAM) when its headers are wrong, else replied and paired."""
        def header(name: str) -> str:
            return (syn.headers.get(name) or [""])[0]

        kind, port_text = header("streamtype"), header("port")
        request_id = header("requestid") or str(syn.stream_id - (2 if kind == "data" else 0))
        try:
            port = int(port_text)
        except ValueError:
            port = 0
        if kind not in ("error", "data") or not 0 < port < 65536:
            self.send(spdy.RstStream(syn.stream_id, spdy.REFUSED_STREAM))
            return
        self.send(spdy.SynReply(syn.stream_id))
        pair = self.pairs.setdefault(request_id, StreamPair(request_id, port))
        setattr(pair, kind, syn.stream_id)
        self.by_stream[syn.stream_id] = pair
        if pair.error is not None and pair.data is not None and pair.state == "pairing":
            self.connect(pair)

    def connect(self, pair: StreamPair) -> None:
        try:
            failed = self.sandbox.portforward(self.namespace, self.name, pair.port).get("error")
        except NotFoundError:
            failed = "not found"
        if failed:
            assert pair.data is not None and pair.error is not None
            self.send(spdy.Data(pair.data, b"", fin=True),
                      spdy.Data(pair.error, self.refusal(pair.port, failed).encode(), fin=True))
            self.forget(pair)
            return
        pair.state = "open"

    def answer(self, pair: StreamPair) -> None:
        """Each complete HTTP request in the buffer, answered in order (HTTP/1.1 pipelining)."""
        assert pair.data is not None
        while pair.state == "open":
            parsed = parse_http_request(bytes(pair.buf))
            if parsed is None:
                return
            if parsed == "garbled":
                pair.state = "garbled"
                return
            req, used, keep_alive = parsed
            del pair.buf[:used]
            try:
                res = self.sandbox.portforward(self.namespace, self.name, pair.port, req)
            except NotFoundError:
                res = {"status": None, "error": "gone"}
            self.hub.pump(self.sandbox)
            if res.get("status") is None:
                self.close(pair)  # the app closed the connection without a word (not HTTP, or gone)
                return
            wire = http_response(res, req["method"], keep_alive)
            for i in range(0, len(wire), DATA_CHUNK):
                self.send(spdy.Data(pair.data, wire[i: i + DATA_CHUNK]))
            if not keep_alive:
                self.close(pair)

    def close(self, pair: StreamPair, *, data: bool = True) -> None:
        """Both streams end (the runtime closes the data stream, then the kubelet the error stream)."""
        frames = []
        if data and pair.data is not None:
            frames.append(spdy.Data(pair.data, b"", fin=True))
        if pair.error is not None:
            frames.append(spdy.Data(pair.error, b"", fin=True))
        if frames:
            self.send(*frames)
        self.forget(pair)

    def forget(self, pair: StreamPair) -> None:
        pair.state = "closed"
        self.pairs.pop(pair.request_id, None)
        for sid in (pair.error, pair.data):
            if sid is not None:
                self.by_stream.pop(sid, None)

    def refusal(self, port: int, error: str) -> str:
        """What the kubelet writes on the error stream when containerd (1.7) cannot dial the port."""
        sandbox_id = pod_sandbox_id(self.uid)
        netns = "host" if self.host_network else f"/var/run/netns/cni-{_uuid(sandbox_id)}"
        prefix = f"error forwarding port {port} to pod {sandbox_id}, uid : "
        if error == "not found":
            return prefix + f'failed to find sandbox "{sandbox_id}" in store: not found'
        low = error.lower()
        v4 = "connect: connection refused" if "refused" in low else \
            ("i/o timeout" if "timed out" in low else f"connect: {low}")
        return (prefix + f'failed to execute portforward in network namespace "{netns}": failed to connect to '
                f'localhost:{port} inside namespace "{sandbox_id}", IPv4: dial tcp4 127.0.0.1:{port}: {v4} '
                "IPv6 dial tcp6: address localhost: no suitable address ")


def pod_sandbox_id(uid: str) -> str:
    """The pod's sandbox id in the runtime (64 hex digits, as containerd's): derived from the pod's
    uid, so it is the same on every connection and every replay without drawing on the RNG."""
    return hashlib.sha256(f"pod-sandbox:{uid}".encode()).hexdigest()


def _uuid(hex_id: str) -> str:
    """A version-4-shaped UUID derived from ``hex_id`` (the CNI plugin names netns ``cni-<uuid4>``)."""
    h = hashlib.sha256(hex_id.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


# -- HTTP/1.x on the forwarded connection ------------------------------------------------------------
def parse_http_request(buf: bytes) -> tuple[dict, int, bool] | str | None:
    """The first request in ``buf``: (``{"method", "path", "host", "userAgent"}``, bytes it took,
    whether the connection stays open after it); None while it is incomplete; ``"garbled"`` when
    the bytes are not HTTP/1.x."""
    end = buf.find(b"\r\n\r\n")
    sep = 4
    if end < 0:
        end, sep = buf.find(b"\n\n"), 2
    line_end = buf.find(b"\n")
    if line_end >= 0:
        parts = buf[:line_end].rstrip(b"\r").split(b" ")
        if len(parts) != 3 or not parts[0].isalpha() or not parts[2].startswith(b"HTTP/1."):
            return "garbled"
    if end < 0:
        # a request head longer than any server reads (nginx: 1 KiB, then 4 x 8 KiB buffers) is no request
        return "garbled" if len(buf) > MAX_HEAD else None
    lines = buf[:end].decode("latin-1").replace("\r\n", "\n").split("\n")
    method, target, version = lines[0].split(" ")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    used = end + sep
    if "chunked" in headers.get("transfer-encoding", "").lower():
        tail = buf.find(b"0\r\n\r\n", used)
        if tail < 0:
            return None
        used = tail + 5
    else:
        try:
            used += int(headers.get("content-length") or 0)
        except ValueError:
            return "garbled"
        if len(buf) < used:
            return None
    connection = headers.get("connection", "").lower()
    keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    if "://" in target:  # an absolute form (a proxy-style request): the path is what the app sees
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    return ({"method": method.upper(), "path": target, "host": headers.get("host", ""),
             "userAgent": headers.get("user-agent", "-")}, used, keep_alive)


def http_response(res: dict, method: str, keep_alive: bool) -> bytes:
    """The app's answer as it goes on the wire: status line, headers, body (chunked when the app
    sends ``Transfer-Encoding: chunked``; none for HEAD)."""
    headers = dict(res.get("headers") or {})
    if "Connection" in headers or not keep_alive:
        headers["Connection"] = "keep-alive" if keep_alive else "close"
    body = (res.get("body") or "").encode()
    if method == "HEAD":
        body = b""
    elif "chunked" in headers.get("Transfer-Encoding", "").lower():
        body = (f"{len(body):x}\r\n".encode() + body + b"\r\n" if body else b"") + b"0\r\n\r\n"
    head = "\r\n".join(fmt.header_lines(int(res["status"]), headers)) + "\r\n\r\n"
    return head.encode("latin-1") + body
