"""DaemonSetController: one pod per eligible node (pkg/controller/daemon, k8s-behavior §8.3).

Owns: deciding which nodes should run a DaemonSet's pod (``node_should_run``: the template's
nodeSelector/affinity and the node's NoSchedule/NoExecute taints, judged with the scheduler's own
predicates), claiming pods (adopt matching orphans, release owned ones that stopped matching),
creating a missing pod per node (``generateName: <ds>-``, a controller ownerReference, the automatic
tolerations, the ``controller-revision-hash`` label and the required node affinity
``matchFields metadata.name In [node]`` that pins it), deleting pods on nodes that no longer qualify,
duplicates and failed pods (with the real per-node backoff), RollingUpdate (maxSurge 0: delete old
pods up to maxUnavailable; maxSurge > 0: start the new pod first) and OnDelete, the
ControllerRevision history, the DaemonSet's status and the ``SuccessfulCreate`` /
``SuccessfulDelete`` / ``FailedDaemonPod`` events (source ``daemonset-controller``).

Work proportional to change (issue 11): per DaemonSet the controller keeps what its last look at
each node decided and counted (``_Daemon``: should-run, the node's daemon pods, the status counts and
the rolling update's budgets as counters, old-revision candidates in sorted node lists). A node event
(a join, a taint, a label) or a pod event marks only that node dirty, and a sync looks again only at
the dirty nodes and at those whose next instant has come (a ready pod's minReadySeconds, a backoff's
end). A full pass remains for a DaemonSet first seen or changed (uid, generation, template
generation, current revision). Creates and deletes (at most BurstReplicas each per sync, creates in
slow-start batches) spend kube-controller-manager's client rate limit, ``Controller.client``, and
wait for it on the clock: nodes joining at once get their daemon pods at 30, then 20 a second.

Hands off: pods are created through ``api.create`` (defaulting and admission apply) without a
nodeName — the default scheduler binds them, honouring the matchFields term — and deleted through
``api.delete`` (graceful; the kubelet removes them). Pods of a node that was removed are PodGC's
(nodelifecycle.py), except unscheduled ones, which nothing else would ever delete. The apiserver
side (defaults, the ``deprecated.daemonset.template.generation`` annotation) is not this module's.

Expectations are not needed (the store hands every write to the controllers synchronously), but
their effect is kept: a sync that created or deleted pods does not run the rolling update, which
acts on the next sync, once the changes have been observed ("the replacement is created on the
next sync").
"""

from __future__ import annotations

import bisect
import functools
import heapq
from typing import TYPE_CHECKING

from ..api import ApiError
from ..clock import parse_time
from ..scheduler import NodeInfo, PodInfo, matches_node_affinity, pod_info, tolerated
from ..store import Key, Obj, WatchEvent, deep_copy, matches_selector
from . import Controller
from .deployment_util import (
    available_at,
    compute_hash,
    controller_ref,
    controller_ref_to,
    is_pod_available,
    is_pod_ready,
    min_ready_seconds,
    scaled_value,
)
from .history import revision_data, revision_matches
from .replicaset import pod_from_template

if TYPE_CHECKING:
    from ..cluster import Cluster

COMPONENT = "daemonset-controller"
BURST_REPLICAS = 250
SLOW_START_INITIAL_BATCH = 1
HASH_LABEL = "controller-revision-hash"
GENERATION_LABEL = "pod-template-generation"
GENERATION_ANNOTATION = "deprecated.daemonset.template.generation"
#: failedPodsBackoff = flowcontrol.NewBackOff(1s, 15min)
BACKOFF_INITIAL = 1.0
BACKOFF_MAX = 15 * 60.0

#: util.AddOrUpdateDaemonPodTolerations: never evicted for node problems, run on cordoned nodes
DAEMON_TOLERATIONS: list[Obj] = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
]
#: added for hostNetwork daemon pods
NETWORK_UNAVAILABLE_TOLERATION: Obj = {"key": "node.kubernetes.io/network-unavailable", "operator": "Exists",
                                       "effect": "NoSchedule"}


# -- the pod a DaemonSet wants --------------------------------------------------------------------------------
def _add_or_update_toleration(tolerations: list[Obj], tol: Obj) -> None:
    """v1helper.AddOrUpdateTolerationInPodSpec: same key/operator/value/effect replaces, else append."""
    for i, old in enumerate(tolerations):
        if all((old.get(f) or "") == (tol.get(f) or "") for f in ("key", "operator", "value", "effect")):
            tolerations[i] = dict(tol)
            return
    tolerations.append(dict(tol))


def daemon_pod_spec(template_spec: Obj) -> Obj:
    """The template's spec with the automatic tolerations (util.CreatePodTemplate)."""
    spec = deep_copy(template_spec)
    tolerations = [dict(t) for t in spec.get("tolerations") or []]
    extra = list(DAEMON_TOLERATIONS)
    if spec.get("hostNetwork"):
        extra.append(NETWORK_UNAVAILABLE_TOLERATION)
    for t in extra:
        _add_or_update_toleration(tolerations, t)
    spec["tolerations"] = tolerations
    return spec


def pin_to_node(spec: Obj, node: str) -> None:
    """util.ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes the single
    term ``matchFields metadata.name In [node]``; preferred terms and other affinities stay."""
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
    affinity = spec.setdefault("affinity", {})
    node_affinity = affinity.setdefault("nodeAffinity", {})
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": [term]}


