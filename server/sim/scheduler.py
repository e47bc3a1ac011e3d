"""kube-scheduler's default profile (k8s-behavior §4): filter, score, bind; and its retry queue.

Owns: choosing a node for every pod that has none (``spec.schedulerName`` default-scheduler), in
the real plugin order — Filter: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity (incl.
nodeSelector), NodePorts, NodeResourcesFit (incl. the 110-pod limit); each node stops at its first
failing plugin. Score: TaintToleration ×3, NodeAffinity ×2, NodeResourcesFit LeastAllocated ×1
(non-zero request defaults 100m / 200Mi), PodTopologySpread's system default constraints ×2
(spreads the replicas of one owner), BalancedAllocation ×1; ties go to a uniformly random node by
reservoir sampling on ``clock.rng``. Binding sets ``spec.nodeName`` and PodScheduled True and
records ``Scheduled``; failure sets PodScheduled False/Unschedulable and records
``FailedScheduling`` with the FitError text, preemption part included.

The filter and score functions are pure functions over a snapshot (``NodeInfo`` per node,
``PodInfo`` for the incoming pod) so they can be unit-tested and benchmarked. The snapshot is kept
up to date from watch events — requested resources, pod count, host ports and pods per owner per
node, and a generation number that changes with any of them — so one decision costs O(nodes),
never O(pods). Identical work is done once: pods equal in what the plugins read (``template_key``)
share a ``PodTemplate`` holding each node's Filter result and per-node Score parts for the node's
generation, so the next replica re-runs the plugins only on the node the last one went to; the
default spreading's zone counts are kept per owner on events; what is left per pod is the
normalizations over the feasible nodes and selectHost's draws, which decide ties exactly as
before (the same seed places every pod on the same node).

Retries: an unschedulable pod waits until something that could help happens (a node added or
changed, an assigned pod going away), then retries after its back-off (1s doubling to 10s); and
at the latest after 5 minutes (podMaxInUnschedulablePodsDuration), as the real queue's flush does.

VolumeBinding (pkg/scheduler/framework/plugins/volumebinding): PreFilter refuses a pod whose
claims are missing, being deleted, Lost, or unbound with Immediate binding ("pod has unbound
immediate PersistentVolumeClaims"); its Filter (after NodeResourcesFit) checks bound claims' PV
node affinity and finds, for WaitForFirstConsumer claims, a matching Available PV on the node or a
class that can provision there, in the plugin's words; PreBind writes the choice (the PV's
claimRef, or ``volume.kubernetes.io/selected-node`` on the claim for the provisioner) and the pod
is bound to the node once every claim is bound, or fails after bindTimeoutSeconds (600 s: "running
PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded") and is tried again.
The matching itself is the PV controller's (``controllers/persistentvolume.py``).

DefaultPreemption (PostFilter; framework/preemption): a pod whose Filters failed everywhere and whose
preemptionPolicy is not Never looks, on the nodes whose failure is resolvable, for the fewest
lower-priority pods to remove (DryRunPreemption: from a random node on, until it has
``num_candidates`` of them — 10 % of those nodes, at least 100, DefaultPreemptionArgs' defaults — one
of them violating no PDB; every node below 100) (SelectVictimsOnNode: remove them all, then reprieve the most important
first, PDB-violating ones before the rest); pickOneNodeForPreemption's criteria choose the node; the
victims get the DisruptionTarget condition (PreemptionByScheduler), are deleted gracefully and get
``Preempted`` ("Preempted by pod <uid> on node <node>"); the pod gets ``status.nominatedNodeName`` and
waits (not eligible again while a victim of its own preemption terminates on that node). Without a
candidate the message says why per node, and a nomination is cleared.

The nominator: an unbound pod's ``status.nominatedNodeName`` reserves room on that node — other
pods' Filters (and the victim search) count the nominated pods of at least their priority there, as
RunFilterPluginsWithNominatedPods does, so the preemptor is not overtaken by the replacements of
its victims and binds there once they are gone (its ``nominatedNodeName`` stays set, as v1.32's
binding leaves it: ``kubectl get pod -o wide`` NOMINATED NODE).

Not modelled: the clearing of lower-priority pods' nominations, InterPodAffinity, ImageLocality, other volume plugins
(limits, zones, restrictions), explicit topologySpreadConstraints.
"""

from __future__ import annotations

import copy
import itertools
import math
import random
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from .api import ApiError
from .controllers import Controller
from .quantity import Quantity
from .store import Key, Obj, WatchEvent, controller_ref

SCHEDULER_NAME = "default-scheduler"
MAX_NODE_SCORE = 100
#: pkg/scheduler/util: requests assumed for containers that set none (scoring only)
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
INITIAL_BACKOFF = 1.0
MAX_BACKOFF = 10.0
#: podMaxInUnschedulablePodsDuration: the queue flushes pods left unschedulable this long
UNSCHEDULABLE_FLUSH = 300.0
#: VolumeBinding's bindTimeoutSeconds: how long PreBind waits for the volumes to be bound
BIND_TIMEOUT = 600.0
#: system default PodTopologySpread constraints: (topologyKey, maxSkew)
DEFAULT_SPREAD = (("kubernetes.io/hostname", 3), ("topology.kubernetes.io/zone", 5))
HOSTNAME_KEY = "kubernetes.io/hostname"
ZONE_KEY = "topology.kubernetes.io/zone"
#: kinds whose selectors feed the default spreading selector (helper.DefaultSelector)
SPREAD_OWNER_KINDS = ("ReplicaSet", "StatefulSet", "ReplicationController")

WEIGHTS = {"TaintToleration": 3, "NodeAffinity": 2, "NodeResourcesFit": 1, "PodTopologySpread": 2,
           "NodeResourcesBalancedAllocation": 1}

ERR_UNSCHEDULABLE = "node(s) were unschedulable"
ERR_NODE_NAME = "node(s) didn't match the requested node name"
ERR_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
ERR_AFFINITY_CONFLICT = "pod affinity terms conflict"
#: the status of the nodes a PreFilter result leaves out (findNodesThatFitPod's absent nodes)
ERR_PREFILTER_NODES = "node(s) didn't satisfy plugin(s) [NodeAffinity]"
ERR_PORTS = "node(s) didn't have free ports for the requested pod ports"
ERR_TOO_MANY_PODS = "Too many pods"
ERR_VOLUME_NODE_CONFLICT = "node(s) had volume node affinity conflict"
ERR_VOLUME_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
ERR_VOLUME_PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
#: DefaultPreemptionArgs' defaults (v1.32): the dry run stops once it has found this share of the
#: potential nodes as candidates, and at least this many (GetOffsetAndNumCandidates)
MIN_CANDIDATE_NODES_PERCENTAGE = 10
MIN_CANDIDATE_NODES_ABSOLUTE = 100


# -- quantities ------------------------------------------------------------------------------------
def parse_quantity(value: object) -> Decimal:
    """A resource.Quantity (``100m``, ``1.5``, ``128Mi``, ``1e3``) as an exact number (sim/quantity.py's
    parser; raises its ValueError with apimachinery's message)."""
    return Quantity.of(value).as_decimal()


def milli(value: object) -> int:
    """CPU in millicores, rounded up as Quantity.MilliValue does."""
    return Quantity.of(value).milli_value()


def whole(value: object) -> int:
    """Bytes (or a count), rounded up as Quantity.Value does."""
    return Quantity.of(value).value()


def _amount(resource: str, value: object) -> int:
    return milli(value) if resource == "cpu" else whole(value)


# -- the incoming pod ------------------------------------------------------------------------------
@dataclass
class PodInfo:
    """What the plugins need from the pod being scheduled, computed once per attempt."""

    namespace: str
    name: str
    requests: dict[str, int]  # real requests (cpu in milli), zero when unset
    nonzero_cpu: int
    nonzero_mem: int
    host_ports: list[tuple[str, str, int]]
    tolerations: list[Obj]
    node_selector: dict[str, str]
    required_terms: list[Obj] | None  # None: no required node affinity
    preferred_terms: list[Obj]
    spread_owner: str | None  # uid of the controller whose pods are spread, or None
    priority: int = 0
    preemption_policy: str = "PreemptLowerPriority"
    node_name: str = ""


def _container_requests(c: Obj) -> dict[str, int]:
    res = c.get("resources") or {}
    req = dict(res.get("requests") or {})
    # the apiserver defaults requests to limits when only limits are set
    for k, v in (res.get("limits") or {}).items():
        req.setdefault(k, v)
    return {k: _amount(k, v) for k, v in req.items()}


def _add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return out


