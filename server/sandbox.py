"""Sandboxes: one simulated cluster per browser tab, the operations users perform on it, and the
registry that creates them, finds them and rebuilds them from disk.

Owns: the ``Sandbox`` (a ``Cluster`` with its seed and start time, a lock serialising every access
to it, and the journal of operations that changed it) and ``Sandboxes`` (the registry). Every
state-changing operation goes through ``Sandbox.execute`` so that the live path and the replay
path are the same code: ``run`` (a command line with stdin; with ``watchSeconds`` a following
command runs the clock that long), ``apply`` (the editor's text),
``advance`` (to an absolute simulated time), ``clock`` (speed/pause), ``fail``/``recover`` (a
node's machine), ``add-node``/``remove-node`` (a worker joins / leaves), ``kill`` (a container), ``edit`` (the page's editor
saved the file of a ``kubectl edit``), ``image`` (a user's image published to the simulated
registry), ``app-health`` (a container's app made healthy, unhealthy or slow for its probes),
``exec`` (a process started in a container — by the terminal's ``kubectl exec`` or the REST
API's ``pods/exec`` — with its stdin and TTY), ``interrupt`` (a ``^C`` typed on a container's TTY:
Ctrl-C on a followed ``kubectl run -it``/``attach -it``),
``portforward`` (one HTTP request over a port-forward), ``rest`` (a writing API request), ``preset`` (the
first operation of a sandbox not built as the kubeadm lab: ``minikube`` or ``kind``). A sandbox not in memory is rebuilt lazily, on first
access, by replaying its journal on a fresh cluster with the same seed and start time — the
simulation is deterministic, so the result is the same state byte for byte.

The timeline (issue 10) is the journal read back: ``Sandboxes.moments`` lists the user's operations
with the virtual time each began (``Sandbox.op_times``, kept by ``execute`` live and in replays, since
the journal stores no times), ``Sandboxes.at`` rebuilds the cluster as it was at a moment on a
scratch sandbox that is never journalled (the journal's prefix, the last advance cut there; a few
kept per sandbox), and ``Sandboxes.fork(source, at=t)`` journals that prefix as a new sandbox.
Replays are bounded (``MAX_PAST_OPS``, ``MAX_PAST_SPAN``): a moment beyond them is refused.

Hands off: command lines to ``server.kubectl``, cluster operations to ``server.sim.cluster``,
storage to ``server.persist``. Nothing here knows about HTTP or Socket.IO (``server.web`` does).
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import re
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import apiserver
from .config import Limits
from .kubectl import Result
from .kubectl import run as kubectl_run
from .kubectl.streaming import Stream, StreamResult, interrupt, run_for
from .kubectl.verbs.modify import EditRequest, finish_edit
from .kubectl.verbs.run import PROMPT_HINT
from .persist import Journal, JournalConflict, JournalReadError
from .placement import Placement
from .shell.host import HostShell, stateful
from .shell.session import Sessions
from .sim import presets as _presets
from .sim.api import ApiError
from .sim.cluster import Cluster
from .sim.presets import DEFAULT as DEFAULT_PRESET
from .sim.registry import Image, Registry, normalize

log = logging.getLogger(__name__)

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
#: the longest single clock jump one request may ask for (a bigger one would hold the sandbox's
#: lock, and the request, for a long time); clients step repeatedly for more
MAX_ADVANCE = 3600.0
#: a long advance runs in steps of this many simulated seconds when someone follows its progress
#: (``Sandbox.on_progress``): the same timers fire at the same instants as in one jump
PROGRESS_STEP = 10.0
#: following commands one sandbox keeps open for its pages at most (the oldest is stopped)
MAX_TERMINAL_STREAMS = 16
#: what kubectl's terminal helper says when -t is asked for but the input is not a terminal
TTY_WARNING = "Unable to use a TTY - input is not a terminal or the right kind of file\n"
#: ``kubectl edit`` files one sandbox keeps open for its pages at most (the oldest is forgotten)
MAX_OPEN_EDITS = 16
MIN_SPEED, MAX_SPEED = 1, 100
#: the most nodes (machines) a sandbox of a small preset may have: room on the canvas, and a bound on
#: the work; each preset's own cap is ``presets.max_nodes`` (the ``large`` preset's is far higher)
MAX_NODES = _presets.SMALL_MAX_NODES


class NotFoundError(Exception):
    """The thing an operation names (node, pod, container) does not exist."""


class ConflictError(Exception):
    """The operation clashes with what exists (a node of that name, the control plane)."""


def repo_root() -> Path:
    """Where ``examples/``, ``static/`` and ``templates/`` are: ``$KUBEPLAY_ROOT`` or the checkout."""
    return Path(os.environ.get("KUBEPLAY_ROOT") or Path(__file__).resolve().parent.parent)


def _plain_command(line: str) -> bool:
    """A line that is one command with nothing for the workstation's shell to do around it: no
    pipe, list, redirection or command substitution outside quotes (``-- sh -c "a; b"`` is the
    container's own script), so kubectl's stream (``run -it``, ``get -w``) is the line's."""
    quote = ""
    escaped = False
    for i, ch in enumerate(line):
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote:
            if ch == quote:
                quote = ""
            elif quote == '"' and (ch == "`" or line.startswith("$(", i)):
                return False
        elif ch in "'\"":
            quote = ch
        elif ch in "|;&<>`":
            return False
    return not quote and not escaped


def load_examples(directory: Path) -> dict[str, str]:
    """The manifests under ``directory`` by relative path (``lessons/step08-pod.yml``), sorted."""
    out: dict[str, str] = {}
    if not directory.is_dir():
        return out
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.suffix in MANIFEST_SUFFIXES:
            out[path.relative_to(directory).as_posix()] = path.read_text(encoding="utf-8")
    return out


def workspace_files(examples: dict[str, str]) -> dict[str, str]:
    """What ``kubectl apply -f NAME`` can read: each example by relative path and by bare file name
    (a bare name shared by two files is left out rather than picking one silently)."""
    files = dict(examples)
    by_name: dict[str, list[str]] = {}
    for rel in examples:
        by_name.setdefault(rel.rsplit("/", 1)[-1], []).append(rel)
    for name, rels in by_name.items():
        if len(rels) == 1 and name not in files:
            files[name] = examples[rels[0]]
    return files


# -- the editor's apply ------------------------------------------------------------------------
_DOC_MARKER = re.compile(r"^(---|\.\.\.)(\s|$)")
_YAML_LINE = re.compile(r"\bline (\d+)\b")


@dataclass
class Document:
    """One YAML document of the editor's text: its lines and where it sits in the text (1-based)."""

    text: str
    start: int  # first line of the chunk (a ``---`` marker, if any, included)
    first: int  # first line with content (not blank, not a comment, not a marker)
    end: int


def split_documents(text: str) -> list[Document]:
    """Cut the text at ``---`` / ``...`` markers; chunks with no content are dropped. Anchors and
    aliases cannot cross documents, so each chunk parses on its own exactly as in the whole."""
    # only "\n" ends a line, as in YAML and in the editor (str.splitlines also cuts at \f, \x1c, …)
    lines = re.findall(r"[^\n]*\n|[^\n]+\Z", text)
    chunks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for i, line in enumerate(lines, 1):
        if _DOC_MARKER.match(line):
            chunks.append((start, current))
            # ``--- !!map`` style content on the marker line stays with the next document
            current, start = ([line], i) if line.startswith("---") else ([], i + 1)
            continue
        current.append(line)
    chunks.append((start, current))
    docs = []
    for start, chunk in chunks:
        first = None
        for j, line in enumerate(chunk):
            stripped = line.strip()
            if j == 0 and line.startswith("---"):
                rest = stripped[3:].strip()
                if rest and not rest.startswith("#"):
                    first = start
                    break
                continue
            if stripped and not stripped.startswith("#"):
                first = start + j
                break
        if first is not None:
            docs.append(Document("".join(chunk), start, first, start + max(len(chunk), 1) - 1))
    return docs


# -- one sandbox -------------------------------------------------------------------------------
class Sandbox:
    #: called as ``on_progress(done, total)`` (simulated seconds) after each step of a long
    #: ``advance``, inside the lock; the live hub sets it to tell the sandbox's pages how far it is
    on_progress: Callable[[float, float], None] | None = None

    def __init__(self, sandbox_id: str, seed: int, start: float, workspace: dict[str, str],
                 journal: Journal, preset: str = DEFAULT_PRESET) -> None:
        self.id = sandbox_id
        self.seed = seed
        self.start = start
        self.journal = journal
        #: the cluster it starts from (server/sim/presets.py), journalled as its first operation
        self.preset = preset
        self.cluster = Cluster(seed=seed, start=start, preset=preset)
        self.cluster.workspace = dict(workspace)
        #: the workstation's shell, and the interactive shells open in pods (``kubectl run -it``)
        self.host = HostShell(self.cluster, kubectl_run=lambda _c, line, stdin: self._kubectl(line, stdin))
        self.sessions = Sessions(self.cluster)
        #: serialises every access to the cluster: HTTP requests, socket joins, the ticker
        self.lock = threading.RLock()
        # -- owned by the web layer's delta emitter (kept here so they live with the sandbox) --
        self.sent_rv = self.cluster.store.rv
        self.sent_time = self.cluster.clock.now()
        self.clock_dirty = False
        self.watchers: set[str] = set()
        self.ticker_running = False
        #: the id of the last traffic-log record sent to the watchers
        self.sent_traffic = 0
        #: open API streams (watches, followed logs), woken by every change to the store
        self._streams: set[threading.Event] = set()
        self.cluster.store.subscribe(self._wake_streams)
        #: the terminal's following commands (``get -w``, ``logs -f``, ``rollout status``): id ->
        #: (stream, the page's socket that follows it); polled by the web layer after each tick
        self.terminal_streams: dict[str, tuple[Stream, str]] = {}
        self._stream_ids = itertools.count(1)
        #: ``kubectl edit`` files open in the page's editor: id -> the request ``finish_edit`` completes
        #: (ids from a counter, so a replay gives the same ones)
        self.edits: dict[str, EditRequest] = {}
        self._edit_ids = itertools.count(1)
        #: the pod-shell sessions a page opened: session id -> its socket (they end when it goes)
        self.session_owners: dict[str, str] = {}
        #: the virtual time each journalled operation other than ``advance`` and ``preset`` began, in
        #: journal order (those rows are never merged, so the k-th such row began at ``op_times[k]``);
        #: kept by ``execute``, live and in the replay alike, for the timeline (``Sandboxes.moments``)
        self.op_times: list[float] = []
        #: set when the journal refused this copy's row (another worker took the sandbox over and
        #: wrote to it): the registry drops the copy, the next request rebuilds or redirects
        self.stale = False
        #: the timeline's views of this sandbox's past: (whole rows replayed, t) -> a scratch sandbox

    # -- the one door for state changes --------------------------------------------------------
    def execute(self, op: dict, *, record: bool = True) -> object:
        """Perform one operation (and journal it). The replay calls this with ``record=False``."""
        kind = op["op"]
        if kind not in ("advance", "preset"):
            self.op_times.append(self.cluster.clock.now())
        try:
            if kind == "run":
                return self._shell(op)
            if kind == "apply":
                return self._apply(op["manifest"])
            if kind == "advance":
                # ``to`` is absolute: ``to - now`` is exact for nearby floats (Sterbenz), so the clock
                # lands on ``to`` exactly whether the log holds one merged advance or many small ones.
                self.cluster.advance(max(0.0, op["to"] - self.cluster.clock.now()))
                return None
            if kind == "clock":
                if "speed" in op:
                    self.cluster.clock.speed = op["speed"]
                if "paused" in op:
                    self.cluster.clock.paused = op["paused"]
                self.clock_dirty = True
                return None
            if kind == "fail":
                self.cluster.fail_node(op["node"])
                return None
            if kind == "recover":
                self.cluster.recover_node(op["node"])
                return None
            if kind == "add-node":
                self.cluster.add_node(op["node"])
                return None
            if kind == "remove-node":
                return self._remove_node(op["node"])
            if kind == "kill":
                kubelet = self.cluster.controller("kubelet")
                kubelet.kill_container(op["namespace"], op["pod"], op["container"])  # type: ignore[attr-defined]
                self.cluster.settle()
                return None
            if kind == "interrupt":
                return interrupt(self.cluster, op["namespace"], op["pod"], op["container"])
            if kind == "addon":
                self.cluster.set_addon(op["name"], op["enabled"])
                return None
            if kind == "preset":
                return None  # the cluster was built from it (Sandboxes.get reads it before the replay)
            if kind == "image":
                return image_record(self.cluster.registry.add_from_manifest(op["doc"]))
            if kind == "app-health":
                return self._set_app_health(op)
            if kind == "rest":
                return self._rest(op)
            if kind == "exec":
                return self._exec(op)
            if kind == "edit":
                return self._finish_edit(op)
            if kind in NETWORK_OPS:
                return getattr(self, NETWORK_OPS[kind])(op)
            raise ValueError(f"unknown operation {kind!r}")
        finally:
            # journal even when the operation failed half-way: whatever it changed must replay too
            if record:
                try:
                    self.journal.append(self.id, op)
                except JournalConflict:
                    self.stale = True  # another worker changed the sandbox: this copy is no more
                    raise

    # -- operations ----------------------------------------------------------------------------
    def run(self, command: str, stdin: str = "", session: str | None = None, *,
            watch_seconds: float | None = None, follow: str | None = None) -> dict:
        """A line typed in the terminal: in the workstation's shell, or in the pod session
        ``session``. Lines that can change nothing (``help``, ``echo``, a typo) are not journalled.

        A command that keeps printing (``get -w``, ``logs -f``, ``rollout status``): with
        ``watch_seconds`` the clock runs that many simulated seconds (less if it ends first) and
        the answer holds everything it printed; with ``follow`` (the id of the page's socket) it
        stays open as ``terminal_streams[id]`` (the answer's ``"stream"``), printing as the clock
        runs, until it ends or ``stop_stream``."""
        with self.lock:
            if session is not None:
                if session not in self.sessions:
                    return {"output": "", "exitCode": 0, "session": None}  # it ended: back to the workstation
                return self.execute({"op": "run", "command": command, "session": session})  # type: ignore[return-value]
            if not command.strip():
                return {"output": "", "exitCode": 0}
            executed = self._exec_line(command, stdin)
            if executed is not None:
                return executed
            op: dict = {"op": "run", "command": command, "stdin": stdin}
            if watch_seconds is not None:
                op["watchSeconds"] = watch_seconds
            elif follow is not None:
                op["follow"] = True
            out = self.execute(op) if stateful(command) else self._shell(op)
            stream = out.pop("_stream", None)  # type: ignore[union-attr]
            if stream is not None and follow is not None:
                self._open_terminal_stream(stream, follow, out)  # type: ignore[arg-type]
            opened = out.get("session")  # type: ignore[union-attr]
            if opened and follow is not None:
                self.session_owners[opened["id"]] = follow
            return out  # type: ignore[return-value]

    def _shell(self, op: dict) -> dict:
        """One line in the workstation's shell or in a session; a kubectl command that attaches
        (``run -it``, ``exec -it``) opens a session, which the answer names with its prompt."""
        if op.get("session"):
            return self.sessions.run(op["session"], op["command"])
        self.sessions.reap()
        line, stdin = op["command"], op.get("stdin") or ""
        words = line.split()
        follow = "watchSeconds" in op or bool(op.get("follow"))
        if words and words[0] == "kubectl" and _plain_command(line):
            self.host.remember(line)
            result = self._kubectl(line, stdin, follow=follow)
            stream = getattr(result, "stream", None)
            if stream is not None and "watchSeconds" in op:
                result, stream = run_for(self.cluster, result, op["watchSeconds"]), None
            out: dict = {"output": result.output, "exitCode": result.exit_code}
            if stream is not None and not stream.done:
                out["_stream"] = stream
            self._open_edit(result, out)
            attach = getattr(result, "attach", None)
        else:
            output, code, attach = self.host.run_line(line, stdin, follow=follow)
            out = {"output": output, "exitCode": code}
            stream = self.host.stream  # a line that is only ``watch …``: it goes on as ``get -w`` does
            if stream is not None and "watchSeconds" in op:
                done = run_for(self.cluster, StreamResult(output, code, stream), op["watchSeconds"])
                out = {"output": done.output, "exitCode": done.exit_code}
            elif stream is not None:
                out["_stream"] = stream
            self._open_edit(self.host, out)  # ``vi FILE``: the page's editor opens the workspace file
            if self.host.open is not None:  # ``minikube service NAME``/``dashboard``: the page opens it
                out["open"] = self.host.open
        if attach is not None:
            opened = self.sessions.open(attach)
            if opened is not None and stdin:
                return self._feed(opened.id, attach.tty, stdin, out)
            out["session"] = opened.describe() if opened is not None else None
        return out

    def _feed(self, session_id: str, tty: bool, stdin: str, out: dict) -> dict:
        """``kubectl run -i``/``exec -i`` with the request's stdin as the shell's input: each line
        runs, then the input ends (EOF: the shell exits, ``--rm`` deletes the pod) — the session is
        over when the answer comes. Input that is not a terminal gets kubectl's TTY warning."""
        text = out["output"]
        if tty:
            text = TTY_WARNING + text.replace(PROMPT_HINT, "")
        code = 0
        ended = False
        for line in stdin.splitlines():
            r = self.sessions.run(session_id, line, raw=False)
            text, code = text + r["output"], r["exitCode"]
            if r["session"] is None:
                ended = True
                break
        if not ended:
            r = self.sessions.run(session_id, "exit", raw=False)
            text, code = text + r["output"], r["exitCode"]
        return {"output": text, "exitCode": code}

    def end_sessions(self, owner: str) -> None:
        """The page that opened these sessions has gone: their input ends, as a closed terminal's
        does (the shell exits; ``kubectl run --rm`` deletes its pod). Journalled as ``exit`` lines."""
        with self.lock:
            for session_id, who in list(self.session_owners.items()):
                if who != owner:
                    continue
                del self.session_owners[session_id]
                if session_id in self.sessions:
                    self.execute({"op": "run", "command": "exit", "session": session_id})

    # -- a process exec'd in a container (the terminal's kubectl exec, the REST API's pods/exec) --------
    def exec(self, namespace: str, pod: str, container: str, argv: list[str], stdin: str = "",
             tty: bool = False) -> dict:
        """Run ``argv`` in a running container as its runtime execs it, ``stdin`` (all of the
        client's input, to its end) as its input: ``{"stdout", "stderr", "exitCode", "output"}``
        (``output``: both streams in the order written, as a terminal shows them; with a TTY both
        are the terminal's, on stdout) — or, when the runtime could not start it,
        ``{"error": containerd's message}``. Journalled with its input, since what it writes (a
        file in the container, an app's log) must replay. Raises NotFoundError for no such pod and
        ConflictError when the container is not running (the kubelet's "container not found")."""
        with self.lock:
            obj = self.cluster.store.peek("Pod", namespace, pod)
            if obj is None:
                raise NotFoundError(f'pods "{pod}" not found')
            if not _running(obj, container):
                raise ConflictError(f'container not found ("{container}")')
            return self.execute({"op": "exec", "namespace": namespace, "pod": pod,  # type: ignore[return-value]
                                 "container": container, "argv": list(argv), "stdin": stdin, "tty": bool(tty)})

    def _exec(self, op: dict) -> dict:
        from .shell.pod import RUNTIME_ERROR, exec_chunks, runtime_not_found

        obj = self.cluster.store.peek("Pod", op["namespace"], op["pod"])
        if obj is None or not _running(obj, op["container"]):
            return {"error": f'container not found ("{op["container"]}")'}
        tty = bool(op.get("tty"))
        try:
            chunks, code = exec_chunks(self.cluster, obj, op["container"], list(op["argv"]), op.get("stdin") or "",
                                       tty=tty)
        finally:
            self.cluster.settle()
        if code == RUNTIME_ERROR:
            text = runtime_not_found(op["argv"][0]).stderr
            return {"error": text.strip().removeprefix("error: ").removeprefix("Internal error occurred: ")}
        return {"stdout": "".join(t for n, t in chunks if n == 1 or tty),
                "stderr": "".join(t for n, t in chunks if n == 2 and not tty), "exitCode": code,
                "output": "".join(t for _, t in chunks)}

    def _exec_line(self, command: str, stdin: str) -> dict | None:
        """A terminal line that is a plain ``kubectl exec`` starting a process: run as the exec
        operation (journalled with its input, the line itself is not), kubectl's text around the
        process's bytes; None for any other line (an error, an interactive session…)."""
        from .kubectl.verbs import exec as exec_verb
        from .shell.pod import RUNTIME_ERROR

        words = command.split()
        if words[:2] != ["kubectl", "exec"] or any(ch in command for ch in "|;&<>`"):
            return None
        planned = exec_verb.plan(self.cluster, command, stdin)
        if planned is None:
            return None
        self.sessions.reap()
        res = self.execute({"op": "exec", "namespace": planned.namespace, "pod": planned.pod,
                            "container": planned.container, "argv": list(planned.argv), "stdin": planned.stdin,
                            "tty": planned.tty})
        assert isinstance(res, dict)
        if "error" in res:
            result = exec_verb.finish(planned, f"error: Internal error occurred: {res['error']}\n", RUNTIME_ERROR)
        else:
            result = exec_verb.finish(planned, res["output"], int(res["exitCode"]))
        return {"output": result.output, "exitCode": result.exit_code}

    # -- kubectl edit in the page's editor ------------------------------------------------------------
    def _open_edit(self, result: Result, out: dict) -> None:
        request = getattr(result, "edit", None)
        if request is None:
            return
        while len(self.edits) >= MAX_OPEN_EDITS:  # the oldest is forgotten, as an editor window closed
            self.edits.pop(next(iter(self.edits)))
        edit_id = f"e{next(self._edit_ids)}"
        self.edits[edit_id] = request
        out["edit"] = {"id": edit_id, "file": request.file, "text": request.text}
        if getattr(request, "editor", None):  # ``vi FILE`` (not kubectl edit): the page says which program
            out["edit"]["editor"] = request.editor

    def finish_edit(self, edit_id: str, text: str) -> dict:
        """The page's editor closed on ``kubectl edit``'s file with ``text`` saved (the text as
        opened: cancelled): what kubectl prints then, and ``"edit"`` again when it re-opens the file."""
        with self.lock:
            if edit_id not in self.edits:
                raise NotFoundError(f"no open edit {edit_id}")
            return self.execute({"op": "edit", "id": edit_id, "text": text})  # type: ignore[return-value]

    def _finish_edit(self, op: dict) -> dict:
        request = self.edits.pop(op["id"], None)
        if request is None:
            return {"output": f"error: no open edit {op['id']}\n", "exitCode": 1}
        finish = getattr(request, "finish", None)  # ``vi FILE`` saves the file; ``kubectl edit`` patches
        result = finish(op["text"]) if finish is not None else finish_edit(self.cluster, request, op["text"])
        out: dict = {"output": result.output, "exitCode": result.exit_code}
        self._open_edit(result, out)
        return out

    # -- the terminal's following commands -----------------------------------------------------------
    def _open_terminal_stream(self, stream: Stream, owner: str, out: dict) -> None:
        while len(self.terminal_streams) >= MAX_TERMINAL_STREAMS:  # the oldest goes, as a closed terminal tab's
            self.terminal_streams.pop(next(iter(self.terminal_streams)))[0].hangup()
        stream_id = f"s{next(self._stream_ids)}"
        self.terminal_streams[stream_id] = (stream, owner)
        out["stream"] = {"id": stream_id}

    def poll_streams(self) -> list[tuple[str, dict]]:
        """(owner, ``{"id", "output", "done", "exitCode"}``) for each open stream that printed
        something or ended since the last poll; ended ones are closed (the lock must be held)."""
        out = []
        for stream_id, (stream, owner) in list(self.terminal_streams.items()):
            text = stream.poll()
            if text or stream.done:
                out.append((owner, {"id": stream_id, "output": text, "done": stream.done,
                                    "exitCode": stream.exit_code}))
            if stream.done:
                del self.terminal_streams[stream_id]
        return out

    def stop_stream(self, stream_id: str) -> dict:
        """Ctrl-C: what the stream still had to print, and kubectl's end by SIGINT (exit code 130).
        On a raw TTY (``kubectl run -it``/``attach -it`` on a process) the ``^C`` goes to the
        container instead: journalled (``interrupt``), since a shell ends and ``--rm`` deletes its
        pod; the command prints what it prints after its attach and exits as kubectl would."""
        with self.lock:
            if stream_id not in self.terminal_streams:
                raise NotFoundError(f"no open stream {stream_id}")
            stream, _owner = self.terminal_streams.pop(stream_id)
            tty = getattr(stream, "tty_target", None)
            if tty is not None and not stream.done:
                self.execute({"op": "interrupt", "namespace": tty[0], "pod": tty[1], "container": tty[2]})
            text = stream.poll() if not stream.done else ""
            if stream.done:
                return {"output": text, "exitCode": stream.exit_code}
            return {"output": text + (stream.stop() if tty is None else stream.hangup()), "exitCode": 130}

    def close_streams(self, owner: str) -> None:
        """The page that followed them has gone: its streams end."""
        with self.lock:
            for stream_id, (stream, who) in list(self.terminal_streams.items()):
                if who == owner:
                    stream.hangup()
                    del self.terminal_streams[stream_id]

    def _kubectl(self, line: str, stdin: str, follow: bool = False) -> Result:
        try:
            return kubectl_run(self.cluster, line, stdin, follow=follow)
        except Exception as e:
            # a bug in a verb or a control loop: the terminal says so instead of the request failing
            log.exception("sandbox %s: %r failed", self.id, line)
            return Result(f"error: internal error in kubeplay: {type(e).__name__}: {e}\n", 1)

    # -- the Kubernetes REST API (server.web.k8s) -------------------------------------------------
    def rest(self, method: str, group: str, version: str, path: str, query: dict[str, str], body: str,
             content_type: str, user_agent: str = "") -> apiserver.Answer:
        """A writing API request (POST, PUT, PATCH, DELETE) from a real client. Resolved first, so a
        request the apiserver refuses before touching anything is not journalled."""
        with self.lock:
            try:
                apiserver.resolve(method, group, version, [s for s in path.split("/") if s], query)
            except ApiError as e:
                return apiserver.status_error(e)
            return self.execute({"op": "rest", "method": method, "group": group, "version": version,  # type: ignore[return-value]
                                 "path": path, "query": query, "body": body, "contentType": content_type,
                                 "userAgent": user_agent})

    def _rest(self, op: dict) -> apiserver.Answer:
        req = apiserver.resolve(op["method"], op["group"], op["version"],
                                [s for s in op["path"].split("/") if s], op["query"])
        return apiserver.write(self.cluster, req, op["body"], op["contentType"], op.get("userAgent", ""))

    def open_stream(self, wake: threading.Event) -> None:
        with self.lock:
            self._streams.add(wake)

    def close_stream(self, wake: threading.Event) -> None:
        with self.lock:
            self._streams.discard(wake)

    def _wake_streams(self, _event: object) -> None:
        for wake in self._streams:
            wake.set()

    def apply(self, manifest: str) -> dict:
        with self.lock:
            return self.execute({"op": "apply", "manifest": manifest})  # type: ignore[return-value]

    def _apply(self, manifest: str) -> dict:
        """``kubectl apply -f -`` one document at a time, so each result (and each error) can be
        shown at its own place in the editor; ``line`` is 1-based in the editor's text."""
        results = []
        docs = split_documents(manifest)
        if not docs:
            out = self._kubectl("kubectl apply -f -", manifest)
            results.append({"line": 1, "endLine": 1, "ok": out.exit_code == 0, "output": out.output,
                            "exitCode": out.exit_code})
        for doc in docs:
            out = self._kubectl("kubectl apply -f -", doc.text)
            line = doc.first
            if out.exit_code != 0:
                m = _YAML_LINE.search(out.output) if "yaml" in out.output.lower() else None
                if m:
                    # the YAML error's line counts from the start of its document's chunk
                    line = min(doc.start + int(m.group(1)) - 1, doc.end)
            results.append({"line": line, "endLine": doc.end, "ok": out.exit_code == 0,
                            "output": out.output, "exitCode": out.exit_code})
        exit_code = 0 if all(r["ok"] for r in results) else 1
        return {"results": results, "output": "".join(r["output"] for r in results), "exitCode": exit_code}

    def advance(self, seconds: float) -> dict:
        with self.lock:
            start = self.cluster.clock.now()
            to = round(start + seconds, 6)
            report = self.on_progress
            if report is not None:
                step = start
                while step + PROGRESS_STEP < to:
                    step = round(step + PROGRESS_STEP, 6)
                    self.advance_to(step)
                    report(step - start, to - start)
            self.advance_to(to)
            return self.clock_state()

    def advance_to(self, to: float) -> None:
        """Move the clock to the absolute simulated time ``to`` (journalled; the lock must be held)."""
        if to > self.cluster.clock.now():
            self.execute({"op": "advance", "to": to})

    def set_clock(self, *, speed: float | None = None, paused: bool | None = None) -> dict:
        with self.lock:
            op: dict = {"op": "clock"}
            if speed is not None:
                op["speed"] = speed
            if paused is not None:
                op["paused"] = paused
            if len(op) > 1:
                self.execute(op)
            return self.clock_state()

    def clock_state(self) -> dict:
        return self.cluster.clock.state()

    def fail_node(self, name: str) -> None:
        with self.lock:
            self._require_machine(name)
            self.execute({"op": "fail", "node": name})

    def recover_node(self, name: str) -> None:
        with self.lock:
            self._require_machine(name)
            self.execute({"op": "recover", "node": name})

    def _require_machine(self, name: str) -> None:
        if name not in self.cluster.machines:
            raise NotFoundError(f'nodes "{name}" not found')

    # -- adding and removing nodes ---------------------------------------------------------------
    # Checked here, before anything is journalled, so a refused request leaves no trace; the
    # journal holds the resolved name, so a replay never depends on which default was free.
    def add_node(self, name: str | None = None) -> str:
        """A worker joins (``kubeadm join``): ``name`` or the first free ``nodeN``. Raises
        ``ValueError`` with the apiserver's wording for a bad name, ``ConflictError`` when taken."""
        with self.lock:
            if not name:
                name = self._free_node_name()
            if name in self.cluster.machines and self.cluster.store.peek("Node", "", name) is None:
                # ``kubectl delete node`` removes the object, not the computer behind it
                raise ConflictError(f'a machine named "{name}" is still running (its Node object was '
                                    "deleted): remove it first")
            cap = _presets.max_nodes(self.preset)
            if len(self.cluster.machines) >= cap:
                raise ConflictError(f"this playground runs at most {cap} nodes: remove one first")
            try:
                # the registration the kubelet would make, validated by the apiserver (dry run)
                self.cluster.api.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}},
                                        dry_run=True)
            except ApiError as e:
                if e.code == 409:
                    raise ConflictError(e.message) from e
                raise ValueError(e.message) from e
            self.execute({"op": "add-node", "node": name})
            return name

    def _free_node_name(self) -> str:
        n = 1
        while f"node{n}" in self.cluster.machines or self.cluster.store.peek("Node", "", f"node{n}") is not None:
            n += 1
        return f"node{n}"

    def remove_node(self, name: str) -> None:
        """The Node object is deleted and its machine goes away; the pods bound to it are left to
        the pod garbage collector (force-deleted 40 s after it notices), as in a real cluster."""
        with self.lock:
            node = self.cluster.store.peek("Node", "", name)
            if node is None and name not in self.cluster.machines:
                raise NotFoundError(f'nodes "{name}" not found')
            if self._control_plane(name, node):
                raise ConflictError(f'node "{name}" runs the control plane (kube-apiserver, etcd, the '
                                    "scheduler and the controllers): the cluster cannot go on without it, "
                                    "so it cannot be removed")
            self.execute({"op": "remove-node", "node": name})

    def _control_plane(self, name: str, node: dict | None) -> bool:
        labels = ((node or {}).get("metadata") or {}).get("labels") or {}
        return ("node-role.kubernetes.io/control-plane" in labels
                or self.cluster.store.peek("Pod", "kube-system", f"kube-apiserver-{name}") is not None)

    def _remove_node(self, name: str) -> None:
        self.cluster.remove_node(name)
        # a machine that is gone has no overlay links left to be broken
        try:
            faults = _net().faults
            for a, b in sorted(faults.broken(self.cluster)):
                if name in (a, b):
                    faults.heal_link(self.cluster, a, b)
        except NotImplementedError:
            pass
        self.cluster.settle()

    def kill_container(self, namespace: str, pod: str, container: str) -> None:
        with self.lock:
            obj = self.cluster.store.peek("Pod", namespace, pod)
            if obj is None:
                raise NotFoundError(f'pods "{pod}" not found')
            names = [c.get("name") for c in (obj.get("spec") or {}).get("containers") or []]
            if container not in names:
                raise NotFoundError(f'container "{container}" not found in pod "{pod}"')
            if not hasattr(self.cluster.controller("kubelet"), "kill_container"):
                raise NotImplementedError("this kubelet cannot kill containers yet")
            self.execute({"op": "kill", "namespace": namespace, "pod": pod, "container": container})

    # -- the pod panel's "App health": what the container's app answers its probes ---------------
    # The state lives with the container's process in the kubelet (a restart starts it healthy
    # again), so it is read from there; a change is journalled, as the probes it fails change the pod.
    def app_health(self, namespace: str, pod: str) -> dict[str, str]:
        """``{container: "healthy" | "unhealthy" | "slow"}`` for the pod's running containers."""
        with self.lock:
            kubelet = self.cluster.controller("kubelet")
            out = {}
            for name in self._require_pod(namespace, pod):
                state = kubelet.app_health(namespace, pod, name)  # type: ignore[attr-defined]
                if state is not None:
                    out[name] = state[0]
            return out

    def set_app_health(self, namespace: str, pod: str, container: str, health: str) -> dict[str, str]:
        """Make a running container's app answer its probes well, badly (HTTP 500, refused
        connections) or slower than any probe waits (``APP_SLOW_SECONDS``); the pod's states."""
        if health not in APP_HEALTH:
            raise ValueError(f'"health" must be one of {", ".join(APP_HEALTH)}')
        with self.lock:
            names = self._require_pod(namespace, pod)
            if container not in names:
                raise NotFoundError(f'container "{container}" not found in pod "{pod}"')
            if self.cluster.controller("kubelet").app_health(namespace, pod, container) is None:  # type: ignore[attr-defined]
                raise ConflictError(f'container "{container}" of pod "{pod}" is not running')
            self.execute({"op": "app-health", "namespace": namespace, "pod": pod, "container": container,
                          "health": health})
        return self.app_health(namespace, pod)

    def _set_app_health(self, op: dict) -> None:
        kubelet = self.cluster.controller("kubelet")
        ns, pod, name = op["namespace"], op["pod"], op["container"]
        kubelet.set_healthy(ns, pod, name, False if op["health"] == "unhealthy" else None)  # type: ignore[attr-defined]
        kubelet.set_slow(ns, pod, name, APP_SLOW_SECONDS if op["health"] == "slow" else 0.0)  # type: ignore[attr-defined]

    def _require_pod(self, namespace: str, pod: str) -> list[str]:
        obj = self.cluster.store.peek("Pod", namespace, pod)
        if obj is None:
            raise NotFoundError(f'pods "{pod}" not found')
        return [c.get("name") for c in (obj.get("spec") or {}).get("containers") or []]

    # -- the simulated registry: the user's own images -----------------------------------------
    def add_image(self, doc: dict) -> dict:
        """Publish a user's image (``{"kind": "Image", "name", "tag", "ports", "answer"|"answers",
        "logs"}``) to the cluster's registry, so pods can pull and run it. Checked on a scratch
        registry first, so a refused document is not journalled. Raises ValueError with what is wrong."""
        doc = image_doc(doc)
        try:
            Registry().add_from_manifest(doc)
        except (TypeError, AttributeError) as e:  # a status or size that is no number, a path list …
            raise ValueError(f"the image document is malformed: {e}") from e
        with self.lock:
            return self.execute({"op": "image", "doc": doc})  # type: ignore[return-value]

    def image_info(self, ref: str) -> dict:
        """Whether the registry can serve ``ref``: ``{"ref", "known", "note"}`` (``note`` is
        kubeplay's line for an image it does not have, as ``describe pod`` shows it)."""
        with self.lock:
            registry = self.cluster.registry
            known = registry.knows(ref)
            return {"ref": normalize(ref), "known": known, "note": None if known else registry.missing_note(ref)}

    def objects(self) -> dict:
        with self.lock:
            return {"rv": self.cluster.store.rv, "objects": self.cluster.store.dump()["objects"],
                    "clock": self.clock_state()}

    # -- network operations: traffic, overlay faults, the load-balancer pool -------------------
    # They change the cluster outside kubectl (requests consume the seeded RNG, append to logs and
    # to the traffic log), so they are journalled like any other operation and replay exactly.
    def send_traffic(self, source: object, target: str, count: int) -> dict:
        with self.lock:
            net = _net()
            _source(self.cluster, net, source)  # refuse a bad client before journalling anything
            return self.execute({"op": "traffic", "from": source, "to": target, "count": count})  # type: ignore[return-value]

    def _traffic(self, op: dict) -> dict:
        net = _net()
        source = _source(self.cluster, net, op["from"])
        sent = net.traffic.send(self.cluster, source, op["to"], int(op["count"]))
        records = [traffic_record(r) for r in net.traffic.since(self.cluster, sent["first_id"] - 1)]
        # how the requests spread over the pods that answered, and how many failed, by error:
        # the histogram the page draws
        return {"requests": records, "count": sent["ok"] + sent["failed"], "ok": sent["ok"],
                "distribution": [{"pod": _short(k), "count": v} for k, v in sent["pods"].items()],
                "errors": [{"error": k, "count": v} for k, v in sent["errors"].items()]}

    def portforward(self, namespace: str, pod: str, port: int, request: dict | None = None) -> dict:
        """A ``kubectl port-forward`` connection: the kubelet's runtime dials ``localhost:port``
        inside the pod's network namespace. Without ``request`` only that connect is tried (it
        changes nothing and is not journalled): ``{}`` or ``{"error": "Connection refused"}``.
        With ``request`` (``{"method", "path", "host", "userAgent"}``, one HTTP request read off
        the connection) the app listening there answers it — journalled, since it writes the app's
        log and the traffic log and may draw on the seeded RNG: ``{"status", "headers", "body",
        "error"}``, ``error`` being set when the connection failed or the app does not speak HTTP."""
        with self.lock:
            route = _loopback(self.cluster, _net(), namespace, pod, int(port))
            if not route.ok:
                return {"error": route.error}
            if request is None:
                return {}
            return self.execute({"op": "portforward", "namespace": namespace, "pod": pod,  # type: ignore[return-value]
                                 "port": int(port), "request": request})

    def _portforward(self, op: dict) -> dict:
        from .sim.net import apps

        net = _net()
        req = op["request"]
        route = _loopback(self.cluster, net, op["namespace"], op["pod"], op["port"])
        source = net.proxy.Source.pod(op["namespace"], op["pod"])
        target = f"localhost:{op['port']}{req['path']}" if op["port"] != 80 else f"localhost{req['path']}"
        if not route.ok:
            net.traffic.record(self.cluster, kind="http", source=source, target=target, route=route, ok=False,
                               error=route.error)
            return {"status": None, "headers": {}, "body": "", "error": route.error}
        res = apps._serve(self.cluster, route, req["method"], req["path"], req["host"], req["userAgent"])
        net.traffic.record(self.cluster, kind="http", source=source, target=target, route=res.route,
                           ok=res.error is None, error=res.error, status=res.status)
        return {"status": res.status, "headers": dict(res.headers), "body": res.body, "error": res.error}

    def set_overlay(self, a: str, b: str, broken: bool) -> dict:
        with self.lock:
            _net()
            for name in (a, b):
                if self.cluster.store.peek("Node", "", name) is None and name not in self.cluster.machines:
                    raise NotFoundError(f'nodes "{name}" not found')
            if a == b:
                raise ValueError("a node's overlay link to itself cannot break")
            self.execute({"op": "overlay", "a": a, "b": b, "broken": broken})
            return self.network_state()

    def _overlay(self, op: dict) -> None:
        faults = _net().faults
        (faults.break_link if op["broken"] else faults.heal_link)(self.cluster, op["a"], op["b"])
        self.cluster.settle()

    def set_lb_pool(self, enabled: bool) -> dict:
        with self.lock:
            if not hasattr(self.cluster, "set_lb_pool"):
                raise NotImplementedError("this cluster has no load-balancer pool yet")
            self.execute({"op": "lbpool", "enabled": enabled})
            return self.network_state()

    def set_addon(self, name: str, enabled: bool) -> dict[str, bool]:
        """Switch a cluster add-on (``server/sim/addons.py``) on or off; every add-on's state."""
        from .sim import addons

        with self.lock:
            if name not in addons.ADDONS:
                raise NotFoundError(f'addon "{name}" does not exist')
            self.execute({"op": "addon", "name": name, "enabled": enabled})
            return addons.states(self.cluster)

    def addon_states(self) -> dict[str, bool]:
        from .sim import addons

        with self.lock:
            return addons.states(self.cluster)

    def _lbpool(self, op: dict) -> None:
        self.cluster.set_lb_pool(op["enabled"])  # type: ignore[attr-defined]
        self.cluster.settle()

    def network_state(self) -> dict:
        """What the page draws besides the API objects: broken overlay links, the LB pool switch."""
        with self.lock:
            broken: list[list[str]] = []
            try:
                broken = sorted(sorted(pair) for pair in _net().faults.broken(self.cluster))
            except (NotImplementedError, AttributeError):
                pass
            return {"overlay": {"broken": broken}, "lbPool": {"enabled": lb_pool_enabled(self.cluster)}}

    def traffic_since(self, last_id: int | None) -> list[dict]:
        """Traffic-log records after ``last_id`` (all that the bounded log still holds for None)."""
        try:
            net = _net()
        except NotImplementedError:
            return []
        if getattr(self.cluster, "traffic", None) is None:
            return []
        return [traffic_record(r) for r in net.traffic.since(self.cluster, last_id or 0)]

    def followed(self) -> bool:
        """Whether anything follows the sandbox now: a page, an API watch or followed log, a
        terminal's following command, its live clock."""
        return bool(self.watchers or self._streams or self.terminal_streams or self.ticker_running)

    # -- replay --------------------------------------------------------------------------------
    def replay(self, ops: list[dict]) -> None:
        """Perform journalled operations again (``record=False``); JournalError (naming the row,
        ``row N``, and its field) before anything runs when a row is not an operation that can be
        performed: a field missing or of the wrong kind. An operation that is well formed but fails
        (a node that did not exist, a command's error) failed live too, at the same point."""
        for number, op in enumerate(ops, 1):
            check_op(op, f"row {number}", JOURNAL_OPERATIONS)
        with self.lock:
            for op in ops:
                try:
                    self.execute(op, record=False)
                except Exception:  # noqa: BLE001 — it failed live too, at the same point
                    log.debug("sandbox %s: replayed op %s failed as it did live", self.id, op["op"], exc_info=True)
            self.sent_rv = self.cluster.store.rv
            self.sent_time = self.cluster.clock.now()
            recent = self.traffic_since(None)
            self.sent_traffic = recent[-1]["id"] if recent else 0


