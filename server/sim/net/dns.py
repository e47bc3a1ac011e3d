"""Cluster DNS (CoreDNS's ``kubernetes`` plugin, kubeadm's Corefile) and the world outside.

Owns: the records of the zone ``cluster.local`` (k8s-behavior §7, the kubernetes/dns spec):
``<svc>.<ns>.svc`` A records (the cluster IP; for a headless service one per ready endpoint,
NXDOMAIN when none is ready), ``<hostname>.<svc>.<ns>.svc`` for headless endpoints (hostname
or the dashed IP), ``_<port>._<proto>.<svc>.<ns>.svc`` SRV for named ports, ExternalName as a
CNAME followed through the outside world, ``a-b-c-d.<ns>.pod`` records ("pods insecure"), PTR
records for service and endpoint IPs; the pod's ``/etc/resolv.conf`` (dnsPolicy ClusterFirst:
``search <ns>.svc.cluster.local svc.cluster.local cluster.local``, ``options ndots:5``); the
stub resolver every program but nslookup uses (fewer than ``ndots`` dots → the search list
first, then the name as is); a small outside world of hosts with fixed public addresses that
the ``forward`` plugin reaches; and busybox 1.36's ``nslookup`` output, which does NOT follow
ndots: a dotless name is tried under every search domain, a dotted one only as given — so
``nslookup web-service.default`` says NXDOMAIN while ``wget http://web-service.default`` works.
Also the other resolvers' words: busybox 1.28's nslookup (``nslookup_busybox128``: getaddrinfo
with the search list, ``Address 1: IP reverse-name``), BIND 9's nslookup and ``dig +short`` (the
dnsutils image: ``nslookup_bind9``, ``dig_short``; ``nslookup_flavour(image)`` says which an image
has); the pod's own names (``pod_hostname``/``pod_domain`` as the kubelet makes them, ``kernel_hostname``
— what ``hostname`` prints —, ``pod_fqdn`` — what ``hostname -f`` prints — and the kubelet's
``etc_hosts``); and whether a pod's queries get through at all (``reaches_dns``: an egress
NetworkPolicy without a rule for kube-dns drops them, and the lookup times out); and CoreDNS's
``log`` plugin (``query_log``): once the Corefile in ConfigMap kube-system/coredns has ``log``, each
query a pod sends is a ``[INFO] client:port - id "A IN name. udp 54 false 512" NOERROR qr,aa,rd 106
0.000151s`` line in a CoreDNS pod's log (sizes as the wire has them; the change is read at once,
without the kubelet's ConfigMap sync and the reload plugin's delay).

Hands off: ``apps`` resolves hosts through ``lookup``; the tools (``clients``: nslookup, dig) render
with the functions here; coreutils' ``hostname -f`` reads ``pod_fqdn``. DNS answers do not consume
randomness.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..store import Obj
from . import proxy

if TYPE_CHECKING:
    from ..cluster import Cluster

ZONE = "cluster.local"
SERVER = "10.96.0.10"
SERVER_NAME = "kube-dns.kube-system.svc.cluster.local"
NDOTS = 5
#: what the lab's nodes use (VirtualBox NAT's resolver); pods with dnsPolicy Default inherit it
NODE_NAMESERVER = "10.0.2.3"

#: the outside world: name -> A records, or ("CNAME", target)
EXTERNAL: dict[str, list[str] | tuple[str, str]] = {
    "www.yahoo.co.jp": ("CNAME", "edge12.g.yimg.jp"),
    "edge12.g.yimg.jp": ["182.22.25.252", "182.22.24.124"],
    "yahoo.co.jp": ["183.79.219.252", "182.22.59.229"],
    "www.google.com": ["142.250.196.100"],
    "google.com": ["142.250.207.14"],
    "example.com": ["93.184.215.14"],
    "www.example.com": ["93.184.215.14"],
    "kubernetes.io": ["147.75.40.148"],
    "www.kubernetes.io": ("CNAME", "kubernetes.io"),
}


def world_addresses() -> dict[str, str]:
    """The outside world's addresses -> the host name that owns them."""
    return {a: n for n, rr in sorted(EXTERNAL.items()) if isinstance(rr, list) for a in rr}


@dataclass
class Record:
    name: str  # owner name, no trailing dot
    type: str  # A | CNAME | SRV | PTR
    value: str  # an address, a name, or "prio weight port target" for SRV


@dataclass
class Reply:
    """One DNS query's answer as the server sends it."""

    name: str
    qtype: str
    rcode: str = "NOERROR"  # NOERROR | NXDOMAIN | SERVFAIL
    records: list[Record] = field(default_factory=list)
    authoritative: bool = True