def pod_requests(spec: Obj, *, nonzero: bool = False) -> dict[str, int]:
    """resourcehelper.PodRequests: max(Σ app containers + sidecars, each init container + sidecars before it)
    + overhead. With ``nonzero`` a container missing a cpu/memory request counts 100m/200Mi."""
    def creq(c: Obj) -> dict[str, int]:
        r = _container_requests(c)
        if nonzero:
            r.setdefault("cpu", DEFAULT_MILLI_CPU_REQUEST)
            r.setdefault("memory", DEFAULT_MEMORY_REQUEST)
        return r

    total: dict[str, int] = {}
    for c in spec.get("containers") or []:
        total = _add(total, creq(c))
    sidecars: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for c in spec.get("initContainers") or []:
        r = creq(c)
        if c.get("restartPolicy") == "Always":
            total = _add(total, r)
            sidecars = _add(sidecars, r)
            candidate = sidecars
        else:
            candidate = _add(r, sidecars)
        for k, v in candidate.items():
            init_max[k] = max(init_max.get(k, 0), v)
    for k, v in init_max.items():
        total[k] = max(total.get(k, 0), v)
    for k, v in (spec.get("overhead") or {}).items():
        total[k] = total.get(k, 0) + _amount(k, v)
    return total


def pod_host_ports(spec: Obj) -> list[tuple[str, str, int]]:
    ports = []
    for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        for p in c.get("ports") or []:
            if p.get("hostPort"):
                ports.append((p.get("hostIP") or "0.0.0.0", p.get("protocol") or "TCP", int(p["hostPort"])))
    return ports


def spread_owner(pod: Obj) -> str | None:
    ref = controller_ref(pod)
    return ref["uid"] if ref is not None and ref.get("kind") in SPREAD_OWNER_KINDS else None


def pod_info(pod: Obj) -> PodInfo:
    spec = pod.get("spec") or {}
    req = pod_requests(spec)
    nz = pod_requests(spec, nonzero=True)
    node_aff = (spec.get("affinity") or {}).get("nodeAffinity") or {}
    required = node_aff.get("requiredDuringSchedulingIgnoredDuringExecution")
    return PodInfo(
        namespace=pod["metadata"].get("namespace") or "default",
        name=pod["metadata"]["name"],
        requests=req,
        nonzero_cpu=nz.get("cpu", 0),
        nonzero_mem=nz.get("memory", 0),
        host_ports=pod_host_ports(spec),
        tolerations=list(spec.get("tolerations") or []),
        node_selector=dict(spec.get("nodeSelector") or {}),
        required_terms=list(required.get("nodeSelectorTerms") or []) if required is not None else None,
        preferred_terms=list(node_aff.get("preferredDuringSchedulingIgnoredDuringExecution") or []),
        spread_owner=spread_owner(pod),
        priority=int(spec.get("priority") or 0),
        preemption_policy=spec.get("preemptionPolicy") or "PreemptLowerPriority",
        node_name=spec.get("nodeName") or "",
    )


# -- the snapshot of one node ----------------------------------------------------------------------
@dataclass
class NodeInfo:
    """The scheduler cache's view of one node: the Node's fields plus what its pods use."""

    name: str
    exists: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[Obj] = field(default_factory=list)
    unschedulable: bool = False
    allocatable: dict[str, int] = field(default_factory=dict)
    requested: Counter[str] = field(default_factory=Counter)
    nonzero_cpu: int = 0
    nonzero_mem: int = 0
    pod_count: int = 0
    ports: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    #: pods per spreading owner uid, not counting terminating pods
    owners: Counter[str] = field(default_factory=Counter)
    #: pods per priority (preemption needs to know whether lower-priority pods exist)
    priorities: Counter[int] = field(default_factory=Counter)
    #: the scheduler cache's NodeInfo.Generation: a new (scheduler-wide unique) number whenever
    #: anything above changes, so what a pod template computed for the node holds until then
    gen: int = 0

    def set_node(self, node: Obj) -> bool:
        """Refresh from a Node object; returns True when something the scheduler uses changed."""
        spec, status = node.get("spec") or {}, node.get("status") or {}
        alloc = {}
        for k, v in (status.get("allocatable") or {}).items():
            try:
                alloc[k] = _amount(k, v)
            except ValueError:
                continue
        new = (dict(node["metadata"].get("labels") or {}), list(spec.get("taints") or []),
               bool(spec.get("unschedulable")), alloc)
        old = (self.labels, self.taints, self.unschedulable, self.allocatable)
        changed = not self.exists or new != old
        self.labels, self.taints, self.unschedulable, self.allocatable = new
        self.exists = True
        return changed


@dataclass(frozen=True)
class Contribution:
    """What one assigned pod adds to its node's accounting."""

    node: str
    requests: tuple[tuple[str, int], ...]
    nonzero_cpu: int
    nonzero_mem: int
    ports: tuple[tuple[str, str, int], ...]
    owner: str | None
    priority: int


def _apply(info: NodeInfo, c: Contribution, sign: int) -> None:
    for k, v in c.requests:
        info.requested[k] += sign * v
    info.nonzero_cpu += sign * c.nonzero_cpu
    info.nonzero_mem += sign * c.nonzero_mem
    info.pod_count += sign
    for p in c.ports:
        info.ports[p] += sign
    if c.owner is not None:
        info.owners[c.owner] += sign
    info.priorities[c.priority] += sign


# -- filter plugins --------------------------------------------------------------------------------
def tolerates(toleration: Obj, taint: Obj) -> bool:
    """v1.Toleration.ToleratesTaint."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    op = toleration.get("operator") or "Equal"
    if op == "Exists":
        return True
    if op == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def tolerated(tolerations: list[Obj], taint: Obj) -> bool:
    return any(tolerates(t, taint) for t in tolerations)


def _requirement_matches(req: Obj, value: str | None, present: bool) -> bool:
    op, values = req.get("operator"), req.get("values") or []
    if op == "In":
        return present and value in values
    if op == "NotIn":
        return not present or value not in values
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    if op in ("Gt", "Lt"):
        if not present or len(values) != 1:
            return False
        try:
            have, want = int(value or ""), int(values[0])
        except ValueError:
            return False
        return have > want if op == "Gt" else have < want
    return False


def node_selector_term_matches(term: Obj, node: NodeInfo) -> bool:
    exprs, fields = term.get("matchExpressions") or [], term.get("matchFields") or []
    if not exprs and not fields:
        return False  # an empty term matches no objects
    for req in exprs:
        key = req.get("key")
        if not _requirement_matches(req, node.labels.get(key), key in node.labels):
            return False
    for req in fields:
        if req.get("key") != "metadata.name" or not _requirement_matches(req, node.name, True):
            return False
    return True


def matches_node_affinity(pod: PodInfo, node: NodeInfo) -> bool:
    for k, v in pod.node_selector.items():
        if node.labels.get(k) != v:
            return False
    if pod.required_terms is not None:
        return any(node_selector_term_matches(t, node) for t in pod.required_terms)
    return True


def node_affinity_prefilter(pod: PodInfo) -> frozenset[str] | None:
    """NodeAffinity's PreFilter result: the nodes a required node affinity names by ``metadata.name``
    (a ``matchFields`` ``In`` requirement; a term's several are intersected, the terms' sets joined),
    or None (all nodes: no required affinity, or a term that names no node). An empty set is the
    conflict the plugin refuses (``pod affinity terms conflict``). A DaemonSet's pods name their
    node so: the Filters then run on that node only."""
    terms = pod.required_terms
    if not terms:
        return None
    names: set[str] = set()
    for term in terms:
        term_names: set[str] | None = None
        for r in term.get("matchFields") or []:
            if r.get("key") == "metadata.name" and r.get("operator") == "In":
                values = set(r.get("values") or [])
                term_names = values if term_names is None else term_names & values
        if term_names is None:
            return None
        names |= term_names
    return frozenset(names)


def _ports_conflict(a: tuple[str, str, int], b: tuple[str, str, int]) -> bool:
    if a[1] != b[1] or a[2] != b[2]:
        return False
    return a[0] == b[0] or a[0] == "0.0.0.0" or b[0] == "0.0.0.0"


def fit_reasons(pod: PodInfo, node: NodeInfo, *, freed: dict[str, int] | None = None, freed_pods: int = 0) -> list[str]:
    """NodeResourcesFit's Filter: every insufficient resource, in the real order."""
    reasons = []
    allowed = node.allocatable.get("pods", 0)
    if node.pod_count - freed_pods + 1 > allowed:
        reasons.append(ERR_TOO_MANY_PODS)
    req = pod.requests
    if not any(req.values()):
        return reasons
    freed = freed or {}
    order = ["cpu", "memory", "ephemeral-storage"] + sorted(k for k in req if k not in ("cpu", "memory", "ephemeral-storage"))
    for r in order:
        want = req.get(r, 0)
        if want == 0:
            continue
        used = node.requested.get(r, 0) - freed.get(r, 0)
        if want > node.allocatable.get(r, 0) - used:
            reasons.append(f"Insufficient {r}")
    return reasons


