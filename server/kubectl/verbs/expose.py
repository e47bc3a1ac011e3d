"""kubectl expose: a Service in front of a deployment, replica set, replication controller, pod or
service, as kubectl v1.32 builds it.

Owns: ``expose TYPE NAME | TYPE/NAME | -f FILE`` with ``--port``, ``--target-port``, ``--type``,
``--name``, ``--protocol``, ``--external-ip``, ``--selector``, ``-l/--labels``, ``--cluster-ip``,
``--load-balancer-ip``, ``--session-affinity``, ``--dry-run``, ``-o``. The selector comes from the
object (a workload's ``spec.selector.matchLabels``, a pod's labels, a service's selector), the
labels are the object's own, the ports come from ``--port`` or the object's container/service
ports (several introspected ports are named ``port-1``, ``port-2``, …; protocols from the
container ports), ``targetPort`` from ``--target-port`` or the port. Prints
``service/NAME exposed``; errors in kubectl's words (``error: couldn't find port via --port flag
or introspection``, ``error: cannot expose a Node``, ``error: You must provide one or more
resources …``).

Hands off: reading ``-f`` and naming objects to ``files``/``resolve``; the Service's allocation and
validation to ``server.sim.api.create`` (its 422s are printed as the server's).
"""

from __future__ import annotations

from ...sim.api import ApiError
from ...sim.resources import BY_KIND
from ...sim.store import Obj
from .. import output
from ..files import NO_RESOURCE, gather
from ..parse import Flag, Invocation, KubectlError, Result, command
from .apply import check_output, dry_run_mode, printed

EXPOSABLE = ("Deployment", "ReplicaSet", "ReplicationController", "Pod", "Service")



def _selector(obj: Obj) -> dict[str, str] | None:
    """MapBasedSelectorForObject."""
    kind, spec = obj["kind"], obj.get("spec") or {}
    if kind == "Pod":
        labels = obj["metadata"].get("labels") or {}
        if not labels:
            raise KubectlError("error: the pod has no labels and cannot be exposed")
        return dict(labels)
    if kind in ("Service", "ReplicationController"):
        sel = spec.get("selector")
        if not sel:
            raise KubectlError(f"error: the {kind.lower()} has no pod selector set")
        return dict(sel)
    sel = spec.get("selector") or {}
    if sel.get("matchExpressions"):
        raise KubectlError(f"error: couldn't convert expressions - \"{_expr(sel)}\" to map-based selector format")
    return dict(sel.get("matchLabels") or {})


def _expr(sel: dict) -> str:
    e = sel["matchExpressions"][0]
    return f"{e.get('key')} {e.get('operator', '').lower()} ({','.join(e.get('values') or [])})"


def _container_ports(obj: Obj) -> list[dict]:
    kind, spec = obj["kind"], obj.get("spec") or {}
    if kind == "Service":
        return [{"containerPort": p.get("port"), "protocol": p.get("protocol") or "TCP"} for p in spec.get("ports") or []]
    pod_spec = spec if kind == "Pod" else ((spec.get("template") or {}).get("spec") or {})
    return [p for c in pod_spec.get("containers") or [] for p in c.get("ports") or []]


