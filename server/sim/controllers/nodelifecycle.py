"""Node lifecycle: noticing dead nodes, tainting them, and evicting their pods (k8s-behavior §5, v1.32).

Owns three control loops of kube-controller-manager that all hinge on node health:

* **node-lifecycle-controller** — every 5 s (``--node-monitor-period``) it compares each node's
  Lease (``kube-node-lease/<node>``, renewed by the kubelet every 10 s) with what it saw before; a
  node not heard from for more than 50 s (``--node-monitor-grace-period``, v1.32) gets Ready,
  MemoryPressure, DiskPressure and PIDPressure = Unknown (``NodeStatusUnknown``), the event
  ``NodeNotReady``, and its pods' Ready condition set to False (Warning ``NodeNotReady`` on each).
  It mirrors conditions into NoSchedule taints (``unreachable``, ``not-ready``, pressure taints,
  ``unschedulable`` for cordoned nodes) and, through a per-zone rate-limited queue (0.1 nodes/s;
  partial disruption: 0 below 50 nodes; full disruption: no taints at all), adds the
  ``unreachable``/``not-ready`` NoExecute taint. When the kubelet posts Ready again, both go.
* **taint-eviction-controller** — for each pod on a node with NoExecute taints: not tolerated →
  evict now; tolerated for N seconds (the DefaultTolerationSeconds 300) → evict N seconds after
  the taint appeared; tolerated without seconds (DaemonSet pods) → never. Eviction adds the
  DisruptionTarget condition, records ``TaintManagerEviction`` "Marking for deletion Pod ns/x" and
  sends a graceful delete; on a halted machine the pod then stays Terminating. Taints removed in
  time → "Cancelling deletion of Pod ns/x".
* **pod-garbage-collector** (orphans only) — pods bound to a Node object that no longer exists
  are marked Failed and force-deleted after a 40 s quarantine, on its 20 s cycle.

Hands off: the kubelet writes Node conditions and Leases; controllers replace evicted pods.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..clock import Timer, parse_time
from ..scheduler import tolerates
from ..store import Key, Obj, WatchEvent
from . import Controller

NODE_MONITOR_PERIOD = 5.0
NODE_MONITOR_GRACE_PERIOD = 50.0  # v1.32 (PR #126287); 40 s before
NODE_STARTUP_GRACE_PERIOD = 60.0
EVICTION_QPS = 0.1
SECONDARY_EVICTION_QPS = 0.01
LARGE_CLUSTER_THRESHOLD = 50
UNHEALTHY_ZONE_THRESHOLD = 0.55
PODGC_PERIOD = 20.0
PODGC_QUARANTINE = 40.0

NODE_CONTROLLER = "node-controller"
TAINT_EVICTION_CONTROLLER = "taint-eviction-controller"

UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
#: nodeConditionToTaintKeyStatusMap
CONDITION_TAINTS = {
    ("Ready", "False"): NOT_READY,
    ("Ready", "Unknown"): UNREACHABLE,
    ("MemoryPressure", "True"): "node.kubernetes.io/memory-pressure",
    ("DiskPressure", "True"): "node.kubernetes.io/disk-pressure",
    ("NetworkUnavailable", "True"): "node.kubernetes.io/network-unavailable",
    ("PIDPressure", "True"): "node.kubernetes.io/pid-pressure",
}
CONDITION_TAINT_KEYS = frozenset(CONDITION_TAINTS.values()) | {UNSCHEDULABLE}
UNKNOWN_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")

MONITOR_KEY: Key = ("NodeLifecycle", "", "monitor")
TAINT_PASS_KEY: Key = ("NodeLifecycle", "", "noexecute")




def condition(obj: Obj, type_: str) -> Obj | None:
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c.get("type") == type_:
            return c
    return None


def zone_key(node: Obj) -> str:
    """nodetopology.GetZoneKey: region + zone, "" for nodes without topology labels."""
    labels = node["metadata"].get("labels") or {}
    region = labels.get("topology.kubernetes.io/region") or labels.get("failure-domain.beta.kubernetes.io/region", "")
    zone = labels.get("topology.kubernetes.io/zone") or labels.get("failure-domain.beta.kubernetes.io/zone", "")
    return f"{region}:\x00:{zone}" if region or zone else ""


def noexecute_taints(node: Obj | None) -> list[Obj]:
    if node is None:
        return []
    return [t for t in (node.get("spec") or {}).get("taints") or [] if t.get("effect") == "NoExecute"]




def matching_tolerations(taints: list[Obj], tolerations: list[Obj]) -> tuple[bool, list[Obj]]:
    """v1helper.GetMatchingTolerations: are all taints tolerated, and by which tolerations."""
    used = []
    for taint in taints:
        match = next((t for t in tolerations if tolerates(t, taint)), None)
        if match is None:
            return False, []
        used.append(match)
    return True, used


def min_toleration_seconds(used: list[Obj]) -> float:
    """getMinTolerationTime: the smallest tolerationSeconds; -1 means forever."""
    if not used:
        return 0.0
    best: float | None = None
    for t in used:
        secs = t.get("tolerationSeconds")
        if secs is None:
            continue
        if secs <= 0:
            return 0.0
        best = secs if best is None else min(best, secs)
    return -1.0 if best is None else float(best)


@dataclass
class Health:
    """nodeHealthData: when the controller last heard from the node."""

    probe: float
    ready_transition: float
    ready_heartbeat: str | None = None
    ready_transition_time: str | None = None
    lease_renew: float | None = None


@dataclass
class ZoneQueue:
    """RateLimitedTimedQueue + token bucket (burst 1) of one zone's NoExecute tainter."""

    qps: float
    tokens: float = 1.0
    last: float = 0.0
    nodes: list[str] = field(default_factory=list)

    def set_rate(self, qps: float, now: float) -> None:
        if qps != self.qps:
            self.qps, self.tokens, self.last = qps, 1.0, now  # SwapLimiter installs a fresh (full) bucket

    def try_accept(self, now: float) -> bool:
        if self.qps <= 0:
            return False
        self.tokens = min(1.0, self.tokens + (now - self.last) * self.qps)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def wait(self) -> float:
        return (1.0 - self.tokens) / self.qps if self.qps > 0 else -1.0