@dataclass
class Answer:
    """What a program's resolver got for a name: the addresses (and how it got there)."""

    query: str
    fqdn: str | None = None  # the name that answered
    addresses: list[str] = field(default_factory=list)
    cname: list[str] = field(default_factory=list)  # the chain of canonical names followed
    srv: list[tuple[int, int, int, str]] = field(default_factory=list)
    ptr: list[str] = field(default_factory=list)
    nxdomain: bool = False
    tried: list[str] = field(default_factory=list)
    server: str = SERVER
    server_name: str = SERVER_NAME
    #: the answer came from the cluster zone (False: forwarded to the outside world)
    authoritative: bool = True
    #: no server answered (a NetworkPolicy drops the pod's queries): ``nxdomain`` is set too
    timeout: bool = False

    @property
    def ok(self) -> bool:
        return not self.nxdomain


# -- the server -----------------------------------------------------------------------------------
def _is_ip(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
        return True
    except ValueError:
        return False


def _service(cluster: Cluster, ns: str, name: str) -> Obj | None:
    return cluster.store.peek("Service", ns, name)


def _dashed(ip: str) -> str:
    return ip.replace(".", "-")


def _ready_endpoints(cluster: Cluster, ns: str, name: str) -> list[proxy.Ep]:
    seen: set[str] = set()
    out = []
    for e in proxy.service_endpoints(cluster, ns, name):
        if e.ready and e.ip not in seen:
            seen.add(e.ip)
            out.append(e)
    return out


def _external(name: str, qtype: str) -> Reply:
    """The ``forward . /etc/resolv.conf`` path: the outside world's answer (non-authoritative)."""
    reply = Reply(name, qtype, authoritative=False)
    cur, hops = name, 0
    while hops < 8:
        entry = EXTERNAL.get(cur)
        if entry is None:
            if not reply.records:
                reply.rcode = "NXDOMAIN"
            return reply
        if isinstance(entry, tuple):
            reply.records.append(Record(cur, "CNAME", entry[1]))
            cur, hops = entry[1], hops + 1
            continue
        if qtype == "A":
            reply.records.extend(Record(cur, "A", ip) for ip in entry)
        return reply
    return reply


def query(cluster: Cluster, name: str, qtype: str = "A") -> Reply:
    """One query to 10.96.0.10 for an absolute ``name`` (no search list applied)."""
    name = name.rstrip(".").lower()
    qtype = qtype.upper()
    if qtype == "PTR" or name.endswith(".in-addr.arpa"):
        return _ptr(cluster, name)
    if not (name == ZONE or name.endswith("." + ZONE)):
        return _external(name, qtype)
    reply = Reply(name, qtype)
    labels = name[: -len(ZONE) - 1].split(".") if name != ZONE else []
    if len(labels) >= 3 and labels[-1] == "svc":
        rest, ns, svc_name = labels[:-3], labels[-2], labels[-3]
        svc = _service(cluster, ns, svc_name)
        if svc is None:
            reply.rcode = "NXDOMAIN"
            return reply
        return _service_records(cluster, reply, svc, rest)
    if len(labels) == 3 and labels[-1] == "pod":
        ip = labels[0].replace("-", ".")
        if _is_ip(ip):
            if qtype == "A":
                reply.records.append(Record(name, "A", ip))
            return reply
    if qtype == "TXT" and name == f"dns-version.{ZONE}":
        reply.records.append(Record(name, "TXT", "1.1.0"))
        return reply
    reply.rcode = "NXDOMAIN"
    return reply


def _service_records(cluster: Cluster, reply: Reply, svc: Obj, rest: list[str]) -> Reply:
    spec = svc.get("spec") or {}
    meta = svc["metadata"]
    ns, svc_name = meta.get("namespace") or "", meta["name"]
    base = f"{svc_name}.{ns}.svc.{ZONE}"
    stype = spec.get("type") or "ClusterIP"
    headless = spec.get("clusterIP") == "None"
    qtype = reply.qtype
    if stype == "ExternalName":
        if rest:
            reply.rcode = "NXDOMAIN"
            return reply
        target = (spec.get("externalName") or "").rstrip(".").lower()
        reply.records.append(Record(base, "CNAME", target))
        if _is_ip(target):
            return reply  # a CNAME to an address: nothing more to follow
        follow = query(cluster, target, qtype) if qtype != "CNAME" else None
        if follow is not None:
            reply.records.extend(follow.records)
        return reply
    if not rest:
        if qtype == "A":
            if headless:
                ready = _ready_endpoints(cluster, ns, svc_name)
                if not ready:
                    reply.rcode = "NXDOMAIN"
                    return reply
                reply.records.extend(Record(base, "A", e.ip) for e in ready)
            elif spec.get("clusterIP"):
                reply.records.append(Record(base, "A", spec["clusterIP"]))
        return reply
    if len(rest) == 2 and rest[0].startswith("_") and rest[1].startswith("_"):
        port_name, proto = rest[0][1:], rest[1][1:].upper()
        ports = [p for p in spec.get("ports") or [] if (p.get("name") or "") == port_name and port_name
                 and (p.get("protocol") or "TCP") == proto]
        if not ports:
            reply.rcode = "NXDOMAIN"
            return reply
        if qtype == "SRV":
            port = ports[0]
            if headless:
                for e in _ready_endpoints(cluster, ns, svc_name):
                    num = e.ports.get(port_name, (int(port.get("port") or 0), proto))[0]
                    host = e.hostname or _dashed(e.ip)
                    reply.records.append(Record(f"{rest[0]}.{rest[1]}.{base}", "SRV",
                                                f"0 100 {num} {host}.{base}"))
            else:
                reply.records.append(Record(f"{rest[0]}.{rest[1]}.{base}", "SRV",
                                            f"0 100 {int(port.get('port') or 0)} {base}"))
        return reply
    if len(rest) == 1 and headless:
        label = rest[0]
        for e in _ready_endpoints(cluster, ns, svc_name):
            if (e.hostname or _dashed(e.ip)) == label or _dashed(e.ip) == label:
                if qtype == "A":
                    reply.records.append(Record(f"{label}.{base}", "A", e.ip))
                return reply
    reply.rcode = "NXDOMAIN"
    return reply


def _ptr(cluster: Cluster, name: str) -> Reply:
    reply = Reply(name, "PTR")
    parts = name.split(".")
    if len(parts) != 6 or parts[4:] != ["in-addr", "arpa"]:
        reply.rcode = "NXDOMAIN"
        return reply
    ip = ".".join(reversed(parts[:4]))
    v = proxy.view(cluster)
    for (vip, _port, _proto), (key, _n) in sorted(v.vips.items()):
        svc = v.services.get(key)
        if vip == ip and svc is not None and svc.cluster_ip == ip:
            reply.records.append(Record(name, "PTR", f"{key[1]}.{key[0]}.svc.{ZONE}"))
            return reply
    for key in sorted(v.services):
        for e in v.endpoints.get(key, []):
            if e.ip == ip and e.ready:
                host = e.hostname or _dashed(ip)
                reply.records.append(Record(name, "PTR", f"{host}.{key[1]}.{key[0]}.svc.{ZONE}"))
                return reply
    if not ip.startswith(("10.", "192.168.")):
        world = world_addresses()
        if ip in world:
            reply.records.append(Record(name, "PTR", world[ip]))
            reply.authoritative = False
            return reply
    reply.rcode = "NXDOMAIN"
    return reply


# -- the client side --------------------------------------------------------------------------------
def _pod_obj(cluster: Cluster, pod: object) -> Obj | None:
    if pod is None:
        return None
    if isinstance(pod, dict):
        return pod
    if isinstance(pod, proxy.Source):
        return cluster.store.peek("Pod", pod.namespace, pod.name) if pod.kind == "pod" else None
    ns, name = pod  # type: ignore[misc]
    return cluster.store.peek("Pod", ns, name)


def resolver(pod: Obj | None) -> tuple[list[str], list[str], int]:
    """(nameservers, search list, ndots) of a pod's resolv.conf (the node's when ``pod`` is None)."""
    if pod is None:
        return [NODE_NAMESERVER], [], 1
    spec = pod.get("spec") or {}
    ns = pod["metadata"].get("namespace") or "default"
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    if policy == "ClusterFirst" and spec.get("hostNetwork"):
        policy = "Default"
    cfg = spec.get("dnsConfig") or {}
    if policy == "None":
        servers, search, ndots = list(cfg.get("nameservers") or []), [], 1
    elif policy == "Default":
        servers, search, ndots = [NODE_NAMESERVER], [], 1
    else:  # ClusterFirst, ClusterFirstWithHostNet
        servers, search, ndots = [SERVER], [f"{ns}.svc.{ZONE}", f"svc.{ZONE}", ZONE], NDOTS
        servers += [s for s in cfg.get("nameservers") or [] if s not in servers]
    for s in cfg.get("searches") or []:
        if s not in search:
            search.append(s)
    for opt in cfg.get("options") or []:
        if opt.get("name") == "ndots" and str(opt.get("value") or "").isdigit():
            ndots = int(opt["value"])
    return servers[:3], search[:32], ndots


def resolv_conf(cluster: Cluster, pod: object) -> str:
    """/etc/resolv.conf as the kubelet writes it into the pod."""
    obj = _pod_obj(cluster, pod)
    servers, search, ndots = resolver(obj)
    lines = []
    if search:
        lines.append("search " + " ".join(search))
    lines += [f"nameserver {s}" for s in servers]
    policy = ((obj or {}).get("spec") or {}).get("dnsPolicy") or "ClusterFirst"
    if search or policy != "Default":
        opts = [f"ndots:{ndots}"] if search else []
        for opt in ((obj or {}).get("spec") or {}).get("dnsConfig", {}).get("options") or []:
            if opt.get("name") != "ndots":
                opts.append(opt["name"] + (f":{opt['value']}" if opt.get("value") else ""))
        if opts:
            lines.append("options " + " ".join(opts))
    return "\n".join(lines) + "\n"


def _uses_cluster_dns(servers: list[str]) -> bool:
    return bool(servers) and servers[0] == SERVER


def _ask(cluster: Cluster, servers: list[str], name: str, qtype: str, pod: Obj | None = None,
         edns: bool = False) -> Reply:
    """One query to the first nameserver; a pod's query to the cluster DNS is logged by CoreDNS
    when its Corefile has the ``log`` plugin (``query_log``)."""
    if _uses_cluster_dns(servers):
        reply = query(cluster, name, qtype)
        if pod is not None:
            query_log(cluster, pod, name, qtype, reply, edns=edns)
        return reply
    return _external(name.rstrip(".").lower(), qtype)


# -- CoreDNS's log plugin ---------------------------------------------------------------------------
#: the SOA CoreDNS puts in the authority section of an NXDOMAIN/NODATA answer from cluster.local
#: (``cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. …``), wire size
SOA_SIZE = 93


def _wire(name: str) -> int:
    """A domain name's uncompressed wire length (CoreDNS does not compress its answers)."""
    name = name.rstrip(".")
    return len(name) + 2 if name else 1


def _rr_size(r: Record) -> int:
    if r.type == "A":
        rdata = 4
    elif r.type in ("CNAME", "PTR"):
        rdata = _wire(r.value)
    elif r.type == "SRV":
        rdata = 6 + _wire(r.value.split()[-1])
    else:  # TXT
        rdata = 1 + len(r.value)
    return _wire(r.name) + 10 + rdata


def log_plugin_on(cluster: Cluster) -> bool:
    """Whether the Corefile (ConfigMap kube-system/coredns) enables the ``log`` plugin."""
    cm = cluster.store.peek("ConfigMap", "kube-system", "coredns")
    rv = (cm or {}).get("metadata", {}).get("resourceVersion")
    cached = getattr(cluster, "_corefile_log", None)
    if cached is not None and cached[0] == rv and rv is not None:
        return bool(cached[1])
    corefile = ((cm or {}).get("data") or {}).get("Corefile") or ""
    on = any(line.split()[:1] == ["log"] for line in corefile.splitlines())
    cluster._corefile_log = (rv, on)  # type: ignore[attr-defined]
    return on


def query_log(cluster: Cluster, pod: Obj, name: str, qtype: str, reply: Reply, *, edns: bool = False) -> None:
    """The ``log`` plugin's line for one query, in the log of the CoreDNS pod kube-proxy sent it to:
    ``[INFO] 10.244.1.5:49827 - 36120 "A IN web.default.svc.cluster.local. udp 47 false 512" NOERROR
    qr,aa,rd 94 0.000151s`` (the ``{common}`` format: client, id, question, proto, size, DO bit and
    buffer size, rcode, flags, answer size, duration). The client's port, the query id, the
    CoreDNS replica and the duration are derived from the query itself: DNS consumes no randomness."""
    import hashlib

    if not log_plugin_on(cluster):
        return
    eps = [e for e in proxy.service_endpoints(cluster, "kube-system", "kube-dns") if e.ready and e.pod]
    if not eps:
        return
    client = (pod.get("status") or {}).get("podIP") or ""
    now = cluster.clock.now()
    h = hashlib.sha256(f"{now}:{client}:{name}:{qtype}".encode()).digest()
    ep = eps[h[0] % len(eps)]
    target = cluster.store.peek("Pod", *ep.pod)  # type: ignore[misc]
    if target is None:
        return
    fqdn = name.rstrip(".") + "."
    qsize = 12 + _wire(fqdn) + 4 + (11 if edns else 0)
    wanted = [r for r in reply.records]
    rsize = qsize + sum(_rr_size(r) for r in wanted)
    if reply.authoritative and not any(r.type == qtype for r in wanted):
        rsize += SOA_SIZE
    flags = "qr,aa,rd" if reply.authoritative else "qr,rd,ra"
    nanos = 80_000 + int.from_bytes(h[5:8], "big") % 300_000
    duration = f"{nanos / 1e9:.9f}".rstrip("0") + "s"
    line = (f"[INFO] {client}:{32768 + int.from_bytes(h[1:3], 'big') % 28232} - {int.from_bytes(h[3:5], 'big')} "
            f'"{qtype} IN {fqdn} udp {qsize} false {4096 if edns else 512}" {reply.rcode} {flags} {rsize} {duration}')
    cluster.runtime.log(target["metadata"]["uid"], "coredns", line, now)


def reaches_dns(cluster: Cluster, pod: Obj | None, servers: list[str]) -> bool:
    """Whether the pod's queries reach its nameserver: the cluster DNS through NetworkPolicies
    (``netpol.dns_allowed``), the node's resolver always, an address nobody serves never."""
    if not servers:
        return False
    if servers[0] == SERVER:
        if pod is None:
            return True
        from . import netpol

        return netpol.dns_allowed(cluster, pod)
    return servers[0] == NODE_NAMESERVER


def lookup(cluster: Cluster, name: str, *, pod: object = None, qtype: str = "A") -> Answer:
    """Resolve ``name`` as a program in ``pod`` would (getaddrinfo with the pod's resolv.conf);
    ``pod=None`` is the workstation or a node (the lab's upstream resolver: no cluster names).

    ``pod`` may be ``(namespace, name)``, a Pod object or a ``proxy.Source``."""
    obj = _pod_obj(cluster, pod)
    servers, search, ndots = resolver(obj)
    ans = Answer(query=name, server=servers[0] if servers else SERVER,
                 server_name=SERVER_NAME if _uses_cluster_dns(servers) else "")
    if _is_ip(name):
        ans.fqdn, ans.addresses = name, [name]
        return ans
    if not reaches_dns(cluster, obj, servers):
        ans.nxdomain = ans.timeout = True
        return ans
    qtype = qtype.upper()
    if name.endswith("."):
        candidates = [name.rstrip(".")]
    else:
        expanded = [f"{name}.{d}" for d in search]
        candidates = [name, *expanded] if name.count(".") >= ndots else [*expanded, name]
    for cand in candidates:
        ans.tried.append(cand)
        reply = _ask(cluster, servers, cand, qtype, obj)
        if qtype == "A":  # getaddrinfo asks for both families, side by side
            _ask(cluster, servers, cand, "AAAA", obj)
        if reply.rcode != "NOERROR":
            continue
        wanted = [r for r in reply.records if r.type == qtype]
        if not wanted:
            continue  # NODATA: the resolver goes on down the search list
        ans.fqdn = cand
        ans.authoritative = reply.authoritative
        ans.cname = [r.value for r in reply.records if r.type == "CNAME"]
        if qtype == "A":
            ans.addresses = [r.value for r in wanted]
        elif qtype == "SRV":
            for r in wanted:
                prio, weight, port, target = r.value.split()
                ans.srv.append((int(prio), int(weight), int(port), target))
        elif qtype == "PTR":
            ans.ptr = [r.value for r in wanted]
        return ans
    ans.nxdomain = True
    return ans


def hosts_addresses(hosts_text: str, name: str) -> list[str]:
    """Every address /etc/hosts gives ``name`` (the files backend with ``multi on``), in file order."""
    name = name.rstrip(".").lower()
    out: list[str] = []
    for line in hosts_text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) > 1 and name in (f.lower() for f in fields[1:]) and fields[0] not in out:
            out.append(fields[0])
    return out


