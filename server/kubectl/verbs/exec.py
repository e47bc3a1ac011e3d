"""kubectl exec, and what logs/exec/run share: finding the pod and the container a command means.

Owns: ``kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [args…]`` — the
command runs as the container's runtime execs it (``server.shell.pod.exec_argv``: no shell unless
the command is one; ``-i`` makes the command's input the terminal's, to its end) and its bytes come
back as written; a non-zero status ends with kubectl's ``command terminated with exit code N``; a
shell with ``-i`` and no input given (or ``-it``) asks for an interactive session (``AttachResult``).
``kubectl attach POD`` joins a main process that is a shell (``-i``) as such a session, and
otherwise streams what the main process writes until it ends (``streaming.AttachStream``, for a
caller that follows; ``-it`` makes Ctrl-C the container's ``^C``). Also the helpers the other pod verbs use:
``attachable_pod`` (``deploy/x`` picks a pod as kubectl's AttachablePodForObject does),
``pick_container`` (``-c``, the default-container annotation, else the first one with
kubectl's ``Defaulted container "a" out of: a, b`` note). Init and ephemeral containers (``kubectl
debug``'s) are reached by name (``has_container``, ``container_status``: ``server.shell.pod``'s lookup).

Hands off: the shell to ``server.shell``; the session itself is opened by whoever keeps sessions
(the sandbox) when it sees ``AttachResult.attach``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...shell.pod import RUNTIME_ERROR, SHELL_WORDS, container_spec, exec_argv, has_shell, runtime_not_found
from ...shell.pod import container_status as _pod_container_status
from ...shell.session import Attach, reattach_note
from ...sim.api import ApiError, not_found
from ...sim.store import Obj, matches_selector
from .. import authorized
from ..parse import Flag, Invocation, KubectlError, Result, command
from ..resolve import resource_type
from ..streaming import AttachStream, StreamResult

if TYPE_CHECKING:
    from ...sim.cluster import Cluster

DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"


class AttachResult(Result):
    """A result that asks the session keeper to attach the terminal to a container's shell."""

    def __init__(self, output: str, exit_code: int = 0, attach: Attach | None = None) -> None:
        super().__init__(output, exit_code)
        self.attach = attach


def _pod_sort_key(pod: Obj) -> tuple:
    """kubectl's GetFirstPod order (the reverse of ActivePods): assigned, Running, Ready, fewer
    restarts, older first."""
    status = pod.get("status") or {}
    phase_rank = {"Running": 0, "Unknown": 1, "Pending": 2}.get(status.get("phase", ""), 3)
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])
    restarts = sum(cs.get("restartCount", 0) for cs in status.get("containerStatuses") or [])
    return (0 if (pod.get("spec") or {}).get("nodeName") else 1, phase_rank, 0 if ready else 1, restarts,
            pod["metadata"].get("creationTimestamp", ""), pod["metadata"]["name"])


def attachable_pod(inv: Invocation, words: list[str]) -> tuple[Obj, str]:
    """The pod the words name (``POD``, ``pod/x``, ``deploy/x``, ``rs x``, ``svc/x``…) and the
    note kubectl prints when it picked one of several."""
    ns = inv.namespace
    if not words:
        raise KubectlError("error: expected a pod name")
    if "/" in words[0]:
        kind_word, _, name = words[0].partition("/")
    elif len(words) > 1 and words[0] not in ("--",):
        kind_word, name = words[0], words[1]
    else:
        kind_word, name = "pod", words[0]
    r = resource_type(kind_word)
    if r.kind == "Pod":
        obj = inv.cluster.store.get("Pod", ns, name)
        if obj is None:
            raise not_found(r, name)
        return obj, ""
    owner = inv.cluster.store.peek(r.kind, ns if r.namespaced else "", name)
    if owner is None:
        raise not_found(r, name)
    spec = owner.get("spec") or {}
    selector = spec.get("selector") or {}
    if r.kind == "Service":
        sel = {"matchLabels": dict(selector)} if selector else None
    else:
        sel = selector if ("matchLabels" in selector or "matchExpressions" in selector) else {"matchLabels": selector}
    if not sel:
        raise KubectlError(f"error: cannot attach to {r.kind}: selector for {r.kind.lower()} is empty")
    pods = [p for p in inv.cluster.store.scan("Pod", ns) if matches_selector(p["metadata"].get("labels") or {}, sel)]
    if not pods:
        raise KubectlError("error: timed out waiting for the condition")
    pods.sort(key=_pod_sort_key)
    note = f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}\n" if len(pods) > 1 else ""
    return pods[0], note


