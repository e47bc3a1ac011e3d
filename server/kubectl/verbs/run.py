"""kubectl run.

Owns: ``kubectl run NAME --image=I [--restart=Always|OnFailure|Never] [--port] [--labels]
[--env K=V…] [--command] [-i] [-t] [--rm] [--dry-run] [-o] [-- ARGS…]`` as kubectl v1.32 builds
the pod (label ``run=NAME`` unless ``--labels``; arguments after NAME or ``--`` become the
container's ``args``, or its ``command`` with ``--command``; ``-i``/``-t`` set
``stdin``/``stdinOnce``/``tty``) and prints ``pod/NAME created``.

With ``-i`` (``-it``, ``--attach``) it waits for the pod to run as kubectl's waitForPod does
(``--pod-running-timeout``, 1m: the virtual clock runs to the instant the container starts). A
shell then becomes an interactive session (``AttachResult``, after ``If you don't see a command
prompt, try pressing enter.``, printed for a TTY). Any other command is the container's main
process, which the kubelet runs: kubectl prints the hint and attaches to that process's output as
it is written (``streaming.AttachStream``), until the process ends — Ctrl-C on ``-it`` is its
``^C`` (a shell exits 130) — then ``AfterAttach``: the wait for the pod's end, ``--rm``'s ``pod
"NAME" deleted`` (v1.32's words) and the container's exit status. A caller that follows
(``Invocation.follow``: the page, ``watchSeconds``) gets that stream; any other gets the session as
far as the pod-running timeout runs. A pod that completed before the attach prints its log
instead (handleAttachPod's fallback).

Hands off: creating the pod to ``server.sim.api``; the shell to ``server.shell``; the process to
the kubelet; its output to ``server.sim.runtime``'s attach.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...shell.pod import SHELL_WORDS, has_shell, runtime_not_found
from ...shell.session import Attach
from ...sim.store import Obj, WatchEvent
from .. import output
from ..parse import Flag, Invocation, KubectlError, Result, command
from ..streaming import AttachStream, StreamResult, run_for
from .apply import OUTPUT_FLAGS, check_output, dry_run_mode, printed
from .exec import AttachResult, container_status

PROMPT_HINT = "If you don't see a command prompt, try pressing enter.\n"
#: the line cmdutil.UsageErrorf adds to run's usage errors
RUN_USAGE = "See 'kubectl run -h' for help and examples"

#: --pod-running-timeout's default
RUNNING_TIMEOUT = 60

RUN_FLAGS = [*OUTPUT_FLAGS, Flag("image", kind="str", default=""), Flag("restart", kind="str", default="Always"),
             Flag("rm"), Flag("stdin", "i"), Flag("tty", "t"), Flag("attach", kind="str"), Flag("quiet", "q"),
             Flag("port", kind="str", default=""), Flag("labels", "l", "str", ""), Flag("env", kind="list"),
             Flag("command"), Flag("image-pull-policy", kind="str", default=""),
             Flag("annotations", kind="list"), Flag("pod-running-timeout", kind="str", default="1m0s"),
             Flag("leave-stdin-open"), Flag("privileged"), Flag("override-type", kind="str"),
             Flag("overrides", kind="str"), Flag("field-manager", kind="str"), Flag("save-config")]


def _duration(text: str) -> float:
    """``--pod-running-timeout`` in seconds (its default when 0 or unset)."""
    from .rollout import _duration as duration_flag

    return duration_flag(text, "--pod-running-timeout") or RUNNING_TIMEOUT


def build_pod(inv: Invocation, name: str, extra_args: list[str]) -> Obj:
    f = inv.flags
    image = f.get("image") or ""
    labels: dict[str, str] = {"run": name}
    if f.get("labels"):
        labels = {}
        for part in f["labels"].split(","):
            k, eq, v = part.partition("=")
            if not eq:
                raise KubectlError(f"error: invalid label spec: {part}")
            labels[k] = v
    c: Obj = {"image": image, "name": name}
    if extra_args:
        c["command" if f.get("command") else "args"] = list(extra_args)
    env = []
    for item in f.get("env") or []:
        k, eq, v = item.partition("=")
        if not eq:
            raise KubectlError(f"error: invalid env: {item}")
        env.append({"name": k, "value": v})
    if env:
        c["env"] = env
    if f.get("image-pull-policy"):
        c["imagePullPolicy"] = f["image-pull-policy"]
    if f.get("port"):
        try:
            c["ports"] = [{"containerPort": int(f["port"])}]
        except ValueError as e:
            raise KubectlError(f'error: strconv.Atoi: parsing "{f["port"]}": invalid syntax') from e
    c["resources"] = {}
    if f.get("stdin"):
        c["stdin"] = True
        c["stdinOnce"] = True
    if f.get("tty"):
        c["tty"] = True
    meta: Obj = {"labels": labels, "name": name}
    annotations = {}
    for a in f.get("annotations") or []:
        k, _, v = a.partition("=")
        annotations[k] = v
    if annotations:
        meta["annotations"] = annotations
    if inv.flag_given("namespace"):
        meta["namespace"] = inv.namespace
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [c], "dnsPolicy": "ClusterFirst", "restartPolicy": f.get("restart") or "Always"},
            "status": {}}


def _wait_running(inv: Invocation, name: str, timeout: float) -> Obj | None:
    """kubectl's waitForPod before it attaches: the clock runs, one scheduled instant at a time,
    until the pod's container runs or has ended (None at the timeout, or when the pod is gone)."""
    cluster = inv.cluster

    def ready() -> bool:
        pod = cluster.store.peek("Pod", inv.namespace, name)
        if pod is None:
            return True
        cs = container_status(pod, name) or next(iter((pod.get("status") or {}).get("containerStatuses") or []), {})
        state = cs.get("state") or {}
        return "running" in state or "terminated" in state or pod["status"].get("phase") in ("Succeeded", "Failed")

    if not cluster.run_until(cluster.clock.now() + timeout, ready):
        return None
    return cluster.store.get("Pod", inv.namespace, name)