@dataclass
class Eviction:
    created: float
    fire_at: float
    timer: Timer | None  # None once the pod has been evicted (the key stays, to avoid repeats)


class NodeLifecycleController(Controller):
    name = "node-lifecycle-controller"
    watches = ("Node", "Pod")

    def __init__(self, cluster) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cluster)
        self.health: dict[str, Health] = {}
        self.zone_states: dict[str, str] = {}
        self.zone_queues: dict[str, ZoneQueue] = {}
        self.evictions: dict[Key, Eviction] = {}
        #: the NoExecute taints the taint manager last acted on, per node (taintedNodes)
        self.tainted: dict[str, list[Obj]] = {}
        #: (node, tolerations) of pods on tainted nodes, to see toleration changes
        self._pods_seen: dict[Key, tuple[str, list]] = {}
        self._started_at = 0.0

    # -- events ---------------------------------------------------------------------------------
    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        if obj["kind"] == "Node":
            name = obj["metadata"]["name"]
            if event.type == "DELETED":
                self.enqueue(("NodeDeleted", "", name))
            else:
                self.enqueue(("Node", "", name))
            return
        key = event.key
        if event.type == "DELETED":
            self._pods_seen.pop(key, None)
            if key in self.evictions:
                self.enqueue(("PodGone", key[1], key[2]))
            return
        node = (obj.get("spec") or {}).get("nodeName")
        if not node or node not in self.tainted:
            return
        seen = (node, obj["spec"].get("tolerations") or [])
        if self._pods_seen.get(key) != seen:
            self._pods_seen[key] = seen
            self.enqueue(("PodUpdate", key[1], key[2]))

    def start(self) -> None:
        self._started_at = self.clock.now()
        self.enqueue(MONITOR_KEY)
        for node in self.store.scan("Node"):
            self.enqueue(("Node", "", node["metadata"]["name"]))

    def reconcile(self, key: Key) -> None:
        kind, ns, name = key
        if key == MONITOR_KEY:
            self.monitor()
            self.requeue_after(MONITOR_KEY, NODE_MONITOR_PERIOD)
        elif key == TAINT_PASS_KEY:
            self.noexecute_tainting_pass()
        elif kind == "Node":
            self.noschedule_tainting_pass(name)
            self.handle_node_taints(name)
        elif kind == "NodeDeleted":
            self.node_deleted(name)
        elif kind == "PodUpdate":
            self.handle_pod_update(ns, name)
        elif kind == "PodGone":
            self.cancel_eviction(("Pod", ns, name), emit=True)
            self.evictions.pop(("Pod", ns, name), None)
        elif kind == "Evict":
            self.evict(ns, name)
        elif kind == "PodGC":
            self.gc_orphans(name)

    # -- read-only: what the page shows --------------------------------------------------------
    def not_ready_at(self, name: str) -> float | None:
        """When a monitor pass will mark node ``name`` Ready=Unknown if nothing more is heard from it:
        the first pass strictly after (last heard + grace). A Lease renewed since the last pass counts
        as heard at the next pass, as that pass will see it. None for a node not yet seen, or one whose
        Ready is already Unknown."""
        health = self.health.get(name)
        node = self.store.peek("Node", "", name)
        if health is None or node is None:
            return None
        ready = condition(node, "Ready")
        if ready is not None and ready.get("status") == "Unknown":
            return None
        timer = self._timers.get(MONITOR_KEY)
        upcoming = timer.when if timer is not None and not timer.cancelled else self.clock.now()  # type: ignore[attr-defined]
        probe = health.probe
        lease = self.store.peek("Lease", "kube-node-lease", name)
        renew = parse_time(((lease or {}).get("spec") or {}).get("renewTime"))
        if renew is not None and (health.lease_renew is None or health.lease_renew < renew):
            probe = upcoming
        grace = NODE_MONITOR_GRACE_PERIOD if ready is not None else NODE_STARTUP_GRACE_PERIOD
        deadline = probe + grace
        if upcoming > deadline:
            return upcoming
        passes = (deadline - upcoming) // NODE_MONITOR_PERIOD + 1
        return upcoming + passes * NODE_MONITOR_PERIOD

    # -- node health (monitorNodeHealth) --------------------------------------------------------
    def monitor(self) -> None:
        now = self.clock.now()
        zone_conditions: dict[str, list[Obj | None]] = defaultdict(list)
        nodes = self.store.scan("Node")
        for stored in nodes:
            name = stored["metadata"]["name"]
            observed, current = self.update_health(stored)
            node = self.store.peek("Node", "", name) or stored
            if "node.kubernetes.io/exclude-disruption" not in (node["metadata"].get("labels") or {}):
                zone_conditions[zone_key(node)].append(current)
            if current is None:
                continue
            self.taint_based_eviction(node, observed)
            if current.get("status") != "True" and observed.get("status") == "True":
                self.recorder.event(node, "Normal", "NodeNotReady", f"Node {name} status is now: NodeNotReady",
                                    NODE_CONTROLLER)
                self.mark_pods_not_ready(name)
        self.handle_disruption(zone_conditions, [self.store.peek("Node", "", n["metadata"]["name"]) or n for n in nodes], now)
        self.noexecute_tainting_pass()

    def update_health(self, node: Obj) -> tuple[Obj, Obj | None]:
        """tryUpdateNodeHealth: returns (observed Ready condition, Ready condition after this pass)."""
        now = self.clock.now()
        name = node["metadata"]["name"]
        ready = condition(node, "Ready")
        health = self.health.get(name)
        if ready is None:
            created = parse_time(node["metadata"].get("creationTimestamp")) or now
            observed: Obj = {"type": "Ready", "status": "Unknown"}
            grace = NODE_STARTUP_GRACE_PERIOD
            if health is None:
                health = self.health[name] = Health(probe=created, ready_transition=created)
        else:
            observed = dict(ready)
            grace = NODE_MONITOR_GRACE_PERIOD
            if health is None or health.ready_heartbeat is None:
                health = self.health[name] = Health(probe=now, ready_transition=now,
                                                    lease_renew=health.lease_renew if health else None)
                health.ready_heartbeat = ready.get("lastHeartbeatTime") or ""
                health.ready_transition_time = ready.get("lastTransitionTime")
            elif health.ready_heartbeat != (ready.get("lastHeartbeatTime") or ""):
                if health.ready_transition_time != ready.get("lastTransitionTime"):
                    health.ready_transition = now
                health.probe = now
                health.ready_heartbeat = ready.get("lastHeartbeatTime") or ""
                health.ready_transition_time = ready.get("lastTransitionTime")
        lease = self.store.peek("Lease", "kube-node-lease", name)
        renew = parse_time(((lease or {}).get("spec") or {}).get("renewTime"))
        if renew is not None and (health.lease_renew is None or health.lease_renew < renew):
            health.lease_renew = renew
            health.probe = now
        if not now > health.probe + grace:
            return observed, ready
        updated = self.store.get("Node", "", name)
        assert updated is not None
        conds = updated.setdefault("status", {}).setdefault("conditions", [])
        stamp = self.clock.iso()
        for type_ in UNKNOWN_CONDITIONS:
            cond = next((c for c in conds if c.get("type") == type_), None)
            if cond is None:
                conds.append({"type": type_, "status": "Unknown", "lastHeartbeatTime": node["metadata"].get("creationTimestamp"),
                              "lastTransitionTime": stamp, "reason": "NodeStatusNeverUpdated",
                              "message": "Kubelet never posted node status."})
            elif cond.get("status") != "Unknown":
                cond.update(status="Unknown", reason="NodeStatusUnknown",
                            message="Kubelet stopped posting node status.", lastTransitionTime=stamp)
        current = next(c for c in conds if c.get("type") == "Ready")
        if current != (ready or {}) or ready is None:
            self.api.update_status(updated)
            health.ready_transition = now
            health.ready_heartbeat = current.get("lastHeartbeatTime") or ""
            health.ready_transition_time = current.get("lastTransitionTime")
        return observed, current

    def mark_pods_not_ready(self, node: str) -> None:
        """controllerutil.MarkPodsNotReady: Ready=False on every pod of the node, one Warning each."""
        for stored in self.store.scan("Pod", node=node):
            if condition(stored, "Ready") is None or condition(stored, "Ready").get("status") == "False":  # type: ignore[union-attr]
                continue
            pod = self.store.get("Pod", stored["metadata"]["namespace"], stored["metadata"]["name"])
            assert pod is not None
            for c in pod["status"]["conditions"]:
                if c.get("type") == "Ready":
                    c["status"] = "False"
                    c["lastTransitionTime"] = self.clock.iso()
            self.api.update_status(pod)
            self.recorder.event(pod, "Warning", "NodeNotReady", "Node is not ready", NODE_CONTROLLER)

    # -- NoExecute taints (processTaintBaseEviction + doNoExecuteTaintingPass) -------------------
    def _zone_queue(self, zone: str) -> ZoneQueue:
        q = self.zone_queues.get(zone)
        if q is None:
            q = self.zone_queues[zone] = ZoneQueue(EVICTION_QPS, last=self.clock.now())
        return q

    def taint_based_eviction(self, node: Obj, observed: Obj) -> None:
        status = observed.get("status")
        name = node["metadata"]["name"]
        keys = {t.get("key") for t in noexecute_taints(node)}
        if status == "False":
            if UNREACHABLE in keys:
                self.swap_taints(name, add=[NOT_READY], remove=[UNREACHABLE], effect="NoExecute")
            else:
                self.mark_for_tainting(node)
        elif status == "Unknown":
            if NOT_READY in keys:
                self.swap_taints(name, add=[UNREACHABLE], remove=[NOT_READY], effect="NoExecute")
            else:
                self.mark_for_tainting(node)
        elif status == "True":
            self.mark_reachable(node)

    def mark_for_tainting(self, node: Obj) -> None:
        q = self._zone_queue(zone_key(node))
        if node["metadata"]["name"] not in q.nodes:
            q.nodes.append(node["metadata"]["name"])

    def mark_reachable(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        self.swap_taints(name, add=[], remove=[UNREACHABLE, NOT_READY], effect="NoExecute")
        q = self.zone_queues.get(zone_key(node))
        if q is not None and name in q.nodes:
            q.nodes.remove(name)

    def noexecute_tainting_pass(self) -> None:
        now = self.clock.now()
        retry: float | None = None
        for zone in sorted(self.zone_queues):
            q = self.zone_queues[zone]
            while q.nodes:
                if not q.try_accept(now):
                    wait = q.wait()
                    if wait > 0:
                        retry = wait if retry is None else min(retry, wait)
                    break
                name = q.nodes.pop(0)
                node = self.store.peek("Node", "", name)
                ready = condition(node, "Ready") if node is not None else None
                if ready is None:
                    continue
                if ready.get("status") == "False":
                    self.swap_taints(name, add=[NOT_READY], remove=[UNREACHABLE], effect="NoExecute")
                elif ready.get("status") == "Unknown":
                    self.swap_taints(name, add=[UNREACHABLE], remove=[NOT_READY], effect="NoExecute")
        if retry is not None:
            self.requeue_after(TAINT_PASS_KEY, retry)

    def swap_taints(self, name: str, *, add: list[str], remove: list[str], effect: str) -> None:
        """controllerutil.SwapNodeControllerTaint: NoExecute taints get timeAdded = now."""
        stored = self.store.peek("Node", "", name)
        if stored is None:
            return
        taints = list((stored.get("spec") or {}).get("taints") or [])
        kept = [t for t in taints if not (t.get("key") in remove and t.get("effect") == effect)]
        for key in add:
            if not any(t.get("key") == key and t.get("effect") == effect for t in kept):
                taint: Obj = {"key": key, "effect": effect}
                if effect == "NoExecute":
                    taint["timeAdded"] = self.clock.iso()
                kept.append(taint)
        if kept == taints:
            return  # the common case on every monitor pass: nothing to write, nothing copied
        node = self.store.get("Node", "", name)
        assert node is not None
        spec = node.setdefault("spec", {})
        if kept:
            spec["taints"] = kept
        else:
            spec.pop("taints", None)
        self.api.update_status(node)

    def handle_disruption(self, zone_conditions: dict[str, list[Obj | None]], nodes: list[Obj], now: float) -> None:
        new_states: dict[str, str] = {}
        all_fully = True
        for zone, conds in zone_conditions.items():
            ready = sum(1 for c in conds if c is not None and c.get("status") == "True")
            not_ready = len(conds) - ready
            if ready == 0 and not_ready > 0:
                state = "FullDisruption"
            elif not_ready > 2 and not_ready / (not_ready + ready) >= UNHEALTHY_ZONE_THRESHOLD:
                state = "PartialDisruption"
            else:
                state = "Normal"
            if state != "FullDisruption":
                all_fully = False
            new_states[zone] = state
            self.zone_states.setdefault(zone, "Initial")
        all_was_fully = True
        for zone in sorted(self.zone_states):
            if zone not in zone_conditions:
                del self.zone_states[zone]
                continue
            if self.zone_states[zone] != "FullDisruption":
                all_was_fully = False
                break
        if all_fully and all_was_fully:
            return
        if all_fully:
            # every node is NotReady: the control plane is probably the one cut off; evict nothing
            for node in nodes:
                self.mark_reachable(node)
            for zone in self.zone_states:
                self._zone_queue(zone).set_rate(0.0, now)
                self.zone_states[zone] = "FullDisruption"
            return
        if all_was_fully:
            for node in nodes:
                h = self.health.get(node["metadata"]["name"])
                if h is not None:
                    h.probe = h.ready_transition = now
            for zone in self.zone_states:
                self._set_rate(zone, len(zone_conditions[zone]), new_states[zone], now)
                self.zone_states[zone] = new_states[zone]
            return
        for zone, state in self.zone_states.items():
            if state != new_states[zone]:
                self._set_rate(zone, len(zone_conditions[zone]), new_states[zone], now)
                self.zone_states[zone] = new_states[zone]

    def _set_rate(self, zone: str, size: int, state: str, now: float) -> None:
        if state == "PartialDisruption":
            qps = SECONDARY_EVICTION_QPS if size > LARGE_CLUSTER_THRESHOLD else 0.0
        else:
            qps = EVICTION_QPS
        self._zone_queue(zone).set_rate(qps, now)

    # -- NoSchedule taints (doNoScheduleTaintingPass) --------------------------------------------
    def noschedule_tainting_pass(self, name: str) -> None:
        node = self.store.peek("Node", "", name)
        if node is None:
            return
        wanted = []
        for c in (node.get("status") or {}).get("conditions") or []:
            key = CONDITION_TAINTS.get((c.get("type"), c.get("status")))
            if key:
                wanted.append(key)
        if (node.get("spec") or {}).get("unschedulable"):
            wanted.append(UNSCHEDULABLE)
        taints = list((node.get("spec") or {}).get("taints") or [])
        have = [t.get("key") for t in taints if t.get("effect") == "NoSchedule" and t.get("key") in CONDITION_TAINT_KEYS]
        add = [k for k in wanted if k not in have]
        remove = [k for k in have if k not in wanted]
        if add or remove:
            self.swap_taints(name, add=add, remove=remove, effect="NoSchedule")

    # -- taint eviction controller -----------------------------------------------------------------
    def handle_node_taints(self, name: str) -> None:
        """handleNodeUpdate: the node's NoExecute taints changed — (re)consider each of its pods."""
        node = self.store.peek("Node", "", name)
        taints = noexecute_taints(node)
        if taints == self.tainted.get(name, []):
            return
        if taints:
            self.tainted[name] = taints
        else:
            self.tainted.pop(name, None)
        pods = self.store.scan("Pod", node=name)
        for pod in pods:
            key = ("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
            if not taints:
                self._pods_seen.pop(key, None)
                self.cancel_eviction(key, emit=True)
                continue
            self._pods_seen[key] = (name, pod["spec"].get("tolerations") or [])
            self.process_pod(pod, taints)

    def handle_pod_update(self, ns: str, name: str) -> None:
        pod = self.store.peek("Pod", ns, name)
        if pod is None:
            return
        taints = self.tainted.get(pod["spec"].get("nodeName") or "")
        if taints:
            self.process_pod(pod, taints)

    def process_pod(self, pod: Obj, taints: list[Obj]) -> None:
        """processPodOnNode."""
        key = ("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
        now = self.clock.now()
        all_tolerated, used = matching_tolerations(taints, pod["spec"].get("tolerations") or [])
        if not all_tolerated:
            self.cancel_eviction(key, emit=True)
            self.schedule_eviction(key, now, now)
            return
        seconds = min_toleration_seconds(used)
        if seconds < 0:
            self.cancel_eviction(key, emit=True)
            return
        start = now
        existing = self.evictions.get(key)
        if existing is not None:
            if existing.timer is None:
                return  # already evicted: the key stays so it is not evicted twice
            if existing.created < now:
                return  # an earlier schedule stands (its trigger is not later than a new one)
            start = existing.created
            self.cancel_eviction(key, emit=True)
        self.schedule_eviction(key, start, now + seconds)

    def evictions_on(self, node: str) -> dict[str, float]:
        """The evictions the taint manager has scheduled for pods on ``node`` and not yet carried out:
        ``{"<namespace>/<name>": when}`` (read-only: what the page counts down to)."""
        out: dict[str, float] = {}
        for pod in self.store.scan("Pod", node=node):
            meta = pod["metadata"]
            ev = self.evictions.get(("Pod", meta["namespace"], meta["name"]))
            if ev is not None and ev.timer is not None:
                out[f"{meta['namespace']}/{meta['name']}"] = ev.fire_at
        return out

    def schedule_eviction(self, key: Key, created: float, fire_at: float) -> None:
        if key in self.evictions:
            return  # TimedWorkerQueue.AddWork ignores keys it already holds
        ns, name = key[1], key[2]
        timer = self.clock.call_at(fire_at, lambda: self.enqueue(("Evict", ns, name)))
        self.evictions[key] = Eviction(created, fire_at, timer)
        if fire_at <= self.clock.now():
            self.enqueue(("Evict", ns, name))

    def cancel_eviction(self, key: Key, *, emit: bool) -> None:
        ev = self.evictions.pop(key, None)
        if ev is None or ev.timer is None:
            return
        ev.timer.cancel()
        pod = self.store.peek(*key)
        if emit and pod is not None:
            self.recorder.event(pod, "Normal", "TaintManagerEviction",
                                f"Cancelling deletion of Pod {key[1]}/{key[2]}", TAINT_EVICTION_CONTROLLER)

    def evict(self, ns: str, name: str) -> None:
        key = ("Pod", ns, name)
        ev = self.evictions.get(key)
        if ev is None or ev.timer is None or ev.fire_at > self.clock.now():
            return
        ev.timer = None
        pod = self.store.get("Pod", ns, name)
        if pod is None:
            return
        self.recorder.event(pod, "Normal", "TaintManagerEviction", f"Marking for deletion Pod {ns}/{name}",
                            TAINT_EVICTION_CONTROLLER)
        conds = pod.setdefault("status", {}).setdefault("conditions", [])
        if not any(c.get("type") == "DisruptionTarget" and c.get("status") == "True" for c in conds):
            conds[:] = [c for c in conds if c.get("type") != "DisruptionTarget"]
            conds.append({"type": "DisruptionTarget", "status": "True", "lastProbeTime": None,
                          "lastTransitionTime": self.clock.iso(), "reason": "DeletionByTaintManager",
                          "message": "Taint manager: deleting due to NoExecute taint"})
            self.api.update_status(pod)
        if self.store.peek("Pod", ns, name) is not None:
            self.api.delete("Pod", ns, name)

    # -- PodGC (orphaned pods) --------------------------------------------------------------------
    def node_deleted(self, name: str) -> None:
        self.health.pop(name, None)
        self.tainted.pop(name, None)
        for q in self.zone_queues.values():
            if name in q.nodes:
                q.nodes.remove(name)
        # PodGC notices the missing node on its next 20 s pass and quarantines it for 40 s
        now = self.clock.now()
        elapsed = now - self._started_at
        ticks = -(-elapsed // PODGC_PERIOD)
        noticed = self._started_at + ticks * PODGC_PERIOD
        self.requeue_after(("PodGC", "", name), noticed + PODGC_QUARANTINE - now)

    def gc_orphans(self, name: str) -> None:
        if self.store.peek("Node", "", name) is not None:
            return
        for stored in self.store.scan("Pod", node=name):
            pod = self.store.get("Pod", stored["metadata"]["namespace"], stored["metadata"]["name"])
            assert pod is not None
            status = pod.setdefault("status", {})
            if status.get("phase") not in ("Succeeded", "Failed"):
                status["phase"] = "Failed"
            conds = status.setdefault("conditions", [])
            conds[:] = [c for c in conds if c.get("type") != "DisruptionTarget"]
            conds.append({"type": "DisruptionTarget", "status": "True", "lastProbeTime": None,
                          "lastTransitionTime": self.clock.iso(), "reason": "DeletionByPodGC",
                          "message": "PodGC: node no longer exists"})
            self.api.update_status(pod)
            self.api.delete("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"], grace_period=0)
