"""``kubectl describe`` for the storage, networking, autoscaling, RBAC, policy and scheduling kinds:
describe.go's (v1.32) PersistentVolume, PersistentVolumeClaim, StorageClass, Ingress, IngressClass,
HorizontalPodAutoscaler (autoscaling/v2), Role, ClusterRole, RoleBinding, ClusterRoleBinding,
ResourceQuota, LimitRange, PodDisruptionBudget, PriorityClass and NetworkPolicy describers.

Owns: those layouts, as pure functions of the object, the store's related objects (the pods that
use a claim, an ingress backend's service and slices) and the virtual clock's now, registered by
kind in ``describe.DESCRIBERS`` so that each is used as soon as the sandbox serves its kind.

Hands off: the shared pieces (PrefixWriter, labels, annotations, events, endpoint slices) to
``describe.py``; quantities' canonical text to ``kubectl/quantity.py``.
"""

from __future__ import annotations

from decimal import ROUND_CEILING
from typing import TYPE_CHECKING, Any

from ...sim.golang import quote as go_quote
from ...sim.store import Obj
from .. import printers
from ..printers import rfc1123z
from ..quantity import format_quantity, parse_quantity, quantity_string
from .describe import (
    BETA_STORAGE_CLASS,
    L1,
    L2,
    Writer,
    access_modes,
    annotations_multiline,
    csi_attributes,
    describe_events,
    events_for,
    format_endpoint_slices,
    labels_multiline,
    print_claim,
    register,
    volume_source,
    while_unchanged,
)

if TYPE_CHECKING:
    from ...sim.cluster import Cluster

L3 = "      "


# -- small pieces -----------------------------------------------------------------------------

def format_label_selector(selector: dict | None) -> str:
    """metav1.FormatLabelSelector: the selector's requirements, ``<none>`` when it has none."""
    return printers.selector_string(selector) or "<none>" if selector is not None else "<none>"


def bool_ptr(value: Any) -> str:
    """describe.go's ``printBoolPtr``."""
    return "<unset>" if value is None else "True" if value else "False"


def go_bool(value: Any) -> str:
    return "true" if value else "false"


def go_list(items: list | None) -> str:
    """``fmt.Sprintf("%v")`` of a []string: ``[a b]``."""
    return "[" + " ".join(str(i) for i in items or []) + "]"


def go_time(ts: str | None) -> str:
    """metav1.Time printed with ``%s`` (time.Time.String, in UTC): ``2025-03-03 13:00:00 +0000 UTC``."""
    t = printers.parse_time(ts)
    if t is None:
        return "0001-01-01 00:00:00 +0000 UTC"
    from datetime import UTC, datetime

    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S +0000 UTC")


def intstr(value: Any) -> str:
    """IntOrString's ``String()`` through a pointer: ``<nil>`` when unset."""
    return "<nil>" if value is None else str(value)


def _name_namespace(w: Writer, meta: dict) -> None:
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace', '')}\n")


def _terminating_or(meta: dict, phase: Any, now: float) -> str:
    if meta.get("deletionTimestamp"):
        return f"Terminating (lasts {printers.since(meta['deletionTimestamp'], now)})"
    return str(phase or "")


# -- storage ----------------------------------------------------------------------------------

def _node_selector_terms(w: Writer, indent: str, title: str, reqs: list | None) -> None:
    """describe.go's ``printNodeSelectorTermsMultilineWithIndent`` (inner indent a tab)."""
    w.w(f"{indent}{title}:\t")
    if not reqs:
        w.w("<none>\n")
        return
    for i, req in enumerate(reqs):
        if i:
            w.w(f"{indent}\t")
        expr = f"{req.get('key', '')} {str(req.get('operator', '')).lower()}"
        if req.get("values"):
            expr += f" [{', '.join(req['values'])}]"
        w.w(expr + "\n")


def _pv_source(w: Writer, spec: dict) -> None:
    """The PersistentVolume sources a lab meets (hostPath, NFS, local, CSI); the cloud and other
    in-tree ones are ``<unknown>`` here, where describe.go has a printer for each."""
    if spec.get("hostPath") is not None or spec.get("nfs") is not None:
        volume_source(w, spec)
    elif spec.get("local") is not None:
        w.w(f"{L2}Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n")
        w.w(f"{L2}Path:\t{spec['local'].get('path', '')}\n")
    elif spec.get("csi") is not None:
        csi = spec["csi"]
        w.w(f"{L2}Type:\tCSI (a Container Storage Interface (CSI) volume source)\n")
        w.w(f"{L2}Driver:\t{csi.get('driver', '')}\n")
        w.w(f"{L2}FSType:\t{csi.get('fsType', '')}\n")
        w.w(f"{L2}VolumeHandle:\t{csi.get('volumeHandle', '')}\n")
        w.w(f"{L2}ReadOnly:\t{go_bool(csi.get('readOnly'))}\n")
        csi_attributes(w, csi.get("volumeAttributes"))
    else:
        w.w(f"{L1}<unknown>\n")


