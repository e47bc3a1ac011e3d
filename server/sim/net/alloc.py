"""Service ClusterIP and NodePort allocation: the apiserver's service registry allocators.

Owns: picking a Service's ``clusterIP``/``clusterIPs`` from the service CIDR (10.96.0.0/12) and
its ports' ``nodePort`` from 30000–32767 the way the v1.32 bitmap allocators do (a uniformly
random free slot in the *upper* block, the lower block kept for fixed addresses such as
10.96.0.1 and 10.96.0.10), honouring requested values when free and refusing taken or
out-of-range ones with the apiserver's 422 wording; ``ipFamilies``/``ipFamilyPolicy``; keeping a
Service's allocations across updates (``patchAllocatedValues``: an update that omits them gets
the old ones back, so ``kubectl apply`` again is ``unchanged``) and releasing them when the type
no longer needs them.

State: which IPs and ports are taken is *derived from the store* (built from the stored
Services on first use, then kept current from the store's watch events), so deleting a Service
releases its allocations, and a sandbox replayed from its log or restored holds exactly the same
allocations. Nothing is written here: ``allocate_create``/``allocate_update`` only fill in the
object that ``api`` is about to store, so a refused request changes nothing.

Hands off: called from ``admission.on_create``/``on_update`` for Services; randomness from the
cluster clock's seeded RNG.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from ..store import Key, Obj, WatchEvent, key_of

if TYPE_CHECKING:
    from ..api import Api
    from ..store import Store

SERVICE_CIDR = "10.96.0.0/12"
NODE_PORT_MIN, NODE_PORT_MAX = 30000, 32767
NODE_PORT_RANGE = f"{NODE_PORT_MIN}-{NODE_PORT_MAX}"

_NET = ipaddress.ip_network(SERVICE_CIDR)
#: usable addresses: network + 1 .. broadcast - 1 (bitmap.go)
_IP_BASE = int(_NET.network_address) + 1
_IP_SIZE = _NET.num_addresses - 2
_PORT_SIZE = NODE_PORT_MAX - NODE_PORT_MIN + 1


def _range_offset(size: int, step: int, lo: int, hi: int) -> int:
    """calculateRangeOffset: the static sub-range kept for fixed values (min(max(lo, size/step), hi))."""
    if size < lo:
        return 0
    return min(max(lo, size // step), hi)


#: 256 for a /12: random IPs are >= 10.96.1.1 (ipallocator; the CIDR's size, not the usable count)
IP_OFFSET = _range_offset(_NET.num_addresses, 16, 16, 256)
#: 86 for 30000-32767: random node ports are >= 30086 (portallocator)
PORT_OFFSET = _range_offset(_PORT_SIZE, 32, 16, 128)


def _invalid(name: str, path: str, value: str, detail: str) -> Exception:
    from ..api import ApiError

    return ApiError(422, "Invalid", f'Service "{name}" is invalid: {path}: Invalid value: {value}: {detail}')


def _strings(values: list[str]) -> str:
    """A []string as Go's %#v prints it in field errors."""
    return "[]string{" + ", ".join('"' + v + '"' for v in values) + "}"


def needs_cluster_ip(spec: dict) -> bool:
    return (spec.get("type") or "ClusterIP") != "ExternalName"


def needs_node_ports(spec: dict) -> bool:
    return (spec.get("type") or "ClusterIP") in ("NodePort", "LoadBalancer")