def resolve_all(cluster: Cluster, name: str, *, pod: object = None, hosts_text: str | None = None) -> list[str]:
    """getaddrinfo(name, AF_UNSPEC) as a program in ``pod`` gets it: the addresses /etc/hosts has for
    it (``hosts_text``, the container's file; the kubelet's when None), IPv6 before IPv4 (RFC 6724's
    precedence: ``localhost`` is ``::1`` then ``127.0.0.1``, which is why curl tries ``::1`` first),
    else the cluster DNS's A records (the model has no AAAA records); [] when nothing answers."""
    try:
        return [str(ipaddress.ip_address(name))]
    except ValueError:
        pass
    if hosts_text is None:
        obj = _pod_obj(cluster, pod)
        hosts_text = etc_hosts(cluster, obj) if obj is not None else ""
    found = hosts_addresses(hosts_text, name)
    if found:
        return sorted(found, key=lambda ip: ":" not in ip)  # a stable sort: IPv6 first, file order kept
    ans = lookup(cluster, name, pod=pod)
    return [] if ans.nxdomain else list(ans.addresses)


# -- busybox 1.36 nslookup ----------------------------------------------------------------------------
def _reverse_name(ip: str) -> str:
    return ".".join(reversed(ip.split("."))) + ".in-addr.arpa"