def _service(inv: Invocation, obj: Obj) -> Obj:
    f = inv.flags
    meta = obj["metadata"]
    name = f.get("name") or meta["name"]
    selector: dict[str, str] | None
    if f.get("selector"):
        selector = dict(kv.split("=", 1) for kv in f["selector"].split(",") if "=" in kv)
    else:
        selector = _selector(obj)
    if not selector:
        raise KubectlError("error: couldn't retrieve selectors via --selector flag or introspection")
    known = _container_ports(obj)
    protocols = {str(p.get("containerPort")): p.get("protocol") or "TCP" for p in known}
    if f.get("port"):
        port_words = [w for w in f["port"].split(",") if w]
    else:
        port_words = []
        for p in known:
            if str(p.get("containerPort")) not in port_words:
                port_words.append(str(p.get("containerPort")))
    if not port_words and (f.get("type") or "") != "ExternalName":
        raise KubectlError("error: couldn't find port via --port flag or introspection\n"
                           "See 'kubectl expose -h' for help and examples")
    ports: list[Obj] = []
    for i, word in enumerate(port_words):
        try:
            number = int(word)
        except ValueError as e:
            raise KubectlError(f'error: strconv.Atoi: parsing "{word}": invalid syntax') from e
        port: Obj = {}
        if len(port_words) > 1:
            port["name"] = f"port-{i + 1}"
        port["port"] = number
        port["protocol"] = f.get("protocol") or protocols.get(word, "TCP")
        target = f.get("target-port") or ""
        if target:
            port["targetPort"] = int(target) if target.isdigit() else target
        else:
            port["targetPort"] = number
        ports.append(port)
    labels = dict(meta.get("labels") or {})
    if f.get("labels"):
        labels = dict(kv.split("=", 1) for kv in f["labels"].split(",") if "=" in kv)
    svc_meta: Obj = {"name": name}
    if labels:
        svc_meta["labels"] = labels
    spec: Obj = {"ports": ports, "selector": selector}
    if f.get("type"):
        spec["type"] = f["type"]
    if f.get("external-ip"):
        spec["externalIPs"] = [ip for ip in f["external-ip"].split(",") if ip]
    if f.get("cluster-ip"):
        spec["clusterIP"] = f["cluster-ip"]
    if f.get("load-balancer-ip"):
        spec["loadBalancerIP"] = f["load-balancer-ip"]
    if f.get("session-affinity"):
        if f["session-affinity"] not in ("None", "ClientIP"):
            raise KubectlError(f"error: unknown session affinity: {f['session-affinity']}")
        spec["sessionAffinity"] = f["session-affinity"]
    svc: Obj = {"apiVersion": "v1", "kind": "Service", "metadata": svc_meta, "spec": spec}
    if meta.get("namespace"):
        svc_meta["namespace"] = meta["namespace"]
    return svc


@command("expose", flags=[Flag("filename", "f", "list"), Flag("recursive", "R"), Flag("kustomize", "k", "str"),
                          Flag("port", kind="str"), Flag("target-port", kind="str"), Flag("type", kind="str"),
                          Flag("name", kind="str"), Flag("protocol", kind="str"), Flag("external-ip", kind="str"),
                          Flag("selector", kind="str"), Flag("labels", "l", "str"), Flag("cluster-ip", kind="str"),
                          Flag("load-balancer-ip", kind="str"), Flag("session-affinity", kind="str"),
                          Flag("output", "o", "str"), Flag("dry-run", kind="str", default="none"),
                          Flag("save-config"), Flag("overrides", kind="str"), Flag("override-type", kind="str"),
                          Flag("template", kind="str"), Flag("show-managed-fields"),
                          Flag("allow-missing-template-keys", default=True), Flag("field-manager", kind="str")])
def expose(inv: Invocation) -> Result:
    if not inv.args and not inv.flags.get("filename"):
        raise KubectlError(NO_RESOURCE)
    fmt = check_output(inv)
    mode = dry_run_mode(inv)
    refs, errors = gather(inv, inv.args, verb="expose")
    out: list[str] = []
    svc_resource = BY_KIND["Service"]
    for ref in refs:
        r = ref.resource
        if r.kind not in EXPOSABLE:
            errors.append(f"error: cannot expose a {r.kind}{'.' + r.group if r.group else ''}")
            continue
        try:
            obj = inv.cluster.api.get(r.kind, ref.namespace, ref.name)
        except ApiError as e:
            errors.append(f"Error from server ({e.reason}): {e.message}")
            continue
        try:
            svc = _service(inv, obj)
        except KubectlError as e:
            errors.append(e.message)
            continue
        if mode == "client":
            svc["metadata"]["creationTimestamp"] = None
            svc["status"] = {"loadBalancer": {}}
            out.append(printed(svc_resource, svc["metadata"]["name"], "exposed", fmt, output.typed(svc), mode))
            continue
        try:
            stored = inv.cluster.api.create(svc, ref.namespace or inv.namespace, dry_run=mode == "server",
                                            manager="kubectl-expose")
        except ApiError as e:
            errors.append(f"Error from server ({e.reason}): {e.message}")
            continue
        out.append(printed(svc_resource, stored["metadata"]["name"], "exposed", fmt, output.typed(stored), mode))
    return Result("".join(out) + "".join(e + "\n" for e in errors), 1 if errors else 0)