def _allocate_node_ports(spec: dict) -> bool:
    """shouldAllocateNodePorts: NodePort always; LoadBalancer unless allocateLoadBalancerNodePorts is false."""
    t = spec.get("type") or "ClusterIP"
    return t == "NodePort" or (t == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts", True) is not False)


def _held_by(obj: Obj) -> tuple[list[str], list[int]]:
    """The cluster IPs and node ports a stored Service holds."""
    spec = obj.get("spec") or {}
    ips = [ip for ip in spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
           if ip and ip != "None"] if needs_cluster_ip(spec) else []
    ports = sorted({p["nodePort"] for p in spec.get("ports") or [] if isinstance(p, dict) and p.get("nodePort")})
    hc = spec.get("healthCheckNodePort")
    if hc:
        ports.append(hc)
    return ips, ports


class ServiceAllocator:
    """The bitmaps of the service IP range and the node port range, as views of the store."""

    def __init__(self, store: Store, rng: Any) -> None:
        self.store = store
        self.rng = rng
        self.ips: dict[int, Key] = {}  # offset in the range -> Service
        self.ports: dict[int, Key] = {}  # node port -> Service
        self._held: dict[Key, tuple[list[int], list[int]]] = {}
        self._built = False

    # -- the view of the store ----------------------------------------------------------------
    def _ensure(self) -> None:
        if self._built:
            return
        self._built = True
        for svc in self.store.scan("Service"):
            self._hold(key_of(svc), svc)
        self.store.subscribe(self._on_event)

    def _on_event(self, event: WatchEvent) -> None:
        if event.obj.get("kind") != "Service":
            return
        self._release(event.key)
        if event.type != "DELETED":
            self._hold(event.key, event.obj)

    def _hold(self, key: Key, obj: Obj) -> None:
        ips, ports = _held_by(obj)
        offsets = [o for o in (_ip_offset(ip) for ip in ips) if o is not None]
        for o in offsets:
            self.ips[o] = key
        for p in ports:
            self.ports[p] = key
        self._held[key] = (offsets, ports)

    def _release(self, key: Key) -> None:
        offsets, ports = self._held.pop(key, ([], []))
        for o in offsets:
            if self.ips.get(o) == key:
                del self.ips[o]
        for p in ports:
            if self.ports.get(p) == key:
                del self.ports[p]

    def ip_taken(self, ip: str) -> bool:
        self._ensure()
        o = _ip_offset(ip)
        return o is not None and o in self.ips

    def port_taken(self, port: int) -> bool:
        self._ensure()
        return port in self.ports

    # -- picking --------------------------------------------------------------------------------
    def _next(self, used: dict[int, Key] | set[int], size: int, offset: int) -> int | None:
        """randomScanStrategyWithOffset: a random start in the upper block, scanning forward for a
        free slot; only when the upper block is full, the same in the lower block."""
        upper = size - offset
        if upper > 0:
            start = self.rng.randrange(upper)
            for i in range(upper):
                at = offset + (start + i) % upper
                if at not in used:
                    return at
        if offset > 0:
            start = self.rng.randrange(offset)
            for i in range(offset):
                at = (start + i) % offset
                if at not in used:
                    return at
        return None

    # -- create ---------------------------------------------------------------------------------
    def allocate_create(self, obj: Obj) -> None:
        """Fill in a new Service's allocations (in place), or raise the apiserver's ApiError."""
        self._ensure()
        spec = obj.setdefault("spec", {})
        name = (obj.get("metadata") or {}).get("name") or ""
        self._families(spec)
        if needs_cluster_ip(spec):
            self._alloc_ip(name, spec)
        else:
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        if needs_node_ports(spec):
            self._alloc_node_ports(name, spec, old=None)

    def _families(self, spec: dict) -> None:
        """initIPFamilyFields for a single-stack IPv4 cluster."""
        if not needs_cluster_ip(spec):
            spec.pop("ipFamilies", None)
            spec.pop("ipFamilyPolicy", None)
            return
        headless = spec.get("clusterIP") == "None" or (spec.get("clusterIPs") or [None])[0] == "None"
        if headless and not spec.get("selector") and not spec.get("ipFamilyPolicy"):
            spec["ipFamilyPolicy"] = "RequireDualStack"  # headless without selector: every family
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        if not spec.get("ipFamilies"):
            spec["ipFamilies"] = ["IPv4"]

    def _alloc_ip(self, name: str, spec: dict) -> None:
        requested = spec.get("clusterIP") or ((spec.get("clusterIPs") or [""])[0])
        if requested == "None":
            spec["clusterIP"], spec["clusterIPs"] = "None", ["None"]
            return
        if requested:
            shown = spec.get("clusterIPs") or [requested]
            o = _ip_offset(requested)
            if o is None:
                raise _invalid(name, "spec.clusterIPs", _strings(shown),
                               f"failed to allocate IP {requested}: the provided IP ({requested}) is not in the "
                               f"valid range. The range of valid IPs is {SERVICE_CIDR}")
            if o in self.ips:
                raise _invalid(name, "spec.clusterIPs", _strings(shown),
                               f"failed to allocate IP {requested}: provided IP is already allocated")
            ip = requested
        else:
            at = self._next(self.ips, _IP_SIZE, IP_OFFSET)
            if at is None:
                from ..api import ApiError

                raise ApiError(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: "
                               "range is full")
            ip = str(ipaddress.ip_address(_IP_BASE + at))
        spec["clusterIP"], spec["clusterIPs"] = ip, [ip]

    def _alloc_node_ports(self, name: str, spec: dict, old: Obj | None) -> None:
        """initNodePorts / updateNodePorts: requested ports are reserved (unless this Service already
        holds them), missing ones drawn at random; ports with the same number share one nodePort."""
        ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
        old_held = set(_held_by(old)[1]) if old is not None else set()
        allocate = _allocate_node_ports(spec)
        by_port: dict[int, int] = {}
        taken_now: set[int] = set()
        for i, p in enumerate(ports):
            np_ = p.get("nodePort") or 0
            if not np_ and not allocate:
                continue
            if not np_ and old is None:
                np_ = by_port.get(p.get("port"), 0) or next(
                    (q.get("nodePort") for q in ports[i + 1:] if q.get("port") == p.get("port") and q.get("nodePort")), 0)
            if np_:
                if np_ in old_held or np_ in taken_now:
                    pass
                elif not NODE_PORT_MIN <= np_ <= NODE_PORT_MAX:
                    raise _invalid(name, f"spec.ports[{i}].nodePort", str(np_),
                                   "provided port is not in the valid range. The range of valid ports is "
                                   f"{NODE_PORT_RANGE}")
                elif np_ in self.ports:
                    raise _invalid(name, f"spec.ports[{i}].nodePort", str(np_), "provided port is already allocated")
            else:
                used = {p - NODE_PORT_MIN for p in (*self.ports, *taken_now)}
                at = self._next(used, _PORT_SIZE, PORT_OFFSET)
                if at is None:
                    from ..api import ApiError

                    raise ApiError(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: "
                                   "range is full")
                np_ = NODE_PORT_MIN + at
            p["nodePort"] = np_
            taken_now.add(np_)
            by_port.setdefault(p.get("port"), np_)

    # -- update ---------------------------------------------------------------------------------
    def allocate_update(self, old: Obj, new: Obj) -> None:
        """An update keeps what the Service holds (patchAllocatedValues), checks that the cluster IP
        does not change, and allocates what a type change now needs."""
        self._ensure()
        spec = new.setdefault("spec", {})
        old_spec = old.get("spec") or {}
        name = (new.get("metadata") or {}).get("name") or ""
        if needs_cluster_ip(old_spec) and needs_cluster_ip(spec):
            if not spec.get("clusterIP") and old_spec.get("clusterIP"):
                spec["clusterIP"] = old_spec["clusterIP"]
            if not spec.get("clusterIPs") and old_spec.get("clusterIPs"):
                spec["clusterIPs"] = list(old_spec["clusterIPs"])
            if spec.get("clusterIP") != old_spec.get("clusterIP") and spec.get("clusterIPs") == old_spec.get("clusterIPs"):
                spec["clusterIPs"] = [spec["clusterIP"]]  # normalizeClusterIPs: the user changed clusterIP only
            for f in ("ipFamilies", "ipFamilyPolicy"):
                if not spec.get(f) and old_spec.get(f):
                    spec[f] = old_spec[f]
            old_ips = old_spec.get("clusterIPs") or [old_spec.get("clusterIP")]
            new_ips = spec.get("clusterIPs") or [spec.get("clusterIP")]
            if old_ips and new_ips and old_ips[0] != new_ips[0]:
                raise _invalid(name, "spec.clusterIPs[0]", _strings([v for v in new_ips if v]),
                               "may not change once set")
        if needs_node_ports(old_spec) and needs_node_ports(spec):
            used_both = ({p.get("nodePort") for p in old_spec.get("ports") or [] if p.get("nodePort")}
                         & {p.get("nodePort") for p in spec.get("ports") or [] if p.get("nodePort")})
            by_name = {(p.get("name") or ""): p.get("nodePort") for p in old_spec.get("ports") or []}
            for p in spec.get("ports") or []:
                if isinstance(p, dict) and not p.get("nodePort"):
                    was = by_name.get(p.get("name") or "")
                    if was and was not in used_both:
                        p["nodePort"] = was
        self._families(spec)
        if needs_cluster_ip(spec) and not needs_cluster_ip(old_spec):
            self._alloc_ip(name, spec)  # ExternalName -> a type with a cluster IP
        elif not needs_cluster_ip(spec):
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        if needs_node_ports(spec):
            self._alloc_node_ports(name, spec, old=old)
        else:
            for p in spec.get("ports") or []:
                if isinstance(p, dict) and (spec.get("type") or "ClusterIP") in ("ClusterIP", "ExternalName"):
                    p.pop("nodePort", None)


def _ip_offset(ip: str) -> int | None:
    """The address's slot in the service range's bitmap, or None when outside the usable range."""
    try:
        addr = int(ipaddress.ip_address(ip))
    except ValueError:
        return None
    o = addr - _IP_BASE
    return o if 0 <= o < _IP_SIZE else None


def allocator(api: Api) -> ServiceAllocator:
    """The cluster's allocator (one per store), created on first use."""
    alloc = getattr(api, "_service_allocator", None)
    if alloc is None:
        alloc = ServiceAllocator(api.store, api.clock.rng)
        api._service_allocator = alloc  # type: ignore[attr-defined]
    return alloc


__all__ = ["IP_OFFSET", "NODE_PORT_RANGE", "PORT_OFFSET", "SERVICE_CIDR", "ServiceAllocator", "allocator"]