# -- app health and images -------------------------------------------------------------------
#: the pod panel's choices for a container's app
APP_HEALTH = ("healthy", "unhealthy", "slow")
#: how long a "slow" app takes to answer: longer than any probe's usual timeoutSeconds (1-10 s)
APP_SLOW_SECONDS = 30.0


def _running(pod: dict, container: str) -> bool:
    """The container (a regular, init or ephemeral one) is running."""
    from .shell.pod import container_status

    return "running" in (container_status(pod, container).get("state") or {})


def image_doc(body: dict) -> dict:
    """The page's image form (``answer``: what it serves on ``/``) as the registry's ``kind: Image``
    document; ValueError for what the registry would not read as meant (the name's grammar is
    the registry's own check, ``Registry.add_from_manifest``)."""
    if body.get("kind", "Image") != "Image":
        raise ValueError('kind: Unsupported value: only "Image" documents describe images')
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("name: Required value")
    name = name.strip()
    doc: dict = {"kind": "Image", "name": name}
    tag = body.get("tag")
    if tag not in (None, ""):
        if not isinstance(tag, str):
            raise ValueError("tag: must be a string")
        doc["tag"] = tag.strip()
    ports = body.get("ports")
    if isinstance(ports, list) and any(isinstance(p, bool) for p in ports):
        raise ValueError("ports: must be a list of port numbers")
    for field in ("ports", "logs", "size"):
        if body.get(field) is not None:
            doc[field] = body[field]
    if isinstance(doc.get("logs"), list) and not all(isinstance(x, str) for x in doc["logs"]):
        raise ValueError("logs: must be a list of lines")
    answers = body.get("answers")
    if answers is not None and not isinstance(answers, dict):
        raise ValueError("answers: must be a mapping of paths to answers")
    answer = body.get("answer")
    if answer is not None:
        if not isinstance(answer, str):
            raise ValueError("answer: must be a string")
        answers = {"/": answer, **(answers or {})}
    if answers:
        doc["answers"] = answers
    return doc


