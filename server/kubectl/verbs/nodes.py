"""kubectl cordon, uncordon and drain.

Owns: marking nodes (un)schedulable (``node/node1 cordoned``, ``already cordoned``,
``uncordoned``, ``already uncordoned``) and draining them as kubectl v1.32's drain helper does:
cordon, sort the node's pods through the same filters in the same order (DaemonSet-managed,
mirror, local storage, unreplicated; ``--ignore-daemonsets``, ``--delete-emptydir-data``,
``--force``), refuse with the real error text (``cannot delete cannot delete Pods that declare no
controller (use --force to override): default/test1`` — kubectl really doubles the words), or
evict each pod (``evicting pod default/x``) and wait for it to be gone (``pod/x evicted``),
then ``node/node1 drained``.

The real drain waits on the wall clock; here the wait drives the virtual clock forward one
simulated second at a time (bounded by ``--timeout``, default one simulated hour), so the pods'
grace periods run and their ReplicaSets create replacements elsewhere.

Hands off: the eviction itself is the ``pods/eviction`` subresource's (``server.sim.eviction``:
a PodDisruptionBudget may refuse it with 429, and drain retries every 5 s, as the real one does);
the scheduler keeps new pods off the cordoned node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...sim.api import ApiError
from ...sim.kubelet import go_duration
from ...sim.store import Obj
from ..parse import Flag, Invocation, KubectlError, Result, command
from . import rollout
from .apply import dry_run_mode

if TYPE_CHECKING:
    from ...sim.cluster import Cluster

DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
DEFAULT_DRAIN_WAIT = 3600.0

NODE_FLAGS = [Flag("selector", "l", "str"), Flag("dry-run", kind="str")]


def _nodes(inv: Invocation, verb: str) -> list[Obj]:
    selector = inv.flags.get("selector")
    if inv.args and selector:
        raise KubectlError("error: error: cannot specify both a node name and a --selector option\n"
                           f"See 'kubectl {verb} -h' for help and examples")
    if not inv.args and not selector:
        raise KubectlError(f"error: USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples")
    if selector:
        from ..resolve import parse_selector
        return inv.cluster.store.list("Node", None, selector=parse_selector(selector))
    out = []
    for name in inv.args:
        name = name.split("/", 1)[1] if name.startswith(("node/", "nodes/", "no/")) else name
        out.append(inv.cluster.api.get("Node", "", name))
    return out


def _set_unschedulable(inv: Invocation, node: Obj, desired: bool, mode: str) -> str:
    name = node["metadata"]["name"]
    have = bool((node.get("spec") or {}).get("unschedulable"))
    word = "cordoned" if desired else "uncordoned"
    if have == desired:
        return f"node/{name} already {word}\n"
    if mode == "none":
        spec = node.setdefault("spec", {})
        if desired:
            spec["unschedulable"] = True
        else:
            spec.pop("unschedulable", None)
        inv.cluster.api.replace(node, manager="kubectl")
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")
    return f"node/{name} {word}{suffix}\n"


def _cordon(inv: Invocation, desired: bool, verb: str) -> Result:
    mode = dry_run_mode(inv)
    out = [_set_unschedulable(inv, node, desired, mode) for node in _nodes(inv, verb)]
    return Result("".join(out))


@command("cordon", flags=NODE_FLAGS)
def cordon(inv: Invocation) -> Result:
    return _cordon(inv, True, "cordon")


@command("uncordon", flags=NODE_FLAGS)
def uncordon(inv: Invocation) -> Result:
    return _cordon(inv, False, "uncordon")


def _controller_of(pod: Obj) -> dict | None:
    return next((r for r in pod["metadata"].get("ownerReferences") or [] if r.get("controller")), None)


def _finished(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def pod_delete_status(inv: Invocation, pod: Obj) -> tuple[bool, str, str]:
    """(delete?, "Error"|"Warning"|"", message) through drain's filters, in drain's order."""
    f = inv.flags
    ref = _controller_of(pod)
    # DaemonSet-managed pods are never evicted (their controller would put them straight back)
    if ref and ref.get("kind") == "DaemonSet" and not _finished(pod):
        ds = inv.cluster.store.peek("DaemonSet", pod["metadata"]["namespace"], ref["name"])
        if ds is None:
            msg = f'daemonsets.apps "{ref["name"]}" not found'
            return (True, "Warning", msg) if f.get("force") else (False, "Error", msg)
        if not f.get("ignore-daemonsets"):
            return False, "Error", DAEMONSET_FATAL
        return False, "Warning", DAEMONSET_WARNING
    if MIRROR_ANNOTATION in (pod["metadata"].get("annotations") or {}):
        return False, "", ""
    if any("emptyDir" in v for v in (pod.get("spec") or {}).get("volumes") or []) and not _finished(pod):
        if not f.get("delete-emptydir-data"):
            return False, "Error", LOCAL_STORAGE_FATAL
        # kubectl's "deleting Pods with local storage" warning is overwritten by the next filter's
        # verdict (a known TODO in drain/filters.go), so it never shows: neither does it here
    if not _finished(pod) and ref is None:
        if f.get("force"):
            return True, "Warning", UNMANAGED_WARNING
        return False, "Error", UNMANAGED_FATAL
    return True, "", ""


@command("drain", flags=[*NODE_FLAGS, Flag("force"), Flag("ignore-daemonsets"), Flag("delete-emptydir-data"),
                         Flag("delete-local-data"), Flag("grace-period", kind="int", default=-1),
                         Flag("timeout", kind="str"), Flag("disable-eviction"), Flag("pod-selector", kind="str"),
                         Flag("skip-wait-for-delete-timeout", kind="int", default=0),
                         Flag("chunk-size", kind="int", default=500)])
def drain(inv: Invocation) -> Result:
    f = inv.flags
    if f.get("delete-local-data"):
        f["delete-emptydir-data"] = True
    mode = dry_run_mode(inv)
    timeout = rollout._duration(f.get("timeout")) or DEFAULT_DRAIN_WAIT
    nodes = _nodes(inv, "drain")
    cluster = inv.cluster
    out: list[str] = [_set_unschedulable(inv, node, True, mode) for node in nodes]
    fatal: list[str] = []
    pending: list[str] = []
    for node in nodes:
        name = node["metadata"]["name"]
        pods = cluster.store.list("Pod", None, node=name)
        if f.get("pod-selector"):
            from ..resolve import selector_matches
            pods = [p for p in pods if selector_matches(f["pod-selector"], p["metadata"].get("labels"))]
        to_delete: list[Obj] = []
        warnings: dict[str, list[str]] = {}
        errors: dict[str, list[str]] = {}
        for pod in pods:
            delete, kind, msg = pod_delete_status(inv, pod)
            where = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
            if kind == "Error":
                errors.setdefault(msg, []).append(where)
            elif kind == "Warning":
                warnings.setdefault(msg, []).append(where)
            if delete and kind != "Error":
                to_delete.append(pod)
        if errors:
            # kubectl walks a Go map here (random order); the filters' order is a stable stand-in
            rank = {DAEMONSET_FATAL: 0, LOCAL_STORAGE_FATAL: 1, UNMANAGED_FATAL: 2}
            errs = [f"cannot delete {msg}: {', '.join(ps)}"
                    for msg, ps in sorted(errors.items(), key=lambda kv: (rank.get(kv[0], -1), kv[0]))]
            message = errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]"
            out.append(f'error: unable to drain node "{name}" due to error: {message}, continuing command...\n')
            fatal.extend(errs)
            pending.append(name)
            continue
        if warnings:
            out.append("Warning: " + "; ".join(f"{msg}: {', '.join(ps)}" for msg, ps in sorted(warnings.items()))
                       + "\n")
        verb = "deleted" if f.get("disable-eviction") else "evicted"
        if mode == "client":
            out.extend(f"evicting pod {p['metadata']['namespace']}/{p['metadata']['name']} (dry run)\n"
                       for p in to_delete)
            out.append(f"node/{name} drained (dry run)\n")
            continue
        grace = f.get("grace-period", -1)
        errs, waiting = _evict_or_delete(cluster, to_delete, out, timeout, grace if grace >= 0 else None,
                                         evict=not f.get("disable-eviction"), verb=verb)
        if errs:
            err = errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]"
            if waiting:
                out.append("There are pending pods in node \"" + name + "\" when an error occurred: " + err + "\n"
                           + "".join(f"pod/{p['metadata']['name']}\n" for p in waiting))
            out.append(f'error: unable to drain node "{name}" due to error: {err}, continuing command...\n')
            fatal.append(err)
            pending.append(name)
            continue
        out.append(f"node/{name} drained\n")
    if pending:
        out.append("There are pending nodes to be drained:\n" + "".join(f" {n}\n" for n in pending))
        # kubectl's CheckErr prints an aggregate of errors one per line, without "error: "
        out.extend(f"{e}\n" for e in fatal)
        return Result("".join(out), 1)
    return Result("".join(out))


def _evict_or_delete(cluster: Cluster, pods: list[Obj], out: list[str], timeout: float, grace: int | None, *,
                     evict: bool, verb: str) -> tuple[list[str], list[Obj]]:
    """drain.Helper's evictPods / deletePods on the virtual clock: every pod is evicted at once; one its
    PodDisruptionBudget protects (429) says so and is tried again 5 s later, printing ``evicting pod``
    each time, until the budget allows it or the global timeout ends it; then each evicted pod is
    waited for (``pod/x evicted``). The errors and the pods still there."""
    from ...sim import eviction

    errors: list[str] = []
    waiting: list[Obj] = []
    due: dict[str, float] = {}
    if not evict:
        for pod in pods:
            meta = pod["metadata"]
            try:
                cluster.api.delete("Pod", meta["namespace"], meta["name"], grace_period=grace)
            except ApiError as e:
                if e.reason != "NotFound":
                    errors.append(e.message)
                    return errors, waiting
            waiting.append(pod)
    else:
        due = {p["metadata"]["uid"]: 0.0 for p in pods}
    trying = list(pods) if evict else []
    elapsed = 0.0
    while True:
        for pod in list(trying):
            meta = pod["metadata"]
            if due[meta["uid"]] > elapsed:
                continue
            where = f'pods/"{meta["name"]}" -n "{meta["namespace"]}"'
            out.append(f"evicting pod {meta['namespace']}/{meta['name']}\n")
            if elapsed >= timeout:
                trying.remove(pod)
                errors.append(f"error when evicting {where}: global timeout reached: {go_duration(int(timeout))}")
                continue
            try:
                eviction.evict(cluster, meta["namespace"], meta["name"], grace_period=grace)
            except ApiError as e:
                if e.code == 404:
                    trying.remove(pod)
                elif e.code == 429:
                    out.append(f"error when evicting {where} (will retry after 5s): {e.message}\n")
                    due[meta["uid"]] = elapsed + 5
                else:
                    trying.remove(pod)
                    errors.append(f"error when evicting {where}: {e.message}")
                continue
            trying.remove(pod)
            waiting.append(pod)
        still = []
        for pod in waiting:
            meta = pod["metadata"]
            now = cluster.store.peek("Pod", meta["namespace"], meta["name"])
            if now is None or now["metadata"]["uid"] != meta["uid"]:
                out.append(f"pod/{meta['name']} {verb}\n")
            else:
                still.append(pod)
        waiting = still
        if not waiting and not trying:
            break
        if elapsed >= timeout and not trying:
            errors.extend(f'error when waiting for pod "{p["metadata"]["name"]}" in namespace '
                          f'"{p["metadata"]["namespace"]}" to terminate: global timeout reached: '
                          f"{go_duration(int(timeout))}" for p in waiting)
            break
        cluster.advance(1)
        elapsed += 1
    return errors, waiting + trying
