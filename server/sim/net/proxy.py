"""kube-proxy (iptables mode) and the pod network as one routing function.

Owns: ``route(cluster, source, ip, port)`` — where a TCP connection from a pod, a node or the
workstation outside the cluster goes, hop by hop, and who answers: cluster IPs, externalIPs and
LoadBalancer ingress IPs (DNAT to an endpoint chosen at random per connection, the 1/(n−i)
rules of ``KUBE-SVC-*`` chains), node IP:nodePort on any node, pod IPs directly, hostNetwork
servers on node IPs, and loopback (127.0.0.0/8, ::1): from a pod its own containers' ports (one
network namespace per pod), from a node or a hostNetwork pod the node's servers, never policed.
Endpoint choice follows k8s-behavior §6.6: ready endpoints, else
serving-terminating ones, none → REJECT (``Connection refused``); ``sessionAffinity: ClientIP``
(``recent`` match, timeoutSeconds on the virtual clock); ``externalTrafficPolicy: Local`` (only
external clients are restricted to the receiving node's endpoints, dropped when it has none)
and ``internalTrafficPolicy: Local``; headless and ExternalName services have no rules.
The pod network: a broken overlay link between two nodes (``faults``) gives ``No route to
host`` to packets that would cross it; a halted machine answers nothing (``Connection timed
out``); a pod that does not listen on the port resets (``Connection refused``). NetworkPolicies
(``netpol``, enforced as Calico would although the lab's CNI is flannel) are judged once the
destination is known, after DNAT: a denied connection is dropped (``Connection timed out``) and
the route names the policies (``dropped_by``).

The view of Services, Endpoints/EndpointSlices, Pods and Nodes is cached per cluster and kept
current from the store's watch events (each event marks a key dirty; the next route refreshes
only those keys), so a route costs the same with 1,000 services as with one.

Hands off: ``apps`` turns a Route into an application's answer and ``traffic`` records it.
Routing draws on ``clock.rng`` and updates affinity state: call it only from operations the
sandbox records (a request, a shell command), never from a read-only view.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..store import Obj, WatchEvent
from . import faults

if TYPE_CHECKING:
    from ..cluster import Cluster

#: the workstation on the lab's host-only network (VirtualBox's host address)
WORKSTATION_IP = "192.168.56.1"
REFUSED = "Connection refused"
NO_ROUTE = "No route to host"
TIMEOUT = "Connection timed out"
DEFAULT_AFFINITY_TIMEOUT = 10800
EXCLUDE_FROM_LB = "node.kubernetes.io/exclude-from-external-load-balancers"
WATCHED = frozenset({"Service", "Endpoints", "EndpointSlice", "Pod", "Node"})


# -- sources -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """Where a connection starts: a pod, a node's own network namespace, or the workstation."""

    kind: str  # pod | node | outside
    namespace: str = ""
    name: str = ""

    @staticmethod
    def pod(namespace: str, name: str) -> Source:
        return Source("pod", namespace, name)

    @staticmethod
    def node(name: str) -> Source:
        return Source("node", "", name)

    @staticmethod
    def outside() -> Source:
        return Source("outside")

    @property
    def text(self) -> str:
        if self.kind == "pod":
            return f"pod/{self.namespace}/{self.name}"
        if self.kind == "node":
            return f"node/{self.name}"
        return "outside"


@dataclass
class Route:
    """The path of one connection and its outcome.

    ``hops`` are ``{kind, name, ip}`` dicts (``namespace`` too for pods and services) in the
    order the packet travels; when it fails, ``failed_at`` is the index of the hop where it
    died (the hop that rejected it, or the one it could not reach)."""

    ok: bool
    hops: list[dict[str, str]] = field(default_factory=list)
    pod: tuple[str, str] | None = None
    node: str | None = None
    service: tuple[str, str] | None = None
    target_port: int | None = None
    error: str | None = None
    failed_at: int | None = None
    #: the address the server sees as its client (after any SNAT)
    client_ip: str = ""
    #: the original source address
    source_ip: str = ""
    dest_ip: str = ""
    dest_port: int = 0
    #: the answering container and the app it runs (registry ``Image.app``)
    container: str | None = None
    app: str | None = None
    image: str | None = None
    pod_uid: str | None = None
    #: the service port's name ("" when unnamed)
    port_name: str | None = None
    #: an address outside the cluster answered (``apps`` looks it up in the external world)
    external_ip: str | None = None
    #: the NetworkPolicies (``namespace/name``) that dropped the connection, with their direction
    dropped_by: list[str] = field(default_factory=list)

    def fail(self, error: str, at: int | None = None) -> Route:
        self.ok, self.error = False, error
        self.failed_at = (len(self.hops) - 1) if at is None else at
        return self