def image_record(img: Image) -> dict:
    """An image as the API answers it."""
    return {"ref": img.ref, "repository": img.repository, "tag": img.tag, "ports": list(img.ports),
            "digest": img.digest, "logs": list(img.log_lines),
            "answers": [{"path": p, "status": st, "body": b} for p, st, b in img.answers]}


# -- network helpers ---------------------------------------------------------------------------
NETWORK_OPS = {"traffic": "_traffic", "overlay": "_overlay", "lbpool": "_lbpool", "portforward": "_portforward"}


def _net():  # noqa: ANN202 — a namespace of the simulation's networking modules
    """``server.sim.net``'s traffic, faults and proxy modules (refused as "not implemented" until
    the simulation has them)."""
    try:
        from .sim.net import faults, proxy, traffic
    except ImportError as e:
        raise NotImplementedError(f"this cluster has no network simulation yet ({e})") from e

    class Net:
        pass

    net = Net()
    net.faults, net.proxy, net.traffic = faults, proxy, traffic  # type: ignore[attr-defined]
    return net


def _source(cluster: Cluster, net: object, source: object) -> object:
    """The client of a request: ``{"pod": "ns/name"}``, ``{"node": "node1"}`` or ``"outside"``."""
    Source = net.proxy.Source  # type: ignore[attr-defined]
    if source == "outside":
        return Source.outside()
    if isinstance(source, dict) and len(source) == 1:
        if isinstance(source.get("pod"), str):
            ns, _, name = source["pod"].rpartition("/")
            ns = ns or "default"
            if cluster.store.peek("Pod", ns, name) is None:
                raise NotFoundError(f'pods "{name}" not found')
            return Source.pod(ns, name)
        if isinstance(source.get("node"), str):
            if source["node"] not in cluster.machines:
                raise NotFoundError(f'nodes "{source["node"]}" not found')
            return Source.node(source["node"])
    raise ValueError('"from" must be {"pod": "namespace/name"}, {"node": "name"} or "outside"')