def nslookup_text(cluster: Cluster, name: str, *, pod: object = None, server: str | None = None,
                  qtype: str | None = None) -> tuple[str, int]:
    """What ``nslookup NAME [SERVER]`` prints in a busybox 1.36 container, and its exit status.

    busybox's own resolver (FEATURE_NSLOOKUP_BIG): an address is a PTR query; otherwise A and
    AAAA queries, each under every search domain when the name has no dot (no ndots rule), or
    the name alone when it has one. Replies print in the order the queries went out (the
    server answers at once): ``Server:``/``Address:`` once, then per reply either
    ``** server can't find NAME: NXDOMAIN`` or its records, each followed by a blank line."""
    obj = _pod_obj(cluster, pod)
    servers, search, _ndots = resolver(obj)
    if server:
        servers = [server]
    if not servers:
        return ";; connection timed out; no servers could be reached\n\n", 1
    srv = servers[0]
    if srv not in (SERVER, NODE_NAMESERVER) or not reaches_dns(cluster, obj, [srv]):
        return ";; connection timed out; no servers could be reached\n\n", 1
    queries: list[tuple[str, str]] = []
    if _is_ip(name):
        queries.append((_reverse_name(name), "PTR"))
    else:
        types = [qtype.upper()] if qtype else ["A", "AAAA"]
        for t in types:
            if "." in name or not search:
                queries.append((name, t))
            else:
                queries.extend((f"{name}.{d}", t) for d in search)
    out = [f"Server:\t\t{srv}", f"Address:\t{srv}:53", ""]
    status = 0
    for qname, t in queries:
        reply = _ask(cluster, [srv], qname, t, obj)
        if reply.rcode != "NOERROR":
            out.append(f"** server can't find {qname}: {reply.rcode}")
            status = 1
        else:
            if not reply.authoritative:  # printed before parsing, even for an empty answer
                out.append("Non-authoritative answer:")
            for r in reply.records:
                if r.type == "A":
                    out += [f"Name:\t{r.name}", f"Address: {r.value}"]
                elif r.type == "CNAME":
                    out.append(f"{r.name}\tcanonical name = {r.value}")
                elif r.type == "PTR":
                    out.append(f"{r.name}\tname = {r.value}")
                elif r.type == "SRV":
                    out.append(f"{r.name}\tservice = {r.value}")
                elif r.type == "TXT":
                    out.append(f'{r.name}\ttext = "{r.value}"')
        out.append("")
    return "\n".join(out) + "\n", status


