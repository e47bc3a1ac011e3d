"""kubectl logs.

Owns: ``kubectl logs (POD | TYPE/NAME | -l SELECTOR) [-c CONTAINER] [--previous] [--tail=N]
[--all-containers] [--prefix] [--ignore-errors] [--max-log-requests=N] [-f]`` with kubectl v1.32's
choices and words (a selector's pods give 10 lines each by default, ``-f`` over more streams than
``--max-log-requests`` is refused): ``deploy/x`` picks a pod (``Found 4
pods, using pod/…``), a multi-container pod defaults to its first container (``Defaulted
container "a" out of: a, b``), and the kubelet's refusals come back as the apiserver relays them
(``Error from server (BadRequest): container "x" in pod "y" is waiting to start:
ContainerCreating``). ``-f`` prints what is there and, for a caller that follows streams (the
page's terminal), goes on printing each new line as the clock runs, until the containers stop
(``streaming.LogStream``).

Hands off: the lines come from the container runtime (``cluster.runtime``), where the apps and
the kubelet write them.
"""

from __future__ import annotations

import dataclasses
import math

from ...sim import logs as kubelet_logs
from ...sim.api import ApiError
from ...sim.clock import parse_time
from ...sim.store import Obj
from .. import authorized
from ..parse import Flag, Invocation, KubectlError, Result, command
from ..streaming import LogStream, StreamResult
from .exec import attachable_pod, container_names, has_container, pick_container
from .rollout import _duration as duration_flag

LOGS_FLAGS = [Flag("container", "c", "str", ""), Flag("previous", "p"), Flag("tail", kind="int", default=-1),
              Flag("follow", "f"), Flag("all-containers"), Flag("prefix"), Flag("timestamps"),
              Flag("selector", "l", "str"), Flag("since", kind="str"), Flag("since-time", kind="str"),
              Flag("limit-bytes", kind="int", default=0), Flag("max-log-requests", kind="int", default=5),
              Flag("ignore-errors"), Flag("pod-running-timeout", kind="str"),
              Flag("insecure-skip-tls-verify-backend"), Flag("all-pods")]
#: the tail kubectl asks for per container when it reads the logs of a selector's pods
SELECTOR_TAIL = 10
USAGE = ("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
         "POD or TYPE/NAME is a required argument for the logs command\n"
         "See 'kubectl logs -h' for help and examples")


def _bad_request(message: str) -> KubectlError:
    return KubectlError(f"Error from server (BadRequest): {message}")


def container_log(inv: Invocation, pod: Obj, name: str, previous: bool) -> list[str]:
    """The container's log lines, or the kubelet's refusal (as the apiserver relays it)."""
    authorized.check(inv.cluster, "get", "Pod", pod["metadata"]["namespace"], pod["metadata"]["name"], "log")
    try:
        return [line for _t, line in kubelet_logs.entries(authorized.raw(inv.cluster), pod, name, previous)]
    except kubelet_logs.LogError as e:
        raise _bad_request(e.message) from None


def log_options(inv: Invocation) -> kubelet_logs.LogOptions:
    """``--tail``, ``--since``/``--since-time``, ``--limit-bytes``, ``--timestamps``, ``--previous``
    as the kubelet's log options, refused as kubectl refuses them."""
    f = inv.flags
    since = None
    if f.get("since") and f.get("since-time"):
        raise KubectlError("error: at most one of `sinceTime` or `sinceSeconds` may be specified")
    if f.get("since"):
        seconds = duration_flag(f["since"], "--since")
        if seconds <= 0:
            raise KubectlError("error: --since must be greater than 0")
        since = inv.cluster.clock.now() - math.ceil(seconds)
    elif f.get("since-time"):
        try:
            since = parse_time(f["since-time"])
        except ValueError:
            raise KubectlError(f'error: invalid argument "{f["since-time"]}" for "--since-time" flag: '
                               f'parsing time "{f["since-time"]}" as "2006-01-02T15:04:05Z07:00": cannot parse '
                               f'"{f["since-time"]}" as "2006"') from None
    limit = f.get("limit-bytes") or 0
    tail = f.get("tail", -1)
    return kubelet_logs.LogOptions(previous=bool(f.get("previous")), tail=tail if tail is not None and tail >= 0 else None,
                           since=since, limit_bytes=limit if limit > 0 else None, timestamps=bool(f.get("timestamps")))