def _loopback(cluster: Cluster, net: object, namespace: str, pod: str, port: int) -> object:
    """The route of a connection to ``localhost:port`` made inside the pod's own network
    namespace (how the kubelet's runtime reaches the app for a port-forward): the very route the
    pod's own ``curl localhost`` takes (``proxy.route`` to 127.0.0.1 from the pod: its
    containers' ports, or the node's for a hostNetwork pod; loopback, which no NetworkPolicy
    sees), the app seeing ``127.0.0.1`` as its client."""
    proxy = net.proxy  # type: ignore[attr-defined]
    obj = cluster.store.peek("Pod", namespace, pod)
    if obj is None:
        raise NotFoundError(f'pods "{pod}" not found')
    if not (obj.get("status") or {}).get("podIP"):  # no sandbox, no network namespace: nothing listens
        return proxy.Route(ok=False, error=proxy.REFUSED, dest_ip="127.0.0.1", dest_port=port)
    return proxy.route(cluster, proxy.Source.pod(namespace, pod), "127.0.0.1", port)


def _short(ref: str | None) -> str | None:
    """``default/name`` → ``name``; other namespaces keep theirs (how the page names things)."""
    if not ref:
        return None
    ns, _, name = ref.rpartition("/")
    return name if ns in ("", "default") else ref