# -- the pod's own names ------------------------------------------------------------------------------
#: the kernel's limits: a hostname label (64 bytes with its NUL), the utsname nodename field
HOSTNAME_MAX = 63
FQDN_MAX = 64


def pod_hostname(pod: Obj) -> str:
    """The pod's hostname as the kubelet makes it (GeneratePodHostNameAndDomain): ``spec.hostname``
    or the pod's name, cut to 63 characters with the trailing ``-``/``.`` of the cut removed
    (truncatePodHostnameIfNeeded)."""
    spec = pod.get("spec") or {}
    hostname = str(spec.get("hostname") or pod["metadata"]["name"])
    if len(hostname) > HOSTNAME_MAX:
        hostname = hostname[:HOSTNAME_MAX].rstrip("-.") or hostname[:HOSTNAME_MAX]
    return hostname


def pod_domain(pod: Obj) -> str:
    """The pod's DNS domain: ``<subdomain>.<ns>.svc.cluster.local`` when it sets a subdomain, else ""."""
    spec = pod.get("spec") or {}
    if not spec.get("subdomain"):
        return ""
    return f"{spec['subdomain']}.{pod['metadata'].get('namespace') or 'default'}.svc.{ZONE}"


def kernel_hostname(cluster: Cluster, pod: object) -> str:
    """The nodename the pod's containers see (``hostname``, ``uname -n``, /etc/hostname): the node's
    for a hostNetwork pod (it shares the node's UTS namespace), the FQDN with
    ``setHostnameAsFQDN: true`` and a subdomain (GetNodenameForKernel; a FQDN longer than 64
    characters does not fit the kernel's field, and the kubelet refuses such a sandbox — the plain
    hostname stands for it here), else the pod's hostname."""
    obj = _pod_obj(cluster, pod)
    if obj is None:
        return ""
    spec = obj.get("spec") or {}
    if spec.get("hostNetwork") and spec.get("nodeName"):
        return str(spec["nodeName"])
    hostname, domain = pod_hostname(obj), pod_domain(obj)
    if domain and spec.get("setHostnameAsFQDN") and len(f"{hostname}.{domain}") <= FQDN_MAX:
        return f"{hostname}.{domain}"
    return hostname