def container_names(pod: Obj) -> list[str]:
    """The pod's (regular) containers: the ones a default is picked from."""
    return [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]


def has_container(pod: Obj, name: str) -> bool:
    """Whether ``name`` is a container, init container or ephemeral container of the pod (exec and
    attach reach all three, as kubectl's ``podcmd.FindContainerByName`` finds them)."""
    return container_spec(pod, name) is not None


def pick_container(pod: Obj, wanted: str) -> tuple[str, str]:
    """(container name, the note kubectl prints when it chose one by default:
    ``podcmd.FindOrDefaultContainerByName``, which lists containers, ``(ephem)`` ones, ``(init)`` ones)."""
    names = container_names(pod)
    if wanted:
        return wanted, ""
    default = ((pod["metadata"].get("annotations") or {}).get(DEFAULT_CONTAINER) or "")
    if default and has_container(pod, default):
        return default, ""
    spec = pod.get("spec") or {}
    has_more = len(names) > 1 or spec.get("initContainers") or spec.get("ephemeralContainers")
    every = names + ephemeral_names(pod) + init_names(pod)
    note = f'Defaulted container "{names[0]}" out of: {", ".join(every)}\n' if has_more else ""
    return names[0], note


def init_names(pod: Obj) -> list[str]:
    return [f"{c['name']} (init)" for c in (pod.get("spec") or {}).get("initContainers") or []]


def ephemeral_names(pod: Obj) -> list[str]:
    return [f"{c['name']} (ephem)" for c in (pod.get("spec") or {}).get("ephemeralContainers") or []]


def container_status(pod: Obj, name: str) -> dict:
    """The status of any of the pod's containers (regular, init or ephemeral)."""
    return _pod_container_status(pod, name)


def _require_running(pod: Obj, name: str, notes: str, verb: str) -> None:
    """exec's and attach's refusals for a completed pod or a container that is not running."""
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise KubectlError(f"{notes}error: cannot {verb} a container in a completed pod; current phase is {phase}")
    if "running" not in (container_status(pod, name).get("state") or {}):
        raise KubectlError(f'{notes}error: unable to upgrade connection: container not found ("{name}")')


def _tty(flags: dict) -> tuple[bool, str]:
    """``-t`` without ``-i`` gets no TTY, and kubectl's warning says so."""
    if flags.get("tty") and not flags.get("stdin"):
        return False, "Unable to use a TTY - input is not a terminal or the right kind of file\n"
    return bool(flags.get("tty")), ""


EXEC_FLAGS = [Flag("container", "c", "str", ""), Flag("stdin", "i"), Flag("tty", "t"), Flag("quiet", "q"),
              Flag("filename", "f", "list"), Flag("pod-running-timeout", kind="str")]


@dataclass(frozen=True)
class ExecPlan:
    """A ``kubectl exec`` resolved to the process it starts (what ``Sandbox.exec`` journals), and
    what kubectl prints before the process's output (its notes, the TTY warning)."""

    namespace: str
    pod: str
    container: str
    argv: tuple[str, ...]
    stdin: str
    tty: bool
    notes: str = ""


