"""kubectl logs.

Owns: ``kubectl logs (POD | TYPE/NAME) [-c CONTAINER] [--previous] [--tail=N] [--all-containers]
[--prefix] [-f]`` with kubectl v1.32's choices and words: ``deploy/x`` picks a pod (``Found 4
pods, using pod/…``), a multi-container pod defaults to its first container (``Defaulted
container "a" out of: a, b``), and the kubelet's refusals come back as the apiserver relays them
(``Error from server (BadRequest): container "x" in pod "y" is waiting to start:
ContainerCreating``). ``-f`` prints what is there: the terminal has no stream to keep open.

Hands off: the lines come from the container runtime (``cluster.runtime``), where the apps and
the kubelet write them.
"""

from __future__ import annotations

from ...sim.store import Obj
from ..parse import Flag, Invocation, KubectlError, Result, command
from .exec import attachable_pod, container_names, container_status, pick_container

LOGS_FLAGS = [Flag("container", "c", "str", ""), Flag("previous", "p"), Flag("tail", kind="int", default=-1),
              Flag("follow", "f"), Flag("all-containers"), Flag("prefix"), Flag("timestamps"),
              Flag("selector", "l", "str"), Flag("since", kind="str"), Flag("since-time", kind="str"),
              Flag("limit-bytes", kind="int", default=0), Flag("max-log-requests", kind="int", default=5),
              Flag("ignore-errors"), Flag("pod-running-timeout", kind="str"),
              Flag("insecure-skip-tls-verify-backend")]


def _bad_request(message: str) -> KubectlError:
    return KubectlError(f"Error from server (BadRequest): {message}")


def container_log(inv: Invocation, pod: Obj, name: str, previous: bool) -> list[str]:
    """The container's log lines, or the kubelet's refusal (as the apiserver relays it)."""
    pod_name = pod["metadata"]["name"]
    if name not in container_names(pod) and name not in [c["name"] for c in pod["spec"].get("initContainers") or []]:
        raise _bad_request(f"container {name} is not valid for pod {pod_name}")
    if not (pod.get("spec") or {}).get("nodeName"):
        return []  # the apiserver has no kubelet to ask yet: an empty log, no error
    cs = container_status(pod, name)
    uid = pod["metadata"].get("uid", "")
    if previous:
        inst = inv.cluster.runtime.get(uid, name, previous=True)
        if inst is None or not cs.get("lastState", {}).get("terminated"):
            raise _bad_request(f'previous terminated container "{name}" in pod "{pod_name}" not found')
        return list(inst.logs)
    state = cs.get("state") or {}
    inst = inv.cluster.runtime.get(uid, name)
    waiting = state.get("waiting")
    if waiting is not None or not cs:
        # a container that ran before keeps its last instance's log while it waits to restart
        if inst is not None and cs.get("lastState", {}).get("terminated"):
            return list(inst.logs)
        reason = (waiting or {}).get("reason") or "ContainerCreating"
        if reason in ("ErrImagePull", "ImagePullBackOff"):
            reason = "trying and failing to pull image"
        raise _bad_request(f'container "{name}" in pod "{pod_name}" is waiting to start: {reason}')
    return list(inst.logs) if inst is not None else []


@command("logs", flags=LOGS_FLAGS)
def logs(inv: Invocation) -> Result:
    f = inv.flags
    if not inv.args:
        raise KubectlError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                           "POD or TYPE/NAME is a required argument for the logs command\n"
                           "See 'kubectl logs -h' for help and examples")
    if len(inv.args) > 2:
        raise KubectlError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                           "POD or TYPE/NAME is a required argument for the logs command\n"
                           "See 'kubectl logs -h' for help and examples")
    words = inv.args
    container = f.get("container") or ""
    if len(words) == 2 and "/" not in words[0]:
        # the deprecated ``kubectl logs POD CONTAINER`` form
        try:
            from ..resolve import resource_type

            resource_type(words[0])
        except KubectlError:
            words, container = words[:1], container or words[1]
    pod, note = attachable_pod(inv, words)
    if f.get("all-containers"):
        names = [c["name"] for c in pod["spec"].get("initContainers") or []] + container_names(pod)
        defaulted = ""
    else:
        name, defaulted = pick_container(pod, container)
        names = [name]
    lines: list[str] = []
    for name in names:
        got = container_log(inv, pod, name, bool(f.get("previous")))
        tail = f.get("tail", -1)
        if tail is not None and tail >= 0:
            got = got[len(got) - tail:] if tail else []
        if f.get("prefix"):
            got = [f"[pod/{pod['metadata']['name']}/{name}] {ln}" for ln in got]
        lines.extend(got)
    return Result(note + defaulted + "".join(ln if ln.endswith("\n") else ln + "\n" for ln in lines))