def pod_fqdn(cluster: Cluster, pod: object) -> str:
    """What ``hostname -f`` prints in the pod: the first name of its own line in the kubelet's
    /etc/hosts — ``<hostname>.<subdomain>.<ns>.svc.cluster.local`` when the pod sets a subdomain
    (a StatefulSet's pods), else its hostname."""
    obj = _pod_obj(cluster, pod)
    if obj is None:
        return ""
    hostname, domain = pod_hostname(obj), pod_domain(obj)
    return f"{hostname}.{domain}" if domain else hostname


def etc_hosts(cluster: Cluster, pod: object) -> str:
    """/etc/hosts as the kubelet writes it (``kubelet_pods.go`` managedHostsFileContent), with the
    pod's FQDN first on its own line when it has a subdomain, and hostAliases at the end."""
    obj = _pod_obj(cluster, pod)
    lines = ["# Kubernetes-managed hosts file.", "127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback",
             "fe00::0\tip6-localnet", "fe00::0\tip6-mcastprefix", "fe00::1\tip6-allnodes", "fe00::2\tip6-allrouters"]
    if obj is None:
        return "\n".join(lines) + "\n"
    spec = obj.get("spec") or {}
    hostname = pod_hostname(obj)
    ip = (obj.get("status") or {}).get("podIP")
    if ip:
        fqdn = pod_fqdn(cluster, obj)
        lines.append(f"{ip}\t{fqdn}\t{hostname}" if fqdn != hostname else f"{ip}\t{hostname}")
    aliases = spec.get("hostAliases") or []
    if aliases:
        lines.append("")
        lines.append("# Entries added by HostAliases.")
        for a in aliases:
            lines.append(f"{a.get('ip')}\t" + "\t".join(a.get("hostnames") or []))
    return "\n".join(lines) + "\n"