def _resolve(inv: Invocation) -> ExecPlan | Result:
    """kubectl exec's checks, in its order, up to the process it would start; a Result when it
    ends before (an error, the runtime's refusal, or an interactive session: ``AttachResult``)."""
    f = inv.flags
    if not inv.args and not f.get("filename"):
        # ExecOptions.Validate (v1.32; the older "expected 'exec (POD | TYPE/NAME) ...'" is gone)
        raise KubectlError("error: pod, type/name or --filename must be specified")
    if len(inv.args) > 1:
        raise KubectlError("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n"
                           "See 'kubectl exec -h' for help and examples")
    argv = list(inv.after_dash)
    if not argv:
        raise KubectlError("error: you must specify at least one command for the container")
    pod, note = attachable_pod(inv, inv.args[:1])
    name, defaulted = pick_container(pod, f.get("container") or "")
    notes = "" if f.get("quiet") else note + defaulted
    if not has_container(pod, name):
        raise KubectlError(f"{notes}error: unable to upgrade connection: container not found (\"{name}\")")
    _require_running(pod, name, notes, "exec into")
    authorize_stream(inv, pod, "exec")
    tty, warn = _tty(f)
    stdin = inv.stdin if f.get("stdin") else ""
    if argv[0] in SHELL_WORDS and f.get("stdin") and len(argv) == 1 and (tty or not stdin):
        # a shell on the terminal: an interactive session (with -t and given input, the session
        # keeper types the input into it as a terminal would)
        if not has_shell(inv.cluster, pod, name, argv[0]):
            out = runtime_not_found(argv[0])
            return Result(notes + out.stderr, 1)
        attach = Attach(pod["metadata"]["namespace"], pod["metadata"]["name"], name, shell=argv[0], tty=tty)
        return AttachResult(notes + warn, 0, attach)
    return ExecPlan(pod["metadata"]["namespace"], pod["metadata"]["name"], name, tuple(argv), stdin, tty,
                    notes + warn)


def authorize_stream(inv: Invocation, pod: Obj, subresource: str) -> None:
    """The upgrade's authorization: kubectl v1.32 asks over a WebSocket first (a GET: ``get
    pods/exec``) and, when that upgrade is refused, falls back to SPDY (a POST: ``create``), whose
    refusal is the one it prints."""
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    try:
        authorized.check(inv.cluster, "get", "Pod", ns, name, subresource)
    except ApiError:
        authorized.check(inv.cluster, "create", "Pod", ns, name, subresource)


def finish(plan: ExecPlan, output: str, code: int) -> Result:
    """What kubectl prints for the process's end: its notes, the process's bytes as written
    (``printf abc`` ends without a newline), ``command terminated with exit code N`` after a
    failure; containerd's refusal (``code`` RUNTIME_ERROR: ``output`` is its text) exits 1."""
    if code == RUNTIME_ERROR:
        return Result(plan.notes + output, 1)
    text = plan.notes + output
    if code != 0:
        text += f"command terminated with exit code {code}\n"
    return Result(text, code)


@command("exec", flags=EXEC_FLAGS)
def exec_(inv: Invocation) -> Result:
    planned = _resolve(inv)
    if isinstance(planned, Result):
        return planned
    pod = inv.cluster.store.get("Pod", planned.namespace, planned.pod)
    out = exec_argv(inv.cluster, pod, planned.container, list(planned.argv), planned.stdin, tty=planned.tty)
    inv.exact_output = out.code != RUNTIME_ERROR
    return finish(planned, out.stderr if out.code == RUNTIME_ERROR else out.stdout, out.code)


def plan(cluster: Cluster, line: str, stdin: str = "") -> ExecPlan | None:
    """A ``kubectl exec …`` line as the process it starts, for a caller that runs and journals
    the process itself (the sandbox's exec operation); None when the line ends otherwise (an
    error, a refusal, an interactive session, or no exec at all): run it as a command then."""
    from ..parse import _split, check_kubeconfig, parse

    try:
        argv = _split(line)
        if argv[:1] == ["kubectl"]:
            argv = argv[1:]
        cmd, inv = parse(cluster, argv, stdin)
        if cmd.handler is not exec_:
            return None
        check_kubeconfig(cluster, inv.command, inv.flags)
        inv.cluster = authorized.for_command(cluster, inv.command, inv.user)
        planned = _resolve(inv)
    except Exception:  # noqa: BLE001 - whatever kubectl would print for it, the command path prints
        return None
    return planned if isinstance(planned, ExecPlan) else None