def _remove(inv: Invocation, name: str) -> str:
    if inv.cluster.store.peek("Pod", inv.namespace, name) is None:
        return ""
    inv.cluster.api.delete("Pod", inv.namespace, name)
    inv.cluster.settle()
    return f'pod "{name}" deleted\n'


class AfterAttach:
    """What ``kubectl run`` does once its attach has returned (run.go's RunOptions.Run): with
    restartPolicy Never it waits for the pod to complete, with OnFailure to succeed (``waitForPod``,
    ``--pod-running-timeout``), with Always not at all; then the deferred ``--rm`` deletes the pod
    (``pod "NAME" deleted``) and kubectl exits with the container's exit code (``pod NS/NAME
    terminated (REASON)`` and its termination message). Called with ``finish(text, exit_code)``;
    it waits on the store's events and the clock, so it ends at the same instant in a replay."""

    def __init__(self, inv: Invocation, name: str, timeout: float) -> None:
        f = inv.flags
        self.inv = inv
        self.name = name
        self.remove = bool(f.get("rm"))
        self.quiet = bool(f.get("quiet"))
        restart = f.get("restart") or "Always"
        self.condition = "" if f.get("leave-stdin-open") or restart == "Always" else \
            ("completed" if restart == "Never" else "succeeded")
        self.timeout = timeout
        self.finish: Callable[[str, int], None] | None = None
        self.timer: Any = None
        self.checking = False

    def __call__(self, finish: Callable[[str, int], None]) -> None:
        self.finish = finish
        if not self.condition:
            self._done("", 0)
            return
        cluster = self.inv.cluster
        self.timer = cluster.clock.call_later(self.timeout, lambda: self._done(
            "error: timed out waiting for the condition\n", 1))
        cluster.store.subscribe(self._seen)
        self._check()

    def _seen(self, event: WatchEvent) -> None:
        meta = event.obj.get("metadata") or {}
        if event.obj.get("kind") == "Pod" and meta.get("name") == self.name and \
                meta.get("namespace") == self.inv.namespace and not self.checking:
            self.checking = True  # looked at once the store's change is done, at the same instant
            self.inv.cluster.clock.call_later(0, self._check)

    def _check(self) -> None:
        self.checking = False
        if self.finish is None:
            return
        pod = self.inv.cluster.store.peek("Pod", self.inv.namespace, self.name)
        if pod is None:  # podCompleted/podSucceeded on a Deleted event: a NotFound with no name
            self._done('Error from server (NotFound): pods "" not found\n', 1)
            return
        phase = (pod.get("status") or {}).get("phase")
        if phase == "Succeeded" or (phase == "Failed" and self.condition == "completed"):
            self._done(*self._exit(pod))

    def _exit(self, pod: Obj) -> tuple[str, int]:
        status = pod.get("status") or {}
        if status.get("phase") == "Succeeded":
            return "", 0
        meta = pod["metadata"]
        statuses = status.get("containerStatuses") or []
        terminated = ((statuses[0] if statuses else {}).get("state") or {}).get("terminated")
        code = int((terminated or {}).get("exitCode") or 0)
        if not terminated or code == 0:
            return f"error: pod {meta['namespace']}/{meta['name']} failed with unknown exit code\n", 1
        # a uexec.CodeExitError: printed as it is (no "error: "), exit status the container's
        text = f"pod {meta['namespace']}/{meta['name']} terminated ({terminated.get('reason', '')})\n" \
            f"{terminated.get('message', '')}"
        return (text if text.endswith("\n") else text + "\n"), code

    def _done(self, text: str, code: int) -> None:
        finish, self.finish = self.finish, None
        if finish is None:
            return
        cluster = self.inv.cluster
        cluster.store.unsubscribe(self._seen)
        if self.timer is not None:
            self.timer.cancel()
        removed = _remove(self.inv, self.name) if self.remove else ""
        finish((removed if not self.quiet else "") + text, code)


