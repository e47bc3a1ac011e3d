"""kubectl rollout: status, history, undo, pause, resume, restart (deployments).

Owns the client-side halves of these commands as kubectl v1.32 has them
(``polymorphichelpers``): the history table (``REVISION  CHANGE-CAUSE`` from the ReplicaSets'
revision and change-cause annotations) and ``--revision=N`` (the pod template as ``describe``
prints it, with raw tabs as the real command leaves them); undo (k8s-behavior §1.3: the RS with
the second-highest revision or ``--to-revision``, its template minus the hash label copied into
the Deployment together with its annotations; paused and "already matches" refusals); pause,
resume and restart (``kubectl.kubernetes.io/restartedAt`` on the template).

``rollout status`` (Deployments, DaemonSets, StatefulSets, with their status viewers) watches
as the real command does, printing a line for each change of the object (``RolloutStatus``). A
caller that follows streams (the page's terminal) gets it as a stream that prints as the clock
runs; any other caller gets the clock driven forward one simulated second at a time until the
rollout is done, the progress deadline is exceeded, or ``--timeout`` (default: one simulated hour,
as a real terminal user would have given up) runs out. ``--watch=false`` prints one line.

Hands off: every write goes through ``server.sim.api.replace``; the deployment controller does
the rest (revisions, scaling).
"""

from __future__ import annotations

from ...sim.api import ApiError
from ...sim.clock import parse_go_duration
from ...sim.store import Obj, deep_copy
from ..files import Ref, gather
from ..parse import Flag, Invocation, KubectlError, Result, command
from ..streaming import Stream, StreamResult, run_for
from .apply import dry_run_mode, printed

REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
HASH_LABEL = "pod-template-hash"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
#: annotations undo keeps from the Deployment rather than copying from the ReplicaSet
ANNOTATIONS_TO_SKIP = ("kubectl.kubernetes.io/last-applied-configuration", REVISION,
                       "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
                       "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to")
#: how long ``rollout status`` waits without --timeout (simulated seconds)
DEFAULT_STATUS_WAIT = 3600.0

COMMON = [Flag("filename", "f", "list"), Flag("recursive", "R"), Flag("selector", "l", "str"),
          Flag("output", "o", "str")]


def _targets(inv: Invocation) -> list[tuple[Ref, Obj]]:
    if not inv.args and not inv.flags.get("filename"):
        raise KubectlError("error: required resource not specified")
    refs, errors = gather(inv, inv.args, verb=inv.command, selector=inv.flags.get("selector"))
    if errors:
        raise KubectlError("\n".join(errors))
    out = []
    for ref in refs:
        out.append((ref, inv.cluster.api.get(ref.resource.kind, ref.namespace, ref.name)))
    return out


def revision_of(obj: Obj) -> int | None:
    value = (obj["metadata"].get("annotations") or {}).get(REVISION)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def replica_sets(inv: Invocation, deploy: Obj) -> list[Obj]:
    """The ReplicaSets the Deployment controls (read-only stored objects)."""
    uid = deploy["metadata"]["uid"]
    return [rs for rs in inv.cluster.store.scan("ReplicaSet", deploy["metadata"]["namespace"], owner_uid=uid)
            if any(r.get("uid") == uid and r.get("controller") for r in rs["metadata"].get("ownerReferences") or [])]


def _strip_hash(template: Obj) -> Obj:
    t = deep_copy(template)
    labels = (t.get("metadata") or {}).get("labels")
    if labels:
        labels.pop(HASH_LABEL, None)
    meta = t.get("metadata") or {}
    meta.pop("creationTimestamp", None)
    return t


# -- the pod template as describe prints it --------------------------------------------------------

def _multiline(title: str, values: dict[str, str] | None, sep: str = "=") -> str:
    if not values:
        return f"{title}:\t<none>\n"
    keys = sorted(values)
    lines = [f"{title}:\t{keys[0]}{sep}{values[keys[0]]}\n"]
    lines += [f"\t{k}{sep}{values[k]}\n" for k in keys[1:]]
    return "".join(lines)


def _ports(ports: list[Obj], key: str) -> str:
    return ", ".join(f"{p.get(key, 0)}/{p.get('protocol', 'TCP')}" for p in ports)