ATTACH_FLAGS = [Flag("container", "c", "str", ""), Flag("stdin", "i"), Flag("tty", "t"), Flag("quiet", "q"),
                Flag("pod-running-timeout", kind="str")]


@command("attach", flags=ATTACH_FLAGS)
def attach(inv: Invocation) -> Result:
    """``kubectl attach POD [-c C] [-i] [-t]``: with ``-i``, a session on the container's main
    process when that process is a shell (``kubectl run -it … sh`` left running, busybox); else
    what the process writes from now on, as it writes it, until it ends (``AttachStream``; with
    ``-it`` Ctrl-C is the container's ``^C``); a caller that does not follow gets the hint only."""
    from .run import PROMPT_HINT

    f = inv.flags
    if not inv.args:
        raise KubectlError("error: at least 1 argument is required for attach")
    if len(inv.args) > 2:
        raise KubectlError(f"error: expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw "
                           f"{len(inv.args)}: [{' '.join(inv.args)}]")
    words = inv.args if len(inv.args) == 1 else [f"{inv.args[0]}/{inv.args[1]}"]
    pod, note = attachable_pod(inv, words)
    name, defaulted = pick_container(pod, f.get("container") or "")
    notes = "" if f.get("quiet") else note + defaulted
    _require_running(pod, name, notes, "attach")
    try:
        authorize_stream(inv, pod, "attach")
    except ApiError as e:  # kubectl prints its hint before it connects
        hint = "" if f.get("quiet") else PROMPT_HINT
        return Result(f"{notes}{hint}Error from server ({e.reason}): {e.message}", 1)
    tty, warn = _tty(f)
    shell = _main_shell(inv, pod, name)
    if f.get("stdin") and shell:
        hint = "" if f.get("quiet") or not tty else PROMPT_HINT
        return AttachResult(notes + warn + hint, 0, Attach(pod["metadata"]["namespace"], pod["metadata"]["name"], name,
                                                           shell=shell, tty=tty, main=True))
    # attach.go prints its hint, then streams the process's output until the process ends
    first = notes + warn + ("" if f.get("quiet") else PROMPT_HINT)
    if not inv.follow:
        return Result(first)  # a caller that does not follow: nothing printed yet
    raw = bool(f.get("stdin")) and tty
    return StreamResult(first, 0, AttachStream(inv.cluster, pod, name, raw_tty=raw,
                                               after=_reattach_message(inv, pod, name, raw)))


def _reattach_message(inv: Invocation, pod: Obj, name: str, raw: bool) -> Callable[[Callable[[str, int], None]], None]:
    """attach.go's reattachMessage, printed once the attach has returned: for a raw TTY on a pod
    that restarts its containers (restartPolicy Always), how to come back."""
    text = ""
    if not inv.flags.get("quiet") and raw and (pod.get("spec") or {}).get("restartPolicy", "Always") == "Always":
        pod_name = pod["metadata"]["name"]
        ephemeral = any(c.get("name") == name for c in (pod.get("spec") or {}).get("ephemeralContainers") or [])
        text = reattach_note(pod_name, name, ephemeral=ephemeral)
    return lambda finish: finish(text, 0)


def _main_shell(inv: Invocation, pod: Obj, name: str) -> str:
    """The shell that is the container's main process (its command, or its image's default), if any."""
    from ...sim.registry import SHELLS

    spec = container_spec(pod, name)
    if spec is None:
        return ""
    argv = list(spec.get("command") or []) + list(spec.get("args") or [])
    if not argv:
        image = inv.cluster.registry.resolve(spec.get("image") or "")
        argv = list(image.entrypoint) + list(image.cmd) if image is not None else []
    return argv[0] if len(argv) == 1 and argv[0] in SHELLS else ""