def traffic_record(rec: dict) -> dict:
    """One traffic-log record as JSON for the page: the log's own fields, with the client named
    as the page names it (``busybox``, ``node1``, ``outside``) and pods without ``default/``."""
    source = str(rec.get("source") or "outside")
    kind, _, rest = source.partition("/")
    return {
        "id": rec["id"], "time": rec.get("time"), "source": _short(rest) if rest else source,
        "sourceKind": kind if rest else source, "target": rec.get("target") or "",
        "service": _short(rec.get("service")), "pod": _short(rec.get("pod")), "node": rec.get("node"),
        "hops": [dict(h) for h in rec.get("hops") or []], "failedAt": rec.get("failed_at"),
        "ok": bool(rec.get("ok")), "error": rec.get("error"), "status": rec.get("status"),
    }


def lb_pool_enabled(cluster: Cluster) -> bool:
    try:
        ctl = cluster.controller("loadbalancer-controller")
    except KeyError:
        return False
    return getattr(ctl, "pool", None) is not None


# -- the registry ------------------------------------------------------------------------------
class SandboxUnavailable(Exception):
    """A sandbox whose journal cannot be restored: it is set aside, the others serve."""

    def __init__(self, sandbox_id: str, reason: str) -> None:
        super().__init__(f"sandbox {sandbox_id} is set aside: {reason}")
        self.sandbox_id = sandbox_id
        self.reason = reason