@register("PersistentVolume")
def describe_persistentvolume(cluster: Cluster, pv: Obj, now: float) -> str:
    w = Writer()
    meta, spec, st = pv["metadata"], pv.get("spec") or {}, pv.get("status") or {}
    w.w(f"Name:\t{meta['name']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(f"Finalizers:\t{go_list(meta.get('finalizers'))}\n")
    annotations = meta.get("annotations") or {}
    sc = annotations[BETA_STORAGE_CLASS] if BETA_STORAGE_CLASS in annotations else spec.get("storageClassName", "")
    w.w(f"StorageClass:\t{sc}\n")
    w.w(f"Status:\t{_terminating_or(meta, st.get('phase'), now)}\n")
    claim = spec.get("claimRef")
    w.w(f"Claim:\t{(claim.get('namespace', '') + '/' + claim.get('name', '')) if claim is not None else ''}\n")
    w.w(f"Reclaim Policy:\t{spec.get('persistentVolumeReclaimPolicy', '')}\n")
    w.w(f"Access Modes:\t{access_modes(spec.get('accessModes'))}\n")
    if spec.get("volumeMode") is not None:
        w.w(f"VolumeMode:\t{spec['volumeMode']}\n")
    storage = (spec.get("capacity") or {}).get("storage")
    w.w(f"Capacity:\t{quantity_string(storage) if storage is not None else '0'}\n")
    affinity = spec.get("nodeAffinity")
    w.w("Node Affinity:\t")
    if affinity is None or affinity.get("required") is None:
        w.w("<none>\n")
    else:
        w.w("\n")
        terms = affinity["required"].get("nodeSelectorTerms") or []
        w.w(f"{L1}Required Terms:\t")
        w.w("<none>\n" if not terms else "\n")
        for i, term in enumerate(terms):
            _node_selector_terms(w, L2, f"Term {i}", term.get("matchExpressions"))
    w.w(f"Message:\t{st.get('message', '')}\n")
    w.w("Source:\n")
    _pv_source(w, spec)
    describe_events(w, events_for(cluster, pv), now)
    return w.text()


def _namespace_pods(cluster: Cluster, ns: str) -> tuple[dict[str, list[Obj]], dict[str, Obj]]:
    """The namespace's pods by the claims their volumes name (a pod once per such volume, as
    getPodsForPVC appends it) and by UID; read once per command, not once per claim."""
    def build() -> tuple[dict[str, list[Obj]], dict[str, Obj]]:
        by_claim: dict[str, list[Obj]] = {}
        by_uid: dict[str, Obj] = {}
        for pod in cluster.store.scan("Pod", ns):
            by_uid[pod["metadata"].get("uid") or ""] = pod
            for v in (pod.get("spec") or {}).get("volumes") or []:
                if v.get("persistentVolumeClaim") is not None:
                    by_claim.setdefault(v["persistentVolumeClaim"].get("claimName") or "", []).append(pod)
        return by_claim, by_uid
    return while_unchanged(cluster, ("pods-by-claim", ns), build)


def pods_using_claim(cluster: Cluster, pvc: Obj) -> list[Obj]:
    """describe.go's ``getPodsForPVC``: the namespace's pods with a volume of this claim (once per
    such volume, as there), then the pods among its ownerReferences not listed yet."""
    meta = pvc["metadata"]
    by_claim, by_uid = _namespace_pods(cluster, meta.get("namespace") or "")
    out = list(by_claim.get(meta["name"], []))
    for ref in meta.get("ownerReferences") or []:
        owner = by_uid.get(ref.get("uid")) if ref.get("kind") == "Pod" else None
        if owner is not None and all(p["metadata"].get("uid") != ref.get("uid") for p in out):
            out.append(owner)
    return out


@register("PersistentVolumeClaim")
def describe_persistentvolumeclaim(cluster: Cluster, pvc: Obj, now: float) -> str:
    w = Writer()
    st = pvc.get("status") or {}
    print_claim(w, pvc, True, now)
    users = sorted(pods_using_claim(cluster, pvc), key=lambda p: p["metadata"]["name"])
    w.w("Used By:\t")
    if not users:
        w.w("<none>\n")
    for i, p in enumerate(users):
        w.w(("\t" if i else "") + p["metadata"]["name"] + "\n")
    conditions = st.get("conditions") or []
    if conditions:
        w.w("Conditions:\n")
        w.w(f"{L1}Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
        w.w(f"{L1}----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.w(f"{L1}{c.get('type', '')} \t{c.get('status', '')} \t{_rfc1123z_or_zero(c.get('lastProbeTime'))} \t"
                f"{_rfc1123z_or_zero(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n")
    describe_events(w, events_for(cluster, pvc), now)
    return w.text()


def _rfc1123z_or_zero(ts: str | None) -> str:
    """A metav1.Time formatted RFC1123Z; the zero time when unset, as Go formats it."""
    return rfc1123z(ts) if ts else "Mon, 01 Jan 0001 00:00:00 +0000"


@register("StorageClass")
def describe_storageclass(cluster: Cluster, sc: Obj, now: float) -> str:
    w = Writer()
    meta = sc["metadata"]
    annotations = meta.get("annotations") or {}
    default = "Yes" if "true" in (annotations.get("storageclass.kubernetes.io/is-default-class"),
                                  annotations.get("storageclass.beta.kubernetes.io/is-default-class")) else "No"
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"IsDefaultClass:\t{default}\n")
    w.w(f"Annotations:\t{printers.format_labels(annotations)}\n")
    w.w(f"Provisioner:\t{sc.get('provisioner', '')}\n")
    w.w(f"Parameters:\t{printers.format_labels(sc.get('parameters'))}\n")
    w.w(f"AllowVolumeExpansion:\t{bool_ptr(sc.get('allowVolumeExpansion'))}\n")
    if not sc.get("mountOptions"):
        w.w("MountOptions:\t<none>\n")
    else:
        w.w("MountOptions:\n")
        for option in sc["mountOptions"]:
            w.w(f"{L1}{option}\n")
    if sc.get("reclaimPolicy") is not None:
        w.w(f"ReclaimPolicy:\t{sc['reclaimPolicy']}\n")
    if sc.get("volumeBindingMode") is not None:
        w.w(f"VolumeBindingMode:\t{sc['volumeBindingMode']}\n")
    if sc.get("allowedTopologies") is not None:
        w.w("AllowedTopologies:\t")
        terms = sc["allowedTopologies"]
        w.w("<none>\n" if not terms else "\n")
        for i, term in enumerate(terms):
            reqs = term.get("matchLabelExpressions") or []
            w.w(f"{L1}Term {i}:\t")
            if not reqs:
                w.w("<none>\n")
            for j, req in enumerate(reqs):
                if j:
                    w.w(f"{L1}\t")
                expr = f"{req.get('key', '')} in"
                if req.get("values"):
                    expr += f" [{', '.join(req['values'])}]"
                w.w(expr + "\n")
    describe_events(w, events_for(cluster, sc), now)
    return w.text()


# -- networking -------------------------------------------------------------------------------

def _service_backend(cluster: Cluster, namespace: str, backend: dict) -> str:
    """describe.go's ``describeBackendV1``: ``svc:port (endpoints)`` for a service backend, the
    resource's group, kind and name for a resource backend."""
    svc_ref = backend.get("service")
    if svc_ref is not None:
        port = svc_ref.get("port") or {}
        number = port.get("number") or 0
        text = f"{svc_ref.get('name', '')}:{number if number else port.get('name', '')}"
        svc = cluster.store.peek("Service", namespace, svc_ref.get("name", ""))
        if svc is None:
            return (f'{text} (<error: services "{svc_ref.get("name", "")}" not found>)')
        port_name = ""
        for sp in (svc.get("spec") or {}).get("ports") or []:
            if number and number == sp.get("port"):
                port_name = sp.get("name") or ""
            elif port.get("name") and port.get("name") == sp.get("name"):
                port_name = sp.get("name") or ""
        slices = cluster.store.scan("EndpointSlice", namespace,
                                    selector={"kubernetes.io/service-name": svc_ref.get("name", "")})
        return f"{text} ({format_endpoint_slices(slices, port_name)})"
    resource = backend.get("resource")
    if resource is not None:
        group = resource.get("apiGroup") if resource.get("apiGroup") is not None else "<none>"
        return f"APIGroup: {group}, Kind: {resource.get('kind', '')}, Name: {resource.get('name', '')}"
    return ""


@register("Ingress")
def describe_ingress(cluster: Cluster, ing: Obj, now: float) -> str:
    w = Writer()
    meta, spec = ing["metadata"], ing.get("spec") or {}
    ns = meta.get("namespace") or ""
    w.w(f"Name:\t{meta['name']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    w.w(f"Namespace:\t{ns}\n")
    lb = ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    addresses = sorted({i.get("ip") or i.get("hostname") for i in lb if i.get("ip") or i.get("hostname")})
    w.w(f"Address:\t{','.join(addresses)}\n")
    w.w(f"Ingress Class:\t{spec['ingressClassName'] if spec.get('ingressClassName') is not None else '<none>'}\n")
    default = spec.get("defaultBackend")
    default_text = _service_backend(cluster, ns, default) if default is not None else "<default>"
    w.w(f"Default backend:\t{default_text}\n")
    if spec.get("tls"):
        w.w("TLS:\n")
        for t in spec["tls"]:
            hosts = ",".join(t.get("hosts") or [])
            w.w(f"{L1}SNI routes {hosts}\n" if not t.get("secretName") else f"{L1}{t['secretName']} terminates {hosts}\n")
    w.w("Rules:\n  Host\tPath\tBackends\n")
    w.w(f"{L1}----\t----\t--------\n")
    count = 0
    for rule in spec.get("rules") or []:
        if rule.get("http") is None:
            continue
        count += 1
        w.w(f"{L1}{rule.get('host') or '*'}\t\n")
        for path in rule["http"].get("paths") or []:
            w.w(f"{L2}\t{path.get('path', '')} \t{_service_backend(cluster, ns, path.get('backend') or {})}\n")
    if count == 0:
        w.w(f"{L1}*\t*\t{default_text}\n")
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    describe_events(w, events_for(cluster, ing), now)
    return w.text()


@register("IngressClass")
def describe_ingressclass(cluster: Cluster, ic: Obj, now: float) -> str:
    w = Writer()
    meta, spec = ic["metadata"], ic.get("spec") or {}
    w.w(f"Name:\t{meta['name']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(f"Controller:\t{spec.get('controller', '')}\n")
    params = spec.get("parameters")
    if params is not None:
        w.w("Parameters:\n")
        if params.get("apiGroup") is not None:
            w.w(f"{L1}APIGroup:\t{params['apiGroup']}\n")
        w.w(f"{L1}Kind:\t{params.get('kind', '')}\n")
        w.w(f"{L1}Name:\t{params.get('name', '')}\n")
    describe_events(w, events_for(cluster, ic), now)
    return w.text()


def _peers(w: Writer, indent: str, word: str, peers: list) -> None:
    for peer in peers:
        w.w(f"{indent}{word}:\n")
        pod, ns = peer.get("podSelector"), peer.get("namespaceSelector")
        if pod is not None and ns is not None:
            w.w(f"{L1}{indent}NamespaceSelector: {format_label_selector(ns)}\n")
            w.w(f"{L1}{indent}PodSelector: {format_label_selector(pod)}\n")
        elif pod is not None:
            w.w(f"{L1}{indent}PodSelector: {format_label_selector(pod)}\n")
        elif ns is not None:
            w.w(f"{L1}{indent}NamespaceSelector: {format_label_selector(ns)}\n")
        elif peer.get("ipBlock") is not None:
            block = peer["ipBlock"]
            w.w(f"{L1}{indent}IPBlock:\n")
            w.w(f"{L2}{indent}CIDR: {block.get('cidr', '')}\n")
            w.w(f"{L2}{indent}Except: {', '.join(block.get('except') or [])}\n")


def _policy_rules(w: Writer, rules: list, peer_key: str, word: str, nothing: str, isolated: str) -> None:
    """describe.go's ``printNetworkPolicySpecIngressFrom`` / ``…EgressTo`` (indent four spaces)."""
    indent = L2
    if not rules:
        w.w(f"{indent}<none> (Selected pods are isolated for {isolated} connectivity)\n")
        return
    for i, rule in enumerate(rules):
        if not rule.get("ports"):
            w.w(f"{indent}To Port: <any> (traffic allowed to all ports)\n")
        for port in rule.get("ports") or []:
            proto = port.get("protocol") or "TCP"
            if port.get("endPort") is None:
                w.w(f"{indent}To Port: {intstr(port.get('port'))}/{proto}\n")
            else:
                w.w(f"{indent}To Port Range: {intstr(port.get('port'))}-{port['endPort']}/{proto}\n")
        if not rule.get(peer_key):
            w.w(f"{indent}{word}: <any> ({nothing})\n")
        else:
            _peers(w, indent, word, rule[peer_key])
        if i != len(rules) - 1:
            w.w(f"{indent}----------\n")


@register("NetworkPolicy")
def describe_networkpolicy(cluster: Cluster, np: Obj, now: float) -> str:
    w = Writer()
    meta, spec = np["metadata"], np.get("spec") or {}
    _name_namespace(w, meta)
    w.w(f"Created on:\t{go_time(meta.get('creationTimestamp'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w("Spec:\n")
    w.w(f"{L1}PodSelector: ")
    selector = spec.get("podSelector") or {}
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        w.w(f"{L2}<none> (Allowing the specific traffic to all pods in this namespace)\n")
    else:
        w.w(f"{L2}{format_label_selector(selector)}\n")
    types = spec.get("policyTypes")
    if "Ingress" in (types or []):
        w.w(f"{L1}Allowing ingress traffic:\n")
        _policy_rules(w, spec.get("ingress") or [], "from", "From", "traffic not restricted by source", "ingress")
    else:
        w.w(f"{L1}Not affecting ingress traffic\n")
    if "Egress" in (types or []):
        w.w(f"{L1}Allowing egress traffic:\n")
        _policy_rules(w, spec.get("egress") or [], "to", "To", "traffic not restricted by destination", "egress")
    else:
        w.w(f"{L1}Not affecting egress traffic\n")
    w.w(f"{L1}Policy Types: {', '.join(types or []) or '<none>'}\n")
    return w.text()


# -- autoscaling ------------------------------------------------------------------------------

def _current(hpa: Obj, i: int, kind_key: str) -> dict | None:
    current = (hpa.get("status") or {}).get("currentMetrics") or []
    if len(current) > i and current[i].get(kind_key) is not None:
        return current[i][kind_key].get("current") or {}
    return None


def _metric_line(w: Writer, hpa: Obj, i: int, metric: dict) -> None:
    """One line of describe.go's ``Metrics: ( current / target )`` block."""
    type_ = metric.get("type", "")
    if type_ == "External":
        src = metric.get("external") or {}
        target, name = src.get("target") or {}, (src.get("metric") or {}).get("name", "")
        cur = _current(hpa, i, "external")
        if target.get("averageValue") is not None:
            current = quantity_string(cur.get("averageValue")) if cur is not None and cur.get("averageValue") is not None \
                else "<unknown>"
            w.w(f"{L1}{go_quote(name)} (target average value):\t{current} / {quantity_string(target['averageValue'])}\n")
        else:
            current = quantity_string(cur.get("value")) if cur is not None else "<unknown>"
            w.w(f"{L1}{go_quote(name)} (target value):\t{current} / {quantity_string(target.get('value'))}\n")
    elif type_ == "Pods":
        src = metric.get("pods") or {}
        cur = _current(hpa, i, "pods")
        current = quantity_string(cur.get("averageValue")) if cur is not None else "<unknown>"
        w.w(f"{L1}{go_quote((src.get('metric') or {}).get('name', ''))} on pods:\t{current} / "
            f"{quantity_string((src.get('target') or {}).get('averageValue'))}\n")
    elif type_ == "Object":
        src = metric.get("object") or {}
        target, described = src.get("target") or {}, src.get("describedObject") or {}
        w.w(f'{L1}"{(src.get("metric") or {}).get("name", "")}" on {described.get("kind", "")}/'
            f'{described.get("name", "")} ')
        cur = _current(hpa, i, "object")
        if target.get("type") == "AverageValue":
            current = quantity_string(cur.get("averageValue")) if cur is not None else "<unknown>"
            w.w(f"(target average value):\t{current} / {quantity_string(target.get('averageValue'))}\n")
        else:
            current = quantity_string(cur.get("value")) if cur is not None else "<unknown>"
            w.w(f"(target value):\t{current} / {quantity_string(target.get('value'))}\n")
    elif type_ in ("Resource", "ContainerResource"):
        key = "resource" if type_ == "Resource" else "containerResource"
        src = metric.get(key) or {}
        target = src.get("target") or {}
        if type_ == "Resource":
            w.w(f"{L1}resource {src.get('name', '')} on pods")
        else:
            w.w(f'{L1}resource {src.get("name", "")} of container "{src.get("container", "")}" on pods')
        cur = _current(hpa, i, key)
        if target.get("averageValue") is not None:
            current = quantity_string(cur.get("averageValue")) if cur is not None else "<unknown>"
            w.w(f":\t{current} / {quantity_string(target['averageValue'])}\n")
        else:
            current = "<unknown>"
            if cur is not None and cur.get("averageUtilization") is not None:
                current = f"{cur['averageUtilization']}% ({quantity_string(cur.get('averageValue'))})"
            goal = f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None else "<auto>"
            w.w(f"{L1}(as a percentage of request):\t{current} / {goal}\n")
    else:
        w.w(f"{L1}<unknown metric type {go_quote(str(type_))}>\n")


def _direction(w: Writer, title: str, rules: dict | None) -> None:
    if rules is None:
        return
    w.w(f"{L1}{title}:\n")
    if rules.get("stabilizationWindowSeconds") is not None:
        w.w(f"{L2}Stabilization Window: {rules['stabilizationWindowSeconds']} seconds\n")
    if rules.get("policies"):
        w.w(f"{L2}Select Policy: {rules.get('selectPolicy') or 'Max'}\n")
        w.w(f"{L2}Policies:\n")
        for p in rules["policies"]:
            w.w(f"{L3}- Type: {p.get('type', '')}\tValue: {p.get('value', 0)}\tPeriod: {p.get('periodSeconds', 0)} seconds\n")


@register("HorizontalPodAutoscaler")
def describe_hpa(cluster: Cluster, hpa: Obj, now: float) -> str:
    """describe.go's ``describeHorizontalPodAutoscalerV2`` (kubectl reads an HPA as autoscaling/v2)."""
    w = Writer()
    meta, spec, st = hpa["metadata"], hpa.get("spec") or {}, hpa.get("status") or {}
    _name_namespace(w, meta)
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    ref = spec.get("scaleTargetRef") or {}
    w.w(f"Reference:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    w.w("Metrics:\t( current / target )\n")
    for i, metric in enumerate(spec.get("metrics") or []):
        _metric_line(w, hpa, i, metric)
    w.w(f"Min replicas:\t{spec['minReplicas'] if spec.get('minReplicas') is not None else '<unset>'}\n")
    w.w(f"Max replicas:\t{spec.get('maxReplicas', 0)}\n")
    if spec.get("behavior") is not None:
        w.w("Behavior:\n")
        _direction(w, "Scale Up", spec["behavior"].get("scaleUp"))
        _direction(w, "Scale Down", spec["behavior"].get("scaleDown"))
    w.w(f"{ref.get('kind', '')} pods:\t{st.get('currentReplicas', 0)} current / {st.get('desiredReplicas', 0)} desired\n")
    if st.get("conditions"):
        w.w("Conditions:\n")
        w.w(f"{L1}Type\tStatus\tReason\tMessage\n")
        w.w(f"{L1}----\t------\t------\t-------\n")
        for c in st["conditions"]:
            w.w(f"{L1}{c.get('type', '')}\t{c.get('status', '')}\t{c.get('reason', '')}\t{c.get('message', '')}\n")
    describe_events(w, events_for(cluster, hpa), now)
    return w.text()


# -- RBAC -------------------------------------------------------------------------------------

def _rule_string(rule: dict) -> str:
    """rbacv1.PolicyRule's generated ``String()``, which kubectl sorts the compacted rules by."""
    return ("&PolicyRule{" + f"Verbs:{go_list(rule.get('verbs'))},APIGroups:{go_list(rule.get('apiGroups'))},"
            f"Resources:{go_list(rule.get('resources'))},ResourceNames:{go_list(rule.get('resourceNames'))},"
            f"NonResourceURLs:{go_list(rule.get('nonResourceURLs'))}," + "}")


def compact_rules(rules: list | None) -> list[dict]:
    """kubectl's ``rbac.BreakdownRule`` of every rule, then ``CompactRules`` (the one-group,
    one-resource, one-name pieces gather their verbs), stably sorted by ``String()``. The
    simple pieces come after the others, as CompactRules appends them last (in Go's map order;
    here in first-seen order, which the sort makes the same unless two print alike)."""
    pieces: list[dict] = []
    for rule in rules or []:
        for group in rule.get("apiGroups") or []:
            for res in rule.get("resources") or []:
                for verb in rule.get("verbs") or []:
                    for name in rule.get("resourceNames") or [None]:
                        piece = {"apiGroups": [group], "resources": [res], "verbs": [verb]}
                        if name is not None:
                            piece["resourceNames"] = [name]
                        pieces.append(piece)
        for url in rule.get("nonResourceURLs") or []:
            for verb in rule.get("verbs") or []:
                pieces.append({"nonResourceURLs": [url], "verbs": [verb]})
    compacted: list[dict] = []
    simple: dict[tuple, dict] = {}
    for piece in pieces:
        if piece.get("nonResourceURLs"):
            compacted.append(piece)
            continue
        key = (piece["apiGroups"][0], piece["resources"][0], tuple(piece.get("resourceNames") or ()))
        if key in simple:
            if piece["verbs"][0] not in simple[key]["verbs"]:
                simple[key]["verbs"].append(piece["verbs"][0])
        else:
            simple[key] = {**piece, "verbs": list(piece["verbs"])}
    compacted += simple.values()
    return sorted(compacted, key=_rule_string)


def combine_resource_group(resources: list | None, groups: list | None) -> str:
    """describe.go's ``CombineResourceGroup``: ``pods``, ``deployments.apps``, ``pods/log``."""
    if not resources:
        return ""
    base, _, sub = resources[0].partition("/")
    text = base + (f".{groups[0]}" if groups and groups[0] else "")
    return text + (f"/{sub}" if "/" in resources[0] else "")


def _describe_role(cluster: Cluster, role: Obj, now: float) -> str:
    w = Writer()
    meta = role["metadata"]
    w.w(f"Name:\t{meta['name']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w("PolicyRule:\n")
    w.w(f"{L1}Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
    w.w(f"{L1}---------\t-----------------\t--------------\t-----\n")
    for r in compact_rules(role.get("rules")):
        w.w(f"{L1}{combine_resource_group(r.get('resources'), r.get('apiGroups'))}\t{go_list(r.get('nonResourceURLs'))}\t"
            f"{go_list(r.get('resourceNames'))}\t{go_list(r.get('verbs'))}\n")
    return w.text()


def _describe_binding(cluster: Cluster, binding: Obj, now: float) -> str:
    w = Writer()
    meta, ref = binding["metadata"], binding.get("roleRef") or {}
    w.w(f"Name:\t{meta['name']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w("Role:\n")
    w.w(f"{L1}Kind:\t{ref.get('kind', '')}\n")
    w.w(f"{L1}Name:\t{ref.get('name', '')}\n")
    w.w("Subjects:\n")
    w.w(f"{L1}Kind\tName\tNamespace\n")
    w.w(f"{L1}----\t----\t---------\n")
    for s in binding.get("subjects") or []:
        w.w(f"{L1}{s.get('kind', '')}\t{s.get('name', '')}\t{s.get('namespace', '')}\n")
    return w.text()


for _kind in ("Role", "ClusterRole"):
    register(_kind)(_describe_role)
for _kind in ("RoleBinding", "ClusterRoleBinding"):
    register(_kind)(_describe_binding)


# -- quotas and limits ------------------------------------------------------------------------

QUOTA_SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited lifespan on a node "
                   "before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually include long "
                      "running pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have a best effort "
                  "quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These pods have a "
                     "burstable or guaranteed quality of service.",
}


def _used_as_hard(used: Any, hard: Any) -> str:
    """describeQuota: a used value in another format than its hard limit is shown in the hard
    limit's format, in whole units (``resource.NewQuantity(used.Value(), hard.Format)``)."""
    u, h = parse_quantity("0" if used is None else used), parse_quantity(hard)
    if u is None or h is None:
        return quantity_string("0" if used is None else used)
    if u[1] == h[1]:
        return format_quantity(*u)
    return format_quantity(u[0].to_integral_value(rounding=ROUND_CEILING), h[1])


def quota_rows(quota: Obj, convert_used: bool) -> list[tuple[str, str, str]]:
    st = quota.get("status") or {}
    hard, used = st.get("hard") or {}, st.get("used") or {}
    rows = []
    for name in sorted(hard):
        used_text = _used_as_hard(used.get(name), hard[name]) if convert_used else quantity_string(used.get(name) or "0")
        rows.append((name, used_text, quantity_string(hard[name])))
    return rows


def _quota_scopes(quota: Obj) -> list[str]:
    return sorted((quota.get("spec") or {}).get("scopes") or [])


@register("ResourceQuota")
def describe_resourcequota(cluster: Cluster, quota: Obj, now: float) -> str:
    w = Writer()
    _name_namespace(w, quota["metadata"])
    scopes = _quota_scopes(quota)
    if scopes:
        w.w(f"Scopes:\t{', '.join(scopes)}\n")
        for scope in scopes:
            if scope in QUOTA_SCOPE_HELP:
                w.w(f" * {QUOTA_SCOPE_HELP[scope]}\n")
    w.w("Resource\tUsed\tHard\n")
    w.w("--------\t----\t----\n")
    for name, used, hard in quota_rows(quota, convert_used=True):
        w.w(f"{name}\t{used}\t{hard}\n")
    return w.text()


def resource_quotas_section(w: Writer, quotas: list[Obj]) -> None:
    """describe.go's ``DescribeResourceQuotas``, as the Namespace describer prints it."""
    if not quotas:
        w.w("No resource quota.\n")
        return
    w.w("Resource Quotas\n")
    for q in sorted(quotas, key=lambda q: q["metadata"]["name"]):
        w.w(f"{L1}Name:\t{q['metadata']['name']}\n")
        scopes = _quota_scopes(q)
        if scopes:
            w.w(f"{L1}Scopes:\t{', '.join(scopes)}\n")
            for scope in scopes:
                if scope in QUOTA_SCOPE_HELP:
                    w.w(f"{L1}* {QUOTA_SCOPE_HELP[scope]}\n")
        w.w(f"{L1}Resource\tUsed\tHard\n")
        w.w(f"{L1}--------\t---\t---\n")
        for name, used, hard in quota_rows(q, convert_used=False):
            w.w(f"{L1}{name}\t{used}\t{hard}\n")


def _limit_rows(w: Writer, spec: dict, prefix: str) -> None:
    """describe.go's ``describeLimitRangeSpec``: one row per limit type and resource (Go ranges
    over a map for the resources, in no fixed order; here sorted)."""
    for item in spec.get("limits") or []:
        columns = [item.get(k) or {} for k in ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")]
        names = sorted({name for col in columns for name in col})
        for name in names:
            cells = [quantity_string(col[name]) if name in col else "-" for col in columns]
            w.w(f"{prefix}{item.get('type', '')}\t{name}\t" + "\t".join(cells) + "\n")


@register("LimitRange")
def describe_limitrange(cluster: Cluster, lr: Obj, now: float) -> str:
    w = Writer()
    _name_namespace(w, lr["metadata"])
    w.w("Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n")
    w.w("----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
    _limit_rows(w, lr.get("spec") or {}, "")
    return w.text()


def limit_ranges_section(w: Writer, ranges: list[Obj]) -> None:
    """describe.go's ``DescribeLimitRanges``, as the Namespace describer prints it."""
    if not ranges:
        w.w("No LimitRange resource.\n")
        return
    w.w("Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n")
    w.w(" ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
    for lr in ranges:
        _limit_rows(w, lr.get("spec") or {}, " ")


# -- policy and scheduling --------------------------------------------------------------------

@register("PodDisruptionBudget")
def describe_pdb(cluster: Cluster, pdb: Obj, now: float) -> str:
    w = Writer()
    meta, spec, st = pdb["metadata"], pdb.get("spec") or {}, pdb.get("status") or {}
    _name_namespace(w, meta)
    if spec.get("minAvailable") is not None:
        w.w(f"Min available:\t{spec['minAvailable']}\n")
    elif spec.get("maxUnavailable") is not None:
        w.w(f"Max unavailable:\t{spec['maxUnavailable']}\n")
    selector = spec.get("selector")
    w.w(f"Selector:\t{format_label_selector(selector) if selector is not None else '<unset>'}\n")
    w.w("Status:\n")
    w.w(f"{L2}Allowed disruptions:\t{st.get('disruptionsAllowed', 0)}\n")
    w.w(f"{L2}Current:\t{st.get('currentHealthy', 0)}\n")
    w.w(f"{L2}Desired:\t{st.get('desiredHealthy', 0)}\n")
    w.w(f"{L2}Total:\t{st.get('expectedPods', 0)}\n")
    describe_events(w, events_for(cluster, pdb), now)
    return w.text()


@register("PriorityClass")
def describe_priorityclass(cluster: Cluster, pc: Obj, now: float) -> str:
    w = Writer()
    meta = pc["metadata"]
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Value:\t{pc.get('value', 0)}\n")
    w.w(f"GlobalDefault:\t{go_bool(pc.get('globalDefault'))}\n")
    w.w(f"PreemptionPolicy:\t{pc.get('preemptionPolicy') or 'PreemptLowerPriority'}\n")
    w.w(f"Description:\t{pc.get('description', '')}\n")
    w.w(f"Annotations:\t{printers.format_labels(meta.get('annotations'))}\n")
    describe_events(w, events_for(cluster, pc), now)
    return w.text()


@register("Namespace")
def describe_namespace(cluster: Cluster, ns: Obj, now: float) -> str:
    """describe.go's NamespaceDescriber: status, conditions, then the namespace's quotas and limit
    ranges (kubectl leaves each section out when the server does not serve its kind; a real
    cluster always does, so both are printed here)."""
    w = Writer()
    meta, st = ns["metadata"], ns.get("status") or {}
    w.w(f"Name:\t{meta['name']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(f"Status:\t{st.get('phase', '')}\n")
    if st.get("conditions"):
        w.w("Conditions:\n")
        w.w(f"{L1}Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.w(f"{L1}----\t------\t------------------\t------\t-------\n")
        for c in st["conditions"]:
            w.w(f"{L1}{c.get('type', '')}\t{c.get('status', '')}\t{_rfc1123z_or_zero(c.get('lastTransitionTime'))}\t"
                f"{c.get('reason', '')}\t{c.get('message', '')}\n")
    w.w("\n")
    resource_quotas_section(w, cluster.store.scan("ResourceQuota", meta["name"]))
    w.w("\n")
    limit_ranges_section(w, cluster.store.scan("LimitRange", meta["name"]))
    return w.text()


# -- certificates -----------------------------------------------------------------------------

def _subject_values(csr: Any, oid: Any) -> list[str]:
    return [str(a.value) for a in csr.subject.get_attributes_for_oid(oid)]


@register("CertificateSigningRequest")
def describe_csr(cluster: Cluster, csr: Obj, now: float) -> str:
    """describe.go's CertificateSigningRequestDescriber: the request parsed as certificate.ParseCSR
    (``Error parsing CSR: …`` when it is not one), its subject as pkix.Name fills it (the last
    CommonName and SerialNumber, every other attribute listed in order) and its alternative names."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    from ...sim import certs
    from ..parse import KubectlError
    from ..tables_certificates import csr_condition

    meta, spec = csr["metadata"], csr.get("spec") or {}
    cr = certs.parse_csr(certs.decode_request(spec.get("request")))
    if isinstance(cr, str):
        raise KubectlError(f"error: Error parsing CSR: {cr}")

    def list_helper(name: str, values: list[str]) -> None:  # printListHelper, prefix "\t"
        if values:
            w.w(f"\t{name}:\t" + "\n\t\t".join(values) + "\n")

    w = Writer()
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Labels:\t{printers.format_labels(meta.get('labels'))}\n")
    w.w(f"Annotations:\t{printers.format_labels(meta.get('annotations'))}\n")
    w.w(f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    w.w(f"Requesting User:\t{spec.get('username', '')}\n")
    if spec.get("signerName"):
        w.w(f"Signer:\t{spec['signerName']}\n")
    if isinstance(spec.get("expirationSeconds"), int):
        w.w(f"Requested Duration:\t{printers.human_duration(float(spec['expirationSeconds']))}\n")
    w.w(f"Status:\t{csr_condition(csr)}\n")
    w.w("Subject:\n")
    w.w(f"\tCommon Name:\t{(_subject_values(cr, NameOID.COMMON_NAME) or [''])[-1]}\n")
    w.w(f"\tSerial Number:\t{(_subject_values(cr, NameOID.SERIAL_NUMBER) or [''])[-1]}\n")
    for name, oid in (("Organization", NameOID.ORGANIZATION_NAME), ("Organizational Unit", NameOID.ORGANIZATIONAL_UNIT_NAME),
                      ("Country", NameOID.COUNTRY_NAME), ("Locality", NameOID.LOCALITY_NAME),
                      ("Province", NameOID.STATE_OR_PROVINCE_NAME), ("StreetAddress", NameOID.STREET_ADDRESS),
                      ("PostalCode", NameOID.POSTAL_CODE)):
        list_helper(name, _subject_values(cr, oid))
    try:
        sans = list(cr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    except x509.ExtensionNotFound:
        sans = []
    if sans:
        w.w("Subject Alternative Names:\n")
        for name, kind in (("DNS Names", x509.DNSName), ("Email Addresses", x509.RFC822Name),
                           ("URIs", x509.UniformResourceIdentifier), ("IP Addresses", x509.IPAddress)):
            list_helper(name, [str(n.value) for n in sans if isinstance(n, kind)])
    describe_events(w, events_for(cluster, csr), now)
    return w.text()
