"""kubectl debug: an ephemeral container in a running pod, a copy of a pod, or a pod on a node.

Owns: ``kubectl debug POD --image=I [-it] [-c NAME] [--target=C] [-- CMD…]`` (the debug container
is appended through ``pods/ephemeralcontainers``, ``server.sim.ephemeral``; kubelets start it),
``kubectl debug POD --copy-to=NEW [--image=I] [--set-image=c=i…] [--share-processes] [--replace]
[--same-node]`` (a new pod) and ``kubectl debug node/NAME --image=I`` (the ``node-debugger-NODE-xxxxx``
pod in the host's namespaces with the root filesystem at /host), with kubectl v1.32's validation
errors, its notes (``Targeting container …``, ``Defaulting debug container name to debugger-xxxxx.``,
``Creating debugging pod … on node …``) and the legacy profile's deprecation line. With ``-i``
the virtual clock runs until the debug container runs (kubectl's watch) and a shell image becomes
an interactive session (``AttachResult``, after ``If you don't see a command prompt, try pressing
enter.``) as ``kubectl attach`` does.

Mirrors: k8s.io/kubectl pkg/cmd/debug/debug.go and profiles.go (the legacy profile; general,
baseline, restricted, netadmin, sysadmin set the securityContext kubectl's profiles set).
Random name suffixes come from the sandbox's seeded RNG.
"""

from __future__ import annotations

import re

from ...shell.session import Attach
from ...sim import ephemeral
from ...sim.api import not_found
from ...sim.registry import SHELLS
from ...sim.resources import BY_KIND
from ...sim.store import Obj, deep_copy
from ..parse import Flag, Invocation, KubectlError, Result, command
from .exec import AttachResult
from .run import PROMPT_HINT

LEGACY_WARNING = ('--profile=legacy is deprecated and will be removed in the future. It is recommended to '
                  'explicitly specify a profile, for example "--profile=general".\n')
PROFILES = ("legacy", "general", "baseline", "netadmin", "restricted", "sysadmin")
#: utilrand.String's alphabet (no vowels, no confusable digits)
ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
#: how long the debug command waits for its container, in virtual seconds
WAIT_LIMIT = 120
_IMAGE_RE = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*"
                       r"(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$")

DEBUG_FLAGS = [Flag("image", kind="str", default=""), Flag("container", "c", "str", ""),
               Flag("target", kind="str", default=""), Flag("stdin", "i"), Flag("tty", "t"), Flag("quiet", "q"),
               Flag("attach", kind="str"), Flag("copy-to", kind="str", default=""), Flag("replace"),
               Flag("same-node"), Flag("share-processes", kind="str"), Flag("set-image", kind="list"),
               Flag("env", kind="list"), Flag("arguments-only"), Flag("image-pull-policy", kind="str", default=""),
               Flag("profile", kind="str", default="legacy"), Flag("custom", kind="str", default=""),
               Flag("filename", "f", "list"), Flag("keep-labels"), Flag("keep-annotations"),
               Flag("keep-liveness"), Flag("keep-readiness"), Flag("keep-startup"),
               Flag("keep-init-containers", kind="str")]


def _suffix(inv: Invocation) -> str:
    return "".join(inv.cluster.clock.rng.choice(ALPHABET) for _ in range(5))