class SandboxElsewhere(Exception):
    """A sandbox another live worker owns (several workers, ``server.placement``): ``address`` is
    where it is served."""

    def __init__(self, sandbox_id: str, address: str) -> None:
        super().__init__(f"sandbox {sandbox_id} is served by the worker at {address}")
        self.sandbox_id = sandbox_id
        self.address = address


class SandboxLimit(Exception):
    """A new sandbox refused: the server holds ``Limits.max_sandboxes`` already, or the client made
    ``Limits.max_sandboxes_per_client`` within ``Limits.sandbox_window``. The message names the limit
    (the web layer answers 429)."""


class Sandboxes:
    """Every sandbox of this server: created on request, loaded from the journal on first access.

    New sandboxes (``create``, ``fork``, ``import_journal``) are refused before anything is built
    when ``limits`` say so: the sandboxes held in memory (loading a journalled one is never refused),
    and the ones each client (the address the web layer names) created within the last
    ``sandbox_window`` seconds of ``clock`` (a monotonic wall clock: the registry's, never a sandbox's)."""

    def __init__(self, journal: Journal, examples: dict[str, str], *, seed: int | None = None,
                 start: float | None = None, limits: Limits | None = None,
                 clock: Callable[[], float] = time.monotonic, placement: Placement | None = None) -> None:
        self.journal = journal
        #: with several workers sharing the journal: who owns which sandbox (None: this server alone)
        self.placement = placement
        self.limits = limits or Limits()
        self._clock = clock
        #: client → when each of its recent sandboxes was created (oldest first, within the window)
        self._recent: dict[str, deque[float]] = {}
        self.examples = examples
        self.workspace = workspace_files(examples)
        #: fixed seed/start for every new sandbox (tests); otherwise chosen per sandbox
        self.fixed_seed = seed
        self.fixed_start = start
        self._live: dict[str, Sandbox] = {}
        #: sandboxes being replayed now: id -> set when its replay ends (``get``)
        self._loading: dict[str, threading.Event] = {}
        #: sandboxes set aside: id -> why (``SandboxUnavailable``)
        self._unavailable: dict[str, str] = {}
        #: the loaded sandboxes by their last use (``_clock``), least recently used first (``unload_idle``)
        self._used: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.RLock()
        #: the timeline's read-only views, server-wide (each is a whole cluster): (sandbox id, rows
        #: replayed whole, t) → view, least recently used out first past ``PAST_VIEWS``
        self._past_views: OrderedDict[tuple[str, int, float], Sandbox] = OrderedDict()
        self._past_lock = threading.Lock()

    def _bounded(self, sandbox: Sandbox) -> Sandbox:
        """The sandbox's store capacity from the limits (objects, pods: ``Api.capacity``), set before
        anything runs on it, so a replay meets the same refusals as the live run did."""
        sandbox.cluster.api.capacity = (self.limits.max_objects, self.limits.max_pods)
        return sandbox

    def _admit(self, client: str | None) -> None:
        """Count one new sandbox (for ``client``, when named), or SandboxLimit; under ``_lock``."""
        most, each, window = self.limits.max_sandboxes, self.limits.max_sandboxes_per_client, self.limits.sandbox_window
        if most and len(self._live) >= most:
            raise SandboxLimit(f"this server holds its limit of {most} sandboxes: no new one can be "
                               "created now (reuse an open one, or try again later)")
        if client is None or not each:
            return
        now = self._clock()
        if len(self._recent) > RECENT_CLIENTS:  # forget the clients whose window has passed (amortised)
            for name in [c for c, times in self._recent.items() if times[-1] <= now - window]:
                del self._recent[name]
        times = self._recent.setdefault(client, deque())
        while times and times[0] <= now - window:
            times.popleft()
        if len(times) >= each:
            wait = max(1, math.ceil(times[0] + window - now))
            raise SandboxLimit(f"this client has created its limit of {each} sandboxes in {window:g} s: "
                               f"no new one can be created for {wait} s (reuse an open one)")
        times.append(now)

    def create(self, preset: str = DEFAULT_PRESET, *, client: str | None = None) -> Sandbox:
        """A fresh sandbox of ``preset``; SandboxLimit past the server's or ``client``'s limit."""
        with self._lock:
            self._admit(client)
        sandbox_id = secrets.token_urlsafe(16)
        seed = self.fixed_seed if self.fixed_seed is not None else secrets.randbelow(2**31)
        # the simulated cluster starts at the wall-clock second it was created, so AGE and
        # timestamps look like a real cluster's; the sandbox never reads the wall clock again
        start = self.fixed_start if self.fixed_start is not None else float(int(time.time()))
        sandbox = self._bounded(Sandbox(sandbox_id, seed, start, self.workspace, self.journal, preset))
        with self._lock:
            self.journal.add_sandbox(sandbox_id, seed, start)
            if preset != DEFAULT_PRESET:
                self.journal.append(sandbox_id, {"op": "preset", "name": preset})
            # with several workers the new sandbox is nobody's yet: the worker the router sends its
            # first request to takes it (routing is by id, which the router could not know before)
            if self.placement is None:
                self._live[sandbox_id] = sandbox
                self._touch(sandbox_id)
        return sandbox

    def get(self, sandbox_id: str) -> Sandbox | None:
        """The sandbox of that id (None for none), rebuilt from its journal on first access; or
        SandboxUnavailable for one set aside (its journal cannot be restored: said once in the log,
        then answered at once). The replay runs outside the registry's lock — other sandboxes are
        found, created and loaded meanwhile — and once: a second request for the same sandbox waits
        for the first one's replay."""
        while True:
            with self._lock:
                sandbox = self._live.get(sandbox_id)
                if sandbox is not None and sandbox.stale:
                    del self._live[sandbox_id], self._used[sandbox_id]
                    sandbox = None
            # with several workers the claim is a Redis round trip: never under the registry's lock
            if sandbox is not None and not self._owned(sandbox_id):
                with self._lock:
                    if self._live.get(sandbox_id) is sandbox:
                        self._touch(sandbox_id)
                        return sandbox
                continue  # dropped meanwhile (unloaded, or found stale): look again
            with self._lock:
                if sandbox_id in self._live:
                    continue  # loaded meanwhile by another request
                if sandbox_id in self._unavailable:
                    raise SandboxUnavailable(sandbox_id, self._unavailable[sandbox_id])
                gate = self._loading.get(sandbox_id)
                if gate is None:
                    gate = self._loading[sandbox_id] = threading.Event()
                    break
            gate.wait()
        sandbox = None
        try:
            sandbox = self._load(sandbox_id)
        finally:
            with self._lock:
                if sandbox is not None:
                    self._live[sandbox_id] = sandbox
                    self._touch(sandbox_id)
                del self._loading[sandbox_id]
            gate.set()
        return sandbox

    def _load(self, sandbox_id: str) -> Sandbox | None:
        """The sandbox replayed from its journal (None for no such sandbox); SandboxUnavailable,
        remembered, for one set aside or whose rows cannot be read or replayed."""
        row = self.journal.sandbox(sandbox_id)
        if row is None:
            return None
        self._owned(sandbox_id)
        reason = self.journal.damaged(sandbox_id)
        if reason is None:
            try:
                ops = list(self.journal.ops(row.id))
                preset = _preset_of(ops)
                if preset not in _presets.PRESETS:
                    raise JournalError("row 1.name", f'must be one of {", ".join(_presets.PRESETS)}')
                sandbox = self._bounded(Sandbox(row.id, row.seed, row.start, self.workspace, self.journal, preset))
                sandbox.replay(ops)
                return sandbox
            except (JournalError, JournalReadError) as e:
                reason = f"its journal cannot be restored: {e}"
                self.journal.set_aside(sandbox_id, reason)
        log.error("sandbox %s is set aside: %s", sandbox_id, reason)
        with self._lock:
            self._unavailable[sandbox_id] = reason
        raise SandboxUnavailable(sandbox_id, reason)

    def loaded(self) -> list[Sandbox]:
        with self._lock:
            return list(self._live.values())

    def _owned(self, sandbox_id: str) -> bool:
        """With several workers: claim the sandbox for this one, or SandboxElsewhere naming the live
        worker that owns it; True when a copy held here is no longer to be trusted (another worker
        owns it, or may have changed it since this one last did): it is dropped."""
        if self.placement is None:
            return False
        taken, address = self.placement.claim(sandbox_id)
        if taken or address is not None:
            with self._lock:
                if self._live.pop(sandbox_id, None) is not None:
                    self._used.pop(sandbox_id, None)
                    log.info("sandbox %s: owned elsewhere meanwhile, the copy here is dropped", sandbox_id)
                    if address is None:
                        return True
        if address is not None:
            raise SandboxElsewhere(sandbox_id, address)
        return False

    def _touch(self, sandbox_id: str) -> None:
        """The sandbox was used now (under ``_lock``)."""
        self._used[sandbox_id] = self._clock()
        self._used.move_to_end(sandbox_id)

    def unload_idle(self) -> list[str]:
        """Drop from memory the sandboxes unused for ``limits.idle_unload`` seconds that nothing
        follows (``Sandbox.followed``) and no request holds now; their ids. Their journal stays: the
        next request replays it (``get``). Looks only at the least recently used ones, up to the first
        one used since; a followed or held one counts as used now."""
        idle = self.limits.idle_unload
        if not idle:
            return []
        gone = []
        with self._lock:
            now = self._clock()
            for sandbox_id, used in list(self._used.items()):
                if now - used < idle:
                    break
                sandbox = self._live[sandbox_id]
                if not sandbox.lock.acquire(blocking=False):
                    self._touch(sandbox_id)  # a request holds it now: it is in use
                    continue
                try:
                    if sandbox.followed():
                        self._touch(sandbox_id)
                        continue
                    del self._live[sandbox_id], self._used[sandbox_id]
                    gone.append(sandbox_id)
                finally:
                    sandbox.lock.release()
        for sandbox_id in gone:
            if self.placement is not None:
                self.placement.release(sandbox_id)
            log.info("sandbox %s unloaded after %g s unused", sandbox_id, idle)
        return gone

    # -- fork, share, export, import -----------------------------------------------------------
    def _replayed(self, seed: int, start: float, preset: str, ops: list[dict], client: str | None = None) -> Sandbox:
        """A new sandbox (a new id) built from a journal: its log stored whole, then replayed;
        SandboxLimit (before any replay) past the server's or ``client``'s limit."""
        with self._lock:
            self._admit(client)
        sandbox_id = secrets.token_urlsafe(16)
        if preset != DEFAULT_PRESET:
            ops = [{"op": "preset", "name": preset}, *ops]
        sandbox = self._bounded(Sandbox(sandbox_id, seed, start, self.workspace, self.journal, preset))
        sandbox.replay(ops)
        with self._lock:
            self.journal.add_sandbox_with_ops(sandbox_id, seed, start, ops)
            if self.placement is None:  # with several workers, nobody's until its first request
                self._live[sandbox_id] = sandbox
                self._touch(sandbox_id)
        return sandbox

    def fork(self, source: Sandbox, at: float | None = None, *, client: str | None = None) -> Sandbox:
        """A copy of ``source`` as it is now: its journal up to this instant, replayed on a new sandbox
        (deterministic, so the copy's objects equal the source's at the fork, byte for byte). With
        ``at`` (a virtual time from its start to now), a copy of the moment the timeline shows there:
        the journal's prefix up to ``at`` (``past_ops``), journalled whole as the new sandbox's own;
        TimelineError (field ``at``) or ReplayTooLong as ``at`` says."""
        if at is not None:
            rows, times, now = self._journal_now(source)
            ops, _whole = past_ops(rows, times, source.start, check_moment(at, source.start, now, "at"))
            return self._replayed(source.seed, source.start, source.preset, _without_preset(ops), client)
        with source.lock:
            doc = self.export(source)
        return self._replayed(doc["seed"], doc["start"], doc["preset"], doc["ops"], client)

    # -- the timeline: the sandbox's past, from its journal -------------------------------------
    def _journal_now(self, sandbox: Sandbox) -> tuple[list[dict], list[float], float]:
        """The sandbox's journal rows, when its operations began (``Sandbox.op_times``) and its
        clock, read together under its lock (a replay of the past then runs without it)."""
        with sandbox.lock:
            return list(self.journal.ops(sandbox.id)), list(sandbox.op_times), sandbox.cluster.clock.now()

    def moments(self, sandbox: Sandbox) -> dict:
        """The timeline: ``{"start", "now", "marks": [{"time", "text", "op", "index"}]}`` — virtual
        epoch seconds; a mark per journalled operation a user did (``mark_text``: not the clock's
        advances, speed or pause), when it began, ``index`` its row in the journal."""
        rows, times, now = self._journal_now(sandbox)
        marks = []
        for index, began, row in _timed(rows, times, sandbox.start):
            text = mark_text(row)
            if text is not None:
                marks.append({"time": began, "text": text, "op": row["op"], "index": index})
        return {"start": sandbox.start, "now": now, "marks": marks}

    def at(self, sandbox: Sandbox, t: float) -> Sandbox:
        """A read-only view of ``sandbox`` at virtual time ``t`` (from its start to now): the
        journal's prefix (``past_ops``) replayed on a scratch sandbox, which is never journalled
        (its journal refuses writes) nor listed. The last few views of the whole server are kept
        (``PAST_VIEWS``, least recently used out first), keyed by the sandbox, the rows replayed whole
        and ``t``: each is a whole cluster, so their memory is bounded whatever the sandboxes.
        TimelineError for a ``t`` outside the sandbox's time, ReplayTooLong past the replay bounds."""
        rows, times, now = self._journal_now(sandbox)
        t = check_moment(t, sandbox.start, now)
        ops, whole = past_ops(rows, times, sandbox.start, t)
        key = (sandbox.id, whole, t)
        with self._past_lock:
            view = self._past_views.get(key)
            if view is not None:
                self._past_views.move_to_end(key)
                return view
        view = Sandbox(f"{sandbox.id}@{t}", sandbox.seed, sandbox.start, self.workspace, _PAST_JOURNAL,  # type: ignore[arg-type]
                       _preset_of(rows))
        view.replay(ops)
        with self._past_lock:
            self._past_views[key] = view
            while len(self._past_views) > PAST_VIEWS:
                self._past_views.popitem(last=False)
        return view

    def export(self, sandbox: Sandbox) -> dict:
        """The sandbox's journal as a file: ``{"kind", "version", "seed", "start", "preset", "ops"}``
        (``ops`` without the leading ``preset`` operation, which ``preset`` says)."""
        with sandbox.lock:
            ops = list(self.journal.ops(sandbox.id))
        if ops and ops[0].get("op") == "preset":
            ops = ops[1:]
        return {"kind": EXPORT_KIND, "version": EXPORT_VERSION, "seed": sandbox.seed, "start": sandbox.start,
                "preset": sandbox.preset, "ops": ops}

    def import_journal(self, doc: object, *, client: str | None = None) -> Sandbox:
        """A new sandbox replayed from an exported file; JournalError (naming the field) for a file
        that is not one."""
        seed, start, preset, ops = check_export(doc)
        return self._replayed(seed, start, preset, ops, client)

    def share(self, sandbox: Sandbox) -> str:
        """The sandbox's read-only token (made on the first share, the same one afterwards)."""
        return self.journal.share_token(sandbox.id) or self.journal.add_share(secrets.token_urlsafe(16), sandbox.id)

    def by_token(self, token: str) -> Sandbox | None:
        """The sandbox a read-only token shows (None for no such token)."""
        sandbox_id = self.journal.shared_sandbox(token)
        return self.get(sandbox_id) if sandbox_id is not None else None