def describe_pod_template(template: Obj) -> str:
    """``describe.DescribePodTemplate`` without the tabwriter (rollout history prints it raw)."""
    meta = template.get("metadata") or {}
    spec = template.get("spec") or {}
    out = ["Pod Template:\n", _multiline("  Labels", meta.get("labels"))]
    if meta.get("annotations"):
        out.append(_multiline("  Annotations", meta["annotations"], ": "))
    if spec.get("serviceAccountName"):
        out.append(f"  Service Account:\t{spec['serviceAccountName']}\n")
    for label, key in (("Init Containers", "initContainers"), ("Containers", "containers")):
        containers = spec.get(key) or []
        if key == "initContainers" and not containers:
            continue
        out.append(f"  {label}:{'' if containers else ' <none>'}\n")
        for c in containers:
            out.append(f"   {c['name']}:\n    Image:\t{c.get('image', '')}\n")
            ports = c.get("ports") or []
            p = _ports(ports, "containerPort")
            out.append(f"    {'Ports' if ',' in p else 'Port'}:\t{p or '<none>'}\n")
            h = _ports(ports, "hostPort")
            out.append(f"    {'Host Ports' if ',' in h else 'Host Port'}:\t{h or '<none>'}\n")
            for title, k in (("Command", "command"), ("Args", "args")):
                if c.get(k):
                    out.append(f"    {title}:\n" + "".join(f"      {s}\n" for a in c[k] for s in str(a).split("\n")))
            res = c.get("resources") or {}
            for title, k in (("Limits", "limits"), ("Requests", "requests")):
                if res.get(k):
                    out.append(f"    {title}:\n" + "".join(f"      {n}:\t{v}\n" for n, v in sorted(res[k].items())))
            env = c.get("env") or []
            out.append("    Environment:" + ("\t<none>\n" if not env else "\n"))
            for e in env:
                out.append(f"      {e['name']}:\t{e.get('value', '')}\n")
            mounts = c.get("volumeMounts") or []
            out.append("    Mounts:" + ("\t<none>\n" if not mounts else "\n"))
            for m in sorted(mounts, key=lambda m: m.get("mountPath", "")):
                out.append(f"      {m['mountPath']} from {m['name']} ({'ro' if m.get('readOnly') else 'rw'})\n")
    volumes = spec.get("volumes") or []
    out.append("  Volumes:" + ("\t<none>\n" if not volumes else "\n"))
    for v in volumes:
        kind = next((k for k in v if k != "name"), "")
        out.append(f"   {v['name']}:\n    Type:\t{kind[:1].upper() + kind[1:]}\n")
    out.append(_multiline("  Node-Selectors", spec.get("nodeSelector")))
    tolerations = spec.get("tolerations") or []
    if not tolerations:
        out.append("  Tolerations:\t<none>\n")
    else:
        for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
            text = t.get("key", "") + (f"={t['value']}" if t.get("value") else "") + (
                f":{t['effect']}" if t.get("effect") else "")
            if t.get("operator") == "Exists" and not t.get("value"):
                text += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
            if t.get("tolerationSeconds") is not None:
                text += f" for {t['tolerationSeconds']}s"
            out.append(("  Tolerations:\t" if i == 0 else "\t") + text + "\n")
    return "".join(out)


# -- history ----------------------------------------------------------------------------------------

