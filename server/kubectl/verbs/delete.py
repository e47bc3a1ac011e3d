"""kubectl delete.

Owns: deleting by ``TYPE NAME…``, ``TYPE/NAME``, ``-f`` (files, directories, stdin), ``-l`` and
``--all`` (``-A`` for every namespace), with kubectl v1.32's option rules and words:
``--grace-period`` (0 without ``--force`` means 1), ``--now`` (= 1), ``--force`` (grace 0, the
"Immediate deletion" warning, ``force deleted``), ``--cascade=background|orphan|foreground``
(and the deprecated booleans), ``--ignore-not-found``, ``--dry-run``, ``-o name``. Output is
``pod "test1" deleted`` per object; NotFound errors come after the successes, exit code 1; with
``-f`` the errors are the visitor's aggregate (``apply.finish_visit``): the requests' errors, then the
documents that did not decode, bare.

Then it waits (``--wait``, default true) until the objects are gone (``Gone``: the same uid no
longer stored), as kubectl's ``WaitForDeletion`` does, within ``--timeout`` (0: a week) — for a
caller that follows streams (the page's terminal) as a stream that ends when they are gone (or
Ctrl-C), for any other caller by running the clock through their grace periods (at most
``rollout.DEFAULT_STATUS_WAIT``, as long as a user would wait). ``--wait=false`` returns at once.

Hands off: target resolution to ``files.gather``; the deletion itself (graceful pods,
propagation to dependents) to ``server.sim.api.delete``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...sim.api import ApiError
from .. import authorized
from ..files import Ref, gather
from ..parse import Flag, Invocation, KubectlError, Result, command
from ..streaming import Stream, StreamResult, run_for
from .apply import DRY_RUN_SUFFIX, dry_run_mode, finish_visit, with_source
from .rollout import DEFAULT_STATUS_WAIT
from .rollout import _duration as duration_flag

if TYPE_CHECKING:
    from ...sim.cluster import Cluster

#: kubectl delete's wait when ``--timeout`` is 0 (the default): "forever", a week
WEEK = 168 * 3600.0

FORCE_WARNING = ("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
                 "terminated. The resource may continue to run on the cluster indefinitely.\n")

PROPAGATION = {"background": "Background", "orphan": "Orphan", "foreground": "Foreground"}


def _cascade(value: str) -> tuple[str, str]:
    """The propagation policy and any deprecation warning, as kubectl's parseCascadingFlag."""
    low = value.lower()
    if low in ("true", "1", "t"):
        return "Background", (f"warning: --cascade={value} is deprecated (boolean value) and can be replaced "
                              "with --cascade=background.\n")
    if low in ("false", "0", "f"):
        return "Orphan", (f"warning: --cascade={value} is deprecated (boolean value) and can be replaced "
                          "with --cascade=orphan.\n")
    if value not in PROPAGATION:
        raise KubectlError(f'error: invalid cascade value ({value}). Must be "background", "foreground", or "orphan"')
    return PROPAGATION[value], ""


@command("delete", flags=[Flag("filename", "f", "list"), Flag("recursive", "R"), Flag("kustomize", "k", "str"),
                          Flag("selector", "l", "str"), Flag("all"), Flag("all-namespaces", "A"),
                          Flag("grace-period", kind="int", default=-1), Flag("force"), Flag("now"),
                          Flag("cascade", kind="str", default="background"), Flag("wait", default=True),
                          Flag("ignore-not-found"), Flag("output", "o", "str"), Flag("dry-run", kind="str"),
                          Flag("timeout", kind="str"), Flag("field-selector", kind="str"), Flag("interactive", "i"),
                          Flag("raw", kind="str")])
