"""kubectl autoscale: a HorizontalPodAutoscaler for a scalable workload (kubectl/pkg/cmd/autoscale).

Owns kubectl v1.32's half of the command: ``--max`` required (cobra's check comes first), then
``Validate`` (``--max`` at least 1 and not below ``--min``), then the resource builder's targets
(``TYPE NAME``, ``TYPE/NAME``, ``-f``; each one fetched, NotFound in the server's words), the
scale-subresource check (``cannot autoscale a Service: could not find scale subresource for /v1,
Resource=services in discovery information``), and the ``autoscaling/v1`` object v1.32 builds
(``hpa_object``): ``scaleTargetRef`` from the target's mapping, ``minReplicas`` only when ``--min`` is
above 0, ``targetCPUUtilizationPercentage`` whenever ``--cpu-percent`` is 0 or more, no namespace even with
``-n`` (the request carries it). ``--dry-run=client`` prints that object (``created (dry run)``); otherwise
it goes to the API and prints ``horizontalpodautoscaler.autoscaling/web autoscaled``.

Hands off: storing the HPA to ``server.sim.api``. kubectl posts autoscaling/v1; the apiserver
converts it to the stored autoscaling/v2 and defaults it (``server.sim.autoscaling``: ``v1_to_v2``,
``set_defaults``) and answers in v1 (``v2_to_v1``), which is what ``-o yaml`` prints.
"""

from __future__ import annotations

from ...sim.api import ApiError
from ...sim.autoscaling import set_defaults, v1_to_v2, v2_to_v1
from ...sim.resources import BY_KIND, Resource
from ...sim.store import Obj
from .. import output
from ..files import Ref, gather
from ..parse import Flag, Invocation, KubectlError, Result, command
from .apply import check_output, dry_run_mode, printed

#: the HPA's Resource for kubectl's name printer while the API does not serve the kind
HPA = BY_KIND.get("HorizontalPodAutoscaler") or Resource(
    "HorizontalPodAutoscaler", "autoscaling", "v1", "horizontalpodautoscalers", True, ("hpa",))
#: what the API answers a request for a resource it does not serve
NOT_SERVED = "Error from server (NotFound): the server could not find the requested resource"


def hpa_object(target: Resource, target_name: str, *, max_replicas: int, min_replicas: int = -1,
               cpu_percent: int = -1, name: str = "") -> Obj:
    """``createHorizontalPodAutoscaler`` (v1.32): the autoscaling/v1 object as the client builds it,
    with the zero-valued fields a typed Go object prints (``creationTimestamp: null``, status)."""
    spec: Obj = {
        "scaleTargetRef": {"kind": target.kind, "name": target_name, "apiVersion": target.api_version},
        "maxReplicas": max_replicas,
    }
    if min_replicas > 0:
        spec["minReplicas"] = min_replicas
    if cpu_percent >= 0:
        spec["targetCPUUtilizationPercentage"] = cpu_percent
    meta: Obj = {"name": name or target_name}
    meta["creationTimestamp"] = None
    return {"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v1", "metadata": meta, "spec": spec,
            "status": {"currentReplicas": 0, "desiredReplicas": 0}}


def _has_scale(r: Resource) -> bool:
    return any(s.name == "scale" for s in r.subresources)


def _create(inv: Invocation, hpa: Obj, mode: str) -> Obj:
    if "HorizontalPodAutoscaler" not in BY_KIND:
        raise KubectlError(NOT_SERVED)
    stored = v1_to_v2(hpa)
    stored["metadata"] = {k: v for k, v in hpa["metadata"].items() if k != "creationTimestamp"}
    stored.pop("status", None)
    set_defaults(stored)
    created = inv.cluster.api.create(stored, inv.namespace, dry_run=mode == "server",
                                     manager=inv.flags.get("field-manager") or "kubectl-autoscale")
    return v2_to_v1(created)


@command("autoscale", flags=[Flag("filename", "f", "list"), Flag("recursive", "R"),
                             Flag("kustomize", "k", "str"), Flag("output", "o", "str"), Flag("dry-run", kind="str", default="none"),
                             Flag("template", kind="str"), Flag("show-managed-fields"),
                             Flag("allow-missing-template-keys", default=True),
                             Flag("max", kind="int", default=-1), Flag("min", kind="int", default=-1),
                             Flag("cpu-percent", kind="int", default=-1), Flag("name", kind="str"),
                             Flag("save-config"), Flag("field-manager", kind="str"), Flag("record")])
def autoscale(inv: Invocation) -> Result:
    f = inv.flags
    if inv.flags.get("kustomize"):  # -k is not wired into the resource builder (files.gather) yet
        raise KubectlError(f"error: kubeplay does not simulate `kubectl {inv.command} -k` yet")
    if not inv.flag_given("max"):
        raise KubectlError('error: required flag(s) "max" not set')
    mode = dry_run_mode(inv)
    if f["max"] < 1:
        raise KubectlError(f"error: --max=MAXPODS is required and must be at least 1, max: {f['max']}")
    if f["max"] < f["min"]:
        raise KubectlError(f"error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {f['max']}, "
                           f"min: {f['min']}")
    refs: list[Ref]
    refs, errors = gather(inv, inv.args, verb="autoscale")
    out: list[str] = []
    done = 0
    for ref in refs:
        r = ref.resource
        try:
            inv.cluster.api.get(r.kind, ref.namespace, ref.name)
        except ApiError as e:
            errors.append(f"Error from server ({e.reason}): {e.message}")
            continue
        if not _has_scale(r):
            errors.append(f"error: cannot autoscale a {r.kind}: could not find scale subresource for "
                          f"{r.group}/{r.version}, Resource={r.plural} in discovery information")
            continue  # ContinueOnError: the builder collects the visitor's errors and goes on
        hpa = hpa_object(r, ref.name, max_replicas=f["max"], min_replicas=f["min"],
                         cpu_percent=f["cpu-percent"], name=f.get("name") or "")
        try:
            if mode == "client":
                out.append(printed(HPA, hpa["metadata"]["name"], "created", check_output(inv), output.typed(hpa), mode))
            else:
                stored = _create(inv, hpa, mode)
                out.append(printed(HPA, stored["metadata"]["name"], "autoscaled", check_output(inv), output.typed(stored),
                                   mode))
        except KubectlError as e:
            errors.append(e.message)
            continue
        except ApiError as e:
            errors.append(f"Error from server ({e.reason}): {e.message}")
            continue
        done += 1
    if not done and not errors:
        errors.append("error: no objects passed to autoscale")
    return Result("".join(out) + "".join(e + "\n" for e in errors), 1 if errors else 0)