def _bool_flag(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.lower() in ("", "1", "t", "true")


def _env(items: list[str]) -> list[Obj]:
    out = []
    for item in items:
        k, _, v = item.partition("=")
        out.append({"name": k, "value": v})
    return out


def _validate(inv: Invocation) -> str:
    """DebugOptions.Validate's errors, in its order; the notes it prints (Targeting…, legacy)."""
    f = inv.flags
    attach = _bool_flag(f.get("attach"), bool(f.get("stdin")))
    image, copy_to = f.get("image") or "", f.get("copy-to") or ""
    args = list(inv.after_dash)
    if attach and inv.flag_given("attach") and not f.get("container") and not image:
        raise KubectlError("error: you must specify --container or create a new container using --image in order "
                           "to attach.")
    if copy_to:
        if not image and not f.get("set-image") and not args:
            raise KubectlError("error: you must specify --image, --set-image or command arguments.")
        if args and not f.get("container") and not image:
            raise KubectlError("error: you must specify an existing container or a new image when specifying args.")
    else:
        if f.get("replace"):
            raise KubectlError("error: --replace may only be used with --copy-to.")
        if f.get("same-node"):
            raise KubectlError("error: --same-node may only be used with --copy-to.")
        if f.get("set-image"):
            raise KubectlError("error: --set-image may only be used with --copy-to.")
        if not image:
            raise KubectlError("error: you must specify --image when not using --copy-to.")
    if image and not _IMAGE_RE.match(image):
        raise KubectlError(f'error: invalid image name "{image}": invalid reference format')
    if not inv.args and not f.get("filename"):
        raise KubectlError("error: NAME or filename is required for debug")
    policy = f.get("image-pull-policy") or ""
    if policy not in ("", "Always", "Never", "IfNotPresent"):
        raise KubectlError(f"error: invalid image pull policy: {policy}")
    notes = ""
    if f.get("target"):
        if copy_to:
            raise KubectlError("error: --target is incompatible with --copy-to. Use --share-processes instead.")
        notes += (f'Targeting container "{f["target"]}". If you don\'t see processes from this container it may be '
                  "because the container runtime doesn't support this feature.\n")
    if f.get("tty") and not f.get("stdin"):
        raise KubectlError(notes + "error: -i/--stdin is required for containers with -t/--tty=true")
    profile = f.get("profile") or "legacy"
    if profile not in PROFILES:
        raise KubectlError(notes + f'error: unknown profile: {profile}')
    if profile == "legacy":
        notes += LEGACY_WARNING
    return notes


def _container(inv: Invocation, name: str) -> Obj:
    f = inv.flags
    c: Obj = {"name": name, "image": f["image"]}
    if f.get("env"):
        c["env"] = _env(f["env"])
    if f.get("image-pull-policy"):
        c["imagePullPolicy"] = f["image-pull-policy"]
    args = list(inv.after_dash)
    if args:
        c["args" if f.get("arguments-only") else "command"] = args
    if f.get("stdin"):
        c["stdin"] = True
    c["terminationMessagePolicy"] = "File"
    if f.get("tty"):
        c["tty"] = True
    return c


def _profile_security(profile: str, target: str) -> Obj | None:
    """The securityContext a profile gives a debug container (profiles.go)."""
    if profile == "sysadmin":
        return {"privileged": True}
    if profile == "netadmin":
        return {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}
    if profile == "restricted":
        return {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": True,
                "seccompProfile": {"type": "RuntimeDefault"}}
    if profile == "baseline" or profile == "general" and not target:
        return None
    if profile == "general":
        return {"capabilities": {"add": ["SYS_PTRACE"]}}
    return None


def _debug_name(inv: Invocation, pod: Obj) -> tuple[str, str]:
    """(the debug container's name, kubectl's "Defaulting…" note) as computeDebugContainerName."""
    if inv.flags.get("container"):
        return inv.flags["container"], ""
    spec = pod.get("spec") or {}
    taken = {c["name"] for key in ("containers", "initContainers", "ephemeralContainers")
             for c in spec.get(key) or []}
    name = ""
    while not name or name in taken:
        name = f"debugger-{_suffix(inv)}"
    note = "" if inv.flags.get("quiet") else f"Defaulting debug container name to {name}.\n"
    return name, note


def _target(inv: Invocation, notes: str) -> tuple[str, str]:
    word = inv.args[0]
    if "/" in word:
        kind, _, name = word.partition("/")
    elif len(inv.args) > 1:
        kind, name = word, inv.args[1]
    else:
        kind, name = "pod", word
    low = kind.lower()
    if low in ("node", "nodes", "no"):
        return "Node", name
    if low in ("pod", "pods", "po"):
        return "Pod", name
    r = BY_KIND.get(kind) or next((x for x in BY_KIND.values() if low in (x.plural, x.singular, *x.short_names)),
                                  None)
    if r is None:
        raise KubectlError(f'{notes}error: the server doesn\'t have a resource type "{kind}"')
    if inv.cluster.store.peek(r.kind, inv.namespace if r.namespaced else "", name) is None:
        e = not_found(r, name)
        raise KubectlError(f"{notes}Error from server ({e.reason}): {e.message}")
    raise KubectlError(notes + (f'error: "/{r.version}, Kind={r.kind}" not supported by debug'
                       if not r.group else f'error: "{r.group}/{r.version}, Kind={r.kind}" not supported by debug'))


@command("debug", flags=DEBUG_FLAGS)
def debug(inv: Invocation) -> Result:
    notes = _validate(inv)
    kind, name = _target(inv, notes)
    if kind == "Node":
        return _debug_node(inv, name, notes)
    pod = inv.cluster.store.get("Pod", inv.namespace, name)
    if pod is None:
        raise KubectlError(notes + f'Error from server (NotFound): pods "{name}" not found')
    if inv.flags.get("copy-to"):
        return _debug_copy(inv, pod, notes)
    return _debug_ephemeral(inv, pod, notes)


def _debug_ephemeral(inv: Invocation, pod: Obj, notes: str) -> Result:
    f = inv.flags
    cname, note = _debug_name(inv, pod)
    c = _container(inv, cname)
    if f.get("target"):
        c["targetContainerName"] = f["target"]
    security = _profile_security(f.get("profile") or "legacy", f.get("target") or "")
    if security:
        c["securityContext"] = security
    existing = list((pod.get("spec") or {}).get("ephemeralContainers") or [])
    stored = ephemeral.update_ephemeral_containers(inv.cluster.api, pod["metadata"]["namespace"],
                                                   pod["metadata"]["name"], [*existing, c])
    del stored
    return _maybe_attach(inv, pod["metadata"]["namespace"], pod["metadata"]["name"], cname, notes + note,
                         ephemeral_container=True)


def _debug_copy(inv: Invocation, pod: Obj, notes: str) -> Result:
    """generatePodCopyWithDebugContainer: a new pod from the old one's spec, the debug container added."""
    f = inv.flags
    spec = deep_copy(pod.get("spec") or {})
    meta = pod["metadata"]
    new_meta: Obj = {"name": f["copy-to"], "namespace": meta["namespace"]}
    if f.get("keep-labels") and meta.get("labels"):
        new_meta["labels"] = dict(meta["labels"])
    if f.get("keep-annotations") and meta.get("annotations"):
        new_meta["annotations"] = dict(meta["annotations"])
    if not f.get("same-node"):
        spec.pop("nodeName", None)
    spec.pop("ephemeralContainers", None)
    if not _bool_flag(f.get("keep-init-containers"), True):
        spec.pop("initContainers", None)
    for c in spec.get("containers") or []:
        for probe, keep in (("livenessProbe", "keep-liveness"), ("readinessProbe", "keep-readiness"),
                            ("startupProbe", "keep-startup")):
            if not f.get(keep):
                c.pop(probe, None)
    spec["shareProcessNamespace"] = _bool_flag(f.get("share-processes"), True)
    for item in f.get("set-image") or []:
        for pair in item.split(","):
            cname, _, image = pair.partition("=")
            for c in spec.get("containers") or []:
                if cname in ("*", c["name"]):
                    c["image"] = image
    note = ""
    cname = f.get("container") or ""
    if f.get("image"):
        cname, note = _debug_name(inv, pod)
        existing = next((c for c in spec.get("containers") or [] if c["name"] == cname), None)
        if existing is None:
            spec.setdefault("containers", []).append(_container(inv, cname))
        else:
            existing["image"] = f["image"]
    elif cname and inv.after_dash:
        for c in spec.get("containers") or []:
            if c["name"] == cname:
                c["args" if f.get("arguments-only") else "command"] = list(inv.after_dash)
    copied: Obj = {"apiVersion": "v1", "kind": "Pod", "metadata": new_meta, "spec": spec}
    inv.cluster.api.create(copied, meta["namespace"], manager="kubectl-debug")
    if f.get("replace"):
        inv.cluster.api.delete("Pod", meta["namespace"], meta["name"], grace_period=0)
    return _maybe_attach(inv, meta["namespace"], f["copy-to"], cname, notes + note)


def _debug_node(inv: Invocation, node_name: str, notes: str) -> Result:
    f = inv.flags
    node = inv.cluster.store.get("Node", "", node_name)
    if node is None:
        e = not_found(BY_KIND["Node"], node_name)
        raise KubectlError(f"{notes}Error from server ({e.reason}): {e.message}")
    cname = f.get("container") or "debugger"
    pod_name = f"node-debugger-{node_name}-{_suffix(inv)}"
    note = "" if f.get("quiet") else f"Creating debugging pod {pod_name} with container {cname} on node {node_name}.\n"
    c = _container(inv, cname)
    profile = f.get("profile") or "legacy"
    spec: Obj = {"containers": [c], "nodeName": node_name, "restartPolicy": "Never",
                 "tolerations": [{"operator": "Exists"}]}
    if profile in ("legacy", "general", "sysadmin", "netadmin"):
        spec.update({"hostIPC": True, "hostNetwork": True, "hostPID": True})
    if profile in ("legacy", "general", "sysadmin"):
        c["volumeMounts"] = [{"mountPath": "/host", "name": "host-root"}]
        spec["volumes"] = [{"hostPath": {"path": "/"}, "name": "host-root"}]
    security = _profile_security(profile, "x")
    if security and profile != "general":
        c["securityContext"] = security
    pod: Obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": pod_name}, "spec": spec}
    inv.cluster.api.create(pod, inv.namespace, manager="kubectl-debug")
    return _maybe_attach(inv, inv.namespace, pod_name, cname, notes + note)


def _status_of(pod: Obj, name: str, ephemeral_container: bool) -> dict:
    key = "ephemeralContainerStatuses" if ephemeral_container else "containerStatuses"
    for cs in (pod.get("status") or {}).get(key) or []:
        if cs.get("name") == name:
            return cs
    return {}


def _maybe_attach(inv: Invocation, ns: str, pod_name: str, cname: str, text: str,
                  ephemeral_container: bool = False) -> Result:
    """With --attach (-i): wait for the container as waitForContainer does, then attach."""
    f = inv.flags
    if not _bool_flag(f.get("attach"), bool(f.get("stdin"))) or not cname:
        return Result(text)
    waited = 0
    warned: set[str] = set()
    while True:
        pod = inv.cluster.store.get("Pod", ns, pod_name)
        if pod is None:
            return Result(text + f'Error from server (NotFound): pods "{pod_name}" not found', 1)
        state = _status_of(pod, cname, ephemeral_container).get("state") or {}
        if "running" in state or "terminated" in state:
            break
        message = (state.get("waiting") or {}).get("message") or ""
        if message and message not in warned and not f.get("quiet"):
            warned.add(message)
            text += f"Warning: container {cname}: {message}\n"
        if waited >= WAIT_LIMIT:
            return Result(text + "error: timed out waiting for the condition", 1)
        inv.cluster.advance(1)
        waited += 1
    if "terminated" not in state and f.get("stdin") and _runs_shell(inv, pod, cname, ephemeral_container):
        hint = "" if f.get("quiet") or not f.get("tty") else PROMPT_HINT
        shell = _main_argv(inv, pod, cname, ephemeral_container)[0]
        return AttachResult(text + hint, 0, Attach(ns, pod_name, cname, shell=shell, tty=bool(f.get("tty")),
                                                   main=True))
    return Result(text)


def _spec_of(pod: Obj, name: str, ephemeral_container: bool) -> Obj:
    key = "ephemeralContainers" if ephemeral_container else "containers"
    return next((c for c in (pod.get("spec") or {}).get(key) or [] if c.get("name") == name), {})


def _main_argv(inv: Invocation, pod: Obj, name: str, ephemeral_container: bool) -> list[str]:
    spec = _spec_of(pod, name, ephemeral_container)
    argv = list(spec.get("command") or []) + list(spec.get("args") or [])
    if not argv:
        image = inv.cluster.registry.resolve(spec.get("image") or "")
        argv = list(image.entrypoint) + list(image.cmd) if image is not None else []
    return argv or [""]


def _runs_shell(inv: Invocation, pod: Obj, name: str, ephemeral_container: bool) -> bool:
    argv = _main_argv(inv, pod, name, ephemeral_container)
    return len(argv) == 1 and argv[0] in SHELLS
