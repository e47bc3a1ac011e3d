"""``kubectl describe``: the long, human layouts of ``staging/.../kubectl/pkg/describe/describe.go``.

Owns: the command (``TYPE[,TYPE] [NAME…]``, ``TYPE/NAME``, ``-l``, ``-A``, ``--show-events``,
describe.go's name-prefix fallback: ``describe pod web`` describes every pod whose name starts
with ``web`` when no pod is called exactly that); the registry of describers by kind
(``DESCRIBERS``, ``register``) with the generic one (``printUnstructuredContent``) for kinds
without; the shared pieces (the PrefixWriter and its nested form, labels, annotations, taints,
tolerations, containers, volumes, pod templates, the Events table with ``Age (xN over Y)``, the
event index by involved UID kept from the store's writes); and the describers of pods,
deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs, nodes, services, endpoints,
endpointslices, configmaps, secrets and serviceaccounts, as kubectl v1.32 prints them (checked
against it by tests/oracle and tests/kubectl/test_describe_kinds.py). Lines are tab-separated as
describe.go writes them, then laid out by Go's tabwriter rules (``printers.go_tabwriter``,
padding 2).

Hands off: objects come from ``resolve``; the other kinds' describers (storage, networking, HPA,
RBAC, quotas, PDB, PriorityClass, NetworkPolicy, Namespace) live in ``describe_kinds.py``;
quantities' text to ``kubectl/quantity.py``; a deployment's replica sets to the simulation's
``deployment_util``.
"""
from __future__ import annotations

import base64
import contextvars
import weakref
from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any

from ...sim.api import ApiError
from ...sim.controllers import deployment_util
from ...sim.store import Obj, controller_ref
from .. import authorized, printers, resolve
from ..parse import Flag, Invocation, KubectlError, command
from ..printers import rfc1123z, since
from ..quantity import format_quantity, parse_quantity, quantity_string

if TYPE_CHECKING:
    from ...sim.cluster import Cluster

L1, L2, L3 = "  ", "    ", "      "
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140


