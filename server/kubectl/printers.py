"""kubectl's output formats, as pure functions of (objects, now).

Owns: the server-side ``Table`` of each kind (``columnDefinitions`` with priority 0/1 and one row
of cells per object, as ``pkg/printers/internalversion/printers.go`` builds it), the text
rendering of a table the way kubectl's tabwriter lays it out (minwidth 6, tabwidth 4, padding 3,
the last column unpadded), AGE as ``duration.HumanDuration``, the STATUS logic of ``printPod``,
and the ``-o yaml`` / ``-o json`` / ``-o name`` encodings (keys sorted as kubectl prints the
unstructured objects the apiserver returns; JSON indented by 4 like ``json.MarshalIndent``; YAML
quoted like go-yaml).

Nothing here reads the store or the clock: callers pass objects and ``now`` (epoch seconds).
Hands off: choosing objects and flags to ``verbs/get.py``; describe layouts to ``verbs/describe.py``.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import yaml

from ..sim.clock import parse_time
from ..sim.quantity import Quantity, QuantityError
from ..sim.resources import BY_KIND, Resource
from . import gostruct

Obj = dict[str, Any]

# -- time ----------------------------------------------------------------------------------




def human_duration(seconds: float) -> str:
    """apimachinery's ``duration.HumanDuration``: 65s, 4m29s, 12m, 5h3m, 30h, 4d20h, 30d, 2y10d."""
    if int(seconds) < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    s = int(seconds)
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        sec = s % 60
        return f"{minutes}m" if sec == 0 else f"{minutes}m{sec}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def since(ts: str | None, now: float) -> str:
    """``translateTimestampSince``: ``<unknown>`` for a missing timestamp."""
    t = parse_time(ts)
    if t is None:
        return "<unknown>"
    return human_duration(now - t)


def rfc1123z(ts: str | None) -> str:
    """describe's timestamp format: ``Mon, 03 Mar 2025 13:00:00 +0000``."""
    t = parse_time(ts)
    if t is None:
        return "<unknown>"
    return datetime.fromtimestamp(t, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


# -- small cell helpers ------------------------------------------------------------------------


def format_labels(labels: dict[str, str] | None) -> str:
    """``labels.FormatLabels``: sorted ``k=v`` joined by commas, or ``<none>``."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def selector_string(selector: dict | None) -> str:
    """``metav1.LabelSelectorAsSelector(sel).String()``: requirements sorted by key."""
    if selector is None:
        return "<none>"
    reqs: list[tuple[str, str]] = []
    for k, v in (selector.get("matchLabels") or {}).items():
        reqs.append((k, f"{k}={v}"))
    for e in selector.get("matchExpressions") or []:
        k, op, vals = e["key"], e["operator"], sorted(e.get("values") or [])
        text = {"In": f"{k} in ({','.join(vals)})", "NotIn": f"{k} notin ({','.join(vals)})",
                "Exists": k, "DoesNotExist": f"!{k}"}.get(op, k)
        reqs.append((k, text))
    return ",".join(t for _, t in sorted(reqs, key=lambda r: r[0]))


def _containers_cells(pod_spec: dict | None) -> list[str]:
    containers = (pod_spec or {}).get("containers") or []
    return [",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers)]


def _template_spec(obj: Obj) -> dict:
    return ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}


# -- tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    priority: int = 0
    format: str = ""

    def definition(self) -> dict:
        d = {"name": self.name, "type": self.type, "format": self.format, "description": "", "priority": self.priority}
        return d


RowFn = Callable[[Obj, float], list[Any]]


def _name(obj: Obj) -> str:
    return obj["metadata"]["name"]


def _age(obj: Obj, now: float) -> str:
    return since(obj["metadata"].get("creationTimestamp"), now)


# pods ----------------------------------------------------------------------------------------

def _is_restartable_init(c: dict | None) -> bool:
    return bool(c) and c.get("restartPolicy") == "Always"  # type: ignore[union-attr]


def pod_status_cells(pod: Obj, now: float) -> tuple[str, str, str]:
    """READY, STATUS and RESTARTS as ``printPod`` computes them (k8s-behavior §9)."""
    ready, reason, restarts, last_restart = pod_status_parts(pod)
    return ready, reason, restarts_text(restarts, last_restart, now)


def restarts_text(restarts: int, last_restart: float | None, now: float) -> str:
    """The RESTARTS cell: ``3``, or ``3 (12s ago)`` since the latest container exit."""
    if restarts and last_restart is not None:
        return f"{restarts} ({human_duration(now - last_restart)} ago)"
    return str(restarts)


def pod_status_parts(pod: Obj) -> tuple[str, str, int, float | None]:
    """READY, STATUS, the restart count and the latest exit's time (epoch seconds, or None):
    ``printPod``'s logic with nothing relative to now, so the page can be sent these once per
    change and format "(12s ago)" itself."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    meta = pod["metadata"]
    restarts = 0
    restartable_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart: float | None = None
    last_restartable: float | None = None
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = {c["name"]: c for c in spec.get("initContainers") or []}
    total += sum(1 for c in init_specs.values() if _is_restartable_init(c))
    n_init = len(spec.get("initContainers") or [])

    def later(a: float | None, ts: str | None) -> float | None:
        t = parse_time(ts)
        if t is None:
            return a
        return t if a is None or t > a else a

    initializing = False
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += cs.get("restartCount", 0)
        last_term = (cs.get("lastState") or {}).get("terminated")
        if last_term:
            last_restart = later(last_restart, last_term.get("finishedAt"))
        restartable = _is_restartable_init(init_specs.get(cs.get("name", "")))
        if restartable:
            restartable_restarts += cs.get("restartCount", 0)
            if last_term:
                last_restartable = later(last_restartable, last_term.get("finishedAt"))
        state = cs.get("state") or {}
        term, waiting = state.get("terminated"), state.get("waiting")
        if term and term.get("exitCode", 0) == 0:
            continue
        if restartable and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if term:
            if not term.get("reason"):
                reason = (f"Init:Signal:{term['signal']}" if term.get("signal")
                          else f"Init:ExitCode:{term.get('exitCode', 0)}")
            else:
                reason = "Init:" + term["reason"]
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{n_init}"
        initializing = True
        break

    initialized = any(c.get("type") == "Initialized" and c.get("status") == "True"
                      for c in status.get("conditions") or [])
    if not initializing or initialized:
        restarts = restartable_restarts
        last_restart = last_restartable
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += cs.get("restartCount", 0)
            last_term = (cs.get("lastState") or {}).get("terminated")
            if last_term:
                last_restart = later(last_restart, last_term.get("finishedAt"))
            state = cs.get("state") or {}
            waiting, term = state.get("waiting"), state.get("terminated")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif term and term.get("reason"):
                reason = term["reason"]
            elif term:
                reason = f"Signal:{term['signal']}" if term.get("signal") else f"ExitCode:{term.get('exitCode', 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            pod_ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                            for c in status.get("conditions") or [])
            reason = "Running" if pod_ready else "NotReady"

    if meta.get("deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"

    return f"{ready}/{total}", reason, restarts, last_restart


def pod_row_fields(pod: Obj) -> dict[str, Any]:
    """Every cell of ``kubectl get pods -o wide``'s row that does not depend on now, plus the two
    instants the relative cells are made of: ``created`` (AGE) and ``lastRestart`` (RESTARTS'
    "(12s ago)"), in epoch seconds. ``_pod_row`` is this and those two formatted: the terminal,
    the API's Tables and the page's pod cells are one computation."""
    ready, reason, restarts, last_restart = pod_status_parts(pod)
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    ips = status.get("podIPs") or []
    ip = (ips[0].get("ip") if ips else status.get("podIP")) or "<none>"
    gates = spec.get("readinessGates") or []
    if gates:
        conds = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
        gates_s = f"{sum(1 for g in gates if conds.get(g.get('conditionType')) == 'True')}/{len(gates)}"
    else:
        gates_s = "<none>"
    return {"name": _name(pod), "ready": ready, "status": reason, "restarts": restarts, "lastRestart": last_restart,
            "created": parse_time(pod["metadata"].get("creationTimestamp")), "ip": ip,
            "node": spec.get("nodeName") or "<none>", "nominatedNode": status.get("nominatedNodeName") or "<none>",
            "readinessGates": gates_s}


def _pod_row(pod: Obj, now: float) -> list[Any]:
    f = pod_row_fields(pod)
    return [f["name"], f["ready"], f["status"], restarts_text(f["restarts"], f["lastRestart"], now), _age(pod, now),
            f["ip"], f["node"], f["nominatedNode"], f["readinessGates"]]


# workloads ------------------------------------------------------------------------------------

def _deployment_row(d: Obj, now: float) -> list[Any]:
    spec, st = d.get("spec") or {}, d.get("status") or {}
    return [_name(d), f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 1)}", st.get("updatedReplicas", 0),
            st.get("availableReplicas", 0), _age(d, now), *_containers_cells(_template_spec(d)),
            selector_string(spec.get("selector"))]


