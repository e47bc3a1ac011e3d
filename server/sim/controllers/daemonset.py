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

import functools
from typing import TYPE_CHECKING

from ..api import ApiError
from ..clock import parse_time
from ..scheduler import NodeInfo, PodInfo, matches_node_affinity, pod_info, tolerated
from ..store import Key, Obj, WatchEvent, deep_copy, key_of
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

    # -- event handlers: only enqueue keys -------------------------------------------------------------------
    @staticmethod
    def _fingerprint(node: Obj) -> tuple:
        return (sorted((node["metadata"].get("labels") or {}).items()),
                [sorted(t.items()) for t in (node.get("spec") or {}).get("taints") or []])

    def _enqueue_all(self) -> None:
        for ds in self.store.scan("DaemonSet"):
            self.enqueue(("DaemonSet", ds["metadata"]["namespace"], ds["metadata"]["name"]))

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
                self._enqueue_all()
                return
            fp = self._fingerprint(obj)
            if self._nodes.get(name) != fp:
                self._nodes[name] = fp
                self._enqueue_all()
            return
        self.enqueue_controller_of(event, "DaemonSet")

    # -- sync -------------------------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        ds = self.store.peek(*key)
        if ds is None:
            for k in [k for k in self._backoff if k[0] == key]:
                del self._backoff[k]
            self._infos.pop((key[1], key[2]), None)
            return
        if ds["metadata"].get("deletionTimestamp"):
            return
        nodes = sorted(self.store.scan("Node"), key=lambda n: n["metadata"]["name"])
        hash_, old_revisions = self._construct_history(key)
        ds = self.store.peek(*key)
        if ds is None:
            return
        acted = self._manage(key, ds, nodes, hash_)
        if not acted and (_strategy(ds).get("type") or "RollingUpdate") == "RollingUpdate":
            self._rolling_update(key, ds, nodes, hash_)
        self._cleanup_history(ds, old_revisions)
        self._update_status(key, nodes, hash_)

    # -- pods per node ----------------------------------------------------------------------------------------

    def _nodes_to_pods(self, ds: Obj) -> dict[str, list[Obj]]:
        """getNodesToDaemonPods: claimed pods by target node, without terminal pods being deleted."""
        out: dict[str, list[Obj]] = {}
        for pod in self.claim(ds):
            phase = (pod.get("status") or {}).get("phase")
            if phase in ("Succeeded", "Failed") and pod["metadata"].get("deletionTimestamp"):
                continue
            node = target_node(pod)
            if node is None:
                continue
            out.setdefault(node, []).append(pod)
        return out

    def _manage(self, key: Key, ds: Obj, nodes: list[Obj], hash_: str) -> bool:
        """manage: create the missing pods, delete the ones that should not be; True if it acted."""
        node_to_pods = self._nodes_to_pods(ds)
        needing: list[str] = []
        to_delete: list[Obj] = []
        for node in nodes:
            n, d = self._pods_should_be_on_node(key, ds, node, node_to_pods, hash_)
            needing += n
            to_delete += d
        # unscheduled pods pinned to a node that no longer exists: nothing else would ever delete them
        names = {n["metadata"]["name"] for n in nodes}
        for node_name in sorted(node_to_pods):
            if node_name not in names:
                to_delete += [p for p in node_to_pods[node_name] if not (p.get("spec") or {}).get("nodeName")]
        return self._sync_nodes(ds, to_delete, needing, hash_)

    def _pods_should_be_on_node(self, key: Key, ds: Obj, node: Obj, node_to_pods: dict[str, list[Obj]],
                                hash_: str) -> tuple[list[str], list[Obj]]:
        name = node["metadata"]["name"]
        should_run, should_continue = node_should_run(node, ds, self._info(ds))
        pods = node_to_pods.get(name)
        if should_run and not pods:
            return [name], []
        to_delete: list[Obj] = []
        if should_continue:
            running: list[Obj] = []
            for pod in pods or []:
                if pod["metadata"].get("deletionTimestamp"):
                    continue
                phase = (pod.get("status") or {}).get("phase")
                if phase == "Failed":
                    # the DaemonSet often fights a kubelet that rejects its pods: back off per node
                    if self._in_backoff(key, name):
                        delay, _ = self._backoff[(key, name)]
                        self.requeue_after(key, delay)
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
                return [], to_delete
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
            return [], to_delete
        if pods:
            to_delete = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
        return [], to_delete

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

    def _sync_nodes(self, ds: Obj, to_delete: list[Obj], needing: list[str], hash_: str) -> bool:
        """syncNodes: at most BurstReplicas creates (slow-start batches) and deletes per sync."""
        creates = needing[:BURST_REPLICAS]
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
                self.requeue_rate_limited(key_of(ds))  # syncDaemonSet's error: retried with the queue's backoff
                break
            self.forget(key_of(ds))
            i += size
            remaining -= size
            batch *= 2
        for pod in to_delete[:BURST_REPLICAS]:
            name = pod["metadata"]["name"]
            try:
                self.api.delete("Pod", pod["metadata"]["namespace"], name)
            except ApiError as e:
                if e.code != 404:
                    self.recorder.event(ds, "Warning", "FailedDelete", f"Error deleting: {e.message}", COMPONENT)
                continue
            self.recorder.event(ds, "Normal", "SuccessfulDelete", f"Deleted pod: {name}", COMPONENT)
        return bool(creates or to_delete)

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

    def _rolling_update(self, key: Key, ds: Obj, nodes: list[Obj], hash_: str) -> None:
        node_to_pods = self._nodes_to_pods(ds)
        by_name = {n["metadata"]["name"]: n for n in nodes}
        desired = sum(1 for n in nodes if node_should_run(n, ds, self._info(ds))[0])
        max_surge, max_unavailable = surge_and_unavailable(ds, desired)
        now, min_ready = self.clock.now(), min_ready_seconds(ds)
        if max_surge == 0:
            unavailable = 0
            replace: list[Obj] = []
            candidates: list[Obj] = []
            for node_name in sorted(node_to_pods):
                new, old, ok = self._updated_pods_on_node(ds, node_to_pods[node_name], hash_)
                if not ok or (new is None) == (old is None):
                    unavailable += 1  # the manage loop sorts this node out
                elif new is not None:
                    if not is_pod_available(new, min_ready, now):
                        unavailable += 1
                elif old is not None:
                    if not is_pod_available(old, min_ready, now):
                        replace.append(old)  # an unavailable old pod is replaced at once
                    elif unavailable < max_unavailable:
                        candidates.append(old)
            budget = min(max(max_unavailable - unavailable, 0), len(candidates))
            self._sync_nodes(ds, replace + candidates[:budget], [], hash_)
            return
        old_to_delete: list[Obj] = []
        should_not_run: list[Obj] = []
        candidate_nodes: list[str] = []
        allowed_nodes: list[str] = []
        surge = available = 0
        for node_name in sorted(node_to_pods):
            new, old, ok = self._updated_pods_on_node(ds, node_to_pods[node_name], hash_)
            if not ok:
                surge += 1
                continue
            counted = old if old is not None else new
            if counted is not None and is_pod_available(counted, min_ready, now):
                available += 1
            if old is None:
                continue
            node = by_name.get(node_name)
            if new is None:
                runs = node is not None and node_should_run(node, ds, self._info(ds))[0]
                if not is_pod_available(old, min_ready, now):
                    if not runs:
                        old_to_delete.append(old)
                    else:
                        allowed_nodes.append(node_name)
                elif not runs:
                    should_not_run.append(old)
                elif surge < max_surge:
                    candidate_nodes.append(node_name)
            elif not is_pod_available(new, min_ready, now):
                surge += 1
            else:
                old_to_delete.append(old)
        # keep 100% availability when pods move between nodes: only delete once others are available
        deletable = min(available - desired, len(should_not_run))
        if deletable > 0:
            old_to_delete += [p for p in should_not_run[:deletable] if is_pod_available(p, min_ready, now)]
        remaining = min(max(max_surge - surge, 0), len(candidate_nodes))
        self._sync_nodes(ds, old_to_delete, allowed_nodes + candidate_nodes[:remaining], hash_)

    # -- history (ControllerRevisions) ------------------------------------------------------------------------
    def _construct_history(self, key: Key) -> tuple[str, list[Obj]]:
        """constructHistory: find or create the revision of the current template; returns its hash
        and the older revisions."""
        ds = self.store.peek(*key)
        assert ds is not None
        ns, uid = ds["metadata"]["namespace"], ds["metadata"]["uid"]
        current: list[Obj] = []
        old: list[Obj] = []
        for rev in self.store.scan("ControllerRevision", ns, owner_uid=uid):
            if (controller_ref(rev) or {}).get("uid") != uid:
                continue
            (current if revision_matches(ds, rev) else old).append(rev)
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
    def _update_status(self, key: Key, nodes: list[Obj], hash_: str) -> None:
        ds = self.store.peek(*key)
        if ds is None:
            return
        node_to_pods = self._nodes_to_pods(ds)
        generation = template_generation(ds)
        now, min_ready = self.clock.now(), min_ready_seconds(ds)
        desired = current = ready = available = updated = misscheduled = 0
        next_available: float | None = None
        for node in nodes:
            should_run, _ = node_should_run(node, ds, self._info(ds))
            pods = node_to_pods.get(node["metadata"]["name"])
            if not should_run:
                if pods:
                    misscheduled += 1
                continue
            desired += 1
            if not pods:
                continue
            current += 1
            pod = oldest_first(pods)[0]
            if is_pod_ready(pod):
                ready += 1
                if is_pod_available(pod, min_ready, now):
                    available += 1
                else:
                    at = available_at(pod, min_ready)
                    if at is not None and (next_available is None or at < next_available):
                        next_available = at
            if is_pod_updated(pod, hash_, generation):
                updated += 1
        old = ds.get("status") or {}
        status: Obj = {k: v for k, v in old.items() if k in ("collisionCount", "conditions")}
        status.update({"currentNumberScheduled": current, "desiredNumberScheduled": desired,
                       "numberMisscheduled": misscheduled, "numberReady": ready})
        for field_name, value in (("numberAvailable", available), ("numberUnavailable", desired - available),
                                  ("observedGeneration", ds["metadata"].get("generation") or 0),
                                  ("updatedNumberScheduled", updated)):
            if value:
                status[field_name] = value
        if status != old:
            new = deep_copy(ds)
            new["status"] = status
            self.api.update_status(new)
        # look again the moment the next ready pod has been ready for minReadySeconds
        if next_available is not None:
            self.requeue_after(key, max(next_available - now, 0) + 0.001)
