"""kubectl scale and kubectl set image: the two imperative edits of a workload's spec.

Owns: ``scale --replicas=N`` for deployments, replicasets and statefulsets (by name,
``TYPE/NAME``, ``-f``, ``-l``, ``--all``; ``--current-replicas`` precondition) printing
``deployment.apps/web scaled``; ``set image TYPE/NAME c=img [c2=img2]`` (``*=img`` for every
container, init containers included) printing ``deployment.apps/web image updated``, nothing when
the images were already those, and ``error: unable to find container named "x"`` for unknown
containers — all in kubectl v1.32's words.

Hands off: target resolution to ``files.gather``; the write to ``server.sim.api.replace`` (the
controllers then act on the new spec).
"""

from __future__ import annotations

from ...sim.api import ApiError
from ...sim.store import Obj
from ..files import NO_RESOURCE, Ref, gather
from ..parse import Flag, Invocation, KubectlError, Result, command
from .apply import check_output, dry_run_mode, printed, with_source

SCALABLE = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")
#: kinds whose pod template lives at spec.template (Pod itself is spec)
WITH_TEMPLATE = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController")


@command("scale", flags=[Flag("replicas", kind="int", default=-2), Flag("current-replicas", kind="int", default=-1),
                         Flag("resource-version", kind="str"), Flag("filename", "f", "list"), Flag("recursive", "R"),
                         Flag("selector", "l", "str"), Flag("all"), Flag("output", "o", "str"),
                         Flag("dry-run", kind="str"), Flag("timeout", kind="str"), Flag("record"),
                         Flag("template", kind="str"), Flag("show-managed-fields"),
                         Flag("allow-missing-template-keys", default=True)])
def scale(inv: Invocation) -> Result:
    f = inv.flags
    if not inv.flag_given("replicas"):
        raise KubectlError('error: required flag(s) "replicas" not set')
    replicas = f["replicas"]
    if replicas < 0:
        raise KubectlError("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    current = f.get("current-replicas", -1)
    if current < -1:
        raise KubectlError("error: The --current-replicas must specify an integer of -1 or greater")
    mode = dry_run_mode(inv)
    fmt = check_output(inv)
    refs, errors = gather(inv, inv.args, verb="scale", selector=f.get("selector"), select_all=bool(f.get("all")))
    if f.get("resource-version") and len(refs) > 1:
        raise KubectlError("error: cannot use --resource-version with multiple resources")
    out: list[str] = []
    done = 0
    fetched = 0
    unfetched: list[str] = []  # the builder's GET errors of the named objects
    for ref in refs:
        r = ref.resource
        try:
            obj = inv.cluster.api.get(r.kind, ref.namespace, ref.name)
        except ApiError as e:
            if not ref.source:
                unfetched.append(e.message)
            errors.append(with_source("scaling", ref.source, e) if ref.source else
                          f"Error from server ({e.reason}): {e.message}")
            continue
        fetched += 1
        if r.kind not in SCALABLE:
            errors.append(f'error: no scaler has been implemented for {{"{r.group}" "{r.kind}"}}')
            continue
        have = (obj.get("spec") or {}).get("replicas", 1)
        if current != -1 and current != have:
            errors.append(f"error: Expected replicas to be {current}, was {have}")
            continue
        rv = f.get("resource-version")
        if rv and rv != obj["metadata"]["resourceVersion"]:
            errors.append(f"error: Expected resource version to be {rv}, was {obj['metadata']['resourceVersion']}")
            continue
        done += 1
        if mode == "none":
            obj["spec"]["replicas"] = replicas
            try:
                obj = inv.cluster.api.replace(obj, manager="kubectl", subresource="scale")
            except ApiError as e:
                errors.append(f"Error from server ({e.reason}): {e.message}")
                continue
        out.append(printed(r, ref.name, "scaled", fmt, obj, mode))
    if not refs and not errors:
        raise KubectlError("error: no objects passed to scale")
    if refs and not fetched and unfetched and len(unfetched) == len(errors):
        # no object came back from the builder: RunScale's "no objects passed to scale" with the visit's error
        raise KubectlError("error: no objects passed to scale " + (
            unfetched[0] if len(unfetched) == 1 else "[" + ", ".join(unfetched) + "]"))
    return Result("".join(out) + "".join(e + "\n" for e in errors), 1 if errors else 0)


def _pod_spec(obj: Obj) -> Obj | None:
    kind = obj["kind"]
    if kind == "Pod":
        return obj.get("spec")
    if kind == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    if kind in WITH_TEMPLATE:
        return obj["spec"]["template"]["spec"]
    return None


def _set_images(spec: Obj, name: str, image: str) -> bool:
    found = False
    for key in ("initContainers", "containers"):
        for c in spec.get(key) or []:
            if name == "*" or c.get("name") == name:
                c["image"] = image
                found = True
    return found


@command("set image", flags=[Flag("filename", "f", "list"), Flag("recursive", "R"), Flag("selector", "l", "str"),
                             Flag("all"), Flag("local"), Flag("output", "o", "str"), Flag("dry-run", kind="str"),
                             Flag("record"), Flag("field-manager", kind="str"), Flag("template", kind="str"),
                             Flag("show-managed-fields"), Flag("allow-missing-template-keys", default=True)])
def set_image(inv: Invocation) -> Result:
    f = inv.flags
    resources = [a for a in inv.args if "=" not in a]
    pairs = [a for a in inv.args if "=" in a]
    if not resources and not f.get("filename"):
        # Complete's resource builder refuses before Validate looks at the image pairs
        raise KubectlError(NO_RESOURCE)
    problems = []
    if f.get("all") and f.get("selector"):
        problems.append("cannot set --all and --selector at the same time")
    images: dict[str, str] = {}
    for p in pairs:
        name, _, image = p.partition("=")
        images[name] = image
    if not images:
        problems.append("at least one image update is required")
    elif "*" in images and len(images) > 1:
        problems.append("all containers are already specified by *, but saw more than one "
                        "container_name=container_image pairs")
    if problems:
        raise KubectlError("error: " + problems[0] if len(problems) == 1 else "".join(
            f"{p}\n" for p in problems).rstrip("\n"))
    mode = dry_run_mode(inv)
    fmt = check_output(inv)
    refs: list[Ref]
    refs, errors = gather(inv, resources, verb="set image", selector=f.get("selector"),
                          select_all=bool(f.get("all")))
    out: list[str] = []
    for ref in refs:
        r = ref.resource
        try:
            obj = inv.cluster.api.get(r.kind, ref.namespace, ref.name)
        except ApiError as e:
            errors.append(f"Error from server ({e.reason}): {e.message}")
            continue
        spec = _pod_spec(obj)
        if spec is None:
            errors.append(f'error: {r.plural}{"." + r.group if r.group else ""}/{ref.name} the object is not a pod '
                          "or does not have a pod template: *v1.Pod, *v1.ReplicationController, ...")
            continue
        before = repr(spec)
        for name, image in images.items():
            if not _set_images(spec, name, image):
                errors.append(f'error: unable to find container named "{name}"')
        if repr(spec) == before:
            continue  # no change: kubectl prints nothing
        if mode == "none":
            try:
                obj = inv.cluster.api.replace(obj, manager="kubectl-set")
            except ApiError as e:
                # fmt.Errorf("...: %v", err) wraps the StatusError's bare message
                errors.append(f"error: failed to patch image update to pod template: {e.message}")
                continue
        out.append(printed(r, ref.name, "image updated", fmt, obj, mode))
    return Result("".join(out) + "".join(e + "\n" for e in errors), 1 if errors else 0)