def _replicaset_row(rs: Obj, now: float) -> list[Any]:
    spec, st = rs.get("spec") or {}, rs.get("status") or {}
    return [_name(rs), spec.get("replicas", 1), st.get("replicas", 0), st.get("readyReplicas", 0), _age(rs, now),
            *_containers_cells(_template_spec(rs)), selector_string(spec.get("selector"))]


def _daemonset_row(ds: Obj, now: float) -> list[Any]:
    st = ds.get("status") or {}
    return [_name(ds), st.get("desiredNumberScheduled", 0), st.get("currentNumberScheduled", 0),
            st.get("numberReady", 0), st.get("updatedNumberScheduled", 0), st.get("numberAvailable", 0),
            format_labels(_template_spec(ds).get("nodeSelector")), _age(ds, now),
            *_containers_cells(_template_spec(ds)), selector_string((ds.get("spec") or {}).get("selector"))]


def _statefulset_row(s: Obj, now: float) -> list[Any]:
    spec, st = s.get("spec") or {}, s.get("status") or {}
    return [_name(s), f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 1)}", _age(s, now),
            *_containers_cells(_template_spec(s))]


def _has_condition(obj: Obj, type_: str) -> bool:
    return any(c.get("type") == type_ and c.get("status") == "True"
               for c in (obj.get("status") or {}).get("conditions") or [])