# -- other resolvers' nslookup: busybox 1.28 (libc getaddrinfo) and BIND 9 (dnsutils) -----------------
def nslookup_flavour(image_ref: str | None) -> str:
    """Which nslookup an image ships: ``busybox-1.28`` (busybox up to 1.28, the libc resolver's
    print_host), ``bind9`` (Debian's dnsutils), or ``busybox`` (1.29+, its own resolver)."""
    ref = (image_ref or "").lower()
    repo, _, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, "", "latest")
    if "dnsutils" in repo or repo.endswith(("/debian", "/ubuntu")):
        return "bind9"
    if repo.endswith("busybox"):
        parts = tag.split(".")
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit() and (int(parts[0]), int(parts[1])) <= (1, 28):
            return "busybox-1.28"
    return "busybox"


def _reverse_of(cluster: Cluster, ip: str, pod: Obj | None, servers: list[str]) -> str | None:
    if not servers or not reaches_dns(cluster, pod, servers):
        return None
    reply = _ask(cluster, servers, _reverse_name(ip), "PTR", pod)
    names = [r.value for r in reply.records if r.type == "PTR"]
    return names[0] if reply.rcode == "NOERROR" and names else None


def nslookup_busybox128(cluster: Cluster, name: str, *, pod: object = None,
                        server: str | None = None) -> tuple[str, str, int]:
    """busybox 1.28's nslookup (``print_host`` over getaddrinfo): (stdout, stderr, status).
    ``Server:    10.96.0.10`` / ``Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local``, a blank
    line, then ``Name:      NAME`` and one ``Address N: IP [reverse name]`` per address; a name
    that does not resolve prints ``nslookup: can't resolve 'NAME'`` on stderr."""
    obj = _pod_obj(cluster, pod)
    servers, _search, _ndots = resolver(obj)
    if server:
        servers = [server] + [s for s in servers if s != server]
    srv = servers[0] if servers else SERVER
    out = [f"{'Server:':<10} {srv}", _address_line(1, srv, _reverse_of(cluster, srv, obj, servers)), ""]
    if _is_ip(name):
        addresses = [name]
    else:
        ans = lookup(cluster, name, pod=obj)
        addresses = [] if ans.nxdomain else ans.addresses
    if not addresses:
        return "\n".join(out) + "\n", f"nslookup: can't resolve '{name}'\n", 1
    out.append(f"{'Name:':<10} {name}")
    for i, ip in enumerate(addresses, 1):
        out.append(_address_line(i, ip, _reverse_of(cluster, ip, obj, servers)))
    return "\n".join(out) + "\n", "", 0