def delete(inv: Invocation) -> Result:
    f = inv.flags
    cluster = inv.cluster
    propagation, warning = _cascade(f.get("cascade") or "background")
    selector = f.get("selector")
    select_all = bool(f.get("all"))
    ignore_not_found = bool(f.get("ignore-not-found"))
    if (select_all or selector) and not inv.flag_given("ignore-not-found"):
        ignore_not_found = True
    grace = f.get("grace-period", -1)
    if f.get("now"):
        if grace != -1:
            raise KubectlError("error: --now and --grace-period cannot be specified together")
        grace = 1
    force = bool(f.get("force"))
    if grace == 0 and not force:
        # kubectl keeps old scripts safe: --grace-period=0 alone means 1
        grace = 1
    if force and grace < 0:
        grace = 0
    mode = dry_run_mode(inv)
    output = f.get("output") or ""
    if output not in ("", "name"):
        raise KubectlError(f"error: unexpected -o output mode: {output}. We only support '-o name'")
    if select_all and selector:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if force and grace > 0:
        raise KubectlError("error: --force and --grace-period greater than 0 cannot be specified together")
    if force and grace == 0:
        warning += FORCE_WARNING

    refs, errors = gather(inv, inv.args, verb="delete", selector=selector, select_all=select_all,
                          all_namespaces=bool(f.get("all-namespaces")))
    builder, errors = errors, []  # the resource builder's (documents that did not decode), then the requests'
    out: list[str] = [warning] if warning else []
    operation = ("force deleted" if grace == 0 else "deleted") + DRY_RUN_SUFFIX.get(mode, "")
    found = 0
    deleted: list[tuple[Ref, str]] = []
    for ref in refs:
        r = ref.resource
        try:
            # kubectl sends the DELETE alone (a dry run too): the uid it waits for is no request of its own
            live = authorized.raw(cluster).store.peek(r.kind, ref.namespace, ref.name)
            if mode == "none":
                cluster.api.delete(r.kind, ref.namespace, ref.name, grace_period=grace if grace >= 0 else None,
                                   propagation=propagation)
                if live is not None:
                    deleted.append((ref, live["metadata"].get("uid", "")))
            else:
                authorized.check(cluster, "delete", r.kind, ref.namespace, ref.name)
                if live is None:
                    authorized.raw(cluster).api.get(r.kind, ref.namespace, ref.name)  # the server's NotFound
        except ApiError as e:
            if e.reason == "NotFound" and ignore_not_found:
                continue
            errors.append(with_source("deleting", ref.source, e))
            continue
        found += 1
        out.append(f"{ref.display}\n" if output == "name" else f'{r.qualified} "{ref.name}" {operation}\n')
    if found == 0 and not errors and not builder:
        out.append("No resources found\n")
    if f.get("filename") or f.get("kustomize"):
        # the visitor's aggregate: the requests' errors, then the builder's (bare), as kubectl v1.32
        result = finish_visit(out, builder, errors)
        text = result.output
    else:
        errors = builder + errors
        text = "".join(out) + "".join(e + "\n" for e in errors)
        result = Result(text, 1 if errors else 0)
    if mode != "none" or not f.get("wait", True) or not deleted:
        return result
    timeout = duration_flag(f.get("timeout")) or WEEK
    gone = Gone(authorized.raw(cluster), deleted, cluster.clock.now() + timeout)
    gone.poll()
    if gone.done:
        return Result(text + gone.message, 1 if result.exit_code or gone.exit_code else 0)
    if inv.follow:
        return StreamResult(text, result.exit_code, gone)
    waited = run_for(cluster, StreamResult(text, result.exit_code, gone), min(timeout, DEFAULT_STATUS_WAIT))
    return Result(waited.output, 1 if result.exit_code or waited.exit_code else 0)


class Gone(Stream):
    """``--wait``: done when every deleted object has left the store (or another of the same name
    has replaced it); kubectl's timeout error for those still there at the deadline."""

    def __init__(self, cluster: Cluster, deleted: list[tuple[Ref, str]], deadline: float) -> None:
        self.cluster = cluster
        self.deleted = deleted
        self.deadline = deadline
        self.message = ""

    def poll(self) -> str:
        store = self.cluster.store
        self.deleted = [(ref, uid) for ref, uid in self.deleted
                        if (obj := store.peek(ref.resource.kind, ref.namespace, ref.name)) is not None
                        and obj["metadata"].get("uid") == uid]
        if not self.deleted:
            self.done = True
        elif self.cluster.clock.now() >= self.deadline:
            self.done, self.exit_code = True, 1
            self.message = "".join(f"error: timed out waiting for the condition on {ref.resource.plural}/{ref.name}\n"
                                   for ref, _ in self.deleted)
            return self.message
        return ""