# -- the timeline ------------------------------------------------------------------------------
#: the most journal rows a view of the past (or a fork from it) replays, and the longest simulated
#: span from the sandbox's start: a replay runs every controller all that way again (about 0.1 s
#: per simulated hour and 1 ms per operation for the default cluster, more with many pods), so a
#: moment beyond either is refused rather than holding a worker for minutes
MAX_PAST_OPS = 5000
MAX_PAST_SPAN = 24 * 3600.0
#: views of the past kept by the whole server (each is a whole cluster)
PAST_VIEWS = 8


class TimelineError(ValueError):
    """A moment that is not one of the sandbox's: ``field`` names the request's field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class ReplayTooLong(ConflictError):
    """A moment whose replay would exceed ``MAX_PAST_OPS`` or ``MAX_PAST_SPAN``."""


class _PastJournal:
    """The journal of a view of the past: nothing it does is ever recorded."""

    def append(self, sandbox_id: str, op: dict) -> None:
        raise RuntimeError("a view of the past is read-only")


_PAST_JOURNAL = _PastJournal()


def check_moment(t: object, start: float, now: float, field: str = "t") -> float:
    """``t`` as a moment of a sandbox that started at ``start`` and is at ``now`` (rounded to the
    microsecond, as the clock's own steps are); TimelineError (field ``t``) for no number or one
    outside ``[start, now]`` (``field`` names it in the message), ReplayTooLong beyond
    ``MAX_PAST_SPAN`` after the start."""
    if not _finite(t):
        raise TimelineError(field, f'field "{field}" must be a virtual time in epoch seconds')
    t = round(float(t), 6)  # type: ignore[arg-type]
    if not start <= t <= now:
        raise TimelineError(field, f'field "{field}" must be a virtual time between the sandbox\'s start '
                                   f'({_seconds(start)}) and now ({_seconds(now)})')
    if t - start > MAX_PAST_SPAN:
        raise ReplayTooLong(f"this moment is {_seconds(t - start)} s after the sandbox's start: the timeline replays at most "
                            f"{MAX_PAST_SPAN:g} s of simulated time (fork or export the sandbox instead)")
    return t


def _seconds(t: float) -> str:
    """Epoch seconds as the clock's steps write them: to the microsecond, no trailing zeros."""
    return f"{t:.6f}".rstrip("0").rstrip(".")


def _timed(rows: list[dict], times: list[float], start: float) -> list[tuple[int, float, dict]]:
    """``(row index, when it began, row)`` for each journal row other than ``advance`` and
    ``preset``: from ``times`` (``Sandbox.op_times``), or where the clock's last advance left it
    for a row the list does not reach."""
    out = []
    clock = start
    k = 0
    for index, row in enumerate(rows):
        kind = row.get("op")
        if kind == "advance":
            clock = max(clock, row["to"])
        elif kind != "preset":
            out.append((index, times[k] if k < len(times) else clock, row))
            k += 1
    return out


def past_ops(rows: list[dict], times: list[float], start: float, t: float) -> tuple[list[dict], int]:
    """The operations that rebuild a sandbox as it was at ``t`` — every row that began at or before
    ``t`` (an advance that ends by then; the ``preset`` row), then an advance to ``t`` — and how
    many of them are the journal's own rows, replayed whole (the rest is the cut advance). An
    operation that ran the clock itself (``sleep 60``, ``watchSeconds``) replays whole, so a view
    inside it shows its end: the view's clock says which moment it is. ReplayTooLong past
    ``MAX_PAST_OPS`` rows."""
    began = {index: when for index, when, _row in _timed(rows, times, start)}
    out: list[dict] = []
    clock = start
    for index, row in enumerate(rows):
        if row.get("op") == "advance":
            if row["to"] > t:
                break
            clock = max(clock, row["to"])
        elif began.get(index, start) > t:
            break
        out.append(row)
    if len(out) > MAX_PAST_OPS:
        raise ReplayTooLong(f"this moment is {len(out)} operations into the sandbox's journal: the timeline "
                            f"replays at most {MAX_PAST_OPS} (fork or export the sandbox instead)")
    whole = len(out)
    if clock < t:
        out.append({"op": "advance", "to": t})
    return out, whole


def _preset_of(rows: list[dict]) -> str:
    return rows[0]["name"] if rows and rows[0].get("op") == "preset" else DEFAULT_PRESET


#: clients the registry remembers before it forgets those past their window
RECENT_CLIENTS = 10_000


def _without_preset(ops: list[dict]) -> list[dict]:
    return ops[1:] if ops and ops[0].get("op") == "preset" else ops


def _clip(text: str, width: int = 80) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    more = line != text.strip()
    return line[: width - 1] + "…" if len(line) > width or more else line


def mark_text(op: dict) -> str | None:
    """A journalled operation as the timeline names it (``kubectl apply -f web.yaml``, ``fail
    node1``, ``apply 3 objects``), or None for what is no user's mark: the clock's advances, speed
    and pause, the ``preset`` the sandbox was built from."""
    kind = op.get("op")
    if kind in ("advance", "clock", "preset"):
        return None
    if kind == "run":
        return _clip(str(op.get("command") or ""))
    if kind == "apply":
        n = len(split_documents(op.get("manifest") or ""))
        return f"apply {n} object{'' if n == 1 else 's'}"
    if kind in ("fail", "recover"):
        return f"{kind} {op.get('node')}"
    if kind in ("add-node", "remove-node"):
        return f"{kind.replace('-', ' ')} {op.get('node')}"
    pod = f"{op.get('namespace')}/{op.get('pod')}"
    if kind == "kill":
        return f"kill container {op.get('container')} of {pod}"
    if kind == "interrupt":
        return f"Ctrl-C in {pod} ({op.get('container')})"
    if kind == "exec":
        return _clip(f"exec in {pod}: {' '.join(str(a) for a in op.get('argv') or [])}")
    if kind == "app-health":
        return f"app of {pod} ({op.get('container')}) {op.get('health')}"
    if kind == "addon":
        return f"{'enable' if op.get('enabled') else 'disable'} add-on {op.get('name')}"
    if kind == "image":
        doc = op.get("doc") or {}
        return f"publish image {doc.get('name')}:{doc.get('tag') or 'latest'}"
    if kind == "rest":
        return _clip(f"{op.get('method')} {op.get('path')}")
    if kind == "edit":
        return "save kubectl edit"
    if kind == "traffic":
        return f"send {op.get('count')} requests to {op.get('to')}"
    if kind == "overlay":
        return f"{'break' if op.get('broken') else 'heal'} overlay {op.get('a')}–{op.get('b')}"
    if kind == "lbpool":
        return f"{'enable' if op.get('enabled') else 'disable'} the load-balancer pool"
    if kind == "portforward":
        req = op.get("request") or {}
        return _clip(f"port-forward {pod}:{op.get('port')} {req.get('method')} {req.get('path')}")
    return str(kind)


# -- exported journals -------------------------------------------------------------------------
EXPORT_KIND = "KubeplaySandbox"
EXPORT_VERSION = 1
#: the longest simulated span an imported journal may cover (its replay runs the clock all that way)
MAX_IMPORT_SPAN = 7 * 24 * 3600.0
#: the operations ``Sandbox.execute`` performs (``preset`` is the file's own field, not an op)
OPERATIONS = frozenset({"run", "apply", "advance", "clock", "fail", "recover", "add-node", "remove-node", "kill",
                        "interrupt", "addon", "image", "app-health", "rest", "exec", "edit", *NETWORK_OPS})
#: the rows of a sandbox's journal: those, and the ``preset`` it was built from (its first row)
JOURNAL_OPERATIONS = OPERATIONS | {"preset"}


class JournalError(ValueError):
    """An imported file that is not an exported journal: ``field`` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_export(doc: object) -> tuple[int, float, str, list[dict]]:
    """``(seed, start, preset, ops)`` of an exported journal, or JournalError naming the first field
    that is wrong. Checks what a replay could not survive (a clock moved to no number, a speed the
    clock refuses); an operation that fails for its own reasons fails in the replay as it did live."""
    from .sim import presets

    if not isinstance(doc, dict):
        raise JournalError("kind", f'the file must be a JSON object of kind "{EXPORT_KIND}"')
    if doc.get("kind") != EXPORT_KIND:
        raise JournalError("kind", f'must be "{EXPORT_KIND}" (a file from "Export")')
    if doc.get("version") != EXPORT_VERSION:
        raise JournalError("version", f"must be {EXPORT_VERSION}")
    seed = doc.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise JournalError("seed", "must be a whole number from 0")
    start = doc.get("start")
    if not _finite(start) or start < 0:  # type: ignore[operator]
        raise JournalError("start", "must be a number of seconds since the epoch")
    preset = doc.get("preset", DEFAULT_PRESET)
    if preset not in presets.PRESETS:
        raise JournalError("preset", f'must be one of {", ".join(presets.PRESETS)}')
    ops = doc.get("ops")
    if not isinstance(ops, list):
        raise JournalError("ops", "must be a list of operations")
    for i, op in enumerate(ops):
        where = f"ops[{i}]"
        check_op(op, where)
        if op["op"] == "advance" and not start <= op["to"] <= start + MAX_IMPORT_SPAN:
            raise JournalError(f"{where}.to", f"must be a simulated time from start to start + {MAX_IMPORT_SPAN:g} s")
    return seed, float(start), preset, ops  # type: ignore[arg-type]


#: the fields each operation needs, and what each must be (what ``Sandbox.execute`` reads of it;
#: optional fields are not listed): "text", "number", "whole" (number), "flag", "object", "list", "any"
OP_FIELDS: dict[str, dict[str, str]] = {
    "preset": {"name": "text"}, "run": {"command": "text"}, "apply": {"manifest": "text"},
    "advance": {"to": "number"}, "clock": {},
    "fail": {"node": "text"}, "recover": {"node": "text"}, "add-node": {"node": "text"},
    "remove-node": {"node": "text"},
    "kill": {"namespace": "text", "pod": "text", "container": "text"},
    "interrupt": {"namespace": "text", "pod": "text", "container": "text"},
    "addon": {"name": "text", "enabled": "flag"}, "image": {"doc": "object"},
    "app-health": {"namespace": "text", "pod": "text", "container": "text", "health": "text"},
    "rest": {"method": "text", "group": "text", "version": "text", "path": "text", "query": "object",
             "body": "text", "contentType": "text"},
    "exec": {"namespace": "text", "pod": "text", "container": "text", "argv": "list"},
    "edit": {"id": "text", "text": "text"},
    "traffic": {"from": "any", "to": "text", "count": "whole"},
    "overlay": {"a": "text", "b": "text", "broken": "flag"}, "lbpool": {"enabled": "flag"},
    "portforward": {"namespace": "text", "pod": "text", "port": "whole", "request": "object"},
}
_KINDS: dict[str, tuple[Callable[[object], bool], str]] = {
    "text": (lambda v: isinstance(v, str), "a string"),
    "number": (_finite, "a number"),
    "whole": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
    "flag": (lambda v: isinstance(v, bool), "true or false"),
    "object": (lambda v: isinstance(v, dict), "an object"),
    "list": (lambda v: isinstance(v, list), "a list"),
    "any": (lambda v: True, "present"),
}


def check_op(op: object, where: str, kinds: frozenset[str] = OPERATIONS) -> None:
    """JournalError (field ``where.<field>``) unless ``op`` is an operation ``Sandbox.execute``
    can perform: one of ``kinds`` with each field it needs (``OP_FIELDS``), and a clock's speed and
    pause in range."""
    if not isinstance(op, dict):
        raise JournalError(where, "must be an object")
    kind = op.get("op")
    if kind not in kinds:
        raise JournalError(f"{where}.op", f"must be one of {', '.join(sorted(kinds))}")
    for field, want in OP_FIELDS.get(kind, {}).items():
        test, what = _KINDS[want]
        if field not in op:
            raise JournalError(f"{where}.{field}", f"is missing (the {kind} operation needs it)")
        if not test(op[field]):
            raise JournalError(f"{where}.{field}", f"must be {what}")
    if kind == "clock":
        if "speed" in op and not (_finite(op["speed"]) and MIN_SPEED <= op["speed"] <= MAX_SPEED):
            raise JournalError(f"{where}.speed", f"must be between {MIN_SPEED} and {MAX_SPEED}")
        if "paused" in op and not isinstance(op["paused"], bool):
            raise JournalError(f"{where}.paused", "must be true or false")