def _job_row(j: Obj, now: float) -> list[Any]:
    spec, st = j.get("spec") or {}, j.get("status") or {}
    if _has_condition(j, "Complete"):
        status = "Complete"
    elif _has_condition(j, "Failed"):
        status = "Failed"
    elif j["metadata"].get("deletionTimestamp"):
        status = "Terminating"
    elif _has_condition(j, "Suspended"):
        status = "Suspended"
    elif _has_condition(j, "FailureTarget"):
        status = "FailureTarget"
    elif _has_condition(j, "SuccessCriteriaMet"):
        status = "SuccessCriteriaMet"
    else:
        status = "Running"
    succeeded = st.get("succeeded", 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif (spec.get("parallelism") or 0) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    start, end = parse_time(st.get("startTime")), parse_time(st.get("completionTime"))
    if start is None:
        dur = ""
    elif end is None:
        dur = human_duration(now - start)
    else:
        dur = human_duration(end - start)
    return [_name(j), status, completions, dur, _age(j, now), *_containers_cells(_template_spec(j)),
            selector_string(spec.get("selector"))]


def _cronjob_row(c: Obj, now: float) -> list[Any]:
    spec, st = c.get("spec") or {}, c.get("status") or {}
    job_spec = ((spec.get("jobTemplate") or {}).get("spec") or {})
    pod_spec = ((job_spec.get("template") or {}).get("spec") or {})
    suspend = spec.get("suspend")
    last = st.get("lastScheduleTime")
    return [_name(c), spec.get("schedule", ""), spec.get("timeZone") or "<none>",
            "<unset>" if suspend is None else str(bool(suspend)), len(st.get("active") or []),
            since(last, now) if last else "<none>", _age(c, now), *_containers_cells(pod_spec),
            selector_string(job_spec.get("selector"))]


# core --------------------------------------------------------------------------------------

def node_status(node: Obj) -> str:
    conds = {c.get("type"): c for c in (node.get("status") or {}).get("conditions") or []}
    ready = conds.get("Ready")
    parts = ["Unknown"] if ready is None else ["Ready" if ready.get("status") == "True" else "NotReady"]
    if (node.get("spec") or {}).get("unschedulable"):
        parts.append("SchedulingDisabled")
    return ",".join(parts)


def node_roles(node: Obj) -> str:
    roles = set()
    for k, v in (node["metadata"].get("labels") or {}).items():
        if k.startswith("node-role.kubernetes.io/"):
            role = k[len("node-role.kubernetes.io/"):]
            if role:
                roles.add(role)
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    return ",".join(sorted(roles)) or "<none>"


def _node_address(node: Obj, type_: str) -> str:
    for a in (node.get("status") or {}).get("addresses") or []:
        if a.get("type") == type_:
            return a.get("address", "")
    return "<none>"


def _node_row(n: Obj, now: float) -> list[Any]:
    info = (n.get("status") or {}).get("nodeInfo") or {}
    return [_name(n), node_status(n), node_roles(n), _age(n, now), info.get("kubeletVersion", ""),
            _node_address(n, "InternalIP"), _node_address(n, "ExternalIP"), info.get("osImage") or "<unknown>",
            info.get("kernelVersion") or "<unknown>", info.get("containerRuntimeVersion") or "<unknown>"]


def _namespace_row(ns: Obj, now: float) -> list[Any]:
    return [_name(ns), (ns.get("status") or {}).get("phase", ""), _age(ns, now)]


def service_ports(svc: Obj) -> str:
    out = []
    for p in (svc.get("spec") or {}).get("ports") or []:
        proto = p.get("protocol") or "TCP"
        out.append(f"{p['port']}:{p['nodePort']}/{proto}" if p.get("nodePort") else f"{p.get('port')}/{proto}")
    return ",".join(out) or "<none>"


def service_external_ip(svc: Obj) -> str:
    spec = svc.get("spec") or {}
    type_ = spec.get("type") or "ClusterIP"
    ext = spec.get("externalIPs") or []
    if type_ in ("ClusterIP", "NodePort"):
        return ",".join(ext) or "<none>"
    if type_ == "LoadBalancer":
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        lb = [i.get("ip") or i.get("hostname") or "" for i in ingress]
        lb = [x for x in lb if x]
        return ",".join(lb + ext) or "<pending>"
    if type_ == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def _service_row(s: Obj, now: float) -> list[Any]:
    spec = s.get("spec") or {}
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [_name(s), spec.get("type") or "ClusterIP", ips[0] if ips else "<none>", service_external_ip(s),
            service_ports(s), _age(s, now), format_labels(spec.get("selector"))]


def format_endpoints(ep: Obj, limit: int = 3) -> str:
    subsets = ep.get("subsets") or []
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count = 0
    more = False
    for ss in subsets:
        addrs = ss.get("addresses") or []
        ports = ss.get("ports") or []
        if not ports:
            count += len(addrs)
            for a in addrs:
                if len(shown) == limit:
                    more = True
                    break
                shown.append(a.get("ip", ""))
            continue
        for p in ports:
            count += len(addrs)
            for a in addrs:
                if len(shown) == limit:
                    more = True
                    break
                ip = a.get("ip", "")
                shown.append(f"[{ip}]:{p.get('port')}" if ":" in ip else f"{ip}:{p.get('port')}")
    text = ",".join(shown)
    if more:
        return f"{text} + {count - limit} more..."
    return text


def _endpoints_row(ep: Obj, now: float) -> list[Any]:
    return [_name(ep), format_endpoints(ep), _age(ep, now)]


def _endpointslice_row(es: Obj, now: float) -> list[Any]:
    ports = ",".join(str(p.get("port", "")) for p in es.get("ports") or []) or "<unset>"
    addrs = [a for e in es.get("endpoints") or [] for a in e.get("addresses") or []]
    text = ",".join(addrs[:3]) + (f" + {len(addrs) - 3} more..." if len(addrs) > 3 else "")
    return [_name(es), es.get("addressType", ""), ports, text or "<unset>", _age(es, now)]


def _configmap_row(cm: Obj, now: float) -> list[Any]:
    return [_name(cm), len(cm.get("data") or {}) + len(cm.get("binaryData") or {}), _age(cm, now)]


def _secret_row(s: Obj, now: float) -> list[Any]:
    return [_name(s), s.get("type") or "Opaque", len(s.get("data") or {}), _age(s, now)]


def _serviceaccount_row(sa: Obj, now: float) -> list[Any]:
    return [_name(sa), len(sa.get("secrets") or []), _age(sa, now)]


def _lease_row(lease: Obj, now: float) -> list[Any]:
    return [_name(lease), (lease.get("spec") or {}).get("holderIdentity") or "", _age(lease, now)]


def _controllerrevision_row(cr: Obj, now: float) -> list[Any]:
    ctrl = "<none>"
    for ref in cr["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            group = ref.get("apiVersion", "").rpartition("/")[0]
            ctrl = f"{ref['kind'].lower()}{'.' + group if group else ''}/{ref['name']}"
    return [_name(cr), ctrl, cr.get("revision", 0), _age(cr, now)]


def _event_source(ev: Obj) -> str:
    src = ev.get("source") or {}
    comp = src.get("component") or ev.get("reportingComponent") or ""
    host = src.get("host") or ev.get("reportingInstance") or ""
    return f"{comp}, {host}" if host else comp


def event_last_seen(ev: Obj, now: float) -> str:
    first = ev.get("firstTimestamp") or ev.get("eventTime")
    last = ev.get("lastTimestamp") or first
    series = ev.get("series")
    if series:
        last = series.get("lastObservedTime") or last
    return since(last, now)


def _event_row(ev: Obj, now: float) -> list[Any]:
    inv = ev.get("involvedObject") or {}
    target = f"{inv.get('kind', '').lower()}/{inv['name']}" if inv.get("name") else inv.get("kind", "").lower()
    first = since(ev.get("firstTimestamp") or ev.get("eventTime"), now)
    count = (ev.get("series") or {}).get("count") or ev.get("count") or 1
    return [event_last_seen(ev, now), ev.get("type", ""), ev.get("reason", ""), target,
            inv.get("fieldPath", ""), _event_source(ev), (ev.get("message") or "").strip(), first, count, _name(ev)]


def _default_row(obj: Obj, now: float) -> list[Any]:
    return [_name(obj), _age(obj, now)]


_C = Column
_W = 1  # priority of the columns ``-o wide`` adds
_CONTAINERS = (_C("Containers", priority=_W), _C("Images", priority=_W))
_AGE = _C("Age")
_NAME = _C("Name", format="name")

TABLES: dict[str, tuple[tuple[Column, ...], RowFn]] = {
    "Pod": ((_NAME, _C("Ready"), _C("Status"), _C("Restarts", "string"), _AGE, _C("IP", priority=_W),
             _C("Node", priority=_W), _C("Nominated Node", priority=_W), _C("Readiness Gates", priority=_W)),
            _pod_row),
    "Deployment": ((_NAME, _C("Ready"), _C("Up-to-date", "integer"), _C("Available", "integer"), _AGE,
                    *_CONTAINERS, _C("Selector", priority=_W)), _deployment_row),
    "ReplicaSet": ((_NAME, _C("Desired", "integer"), _C("Current", "integer"), _C("Ready", "integer"), _AGE,
                    *_CONTAINERS, _C("Selector", priority=_W)), _replicaset_row),
    "DaemonSet": ((_NAME, _C("Desired", "integer"), _C("Current", "integer"), _C("Ready", "integer"),
                   _C("Up-to-date", "integer"), _C("Available", "integer"), _C("Node Selector"), _AGE,
                   *_CONTAINERS, _C("Selector", priority=_W)), _daemonset_row),
    "StatefulSet": ((_NAME, _C("Ready"), _AGE, *_CONTAINERS), _statefulset_row),
    "Job": ((_NAME, _C("Status"), _C("Completions"), _C("Duration"), _AGE, *_CONTAINERS,
             _C("Selector", priority=_W)), _job_row),
    "CronJob": ((_NAME, _C("Schedule"), _C("Timezone"), _C("Suspend", "boolean"), _C("Active", "integer"),
                 _C("Last Schedule"), _AGE, *_CONTAINERS, _C("Selector", priority=_W)), _cronjob_row),
    "Node": ((_NAME, _C("Status"), _C("Roles"), _AGE, _C("Version"), _C("Internal-IP", priority=_W),
              _C("External-IP", priority=_W), _C("OS-Image", priority=_W), _C("Kernel-Version", priority=_W),
              _C("Container-Runtime", priority=_W)), _node_row),
    "Namespace": ((_NAME, _C("Status"), _AGE), _namespace_row),
    "Service": ((_NAME, _C("Type"), _C("Cluster-IP"), _C("External-IP"), _C("Port(s)"), _AGE,
                 _C("Selector", priority=_W)), _service_row),
    "Endpoints": ((_NAME, _C("Endpoints"), _AGE), _endpoints_row),
    "EndpointSlice": ((_NAME, _C("AddressType"), _C("Ports"), _C("Endpoints"), _AGE), _endpointslice_row),
    "ConfigMap": ((_NAME, _C("Data", "integer"), _AGE), _configmap_row),
    "Secret": ((_NAME, _C("Type"), _C("Data", "integer"), _AGE), _secret_row),
    "ServiceAccount": ((_NAME, _C("Secrets", "integer"), _AGE), _serviceaccount_row),
    "Lease": ((_NAME, _C("Holder"), _AGE), _lease_row),
    "ControllerRevision": ((_NAME, _C("Controller"), _C("Revision", "integer"), _AGE), _controllerrevision_row),
    "Event": ((_C("Last Seen"), _C("Type"), _C("Reason"), _C("Object"), _C("Subobject", priority=_W),
               _C("Source", priority=_W), _C("Message"), _C("First Seen", priority=_W),
               _C("Count", "integer", priority=_W), _C("Name", format="name", priority=_W)), _event_row),
}
DEFAULT_TABLE: tuple[tuple[Column, ...], RowFn] = ((_NAME, _AGE), _default_row)


def _merge_area_tables() -> None:
    """The tables of the other API areas' kinds, one module each (tables_storage.py, …)."""
    from . import (
        tables_autoscaling,
        tables_certificates,
        tables_disruption,
        tables_networking,
        tables_policy,
        tables_rbac,
        tables_storage,
    )

    for module in (tables_storage, tables_policy, tables_networking, tables_autoscaling, tables_disruption,
                   tables_rbac, tables_certificates):
        TABLES.update(module.TABLES)


def table_for(kind: str) -> tuple[tuple[Column, ...], RowFn]:
    return TABLES.get(kind, DEFAULT_TABLE)


def server_table(kind: str, objs: Iterable[Obj], now: float) -> dict:
    """The apiserver's ``meta.k8s.io/v1`` Table for ``objs`` (every column, priority marked)."""
    columns, row_fn = table_for(kind)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {},
        "columnDefinitions": [c.definition() for c in columns],
        "rows": [{"cells": row_fn(o, now), "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                                         "metadata": o["metadata"]}} for o in objs],
    }


@dataclass
class TableOptions:
    wide: bool = False
    no_headers: bool = False
    show_labels: bool = False
    with_namespace: bool = False  # -A: a NAMESPACE column first
    with_kind: bool = False  # several kinds asked for: NAME becomes kind.group/name
    label_columns: Sequence[str] = ()


def cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<none>"
    return str(value)


def table_lines(resource: Resource | None, kind: str, objs: Sequence[Obj], now: float,
                opts: TableOptions) -> list[list[str]]:
    """Header + rows (as text cells) the way kubectl's human-readable printer decorates them."""
    columns, row_fn = table_for(kind)
    keep = [i for i, c in enumerate(columns) if c.priority == 0 or opts.wide]
    header = [columns[i].name.upper() for i in keep]
    rows = []
    name_col = next((i for i in keep if columns[i].format == "name"), None)
    for obj in objs:
        cells = row_fn(obj, now)
        row = [cell_text(cells[i]) for i in keep]
        if opts.with_kind and name_col is not None and resource is not None:
            pos = keep.index(name_col)
            row[pos] = f"{resource.qualified}/{row[pos]}"
        labels = obj["metadata"].get("labels") or {}
        for key in opts.label_columns:
            row.append(labels.get(key, ""))
        if opts.show_labels:
            row.append(format_labels(labels))
        if opts.with_namespace:
            row.insert(0, obj["metadata"].get("namespace") or "")
        rows.append(row)
    for key in opts.label_columns:
        header.append(key.rpartition("/")[2].upper())
    if opts.show_labels:
        header.append("LABELS")
    if opts.with_namespace:
        header.insert(0, "NAMESPACE")
    return rows if opts.no_headers else [header, *rows]


def tabwrite(lines: Sequence[Sequence[str]], minwidth: int = 6, padding: int = 3,
             widths: list[int] | None = None) -> str:
    """Go's ``text/tabwriter`` as kubectl configures it: every cell but a line's last is padded
    to its column's widest cell + ``padding`` (at least ``minwidth``); cells are tab-terminated
    except the last, so the last column is never padded. ``widths``: cli-runtime's
    ``RememberWidths`` (``get -w``): the widths of earlier flushes, kept and grown in place."""
    if not lines:
        return ""
    ncols = max(len(line) for line in lines)
    if widths is None:
        widths = []
    widths.extend([0] * (ncols - len(widths)))
    for line in lines:
        for i, cell in enumerate(line[:-1]):
            widths[i] = max(widths[i], len(cell) + padding, minwidth)
    out = []
    for line in lines:
        parts = [cell.ljust(widths[i]) for i, cell in enumerate(line[:-1])]
        if line:
            parts.append(line[-1])
        out.append("".join(parts))
    return "\n".join(out) + "\n"


def render_table(resource: Resource | None, kind: str, objs: Sequence[Obj], now: float,
                 opts: TableOptions | None = None) -> str:
    return tabwrite(table_lines(resource, kind, objs, now, opts or TableOptions()))


# -- -o name / json / yaml -------------------------------------------------------------------


def object_name(obj: Obj) -> str:
    """``-o name``: ``pod/x``, ``deployment.apps/web``."""
    r = BY_KIND.get(obj.get("kind", ""))
    prefix = r.qualified if r else obj.get("kind", "").lower()
    return f"{prefix}/{obj['metadata']['name']}"


def as_list(objs: Sequence[Obj]) -> Obj:
    """What kubectl prints for several objects: a ``v1`` ``List``."""
    return {"apiVersion": "v1", "items": list(objs), "kind": "List", "metadata": {"resourceVersion": ""}}


def to_json(obj: Any) -> str:
    """``-o json``: ``json.MarshalIndent(obj, "", "    ")`` — an unstructured object's keys sorted, a
    typed one's (``gostruct.TypedObject``: what kubectl builds client-side) in Go struct field
    order; 4 spaces, ``<``, ``>`` and ``&`` escaped as Go's encoder does."""
    return gostruct.go_json(obj) + "\n"


# -- YAML as sigs.k8s.io/yaml prints it (JSON -> go-yaml v2 Marshal) ----------------------------

#: go-yaml v2 resolve.go's table of plain scalars that are not strings
_GO_YAML_WORDS = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"), "bool"),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"), "bool"),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), "null"),
    **dict.fromkeys((".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
                     "-.inf", "-.Inf", "-.INF"), "float"),
}  # "<<" (merge) resolves too, but the encoder writes it plain: checked against kubectl
_GO_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_GO_BASE60_FLOAT = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_GO_INT = re.compile(r"[-+]?(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")
#: time.Parse of go-yaml's allowedTimestampFormats ("2006-1-2T15:4:5.999999999Z07:00", its lower-case
#: "t" twin, "2006-1-2 15:4:5.999999999", "2006-1-2"): Go's one-or-two-digit fields
_GO_TIMESTAMP = re.compile(r"(\d{4})-(\d\d?)-(\d\d?)(?:(?:([Tt])|( ))(\d\d?):(\d\d?):(\d\d?)(?:\.\d+)?"
                           r"(Z|[-+]\d\d:\d\d)?)?")