@dataclass(frozen=True)
class NodeStatus:
    """A failed Filter: the plugin, its reasons, and whether preemption could ever help."""

    plugin: str
    reasons: tuple[str, ...]
    resolvable: bool


def filter_node(pod: PodInfo, node: NodeInfo) -> NodeStatus | None:
    """Run the Filter plugins in order; ``None`` when the node fits, else the first failure."""
    if node.unschedulable and not tolerated(pod.tolerations, {"key": "node.kubernetes.io/unschedulable",
                                                              "effect": "NoSchedule"}):
        return NodeStatus("NodeUnschedulable", (ERR_UNSCHEDULABLE,), False)
    if pod.node_name and pod.node_name != node.name:
        return NodeStatus("NodeName", (ERR_NODE_NAME,), False)
    for taint in node.taints:
        if taint.get("effect") in ("NoSchedule", "NoExecute") and not tolerated(pod.tolerations, taint):
            msg = f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value') or ''}}}"
            return NodeStatus("TaintToleration", (msg,), False)
    if not matches_node_affinity(pod, node):
        return NodeStatus("NodeAffinity", (ERR_AFFINITY,), False)
    if pod.host_ports:
        used = [p for p, n in node.ports.items() if n > 0]
        if any(_ports_conflict(want, have) for want in pod.host_ports for have in used):
            return NodeStatus("NodePorts", (ERR_PORTS,), True)
    reasons = fit_reasons(pod, node)
    if reasons:
        return NodeStatus("NodeResourcesFit", tuple(reasons), True)
    return None


# -- score plugins ---------------------------------------------------------------------------------
def default_normalize(scores: list[int], reverse: bool = False) -> list[int]:
    """helper.DefaultNormalizeScore."""
    top = max(scores, default=0)
    if top == 0:
        return [MAX_NODE_SCORE] * len(scores) if reverse else list(scores)
    out = []
    for s in scores:
        s = MAX_NODE_SCORE * s // top
        out.append(MAX_NODE_SCORE - s if reverse else s)
    return out


def prefer_no_schedule_tolerations(pod: PodInfo) -> list[Obj]:
    """TaintToleration's PreScore: the tolerations that can tolerate a PreferNoSchedule taint."""
    return [t for t in pod.tolerations if not t.get("effect") or t.get("effect") == "PreferNoSchedule"]


def taint_toleration_raw(prefer: list[Obj], node: NodeInfo) -> int:
    """TaintToleration's Score on one node: its PreferNoSchedule taints the pod does not tolerate."""
    return sum(1 for t in node.taints if t.get("effect") == "PreferNoSchedule" and not tolerated(prefer, t))