@command("rollout history", flags=[*COMMON, Flag("revision", kind="int", default=0)])
def history(inv: Invocation) -> Result:
    revision = inv.flags.get("revision", 0)
    if revision < 0:
        raise KubectlError(f"error: revision must be a positive integer: {revision}")
    out = []
    for ref, deploy in _targets(inv):
        if ref.resource.kind != "Deployment":
            raise KubectlError(f'error: no history viewer has been implemented for "{ref.resource.kind}.'
                               f'{ref.resource.group}"'.replace('."', '"'))
        info: dict[int, Obj] = {}
        for rs in replica_sets(inv, deploy):
            v = revision_of(rs)
            if v is None:
                continue
            template = deep_copy(rs["spec"]["template"])
            cause = (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
            if cause:
                template.setdefault("metadata", {}).setdefault("annotations", {})[CHANGE_CAUSE] = cause
            info[v] = template
        if not info:
            body = "No rollout history found."
        elif revision > 0:
            if revision not in info:
                raise KubectlError("error: unable to find the specified revision")
            body = describe_pod_template(info[revision])
        else:
            rows = [("REVISION", "CHANGE-CAUSE")] + [
                (str(v), ((info[v].get("metadata") or {}).get("annotations") or {}).get(CHANGE_CAUSE) or "<none>")
                for v in sorted(info)]
            width = max(len(r[0]) for r in rows) + 2
            body = "".join(f"{a.ljust(width)}{b}\n" for a, b in rows)
        with_revision = f"with revision #{revision}" if revision > 0 else ""
        out.append(f"{ref.display} {with_revision}\n{body}\n")
    return Result("".join(out))


# -- undo -------------------------------------------------------------------------------------------

@command("rollout undo", flags=[*COMMON, Flag("to-revision", kind="int", default=0), Flag("dry-run", kind="str")])
def undo(inv: Invocation) -> Result:
    to_revision = inv.flags.get("to-revision", 0)
    mode = dry_run_mode(inv)
    out = []
    for ref, deploy in _targets(inv):
        if ref.resource.kind != "Deployment":
            raise KubectlError(f'error: no rollbacker has been implemented for "{ref.resource.kind}.'
                               f'{ref.resource.group}"'.replace('."', '"'))
        if to_revision < 0:
            raise KubectlError(f"error: unable to find specified revision {to_revision} in history")
        sets = sorted(replica_sets(inv, deploy), key=lambda rs: rs["metadata"]["name"])
        chosen = None
        if to_revision > 0:
            chosen = next((rs for rs in sets if revision_of(rs) == to_revision), None)
            if chosen is None:
                raise KubectlError(f"error: unable to find specified revision {to_revision} in history")
        else:
            ranked = sorted((rs for rs in sets if revision_of(rs) is not None), key=revision_of, reverse=True)
            if len(ranked) < 2:
                raise KubectlError(f'error: no rollout history found for deployment "{ref.name}"')
            chosen = ranked[1]
        if mode == "client":
            out.append(f"{ref.display} {describe_pod_template(chosen['spec']['template'])} (dry run)\n")
            continue
        if deploy["spec"].get("paused"):
            raise KubectlError("error: you cannot rollback a paused deployment; resume it first with "
                               "'kubectl rollout resume' and try again")
        if _strip_hash(chosen["spec"]["template"]) == _strip_hash(deploy["spec"]["template"]):
            out.append(f"{ref.display} skipped rollback (current template already matches revision "
                       f"{to_revision})\n")
            continue
        current = deploy["metadata"].get("annotations") or {}
        annotations = {k: current[k] for k in ANNOTATIONS_TO_SKIP if k in current}
        annotations.update({k: v for k, v in (chosen["metadata"].get("annotations") or {}).items()
                            if k not in ANNOTATIONS_TO_SKIP})
        template = deep_copy(chosen["spec"]["template"])
        ((template.get("metadata") or {}).get("labels") or {}).pop(HASH_LABEL, None)
        deploy["spec"]["template"] = template
        deploy["metadata"]["annotations"] = annotations
        try:
            inv.cluster.api.replace(deploy, manager="kubectl")
        except ApiError as e:
            raise KubectlError(f"error: failed restoring revision {to_revision}: {e.message}") from e
        out.append(printed(ref.resource, ref.name, "rolled back"))
    return Result("".join(out))


# -- pause / resume / restart ---------------------------------------------------------------------------

def _toggle(inv: Invocation, verb: str) -> Result:
    out: list[str] = []
    errors: list[str] = []
    targets = _targets(inv)
    if not targets:
        return Result(f"No resources found in {inv.namespace} namespace.\n")
    for ref, obj in targets:
        r = ref.resource
        resource_string = f"{r.plural}{'.' + r.group if r.group else ''}"
        if r.kind != "Deployment":
            errors.append(f'error: {resource_string} "{ref.name}" {verb}ing is not supported')
            continue
        paused = bool(obj["spec"].get("paused"))
        if verb == "pause" and paused:
            errors.append(f'error: {resource_string} "{ref.name}" is already paused')
            continue
        if verb == "resume" and not paused:
            errors.append(f'error: {resource_string} "{ref.name}" is not paused')
            continue
        if verb == "restart":
            if paused:
                errors.append(f"error: {resource_string} \"{ref.name}\" can't restart paused deployment "
                              "(run rollout resume first)")
                continue
            meta = obj["spec"]["template"].setdefault("metadata", {})
            # kubectl writes time.Now() in RFC 3339; the sandbox's clock is UTC
            meta.setdefault("annotations", {})[RESTARTED_AT] = inv.cluster.clock.iso()
            done = "restarted"
        elif verb == "pause":
            obj["spec"]["paused"] = True
            done = "paused"
        else:
            obj["spec"].pop("paused", None)
            done = "resumed"
        try:
            inv.cluster.api.replace(obj, manager="kubectl-rollout")
        except ApiError as e:
            errors.append(f"failed to patch: Error from server ({e.reason}): {e.message}")
            continue
        out.append(printed(r, ref.name, done))
    return Result("".join(out) + "".join(e + "\n" for e in errors), 1 if errors else 0)


@command("rollout pause", flags=[*COMMON, Flag("field-manager", kind="str")])
def pause(inv: Invocation) -> Result:
    return _toggle(inv, "pause")


@command("rollout resume", flags=[*COMMON, Flag("field-manager", kind="str")])
def resume(inv: Invocation) -> Result:
    return _toggle(inv, "resume")


@command("rollout restart", flags=[*COMMON, Flag("field-manager", kind="str")])
def restart(inv: Invocation) -> Result:
    return _toggle(inv, "restart")


# -- status -----------------------------------------------------------------------------------------

def deployment_status(deploy: Obj, revision: int = 0) -> tuple[str, bool]:
    """One ``rollout status`` line for a Deployment and whether the rollout is done
    (``DeploymentStatusViewer.Status``); raises KubectlError for a missed deadline."""
    name = deploy["metadata"]["name"]
    if revision > 0:
        have = revision_of(deploy)
        if have is None:
            raise KubectlError(f'error: cannot get the revision of deployment "{name}": '
                               f"deployment.kubernetes.io/revision annotation missing")
        if have != revision:
            raise KubectlError(f"error: desired revision ({revision}) is different from the running revision ({have})")
    status = deploy.get("status") or {}
    spec = deploy.get("spec") or {}
    if deploy["metadata"].get("generation", 0) <= status.get("observedGeneration", 0):
        progressing = next((c for c in status.get("conditions") or [] if c.get("type") == "Progressing"), None)
        if progressing and progressing.get("reason") == "ProgressDeadlineExceeded":
            raise KubectlError(f'error: deployment "{name}" exceeded its progress deadline')
        want = spec.get("replicas", 1)
        updated = status.get("updatedReplicas", 0)
        if updated < want:
            return (f'Waiting for deployment "{name}" rollout to finish: {updated} out of {want} new replicas '
                    "have been updated...\n"), False
        if status.get("replicas", 0) > updated:
            return (f'Waiting for deployment "{name}" rollout to finish: {status.get("replicas", 0) - updated} '
                    "old replicas are pending termination...\n"), False
        if status.get("availableReplicas", 0) < updated:
            return (f'Waiting for deployment "{name}" rollout to finish: {status.get("availableReplicas", 0)} of '
                    f"{updated} updated replicas are available...\n"), False
        return f'deployment "{name}" successfully rolled out\n', True
    return "Waiting for deployment spec update to be observed...\n", False


def _duration(text: str | None, flag: str = "--timeout") -> float:
    """A duration flag (``90s``, ``5m``, ``1h30m``, ``0``) in seconds, refused as pflag words it."""
    if not text:
        return 0.0
    try:
        return parse_go_duration(text)
    except ValueError as e:
        raise KubectlError(f'error: invalid argument "{text}" for "{flag}" flag: {e}') from None


def daemonset_status(ds: Obj) -> tuple[str, bool]:
    """``DaemonSetStatusViewer.Status``."""
    name = ds["metadata"]["name"]
    if ((ds.get("spec") or {}).get("updateStrategy") or {}).get("type", "RollingUpdate") != "RollingUpdate":
        raise KubectlError("error: rollout status is only available for RollingUpdate strategy type")
    status = ds.get("status") or {}
    if ds["metadata"].get("generation", 0) <= status.get("observedGeneration", 0):
        desired = status.get("desiredNumberScheduled", 0)
        if status.get("updatedNumberScheduled", 0) < desired:
            return (f'Waiting for daemon set "{name}" rollout to finish: {status.get("updatedNumberScheduled", 0)} '
                    f"out of {desired} new pods have been updated...\n"), False
        if status.get("numberAvailable", 0) < desired:
            return (f'Waiting for daemon set "{name}" rollout to finish: {status.get("numberAvailable", 0)} of '
                    f"{desired} updated pods are available...\n"), False
        return f'daemon set "{name}" successfully rolled out\n', True
    return "Waiting for daemon set spec update to be observed...\n", False


def statefulset_status(sts: Obj) -> tuple[str, bool]:
    """``StatefulSetStatusViewer.Status``."""
    spec = sts.get("spec") or {}
    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        raise KubectlError("error: rollout status is only available for RollingUpdate strategy type")
    status = sts.get("status") or {}
    if not status.get("observedGeneration") or sts["metadata"].get("generation", 0) > status["observedGeneration"]:
        return "Waiting for statefulset spec update to be observed...\n", False
    replicas = spec.get("replicas")
    if replicas is not None and status.get("readyReplicas", 0) < replicas:
        return f"Waiting for {replicas - status.get('readyReplicas', 0)} pods to be ready...\n", False
    updated = status.get("updatedReplicas", 0)
    if strategy.get("rollingUpdate") is not None:
        partition = strategy["rollingUpdate"].get("partition")
        if replicas is not None and partition is not None and updated < replicas - partition:
            return (f"Waiting for partitioned roll out to finish: {updated} out of {replicas - partition} "
                    "new pods have been updated...\n"), False
        return f"partitioned roll out complete: {updated} new pods have been updated...\n", True
    if status.get("updateRevision") != status.get("currentRevision"):
        return (f"waiting for statefulset rolling update to complete {updated} pods at revision "
                f"{status.get('updateRevision', '')}...\n"), False
    return (f"statefulset rolling update complete {status.get('currentReplicas', 0)} pods at revision "
            f"{status.get('currentRevision', '')}...\n"), True


class RolloutStatus(Stream):
    """``rollout status``: as kubectl's watch (``UntilWithSync`` on the object by name), a status
    line for the object as listed and one for every change to it, until the rollout is done; then
    the next object. A deleted object ends it with kubectl's error; so does ``--timeout``."""

    def __init__(self, inv: Invocation, refs: list[Ref], revision: int, timeout: float) -> None:
        self.inv = inv
        self.refs = refs
        self.revision = revision
        self.watch = inv.flags.get("watch", True)
        self.i = 0
        self.rv = inv.cluster.store.rv
        self.deadline = inv.cluster.clock.now() + timeout if timeout else None

    def _status(self, obj: Obj) -> tuple[str, bool]:
        kind = obj["kind"]
        if kind == "Deployment":
            return deployment_status(obj, self.revision)
        return daemonset_status(obj) if kind == "DaemonSet" else statefulset_status(obj)

    def _show(self, obj: Obj | None) -> str:
        """The line for one state of the current object; moves on when its rollout is done."""
        if obj is None:
            self.done, self.exit_code = True, 1
            return "error: object has been deleted\n"
        try:
            line, done = self._status(obj)
        except KubectlError as e:
            self.done, self.exit_code = True, e.exit_code
            return e.message + "\n"
        if done or not self.watch:
            self.i += 1
            if self.i == len(self.refs):
                self.done = True
            else:
                return line + self.begin()
        return line

    def begin(self) -> str:
        """The current object as its watch's list shows it."""
        ref = self.refs[self.i]
        return self._show(self.inv.cluster.store.get(ref.resource.kind, ref.namespace, ref.name))

    def poll(self) -> str:
        store = self.inv.cluster.store
        events = store.events_since(self.rv) or []
        self.rv = store.rv
        out = []
        for e in events:
            if self.done:
                break
            ref = self.refs[self.i]
            meta = e.obj["metadata"]
            if e.obj.get("kind") != ref.resource.kind or meta.get("name") != ref.name or \
                    (meta.get("namespace") or "") != ref.namespace:
                continue
            before = self.i
            out.append(self._show(None if e.type == "DELETED" else e.obj))
            if self.i != before:
                break  # the next object's watch lists it as it is now: the rest of this batch is in it
        if not self.done and self.deadline is not None and self.inv.cluster.clock.now() >= self.deadline:
            self.done, self.exit_code = True, 1
            out.append("error: timed out waiting for the condition\n")
        return "".join(out)


@command("rollout status", flags=[*COMMON, Flag("watch", "w", default=True), Flag("revision", kind="int", default=0),
                                  Flag("timeout", kind="str")])
def status(inv: Invocation) -> Result:
    revision = inv.flags.get("revision", 0)
    if revision < 0:
        raise KubectlError(f"error: revision must be a positive integer: {revision}")
    timeout = _duration(inv.flags.get("timeout"))
    targets = _targets(inv)
    if not targets:
        return Result(f"No resources found in {inv.namespace} namespace.\n")
    for ref, _obj in targets:
        r = ref.resource
        if r.kind not in ("Deployment", "DaemonSet", "StatefulSet"):
            raise KubectlError(f"error: no status viewer has been implemented for {r.kind}"
                               f"{'.' + r.group if r.group else ''}")
    # a terminal nobody follows: run the clock until the rollout is done or a user would give up
    stream = RolloutStatus(inv, [ref for ref, _ in targets], revision,
                           timeout if inv.follow else timeout or DEFAULT_STATUS_WAIT)
    result = StreamResult(stream.begin(), 0, stream)
    if stream.done:
        return Result(result.output, stream.exit_code)
    if inv.follow:
        return result
    return run_for(inv.cluster, result, timeout or DEFAULT_STATUS_WAIT)