def _address_line(n: int, ip: str, reverse: str | None) -> str:
    return f"Address {n}: {ip} {reverse}" if reverse else f"Address {n}: {ip}"


def nslookup_bind9(cluster: Cluster, name: str, *, pod: object = None, server: str | None = None,
                   qtype: str | None = None) -> tuple[str, int]:
    """BIND 9's nslookup (the dnsutils image): the resolv.conf search list under ndots, then
    ``Server:\t\t10.96.0.10`` / ``Address:\t10.96.0.10#53``, a blank line, ``Name:\tFQDN`` and
    ``Address: IP`` per record (``Non-authoritative answer:`` first for the world outside),
    ``** server can't find NAME: NXDOMAIN`` when nothing answers."""
    obj = _pod_obj(cluster, pod)
    servers, search, ndots = resolver(obj)
    if server:
        servers = [server]
    if not servers or servers[0] not in (SERVER, NODE_NAMESERVER) or not reaches_dns(cluster, obj, servers[:1]):
        return ";; connection timed out; no servers could be reached\n\n", 1
    srv = servers[0]
    head = [f"Server:\t\t{srv}", f"Address:\t{srv}#53", ""]
    qt = (qtype or "A").upper()
    if _is_ip(name):
        reply = _ask(cluster, [srv], _reverse_name(name), "PTR", obj)
        if reply.rcode != "NOERROR" or not reply.records:
            return "\n".join([*head, f"** server can't find {_reverse_name(name)}: NXDOMAIN", ""]) + "\n", 1
        body = ([] if reply.authoritative else ["Non-authoritative answer:"])
        body += [f"{r.name}\tname = {r.value}." for r in reply.records if r.type == "PTR"]
        return "\n".join([*head, *body, ""]) + "\n", 0
    if name.endswith("."):
        candidates = [name.rstrip(".")]
    else:
        expanded = [f"{name}.{d}" for d in search]
        candidates = [name, *expanded] if name.count(".") >= ndots else [*expanded, name]
    for cand in candidates:
        reply = _ask(cluster, [srv], cand, qt, obj)
        if reply.rcode != "NOERROR" or not reply.records:
            continue
        body = [] if reply.authoritative else ["Non-authoritative answer:"]
        for r in reply.records:
            if r.type == "CNAME":
                body.append(f"{r.name}\tcanonical name = {r.value}.")
            elif r.type == "A":
                body += [f"Name:\t{r.name}", f"Address: {r.value}"]
            elif r.type == "SRV":
                body.append(f"{r.name}\tservice = {r.value}.")
            elif r.type == "TXT":
                body.append(f'{r.name}\ttext = "{r.value}"')
        return "\n".join([*head, *body, ""]) + "\n", 0
    return "\n".join([*head, f"** server can't find {name}: NXDOMAIN", ""]) + "\n", 1


def dig_short(cluster: Cluster, name: str, *, pod: object = None, qtype: str = "A",
              server: str | None = None) -> tuple[str, int]:
    """``dig +short NAME [TYPE]``: the answer section's data, one line per record (dig sends the
    name as given, no search list); ``;; connection timed out; no servers could be reached``."""
    obj = _pod_obj(cluster, pod)
    servers, _search, _ndots = resolver(obj)
    if server:
        servers = [server]
    if not servers or servers[0] not in (SERVER, NODE_NAMESERVER) or not reaches_dns(cluster, obj, servers[:1]):
        return ";; connection timed out; no servers could be reached\n", 9
    qt = qtype.upper()
    qname = _reverse_name(name) if _is_ip(name) and qt == "PTR" else name
    reply = _ask(cluster, servers[:1], qname, qt, obj, edns=True)
    lines = []
    for r in reply.records:
        lines.append(r.value + "." if r.type in ("CNAME", "PTR") else
                     (" ".join(r.value.split()[:3] + [r.value.split()[3] + "."]) if r.type == "SRV" else
                      (f'"{r.value}"' if r.type == "TXT" else r.value)))
    return "".join(line + "\n" for line in lines), 0
