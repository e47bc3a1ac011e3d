"""kubectl run.

Owns: ``kubectl run NAME --image=I [--restart=Always|OnFailure|Never] [--port] [--labels]
[--env K=V…] [--command] [-i] [-t] [--rm] [--dry-run] [-o] [-- ARGS…]`` as kubectl v1.32 builds
the pod (label ``run=NAME`` unless ``--labels``; arguments after NAME or ``--`` become the
container's ``args``, or its ``command`` with ``--command``; ``-i``/``-t`` set
``stdin``/``stdinOnce``/``tty``) and prints ``pod/NAME created``.

With ``-i`` (``-it``) the real command waits for the pod to run (``--pod-running-timeout``, 1m):
here the virtual clock advances, one second at a time, until the container runs or ends. A
shell then becomes an interactive session (``AttachResult``, after ``If you don't see a command
prompt, try pressing enter.``); any other command's output is printed once it has run, and
``--rm`` deletes the pod afterwards (``pod "NAME" deleted``, v1.32's words).

Hands off: creating the pod to ``server.sim.api``; the shell to ``server.shell``.
"""

from __future__ import annotations

from ...shell.pod import SHELL_WORDS, exec_argv, has_shell, runtime_not_found
from ...shell.session import Attach
from ...sim.store import Obj
from .. import output
from ..parse import Flag, Invocation, KubectlError, Result, command
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
    """Advance the virtual clock until the pod's container runs or has ended (or the timeout)."""
    cluster = inv.cluster
    waited = 0.0
    while True:
        pod = cluster.store.get("Pod", inv.namespace, name)
        if pod is None:
            return None
        cs = container_status(pod, name) or next(iter((pod.get("status") or {}).get("containerStatuses") or []), {})
        state = cs.get("state") or {}
        if "running" in state or "terminated" in state or pod["status"].get("phase") in ("Succeeded", "Failed"):
            return pod
        if waited >= timeout:
            return None
        cluster.advance(1)
        waited += 1


def _wait_done(inv: Invocation, name: str, timeout: float) -> Obj | None:
    cluster = inv.cluster
    waited = 0.0
    while True:
        pod = cluster.store.get("Pod", inv.namespace, name)
        if pod is None or pod["status"].get("phase") in ("Succeeded", "Failed") or waited >= timeout:
            return pod
        cs = next(iter((pod.get("status") or {}).get("containerStatuses") or []), {})
        if "terminated" in (cs.get("state") or {}) or cs.get("restartCount", 0) > 0:
            return pod
        cluster.advance(1)
        waited += 1


def _remove(inv: Invocation, name: str) -> str:
    if inv.cluster.store.peek("Pod", inv.namespace, name) is None:
        return ""
    inv.cluster.api.delete("Pod", inv.namespace, name)
    inv.cluster.settle()
    return f'pod "{name}" deleted\n'


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

    pod = _wait_running(inv, name, _duration(f.get("pod-running-timeout") or ""))
    if pod is None:
        text = "error: timed out waiting for the condition\n"
        if f.get("rm"):
            text = _remove(inv, name) + text
        return Result(text, 1)
    ns = pod["metadata"]["namespace"]
    cs = container_status(pod, name)
    running = "running" in (cs.get("state") or {})
    is_shell = bool(extra) and extra[0] in SHELL_WORDS and len(extra) == 1 or (not extra and _image_shell(inv, pod))
    if interactive and is_shell and running:
        word = extra[0] if extra else "sh"
        if not has_shell(inv.cluster, pod, name, word):
            out = runtime_not_found(word)
            return Result(out.stderr, 1)
        quiet = f.get("quiet")
        hint = "" if quiet or not f.get("tty") else PROMPT_HINT
        return AttachResult(hint, 0, Attach(ns, name, name, shell=word, tty=bool(f.get("tty")), main=True,
                                            remove=bool(f.get("rm"))))
    # a command that runs and ends: its output is what the attached terminal shows
    text, code = "", 0
    if extra and not (extra[0] in SHELL_WORDS and len(extra) == 1):
        out = exec_argv(inv.cluster, pod, name, extra)
        text = out.stderr + out.stdout if out.code >= 0 else out.stderr
        code = max(out.code, 0)
        for line in text.splitlines():
            inv.cluster.runtime.log(pod["metadata"]["uid"], name, line, inv.cluster.clock.now())
    done = _wait_done(inv, name, RUNNING_TIMEOUT)
    if f.get("rm"):
        text += _remove(inv, name)
    elif done is not None and done["status"].get("phase") == "Failed":
        text += f"pod {ns}/{name} terminated (Error)\n"
    return Result(text, code)


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