def _go_int_fits(text: str) -> bool:
    """strconv.ParseInt(text, 0, 64) or ParseUint(text, 0, 64) succeeds (underscores already gone)."""
    if not _GO_INT.fullmatch(text):
        return False
    digits = text.lstrip("+-")
    base = {"b": 2, "o": 8, "x": 16}.get(digits[1:2].lower(), 8 if len(digits) > 1 and digits[0] == "0" else 10)
    value = int(digits[2:] if base != 10 and not digits[1:2].isdigit() else digits, base)
    if text[0] == "-":
        return value <= 2**63
    return value < 2**64 and (text[0] != "+" or value < 2**63)


def _go_timestamp(text: str) -> bool:
    """go-yaml v2 ``parseTimestamp``: four digits and a dash, then one of the allowed layouts."""
    m = _GO_TIMESTAMP.fullmatch(text)
    if not m:
        return False
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    if m[5] and m[9]:  # the space-separated layout has no zone
        return False
    if m[4] and not m[9]:  # the "T" layouts need their zone
        return False
    if not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= day <= (29 if month == 2 and leap else (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]):
        return False
    if m[6] is not None and (int(m[6]) > 23 or int(m[7]) > 59 or int(m[8]) > 59):
        return False
    return not (m[9] and len(m[9]) == 6 and (int(m[9][1:3]) > 23 or int(m[9][4:]) > 59))