# -- the cached view ---------------------------------------------------------------------------
@dataclass
class SvcPort:
    name: str
    port: int
    protocol: str
    node_port: int | None


@dataclass
class Svc:
    key: tuple[str, str]
    type: str
    cluster_ip: str | None  # None for headless/ExternalName
    ports: list[SvcPort]
    external_ips: list[str]
    lb_ips: list[str]
    affinity_timeout: float | None
    etp_local: bool
    itp_local: bool
    headless: bool
    external_name: str | None
    selector: dict | None


@dataclass
class Ep:
    ip: str
    ports: dict[str, tuple[int, str]]  # port name -> (port, protocol)
    node: str | None
    pod: tuple[str, str] | None
    ready: bool
    serving: bool
    terminating: bool
    hostname: str | None


class View:
    """Services, endpoints, pod IPs and node IPs, indexed for routing; refreshed from events."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.store = cluster.store
        self.dirty: set[tuple[str, str, str]] = set()
        #: store.rv when last rebuilt, and events seen since: a gap means a silent load
        self.base_rv = -1
        self.events = 0
        self.services: dict[tuple[str, str], Svc] = {}
        self.endpoints: dict[tuple[str, str], list[Ep]] = {}
        #: (ip, port, protocol) -> (service key, port name) for cluster IPs, externalIPs, LB IPs
        self.vips: dict[tuple[str, int, str], tuple[tuple[str, str], str]] = {}
        self.vip_hosts: set[str] = set()
        self.node_ports: dict[tuple[int, str], tuple[tuple[str, str], str]] = {}
        self.pod_ips: dict[str, tuple[str, str]] = {}
        self._pod_ip_of: dict[tuple[str, str], str] = {}
        self.node_ips: dict[str, str] = {}
        self.ip_of_node: dict[str, str] = {}
        self.node_subnet: dict[str, ipaddress.IPv4Network] = {}
        #: (service key, port name, client ip) -> (endpoint ip, endpoint port, last used)
        self.affinity: dict[tuple[tuple[str, str], str, str], tuple[str, int, float]] = {}
        self._listen: dict[str, tuple[str, dict[int, tuple[str, str, str]]]] = {}
        self.store.subscribe(self._on_event)
        self.rebuild()

    # -- keeping current ---------------------------------------------------------------------
    def _on_event(self, event: WatchEvent) -> None:
        self.events += 1
        kind = event.obj["kind"]
        if kind == "EndpointSlice":
            # the slice names its service in a label; a deleted slice's last state still has it
            meta = event.obj["metadata"]
            svc_name = (meta.get("labels") or {}).get("kubernetes.io/service-name")
            if svc_name:
                self.dirty.add(("Service", meta.get("namespace") or "", svc_name))
        elif kind in WATCHED:
            self.dirty.add(event.key)

    def rebuild(self) -> None:
        self.services.clear()
        self.endpoints.clear()
        self.vips.clear()
        self.vip_hosts.clear()
        self.node_ports.clear()
        self.pod_ips.clear()
        self._pod_ip_of.clear()
        self.node_ips.clear()
        self.ip_of_node.clear()
        self.node_subnet.clear()
        self.dirty.clear()
        for node in self.store.scan("Node"):
            self._node(node["metadata"]["name"])
        for pod in self.store.scan("Pod"):
            self._pod((pod["metadata"].get("namespace") or "", pod["metadata"]["name"]))
        for svc in self.store.scan("Service"):
            key = (svc["metadata"]["namespace"], svc["metadata"]["name"])
            self._service(key)
        self.base_rv, self.events = self.store.rv, 0

    def refresh(self) -> None:
        if self.base_rv + self.events != self.store.rv:
            # events we did not see (a store loaded silently from disk): start over
            self.rebuild()
            return
        if not self.dirty:
            return
        dirty, self.dirty = sorted(self.dirty), set()
        services: set[tuple[str, str]] = set()
        for kind, ns, name in dirty:
            if kind == "Node":
                self._node(name)
            elif kind == "Pod":
                self._pod((ns, name))
            else:  # Service, Endpoints, or a slice's service
                services.add((ns, name))
        for key in sorted(services):
            self._service(key)

    def _node(self, name: str) -> None:
        old = self.ip_of_node.pop(name, None)
        if old is not None:
            self.node_ips.pop(old, None)
        self.node_subnet.pop(name, None)
        node = self.store.peek("Node", "", name)
        if node is None:
            return
        for a in (node.get("status") or {}).get("addresses") or []:
            if a.get("type") == "InternalIP":
                self.node_ips[a["address"]] = name
                self.ip_of_node[name] = a["address"]
                break
        cidr = (node.get("spec") or {}).get("podCIDR")
        if cidr:
            self.node_subnet[name] = ipaddress.ip_network(cidr, strict=False)  # type: ignore[assignment]

    def _pod(self, key: tuple[str, str]) -> None:
        old = self._pod_ip_of.pop(key, None)
        if old is not None and self.pod_ips.get(old) == key:
            del self.pod_ips[old]
        pod = self.store.peek("Pod", key[0], key[1])
        if pod is None:
            return
        ip = (pod.get("status") or {}).get("podIP")
        if ip and not (pod.get("spec") or {}).get("hostNetwork"):
            self.pod_ips[ip] = key
            self._pod_ip_of[key] = ip

    def _service(self, key: tuple[str, str]) -> None:
        old = self.services.pop(key, None)
        if old is not None:
            for ip in [old.cluster_ip or "", *old.external_ips, *old.lb_ips]:
                for p in old.ports:
                    if self.vips.get((ip, p.port, p.protocol), (None,))[0] == key:
                        del self.vips[(ip, p.port, p.protocol)]
                if ip:
                    self.vip_hosts.discard(ip)
            for p in old.ports:
                if p.node_port and self.node_ports.get((p.node_port, p.protocol), (None,))[0] == key:
                    del self.node_ports[(p.node_port, p.protocol)]
        self.endpoints.pop(key, None)
        obj = self.store.peek("Service", *key)
        if obj is None:
            return
        svc = compile_service(obj)
        self.services[key] = svc
        self.endpoints[key] = self._endpoints_of(key)
        if svc.cluster_ip is not None:
            for ip in [svc.cluster_ip, *svc.external_ips, *svc.lb_ips]:
                self.vip_hosts.add(ip)
                for p in svc.ports:
                    self.vips[(ip, p.port, p.protocol)] = (key, p.name)
            for p in svc.ports:
                if p.node_port:
                    self.node_ports[(p.node_port, p.protocol)] = (key, p.name)

    def _endpoints_of(self, key: tuple[str, str]) -> list[Ep]:
        """EndpointSlices when the service has any (what kube-proxy reads), else Endpoints
        (hand-made ones of a selector-less service before anything mirrors them)."""
        slices = self.store.scan("EndpointSlice", key[0], selector={"kubernetes.io/service-name": key[1]})
        if slices:
            return endpoints_from_slices(slices)
        ep = self.store.peek("Endpoints", *key)
        return endpoints_from_endpoints(ep) if ep is not None else []

    # -- who listens -------------------------------------------------------------------------
    def listeners(self, pod: Obj) -> dict[int, tuple[str, str, str]]:
        """port -> (container, app, image ref) for the pod's running server processes."""
        uid = pod["metadata"]["uid"]
        rv = pod["metadata"].get("resourceVersion", "")
        cached = self._listen.get(uid)
        if cached is not None and cached[0] == rv:
            return cached[1]
        out: dict[int, tuple[str, str, str]] = {}
        registry = self.cluster.registry
        running = {s.get("name"): s for s in (pod.get("status") or {}).get("containerStatuses") or []
                   if "running" in (s.get("state") or {})}
        for c in (pod.get("spec") or {}).get("containers") or []:
            if c.get("name") not in running:
                continue
            image = registry.resolve(c.get("image") or "")
            if image is None:
                continue
            proc = registry.process(image, c)
            if not proc.server:
                continue
            for port in proc.ports:
                out.setdefault(port, (c["name"], image.app, image.ref))
        if len(self._listen) > 50000:
            self._listen.clear()
        self._listen[uid] = (rv, out)
        return out