@command("logs", flags=LOGS_FLAGS)
def logs(inv: Invocation) -> Result:
    f = inv.flags
    selector = f.get("selector") or ""
    if (not inv.args and not selector) or len(inv.args) > 2:
        raise KubectlError(USAGE)
    if len(inv.args) == 1 and selector:
        raise KubectlError("error: only a selector (-l) or a POD name is allowed\n"
                           "See 'kubectl logs -h' for help and examples")
    if selector and not inv.args:
        return _selector_logs(inv, selector)
    words = inv.args
    container = f.get("container") or ""
    if len(words) == 2 and "/" not in words[0]:
        # the deprecated ``kubectl logs POD CONTAINER`` form
        try:
            from ..resolve import resource_type

            resource_type(words[0])
        except KubectlError:
            words, container = words[:1], container or words[1]
    try:
        pod, note = attachable_pod(inv, words)
    except ApiError as e:
        if e.code != 404 or "/" in words[0]:
            raise
        # a bare pod name: kubectl's logs words the lookup's failure itself
        raise KubectlError(f"error: error from server ({e.reason}): {e.message} in namespace "
                           f'"{inv.namespace}"') from e
    if f.get("all-containers"):
        names = [c["name"] for c in pod["spec"].get("initContainers") or []] + container_names(pod)
        defaulted = ""
    else:
        name, defaulted = pick_container(pod, container)
        known = {c.get("name") for key in ("containers", "initContainers", "ephemeralContainers")
                 for c in pod["spec"].get(key) or []}
        if name not in known:  # podcmd.FindContainerByName, before any request: kubectl's own error
            raise KubectlError(f"error: container {name} is not valid for pod {pod['metadata']['name']}")
        names = [name]
    opts = log_options(inv)
    inv.exact_output = True  # the log as written: a partial last line, --limit-bytes, end unterminated
    lines: list[str] = []
    follows = []
    for name in names:
        # each container's log is a request of its own: GET pods/<name>/log
        authorized.check(inv.cluster, "get", "Pod", pod["metadata"]["namespace"], pod["metadata"]["name"], "log")
        try:
            read = kubelet_logs.entries(authorized.raw(inv.cluster), pod, name, opts.previous)
        except kubelet_logs.LogError as e:
            raise _bad_request(e.message) from None
        lines.extend(_prefixed(inv, pod["metadata"]["name"], name, kubelet_logs.render(read, opts)))
        follows.append(kubelet_logs.Follow(authorized.raw(inv.cluster), pod, name, opts.previous, sent=len(read)))
    text = note + defaulted + "".join(lines)
    if f.get("follow") and inv.follow:
        later = kubelet_logs.LogOptions(timestamps=opts.timestamps)

        def render(follow: kubelet_logs.Follow, new: list) -> str:
            return "".join(_prefixed(inv, follow.name, follow.container, kubelet_logs.render(new, later)))

        stream = LogStream(follows, render)
        stream.poll()  # a container that has stopped ends the stream at once, as the kubelet does
        return StreamResult(text, 0, stream)
    return Result(text)


def _prefixed(inv: Invocation, pod_name: str, name: str, got: list[str]) -> list[str]:
    """``--prefix`` (``--all-pods`` sets it): each line with the pod and container it came from."""
    if not (inv.flags.get("prefix") or inv.flags.get("all-pods")):
        return got
    return [f"[pod/{pod_name}/{name}] {ln}" for ln in got]


def _selector_logs(inv: Invocation, selector: str) -> Result:
    """``kubectl logs -l SELECTOR``: the pods the selector lists in the namespace (``No resources
    found in NS namespace.`` when none), one log request per pod — its default container, ``-c``'s,
    or with ``--all-containers`` its init, regular and ephemeral ones —, each the last
    ``SELECTOR_TAIL`` lines unless ``--tail`` is given, read one after the other (the first refusal
    ends the command; ``--ignore-errors`` prints ``error: …`` and goes on). ``-f`` follows them all
    at once, at most ``--max-log-requests`` of them (kubectl/pkg/cmd/logs RunLogs)."""
    from ..resolve import list_objects, resource_type

    f = inv.flags
    opts = log_options(inv)
    if not inv.flag_given("tail"):
        opts = dataclasses.replace(opts, tail=SELECTOR_TAIL)
    pods = list_objects(inv.cluster, resource_type("pods"), inv.namespace, selector)
    head = "" if pods else f"No resources found in {inv.namespace} namespace.\n"
    wanted = f.get("container") or ""
    requests: list[tuple[Obj, str]] = []
    for pod in pods:
        spec = pod.get("spec") or {}
        if f.get("all-containers"):
            names = [c["name"] for key in ("initContainers", "containers", "ephemeralContainers")
                     for c in spec.get(key) or []]
        else:
            name, defaulted = pick_container(pod, wanted)
            if not f.get("all-pods"):
                head += defaulted
            if not has_container(pod, name):
                raise KubectlError(head + f"error: container {name} is not valid for pod {pod['metadata']['name']}")
            names = [name]
        requests.extend((pod, n) for n in names)
    follow = bool(f.get("follow"))
    limit = f.get("max-log-requests", 5)
    if follow and len(requests) > 1 and len(requests) > limit:
        raise KubectlError(head + f"error: you are attempting to follow {len(requests)} log streams, but maximum "
                                  f"allowed concurrency is {limit}, use --max-log-requests to increase the limit")
    inv.exact_output = True
    text = head
    follows = []
    for pod, name in requests:
        # each container's log is a request of its own: GET pods/<name>/log
        authorized.check(inv.cluster, "get", "Pod", pod["metadata"]["namespace"], pod["metadata"]["name"], "log")
        try:
            read = kubelet_logs.entries(authorized.raw(inv.cluster), pod, name, opts.previous)
        except kubelet_logs.LogError as e:
            if not f.get("ignore-errors"):
                raise KubectlError(text + f"Error from server (BadRequest): {e.message}") from None
            text += f"error: {e.message}\n"
            continue
        text += "".join(_prefixed(inv, pod["metadata"]["name"], name, kubelet_logs.render(read, opts)))
        follows.append(kubelet_logs.Follow(authorized.raw(inv.cluster), pod, name, opts.previous, sent=len(read)))
    if follow and inv.follow and follows:
        later = kubelet_logs.LogOptions(timestamps=opts.timestamps)

        def render(each: kubelet_logs.Follow, new: list) -> str:
            return "".join(_prefixed(inv, each.name, each.container, kubelet_logs.render(new, later)))

        stream = LogStream(follows, render)
        stream.poll()
        return StreamResult(text, 0, stream)
    return Result(text)