def template_generation(ds: Obj) -> str | None:
    return ((ds["metadata"].get("annotations")) or {}).get(GENERATION_ANNOTATION)


def new_pod(ds: Obj, node: str, hash_: str) -> Obj:
    """The pod the controller creates for ``node``: template + tolerations + hash label + pinning."""
    pod = pod_from_template(ds)
    labels = pod["metadata"].setdefault("labels", {})
    generation = template_generation(ds)
    if generation is not None:
        labels[GENERATION_LABEL] = generation
    labels[HASH_LABEL] = hash_
    pod["spec"] = daemon_pod_spec(pod["spec"])
    pin_to_node(pod["spec"], node)
    return pod


def revision_hash(ds: Obj) -> str:
    return compute_hash(ds["spec"].get("template") or {}, (ds.get("status") or {}).get("collisionCount"))


def revision_object(ds: Obj, hash_: str, revision: int) -> Obj:
    """snapshot: the ControllerRevision ``<ds>-<hash>`` for the current template."""
    labels = dict(((ds["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {})
    labels[HASH_LABEL] = hash_
    meta: Obj = {"name": f"{ds['metadata']['name']}-{hash_}", "namespace": ds["metadata"]["namespace"],
                 "labels": labels, "ownerReferences": [controller_ref_to(ds)]}
    if ds["metadata"].get("annotations"):
        meta["annotations"] = dict(ds["metadata"]["annotations"])
    return {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta,
            "data": revision_data(ds), "revision": revision}


# -- predicates -----------------------------------------------------------------------------------------------
def daemon_pod_info(ds: Obj) -> PodInfo:
    """What the scheduler's predicates need of the DaemonSet's pod (its template + tolerations)."""
    spec = daemon_pod_spec((ds["spec"].get("template") or {}).get("spec") or {})
    return pod_info({"metadata": {"name": ds["metadata"]["name"], "namespace": ds["metadata"]["namespace"]},
                     "spec": spec})


def node_should_run(node: Obj, ds: Obj, info: PodInfo | None = None) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod: (should run, should continue running) for ``ds`` on ``node``.
    ``info`` is ``daemon_pod_info(ds)``, passed in by callers that check many nodes."""
    name = node["metadata"]["name"]
    template_spec = (ds["spec"].get("template") or {}).get("spec") or {}
    if template_spec.get("nodeName") and template_spec["nodeName"] != name:
        return False, False
    if info is None:
        info = daemon_pod_info(ds)
    taints = list((node.get("spec") or {}).get("taints") or [])
    target = NodeInfo(name=name, exists=True, labels=dict(node["metadata"].get("labels") or {}), taints=taints)
    if not matches_node_affinity(info, target):
        return False, False
    untolerated = [t for t in taints if t.get("effect") in ("NoSchedule", "NoExecute")
                   and not tolerated(info.tolerations, t)]
    if untolerated:
        # a scheduled daemon pod keeps running unless a NoExecute taint is untolerated
        return False, not any(t.get("effect") == "NoExecute" for t in untolerated)
    return True, True


def target_node(pod: Obj) -> str | None:
    """util.GetTargetNodeName: spec.nodeName, else the node of the matchFields pinning."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return spec["nodeName"]
    required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    for term in required.get("nodeSelectorTerms") or []:
        for req in term.get("matchFields") or []:
            if req.get("key") == "metadata.name" and req.get("operator") == "In":
                values = req.get("values") or []
                return values[0] if len(values) == 1 else None
    return None


def _created(pod: Obj) -> float:
    return parse_time(pod["metadata"].get("creationTimestamp")) or 0.0


def _by_creation_and_phase(a: Obj, b: Obj) -> int:
    """podByCreationTimestampAndPhase: scheduled first, then oldest, then by name."""
    sa, sb = bool((a.get("spec") or {}).get("nodeName")), bool((b.get("spec") or {}).get("nodeName"))
    if sa != sb:
        return -1 if sa else 1
    ta, tb = _created(a), _created(b)
    if ta != tb:
        return -1 if ta < tb else 1
    na, nb = a["metadata"]["name"], b["metadata"]["name"]
    return -1 if na < nb else (1 if na > nb else 0)


def oldest_first(pods: list[Obj]) -> list[Obj]:
    return sorted(pods, key=functools.cmp_to_key(_by_creation_and_phase))


def is_pod_updated(pod: Obj, hash_: str, generation: str | None) -> bool:
    """util.IsPodUpdated: the hash label matches, or the template generation label does."""
    labels = pod["metadata"].get("labels") or {}
    return (bool(hash_) and labels.get(HASH_LABEL) == hash_) or (
        generation is not None and labels.get(GENERATION_LABEL) == generation)


def _strategy(ds: Obj) -> Obj:
    return ds["spec"].get("updateStrategy") or {}


def surge_and_unavailable(ds: Obj, desired: int) -> tuple[int, int]:
    """util.SurgeCount / UnavailableCount (percentages of the desired number, rounded up)."""
    strategy = _strategy(ds)
    if (strategy.get("type") or "RollingUpdate") != "RollingUpdate":
        return 0, 0
    ru = strategy.get("rollingUpdate") or {}
    surge = scaled_value(ru.get("maxSurge", 0) or 0, desired, True)
    unavailable = scaled_value(ru.get("maxUnavailable", 1) if ru.get("maxUnavailable") is not None else 1,
                               desired, True)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def _allows_surge(ds: Obj) -> bool:
    strategy = _strategy(ds)
    if (strategy.get("type") or "RollingUpdate") != "RollingUpdate":
        return False
    surge = (strategy.get("rollingUpdate") or {}).get("maxSurge")
    return surge not in (None, 0, "0", "0%")


# -- what the controller remembers per DaemonSet ----------------------------------------------------------------
#: indexes into a node's counts: the status fields, then the rolling update's two budgets
DESIRED, CURRENT, READY, AVAILABLE, UPDATED, MISSCHEDULED, UNAVAILABLE, SURGE, SURGE_AVAILABLE = range(9)
_ZERO = (0,) * 9


def _sorted_put(ordered: list, item: object, present: bool) -> None:
    """Insert ``item`` into (or remove it from) the sorted list ``ordered``."""
    i = bisect.bisect_left(ordered, item)
    if present:
        ordered.insert(i, item)
    elif i < len(ordered) and ordered[i] == item:
        del ordered[i]


class _NodeRecord:
    """What the last look at one node decided for one DaemonSet: its counts, the pods the rolling
    update could act on there, and what ``manage`` wants done (a create, pod names to delete)."""

    __slots__ = ("counts", "replace", "candidate", "old_delete", "should_not_run", "allowed", "surge_candidate",
                 "needing", "deletes", "gone")

    def __init__(self) -> None:
        self.counts: tuple[int, ...] = _ZERO
        self.replace = self.candidate = self.old_delete = self.should_not_run = None  # pod names
        self.allowed = self.surge_candidate = self.needing = False
        self.deletes: list[str] = []
        self.gone = False  # the node no longer exists (its deletes come after the existing nodes')


class _Daemon:
    """One DaemonSet's view of the cluster, kept up to date from the events since its last sync so
    that a sync costs what changed (a node joining, a pod turning ready), not a walk over every node.

    Rebuilt by a full pass when the DaemonSet itself changes (uid, generation, template generation,
    current revision hash); otherwise only the nodes marked dirty are looked at again. The status
    totals and the rolling update's budgets are counters kept with the per-node records; the node sets
    the rolling update picks from in node order are kept sorted (``bisect``).
    """

    __slots__ = ("uid", "generation", "template_generation", "hash", "pod_node", "by_node", "records", "totals",
                 "replace", "old_delete", "allowed", "candidates", "should_not_run", "surge_candidates",
                 "needing", "deletes", "to_delete", "dirty", "wakes", "wake_at")

    def __init__(self, ds: Obj, hash_: str) -> None:
        meta = ds["metadata"]
        self.uid, self.generation = meta["uid"], meta.get("generation")
        self.template_generation, self.hash = template_generation(ds), hash_
        self.pod_node: dict[str, str | None] = {}  # claimed pod -> its target node
        self.by_node: dict[str, set[str]] = {}  # target node -> claimed pods (getNodesToDaemonPods)
        self.records: dict[str, _NodeRecord] = {}
        self.totals = [0] * 9
        self.replace: set[str] = set()  # nodes whose old pod is unavailable (maxSurge 0)
        self.old_delete: set[str] = set()  # surge: nodes whose old pod goes now
        self.allowed: set[str] = set()  # surge: nodes that get their new pod at once
        self.candidates: list[str] = []  # maxSurge 0: nodes with an available old pod (sorted)
        self.should_not_run: list[str] = []  # surge: available old pods on nodes that no longer qualify
        self.surge_candidates: list[str] = []  # surge: nodes with an available old pod (sorted)
        self.needing: list[str] = []  # nodes that need a pod created (sorted)
        self.deletes: list[tuple[bool, str]] = []  # (gone, node) of the nodes with pods to delete (sorted)
        self.to_delete = 0  # pods to delete, over all nodes
        self.dirty: set[str] = set()  # nodes to look at again
        self.wakes: list[tuple[float, str]] = []  # (when, node): a look again due on the clock
        self.wake_at: dict[str, float] = {}

    def fits(self, ds: Obj, hash_: str) -> bool:
        meta = ds["metadata"]
        return (self.uid == meta["uid"] and self.generation == meta.get("generation") and self.hash == hash_
                and self.template_generation == template_generation(ds))

    def put(self, node: str, rec: _NodeRecord | None) -> None:
        """Replace ``node``'s record (None: forget the node), keeping totals and sets in step."""
        old = self.records.pop(node, None)
        for rec_, sign in ((old, -1), (rec, 1)):
            if rec_ is None:
                continue
            totals = self.totals
            for i, v in enumerate(rec_.counts):
                if v:
                    totals[i] += sign * v
            for attr, members in (("replace", self.replace), ("old_delete", self.old_delete),
                                  ("allowed", self.allowed)):
                if getattr(rec_, attr):
                    members.add(node) if sign > 0 else members.discard(node)
            for attr, ordered in (("candidate", self.candidates), ("should_not_run", self.should_not_run),
                                  ("surge_candidate", self.surge_candidates), ("needing", self.needing)):
                if getattr(rec_, attr):
                    _sorted_put(ordered, node, sign > 0)
            if rec_.deletes:
                _sorted_put(self.deletes, (rec_.gone, node), sign > 0)
                self.to_delete += sign * len(rec_.deletes)
        if rec is not None:
            self.records[node] = rec

    def wake(self, node: str, when: float | None) -> None:
        """Look at ``node`` again at ``when`` (a pod's available-at, a backoff's end)."""
        if when is None:
            self.wake_at.pop(node, None)
        elif self.wake_at.get(node) != when:
            self.wake_at[node] = when
            heapq.heappush(self.wakes, (when, node))

    def due(self, now: float) -> None:
        """Mark dirty the nodes whose look-again time has come."""
        while self.wakes and self.wakes[0][0] <= now + 1e-9:
            when, node = heapq.heappop(self.wakes)
            if self.wake_at.get(node) == when:
                del self.wake_at[node]
                self.dirty.add(node)

    def next_wake(self) -> float | None:
        while self.wakes and self.wake_at.get(self.wakes[0][1]) != self.wakes[0][0]:
            heapq.heappop(self.wakes)  # superseded
        return self.wakes[0][0] if self.wakes else None


class DaemonSetController(Controller):
    name = COMPONENT
    watches = ("DaemonSet", "Pod", "Node")

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        #: what of each node the predicates read (labels, taints): other node updates are ignored
        self._nodes: dict[str, tuple] = {}
        #: failedPodsBackoff: (ds key, node) -> (delay, last update)
        self._backoff: dict[tuple[Key, str], tuple[float, float]] = {}
        #: daemon_pod_info per DaemonSet name, with the (uid, generation) it was computed for
        self._infos: dict[tuple[str, str], tuple[tuple, PodInfo]] = {}
        self._daemons: dict[Key, _Daemon] = {}
        #: pods whose events arrived since their DaemonSet's last sync
        self._dirty_pods: dict[Key, set[str]] = {}
        #: (namespace, pod) -> the DaemonSet counting it
        self._pod_owner: dict[tuple[str, str], Key] = {}
        #: revision_matches per DaemonSet, for its (uid, generation): {(revision uid, resourceVersion): bool}
        self._matches: dict[Key, tuple[tuple, dict[tuple[str, str], bool]]] = {}

    def _revision_matches(self, key: Key, ds: Obj, rev: Obj) -> bool:
        """revision_matches, compared once per template and revision rather than on every sync."""
        meta = ds["metadata"]
        version = (meta["uid"], meta.get("generation"))
        cached = self._matches.get(key)
        if cached is None or cached[0] != version:
            cached = self._matches[key] = (version, {})
        rev_meta = rev["metadata"]
        seen = (rev_meta["uid"], rev_meta.get("resourceVersion"))
        found = cached[1].get(seen)
        if found is None:
            found = cached[1][seen] = revision_matches(ds, rev)
        return found

    def _info(self, ds: Obj) -> PodInfo:
        """daemon_pod_info, computed once per template rather than once per node and sync."""
        meta = ds["metadata"]
        name, version = (meta["namespace"], meta["name"]), (meta["uid"], meta.get("generation"))
        cached = self._infos.get(name)
        if cached is None or cached[0] != version:
            cached = self._infos[name] = (version, daemon_pod_info(ds))
        return cached[1]

    def start(self) -> None:
        for node in self.store.scan("Node"):
            self._nodes[node["metadata"]["name"]] = self._fingerprint(node)
        for ds in self.store.scan("DaemonSet"):
            self.enqueue(("DaemonSet", ds["metadata"]["namespace"], ds["metadata"]["name"]))

    # -- event handlers: only enqueue keys (and note which nodes and pods changed) ---------------------------
    @staticmethod
    def _fingerprint(node: Obj) -> tuple:
        return (sorted((node["metadata"].get("labels") or {}).items()),
                [sorted(t.items()) for t in (node.get("spec") or {}).get("taints") or []])

    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        kind = obj["kind"]
        if kind == "DaemonSet":
            self.enqueue(event.key)
            return
        if kind == "Node":
            name = obj["metadata"]["name"]
            if event.type == "DELETED":
                self._nodes.pop(name, None)
            else:
                fp = self._fingerprint(obj)
                if self._nodes.get(name) == fp:
                    return  # a heartbeat, a status write: nothing the predicates read
                self._nodes[name] = fp
            # the node concerns every DaemonSet, but only that node of each
            for ds in self.store.scan("DaemonSet"):
                key = ("DaemonSet", ds["metadata"]["namespace"], ds["metadata"]["name"])
                daemon = self._daemons.get(key)
                if daemon is not None:
                    daemon.dirty.add(name)
                self.enqueue(key)
            return
        ns, name = obj["metadata"].get("namespace") or "", obj["metadata"]["name"]
        ref = controller_ref(obj)
        owner = ("DaemonSet", ns, ref["name"]) if ref is not None and ref.get("kind") == "DaemonSet" else None
        if owner is not None:
            self._touch(owner, name)
        counting = self._pod_owner.get((ns, name))
        if counting is not None and counting != owner:
            self._touch(counting, name)  # released or handed over: its old owner looks again
        if ref is not None or event.type == "DELETED":
            return
        labels = obj["metadata"].get("labels") or {}
        for ds in self.store.scan("DaemonSet", ns):  # an orphan: every DaemonSet that could adopt it
            if matches_selector(labels, ds["spec"].get("selector")):
                self._touch(("DaemonSet", ns, ds["metadata"]["name"]), name)

    def _touch(self, key: Key, pod: str) -> None:
        self._dirty_pods.setdefault(key, set()).add(pod)
        self.enqueue(key)

    # -- sync -------------------------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        ds = self.store.peek(*key)
        if ds is None:
            for k in [k for k in self._backoff if k[0] == key]:
                del self._backoff[k]
            self._infos.pop((key[1], key[2]), None)
            self._matches.pop(key, None)
            self._dirty_pods.pop(key, None)
            self._forget(key)
            return
        if ds["metadata"].get("deletionTimestamp"):
            return
        hash_, old_revisions = self._construct_history(key)
        ds = self.store.peek(*key)
        if ds is None:
            return
        daemon = self._daemons.get(key)
        if daemon is None or not daemon.fits(ds, hash_):
            daemon = self._full_pass(key, ds, hash_)
        else:
            daemon.due(self.clock.now())
            self._refresh(key, ds, daemon, decide=True)
        acted = self._manage(key, ds, daemon, hash_)
        if not acted and (_strategy(ds).get("type") or "RollingUpdate") == "RollingUpdate":
            self._rolling_update(key, ds, daemon, hash_)
        self._cleanup_history(ds, old_revisions)
        # count what this sync's own writes changed; what manage wants of those nodes is decided next sync
        self._refresh(key, ds, daemon, decide=False)
        self._update_status(key, daemon)

    def _forget(self, key: Key) -> None:
        daemon = self._daemons.pop(key, None)
        if daemon is not None:
            for pod in daemon.pod_node:
                if self._pod_owner.get((key[1], pod)) == key:
                    del self._pod_owner[(key[1], pod)]

    def _full_pass(self, key: Key, ds: Obj, hash_: str) -> _Daemon:
        """First sight of the DaemonSet, or it changed: claim its pods and look at every node."""
        self._forget(key)
        self._dirty_pods.pop(key, None)
        daemon = self._daemons[key] = _Daemon(ds, hash_)
        for pod in self.claim(ds):
            self._count_pod(key, daemon, pod)
        daemon.dirty.update(n["metadata"]["name"] for n in self.store.scan("Node"))
        daemon.dirty.update(daemon.by_node)
        self._refresh(key, ds, daemon, decide=True)
        return daemon

    def _refresh(self, key: Key, ds: Obj, daemon: _Daemon, decide: bool) -> None:
        """Re-claim the pods whose events arrived, then look again at the dirty nodes."""
        for name in sorted(self._dirty_pods.pop(key, ())):
            self._claim_one(key, ds, daemon, name)
        for node in sorted(daemon.dirty):
            self._look_at(key, ds, daemon, node, decide)
        if decide:
            daemon.dirty.clear()

    # -- pods per node ----------------------------------------------------------------------------------------
    def _count_pod(self, key: Key, daemon: _Daemon, pod: Obj) -> None:
        """A claimed pod joins getNodesToDaemonPods (unless terminal and being deleted)."""
        name = pod["metadata"]["name"]
        self._pod_owner[(key[1], name)] = key
        phase = (pod.get("status") or {}).get("phase")
        node = None
        if not (phase in ("Succeeded", "Failed") and pod["metadata"].get("deletionTimestamp")):
            node = target_node(pod)
        daemon.pod_node[name] = node
        if node is not None:
            daemon.by_node.setdefault(node, set()).add(name)
            daemon.dirty.add(node)

    def _claim_one(self, key: Key, ds: Obj, daemon: _Daemon, name: str) -> None:
        """ClaimObject for one pod whose event arrived: keep, release or adopt it."""
        ns = key[1]
        if name in daemon.pod_node:
            node = daemon.pod_node.pop(name)
            if self._pod_owner.get((ns, name)) == key:
                del self._pod_owner[(ns, name)]
            if node is not None:
                members = daemon.by_node[node]
                members.discard(name)
                if not members:
                    del daemon.by_node[node]
                daemon.dirty.add(node)
        pod = self.store.peek("Pod", ns, name)
        if pod is None:
            return
        uid, selector = ds["metadata"]["uid"], ds["spec"].get("selector")
        ref = controller_ref(pod)
        matches = bool(selector) and matches_selector(pod["metadata"].get("labels"), selector)
        if ref is not None and ref.get("uid") == uid:
            if matches:
                self._count_pod(key, daemon, pod)
            else:
                self.release(pod, uid)
        elif ref is None and matches and not pod["metadata"].get("deletionTimestamp"):
            self._count_pod(key, daemon, self.adopt(pod, ds))

    def _look_at(self, key: Key, ds: Obj, daemon: _Daemon, node_name: str, decide: bool) -> None:
        """One node's share of manage, rollingUpdate and updateDaemonSetStatus, as of now."""
        ns = key[1]
        node = self.store.peek("Node", "", node_name)
        pods = [p for n in sorted(daemon.by_node.get(node_name, ()))
                if (p := self.store.peek("Pod", ns, n)) is not None]
        old = daemon.records.get(node_name)
        if node is None and not pods:
            daemon.put(node_name, None)
            daemon.wake(node_name, None)
            return
        rec = _NodeRecord()
        now, min_ready = self.clock.now(), min_ready_seconds(ds)
        should_run, should_continue = node_should_run(node, ds, self._info(ds)) if node is not None else (False,
                                                                                                           False)
        counts = [0] * 9
        wake: float | None = None
        for pod in pods:  # the instant a ready pod becomes available changes what every count says
            at = available_at(pod, min_ready)
            if at is not None and min_ready and at >= now and (wake is None or at + 0.001 < wake):
                wake = at + 0.001
        hash_, generation = daemon.hash, daemon.template_generation
        # updateDaemonSetStatus
        if node is not None:
            if not should_run:
                counts[MISSCHEDULED] = int(bool(pods))
            else:
                counts[DESIRED] = 1
                if pods:
                    counts[CURRENT] = 1
                    pod = oldest_first(pods)[0]
                    if is_pod_ready(pod):
                        counts[READY] = 1
                        counts[AVAILABLE] = int(is_pod_available(pod, min_ready, now))
                    counts[UPDATED] = int(is_pod_updated(pod, hash_, generation))
        # rollingUpdate, both shapes (which applies depends on maxSurge, a share of the desired total)
        if pods:
            new, old_pod, ok = self._updated_pods_on_node(ds, pods, hash_)
            if not ok or (new is None) == (old_pod is None):
                counts[UNAVAILABLE] = 1  # the manage loop sorts this node out
            elif new is not None:
                counts[UNAVAILABLE] = int(not is_pod_available(new, min_ready, now))
            elif old_pod is not None:
                if not is_pod_available(old_pod, min_ready, now):
                    rec.replace = old_pod["metadata"]["name"]  # an unavailable old pod is replaced at once
                else:
                    rec.candidate = old_pod["metadata"]["name"]
            if not ok:
                counts[SURGE] = 1
            else:
                counted = old_pod if old_pod is not None else new
                counts[SURGE_AVAILABLE] = int(counted is not None and is_pod_available(counted, min_ready, now))
                if old_pod is not None and new is None:
                    if not is_pod_available(old_pod, min_ready, now):
                        if not should_run:
                            rec.old_delete = old_pod["metadata"]["name"]
                        else:
                            rec.allowed = True
                    elif not should_run:
                        rec.should_not_run = old_pod["metadata"]["name"]
                    else:
                        rec.surge_candidate = True
                elif old_pod is not None:
                    if not is_pod_available(new, min_ready, now):
                        counts[SURGE] = 1
                    else:
                        rec.old_delete = old_pod["metadata"]["name"]
        rec.counts = tuple(counts)
        # manage
        if not decide:
            if old is not None:
                rec.needing, rec.deletes, rec.gone = old.needing, old.deletes, old.gone
        elif node is None:
            # unscheduled pods pinned to a node that no longer exists: nothing else would ever delete them
            rec.gone = True
            rec.deletes = [p["metadata"]["name"] for p in pods if not (p.get("spec") or {}).get("nodeName")]
        else:
            pending = set(old.deletes) if old is not None else set()
            needing, to_delete, backoff = self._pods_should_be_on_node(
                key, ds, node_name, should_run, should_continue, pods, hash_, pending)
            rec.needing, rec.deletes = needing, [p["metadata"]["name"] for p in to_delete]
            if backoff is not None and (wake is None or backoff < wake):
                wake = backoff
        if not decide:  # a backoff found by the last decision still stands
            kept = daemon.wake_at.get(node_name)
            if kept is not None and (wake is None or kept < wake):
                wake = kept
        daemon.put(node_name, rec)
        daemon.wake(node_name, wake)

    def _pods_should_be_on_node(self, key: Key, ds: Obj, name: str, should_run: bool, should_continue: bool,
                                pods: list[Obj], hash_: str, pending: set[str]
                                ) -> tuple[bool, list[Obj], float | None]:
        """podsShouldBeOnNode: (needs a pod, pods to delete, when a backoff ends)."""
        if should_run and not pods:
            return True, [], None
        to_delete: list[Obj] = []
        backoff: float | None = None
        if should_continue:
            running: list[Obj] = []
            for pod in pods:
                if pod["metadata"].get("deletionTimestamp"):
                    continue
                phase = (pod.get("status") or {}).get("phase")
                if phase == "Failed":
                    if pod["metadata"]["name"] in pending:
                        to_delete.append(pod)  # already found and reported, its delete still to go
                        continue
                    # the DaemonSet often fights a kubelet that rejects its pods: back off per node
                    if self._in_backoff(key, name):
                        delay, _ = self._backoff[(key, name)]
                        backoff = self.clock.now() + delay
                        continue
                    self._next_backoff(key, name)
                    self.recorder.event(ds, "Warning", "FailedDaemonPod",
                                        f"Found failed daemon pod {pod['metadata']['namespace']}/"
                                        f"{pod['metadata']['name']} on node {name}, will try to kill it", COMPONENT)
                    to_delete.append(pod)
                elif phase == "Succeeded":
                    to_delete.append(pod)
                else:
                    running.append(pod)
            if not _allows_surge(ds):
                # more than one pod on the node: all but the oldest go
                to_delete += oldest_first(running)[1:]
                return False, to_delete, backoff
            # surge: at most one pod of the current revision and one older one; the older goes once
            # it is not ready or the new one is available
            oldest_new = oldest_old = None
            for pod in oldest_first(running):
                if (pod["metadata"].get("labels") or {}).get(HASH_LABEL) == hash_:
                    if oldest_new is None:
                        oldest_new = pod
                        continue
                elif oldest_old is None:
                    oldest_old = pod
                    continue
                to_delete.append(pod)
            if oldest_new is not None and oldest_old is not None:
                if not is_pod_ready(oldest_old) or is_pod_available(oldest_new, min_ready_seconds(ds),
                                                                    self.clock.now()):
                    to_delete.append(oldest_old)
            return False, to_delete, backoff
        return False, [p for p in pods if not p["metadata"].get("deletionTimestamp")], backoff

    def _in_backoff(self, key: Key, node: str) -> bool:
        entry = self._backoff.get((key, node))
        return entry is not None and self.clock.now() - entry[1] < entry[0]

    def _next_backoff(self, key: Key, node: str) -> None:
        now = self.clock.now()
        entry = self._backoff.get((key, node))
        if entry is None or now - entry[1] > 2 * BACKOFF_MAX:
            delay = BACKOFF_INITIAL
        else:
            delay = min(entry[0] * 2, BACKOFF_MAX)
        self._backoff[(key, node)] = (delay, now)

    def _manage(self, key: Key, ds: Obj, daemon: _Daemon, hash_: str) -> bool:
        """manage: create the missing pods, delete the ones that should not be; True if it acted.
        Existing nodes come first in name order, then the nodes that are gone."""
        to_delete: list[str] = []
        for _, node in daemon.deletes:  # the first BurstReplicas of them: a backlog is not walked per sync
            to_delete += daemon.records[node].deletes
            if len(to_delete) >= BURST_REPLICAS:
                break
        return self._sync_nodes(key, ds, to_delete, daemon.needing[:BURST_REPLICAS], hash_,
                                len(daemon.needing) + daemon.to_delete)

    def _sync_nodes(self, key: Key, ds: Obj, to_delete: list[str], needing: list[str], hash_: str,
                    wanted: int | None = None) -> bool:
        """syncNodes: at most BurstReplicas creates (slow-start batches) and deletes per sync, and no
        faster than the client's rate limiter lets them go: the rest waits for it on the clock.
        ``wanted``: how many there are in all, when the lists hold only the first of them."""
        if not to_delete and not needing:
            return False
        creates, deletes = needing[:BURST_REPLICAS], to_delete[:BURST_REPLICAS]
        granted = self.client.take(len(creates) + len(deletes))
        if wanted is None:
            wanted = len(needing) + len(to_delete)
        if granted < wanted:
            self.requeue_after(key, self.client.wait(wanted - granted))
        creates = creates[:granted]
        deletes = deletes[:granted - len(creates)]
        remaining, batch, i = len(creates), SLOW_START_INITIAL_BATCH, 0
        while remaining > 0:
            size = min(batch, remaining)
            failed = False
            for node in creates[i:i + size]:
                try:
                    pod = self.api.create(new_pod(ds, node, hash_))
                except ApiError as e:
                    failed = True
                    self.recorder.event(ds, "Warning", "FailedCreate", f"Error creating: {e.message}", COMPONENT)
                    continue
                self.recorder.event(ds, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}",
                                    COMPONENT)
            if failed:
                self.requeue_rate_limited(key)  # syncDaemonSet's error: retried with the queue's backoff
                break
            self.forget(key)
            i += size
            remaining -= size
            batch *= 2
        for name in deletes:
            try:
                self.api.delete("Pod", key[1], name)
            except ApiError as e:
                if e.code != 404:
                    self.recorder.event(ds, "Warning", "FailedDelete", f"Error deleting: {e.message}", COMPONENT)
                continue
            self.recorder.event(ds, "Normal", "SuccessfulDelete", f"Deleted pod: {name}", COMPONENT)
        return True

    # -- rolling update (update.go) ---------------------------------------------------------------------------
    def _updated_pods_on_node(self, ds: Obj, pods: list[Obj], hash_: str) -> tuple[Obj | None, Obj | None, bool]:
        """findUpdatedPodsOnNode: (new pod, old pod, ok) — not ok with two of either kind."""
        generation = template_generation(ds)
        new = old = None
        for pod in pods:
            if pod["metadata"].get("deletionTimestamp"):
                continue
            if is_pod_updated(pod, hash_, generation):
                if new is not None:
                    return None, None, False
                new = pod
            else:
                if old is not None:
                    return None, None, False
                old = pod
        return new, old, True

    def _rolling_update(self, key: Key, ds: Obj, daemon: _Daemon, hash_: str) -> None:
        """rollingUpdate from the kept counts: it has work only while old pods exist, and then picks
        the first nodes (in name order) the budget allows. (Whether a candidate came before the budget
        ran out in the real loop's order only matters once the budget is spent, and then none goes.)"""
        totals, records = daemon.totals, daemon.records
        max_surge, max_unavailable = surge_and_unavailable(ds, totals[DESIRED])
        if max_surge == 0:
            if not daemon.replace and not daemon.candidates:
                return
            budget = min(max(max_unavailable - totals[UNAVAILABLE], 0), len(daemon.candidates))
            replace = [records[n].replace for n in sorted(daemon.replace)]
            chosen = [records[n].candidate for n in daemon.candidates[:budget]]
            self._sync_nodes(key, ds, replace + chosen, [], hash_)  # type: ignore[operator]
            return
        if not (daemon.old_delete or daemon.should_not_run or daemon.allowed or daemon.surge_candidates):
            return
        now, min_ready = self.clock.now(), min_ready_seconds(ds)
        old_to_delete: list[str] = [records[n].old_delete for n in sorted(daemon.old_delete)]  # type: ignore[misc]
        # keep 100% availability when pods move between nodes: only delete once others are available
        deletable = min(totals[SURGE_AVAILABLE] - totals[DESIRED], len(daemon.should_not_run))
        for n in daemon.should_not_run[:max(deletable, 0)]:
            pod = self.store.peek("Pod", key[1], records[n].should_not_run or "")
            if pod is not None and is_pod_available(pod, min_ready, now):
                old_to_delete.append(pod["metadata"]["name"])
        remaining = min(max(max_surge - totals[SURGE], 0), len(daemon.surge_candidates))
        self._sync_nodes(key, ds, old_to_delete, sorted(daemon.allowed) + daemon.surge_candidates[:remaining], hash_)

    # -- history (ControllerRevisions) ------------------------------------------------------------------------
    def _construct_history(self, key: Key) -> tuple[str, list[Obj]]:
        """constructHistory: find or create the revision of the current template; returns its hash
        and the older revisions."""
        ds = self.store.peek(*key)
        assert ds is not None
        ns, uid = ds["metadata"]["namespace"], ds["metadata"]["uid"]
        current: list[Obj] = []
        old: list[Obj] = []
        # by namespace, not through the owner index: that holds every pod of the DaemonSet too
        for rev in self.store.scan("ControllerRevision", ns):
            if (controller_ref(rev) or {}).get("uid") != uid:
                continue
            (current if self._revision_matches(key, ds, rev) else old).append(rev)
        next_revision = max([int(r.get("revision") or 0) for r in old] or [0]) + 1
        if current:
            cur = max(current, key=lambda r: int(r.get("revision") or 0))
            if int(cur.get("revision") or 0) < next_revision:
                bumped = deep_copy(cur)
                bumped["revision"] = next_revision
                self.store.update(bumped)
            return (cur["metadata"].get("labels") or {}).get(HASH_LABEL) or revision_hash(ds), old
        while True:
            hash_ = revision_hash(ds)
            revision = revision_object(ds, hash_, next_revision)
            try:
                self.api.create(revision)
                return hash_, old
            except ApiError as e:
                if e.code != 409:
                    return hash_, old
            existing = self.store.peek("ControllerRevision", ns, revision["metadata"]["name"])
            if existing is not None and (controller_ref(existing) or {}).get("uid") == uid \
                    and revision_matches(ds, existing):
                return hash_, old
            # a hash collision with someone else's revision: bump collisionCount and hash again
            new = deep_copy(ds)
            status = new.setdefault("status", {})
            status["collisionCount"] = int(status.get("collisionCount") or 0) + 1
            self.api.update_status(new)
            ds = self.store.peek(*key)
            assert ds is not None

    def _cleanup_history(self, ds: Obj, old: list[Obj]) -> None:
        limit = ds["spec"].get("revisionHistoryLimit")
        to_kill = len(old) - (10 if limit is None else int(limit))
        if to_kill <= 0:
            return
        live = {(p["metadata"].get("labels") or {}).get(HASH_LABEL)
                for p in self.store.scan("Pod", ds["metadata"]["namespace"], owner_uid=ds["metadata"]["uid"])}
        for rev in sorted(old, key=lambda r: int(r.get("revision") or 0)):
            if to_kill <= 0:
                break
            if (rev["metadata"].get("labels") or {}).get(HASH_LABEL) in live:
                continue
            try:
                self.api.delete("ControllerRevision", rev["metadata"]["namespace"], rev["metadata"]["name"])
            except ApiError:
                pass
            to_kill -= 1

    # -- status -----------------------------------------------------------------------------------------------
    def _update_status(self, key: Key, daemon: _Daemon) -> None:
        ds = self.store.peek(*key)
        if ds is None:
            return
        totals = daemon.totals
        desired, available = totals[DESIRED], totals[AVAILABLE]
        old = ds.get("status") or {}
        status: Obj = {k: v for k, v in old.items() if k in ("collisionCount", "conditions")}
        status.update({"currentNumberScheduled": totals[CURRENT], "desiredNumberScheduled": desired,
                       "numberMisscheduled": totals[MISSCHEDULED], "numberReady": totals[READY]})
        for field_name, value in (("numberAvailable", available), ("numberUnavailable", desired - available),
                                  ("observedGeneration", ds["metadata"].get("generation") or 0),
                                  ("updatedNumberScheduled", totals[UPDATED])):
            if value:
                status[field_name] = value
        if status != old:
            new = deep_copy(ds)
            new["status"] = status
            self.api.update_status(new)
        # look again the moment a node's next pod becomes available or its backoff ends
        when = daemon.next_wake()
        if when is not None:
            self.requeue_after(key, max(when - self.clock.now(), 0))