def go_yaml_tag(text: str) -> str:
    """The tag go-yaml v2's ``resolve("", text)`` gives a plain scalar (``str``, ``int``, ``float``,
    ``bool``, ``null``, ``timestamp``); a base-60 float (``1:20``) counts as ``float``."""
    if text in _GO_YAML_WORDS:
        return _GO_YAML_WORDS[text]
    if text[0] in "+-0123456789.":
        plain = text.replace("_", "")
        if plain and _go_int_fits(plain):
            return "int"
        if plain and _GO_YAML_FLOAT.fullmatch(plain):
            return "float"
        if text[0].isdigit() and _go_timestamp(text):
            return "timestamp"
    return "float" if _GO_BASE60_FLOAT.fullmatch(text) else "str"


def go_yaml_plain_is_string(text: str) -> bool:
    """Whether go-yaml v2 reads ``text`` written plain back as a string — otherwise its encoder
    double-quotes the string (``canUsePlain``)."""
    return go_yaml_tag(text) == "str"


class _GoYamlDumper(yaml.SafeDumper):
    """PyYAML's emitter (the libyaml port go-yaml v2's emitter also is: the same analyze_scalar,
    plain scalars folded past column 80, literal block hints) with go-yaml's encoder choices: a string
    is written plain when go-yaml's own resolver reads it back as a string, literal (``|``, ``|-``,
    ``|+``) when it has a line break, double-quoted otherwise; the emitter then falls back from plain
    to single quotes (leading space, ``: ``, `` #``, indicators) and from there or from literal to
    double quotes, as libyaml's ``select_scalar_style`` does. Sequences inside mappings are not
    indented ("- image: nginx" right under "containers:")."""

    yaml_implicit_resolvers: dict = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        # what a plain scalar means to go-yaml, so the serializer writes ints/bools/null plain and
        # strings plain exactly when go-yaml would
        if kind is yaml.ScalarNode and implicit[0]:
            return f"tag:yaml.org,2002:{go_yaml_tag(value)}"
        return super().resolve(kind, value, implicit)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if any(ord(ch) > 0xFFFF for ch in value):
        # libyaml's is_printable stops at U+FFFD: go-yaml escapes the rest ("\U0001F642")
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if not go_yaml_plain_is_string(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_int(dumper: yaml.SafeDumper, value: int) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:int", str(value))


def _represent_float(dumper: yaml.SafeDumper, value: float) -> yaml.Node:
    """go-yaml's ``floatv``: strconv.FormatFloat(f, 'g', -1, 64), ``.inf``/``-.inf``/``.nan``."""
    if math.isnan(value):
        text = ".nan"
    elif math.isinf(value):
        text = ".inf" if value > 0 else "-.inf"
    else:
        from .gotemplate import format_float_shortest
        text = format_float_shortest(value)
    return dumper.represent_scalar(f"tag:yaml.org,2002:{go_yaml_tag(text)}", text)


def go_yaml_key_less(a: str, b: str) -> bool:
    """go-yaml v2's ``keyList.Less`` for two string keys (sorter.go): letters before other runes,
    runs of digits compared as numbers (``k9`` before ``k10``, ``_1`` before ``1``)."""
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        al, bl = a[i].isalpha(), b[i].isalpha()
        if al and bl:
            return a[i] < b[i]
        if al or bl:
            return bl
        an = bn = 0
        if a[i] == "0" or b[i] == "0":
            j = i - 1
            while j >= 0 and a[j].isdecimal():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdecimal():
            an = an * 10 + ord(a[ai]) - 48
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdecimal():
            bn = bn * 10 + ord(b[bi]) - 48
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


_GO_KEY = functools.cmp_to_key(lambda a, b: -1 if go_yaml_key_less(a, b) else (1 if go_yaml_key_less(b, a) else 0))


def _represent_dict(dumper: yaml.SafeDumper, value: dict) -> yaml.Node:
    """A JSON object as go-yaml writes the map it decoded it into: keys in ``keyList`` order."""
    return dumper.represent_mapping("tag:yaml.org,2002:map",
                                    [(k, value[k]) for k in sorted(value, key=lambda k: _GO_KEY(str(k)))])


_GoYamlDumper.add_representer(str, _represent_str)
_GoYamlDumper.add_representer(dict, _represent_dict)
_GoYamlDumper.add_multi_representer(dict, _represent_dict)  # TypedObject too
_GoYamlDumper.add_representer(int, _represent_int)
_GoYamlDumper.add_representer(float, _represent_float)


def to_yaml(obj: Any) -> str:
    """``-o yaml``: ``yaml.Marshal`` of sigs.k8s.io/yaml — keys in go-yaml's ``keyList`` order (the
    JSON object goes through a map: ``go_yaml_key_less``), block style, strings quoted as go-yaml v2 decides (``"y"``, ``"1e3"``,
    ``"0x1F"``, ``"2025-01-01"``, ``'a: b'``, ``' x'``), multi-line strings as literal blocks, plain
    strings folded at spaces past column 80 (go-yaml's ``best_width``)."""
    return yaml.dump(obj, Dumper=_GoYamlDumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=80)


def go_tabwriter(text: str, minwidth: int = 0, padding: int = 2) -> str:
    """Go's ``text/tabwriter`` over tab-separated text, column blocks and all.

    A column block is a run of consecutive lines that all have a tab-terminated cell in that
    column; each block is as wide as its widest cell + ``padding`` (at least ``minwidth``). A
    line's last cell is never padded. ``kubectl describe`` writes through this with
    ``tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)``.
    """
    lines = [line.split("\t") for line in text.split("\n")]
    trailing_newline = text.endswith("\n")
    if trailing_newline:
        lines = lines[:-1]
    out: list[str] = []
    widths: list[int] = []

    def write_lines(line0: int, line1: int) -> None:
        for cells in lines[line0:line1]:
            parts = []
            for j, cell in enumerate(cells):
                if j < len(cells) - 1 and j < len(widths):
                    parts.append(cell.ljust(widths[j]))
                else:
                    parts.append(cell)
            out.append("".join(parts))

    def fmt(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            write_lines(line0, this)
            line0 = this
            width = minwidth
            while this < line1 and column < len(lines[this]) - 1:
                width = max(width, len(lines[this][column]) + padding)
                this += 1
            widths.append(width)
            fmt(line0, this)
            widths.pop()
            line0 = this
        write_lines(line0, line1)

    fmt(0, len(lines))
    return "\n".join(out) + ("\n" if trailing_newline else "")


# -- -o jsonpath / custom-columns ------------------------------------------------------------
# client-go's util/jsonpath as kubectl's printers use it: "{...}" actions between literal text;
# inside one, ".field", "[*]", "[n]", "[a:b]", "..field", "[?(@.x == 'v')]", "{range}…{end}" and
# quoted literals; missing keys print nothing (kubectl's --allow-missing-template-keys=true).
# -- JSONPath, custom columns, --sort-by -------------------------------------------------------
# The engine is ``jsonpath`` (client-go's util/jsonpath); here: kubectl's uses of it that print.
from . import jsonpath as _jp  # noqa: E402

JSONPathError = _jp.JSONPathError
#: ``RelaxedJSONPathExpression`` (``a.b`` / ``.a.b`` / ``{a.b}`` mean ``{.a.b}``)
relaxed = _jp.relaxed


def jsonpath_values(obj: Any, path: str) -> list[Any]:
    """The values one expression (``.a.b[*]``, no braces) finds in ``obj`` (missing keys allowed)."""
    return [v for vs in _jp.JSONPath("{" + path + "}", allow_missing_keys=True).find_results(obj) for v in vs]


def jsonpath(template: str, obj: Any, allow_missing_keys: bool = True) -> str:
    """The text ``-o jsonpath=<template>`` prints for ``obj`` (a List for several objects)."""
    return _jp.JSONPath(template, allow_missing_keys=allow_missing_keys).execute(obj)


def custom_column_rows(columns: Sequence[tuple[str, str]], objs: Iterable[Obj]) -> list[list[str]]:
    """``CustomColumnsPrinter.printOneObject`` for each object: per column (header, ``{.expr}``)
    the values as ``%v`` joined by commas, ``<none>`` when the expression finds nothing."""
    parsers = [_jp.JSONPath(spec, allow_missing_keys=True) for _, spec in columns]
    rows = []
    for obj in objs:
        row = []
        for parser in parsers:
            values = parser.find_results(obj)
            cells = [] if values and values[0] else ["<none>"]
            cells += [escape_terminal(_jp.go_sprint(v)) for vs in values for v in vs]
            row.append(",".join(cells))
        rows.append(row)
    return rows


def escape_terminal(text: str) -> str:
    """cli-runtime's ``EscapeTerminal``: ESC and CR never reach the terminal raw."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


def custom_columns_spec(spec: str) -> list[tuple[str, str]]:
    """``NewCustomColumnsPrinterFromSpec``: ``HEADER:expr,...`` as (header, ``{.expr}``) pairs."""
    if not spec:
        raise JSONPathError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, sep, expr = part.partition(":")
        if not sep:
            raise JSONPathError(f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
        columns.append((header, _jp.relaxed(expr)))
    return columns


def custom_columns_template(text: str) -> list[tuple[str, str]]:
    """``NewCustomColumnsPrinterFromTemplate``: a line of headers, then a line of specs."""
    # bufio.ScanLines: split at \n, a trailing \r dropped, no token after a final newline
    body = text[:-1] if text.endswith("\n") else text
    lines = [line.removesuffix("\r") for line in body.split("\n")] if text else []
    expected = "Expected format is one line of space separated headers, one line of space separated column specs."
    if not lines:
        raise JSONPathError(f"invalid template, missing header line. {expected}")
    if len(lines) < 2:
        raise JSONPathError(f"invalid template, missing spec line. {expected}")
    headers, specs = lines[0].split(), lines[1].split()
    if len(headers) != len(specs):
        raise JSONPathError(f"number of headers ({len(headers)}) and field specifications ({len(specs)}) don't match")
    return [(h, _jp.relaxed(s)) for h, s in zip(headers, specs, strict=True)]


def custom_columns(spec: str, objs: Sequence[Obj], no_headers: bool = False) -> str:
    """``-o custom-columns=HEADER:expr,...`` over ``objs``: a header line, then a row per object."""
    columns = custom_columns_spec(spec)
    lines = [] if no_headers else [[h for h, _ in columns]]
    return tabwrite([*lines, *custom_column_rows(columns, objs)])


# -- Go's sort.Sort ----------------------------------------------------------------------------
# kubectl orders describe's events and --sort-by rows with sort.Sort, which is not stable: equal
# elements land where Go's pattern-defeating quicksort (src/sort/zsortinterface.go, Go 1.19+) puts
# them. A port of it, so ties come out in kubectl's order for the same input order.
def go_sort(items: list, less: Callable[[Any, Any], bool], last: int | None = None) -> list:
    """``sort.Sort`` over a copy of ``items`` with ``less(x, y)``; the sorted list. With ``last``
    only its last ``last`` items are sorted — the very items, in the very order, of the whole sort
    (a range's sorting only moves items inside it, so the ranges wholly before them are left as
    they are): some 2n comparisons plus last·log(last), not n·log(n)."""
    data = list(items)
    n = len(data)
    if n > 1:
        _pdqsort(data, less, 0, n, n.bit_length(), 0 if last is None else n - last)
    return data


def _lt(data: list, less: Callable, i: int, j: int) -> bool:
    return less(data[i], data[j])


def _swap(data: list, i: int, j: int) -> None:
    data[i], data[j] = data[j], data[i]


def _insertion_sort(data: list, less: Callable, a: int, b: int) -> None:
    for i in range(a + 1, b):
        j = i
        while j > a and _lt(data, less, j, j - 1):
            _swap(data, j, j - 1)
            j -= 1


def _sift_down(data: list, less: Callable, lo: int, hi: int, first: int) -> None:
    root = lo
    while True:
        child = 2 * root + 1
        if child >= hi:
            return
        if child + 1 < hi and _lt(data, less, first + child, first + child + 1):
            child += 1
        if not _lt(data, less, first + root, first + child):
            return
        _swap(data, first + root, first + child)
        root = child


def _heap_sort(data: list, less: Callable, a: int, b: int) -> None:
    first, lo, hi = a, 0, b - a
    for i in range((hi - 1) // 2, -1, -1):
        _sift_down(data, less, i, hi, first)
    for i in range(hi - 1, -1, -1):
        _swap(data, first, first + i)
        _sift_down(data, less, lo, i, first)


def _pdqsort(data: list, less: Callable, a: int, b: int, limit: int, wanted: int = 0) -> None:
    """``wanted``: the first position that must end up sorted (``go_sort``'s ``last``)."""
    was_balanced = was_partitioned = True
    while True:
        if b <= wanted:
            return
        length = b - a
        if length <= 12:
            _insertion_sort(data, less, a, b)
            return
        if limit == 0:
            _heap_sort(data, less, a, b)
            return
        if not was_balanced:
            _break_patterns(data, a, b)
            limit -= 1
        pivot, hint = _choose_pivot(data, less, a, b)
        if hint == "decreasing":
            _reverse_range(data, a, b)
            pivot = (b - 1) - (pivot - a)
            hint = "increasing"
        if was_balanced and was_partitioned and hint == "increasing" and _partial_insertion_sort(data, less, a, b):
            return
        if a > 0 and not _lt(data, less, a - 1, pivot):
            a = _partition_equal(data, less, a, b, pivot)
            continue
        mid, was_partitioned = _partition(data, less, a, b, pivot)
        left, right = mid - a, b - mid
        threshold = length // 8
        if left < right:
            was_balanced = left >= threshold
            _pdqsort(data, less, a, mid, limit, wanted)
            a = mid + 1
        else:
            was_balanced = right >= threshold
            _pdqsort(data, less, mid + 1, b, limit, wanted)
            b = mid


def _partition(data: list, less: Callable, a: int, b: int, pivot: int) -> tuple[int, bool]:
    _swap(data, a, pivot)
    i, j = a + 1, b - 1
    while i <= j and _lt(data, less, i, a):
        i += 1
    while i <= j and not _lt(data, less, j, a):
        j -= 1
    if i > j:
        _swap(data, j, a)
        return j, True
    _swap(data, i, j)
    i, j = i + 1, j - 1
    while True:
        while i <= j and _lt(data, less, i, a):
            i += 1
        while i <= j and not _lt(data, less, j, a):
            j -= 1
        if i > j:
            break
        _swap(data, i, j)
        i, j = i + 1, j - 1
    _swap(data, j, a)
    return j, False


def _partition_equal(data: list, less: Callable, a: int, b: int, pivot: int) -> int:
    _swap(data, a, pivot)
    i, j = a + 1, b - 1
    while True:
        while i <= j and not _lt(data, less, a, i):
            i += 1
        while i <= j and _lt(data, less, a, j):
            j -= 1
        if i > j:
            return i
        _swap(data, i, j)
        i, j = i + 1, j - 1


def _partial_insertion_sort(data: list, less: Callable, a: int, b: int) -> bool:
    i = a + 1
    for _ in range(5):
        while i < b and not _lt(data, less, i, i - 1):
            i += 1
        if i == b:
            return True
        if b - a < 50:
            return False
        _swap(data, i, i - 1)
        if i - a >= 2:
            for j in range(i - 1, 0, -1):
                if not _lt(data, less, j, j - 1):
                    break
                _swap(data, j, j - 1)
        if b - i >= 2:
            for j in range(i + 1, b):
                if not _lt(data, less, j, j - 1):
                    break
                _swap(data, j, j - 1)
    return False


def _break_patterns(data: list, a: int, b: int) -> None:
    length = b - a
    if length >= 8:
        mask = (1 << 64) - 1
        state = length
        modulus = 1 << length.bit_length()
        for idx in range(a + (length // 4) * 2 - 1, a + (length // 4) * 2 + 2):
            state ^= (state << 13) & mask
            state ^= state >> 17
            state ^= (state << 5) & mask
            other = state & (modulus - 1)
            if other >= length:
                other -= length
            _swap(data, idx, a + other)


def _choose_pivot(data: list, less: Callable, a: int, b: int) -> tuple[int, str]:
    n = b - a
    swaps = [0]
    i, j, k = a + n // 4 * 1, a + n // 4 * 2, a + n // 4 * 3
    if n >= 8:
        if n >= 50:
            i = _median(data, less, i - 1, i, i + 1, swaps)
            j = _median(data, less, j - 1, j, j + 1, swaps)
            k = _median(data, less, k - 1, k, k + 1, swaps)
        j = _median(data, less, i, j, k, swaps)
    if swaps[0] == 0:
        return j, "increasing"
    if swaps[0] == 12:
        return j, "decreasing"
    return j, "unknown"


def _median(data: list, less: Callable, a: int, b: int, c: int, swaps: list[int]) -> int:
    def order2(x: int, y: int) -> tuple[int, int]:
        if _lt(data, less, y, x):
            swaps[0] += 1
            return y, x
        return x, y

    a, b = order2(a, b)
    b, c = order2(b, c)
    a, b = order2(a, b)
    return b


def _reverse_range(data: list, a: int, b: int) -> None:
    i, j = a, b - 1
    while i < j:
        _swap(data, i, j)
        i, j = i + 1, j - 1


class UnsortableError(JSONPathError):
    """kubectl's sorter meeting values it cannot order (kubectl exits through klog there)."""


def _quantity(text: str) -> Quantity | None:
    """``resource.ParseQuantity`` of a string cell, None when it is not a quantity."""
    try:
        return Quantity.parse(text)
    except QuantityError:
        return None


def is_less(x: Any, y: Any) -> bool:
    """kubectl's sorter ``isLess`` for two unstructured values (both reached through an
    ``interface{}``): nulls first; int64 with int64 and float64 with float64 by value; strings
    as resource quantities when both parse as one (``"9" < "10"``, ``"500m" < "1"``), else
    bytewise; anything else unsortable."""
    if x is None or y is None:
        return x is None and y is not None
    if isinstance(x, bool) or isinstance(x, dict | list):
        raise UnsortableError(f"unsortable type: {_go_type_name(x)}")
    if isinstance(x, int):
        if isinstance(y, int) and not isinstance(y, bool):
            return x < y
    elif isinstance(x, float):
        if isinstance(y, float):
            return x < y
    elif isinstance(x, str):
        if isinstance(y, str):
            qx, qy = _quantity(x), _quantity(y)
            if qx is not None and qy is not None:
                return qx < qy
            return x.encode() < y.encode()
    raise UnsortableError("unsortable interface: interface")


def _go_type_name(v: Any) -> str:
    return {bool: "bool", dict: "map[string]interface {}", list: "[]interface {}"}.get(type(v), type(v).__name__)


def sort_field(expr: str) -> str:
    """The template kubectl sorts by: ``RelaxedJSONPathExpression`` of ``--sort-by``, or the text
    itself when it is not relaxable (the table sorters)."""
    try:
        return _jp.relaxed(expr)
    except JSONPathError:
        return expr


def sort_objects(objs: Sequence[Obj], field: str) -> list[Obj]:
    """``sort.Sort`` of ``objs`` by the first value ``field`` (a parsed ``{...}`` template) finds
    in each; objects without one go first. Raises ``JSONPathError`` for a template that does
    not parse or finds nothing in any object (kubectl's "couldn't find any field with path"),
    ``UnsortableError`` for values kubectl cannot order."""
    parser = _jp.JSONPath(field, allow_missing_keys=True)
    firsts: dict[int, list[Any]] = {}
    for o in objs:
        found = parser.find_results(o)
        firsts[id(o)] = found[0][:1] if found and found[0] else []
    if objs and not any(firsts.values()):
        raise JSONPathError(f"couldn't find any field with path {_jp._go_string_literal(field)} in the list of objects")

    def less(a: Obj, b: Obj) -> bool:
        va, vb = firsts[id(a)], firsts[id(b)]
        if not va:
            return True
        if not vb:
            return False
        return is_less(va[0], vb[0])

    return go_sort(list(objs), less)


def sort_by(objs: Sequence[Obj], expr: str) -> list[Obj]:
    """``--sort-by=expr`` over a list's objects (``SortObjects``: the expression must be relaxable)."""
    return sort_objects(objs, _jp.relaxed(expr))


_merge_area_tables()