def compile_service(obj: Obj) -> Svc:
    spec = obj.get("spec") or {}
    meta = obj["metadata"]
    stype = spec.get("type") or "ClusterIP"
    cip = spec.get("clusterIP")
    headless = cip == "None"
    external_name = spec.get("externalName") if stype == "ExternalName" else None
    cluster_ip = cip if cip and cip != "None" and stype != "ExternalName" else None
    ports = [SvcPort(p.get("name") or "", int(p.get("port") or 0), p.get("protocol") or "TCP",
                     int(p["nodePort"]) if p.get("nodePort") else None)
             for p in spec.get("ports") or []]
    lb_ips = [i.get("ip") for i in ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
              if i.get("ip")]
    timeout: float | None = None
    if spec.get("sessionAffinity") == "ClientIP":
        cfg = ((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {})
        timeout = float(cfg.get("timeoutSeconds") or DEFAULT_AFFINITY_TIMEOUT)
    return Svc(key=(meta.get("namespace") or "", meta["name"]), type=stype, cluster_ip=cluster_ip, ports=ports,
               external_ips=list(spec.get("externalIPs") or []), lb_ips=lb_ips, affinity_timeout=timeout,
               etp_local=spec.get("externalTrafficPolicy") == "Local",
               itp_local=spec.get("internalTrafficPolicy") == "Local", headless=headless,
               external_name=external_name, selector=spec.get("selector"))


def _ref(target: dict | None) -> tuple[str, str] | None:
    if target and target.get("kind", "Pod") == "Pod" and target.get("name"):
        return (target.get("namespace") or "", target["name"])
    return None


def endpoints_from_endpoints(ep: Obj) -> list[Ep]:
    out: list[Ep] = []
    for subset in ep.get("subsets") or []:
        ports = {p.get("name") or "": (int(p.get("port") or 0), p.get("protocol") or "TCP")
                 for p in subset.get("ports") or []}
        for ready, field_name in ((True, "addresses"), (False, "notReadyAddresses")):
            for a in subset.get(field_name) or []:
                out.append(Ep(a["ip"], ports, a.get("nodeName"), _ref(a.get("targetRef")), ready, ready, False,
                              a.get("hostname")))
    return _sorted(out)


def endpoints_from_slices(slices: list[Obj]) -> list[Ep]:
    out: list[Ep] = []
    for s in slices:
        if s.get("addressType", "IPv4") != "IPv4":
            continue
        ports = {p.get("name") or "": (int(p.get("port") or 0), p.get("protocol") or "TCP")
                 for p in s.get("ports") or []}
        for e in s.get("endpoints") or []:
            cond = e.get("conditions") or {}
            ready = cond.get("ready") is not False  # nil means ready
            serving = cond.get("serving") if cond.get("serving") is not None else ready
            for ip in e.get("addresses") or []:
                out.append(Ep(ip, ports, e.get("nodeName"), _ref(e.get("targetRef")), ready, bool(serving),
                              bool(cond.get("terminating")), e.get("hostname")))
    return _sorted(out)


def _sorted(eps: list[Ep]) -> list[Ep]:
    return sorted(eps, key=lambda e: (_ip_key(e.ip), e.pod or ("", "")))


def _ip_key(ip: str) -> int:
    try:
        return int(ipaddress.ip_address(ip))
    except ValueError:
        return 0


def view(cluster: Cluster) -> View:
    v: View | None = getattr(cluster, "_proxy_view", None)
    if v is None or v.store is not cluster.store:
        v = View(cluster)
        cluster._proxy_view = v  # type: ignore[attr-defined]
    v.refresh()
    return v


# -- routing -----------------------------------------------------------------------------------
def _machine_up(cluster: Cluster, node: str | None) -> bool:
    if node is None:
        return False
    m = cluster.machines.get(node)
    return m is not None and m.up


def _pod_hop(pod: tuple[str, str], ip: str) -> dict[str, str]:
    return {"kind": "pod", "namespace": pod[0], "name": pod[1], "ip": ip}


def _node_hop(v: View, node: str, kind: str = "node") -> dict[str, str]:
    return {"kind": kind, "name": node, "ip": v.ip_of_node.get(node, "")}


def _gateway(v: View, node: str, offset: int) -> str:
    """A node's cni0 (offset 1) or flannel.1 (offset 0) address: the source of SNATed packets."""
    net = v.node_subnet.get(node)
    return str(net.network_address + offset) if net is not None else v.ip_of_node.get(node, "")


def is_loopback(ip: str) -> bool:
    """127.0.0.0/8 or ::1: the sender's own network namespace."""
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def route(cluster: Cluster, source: Source, ip: str, port: int, protocol: str = "TCP") -> Route:
    """Route one new connection from ``source`` to ``ip:port``; NetworkPolicies (``netpol``) are
    judged once the packet's destination is known (after DNAT), and a denied one is dropped —
    except on the loopback interface, which no policy (Calico's or any CNI's) sees."""
    r = _route(cluster, source, ip, port, protocol)
    if is_loopback(ip) and source.kind != "outside":
        return r
    return _police(cluster, source, r, protocol)


def _police(cluster: Cluster, source: Source, r: Route, protocol: str) -> Route:
    """Apply the NetworkPolicies of both ends to a route that reached its destination: a pod
    (listening or not), a node's own address, or the outside world. kube-proxy's own REJECT (a
    service without endpoints) and a dead machine come first and are left as they are."""
    from . import netpol

    if len(r.hops) < 2 or (r.error is not None and r.error != REFUSED):
        return r
    last = r.hops[-1]
    if last["kind"] not in ("pod", "node", "external") or (r.error is not None and r.pod is None
                                                            and r.node is None):
        return r
    src_pod = cluster.store.peek("Pod", source.namespace, source.name) if source.kind == "pod" else None
    dst_pod = cluster.store.peek("Pod", *r.pod) if r.pod is not None else None
    port = r.target_port if r.target_port is not None else r.dest_port
    dst = netpol.End(last.get("ip") or r.dest_ip, dst_pod)
    if src_pod is not None and not netpol.egress_allowed(cluster, src_pod, dst, port, protocol):
        r.dropped_by = [f"egress {name}" for name in netpol.isolating(cluster, src_pod, "Egress")]
        return r.fail(TIMEOUT, len(r.hops) - 1)
    if dst_pod is not None:
        if r.client_ip != r.source_ip:  # kube-proxy SNATed it to the entry node's address
            entry = next((h["name"] for h in r.hops if h["kind"] == "kube-proxy"),
                         source.name if source.kind == "node" else None)
            client = netpol.End(r.client_ip, None, entry)
        elif src_pod is not None and (src_pod.get("spec") or {}).get("hostNetwork"):
            client = netpol.End(r.source_ip, None, (src_pod.get("spec") or {}).get("nodeName"))
        else:
            client = netpol.End(r.source_ip, src_pod, source.name if source.kind == "node" else None)
        if not netpol.ingress_allowed(cluster, client, dst, port, protocol):
            r.dropped_by = [f"ingress {name}" for name in netpol.isolating(cluster, dst_pod, "Ingress")]
            return r.fail(TIMEOUT, len(r.hops) - 1)
    return r


def _route(cluster: Cluster, source: Source, ip: str, port: int, protocol: str = "TCP") -> Route:
    v = view(cluster)
    r = Route(ok=False, dest_ip=ip, dest_port=int(port))
    # -- where the packet starts
    entry: str | None  # the node whose kube-proxy rules the packet meets first
    if source.kind == "pod":
        pod = cluster.store.peek("Pod", source.namespace, source.name)
        if pod is None:
            raise KeyError(f'pods "{source.name}" not found')
        entry = (pod.get("spec") or {}).get("nodeName")
        src_ip = (pod.get("status") or {}).get("podIP") or ""
        r.hops.append(_pod_hop((source.namespace, source.name), src_ip))
        pod_network = not (pod.get("spec") or {}).get("hostNetwork")
    elif source.kind == "node":
        entry = source.name
        src_ip = v.ip_of_node.get(source.name, "")
        r.hops.append(_node_hop(v, source.name))
        pod_network = False
    else:
        entry, src_ip, pod_network = None, WORKSTATION_IP, False
        r.hops.append({"kind": "external", "name": "workstation", "ip": WORKSTATION_IP})
    r.source_ip = r.client_ip = src_ip
    if source.kind != "outside" and not _machine_up(cluster, entry):
        return r.fail(TIMEOUT, 0)
    if source.kind != "outside" and is_loopback(ip):
        return _loopback(cluster, v, r, source, entry, pod_network, int(port))

    # -- a service address (cluster IP, externalIP, LoadBalancer IP)
    hit = v.vips.get((ip, int(port), protocol))
    if hit is not None:
        svc = v.services[hit[0]]
        r.hops.append({"kind": "service", "namespace": svc.key[0], "name": svc.key[1], "ip": ip})
        r.service, r.port_name = svc.key, hit[1]
        external = False
        if entry is None:
            # from outside only a LoadBalancer IP (or an externalIP that is a node's) gets in
            if ip in svc.lb_ips:
                entry = _lb_node(v, cluster, svc)
                if entry is None:
                    return r.fail(TIMEOUT)
                r.hops.append(_node_hop(v, entry))
            elif ip in v.node_ips:
                entry = v.node_ips[ip]
            else:
                return r.fail(TIMEOUT)
            external = True
            if not _machine_up(cluster, entry):
                return r.fail(TIMEOUT)
        r.hops.append(_node_hop(v, entry, "kube-proxy"))
        return _to_service(cluster, v, r, svc, hit[1], entry, external, pod_network)

    if ip in v.node_ips:
        node = v.node_ips[ip]
        if entry != node:
            r.hops.append(_node_hop(v, node))
        if not _machine_up(cluster, node):
            return r.fail(TIMEOUT)
        np = v.node_ports.get((int(port), protocol))
        if np is not None:
            svc = v.services[np[0]]
            r.service, r.port_name = svc.key, np[1]
            r.hops.append(_node_hop(v, node, "kube-proxy"))
            return _to_service(cluster, v, r, svc, np[1], node, source.kind == "outside", pod_network,
                               masquerade=True)
        return _to_host(cluster, v, r, node, int(port))

    if ip in v.vip_hosts:
        # a service address on a port it does not serve: no rule matches; the packet wanders off
        return r.fail(TIMEOUT)

    if ip in v.pod_ips:
        if entry is None:
            return r.fail(TIMEOUT)  # the workstation has no route into the pod network
        target = v.pod_ips[ip]
        pod_obj = cluster.store.peek("Pod", *target)
        node = ((pod_obj or {}).get("spec") or {}).get("nodeName")
        if not pod_network:  # from a node's own network namespace
            r.client_ip = _gateway(v, entry, 1 if node == entry else 0)
        return _deliver(cluster, v, r, entry, target, ip, int(port))

    return _outside_world(r, ip)


def _outside_world(r: Route, ip: str) -> Route:
    """An address beyond the nodes: the internet's hosts answer (through the nodes' NAT);
    anything else — a deleted service's address, a private network nobody routes — does not."""
    from .dns import world_addresses

    r.hops.append({"kind": "external", "name": world_addresses().get(ip, ip), "ip": ip})
    if ip not in world_addresses():
        return r.fail(TIMEOUT)
    r.external_ip = ip
    r.ok = True
    return r


def _lb_node(v: View, cluster: Cluster, svc: Svc) -> str | None:
    """The node that answers for a LoadBalancer IP (MetalLB L2 style: one elected speaker per
    service, among nodes not excluded from load balancers; with policy Local, only nodes with a
    ready endpoint announce)."""
    candidates = []
    for name in sorted(v.ip_of_node):
        node = cluster.store.peek("Node", "", name)
        labels = ((node or {}).get("metadata") or {}).get("labels") or {}
        if EXCLUDE_FROM_LB in labels or not _machine_up(cluster, name):
            continue
        if svc.etp_local and not any(e.node == name and e.ready for e in v.endpoints.get(svc.key, [])):
            continue
        candidates.append(name)
    if not candidates:
        return None
    h = sum(ord(c) for c in f"{svc.key[0]}/{svc.key[1]}")
    return candidates[h % len(candidates)]


def _to_service(cluster: Cluster, v: View, r: Route, svc: Svc, port_name: str, entry: str, external: bool,
                pod_network: bool, masquerade: bool = False) -> Route:
    eps = [e for e in v.endpoints.get(svc.key, []) if port_name in e.ports]
    usable = [e for e in eps if e.ready]
    if not usable:
        usable = [e for e in eps if e.serving and e.terminating]
    if not usable:
        return r.fail(REFUSED)  # KUBE-SERVICES: "has no endpoints" -j REJECT
    if external and svc.etp_local:
        usable = [e for e in usable if e.node == entry]
        if not usable:
            return r.fail(TIMEOUT)  # KUBE-EXT: no local endpoints -j DROP
    elif not external and svc.itp_local:
        usable = [e for e in usable if e.node == entry]
        if not usable:
            return r.fail(TIMEOUT)
    ep = _choose(cluster, v, svc, port_name, r.source_ip, usable)
    target_port = ep.ports[port_name][0]
    r.target_port = target_port
    # who the server sees: policy Local keeps an external client's address; other external
    # traffic, a node's own connections and pods' connections to a node address are SNATed
    # (MASQUERADE) to the entry node's cni0 (local endpoint) or flannel.1 (remote endpoint);
    # a pod talking to a cluster IP keeps its own address
    if external and svc.etp_local:
        r.client_ip = r.source_ip
    elif external or masquerade or not pod_network:
        r.client_ip = _gateway(v, entry, 1 if ep.node == entry else 0)
    if ep.pod is None and ep.ip not in v.pod_ips:
        if ep.ip in v.node_ips:
            node = v.node_ips[ep.ip]
            if node != entry:
                r.hops.append(_node_hop(v, node))
            if not _machine_up(cluster, node):
                return r.fail(TIMEOUT)
            return _to_host(cluster, v, r, node, target_port)
        return _outside_world(r, ep.ip)
    target = v.pod_ips.get(ep.ip, ep.pod)
    assert target is not None
    return _deliver(cluster, v, r, entry, target, ep.ip, target_port)


def _choose(cluster: Cluster, v: View, svc: Svc, port_name: str, client: str, usable: list[Ep]) -> Ep:
    now = cluster.clock.now()
    key = (svc.key, port_name, client)
    if svc.affinity_timeout is not None:
        held = v.affinity.get(key)
        if held is not None and now - held[2] <= svc.affinity_timeout:
            for e in usable:
                if e.ip == held[0] and e.ports[port_name][0] == held[1]:
                    v.affinity[key] = (held[0], held[1], now)
                    return e
    # KUBE-SVC-*: rule i of n matches with probability 1/(n-i); the last always matches
    n = len(usable)
    chosen = usable[-1]
    rng = cluster.clock.rng
    for i in range(n - 1):
        if rng.random() < 1.0 / (n - i):
            chosen = usable[i]
            break
    if svc.affinity_timeout is not None:
        v.affinity[key] = (chosen.ip, chosen.ports[port_name][0], now)
    return chosen


def _deliver(cluster: Cluster, v: View, r: Route, entry: str, target: tuple[str, str], ip: str,
             port: int) -> Route:
    """From the entry node to a pod: across the overlay if it lives elsewhere."""
    pod = cluster.store.peek("Pod", *target)
    node = ((pod or {}).get("spec") or {}).get("nodeName")
    if node and node != entry:
        r.hops.append(_node_hop(v, node))
        if faults.is_broken(cluster, entry, node):
            return r.fail(NO_ROUTE)
        if not _machine_up(cluster, node):
            return r.fail(TIMEOUT)
    r.hops.append(_pod_hop(target, ip))
    r.pod, r.node = target, node
    if pod is None or not _machine_up(cluster, node):
        return r.fail(TIMEOUT)
    r.pod_uid = pod["metadata"]["uid"]
    r.target_port = port
    listening = v.listeners(pod).get(port)
    if listening is None:
        return r.fail(REFUSED)
    r.container, r.app, r.image = listening
    r.ok = True
    return r


def _loopback(cluster: Cluster, v: View, r: Route, source: Source, node: str | None, pod_network: bool,
              port: int) -> Route:
    """``localhost``/127.0.0.1 from a pod: its own containers' ports (a pod's containers share one
    network namespace), the client being 127.0.0.1; from a node or a hostNetwork pod: the node's
    own servers (``_to_host``)."""
    r.client_ip = r.source_ip = "127.0.0.1"
    if source.kind == "node" or not pod_network:
        r.hops[0] = dict(r.hops[0], ip="127.0.0.1")
        return _to_host(cluster, v, r, node or source.name, port)
    pod = cluster.store.peek("Pod", source.namespace, source.name)
    target = (source.namespace, source.name)
    r.hops[0] = _pod_hop(target, "127.0.0.1")
    r.pod, r.node, r.target_port = target, node, port
    if pod is None:
        return r.fail(REFUSED, 0)
    r.pod_uid = pod["metadata"]["uid"]
    listening = v.listeners(pod).get(port)
    if listening is None:
        return r.fail(REFUSED, 0)
    r.container, r.app, r.image = listening
    r.ok = True
    return r


def _to_host(cluster: Cluster, v: View, r: Route, node: str, port: int) -> Route:
    """A node's own address: a hostNetwork server (the apiserver on 6443, ...) or nothing."""
    r.node = node
    for pod in cluster.store.scan("Pod", node=node, where=lambda p: bool((p.get("spec") or {}).get("hostNetwork"))):
        listening = v.listeners(pod).get(port)
        if listening is not None and not pod["metadata"].get("deletionTimestamp"):
            key = (pod["metadata"].get("namespace") or "", pod["metadata"]["name"])
            r.hops.append(_pod_hop(key, v.ip_of_node.get(node, "")))
            r.pod, r.pod_uid, r.target_port = key, pod["metadata"]["uid"], port
            r.container, r.app, r.image = listening
            r.ok = True
            return r
    return r.fail(REFUSED)


def reachable(cluster: Cluster, source: Source, ip: str) -> Route:
    """ICMP echo: does ``ip`` answer a ping from ``source``? Service addresses do not (only
    kube-proxy's DNAT rules exist for them, for their ports); pods, nodes and the outside world
    do when the path is up, and NetworkPolicies let ICMP through (a rule without ports)."""
    return _police(cluster, source, _reachable(cluster, source, ip), "ICMP")


def _reachable(cluster: Cluster, source: Source, ip: str) -> Route:
    v = view(cluster)
    r = Route(ok=False, dest_ip=ip)
    if source.kind == "pod":
        pod = cluster.store.peek("Pod", source.namespace, source.name)
        if pod is None:
            raise KeyError(f'pods "{source.name}" not found')
        entry = (pod.get("spec") or {}).get("nodeName")
        r.hops.append(_pod_hop((source.namespace, source.name), (pod.get("status") or {}).get("podIP") or ""))
    elif source.kind == "node":
        entry = source.name
        r.hops.append(_node_hop(v, source.name))
    else:
        entry = None
        r.hops.append({"kind": "external", "name": "workstation", "ip": WORKSTATION_IP})
    if is_loopback(ip) and source.kind != "outside":
        r.hops[0] = dict(r.hops[0], ip="127.0.0.1")
        r.ok = _machine_up(cluster, entry)
        if source.kind == "pod":
            r.pod, r.node = (source.namespace, source.name), entry
        else:
            r.node = entry
        return r if r.ok else r.fail(TIMEOUT, 0)
    if ip in v.vip_hosts and ip not in v.node_ips:
        r.service = next((key for (vip, _p, _proto), (key, _n) in sorted(v.vips.items()) if vip == ip), None)
        r.hops.append({"kind": "service", "namespace": r.service[0] if r.service else "",
                       "name": r.service[1] if r.service else "", "ip": ip})
        return r.fail(TIMEOUT)
    if ip in v.node_ips:
        node = v.node_ips[ip]
        r.hops.append(_node_hop(v, node))
        r.node = node
        if not _machine_up(cluster, node):
            return r.fail(TIMEOUT)
        r.ok = True
        return r
    if ip in v.pod_ips:
        if entry is None:
            return r.fail(TIMEOUT)
        target = v.pod_ips[ip]
        pod = cluster.store.peek("Pod", *target)
        node = ((pod or {}).get("spec") or {}).get("nodeName")
        if node and node != entry:
            r.hops.append(_node_hop(v, node))
            if faults.is_broken(cluster, entry, node):
                return r.fail(NO_ROUTE)
        r.hops.append(_pod_hop(target, ip))
        r.pod, r.node = target, node
        if not _machine_up(cluster, node):
            return r.fail(TIMEOUT)
        r.ok = True
        return r
    return _outside_world(r, ip)


def service_endpoints(cluster: Cluster, namespace: str, name: str) -> list[Ep]:
    """The endpoints kube-proxy knows for a service (for DNS and the page)."""
    return list(view(cluster).endpoints.get((namespace, name), []))


def describe(r: Route) -> dict[str, Any]:
    """A JSON-friendly form of a route (for the web layer)."""
    return {"ok": r.ok, "hops": r.hops, "failed_at": r.failed_at, "error": r.error, "dropped_by": r.dropped_by,
            "pod": list(r.pod) if r.pod else None, "node": r.node,
            "service": list(r.service) if r.service else None, "target_port": r.target_port}