class Writer:
    """describe.go's PrefixWriter: lines with tabs, laid out by tabwriter at the end. As its
    ``printers.WriteEscaped``, ESC becomes ``^[`` and a carriage return ``\\r``, so an object's
    text cannot drive the terminal."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def w(self, text: str) -> None:
        self.parts.append(text.replace("\x1b", "^[").replace("\r", "\\r"))

    def text(self) -> str:
        return printers.go_tabwriter("".join(self.parts), 0, 2)


Describer = Callable[["Cluster", Obj, float], str]
#: describe.go's describerMap: a layout per kind; kinds without one get ``describe_generic``
DESCRIBERS: dict[str, Describer] = {}


def register(kind: str) -> Callable[[Describer], Describer]:
    """Use ``fn`` for objects of ``kind`` (whether or not the sandbox serves that kind yet)."""
    def add(fn: Describer) -> Describer:
        DESCRIBERS[kind] = fn
        return fn
    return add


# -- shared pieces ---------------------------------------------------------------------------

def labels_multiline(w: Writer, title: str, labels: dict | None, initial: str = "", inner: str = "\t") -> None:
    w.w(f"{initial}{title}:{inner}")
    if not labels:
        w.w("<none>\n")
        return
    for i, k in enumerate(sorted(labels)):
        if i:
            w.w(initial)
            w.w(inner)
        w.w(f"{k}={labels[k]}\n")


def _shorten(text: str, limit: int) -> str:
    """describe.go's ``shorten``: cut at ``limit`` bytes (Go's len), then "..."."""
    raw = text.encode()
    return text if len(raw) <= limit else raw[:limit].decode(errors="replace") + "..."


def annotations_multiline(w: Writer, title: str, annotations: dict | None) -> None:
    """describe.go's ``printAnnotationsMultiline``: sorted, last-applied left out; a value too
    long for one line (keys and values measured in bytes) or of several lines goes below its key."""
    w.w(f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        w.w("<none>\n")
        return
    for i, k in enumerate(keys):
        if i:
            w.w("\t")
        value = annotations[k].removesuffix("\n")  # type: ignore[index]
        if len(value.encode()) + len(k.encode()) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.w(f"{k}:\n")
            for s in value.split("\n"):
                w.w(f"\t  {_shorten(s, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.w(f"{k}: {value}\n")


def toleration_lines(tolerations: list | None) -> list[str]:
    """printPodTolerationsMultiline's lines, sorted by key as Go's sort.Slice leaves them
    (``node.kubernetes.io/not-ready:NoExecute op=Exists for 300s``); the page's pod tooltip shows
    the same lines (a pod's cells, server/web/live.py)."""
    ordered = printers.go_sort(list(tolerations or []), lambda a, b: (a.get("key") or "") < (b.get("key") or ""))
    lines = []
    for t in ordered:
        line = t.get("key") or ""
        if t.get("value"):
            line += "=" + t["value"]
        if t.get("effect"):
            line += ":" + t["effect"]
        if t.get("operator") == "Exists" and not t.get("value"):
            line += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            line += f" for {t['tolerationSeconds']}s"
        lines.append(line)
    return lines


def tolerations_multiline(w: Writer, title: str, tolerations: list | None, initial: str = "") -> None:
    w.w(f"{initial}{title}:\t")
    lines = toleration_lines(tolerations)
    if not lines:
        w.w("<none>\n")
        return
    for i, line in enumerate(lines):
        if i:
            w.w(initial + "\t")
        w.w(line + "\n")


def taints_multiline(w: Writer, title: str, taints: list | None) -> None:
    w.w(f"{title}:\t")
    if not taints:
        w.w("<none>\n")
        return
    # printTaintsMultilineWithIndent sorts by "effect,key"
    def sort_key(t: dict) -> str:
        return f"{t.get('effect', '')},{t.get('key', '')}"

    ordered = printers.go_sort(list(taints), lambda a, b: sort_key(a) < sort_key(b))
    for i, t in enumerate(ordered):
        if i:
            w.w("\t")
        value = f"={t['value']}" if t.get("value") else ""
        w.w(f"{t.get('key', '')}{value}:{t.get('effect', '')}\n")


def _event_time(e: Obj) -> float:
    """``LastTimestamp`` as SortableEvents compares it (the zero time when unset)."""
    ts = e.get("lastTimestamp")
    return printers.parse_time(ts) if ts else float("-inf")


#: ``--show-events=false`` for the describers of one command: no Events section at all
SHOW_EVENTS: contextvars.ContextVar[bool] = contextvars.ContextVar("describe_show_events", default=True)


def describe_events(w: Writer, events: list[Obj], now: float) -> None:
    """describe.go's ``DescribeEvents``; nothing when the command was given ``--show-events=false``
    (the describers then have no event list to print)."""
    if not SHOW_EVENTS.get():
        return
    if not events:
        w.w("Events:\t<none>\n")
        return
    w.w("Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.w(L1 + "----\t------\t----\t----\t-------\n")
    # the apiserver lists them by name; kubectl sort.Sorts them by lastTimestamp (ties: Go's order)
    by_name = sorted(events, key=lambda e: e["metadata"]["name"])
    for e in printers.go_sort(by_name, lambda x, y: _event_time(x) < _event_time(y)):
        first = since(e.get("eventTime") or e.get("firstTimestamp"), now)
        count = e.get("count") or 1
        if e.get("series"):
            age = f"{since(e['series'].get('lastObservedTime'), now)} (x{e['series'].get('count')} over {first})"
        elif count > 1:
            age = f"{since(e.get('lastTimestamp'), now)} (x{count} over {first})"
        else:
            age = first
        source = (e.get("source") or {}).get("component") or e.get("reportingComponent") or ""
        w.w(f"{L1}{e.get('type', '')}\t{e.get('reason', '')}\t{age}\t{source}\t{(e.get('message') or '').strip()}\n")


class EventIndex:
    """Events by the UID of their involved object, kept current from the store's writes (as
    ``net/proxy.py`` keeps its tables), so that a describer finds an object's events in the time
    of those events, not of every event in the namespace. Built once per store by one scan; built
    again when the store changed without telling (a store loaded from disk)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.by_uid: dict[str, set[tuple[str, str]]] = {}
        self.uid_of: dict[tuple[str, str], str] = {}
        self.base_rv, self.seen = -1, 0
        store.subscribe(self._on_write)
        self.rebuild()

    def _add(self, ev: Obj) -> None:
        key = (ev["metadata"].get("namespace") or "", ev["metadata"]["name"])
        self._drop(key)
        uid = (ev.get("involvedObject") or {}).get("uid") or ""
        self.uid_of[key] = uid
        self.by_uid.setdefault(uid, set()).add(key)

    def _drop(self, key: tuple[str, str]) -> None:
        uid = self.uid_of.pop(key, None)
        if uid is not None:
            keys = self.by_uid.get(uid)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.by_uid[uid]

    def _on_write(self, event: Any) -> None:
        self.seen += 1
        if event.obj["kind"] != "Event":
            return
        if event.type == "DELETED":
            self._drop((event.obj["metadata"].get("namespace") or "", event.obj["metadata"]["name"]))
        else:
            self._add(event.obj)

    def rebuild(self) -> None:
        self.by_uid.clear()
        self.uid_of.clear()
        for ev in self.store.scan("Event"):
            self._add(ev)
        self.base_rv, self.seen = self.store.rv, 0

    def about(self, kind: str, namespace: str, name: str, uid: str) -> list[Obj]:
        """describe.go's ``searchEvents``: the events whose involvedObject has this name, kind
        and UID, from the object's namespace (from every namespace for a cluster-scoped one)."""
        if self.base_rv + self.seen != self.store.rv:
            self.rebuild()
        out = []
        for ns, ev_name in self.by_uid.get(uid, ()):
            if namespace and ns != namespace:
                continue
            ev = self.store.peek("Event", ns, ev_name)
            inv = (ev or {}).get("involvedObject") or {}
            if ev is not None and inv.get("name") == name and (inv.get("kind") or kind) == kind:
                out.append(ev)
        return out


_EVENT_INDEXES: weakref.WeakKeyDictionary[Any, EventIndex] = weakref.WeakKeyDictionary()


def events_for(cluster: Cluster, obj: Obj, uid: str | None = None) -> list[Obj]:
    """The events ``kubectl describe`` lists for ``obj`` (``uid`` instead of the object's own:
    the mirror pod case), in no particular order (``describe_events`` sorts them)."""
    meta = obj["metadata"]
    try:  # searchEvents lists the object's namespace's events; describe drops a refusal: no events
        authorized.check(cluster, "list", "Event", meta.get("namespace") or "")
    except ApiError:
        return []
    store = authorized.raw(cluster).store
    index = _EVENT_INDEXES.get(store)
    if index is None:
        index = _EVENT_INDEXES[store] = EventIndex(store)
    return index.about(obj["kind"], meta.get("namespace") or "", meta["name"], uid or meta.get("uid") or "")


def pod_events(cluster: Cluster, pod: Obj) -> list[Obj]:
    """The events describe.go's PodDescriber finds: for a mirror pod it searches by the UID in
    ``kubernetes.io/config.mirror`` (the static pod's, which the kubelet reports against)."""
    mirror = (pod["metadata"].get("annotations") or {}).get("kubernetes.io/config.mirror")
    return events_for(cluster, pod, mirror)


def controller_of(obj: Obj) -> str:
    for ref in obj["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return f"{ref['kind']}/{ref['name']}"
    return ""


def _intstr(v: Any) -> str:
    return str(v)


def describe_probe(p: dict) -> str:
    attrs = (f"delay={p.get('initialDelaySeconds', 0)}s timeout={p.get('timeoutSeconds', 1)}s "
             f"period={p.get('periodSeconds', 10)}s #success={p.get('successThreshold', 1)} "
             f"#failure={p.get('failureThreshold', 3)}")
    if p.get("exec") is not None:
        return f"exec [{' '.join(p['exec'].get('command') or [])}] {attrs}"
    if p.get("httpGet") is not None:
        h = p["httpGet"]
        scheme = (h.get("scheme") or "HTTP").lower()
        host = h.get("host") or ""
        port = h.get("port")
        host = f"[{host}]" if ":" in host else host
        hostport = f"{host}:{port}" if port not in (None, "") else host
        path = h.get("path") or ""
        if path and not path.startswith("/") and hostport:
            path = "/" + path  # url.URL.String() joins a host and a relative path with "/"
        return f"http-get {scheme}://{hostport}{path} {attrs}"
    if p.get("tcpSocket") is not None:
        t = p["tcpSocket"]
        return f"tcp-socket {t.get('host') or ''}:{t.get('port')} {attrs}"
    if p.get("grpc") is not None:
        g = p["grpc"]
        return f"grpc <pod>:{g.get('port')} {g.get('service') or ''} {attrs}"
    return f"unknown {attrs}"


def _state(w: Writer, title: str, state: dict) -> None:
    if state.get("running") is not None:
        w.w(f"{L2}{title}:\tRunning\n")
        w.w(f"{L3}Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.w(f"{L2}{title}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.w(f"{L3}Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        t = state["terminated"]
        w.w(f"{L2}{title}:\tTerminated\n")
        if t.get("reason"):
            w.w(f"{L3}Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.w(f"{L3}Message:\t{t['message']}\n")
        w.w(f"{L3}Exit Code:\t{t.get('exitCode', 0)}\n")
        if t.get("signal"):
            w.w(f"{L3}Signal:\t{t['signal']}\n")
        w.w(f"{L3}Started:\t{rfc1123z(t.get('startedAt'))}\n")
        w.w(f"{L3}Finished:\t{rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.w(f"{L2}{title}:\tWaiting\n")


def _env_field_value(pod: Obj | None, field_path: str) -> str:
    """describe.go's ``EnvValueRetriever``: kubectl's scheme converts only the meta/v1 field labels
    (``metadata.name``, ``metadata.namespace``), so every other path resolves to nothing."""
    if pod is None or field_path not in ("metadata.name", "metadata.namespace"):
        return ""
    return pod["metadata"].get(field_path.partition(".")[2]) or ""


def describe_resources(w: Writer, resources: dict | None, indent: str) -> None:
    """describe.go's ``describeResources``: limits then requests, names sorted, quantities canonical."""
    res = resources or {}
    for title in ("limits", "requests"):
        if res.get(title):
            w.w(f"{indent}{title.capitalize()}:\n")
            for name in sorted(res[title]):
                w.w(f"{indent}  {name}:\t{quantity_string(res[title][name])}\n")


def container_resource_value(container: dict, ref: dict) -> str:
    """resourcehelper.ExtractContainerResourceValue: the container's limit or request for
    ``ref["resource"]`` divided by the divisor (1 when unset or zero), rounded up; cpu in
    millicores before dividing, as ``convertResourceCPUToString`` does. "" for a resource it does
    not know."""
    kind, _, name = (ref.get("resource") or "").partition(".")
    if kind not in ("limits", "requests") or not (name in ("cpu", "memory", "ephemeral-storage")
                                                  or name.startswith("hugepages-")):
        return ""
    raw = ((container.get("resources") or {}).get(kind) or {}).get(name)
    value = parse_quantity(raw)[0] if raw is not None and parse_quantity(raw) else Decimal(0)
    parsed = parse_quantity(ref.get("divisor")) if ref.get("divisor") is not None else None
    divisor = parsed[0] if parsed and parsed[0] != 0 else Decimal(1)
    if name == "cpu":
        milli = (value * 1000).to_integral_value(ROUND_CEILING)
        return str(int((milli / (divisor * 1000).to_integral_value(ROUND_CEILING)).to_integral_value(ROUND_CEILING)))
    whole = value.to_integral_value(ROUND_CEILING)
    return str(int((whole / divisor.to_integral_value(ROUND_CEILING)).to_integral_value(ROUND_CEILING)))


def topology_spread(w: Writer, constraints: list | None, space: str) -> None:
    """describe.go's ``describeTopologySpreadConstraints`` (nothing when there are none)."""
    if not constraints:
        return
    ordered = printers.go_sort(list(constraints), lambda a, b: (a.get("topologyKey") or "") < (b.get("topologyKey") or ""))
    w.w(f"{space}Topology Spread Constraints:\t")
    for i, t in enumerate(ordered):
        if i:
            w.w(space)
            w.w("\t")
        line = f"{t.get('topologyKey', '')}:{t.get('whenUnsatisfiable', '')} when max skew {t.get('maxSkew', 0)} is exceeded"
        if t.get("labelSelector") is not None:
            line += f" for selector {printers.selector_string(t['labelSelector']) or '<none>'}"
        w.w(line + "\n")


def describe_containers(w: Writer, label: str, containers: list, statuses: list | None, space: str,
                        pod: Obj | None = None) -> None:
    by_name = {s.get("name"): s for s in statuses or []}
    if not containers:
        w.w(f"{space}{label}:\t<none>\n")
        return
    w.w(f"{space}{label}:\n")
    for c in containers:
        st = by_name.get(c.get("name"))
        w.w(f"{L1}{' ' if space else ''}{c.get('name')}:\n")
        if st is not None:
            w.w(f"{L2}Container ID:\t{st.get('containerID', '')}\n")
        w.w(f"{L2}Image:\t{c.get('image', '')}\n")
        if st is not None:
            w.w(f"{L2}Image ID:\t{st.get('imageID', '')}\n")
        ports = c.get("ports") or []
        port_s = ", ".join(f"{p.get('containerPort')}/{p.get('protocol') or 'TCP'}" for p in ports)
        host_s = ", ".join(f"{p.get('hostPort', 0)}/{p.get('protocol') or 'TCP'}" for p in ports)
        w.w(f"{L2}Ports:\t{port_s}\n" if "," in port_s else f"{L2}Port:\t{port_s or '<none>'}\n")
        w.w(f"{L2}Host Ports:\t{host_s}\n" if "," in host_s else f"{L2}Host Port:\t{host_s or '<none>'}\n")
        seccomp = (c.get("securityContext") or {}).get("seccompProfile")
        if seccomp is not None:
            w.w(f"{L2}SeccompProfile:\t{seccomp.get('type', '')}\n")
            if seccomp.get("type") == "Localhost":
                w.w(f"{L3}LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
        for title, key in (("Command", "command"), ("Args", "args")):
            if c.get(key):
                w.w(f"{L2}{title}:\n")
                for item in c[key]:
                    for s in str(item).split("\n"):
                        w.w(f"{L3}{s}\n")
        if st is not None:
            _state(w, "State", st.get("state") or {})
            if ((st.get("lastState") or {}).get("terminated")) is not None:
                _state(w, "Last State", st["lastState"])
            w.w(f"{L2}Ready:\t{'True' if st.get('ready') else 'False'}\n")
            w.w(f"{L2}Restart Count:\t{st.get('restartCount', 0)}\n")
        describe_resources(w, c.get("resources"), L2)
        for title, key in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"), ("Startup", "startupProbe")):
            if c.get(key):
                w.w(f"{L2}{title}:\t{describe_probe(c[key])}\n")
        if c.get("envFrom"):
            w.w(f"{L2}Environment Variables from:\n")
            for ef in c["envFrom"]:
                ref = ef.get("configMapRef") or ef.get("secretRef") or {}
                kind = "ConfigMap" if ef.get("configMapRef") is not None else "Secret"
                prefix = f" with prefix '{ef['prefix']}'" if ef.get("prefix") else ""
                optional = "true" if ref.get("optional") else "false"
                w.w(f"{L3}{ref.get('name', '')}\t{kind}{prefix}\tOptional: {optional}\n")
        env = c.get("env") or []
        if not env:
            w.w(f"{L2}Environment:\t<none>\n")
        else:
            w.w(f"{L2}Environment:\n")
            for e in env:
                vf = e.get("valueFrom")
                if vf is None:
                    for i, s in enumerate(str(e.get("value", "")).split("\n")):
                        w.w(f"{L3}{e['name']}:\t{s}\n" if i == 0 else f"{L3}\t{s}\n")
                elif vf.get("fieldRef"):
                    fr = vf["fieldRef"]
                    value = _env_field_value(pod, fr.get("fieldPath") or "")
                    w.w(f"{L3}{e['name']}:\t{value} ({fr.get('apiVersion', 'v1')}:{fr.get('fieldPath')})\n")
                elif vf.get("secretKeyRef"):
                    r = vf["secretKeyRef"]
                    w.w(f"{L3}{e['name']}:\t<set to the key '{r.get('key')}' in secret '{r.get('name')}'>\t"
                        f"Optional: {'true' if r.get('optional') else 'false'}\n")
                elif vf.get("configMapKeyRef"):
                    r = vf["configMapKeyRef"]
                    w.w(f"{L3}{e['name']}:\t<set to the key '{r.get('key')}' of config map '{r.get('name')}'>\t"
                        f"Optional: {'true' if r.get('optional') else 'false'}\n")
                elif vf.get("resourceFieldRef"):
                    ref = vf["resourceFieldRef"]
                    value = container_resource_value(c, ref)
                    if value == "0" and ref.get("resource") in ("limits.cpu", "limits.memory"):
                        value = "node allocatable"
                    w.w(f"{L3}{e['name']}:\t{value} ({ref.get('resource', '')})\n")
        mounts = sorted(c.get("volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.w(f"{L2}Mounts:" + ("\t<none>" if not mounts else "") + "\n")
        for m in mounts:
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.w(f"{L3}{m.get('mountPath')} from {m.get('name')} ({','.join(flags)})\n")
        devices = c.get("volumeDevices") or []
        if devices:
            # describe.go words the header with the mounts' "<none>", as here
            w.w(f"{L2}Devices:" + ("\t<none>" if not mounts else "") + "\n")
            for d in sorted(devices, key=lambda d: d.get("devicePath", "")):
                w.w(f"{L3}{d.get('devicePath', '')} from {d.get('name', '')}\n")


class NestedWriter(Writer):
    """describe.go's ``NewNestedPrefixWriter``: every write of a nested layout (an ephemeral
    volume's claim template) indented by ``levels`` more."""

    def __init__(self, parent: Writer, levels: int) -> None:
        self.parent, self.prefix = parent, "  " * levels

    def w(self, text: str) -> None:
        self.parent.w(self.prefix + text)


def _go_bool(value: Any) -> str:
    return "true" if value else "false"


def _go_ptr(value: Any) -> str:
    """``%v`` of a *bool: Go prints the pointer's address for a set one (different every run);
    here its value."""
    return "<nil>" if value is None else _go_bool(value)


BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"


def access_modes(modes: list | None) -> str:
    """storageutil.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once."""
    present = set(modes or [])
    short = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
             ("ReadWriteOncePod", "RWOP"))
    return ",".join(s for mode, s in short if mode in present)


def print_claim(w: Writer, pvc: dict, full: bool, now: float) -> None:
    """describe.go's ``printPersistentVolumeClaim``: a claim (``full``) or a claim template (an
    ephemeral volume's, without name, status and finalizers)."""
    meta, spec, st = pvc.get("metadata") or {}, pvc.get("spec") or {}, pvc.get("status") or {}
    if full:
        w.w(f"Name:\t{meta.get('name', '')}\n")
        w.w(f"Namespace:\t{meta.get('namespace', '')}\n")
    annotations = meta.get("annotations") or {}
    sc = annotations[BETA_STORAGE_CLASS] if BETA_STORAGE_CLASS in annotations else spec.get("storageClassName") or ""
    w.w(f"StorageClass:\t{sc}\n")
    if full:
        if meta.get("deletionTimestamp"):
            w.w(f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], now)})\n")
        else:
            w.w(f"Status:\t{st.get('phase', '')}\n")
    w.w(f"Volume:\t{spec.get('volumeName', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    if full:
        w.w(f"Finalizers:\t[{' '.join(meta.get('finalizers') or [])}]\n")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes(st.get("accessModes"))
        storage = (st.get("capacity") or {}).get("storage")
        capacity = quantity_string(storage) if storage is not None else "0"
    w.w(f"Capacity:\t{capacity}\n")
    w.w(f"Access Modes:\t{modes}\n")
    if spec.get("volumeMode") is not None:
        w.w(f"VolumeMode:\t{spec['volumeMode']}\n")
    if spec.get("dataSource") is not None:
        ds = spec["dataSource"]
        w.w("DataSource:\n")
        if ds.get("apiGroup") is not None:
            w.w(f"{L1}APIGroup:\t{ds['apiGroup']}\n")
        w.w(f"{L1}Kind:\t{ds.get('kind', '')}\n")
        w.w(f"{L1}Name:\t{ds.get('name', '')}\n")


def csi_attributes(w: Writer, attrs: dict | None) -> None:
    """describe.go's ``printCSIPersistentVolumeAttributesMultilineIndent``, whose every piece is
    written at LEVEL_2 (so the values carry four spaces more than their column)."""
    w.w(f"{L2}VolumeAttributes:\t")
    if not attrs:
        w.w("<none>\n")
        return
    for i, key in enumerate(sorted(attrs)):
        if i:
            w.w(L2)
            w.w(L2 + "\t")
        line = f"{key}={attrs[key]}"
        w.w(f"{L2}{_shorten(line, MAX_ANNOTATION_LEN)}\n")


def volume_source(w: Writer, v: dict) -> None:
    """A volume's source as describe.go's ``print…VolumeSource`` functions write it (a
    PersistentVolume's spec shares the field names of the hostPath and NFS ones)."""
    if v.get("hostPath") is not None:
        hp = v["hostPath"]
        w.w(f"{L2}Type:\tHostPath (bare host directory volume)\n")
        w.w(f"{L2}Path:\t{hp.get('path', '')}\n")
        w.w(f"{L2}HostPathType:\t{hp['type'] if hp.get('type') is not None else '<none>'}\n")
    elif v.get("emptyDir") is not None:
        ed = v["emptyDir"]
        limit = ed.get("sizeLimit")
        parsed = parse_quantity(limit) if limit is not None else None
        w.w(f"{L2}Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n")
        w.w(f"{L2}Medium:\t{ed.get('medium', '')}\n")
        w.w(f"{L2}SizeLimit:\t{format_quantity(*parsed) if parsed and parsed[0] > 0 else '<unset>'}\n")
    elif v.get("gitRepo") is not None:
        g = v["gitRepo"]
        w.w(f"{L2}Type:\tGitRepo (a volume that is pulled from git when the pod is created)\n")
        w.w(f"{L2}Repository:\t{g.get('repository', '')}\n")
        w.w(f"{L2}Revision:\t{g.get('revision', '')}\n")
    elif v.get("secret") is not None:
        sv = v["secret"]
        w.w(f"{L2}Type:\tSecret (a volume populated by a Secret)\n")
        w.w(f"{L2}SecretName:\t{sv.get('secretName', '')}\n")
        w.w(f"{L2}Optional:\t{_go_bool(sv.get('optional'))}\n")
    elif v.get("configMap") is not None:
        cm = v["configMap"]
        w.w(f"{L2}Type:\tConfigMap (a volume populated by a ConfigMap)\n")
        w.w(f"{L2}Name:\t{cm.get('name', '')}\n")
        w.w(f"{L2}Optional:\t{_go_bool(cm.get('optional'))}\n")
    elif v.get("nfs") is not None:
        nfs = v["nfs"]
        w.w(f"{L2}Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n")
        w.w(f"{L2}Server:\t{nfs.get('server', '')}\n")
        w.w(f"{L2}Path:\t{nfs.get('path', '')}\n")
        w.w(f"{L2}ReadOnly:\t{_go_bool(nfs.get('readOnly'))}\n")
    elif v.get("persistentVolumeClaim") is not None:
        pvc = v["persistentVolumeClaim"]
        w.w(f"{L2}Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n")
        w.w(f"{L2}ClaimName:\t{pvc.get('claimName', '')}\n")
        w.w(f"{L2}ReadOnly:\t{_go_bool(pvc.get('readOnly'))}\n")
    elif v.get("ephemeral") is not None:
        w.w(f"{L2}Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted "
            "with the pod)\n")
        if v["ephemeral"].get("volumeClaimTemplate") is not None:
            print_claim(NestedWriter(w, 2), v["ephemeral"]["volumeClaimTemplate"], False, 0.0)
    elif v.get("downwardAPI") is not None:
        w.w(f"{L2}Type:\tDownwardAPI (a volume populated by information about the pod)\n{L2}Items:\n")
        for item in v["downwardAPI"].get("items") or []:
            if item.get("fieldRef") is not None:
                w.w(f"{L3}{item['fieldRef'].get('fieldPath', '')} -> {item.get('path', '')}\n")
            if item.get("resourceFieldRef") is not None:
                w.w(f"{L3}{item['resourceFieldRef'].get('resource', '')} -> {item.get('path', '')}\n")
    elif v.get("projected") is not None:
        w.w(f"{L2}Type:\tProjected (a volume that contains injected data from multiple sources)\n")
        for src in v["projected"].get("sources") or []:
            if src.get("secret") is not None:
                w.w(f"{L2}SecretName:\t{src['secret'].get('name', '')}\n")
                w.w(f"{L2}SecretOptionalName:\t{_go_ptr(src['secret'].get('optional'))}\n")
            elif src.get("downwardAPI") is not None:
                w.w(f"{L2}DownwardAPI:\ttrue\n")
            elif src.get("configMap") is not None:
                w.w(f"{L2}ConfigMapName:\t{src['configMap'].get('name', '')}\n")
                w.w(f"{L2}ConfigMapOptional:\t{_go_ptr(src['configMap'].get('optional'))}\n")
            elif src.get("serviceAccountToken") is not None:
                w.w(f"{L2}TokenExpirationSeconds:\t{src['serviceAccountToken'].get('expirationSeconds', 3600)}\n")
    elif v.get("csi") is not None:
        csi = v["csi"]
        w.w(f"{L2}Type:\tCSI (a Container Storage Interface (CSI) volume source)\n")
        w.w(f"{L2}Driver:\t{csi.get('driver', '')}\n")
        w.w(f"{L2}FSType:\t{csi.get('fsType') or ''}\n")
        w.w(f"{L2}ReadOnly:\t{_go_bool(csi.get('readOnly'))}\n")
        csi_attributes(w, csi.get("volumeAttributes"))
    elif v.get("image") is not None:
        img = v["image"]
        w.w(f"{L2}Type:\tImage (a container image or OCI artifact)\n")
        w.w(f"{L2}Reference:\t{img.get('reference', '')}\n")
        w.w(f"{L2}PullPolicy:\t{img.get('pullPolicy', '')}\n")
    else:
        # the cloud and in-tree plugins (gcePersistentDisk, iscsi, rbd, cephfs, ...) have printers
        # of their own in describe.go; kubeplay runs none of them
        w.w(f"{L1}<unknown>\n")


def describe_volumes(w: Writer, volumes: list | None, space: str) -> None:
    """describe.go's ``describeVolumes``."""
    if not volumes:
        w.w(f"{space}Volumes:\t<none>\n")
        return
    w.w(f"{space}Volumes:\n")
    for v in volumes:
        w.w(f"{L1}{' ' if space else ''}{v.get('name')}:\n")
        volume_source(w, v)


def describe_pod_template(w: Writer, template: dict | None) -> None:
    w.w("Pod Template:\n")
    if template is None:
        w.w(L1 + "<unset>")
        return
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    labels_multiline(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        annotations_multiline(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.w(f"{L1}Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], None, "  ")
    describe_containers(w, "Containers", spec.get("containers") or [], None, "  ")
    describe_volumes(w, spec.get("volumes"), "  ")
    topology_spread(w, spec.get("topologySpreadConstraints"), "  ")
    if spec.get("priorityClassName"):
        w.w(f"{L1}Priority Class Name:\t{spec['priorityClassName']}\n")
    labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "Tolerations", spec.get("tolerations"), initial="  ")


def _conditions_table(w: Writer, conditions: list | None) -> None:
    if conditions:
        w.w("Conditions:\n  Type\tStatus\tReason\n")
        w.w(L1 + "----\t------\t------\n")
        for c in conditions:
            w.w(f"{L1}{c.get('type')} \t{c.get('status')}\t{c.get('reason', '')}\n")


# -- describers ------------------------------------------------------------------------------

def describe_pod(cluster: Cluster, pod: Obj, now: float) -> str:
    w = Writer()
    meta, spec, st = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.w(f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.w(f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.w(f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.w(f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("nodeName"):
        w.w(f"Node:\t{spec['nodeName']}/{st.get('hostIP', '')}\n")
    else:
        w.w("Node:\t<none>\n")
    if st.get("startTime"):
        w.w(f"Start Time:\t{rfc1123z(st['startTime'])}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    phase = st.get("phase", "")
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        until = (printers.parse_time(meta["deletionTimestamp"]) or now) - now
        w.w(f"Status:\tTerminating (lasts {printers.human_duration(until)})\n")
        w.w(f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w.w(f"Status:\t{phase}\n")
    if st.get("reason"):
        w.w(f"Reason:\t{st['reason']}\n")
    if st.get("message"):
        w.w(f"Message:\t{st['message']}\n")
    seccomp = (spec.get("securityContext") or {}).get("seccompProfile")
    if seccomp is not None:
        w.w(f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.w(f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
    w.w(f"IP:\t{st.get('podIP', '')}\n")
    ips = st.get("podIPs") or []
    if not ips:
        w.w("IPs:\t<none>\n")
    else:
        w.w("IPs:\n")
        for ip in ips:
            w.w(f"{L1}IP:\t{ip.get('ip', '')}\n")
    if controller_of(pod):
        w.w(f"Controlled By:\t{controller_of(pod)}\n")
    if st.get("nominatedNodeName"):
        w.w(f"NominatedNodeName:\t{st['nominatedNodeName']}\n")
    if spec.get("resources") is not None:
        w.w("Resources:\n")
        describe_resources(w, spec["resources"], L1)
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], st.get("initContainerStatuses"), "", pod)
    describe_containers(w, "Containers", spec.get("containers") or [], st.get("containerStatuses"), "", pod)
    if spec.get("ephemeralContainers"):
        describe_containers(w, "Ephemeral Containers", spec["ephemeralContainers"],
                            st.get("ephemeralContainerStatuses"), "", pod)
    if spec.get("readinessGates"):
        conds = {c.get("type"): c.get("status") for c in st.get("conditions") or []}
        w.w("Readiness Gates:\n  Type\tStatus\n")
        for g in spec["readinessGates"]:
            w.w(f"{L1}{g.get('conditionType')} \t{conds.get(g.get('conditionType'), '<none>')} \n")
    if st.get("conditions"):
        w.w("Conditions:\n  Type\tStatus\n")
        for c in st["conditions"]:
            w.w(f"{L1}{c.get('type')} \t{c.get('status')} \n")
    describe_volumes(w, spec.get("volumes"), "")
    w.w(f"QoS Class:\t{st.get('qosClass', '')}\n")
    labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    topology_spread(w, spec.get("topologySpreadConstraints"), "")
    describe_events(w, pod_events(cluster, pod), now)
    for note in missing_image_notes(cluster, pod):
        w.w(note + "\n")
    return w.text()


def missing_image_notes(cluster: Cluster, pod: Obj) -> list[str]:
    """kubeplay's own line (never the real kubectl's) under a pod whose image does not pull
    because the simulated registry does not have it: the events stay the real ErrImagePull ones."""
    st = pod.get("status") or {}
    spec = pod.get("spec") or {}
    images = {c.get("name"): c.get("image") or "" for key in ("initContainers", "containers")
              for c in spec.get(key) or []}
    notes: list[str] = []
    for cs in (st.get("initContainerStatuses") or []) + (st.get("containerStatuses") or []):
        reason = ((cs.get("state") or {}).get("waiting") or {}).get("reason")
        ref = images.get(cs.get("name"), "")
        if reason in ("ErrImagePull", "ImagePullBackOff") and ref and not cluster.registry.knows(ref):
            note = cluster.registry.missing_note(ref)
            if note not in notes:
                notes.append(note)
    return notes


def _replica_sets_text(rss: list[Obj]) -> str:
    if not rss:
        return "<none>"
    return ", ".join(f"{rs['metadata']['name']} ({(rs.get('status') or {}).get('replicas', 0)}/"
                     f"{(rs.get('spec') or {}).get('replicas', 1)} replicas created)" for rs in rss)


def describe_deployment(cluster: Cluster, d: Obj, now: float) -> str:
    w = Writer()
    meta, spec, st = d["metadata"], d.get("spec") or {}, d.get("status") or {}
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace', '')}\n")
    w.w(f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(f"Selector:\t{printers.selector_string(spec.get('selector'))}\n")
    w.w(f"Replicas:\t{spec.get('replicas', 1)} desired | {st.get('updatedReplicas', 0)} updated | "
        f"{st.get('replicas', 0)} total | {st.get('availableReplicas', 0)} available | "
        f"{st.get('unavailableReplicas', 0)} unavailable\n")
    strategy = spec.get("strategy") or {}
    w.w(f"StrategyType:\t{strategy.get('type', '')}\n")
    w.w(f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    if strategy.get("rollingUpdate") is not None:
        ru = strategy["rollingUpdate"]
        w.w(f"RollingUpdateStrategy:\t{_intstr(ru.get('maxUnavailable'))} max unavailable, "
            f"{_intstr(ru.get('maxSurge'))} max surge\n")
    describe_pod_template(w, spec.get("template"))
    _conditions_table(w, st.get("conditions"))
    # deploymentutil.GetAllReplicaSetsInChunks: the replica sets it controls, in creation order
    # (FindNewReplicaSet sorts the list in place), the new one apart; describe shows every old
    # one, scaled-down ones too: "(0/0 replicas created)"
    owned = deployment_util.sort_by_creation(cluster.store.scan(
        "ReplicaSet", meta.get("namespace", ""), owner_uid=meta.get("uid"),
        where=lambda r: (controller_ref(r) or {}).get("uid") == meta.get("uid")))
    new_rs = deployment_util.find_new_rs(d, owned)
    old = deployment_util.find_old_rss(d, owned)[1]
    if old or new_rs is not None:
        w.w(f"OldReplicaSets:\t{_replica_sets_text(old)}\n")
        w.w(f"NewReplicaSet:\t{_replica_sets_text([new_rs] if new_rs else [])}\n")
    describe_events(w, events_for(cluster, d), now)
    return w.text()


def _selector_header(w: Writer, obj: Obj) -> None:
    """Name, Namespace, Selector, Labels, Annotations and Controlled By, as the ReplicaSet and Job
    describers open."""
    meta = obj["metadata"]
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace', '')}\n")
    w.w(f"Selector:\t{printers.selector_string((obj.get('spec') or {}).get('selector'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    if controller_of(obj):
        w.w(f"Controlled By:\t{controller_of(obj)}\n")


def describe_replicaset(cluster: Cluster, rs: Obj, now: float) -> str:
    w = Writer()
    meta, spec, st = rs["metadata"], rs.get("spec") or {}, rs.get("status") or {}
    _selector_header(w, rs)
    w.w(f"Replicas:\t{st.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n")
    pods = cluster.store.scan("Pod", meta.get("namespace", ""), owner_uid=meta.get("uid"))
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for p in pods:
        phase = (p.get("status") or {}).get("phase", "")
        if phase in counts:
            counts[phase] += 1
    w.w(f"Pods Status:\t{counts['Running']} Running / {counts['Pending']} Waiting / "
        f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed\n")
    describe_pod_template(w, spec.get("template"))
    _conditions_table(w, st.get("conditions"))
    describe_events(w, events_for(cluster, rs), now)
    return w.text()


def describe_service(cluster: Cluster, svc: Obj, now: float) -> str:
    w = Writer()
    meta, spec = svc["metadata"], svc.get("spec") or {}
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(f"Selector:\t{printers.format_labels(spec.get('selector'))}\n")
    w.w(f"Type:\t{spec.get('type', 'ClusterIP')}\n")
    if spec.get("ipFamilyPolicy"):
        w.w(f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.w(f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.w(f"IP:\t{spec.get('clusterIP', '')}\n")
    w.w(f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.w(f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.w(f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.w(f"External Name:\t{spec['externalName']}\n")
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        # buildIngressString: the IP with its mode, else the hostname
        w.w("LoadBalancer Ingress:\t" + ", ".join(
            (i["ip"] + (f" ({i['ipMode']})" if i.get("ipMode") is not None else "")) if i.get("ip")
            else i.get("hostname") or "" for i in ingress) + "\n")
    slices = resolve.list_objects(cluster, resolve.resource_type("endpointslices"), meta.get("namespace", ""),
                                  f"kubernetes.io/service-name={meta['name']}")
    for p in spec.get("ports") or []:
        name = p.get("name") or "<unset>"
        proto = p.get("protocol") or "TCP"
        w.w(f"Port:\t{name}\t{p.get('port')}/{proto}\n")
        w.w(f"TargetPort:\t{p.get('targetPort', p.get('port'))}/{proto}\n")
        if p.get("nodePort"):
            w.w(f"NodePort:\t{name}\t{p['nodePort']}/{proto}\n")
        w.w(f"Endpoints:\t{format_endpoint_slices(slices, p.get('name') or '')}\n")
    w.w(f"Session Affinity:\t{spec.get('sessionAffinity', 'None')}\n")
    if spec.get("externalTrafficPolicy"):
        w.w(f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.w(f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.w(f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.w(f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    describe_events(w, events_for(cluster, svc), now)
    return w.text()


def format_endpoint_slices(slices: list[Obj], port_name: str | None) -> str:
    """describe.go's ``formatEndpointSlices``: the ready addresses (``ip:port`` for the port of that
    name; every port when ``port_name`` is None), three at most then `` + N more...``. As there,
    the "more" test runs before the readiness test, so a fourth endpoint that is not ready still
    adds `` + 0 more...``."""
    if not slices:
        return "<none>"
    shown: list[str] = []
    more, count = False, 0
    for eps in slices:
        ports = eps.get("ports") or []
        groups = [(None, eps)] if not ports else [(p, eps) for p in ports
                                                   if port_name is None or (p.get("name") or "") == port_name]
        for port, _ in groups:
            for ep in eps.get("endpoints") or []:
                if len(shown) == 3:
                    more = True
                ready = (ep.get("conditions") or {}).get("ready")
                if ready is False:
                    continue
                if not more:
                    addr = (ep.get("addresses") or [""])[0]
                    if port is None:
                        shown.append(addr)
                    else:
                        host = f"[{addr}]" if ":" in addr else addr
                        shown.append(f"{host}:{port.get('port')}")
                count += 1
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if more else text


Quantity = tuple[Decimal, str]  # a value and its format, as resource.Quantity keeps them
ZERO: Quantity = (Decimal(0), "decimal")


def _q(value: Any) -> Quantity:
    return parse_quantity(value) or ZERO


def _add(into: dict[str, Quantity], more: dict[str, Quantity]) -> None:
    """resourcehelper's ``addResourceList``: a sum keeps the format of its first term."""
    for name, (value, fmt) in more.items():
        into[name] = (into[name][0] + value, into[name][1]) if name in into else (value, fmt)


def _max(into: dict[str, Quantity], more: dict[str, Quantity]) -> None:
    for name, q in more.items():
        if name not in into or q[0] > into[name][0]:
            into[name] = q


def pod_requests_and_limits(pod: Obj) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """kubectl's ``resourcehelper.PodRequestsAndLimits``: the containers' sum, restartable init
    containers (sidecars) added and carried into the later init containers, the largest init
    container if larger, plus the pod's overhead (on limits only where a limit is set)."""
    spec = pod.get("spec") or {}
    out = []
    for kind in ("requests", "limits"):
        total: dict[str, Quantity] = {}
        for c in spec.get("containers") or []:
            _add(total, {r: _q(v) for r, v in ((c.get("resources") or {}).get(kind) or {}).items()})
        sidecars: dict[str, Quantity] = {}
        inits: dict[str, Quantity] = {}
        for c in spec.get("initContainers") or []:
            own = {r: _q(v) for r, v in ((c.get("resources") or {}).get(kind) or {}).items()}
            if c.get("restartPolicy") == "Always":
                _add(total, own)
                _add(sidecars, own)
                _max(inits, sidecars)
            else:
                tmp: dict[str, Quantity] = {}
                _add(tmp, own)
                _add(tmp, sidecars)
                _max(inits, tmp)
        _max(total, inits)
        overhead = {r: _q(v) for r, v in (spec.get("overhead") or {}).items()}
        if kind == "requests":
            _add(total, overhead)
        else:
            for r, q in overhead.items():
                if r in total and total[r][0] != 0:
                    total[r] = (total[r][0] + q[0], total[r][1])
        out.append(total)
    return out[0], out[1]


def _qtext(q: Quantity | None) -> str:
    return format_quantity(*q) if q is not None else "0"


def _milli(q: Quantity | None) -> Decimal:
    return (q[0] * 1000).to_integral_value(ROUND_CEILING) if q is not None else Decimal(0)


def _whole(q: Quantity | None) -> Decimal:
    return q[0].to_integral_value(ROUND_CEILING) if q is not None else Decimal(0)


def _percent(part: Decimal, total: Decimal) -> int:
    """``int64(float64(part) / float64(total) * 100)`` (zero for a zero total)."""
    return int(float(part) / float(total) * 100) if total else 0


STANDARD_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage", "pods"})


def describe_node_resource(w: Writer, node: Obj, pods: list[Obj], now: float) -> None:
    """describe.go's ``describeNodeResource``: each non-terminated pod's requests and limits as
    parts of the node's allocatable, then their totals, hugepages and extended resources."""
    st = node.get("status") or {}
    alloc = {r: _q(v) for r, v in (st.get("allocatable") or st.get("capacity") or {}).items()}
    cpu, mem = _milli(alloc.get("cpu")), _whole(alloc.get("memory"))
    w.w(f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.w(L1 + "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.w(L1 + "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for p in pods:
        rq, lm = pod_requests_and_limits(p)
        _add(reqs, rq)
        _add(limits, lm)
        cells = [f"{_qtext(rq.get('cpu'))} ({_percent(_milli(rq.get('cpu')), cpu)}%)",
                 f"{_qtext(lm.get('cpu'))} ({_percent(_milli(lm.get('cpu')), cpu)}%)",
                 f"{_qtext(rq.get('memory'))} ({_percent(_whole(rq.get('memory')), mem)}%)",
                 f"{_qtext(lm.get('memory'))} ({_percent(_whole(lm.get('memory')), mem)}%)"]
        w.w(f"{L1}{p['metadata'].get('namespace', '')}\t{p['metadata']['name']}\t\t" + "\t".join(cells)
            + f"\t{since(p['metadata'].get('creationTimestamp'), now)}\n")
    w.w("Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.w(L1 + "Resource\tRequests\tLimits\n")
    w.w(L1 + "--------\t--------\t------\n")
    eph = _whole(alloc.get("ephemeral-storage"))
    for name, total, measure in (("cpu", cpu, _milli), ("memory", mem, _whole), ("ephemeral-storage", eph, _whole)):
        w.w(f"{L1}{name}\t{_qtext(reqs.get(name))} ({_percent(measure(reqs.get(name)), total)}%)\t"
            f"{_qtext(limits.get(name))} ({_percent(measure(limits.get(name)), total)}%)\n")
    for name in sorted(r for r in alloc if r.startswith("hugepages-")):
        size = _whole(alloc[name])
        w.w(f"{L1}{name}\t{_qtext(reqs.get(name))} ({_percent(_whole(reqs.get(name)), size)}%)\t"
            f"{_qtext(limits.get(name))} ({_percent(_whole(limits.get(name)), size)}%)\n")
    # extended resources: neither standard container resources (cpu, memory, ephemeral-storage,
    # hugepages) nor pods
    for name in sorted(r for r in alloc if not r.startswith("hugepages-") and r not in STANDARD_RESOURCES):
        w.w(f"{L1}{name}\t{_qtext(reqs.get(name))}\t{_qtext(limits.get(name))}\n")


def describe_node(cluster: Cluster, node: Obj, now: float) -> str:
    w = Writer()
    meta, spec, st = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Roles:\t{printers.node_roles(node)}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    taints_multiline(w, "Taints", spec.get("taints"))
    w.w(f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    lease = cluster.store.peek("Lease", "kube-node-lease", meta["name"])
    if lease is None:
        w.w(f'Lease:\tFailed to get lease: leases.coordination.k8s.io "{meta["name"]}" not found\n')
    else:
        lspec = lease.get("spec") or {}
        w.w("Lease:\n")
        w.w(f"{L1}HolderIdentity:\t{lspec['holderIdentity'] if lspec.get('holderIdentity') is not None else '<unset>'}\n")
        w.w(f"{L1}AcquireTime:\t{rfc1123z(lspec['acquireTime']) if lspec.get('acquireTime') else '<unset>'}\n")
        w.w(f"{L1}RenewTime:\t{rfc1123z(lspec['renewTime']) if lspec.get('renewTime') else '<unset>'}\n")
    conds = st.get("conditions") or []
    if conds:
        w.w("Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.w(L1 + "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conds:
            w.w(f"{L1}{c.get('type')} \t{c.get('status')} \t{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n")
    w.w("Addresses:\n")
    for a in st.get("addresses") or []:
        w.w(f"{L1}{a.get('type')}:\t{a.get('address')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        if st.get(key):
            w.w(f"{title}:\n")
            for r in sorted(st[key]):
                w.w(f"  {r}:\t{quantity_string(st[key][r])}\n")
    info = st.get("nodeInfo") or {}
    w.w("System Info:\n")
    for title, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                       ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                       ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion")):
        w.w(f"  {title}:\t{info.get(key, '')}\n")
    w.w(f"  Kube-Proxy Version:\t{info.get('kubeProxyVersion', '')}\n")
    if spec.get("podCIDR"):
        w.w(f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.w(f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.w(f"ProviderID:\t{spec['providerID']}\n")
    pods = cluster.store.scan("Pod", node=meta["name"],
                              where=lambda p: (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed"))
    describe_node_resource(w, node, pods, now)
    describe_events(w, events_for(cluster, node), now)
    return w.text()


def _pod_counts(cluster: Cluster, obj: Obj) -> str:
    """describe.go's ``getPodStatusForController``: the pods the selector matches that ``obj``
    controls, by phase."""
    meta = obj["metadata"]
    selector = printers.selector_string((obj.get("spec") or {}).get("selector"))
    pods = resolve.list_objects(cluster, resolve.resource_type("pods"), meta.get("namespace", ""),
                                selector if selector != "<none>" else None)
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for p in pods:
        owner = next((r for r in p["metadata"].get("ownerReferences") or [] if r.get("controller")), None)
        phase = (p.get("status") or {}).get("phase", "")
        if owner is not None and owner.get("uid") == meta.get("uid") and phase in counts:
            counts[phase] += 1
    return (f"{counts['Running']} Running / {counts['Pending']} Waiting / {counts['Succeeded']} Succeeded / "
            f"{counts['Failed']} Failed")


def describe_statefulset(cluster: Cluster, sts: Obj, now: float) -> str:
    w = Writer()
    meta, spec, st = sts["metadata"], sts.get("spec") or {}, sts.get("status") or {}
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace', '')}\n")
    w.w(f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    w.w(f"Selector:\t{printers.selector_string(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(f"Replicas:\t{spec.get('replicas', 1)} desired | {st.get('replicas', 0)} total\n")
    strategy = spec.get("updateStrategy") or {}
    w.w(f"Update Strategy:\t{strategy.get('type', '')}\n")
    ru = strategy.get("rollingUpdate")
    if ru is not None and ru.get("partition") is not None:
        w.w(f"{L1}Partition:\t{ru['partition']}\n")
        if ru.get("maxUnavailable") is not None:
            w.w(f"{L1}MaxUnavailable:\t{_intstr(ru['maxUnavailable'])}\n")
    w.w(f"Pods Status:\t{_pod_counts(cluster, sts)}\n")
    describe_pod_template(w, spec.get("template"))
    claims = spec.get("volumeClaimTemplates") or []
    if not claims:
        w.w("Volume Claims:\t<none>\n")
    else:
        w.w("Volume Claims:\n")
        for pvc in claims:
            pmeta, pspec = pvc.get("metadata") or {}, pvc.get("spec") or {}
            w.w(f"{L1}Name:\t{pmeta.get('name', '')}\n")
            annotations = pmeta.get("annotations") or {}
            sc = annotations[BETA_STORAGE_CLASS] if BETA_STORAGE_CLASS in annotations else pspec.get("storageClassName") or ""
            w.w(f"{L1}StorageClass:\t{sc}\n")
            labels_multiline(w, "Labels", pmeta.get("labels"), initial=L1)
            # describeVolumeClaimTemplates prints the annotations as labels are printed (k=v, all)
            labels_multiline(w, "Annotations", pmeta.get("annotations"), initial=L1)
            storage = ((pspec.get("resources") or {}).get("requests") or {}).get("storage")
            w.w(f"{L1}Capacity:\t{quantity_string(storage) if storage is not None else '<default>'}\n")
            w.w(f"{L1}Access Modes:\t[{' '.join(pspec.get('accessModes') or [])}]\n")
    describe_events(w, events_for(cluster, sts), now)
    return w.text()


def describe_daemonset(cluster: Cluster, ds: Obj, now: float) -> str:
    w = Writer()
    meta, spec, st = ds["metadata"], ds.get("spec") or {}, ds.get("status") or {}
    node_selector = ((spec.get("template") or {}).get("spec") or {}).get("nodeSelector") or {}
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Selector:\t{printers.selector_string(spec.get('selector'))}\n")
    w.w(f"Node-Selector:\t{printers.format_labels(node_selector)}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(f"Desired Number of Nodes Scheduled: {st.get('desiredNumberScheduled', 0)}\n")
    w.w(f"Current Number of Nodes Scheduled: {st.get('currentNumberScheduled', 0)}\n")
    w.w(f"Number of Nodes Scheduled with Up-to-date Pods: {st.get('updatedNumberScheduled', 0)}\n")
    w.w(f"Number of Nodes Scheduled with Available Pods: {st.get('numberAvailable', 0)}\n")
    w.w(f"Number of Nodes Misscheduled: {st.get('numberMisscheduled', 0)}\n")
    w.w(f"Pods Status:\t{_pod_counts(cluster, ds)}\n")
    describe_pod_template(w, spec.get("template"))
    describe_events(w, events_for(cluster, ds), now)
    return w.text()


def describe_job(cluster: Cluster, job: Obj, now: float) -> str:
    w = Writer()
    spec, st = job.get("spec") or {}, job.get("status") or {}
    _selector_header(w, job)
    if spec.get("parallelism") is not None:
        w.w(f"Parallelism:\t{spec['parallelism']}\n")
    w.w(f"Completions:\t{spec['completions'] if spec.get('completions') is not None else '<unset>'}\n")
    if spec.get("completionMode") is not None:
        w.w(f"Completion Mode:\t{spec['completionMode']}\n")
    if spec.get("suspend") is not None:
        w.w(f"Suspend:\t{'true' if spec['suspend'] else 'false'}\n")
    if spec.get("backoffLimit") is not None:
        w.w(f"Backoff Limit:\t{spec['backoffLimit']}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.w(f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
    if st.get("startTime"):
        w.w(f"Start Time:\t{rfc1123z(st['startTime'])}\n")
    if st.get("completionTime"):
        w.w(f"Completed At:\t{rfc1123z(st['completionTime'])}\n")
    if st.get("startTime") and st.get("completionTime"):
        took = printers.parse_time(st["completionTime"]) - printers.parse_time(st["startTime"])
        w.w(f"Duration:\t{printers.human_duration(took)}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.w(f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    active, succeeded, failed = st.get("active", 0), st.get("succeeded", 0), st.get("failed", 0)
    if st.get("ready") is None:
        w.w(f"Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n")
    else:
        w.w(f"Pods Statuses:\t{active} Active ({st['ready']} Ready) / {succeeded} Succeeded / {failed} Failed\n")
    if spec.get("completionMode") == "Indexed":
        indexes = st.get("completedIndexes") or ""
        cut = indexes.find(",", 50) if len(indexes) > 50 else -1
        w.w(f"Completed Indexes:\t{(indexes[:cut + 1] + '...') if cut >= 0 else (indexes or '<none>')}\n")
    describe_pod_template(w, spec.get("template"))
    describe_events(w, events_for(cluster, job), now)
    return w.text()


def describe_cronjob(cluster: Cluster, cj: Obj, now: float) -> str:
    w = Writer()
    meta, spec, st = cj["metadata"], cj.get("spec") or {}, cj.get("status") or {}

    def unset(key: str, suffix: str = "", where: dict = spec) -> str:
        return f"{where[key]}{suffix}" if where.get(key) is not None else "<unset>"

    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(f"Schedule:\t{spec.get('schedule', '')}\n")
    w.w(f"Concurrency Policy:\t{spec.get('concurrencyPolicy', '')}\n")
    suspend = spec.get("suspend")
    w.w(f"Suspend:\t{'<unset>' if suspend is None else 'True' if suspend else 'False'}\n")
    w.w(f"Successful Job History Limit:\t{unset('successfulJobsHistoryLimit')}\n")
    w.w(f"Failed Job History Limit:\t{unset('failedJobsHistoryLimit')}\n")
    w.w(f"Starting Deadline Seconds:\t{unset('startingDeadlineSeconds', 's')}\n")
    jspec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    w.w(f"Selector:\t{printers.selector_string(jspec['selector']) if jspec.get('selector') else '<unset>'}\n")
    w.w(f"Parallelism:\t{unset('parallelism', where=jspec)}\n")
    w.w(f"Completions:\t{unset('completions', where=jspec)}\n")
    if jspec.get("activeDeadlineSeconds") is not None:
        w.w(f"Active Deadline Seconds:\t{jspec['activeDeadlineSeconds']}s\n")
    describe_pod_template(w, jspec.get("template"))
    last = st.get("lastScheduleTime")
    w.w(f"Last Schedule Time:\t{rfc1123z(last) if last else '<unset>'}\n")
    w.w(f"Active Jobs:\t{', '.join(j.get('name', '') for j in st.get('active') or []) or '<none>'}\n")
    describe_events(w, events_for(cluster, cj), now)
    return w.text()


def describe_secret(cluster: Cluster, secret: Obj, now: float) -> str:
    """No events; data keys in the stored order (kubectl v1.32 ranges over a Go map: any order)."""
    w = Writer()
    meta = secret["metadata"]
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(f"\nType:\t{secret.get('type', '')}\n")
    w.w("\nData\n====\n")
    for key, value in (secret.get("data") or {}).items():
        raw = base64.b64decode(value or "")
        if key == "token" and secret.get("type") == "kubernetes.io/service-account-token":
            w.w(f"{key}:\t{raw.decode(errors='replace')}\n")
        else:
            w.w(f"{key}:\t{len(raw)} bytes\n")
    return w.text()


def describe_configmap(cluster: Cluster, cm: Obj, now: float) -> str:
    """Data keys in the stored order (kubectl v1.32 ranges over a Go map: any order)."""
    w = Writer()
    meta = cm["metadata"]
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w("\nData\n====\n")
    for key, value in (cm.get("data") or {}).items():
        w.w(f"{key}:\n----\n{value}\n\n")
    w.w("\nBinaryData\n====\n")
    for key, value in (cm.get("binaryData") or {}).items():
        w.w(f"{key}: {len(base64.b64decode(value or ''))} bytes\n")
    w.w("\n")
    describe_events(w, events_for(cluster, cm), now)
    return w.text()


def while_unchanged(cluster: Cluster, key: tuple, build: Callable[[], Any]) -> Any:
    """``build()``, computed once for as long as the store has not changed (one command that
    describes many objects of a namespace reads the namespace once, not once per object)."""
    memo = _MEMOS.get(cluster.store)
    if memo is None or memo[0] != cluster.store.rv:
        memo = _MEMOS[cluster.store] = (cluster.store.rv, {})
    if key not in memo[1]:
        memo[1][key] = build()
    return memo[1][key]


_MEMOS: weakref.WeakKeyDictionary[Any, tuple[int, dict]] = weakref.WeakKeyDictionary()


def namespace_secrets(cluster: Cluster, ns: str) -> tuple[set[str], dict[tuple[str, str], list[str]]]:
    """The ServiceAccount describer's secret list: every secret name of the namespace, and the
    service-account-token secrets by the (name, uid) of the account their annotations name."""
    def build() -> tuple[set[str], dict[tuple[str, str], list[str]]]:
        names: set[str] = set()
        tokens: dict[tuple[str, str], list[str]] = {}
        for secret in cluster.store.scan("Secret", ns):
            names.add(secret["metadata"]["name"])
            if secret.get("type") == "kubernetes.io/service-account-token":
                ann = secret["metadata"].get("annotations") or {}
                key = (ann.get("kubernetes.io/service-account.name") or "", ann.get("kubernetes.io/service-account.uid") or "")
                tokens.setdefault(key, []).append(secret["metadata"]["name"])
        return names, tokens
    return while_unchanged(cluster, ("secrets", ns), build)


def describe_serviceaccount(cluster: Cluster, sa: Obj, now: float) -> str:
    w = Writer()
    meta = sa["metadata"]
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    existing, by_account = namespace_secrets(cluster, meta.get("namespace", ""))
    tokens = by_account.get((meta["name"], meta.get("uid") or ""), [])
    sections = (("Image pull secrets:", [s.get("name", "") for s in sa.get("imagePullSecrets") or []]),
                ("Mountable secrets: ", [s.get("name", "") for s in sa.get("secrets") or []]),
                ("Tokens:            ", tokens))
    for header, names in sections:
        if not names:
            w.w(f"{header}\t<none>\n")
        for i, name in enumerate(names):
            missing = " (not found)" if name not in existing and header != sections[2][0] else ""
            w.w(f"{header if i == 0 else ' ' * 19}\t{name}{missing}\n")
    describe_events(w, events_for(cluster, sa), now)
    return w.text()


def describe_endpoints(cluster: Cluster, ep: Obj, now: float) -> str:
    w = Writer()
    meta = ep["metadata"]
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w("Subsets:\n")
    for subset in ep.get("subsets") or []:
        ready = ",".join(a.get("ip", "") for a in subset.get("addresses") or []) or "<none>"
        not_ready = ",".join(a.get("ip", "") for a in subset.get("notReadyAddresses") or []) or "<none>"
        w.w(f"{L1}Addresses:\t{ready}\n")
        w.w(f"{L1}NotReadyAddresses:\t{not_ready}\n")
        if subset.get("ports"):
            w.w(f"{L1}Ports:\n{L2}Name\tPort\tProtocol\n{L2}----\t----\t--------\n")
            for port in subset["ports"]:
                w.w(f"{L2}{port.get('name') or '<unset>'}\t{port.get('port')}\t{port.get('protocol', '')}\n")
        w.w("\n")
    describe_events(w, events_for(cluster, ep), now)
    return w.text()


def describe_endpointslice(cluster: Cluster, eps: Obj, now: float) -> str:
    w = Writer()
    meta = eps["metadata"]
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.w(f"AddressType:\t{eps.get('addressType', '')}\n")
    ports = eps.get("ports") or []
    if not ports:
        w.w("Ports: <unset>\n")
    else:
        w.w(f"Ports:\n{L1}Name\tPort\tProtocol\n{L1}----\t----\t--------\n")
        for port in ports:
            number = port.get("port")
            w.w(f"{L1}{port.get('name') or '<unset>'}\t{'<unset>' if number is None else number}\t"
                f"{port.get('protocol', '')}\n")
    endpoints = eps.get("endpoints") or []
    if not endpoints:
        w.w("Endpoints: <none>\n")
    else:
        w.w("Endpoints:\n")
        for ep in endpoints:
            w.w(f"{L1}- Addresses:\t{', '.join(ep.get('addresses') or []) or '<none>'}\n")
            ready = (ep.get("conditions") or {}).get("ready")
            w.w(f"{L2}Conditions:\n{L3}Ready:\t{'<unset>' if ready is None else 'true' if ready else 'false'}\n")
            w.w(f"{L2}Hostname:\t{ep['hostname'] if ep.get('hostname') is not None else '<unset>'}\n")
            if ep.get("targetRef") is not None:
                w.w(f"{L2}TargetRef:\t{ep['targetRef'].get('kind', '')}/{ep['targetRef'].get('name', '')}\n")
            w.w(f"{L2}NodeName:\t{ep['nodeName'] if ep.get('nodeName') is not None else '<unset>'}\n")
            w.w(f"{L2}Zone:\t{ep['zone'] if ep.get('zone') is not None else '<unset>'}\n")
    describe_events(w, events_for(cluster, eps), now)
    return w.text()


def _camelcase_split(word: str) -> list[str]:
    """github.com/fatih/camelcase ``Split``: runs of lower, upper, digit and other characters, an
    upper run's last letter moved onto a lower run that follows it ("PDFLoader" → PDF, Loader)."""
    def cls(ch: str) -> int:
        return 1 if ch.islower() else 2 if ch.isupper() else 3 if ch.isdigit() else 4

    runs: list[list[str]] = []
    last = 0
    for ch in word:
        c = cls(ch)
        if runs and c == last:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = c
    for i in range(len(runs) - 1):
        if runs[i] and runs[i][0].isupper() and runs[i + 1] and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(r) for r in runs if r]


def smart_label(field: str) -> str:
    """describe.go's ``smartLabelFor``: "creationTimestamp" → "Creation Timestamp", "apiVersion"
    → "API Version"; a field with anything but letters and "-" is left as it is."""
    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    parts = []
    for part in _camelcase_split(field):
        if part == "_":
            continue
        parts.append(part.upper() if part.upper() in ("API", "URL", "UID", "OSB", "GUID") else part[:1].upper() + part[1:])
    return " ".join(parts)


def _go_value(value: Any) -> str:
    """``fmt.Sprintf("%v")`` of an unstructured scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    return str(value)


def print_unstructured(w: Writer, level: int, content: dict, prefix: str, skip: tuple[str, ...]) -> None:
    """describe.go's ``printUnstructuredContent``: fields sorted, maps and lists as nested blocks."""
    for field in sorted(content):
        value, path = content[field], f"{prefix}.{field}"
        if path in skip:
            continue
        indent = "  " * level
        if isinstance(value, dict):
            w.w(f"{indent}{smart_label(field)}:\n")
            print_unstructured(w, level + 1, value, path, skip)
        elif isinstance(value, list):
            w.w(f"{indent}{smart_label(field)}:\n")
            for child in value:
                if isinstance(child, dict):
                    print_unstructured(w, level + 1, child, path, skip)
                else:
                    w.w(f"{indent}  {_go_value(child)}\n")
        else:
            w.w(f"{indent}{smart_label(field)}:\t{_go_value(value)}\n")


GENERIC_SKIP = (".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels",
                ".metadata.annotations")


def describe_generic(cluster: Cluster, obj: Obj, now: float) -> str:
    """describe.go's ``genericDescriber``, for kinds without a describer of their own."""
    w = Writer()
    meta = obj["metadata"]
    w.w(f"Name:\t{meta['name']}\n")
    w.w(f"Namespace:\t{meta.get('namespace') or ''}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    print_unstructured(w, 0, obj, "", GENERIC_SKIP)
    describe_events(w, events_for(cluster, obj), now)
    return w.text()


DESCRIBERS.update({
    "Pod": describe_pod,
    "Deployment": describe_deployment,
    "ReplicaSet": describe_replicaset,
    "Node": describe_node,
    "Service": describe_service,
    "StatefulSet": describe_statefulset,
    "DaemonSet": describe_daemonset,
    "Job": describe_job,
    "CronJob": describe_cronjob,
    "Secret": describe_secret,
    "ConfigMap": describe_configmap,
    "ServiceAccount": describe_serviceaccount,
    "Endpoints": describe_endpoints,
    "EndpointSlice": describe_endpointslice,
})


def describe_object(cluster: Cluster, obj: Obj) -> str:
    return DESCRIBERS.get(obj["kind"], describe_generic)(cluster, obj, cluster.clock.now())


NO_RESOURCE = ('error: You must specify the type of resource to describe. Use "kubectl api-resources" for a '
               "complete list of supported resources.")


SINGLE_TYPE = "error: you may only specify a single resource type"


@command("describe", flags=[Flag("selector", "l", "str", ""), Flag("all-namespaces", "A"),
                            Flag("show-events", kind="bool", default=True), Flag("chunk-size", kind="int", default=500)])
def describe(inv: Invocation) -> str:
    selector = inv.flags.get("selector") or None
    targets = resolve.targets(inv.args, verb="describe", selector=selector)
    if not targets:
        raise KubectlError(NO_RESOURCE)
    all_ns = bool(inv.flags.get("all-namespaces"))
    cluster = inv.cluster
    objs: list[Obj] = []
    errors: list[str] = []
    for t in targets:
        if not t.names:
            objs.extend(resolve.list_objects(cluster, t.resource, None if all_ns else inv.namespace, selector))
            continue
        for name in t.names:
            ns = resolve.object_namespace(t.resource, inv.namespace)
            exact = cluster.store.peek(t.resource.kind, ns, name)
            if exact is not None:
                objs.append(exact)
                continue
            err = resolve.not_found(t.resource, name)
            errors.append(f"Error from server ({err.reason}): {err.message}")
    if len(errors) == 1 and len(inv.args) == 2 and "/" not in inv.args[0]:
        # describe.go: a NotFound (one error alone: more are an aggregate, which is not one) for
        # exactly "TYPE NAME" becomes DescribeMatchingResources: every object of that one type in
        # the namespace whose name starts with NAME, or the NotFound (nothing else is printed
        # then, not even the objects that were found)
        if len(resolve.split_resource_argument(inv.args[0])) > 1:
            raise KubectlError(SINGLE_TYPE)
        resource, prefix = targets[0].resource, inv.args[1]
        scope = resolve.object_namespace(resource, inv.namespace) if resource.namespaced else None
        prefixed = [o for o in resolve.list_objects(cluster, resource, scope) if o["metadata"]["name"].startswith(prefix)]
        if not prefixed:
            raise KubectlError(errors[0])
        return "".join(_render(cluster, o, inv) + "\n" for o in prefixed)
    out = "\n\n".join(_render(cluster, o, inv) for o in objs)
    if not objs and not errors:
        return f"No resources found in {inv.namespace} namespace." if not all_ns else "No resources found"
    if errors:
        raise KubectlError(out + "\n".join(errors))
    return out


def _render(cluster: Cluster, obj: Obj, inv: Invocation) -> str:
    token = SHOW_EVENTS.set(inv.flags.get("show-events", True) is not False)
    try:
        return describe_object(cluster, obj)
    finally:
        SHOW_EVENTS.reset(token)


# the describers of the other kinds register themselves
from . import describe_kinds  # noqa: E402, F401