@command("run", flags=RUN_FLAGS)
def run(inv: Invocation) -> Result:
    f = inv.flags
    # cobra checks the required --image flag before RunE; then RunOptions.Run checks in this order,
    # the usage errors (cmdutil.UsageErrorf) ending with the "See 'kubectl run -h'" line
    if not f.get("image"):
        raise KubectlError('error: required flag(s) "image" not set')
    if not inv.args:
        raise KubectlError(f"error: NAME is required for run\n{RUN_USAGE}")
    name = inv.args[0]
    extra = list(inv.args[1:]) + list(inv.after_dash)
    attach_flag = f.get("attach")
    interactive = bool(f.get("stdin"))
    attach = interactive if attach_flag is None else attach_flag.lower() in ("true", "1", "")
    if f.get("tty") and not interactive:
        raise KubectlError(f"error: -i/--stdin is required for containers with -t/--tty=true\n{RUN_USAGE}")
    restart = f.get("restart") or "Always"
    if restart not in ("Always", "OnFailure", "Never"):
        raise KubectlError(f"error: invalid restart policy: {restart}\n{RUN_USAGE}")
    if f.get("rm") and not attach:
        raise KubectlError(f"error: --rm should only be used for attached containers\n{RUN_USAGE}")
    mode = dry_run_mode(inv)
    if mode != "none" and attach:
        raise KubectlError("error: --dry-run=[server|client] can't be used with attached containers options "
                           f"(--attach, --stdin, or --tty)\n{RUN_USAGE}")
    fmt = check_output(inv)
    obj = build_pod(inv, name, extra)
    if mode == "client":
        obj["metadata"]["creationTimestamp"] = None
        return Result(printed(_pod_resource(), name, "created", fmt, output.typed(obj), mode))
    stored = inv.cluster.api.create(obj, inv.namespace, dry_run=mode == "server", manager="kubectl-run")
    if not attach:
        return Result(printed(_pod_resource(), name, "created", fmt, output.typed(stored), mode))

    timeout = _duration(f.get("pod-running-timeout") or "")
    pod = _wait_running(inv, name, timeout)
    if pod is None:
        text = "error: timed out waiting for the condition\n"
        if f.get("rm"):
            text = _remove(inv, name) + text
        return Result(text, 1)
    ns = pod["metadata"]["namespace"]
    cs = container_status(pod, name)
    running = "running" in (cs.get("state") or {})
    is_shell = bool(extra) and extra[0] in SHELL_WORDS and len(extra) == 1 or (not extra and _image_shell(inv, pod))
    quiet = f.get("quiet")
    if interactive and is_shell and running:
        word = extra[0] if extra else "sh"
        if not has_shell(inv.cluster, pod, name, word):
            out = runtime_not_found(word)
            return Result(out.stderr, 1)
        hint = "" if quiet or not f.get("tty") else PROMPT_HINT
        return AttachResult(hint, 0, Attach(ns, name, name, shell=word, tty=bool(f.get("tty")), main=True,
                                            remove=bool(f.get("rm"))))
    after = AfterAttach(inv, name, timeout)
    if not running:
        # handleAttachPod: the pod completed before kubectl could attach, so it prints the log
        return _after_completed(inv, pod, name, after)
    # attached to the main process: its output as it writes it, then what kubectl does after
    stream = AttachStream(inv.cluster, pod, name, raw_tty=interactive and bool(f.get("tty")), after=after)
    result = StreamResult("" if quiet else PROMPT_HINT, 0, stream)
    if inv.follow:
        return result
    # a caller that does not follow gets the session as far as the pod-running timeout runs
    return run_for(inv.cluster, result, timeout)


def _after_completed(inv: Invocation, pod: Obj, name: str, after: AfterAttach) -> Result:
    from ...sim import logs as kubelet_logs

    try:
        text = "".join(kubelet_logs.render(kubelet_logs.entries(inv.cluster, pod, name), kubelet_logs.LogOptions()))
    except kubelet_logs.LogError:
        text = ""
    got: list[tuple[str, int]] = []
    after(lambda out, code: got.append((out, code)))
    inv.cluster.run_until(inv.cluster.clock.now() + after.timeout, lambda: bool(got))
    out, code = got[0] if got else ("", 0)
    return Result(text + out, code)


def _image_shell(inv: Invocation, pod: Obj) -> bool:
    """The image's own default command is a shell (busybox, alpine, ubuntu…)."""
    from ...sim.registry import SHELLS

    spec = pod["spec"]["containers"][0]
    image = inv.cluster.registry.resolve(spec.get("image") or "")
    if image is None:
        return False
    argv = list(image.entrypoint) + list(image.cmd)
    return len(argv) == 1 and argv[0] in SHELLS


def _pod_resource():  # noqa: ANN202
    from ...sim.resources import BY_KIND

    return BY_KIND["Pod"]