def taint_toleration_scores(pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
    if not any(t.get("effect") == "PreferNoSchedule" for n in nodes for t in n.taints):
        return [MAX_NODE_SCORE] * len(nodes)
    prefer = prefer_no_schedule_tolerations(pod)
    return default_normalize([taint_toleration_raw(prefer, n) for n in nodes], reverse=True)


def node_affinity_raw(pod: PodInfo, node: NodeInfo) -> int:
    """NodeAffinity's Score on one node: the weights of the preferred terms it matches."""
    s = 0
    for term in pod.preferred_terms:
        if term.get("weight") and node_selector_term_matches(term.get("preference") or {}, node):
            s += int(term["weight"])
    return s


def node_affinity_scores(pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
    if not pod.preferred_terms:
        return [0] * len(nodes)  # PreScore skips the plugin
    return default_normalize([node_affinity_raw(pod, n) for n in nodes])


def _least_requested(requested: int, capacity: int) -> int:
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def least_allocated_scores(pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
    out = []
    pcpu, pmem = pod.nonzero_cpu, pod.nonzero_mem
    for n in nodes:
        total = weights = 0
        alloc = n.allocatable
        cpu, mem = alloc.get("cpu", 0), alloc.get("memory", 0)
        if cpu:
            total += _least_requested(n.nonzero_cpu + pcpu, cpu)
            weights += 1
        if mem:
            total += _least_requested(n.nonzero_mem + pmem, mem)
            weights += 1
        out.append(total // weights if weights else 0)
    return out


def balanced_allocation_scores(pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
    out = []
    pcpu, pmem = pod.requests.get("cpu", 0), pod.requests.get("memory", 0)
    for n in nodes:
        alloc, req = n.allocatable, n.requested
        cpu, mem = alloc.get("cpu", 0), alloc.get("memory", 0)
        if cpu and mem:
            f_cpu = min(1.0, (req["cpu"] + pcpu) / cpu)
            f_mem = min(1.0, (req["memory"] + pmem) / mem)
            std = abs(f_cpu - f_mem) / 2
        else:
            std = 0.0
        out.append(int((1 - std) * MAX_NODE_SCORE))
    return out


def owner_zone_counts(pod: PodInfo, all_nodes: list[NodeInfo]) -> dict[str, int]:
    """PodTopologySpread's PreScore counts for the zone constraint: the owner's pods per zone value,
    over the existing nodes the pod could land on by its node affinity (the scheduler keeps the same
    counts on pod events for pods without a node selector or required affinity)."""
    owner, counts = pod.spread_owner, {}
    for n in all_nodes:
        if not n.exists or owner is None or not n.owners.get(owner) or not matches_node_affinity(pod, n):
            continue
        zone = n.labels.get(ZONE_KEY)
        if zone is not None:
            counts[zone] = counts.get(zone, 0) + n.owners[owner]
    return counts


def spread_scores(parts: list[tuple[int, bool, str | None]], zone_counts: dict[str, int]) -> list[int]:
    """PodTopologySpread's Score and NormalizeScore with the system default constraints, for the
    feasible nodes given as (the owner's pods there, hostname label set, zone label or None), and
    ``owner_zone_counts``."""
    (host_key, host_skew), (zone_key, zone_skew) = DEFAULT_SPREAD
    assert (host_key, zone_key) == (HOSTNAME_KEY, ZONE_KEY)
    host_weight = math.log(len(parts) + 2)
    zone_weight = math.log(len({"" if zone is None else zone for _n, _h, zone in parts}) + 2)
    floor, in_zone = math.floor, zone_counts.get
    host_base, zone_base = host_skew - 1, zone_skew - 1
    # per node: the hostname term (if labelled) plus the zone term (if labelled), rounded as Go's
    # math.Round (half away from zero; the sum is ≥ 0); the same floating-point sums, in the same order
    raw = [int(floor((count * host_weight + host_base if hostname else 0.0)
                     + (in_zone(zone, 0) * zone_weight + zone_base if zone is not None else 0.0) + 0.5))
           for count, hostname, zone in parts]
    lo, hi = min(raw), max(raw)
    if hi == 0:
        return [MAX_NODE_SCORE] * len(raw)
    return [MAX_NODE_SCORE * (hi + lo - s) // hi for s in raw]


def topology_spread_scores(pod: PodInfo, nodes: list[NodeInfo], all_nodes: list[NodeInfo]) -> list[int]:
    """PodTopologySpread with the system default constraints (ScheduleAnyway: scoring only)."""
    if pod.spread_owner is None or not nodes:
        return [0] * len(nodes)
    owner = pod.spread_owner
    parts = [(n.owners.get(owner, 0), HOSTNAME_KEY in n.labels, n.labels.get(ZONE_KEY)) for n in nodes]
    return spread_scores(parts, owner_zone_counts(pod, all_nodes))


def score_nodes(pod: PodInfo, nodes: list[NodeInfo], all_nodes: list[NodeInfo] | None = None) -> dict[str, list[int]]:
    """Every score plugin's normalized (not yet weighted) scores for ``nodes``, by plugin name."""
    return {
        "TaintToleration": taint_toleration_scores(pod, nodes),
        "NodeAffinity": node_affinity_scores(pod, nodes),
        "NodeResourcesFit": least_allocated_scores(pod, nodes),
        "PodTopologySpread": topology_spread_scores(pod, nodes, all_nodes if all_nodes is not None else nodes),
        "NodeResourcesBalancedAllocation": balanced_allocation_scores(pod, nodes),
    }


def total_scores(pod: PodInfo, nodes: list[NodeInfo], all_nodes: list[NodeInfo] | None = None) -> list[int]:
    totals = [0] * len(nodes)
    for plugin, scores in score_nodes(pod, nodes, all_nodes).items():
        w = WEIGHTS[plugin]
        totals = [t + w * x for t, x in zip(totals, scores, strict=True)]
    return totals


def select_host(names: list[str], scores: list[int], rng) -> str:
    """schedule_one.go selectHost: the best total, ties broken uniformly by reservoir sampling."""
    # random.Random.randrange(count) is _randbelow(count): getrandbits(count.bit_length()) drawn
    # until below count; called as such it draws the same bits (so the same choices) at a third of
    # the cost. Any other generator is asked through randrange.
    getrandbits = rng.getrandbits if type(rng) is random.Random else None
    best, best_score, count = names[0], scores[0], 1
    for name, score in zip(names[1:], scores[1:], strict=True):
        if score > best_score:
            best, best_score, count = name, score, 1
        elif score == best_score:
            count += 1
            if getrandbits is None:
                drawn = rng.randrange(count)
            else:
                bits = count.bit_length()
                drawn = getrandbits(bits)
                while drawn >= count:
                    drawn = getrandbits(bits)
            if drawn == 0:
                best = name
    return best


def num_feasible_nodes_to_find(n: int) -> int:
    """percentageOfNodesToScore = 0 (adaptive): all nodes below 100, then a shrinking share."""
    if n < 100:
        return n
    adaptive = max(5, 50 - n // 125)
    return max(100, n * adaptive // 100)


# -- VolumeBinding -------------------------------------------------------------------------------
@dataclass
class PodVolumes:
    """GetPodVolumeClaims: the pod's claims by what binding still needs."""

    bound: list[Obj] = field(default_factory=list)
    delayed: list[Obj] = field(default_factory=list)  # unbound, WaitForFirstConsumer


@dataclass
class VolumePlan:
    """What PreBind writes on the chosen node: PVs to bind to claims, claims to provision."""

    bind: list[tuple[Obj, Obj]] = field(default_factory=list)  # (pv, claim)
    provision: list[Obj] = field(default_factory=list)


def pod_volumes(pod: Obj, store) -> tuple[PodVolumes | None, str]:  # type: ignore[no-untyped-def]
    """PreFilter: (None, "") for a pod without claims, (None, message) when it cannot be
    scheduled anywhere yet, else the claims."""
    from .controllers import persistentvolume as pvc_util

    names = pvc_util.pod_claim_names(pod)
    if not names:
        return None, ""
    ns = pod["metadata"].get("namespace") or "default"
    ephemeral = {f"{pod['metadata']['name']}-{v.get('name')}" for v in (pod.get("spec") or {}).get("volumes") or []
                 if isinstance(v, dict) and isinstance(v.get("ephemeral"), dict)}
    claims = []
    for name in names:  # podHasPVCs
        claim = store.peek("PersistentVolumeClaim", ns, name)
        if claim is None:
            if name in ephemeral:
                return None, f'waiting for ephemeral volume controller to create the persistentvolumeclaim "{name}"'
            return None, f'persistentvolumeclaim "{name}" not found'
        if (claim.get("status") or {}).get("phase") == "Lost":
            return None, (f'persistentvolumeclaim "{name}" bound to non-existent persistentvolume '
                          f'"{(claim.get("spec") or {}).get("volumeName") or ""}"')
        if claim["metadata"].get("deletionTimestamp"):
            return None, f'persistentvolumeclaim "{name}" is being deleted'
        claims.append(claim)
    out = PodVolumes()

    def get_class(name: str) -> Obj | None:
        return store.peek("StorageClass", "", name)

    for claim in claims:
        if pvc_util.is_fully_bound(claim):
            out.bound.append(claim)
        elif pvc_util.is_delay_binding(claim, get_class) and not (claim.get("spec") or {}).get("volumeName"):
            out.delayed.append(claim)
        else:
            return None, UNBOUND_IMMEDIATE
    return out, ""


def _topology_allows(sc: Obj, node: NodeInfo) -> bool:
    terms = sc.get("allowedTopologies") or []
    if not terms:
        return True
    for term in terms:
        exprs = term.get("matchLabelExpressions") or []
        if all(node.labels.get(e.get("key")) in (e.get("values") or []) for e in exprs):
            return True
    return False


def volume_filter(volumes: PodVolumes, node: NodeInfo, store) -> tuple[list[str], VolumePlan]:  # type: ignore[no-untyped-def]
    """VolumeBinding's Filter on one node: its reasons (none: the node fits) and the plan."""
    from .controllers import persistentvolume as pvc_util

    plan = VolumePlan()
    bound_ok, pv_exists, unbound_ok = True, True, True
    for claim in volumes.bound:
        pv = store.peek("PersistentVolume", "", (claim.get("spec") or {}).get("volumeName") or "")
        if pv is None:
            pv_exists = False
        elif not pvc_util.volume_fits_node(pv, node.labels, node.name):
            bound_ok = False
    chosen: set[str] = set()
    for claim in sorted(volumes.delayed, key=pvc_util.claim_request):
        pv = pvc_util.find_matching_volume(claim, store.scan("PersistentVolume"), delay_binding=True,
                                           node=(node.name, node.labels), excluded=chosen)
        if pv is not None:
            chosen.add(pv["metadata"]["name"])
            plan.bind.append((pv, claim))
            continue
        sc = store.peek("StorageClass", "", pvc_util.claim_class(claim))
        if sc is None or sc.get("provisioner") == pvc_util.NO_PROVISIONER or not _topology_allows(sc, node):
            unbound_ok = False
        else:
            plan.provision.append(claim)
    reasons = []
    if not bound_ok:
        reasons.append(ERR_VOLUME_NODE_CONFLICT)
    if not unbound_ok:
        reasons.append(ERR_VOLUME_BIND_CONFLICT)
    if not pv_exists:
        reasons.append(ERR_VOLUME_PV_NOT_EXIST)
    return reasons, plan


# -- the failure message ---------------------------------------------------------------------------
def fit_error(num_nodes: int, statuses: dict[str, NodeStatus], post_filter: str = "") -> str:
    """framework.FitError.Error(): ``0/N nodes are available: <count> <reason>, ….`` (+ PostFilter)."""
    histogram: Counter[str] = Counter()
    for status in statuses.values():
        for r in status.reasons:
            histogram[r] += 1
    msg = f"0/{num_nodes} nodes are available:"
    parts = sorted(f"{n} {r}" for r, n in histogram.items())
    if parts:
        msg += f" {', '.join(parts)}."
    if post_filter:
        msg += f" {post_filter}."
    return msg


def preemption_message(pod: PodInfo, nodes: list[NodeInfo], statuses: dict[str, NodeStatus],
                       failures: dict[str, NodeStatus] | None = None) -> str:
    """DefaultPreemption's PostFilter message when no candidate node is found: per node that failed
    the Filters, ``Preemption is not helpful for scheduling`` (an unresolvable failure) or why
    SelectVictimsOnNode found no candidate there (``failures``: no lower-priority pods, or the
    Filter's reasons with every lower-priority pod removed)."""
    if pod.preemption_policy == "Never":
        return "preemption: not eligible due to preemptionPolicy=Never."
    failures = failures or {}
    post: dict[str, NodeStatus] = {}
    for n in nodes:
        st = statuses.get(n.name)
        if st is None:
            continue
        if not st.resolvable:
            post[n.name] = NodeStatus(st.plugin, (PREEMPTION_NOT_HELPFUL,), False)
        elif n.name in failures:
            post[n.name] = failures[n.name]
        elif not any(c > 0 for p, c in n.priorities.items() if p < pod.priority):
            post[n.name] = NodeStatus(st.plugin, (NO_VICTIMS,), False)
        else:
            post[n.name] = st
    return "preemption: " + fit_error(len(post), post)


# -- preemption (pkg/scheduler/framework/preemption, plugins/defaultpreemption) ---------------------------
PREEMPTED_REASON = "PreemptionByScheduler"
NOT_ELIGIBLE_TERMINATING = "preemption: not eligible due to a terminating pod on the nominated node."


@dataclass(frozen=True)
class Victim:
    """A pod a preemption could remove from its node."""

    key: Key
    priority: int
    start: str  # GetPodStartTime: status.startTime, or now for a pod not started
    labels: tuple[tuple[str, str], ...]
    contribution: Contribution


@dataclass(frozen=True)
class Candidate:
    node: str
    victims: tuple[Victim, ...]  # most important first (MoreImportantPod)
    pdb_violations: int


def _terminating_by_preemption(pod: Obj) -> bool:
    """podTerminatingByPreemption: being deleted, with the scheduler's DisruptionTarget condition."""
    return bool(pod["metadata"].get("deletionTimestamp")) and any(
        c.get("type") == "DisruptionTarget" and c.get("status") == "True" and c.get("reason") == PREEMPTED_REASON
        for c in (pod.get("status") or {}).get("conditions") or [])


def _more_important_first(v: Victim) -> tuple[int, str]:
    return (-v.priority, v.start)


def _without(node: NodeInfo, victims: list[Victim]) -> NodeInfo:
    """A copy of the node's accounting with ``victims`` removed."""
    info = NodeInfo(node.name, node.exists, node.labels, node.taints, node.unschedulable, node.allocatable,
                    Counter(node.requested), node.nonzero_cpu, node.nonzero_mem, node.pod_count, Counter(node.ports),
                    Counter(node.owners), Counter(node.priorities))
    for v in victims:
        _apply(info, v.contribution, -1)
    return info


def with_nominated(node: NodeInfo, nominated: list[Contribution]) -> NodeInfo:
    """addNominatedPods: a copy of the node's accounting with the pods nominated to it added (the
    caller picks those of at least the incoming pod's priority, itself excluded)."""
    if not nominated:
        return node
    info = _without(node, [])
    for c in nominated:
        _apply(info, c, +1)
    return info


def pdb_split(victims: list[Victim], pdbs: list[Obj]) -> tuple[list[Victim], list[Victim]]:
    """filterPodsWithPDBViolation: (violating, non-violating), each in the given order; a matching
    budget's disruptionsAllowed is spent pod by pod (pods in its disruptedPods are not counted)."""
    from .controllers.disruption import pdb_selects

    allowed = [int((pdb.get("status") or {}).get("disruptionsAllowed") or 0) for pdb in pdbs]
    violating, fine = [], []
    for v in victims:
        violated = False
        if v.labels:
            ns, name = v.key[1], v.key[2]
            pod = {"metadata": {"namespace": ns, "name": name, "labels": dict(v.labels)}}
            for i, pdb in enumerate(pdbs):
                if pdb["metadata"].get("namespace") != ns or not pdb_selects(pdb, pod):
                    continue
                if name in ((pdb.get("status") or {}).get("disruptedPods") or {}):
                    continue
                allowed[i] -= 1
                if allowed[i] < 0:
                    violated = True
        (violating if violated else fine).append(v)
    return violating, fine


def select_victims(pod: PodInfo, node: NodeInfo, on_node: list[Victim],
                   pdbs: list[Obj]) -> Candidate | NodeStatus:
    """SelectVictimsOnNode: remove every lower-priority pod; if the pod then fits, add them back one
    by one, most important first (PDB-violating ones before the others), keeping as victims only
    those without which it no longer fits. The Candidate, or the status saying why there is none."""
    potential = sorted((v for v in on_node if v.priority < pod.priority), key=_more_important_first)
    if not potential:
        return NodeStatus("DefaultPreemption", (NO_VICTIMS,), False)
    trial = _without(node, potential)
    status = filter_node(pod, trial)
    if status is not None:
        return status
    violating, fine = pdb_split(potential, pdbs)
    victims: list[Victim] = []
    violations = 0
    for group, counts in ((violating, True), (fine, False)):
        for v in group:
            _apply(trial, v.contribution, +1)
            if filter_node(pod, trial) is not None:
                _apply(trial, v.contribution, -1)
                victims.append(v)
                violations += counts
    if violating and fine:
        victims.sort(key=_more_important_first)
    return Candidate(node.name, tuple(victims), violations)


def num_candidates(potential: int) -> int:
    """calculateNumCandidates: how many candidate nodes the dry run looks for among ``potential``."""
    n = potential * MIN_CANDIDATE_NODES_PERCENTAGE // 100
    return min(max(n, MIN_CANDIDATE_NODES_ABSOLUTE), potential)


def pick_candidate(candidates: list[Candidate]) -> Candidate:
    """pickOneNodeForPreemption: fewest PDB violations, then the lowest highest-priority victim, the
    lowest sum of priorities, the fewest victims, the latest start among the highest-priority victims;
    then the first (by node name here; Go's map order is random)."""
    def earliest_top_start(c: Candidate) -> str:
        top = c.victims[0].priority
        return min(v.start for v in c.victims if v.priority == top)

    criteria = (
        lambda c: -c.pdb_violations,
        lambda c: -c.victims[0].priority,
        lambda c: -sum(v.priority + 2 ** 31 for v in c.victims),
        lambda c: -len(c.victims),
    )
    pool = sorted(candidates, key=lambda c: c.node)
    empty = [c for c in pool if not c.victims]
    if empty:
        return empty[0]
    for f in criteria:
        best = max(f(c) for c in pool)
        pool = [c for c in pool if f(c) == best]
        if len(pool) == 1:
            return pool[0]
    latest = max(earliest_top_start(c) for c in pool)
    return next(c for c in pool if earliest_top_start(c) == latest)


# -- the equivalence of pods of one template -------------------------------------------------------
#: the spec fields PodInfo is computed from (with the spreading owner and, per container and init
#: container, ``CONTAINER_FIELDS``): pods equal in them are scheduled alike, whatever their names
TEMPLATE_FIELDS = ("overhead", "tolerations", "nodeSelector", "affinity", "priority", "preemptionPolicy",
                   "nodeName")
#: only these: a container's volumeMounts differ per pod (the service account's ``kube-api-access-*``)
CONTAINER_FIELDS = ("resources", "ports", "restartPolicy")
#: how many templates keep their per-node results (least recently used ones are forgotten)
MAX_TEMPLATES = 64


def template_key(pod: Obj) -> tuple[str | None, str]:
    """An equivalence key for what the Filter and Score plugins read from a pod: its spreading owner
    and the spec fields they read (``repr`` of JSON values is exact: equal keys, equal fields)."""
    spec = pod.get("spec") or {}
    containers = [[[c.get(f) for f in CONTAINER_FIELDS] for c in spec.get(group) or []]
                  for group in ("containers", "initContainers")]
    return spread_owner(pod), repr([containers] + [spec.get(f) for f in TEMPLATE_FIELDS])


class PodTemplate:
    """The incoming pod's plugin inputs, shared by every pod of one template, and per node what
    the Filters decided and the Scores' per-node parts were, valid while the node's ``gen`` holds
    (the generation-checked snapshot of kube-scheduler's cache, kept per template rather than per
    pod): scheduling the next replica re-runs the plugins only on the nodes that changed."""

    __slots__ = ("info", "prefer", "zone_index", "nodes", "node_names")

    def __init__(self, info: PodInfo) -> None:
        self.info = info
        self.prefer = prefer_no_schedule_tolerations(info)
        #: NodeAffinity's PreFilter result (None: every node)
        self.node_names = node_affinity_prefilter(info)
        #: the spreading zone counts may come from the scheduler's index (every node passes the
        #: pod's node affinity), else they are counted over the nodes
        self.zone_index = not info.node_selector and info.required_terms is None
        #: node name → ``entry``
        self.nodes: dict[str, tuple] = {}

    def entry(self, node: NodeInfo) -> tuple:
        """The node's results for this template, computed again only if the node changed:
        (gen, Filter status, TaintToleration raw, NodeAffinity raw, LeastAllocated and
        BalancedAllocation weighted and summed, PodTopologySpread's part as ``spread_scores`` takes
        it); the scores only for a node that passed."""
        got = self.nodes.get(node.name)
        if got is not None and got[0] == node.gen:
            return got
        info = self.info
        status = filter_node(info, node)
        if status is None:
            one = [node]
            labels = node.labels
            fit = (WEIGHTS["NodeResourcesFit"] * least_allocated_scores(info, one)[0]
                   + WEIGHTS["NodeResourcesBalancedAllocation"] * balanced_allocation_scores(info, one)[0])
            owned = node.owners.get(info.spread_owner, 0) if info.spread_owner is not None else 0
            got = (node.gen, None, taint_toleration_raw(self.prefer, node),
                   node_affinity_raw(info, node) if info.preferred_terms else 0, fit,
                   (owned, HOSTNAME_KEY in labels, labels.get(ZONE_KEY)))
        else:
            got = (node.gen, status, 0, 0, 0, (0, False, None))
        self.nodes[node.name] = got
        return got

    def total_scores(self, nodes: list[NodeInfo], zone_counts: dict[str, int] | None,
                     all_nodes: list[NodeInfo]) -> list[int]:
        """``total_scores(self.info, nodes, all_nodes)`` from the entries of ``nodes`` (each just
        checked feasible): only the normalizations over the feasible set are per-pod work.
        ``zone_counts``: the owner's pods per zone from the scheduler's index (None: count them)."""
        info = self.info
        entries = [self.nodes[n.name] for n in nodes]
        top_taint = max(e[2] for e in entries)
        top_aff = max(e[3] for e in entries) if info.preferred_terms else 0
        w_taint, w_aff = WEIGHTS["TaintToleration"], WEIGHTS["NodeAffinity"]
        if top_taint or top_aff:  # the normalizations of TaintToleration (reversed) and NodeAffinity
            totals = [w_taint * (MAX_NODE_SCORE - MAX_NODE_SCORE * e[2] // top_taint if top_taint else MAX_NODE_SCORE)
                      + (w_aff * (MAX_NODE_SCORE * e[3] // top_aff) if top_aff else 0) + e[4] for e in entries]
        else:  # every node scores MAX for the one and 0 for the other
            base = w_taint * MAX_NODE_SCORE
            totals = [base + e[4] for e in entries]
        if info.spread_owner is None:
            return totals
        counts = zone_counts if zone_counts is not None else owner_zone_counts(info, all_nodes)
        w_spread = WEIGHTS["PodTopologySpread"]
        spread = spread_scores([e[5] for e in entries], counts)
        return [t + w_spread * x for t, x in zip(totals, spread, strict=True)]


# -- the controller --------------------------------------------------------------------------------
@dataclass
class Pending:
    attempts: int = 0
    last_attempt: float = 0.0
    unschedulable: bool = False
    spec: Obj | None = None  # the spec last tried (stored object, never mutated)


class Scheduler(Controller):
    name = SCHEDULER_NAME
    watches = ("Pod", "Node", "PersistentVolumeClaim", "PersistentVolume", "StorageClass")

    def __init__(self, cluster) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cluster)
        self.nodes: dict[str, NodeInfo] = {}
        self._contrib: dict[Key, Contribution] = {}
        #: how many of those pods have each priority: a pod can preempt only where a lower one runs
        self._priorities: Counter[int] = Counter()
        self._pending: dict[Key, Pending] = {}
        self._next_start = 0
        #: pods in PreBind: their volumes' binding was written, they wait for it on this node until then
        self._binding: dict[Key, str] = {}
        self._binding_deadline: dict[Key, float] = {}
        #: the nominator: unbound pods with ``status.nominatedNodeName``, per node (what they would add there)
        self._nominated: dict[str, dict[Key, Contribution]] = {}
        self._nominated_on: dict[Key, str] = {}
        #: the last NodeInfo generation handed out
        self._gen = 0
        #: the existing nodes by name (``snapshot``), None once a node came or went
        self._snapshot: list[NodeInfo] | None = None
        #: PodTopologySpread's counts kept on events: per spreading owner, its pods per zone value
        #: on the existing nodes (those that carry the zone label)
        self._zones: dict[str, dict[str, int]] = {}
        #: per-template plugin results (least recently used last out)
        self._templates: OrderedDict[tuple[str | None, str], PodTemplate] = OrderedDict()
        #: counters for benchmarks
        self.attempts = 0
        self.bound = 0

    # -- cache maintenance (cheap; runs inside the store's dispatch) -------------------------------
    def _info(self, name: str) -> NodeInfo:
        info = self.nodes.get(name)
        if info is None:
            info = self.nodes[name] = NodeInfo(name)
        return info

    def _touch(self, info: NodeInfo) -> None:
        self._gen += 1
        info.gen = self._gen

    def _count_zones(self, info: NodeInfo, sign: int) -> None:
        """Add (or take away) the node's pods per owner to the zone counts, if it counts there."""
        zone = info.labels.get(ZONE_KEY)
        if not info.exists or zone is None:
            return
        for owner, n in info.owners.items():
            if n:
                self._count_zone(owner, zone, sign * n)

    def _count_zone(self, owner: str, zone: str, n: int) -> None:
        zones = self._zones.setdefault(owner, {})
        left = zones.get(zone, 0) + n
        if left:
            zones[zone] = left
        else:
            zones.pop(zone, None)
            if not zones:
                del self._zones[owner]

    def _account(self, info: NodeInfo, c: Contribution, sign: int) -> None:
        """One assigned pod added to (or taken from) its node's accounting."""
        _apply(info, c, sign)
        self._touch(info)
        if c.owner is not None and info.exists:
            zone = info.labels.get(ZONE_KEY)
            if zone is not None:
                self._count_zone(c.owner, zone, sign)

    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        if obj["kind"] == "Node":
            name = obj["metadata"]["name"]
            if event.type == "DELETED":
                info = self.nodes.get(name)
                if info is not None:
                    self._count_zones(info, -1)
                    info.exists = False
                    self._touch(info)
                    self._snapshot = None
                    if info.pod_count == 0:
                        del self.nodes[name]
                    for template in self._templates.values():
                        template.nodes.pop(name, None)
                return
            info = self._info(name)
            existed = info.exists
            moved = (existed, info.labels.get(ZONE_KEY)) != (True, (obj["metadata"].get("labels") or {}).get(ZONE_KEY))
            if moved:
                self._count_zones(info, -1)
            changed = info.set_node(obj)
            if moved:
                self._count_zones(info, +1)
            if changed:
                self._touch(info)
                if not existed:
                    self._snapshot = None
                self._cluster_changed()
            return
        if obj["kind"] != "Pod":
            # a claim, volume or class changed: pods waiting for their volumes look again
            for key in sorted(self._binding):
                self.enqueue(key)
            self._cluster_changed()
            return
        self._on_pod(event)

    def _contribution(self, pod: Obj) -> Contribution | None:
        spec = pod.get("spec") or {}
        node = spec.get("nodeName")
        if not node or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            return None
        key = (pod["kind"], pod["metadata"].get("namespace") or "", pod["metadata"]["name"])
        old = self._contrib.get(key)
        terminating = bool(pod["metadata"].get("deletionTimestamp"))
        owner = None if terminating else spread_owner(pod)
        if old is not None and old.node == node:
            # a pod's resources are immutable once bound: reuse them, only the owner count can change
            return old if old.owner == owner else Contribution(node, old.requests, old.nonzero_cpu, old.nonzero_mem,
                                                               old.ports, owner, old.priority)
        req = pod_requests(spec)
        nz = pod_requests(spec, nonzero=True)
        return Contribution(node, tuple(sorted(req.items())), nz.get("cpu", 0), nz.get("memory", 0),
                            tuple(pod_host_ports(spec)), owner, int(spec.get("priority") or 0))

    def _nominate(self, event: WatchEvent) -> None:
        """The scheduling queue's nominator, kept from the pods' ``status.nominatedNodeName``: an
        unbound, live pod with one is counted on that node by other pods' Filters."""
        pod, key = event.obj, event.key
        spec = pod.get("spec") or {}
        node = None if event.type == "DELETED" or spec.get("nodeName") or pod["metadata"].get("deletionTimestamp") \
            else (pod.get("status") or {}).get("nominatedNodeName")
        old = self._nominated_on.get(key)
        if old == node and (node is None or key in self._nominated.get(node, {})):
            return
        if old is not None:
            self._nominated_on.pop(key, None)
            on_old = self._nominated.get(old, {})
            on_old.pop(key, None)
            if not on_old:
                self._nominated.pop(old, None)
        if node:
            req = pod_requests(spec)
            nz = pod_requests(spec, nonzero=True)
            self._nominated.setdefault(node, {})[key] = Contribution(
                node, tuple(sorted(req.items())), nz.get("cpu", 0), nz.get("memory", 0),
                tuple(pod_host_ports(spec)), None, int(spec.get("priority") or 0))
            self._nominated_on[key] = node

    def _nominated_for(self, node: str, key: Key, priority: int) -> list[Contribution]:
        """The pods nominated to ``node`` that a pod of ``priority`` must leave room for."""
        return [c for k, c in self._nominated.get(node, {}).items() if k != key and c.priority >= priority]

    def _on_pod(self, event: WatchEvent) -> None:
        self._nominate(event)
        pod, key = event.obj, event.key
        new = None if event.type == "DELETED" else self._contribution(pod)
        old = self._contrib.get(key)
        if new is not old and new != old:  # (most events reuse the pod's Contribution itself)
            if old is not None:
                info = self._info(old.node)
                self._account(info, old, -1)
                if not info.exists and info.pod_count == 0:
                    del self.nodes[old.node]
                self._priorities[old.priority] -= 1
                if not self._priorities[old.priority]:
                    del self._priorities[old.priority]
            if new is not None:
                self._account(self._info(new.node), new, +1)
                self._contrib[key] = new
                self._priorities[new.priority] += 1
            else:
                self._contrib.pop(key, None)
            if old is not None and (new is None or new.node != old.node):
                self._cluster_changed()  # resources freed on a node
        if event.type == "DELETED":
            self._pending.pop(key, None)
            self._binding.pop(key, None)
            self._binding_deadline.pop(key, None)
            return
        spec = pod.get("spec") or {}
        if spec.get("nodeName") or pod["metadata"].get("deletionTimestamp") \
                or (spec.get("schedulerName") or SCHEDULER_NAME) != SCHEDULER_NAME:
            self._pending.pop(key, None)
            self._binding.pop(key, None)
            self._binding_deadline.pop(key, None)
            return
        entry = self._pending.get(key)
        if entry is None:
            self._pending[key] = Pending(spec=spec)
            self.enqueue(key)
        elif entry.spec != spec:
            # the pod itself changed (tolerations added, scheduling gates removed): worth another try
            entry.spec = spec
            if entry.unschedulable:
                self._retry_after_backoff(key, entry)
            else:
                self.enqueue(key)

    def _backoff(self, entry: Pending) -> float:
        return min(MAX_BACKOFF, INITIAL_BACKOFF * 2 ** max(0, entry.attempts - 1))

    def _retry_after_backoff(self, key: Key, entry: Pending) -> None:
        due = entry.last_attempt + self._backoff(entry) - self.clock.now()
        if due <= 0:
            self.enqueue(key)
        else:
            self.requeue_after(key, due)

    def _cluster_changed(self) -> None:
        """MoveAllToActiveOrBackoffQueue: unschedulable pods get another try after their back-off."""
        for key in sorted(k for k, e in self._pending.items() if e.unschedulable):
            self._retry_after_backoff(key, self._pending[key])

    # -- one scheduling cycle --------------------------------------------------------------------
    def start(self) -> None:
        for pod in self.store.scan("Pod", where=lambda p: not (p.get("spec") or {}).get("nodeName")):
            self._on_pod(WatchEvent("ADDED", 0, pod))

    def snapshot(self) -> list[NodeInfo]:
        """The existing nodes by name (read-only: kept until a node comes or goes)."""
        if self._snapshot is None:
            self._snapshot = [self.nodes[n] for n in sorted(self.nodes) if self.nodes[n].exists]
        return self._snapshot

    def template(self, pod: Obj) -> PodTemplate:
        """The pod's template: its plugin inputs and per-node results, shared with its equals."""
        key = template_key(pod)
        got = self._templates.get(key)
        if got is None:
            got = self._templates[key] = PodTemplate(pod_info(pod))
            if len(self._templates) > MAX_TEMPLATES:
                self._templates.popitem(last=False)
        else:
            self._templates.move_to_end(key)
        return got

    def requested_on(self, node: str) -> dict[str, int]:
        """Read-only: what the pods bound to ``node`` request, from the counters kept on watch
        events (O(1), never a scan): ``cpu`` in millicores, ``memory`` in bytes (zero when no pod
        sets one) and ``pods``, the pods not Succeeded or Failed (terminating ones still count) —
        the same pods ``kubectl describe node`` lists as Non-terminated and sums in "Allocated
        resources"."""
        info = self.nodes.get(node)
        if info is None:
            return {"cpu": 0, "memory": 0, "pods": 0}
        return {"cpu": info.requested.get("cpu", 0), "memory": info.requested.get("memory", 0),
                "pods": info.pod_count}

    def find_nodes(self, pod: PodInfo, nodes: list[NodeInfo], volumes: PodVolumes | None = None,
                   plans: dict[str, VolumePlan] | None = None, key: Key | None = None,
                   template: PodTemplate | None = None,
                   all_nodes: int | None = None) -> tuple[list[NodeInfo], dict[str, NodeStatus]]:
        """findNodesThatPassFilters: from a rotating start, until enough feasible nodes are found
        (``volumes``: the pod's claims, for VolumeBinding; its plan per feasible node into ``plans``).
        RunFilterPluginsWithNominatedPods: on a node where pods of at least this priority are
        nominated (``key``: the pod itself, never counted), the Filters see them as if bound there
        (with them is the stricter of the framework's two passes for these plugins). With the pod's
        ``template`` the Filters run only on nodes changed since its last pod (their results are the
        template's; a node with nominated pods is always checked afresh). ``all_nodes``: how many
        nodes the cluster has when ``nodes`` are a PreFilter's few (the rotating start moves by the
        nodes processed, modulo all of them)."""
        feasible: list[NodeInfo] = []
        statuses: dict[str, NodeStatus] = {}
        n = len(nodes)
        want = num_feasible_nodes_to_find(n)
        processed = 0
        cache = template.nodes if template is not None else {}
        start = self._next_start % n if n else 0
        nominations = self._nominated
        # (from the rotating start round to it: no copy of the whole node list per pod)
        order = itertools.chain(itertools.islice(nodes, start, None), itertools.islice(nodes, start))
        for node in order:
            processed += 1
            name = node.name
            nominated = self._nominated_for(name, key, pod.priority) if name in nominations else None
            if nominated:
                status = filter_node(pod, with_nominated(node, nominated))
            elif template is not None:
                entry = cache.get(name)
                status = (entry if entry is not None and entry[0] == node.gen else template.entry(node))[1]
            else:
                status = filter_node(pod, node)
            if status is None and volumes is not None:
                reasons, plan = volume_filter(volumes, node, self.store)
                if reasons:
                    status = NodeStatus("VolumeBinding", tuple(reasons), False)
                elif plans is not None:
                    plans[node.name] = plan
            if status is None:
                feasible.append(node)
                if len(feasible) >= want:
                    break
            else:
                statuses[node.name] = status
        if n:
            self._next_start = (self._next_start + processed) % (all_nodes or n)
        return feasible, statuses

    def reconcile(self, key: Key) -> None:
        entry = self._pending.get(key)
        pod = self.store.peek(*key)
        if entry is None or pod is None:
            return
        spec = pod.get("spec") or {}
        if spec.get("nodeName") or pod["metadata"].get("deletionTimestamp"):
            self._pending.pop(key, None)
            return
        if spec.get("schedulingGates"):
            entry.spec = spec
            self.api.update_status(self._set_condition(pod, "False", "SchedulingGated",
                                                       "Scheduling is blocked due to non-empty scheduling gates"))
            return
        waiting_on = self._binding.get(key)
        if waiting_on is not None:
            self._wait_for_volumes(key, pod, waiting_on)
            return
        self.attempts += 1
        template = self.template(pod)
        meta = pod["metadata"]
        info = copy.copy(template.info)  # (dataclasses.replace runs the whole __init__ again)
        info.namespace, info.name = meta.get("namespace") or "default", meta["name"]
        nodes = self.snapshot()
        names = template.node_names
        plans: dict[str, VolumePlan] = {}
        volumes: PodVolumes | None = None
        feasible: list[NodeInfo] = []
        if names is not None and not names:  # the PreFilter plugins run in order: NodeAffinity first
            prefilter = ERR_AFFINITY_CONFLICT
            statuses = {n.name: NodeStatus("NodeAffinity", (prefilter,), False) for n in nodes}
        else:
            volumes, prefilter = pod_volumes(pod, self.store)
            if prefilter:
                statuses = {n.name: NodeStatus("VolumeBinding", (prefilter,), False) for n in nodes}
        if not prefilter and names is None:
            feasible, statuses = self.find_nodes(info, nodes, volumes, plans, key, template)
        elif not prefilter:  # the Filters run on the nodes the PreFilter named (those that exist); the others are absent
            named = [self.nodes[n] for n in sorted(names) if n in self.nodes and self.nodes[n].exists]
            feasible, statuses = self.find_nodes(info, named, volumes, plans, key, template, len(nodes))
            if not feasible:
                absent = NodeStatus("NodeAffinity", (ERR_PREFILTER_NODES,), False)
                statuses = {n.name: statuses.get(n.name, absent) for n in nodes}
        if feasible:
            if len(feasible) == 1:
                chosen = feasible[0].name
            else:
                zones = self._zones.get(info.spread_owner, {}) if info.spread_owner and template.zone_index else None
                chosen = select_host([n.name for n in feasible], template.total_scores(feasible, zones, nodes),
                                     self.clock.rng)
            plan = plans.get(chosen)
            if plan is not None and (plan.bind or plan.provision):
                self._pre_bind(plan, chosen)
                self._binding[key] = chosen
                self._binding_deadline[key] = self.clock.now() + BIND_TIMEOUT
                self.requeue_after(key, BIND_TIMEOUT)
                self._wait_for_volumes(key, pod, chosen)
                return
            self._bind(pod, chosen)
            self._pending.pop(key, None)
            return
        if prefilter:
            message = f"0/{len(nodes)} nodes are available: {prefilter}. {preemption_message(info, nodes, statuses)}."
            nominated: str | None = None
        else:
            post, nominated = self._post_filter(pod, info, nodes, statuses)
            message = fit_error(len(nodes), statuses, post)
        entry.attempts += 1
        entry.last_attempt = self.clock.now()
        entry.unschedulable = True
        entry.spec = spec
        failed = self._set_condition(pod, "False", "Unschedulable", message)
        if nominated:
            failed["status"]["nominatedNodeName"] = nominated
        elif nominated == "":
            failed["status"].pop("nominatedNodeName", None)
        self.api.update_status(failed)
        self.recorder.event(pod, "Warning", "FailedScheduling", message, SCHEDULER_NAME)
        self.requeue_after(key, UNSCHEDULABLE_FLUSH)

    # -- PostFilter: DefaultPreemption ----------------------------------------------------------------
    def _victims_on(self, node: str) -> list[Victim]:
        out = []
        for pod in self.store.scan("Pod", node=node):
            key = (pod["kind"], pod["metadata"].get("namespace") or "", pod["metadata"]["name"])
            c = self._contrib.get(key)
            if c is None:
                continue
            start = (pod.get("status") or {}).get("startTime") or self.clock.iso()
            out.append(Victim(key, c.priority, start, tuple(sorted((pod["metadata"].get("labels") or {}).items())), c))
        return out

    def _post_filter(self, pod: Obj, info: PodInfo, nodes: list[NodeInfo],
                     statuses: dict[str, NodeStatus]) -> tuple[str, str | None]:
        """DefaultPreemption.PostFilter: the message part and the nomination (None: unchanged, "":
        cleared, a node: nominated there, its victims being deleted)."""
        if info.preemption_policy == "Never":
            return preemption_message(info, nodes, statuses), None
        key = (pod["kind"], pod["metadata"].get("namespace") or "", pod["metadata"]["name"])
        nominated = (pod.get("status") or {}).get("nominatedNodeName")
        if nominated and nominated in self.nodes and statuses.get(nominated, NodeStatus("", (), True)).resolvable:
            # PodEligibleToPreemptOthers: victims of an earlier preemption are still terminating there
            for victim in self.store.scan("Pod", node=nominated):
                if int((victim.get("spec") or {}).get("priority") or 0) < info.priority \
                        and _terminating_by_preemption(victim):
                    return NOT_ELIGIBLE_TERMINATING, None
        potential = [node for node in nodes if (st := statuses.get(node.name)) is not None and st.resolvable]
        if not any(p < info.priority for p in self._priorities):
            # no pod anywhere has a lower priority: every node's answer is SelectVictimsOnNode's
            # "no victims", without a walk over each node's pods (at 30,000 pods that walk, once per
            # pod that does not fit, was most of the time)
            failures = {node.name: NodeStatus("DefaultPreemption", (NO_VICTIMS,), False) for node in potential}
            return preemption_message(info, nodes, statuses, failures), ""
        pdbs = self.store.list("PodDisruptionBudget") if potential else []
        # DryRunPreemption: from a random offset, until ``wanted`` candidates, one of them violating no
        # PDB (kube-scheduler checks nodes in parallel and cancels; the violating ones are kept up to
        # ``wanted`` too). With every potential node wanted the offset changes nothing: none is drawn.
        wanted = num_candidates(len(potential))
        offset = self.clock.rng.randrange(len(potential)) if wanted < len(potential) else 0
        candidates: list[Candidate] = []
        failures = {}
        clean = violating = 0
        for i in range(len(potential)):
            node = potential[(offset + i) % len(potential)]
            trial = with_nominated(node, self._nominated_for(node.name, key, info.priority))
            found = select_victims(info, trial, self._victims_on(node.name), pdbs)
            if not isinstance(found, Candidate):
                failures[node.name] = found
                continue
            if found.pdb_violations:
                if violating < wanted:
                    violating += 1
                    candidates.append(found)
            else:
                clean += 1
                candidates.append(found)
            if clean and clean + violating >= wanted:
                break
        if not candidates:
            return preemption_message(info, nodes, statuses, failures), ""
        best = pick_candidate(candidates)
        self._prepare_candidate(pod, best)
        return "", best.node

    def _prepare_candidate(self, pod: Obj, best: Candidate) -> None:
        """prepareCandidate: each victim gets the DisruptionTarget condition, is deleted gracefully and
        gets the ``Preempted`` event."""
        scheduler = (pod.get("spec") or {}).get("schedulerName") or SCHEDULER_NAME
        for v in best.victims:
            victim = self.store.get(*v.key)
            if victim is None:
                continue
            conds = victim.setdefault("status", {}).setdefault("conditions", [])
            cond = {"type": "DisruptionTarget", "status": "True", "lastProbeTime": None,
                    "lastTransitionTime": self.clock.iso(), "reason": PREEMPTED_REASON,
                    "message": f"{scheduler}: preempting to accommodate a higher priority pod"}
            old = next((c for c in conds if c.get("type") == "DisruptionTarget"), None)
            if old is None or old.get("status") != "True" or old.get("reason") != PREEMPTED_REASON:
                if old is not None:
                    conds.remove(old)
                conds.append(cond)
                victim = self.api.update_status(victim)
            try:
                self.api.delete("Pod", v.key[1], v.key[2])
            except ApiError:
                continue
            self.recorder.event(victim, "Normal", "Preempted",
                                f"Preempted by pod {pod['metadata'].get('uid', '')} on node {best.node}", SCHEDULER_NAME)

    def _pre_bind(self, plan: VolumePlan, node: str) -> None:
        """VolumeBinding's PreBind writes: each chosen PV's claimRef (bound by the controller), and
        the selected node on each claim to provision (the provisioner creates its PV there)."""
        from .controllers import persistentvolume as pvc_util

        for pv, claim in plan.bind:
            new = self.store.get("PersistentVolume", "", pv["metadata"]["name"])
            if new is None or (new.get("spec") or {}).get("claimRef"):
                continue
            meta = claim["metadata"]
            new["metadata"].setdefault("annotations", {})[pvc_util.ANN_BOUND_BY_CONTROLLER] = "yes"
            new["spec"]["claimRef"] = {"kind": "PersistentVolumeClaim", "namespace": meta["namespace"],
                                       "name": meta["name"], "uid": meta["uid"], "apiVersion": "v1",
                                       "resourceVersion": meta.get("resourceVersion", "")}
            self.store.update(new)
        for claim in plan.provision:
            new = self.store.get("PersistentVolumeClaim", claim["metadata"]["namespace"], claim["metadata"]["name"])
            if new is None:
                continue
            annotations = new["metadata"].setdefault("annotations", {})
            if annotations.get(pvc_util.ANN_SELECTED_NODE) != node:
                annotations[pvc_util.ANN_SELECTED_NODE] = node
                self.store.update(new)

    def _wait_for_volumes(self, key: Key, pod: Obj, node: str) -> None:
        """PreBind's wait: the pod is bound once every claim it names is bound."""
        from .controllers import persistentvolume as pvc_util

        ns = pod["metadata"].get("namespace") or "default"
        claims = [self.store.peek("PersistentVolumeClaim", ns, n) for n in pvc_util.pod_claim_names(pod)]
        if any(c is None for c in claims):
            self._binding.pop(key, None)  # a claim went away: schedule the pod afresh
            self.enqueue(key)
            return
        if all(pvc_util.is_fully_bound(c) for c in claims if c is not None):
            self._binding.pop(key, None)
            self._binding_deadline.pop(key, None)
            self._bind(pod, node)
            self._pending.pop(key, None)
            return
        deadline = self._binding_deadline.get(key, float("inf"))
        if self.clock.now() < deadline:
            self.requeue_after(key, deadline - self.clock.now())
            return
        if deadline < float("inf"):
            # PreBind gave up (bindTimeoutSeconds): a scheduling failure; the pod goes back to the queue
            self._binding.pop(key, None)
            self._binding_deadline.pop(key, None)
            entry = self._pending.get(key)
            message = 'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded'
            self.api.update_status(self._set_condition(pod, "False", "SchedulerError", message))
            self.recorder.event(pod, "Warning", "FailedScheduling", message, SCHEDULER_NAME)
            if entry is not None:
                entry.attempts += 1
                entry.last_attempt = self.clock.now()
                entry.unschedulable = True
                self._retry_after_backoff(key, entry)

    def _set_condition(self, pod: Obj, status: str, reason: str | None, message: str | None) -> Obj:
        """The stored pod with PodScheduled set: a new object and status (the rest shared with the
        stored one, never mutated), for ``store.update(owned=True)`` or ``api.update_status``."""
        stored = self.store.peek(pod["kind"], pod["metadata"].get("namespace") or "", pod["metadata"]["name"])
        assert stored is not None
        st = dict(stored.get("status") or {})
        st.setdefault("phase", "Pending")
        conds = list(st.get("conditions") or [])
        cond: Obj = {"type": "PodScheduled", "status": status, "lastProbeTime": None,
                     "lastTransitionTime": self.clock.iso()}
        if reason:
            cond["reason"] = reason
        if message:
            cond["message"] = message
        for i, c in enumerate(conds):
            if c.get("type") == "PodScheduled":
                if c.get("status") == status:
                    cond["lastTransitionTime"] = c.get("lastTransitionTime")
                conds[i] = cond
                break
        else:
            conds.append(cond)
        st["conditions"] = conds
        return dict(stored, status=st)

    def _bind(self, pod: Obj, node: str) -> None:
        bound = self._set_condition(pod, "True", None, None)
        bound["spec"] = dict(bound["spec"], nodeName=node)
        stored = self.store.update(bound, owned=True)  # spec and status new, the rest shared
        self.bound += 1
        meta = stored["metadata"]
        self.recorder.event(stored, "Normal", "Scheduled",
                            f"Successfully assigned {meta.get('namespace') or 'default'}/{meta['name']} to {node}",
                            SCHEDULER_NAME)
