"""The kubelets: what runs pods on each simulated machine, and what keeps its Node alive.

Owns, per machine that is ``up`` (``cluster.machines[node].up``):
- the pod lifecycle of every pod bound to the node (``spec.nodeName``): sandbox and pod IP (from
  the node's podCIDR, host-local style), image pulls per imagePullPolicy against the simulated
  registry (serialised per node, as the kubelet's default ``serializeImagePulls`` does), waiting
  for the volume manager (FailedMount with its back-off), container create/start, restarts with
  the CrashLoopBackOff and ImagePullBackOff back-offs (10 s doubling to 300 s, reset after 10 min),
  liveness/readiness/startup probes, graceful termination and the final removal of the pod object;
- each container's main process: ``command``/``args`` over the image's ENTRYPOINT/CMD run as a
  real program on the virtual clock (``sh.py`` for shells, the image's binaries from
  ``programs.py``, coreutils and the network tools; ``runtime.Driver`` turns its sleeps into
  timers), in the container's filesystem (the volume manager's ``container_fs``) and environment;
  its output is the container's log, its return the exit code; the stop signal (a shell as PID 1
  ignores SIGTERM unless it traps it: SIGKILL at the grace period's end), the OOM killer (memory
  held past ``limits.memory``: OOMKilled, 137), StartError (128) for a binary the image lacks, and
  the termination message;
- probes as pkg/kubelet/prober runs them: exec in the container (its files, its programs,
  ``timeoutSeconds``), httpGet against the app (``net/apps.probe_http``), tcpSocket/grpc against
  the ports the process listens on;
- ``status`` of those pods (phase, conditions, containerStatuses, IPs) in the real shapes, so that
  kubectl's STATUS/READY/RESTARTS columns come out as on a real cluster;
- heartbeats: the Lease ``kube-node-lease/<node>`` every 10 s and the Node's kubelet conditions.

A halted machine does nothing at all: its timers find it down and drop their work. When it boots
again (``machine_started``) its kubelet posts Ready, removes the pods deleted meanwhile and
restarts the containers of the others in new sandboxes.

Timings are data (``Stage`` tables, kwok style), so fast and realistic clusters differ by a table.
All randomness comes from ``clock.rng``. Work is proportional to change: a running container
without probes costs nothing until something happens to it.

Hands off: the registry (``registry.py``) says what an image is (its static ``process`` model is
still what kube-proxy's listeners read); ``programs.py`` what its binaries do; the runtime
(``runtime.py``) keeps the logs and each process's memory/CPU for the metrics; the node lifecycle
controller reads the Leases; controllers read the pod status written here.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import programs, sh
from .admission import qos_class
from .clock import micro_time
from .controllers import Controller
from .defaults import image_pull_policy
from .programs import ProcState
from .registry import FOREVER, Image, Process, Registry, normalize, split_ref
from .runtime import MAX_LOG_LINE, Driver, Partial
from .store import Key, Obj, WatchEvent

if TYPE_CHECKING:
    from .cluster import Cluster

LEASE_NAMESPACE = "kube-node-lease"
LEASE_DURATION = 40  # nodeLeaseDurationSeconds
BACKOFF_INITIAL = 10.0
BACKOFF_MAX = 300.0
MOUNT_BACKOFF_INITIAL = 0.5  # nestedpendingoperations initialDurationBeforeRetry
MOUNT_BACKOFF_MAX = 122.0  # maxDurationBeforeRetry: 2m2s


# -- timings as data ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Stage:
    """One transition of the lifecycle: how long it takes (``delay`` + uniform ``jitter``)."""

    transition: str
    delay: float
    jitter: float = 0.0


@dataclass(frozen=True)
class Timings:
    sandbox: Stage
    image_check: Stage
    resolve: Stage
    create: Stage
    start: Stage
    notice: Stage
    backoff_shown: Stage
    stop: Stage
    cleanup: Stage
    sandbox_retry: Stage
    #: bytes per second of an image pull (times a 0.8–1.2 jitter)
    bandwidth: float = 30e6
    heartbeat: float = 10.0  # lease renewal and node status sync
    status_report: float = 300.0  # lastHeartbeatTime is refreshed at least this often


REALISTIC = Timings(
    sandbox=Stage("bound → sandbox up, pod IP, PodReadyToStartContainers", 0.5, 1.0),
    image_check=Stage("IfNotPresent and cached → Pulled (already present)", 0.05, 0.1),
    resolve=Stage("Pulling → manifest resolved (or NotFound)", 0.4, 0.8),
    create=Stage("image ready → Created", 0.1, 0.2),
    start=Stage("Created → Started, Running", 0.1, 0.3),
    notice=Stage("process exited → kubelet notices (PLEG relist)", 0.3, 0.7),
    backoff_shown=Stage("ErrImagePull → ImagePullBackOff (next pod sync)", 1.0, 2.0),
    stop=Stage("SIGTERM → a program that handles it has exited", 0.1, 0.5),
    cleanup=Stage("containers stopped → pod object removed", 0.1, 0.3),
    sandbox_retry=Stage("FailedCreatePodSandBox → retry", 10.0, 5.0),
)

FAST = Timings(
    sandbox=Stage("bound → sandbox up", 0.1), image_check=Stage("cached image", 0.01),
    resolve=Stage("manifest", 0.1), create=Stage("create", 0.05), start=Stage("start", 0.05),
    notice=Stage("notice exit", 0.1), backoff_shown=Stage("ImagePullBackOff shown", 0.5),
    stop=Stage("stop", 0.1), cleanup=Stage("remove", 0.05), sandbox_retry=Stage("retry sandbox", 2.0),
    bandwidth=500e6,
)


# -- small helpers -----------------------------------------------------------------------------
def go_duration(seconds: float) -> str:
    """Go's time.Duration.String() of a duration truncated to milliseconds (``1.234s``, ``5m0s``)."""
    ms = int(seconds * 1000 + 1e-6)
    if ms == 0:
        return "0s"
    if ms < 1000:
        return f"{ms}ms"
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    secs = f"{rem // 1000}.{rem % 1000:03d}".rstrip("0").rstrip(".") + "s"
    return (f"{h}h" if h else "") + (f"{m}m" if h or m else "") + secs


class Backoff:
    """client-go's flowcontrol.Backoff without jitter: 10 s doubling to 300 s per key; an entry
    whose last update is older than 2 × max is forgotten (the 10-minute reset)."""

    def __init__(self, initial: float = BACKOFF_INITIAL, cap: float = BACKOFF_MAX) -> None:
        self.initial, self.cap = initial, cap
        self.entries: dict[str, tuple[float, float]] = {}  # key -> (backoff, lastUpdate)

    def _expired(self, key: str, event_time: float) -> bool:
        return event_time - self.entries[key][1] > 2 * self.cap

    def next(self, key: str, event_time: float, now: float) -> None:
        if key not in self.entries or self._expired(key, event_time):
            self.entries[key] = (self.initial, now)
        else:
            self.entries[key] = (min(self.entries[key][0] * 2, self.cap), now)

    def get(self, key: str) -> float:
        return self.entries.get(key, (0.0, 0.0))[0]

    def in_backoff_since(self, key: str, event_time: float, now: float) -> bool:
        if key not in self.entries or self._expired(key, event_time):
            return False
        return now - event_time < self.entries[key][0]

    def forget_prefix(self, prefix: str) -> None:
        for k in [k for k in self.entries if k.startswith(prefix)]:
            del self.entries[k]


class Ipam:
    """host-local IPAM over a pod CIDR: .1 is the bridge, allocation continues after the last
    address handed out and never returns an address still in use."""

    def __init__(self, cidr: str) -> None:
        net = ipaddress.ip_network(cidr, strict=False)
        self.base = int(net.network_address)
        self.lo, self.hi = 2, net.num_addresses - 2
        self.last = self.lo - 1
        self.used: dict[int, str] = {}
        self.range = f"{ipaddress.ip_address(self.base + 1)}-{ipaddress.ip_address(self.base + self.hi)}"

    def allocate(self, owner: str) -> str | None:
        n = self.hi - self.lo + 1
        for i in range(n):
            off = self.lo + (self.last - self.lo + 1 + i) % n
            if off not in self.used:
                self.used[off] = owner
                self.last = off
                return str(ipaddress.ip_address(self.base + off))
        return None

    def reserve(self, ip: str, owner: str) -> None:
        off = int(ipaddress.ip_address(ip)) - self.base
        if self.lo <= off <= self.hi:
            self.used[off] = owner
            self.last = max(self.last, off)

    def release(self, ip: str | None) -> None:
        if ip:
            self.used.pop(int(ipaddress.ip_address(ip)) - self.base, None)


# -- runtime state -----------------------------------------------------------------------------
class Ctr:
    """One container as the kubelet and the runtime know it (slotted: one per container, and a
    dict of 34 attributes is a kilobyte)."""

    __slots__ = ("spec", "name", "init", "sidecar", "phase", "gen", "state", "reason", "message", "started_at",
                 "finished_at", "exit_code", "term_reason", "container_id", "image", "proc", "restart_count",
                 "created_once", "last", "ready", "started", "startup_done", "ready_ok", "ready_fail",
                 "live_fail", "startup_fail", "healthy", "slow", "stopping", "env", "term_message", "driver",
                 "pstate", "holder")

    def __init__(self, spec: dict, init: bool, pod_has_inits: bool) -> None:
        self.spec = spec
        self.name: str = spec["name"]
        self.init = init
        self.sidecar = init and spec.get("restartPolicy") == "Always"
        # new | starting | running | exited | backoff | pullbackoff | done
        self.phase = "new"
        self.gen = 0  # bumped whenever pending timers of this container must be dropped
        self.state = "waiting"
        self.reason = "PodInitializing" if pod_has_inits else "ContainerCreating"
        self.message = ""
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self.exit_code = 0
        self.term_reason = ""
        self.container_id = ""
        self.image: Image | None = None
        self.proc: Process | None = None
        self.restart_count = 0
        self.created_once = False
        self.last: dict | None = None
        self.ready = False
        self.started = False
        self.startup_done = False
        self.ready_ok = self.ready_fail = self.live_fail = self.startup_fail = 0
        self.healthy: bool | None = None  # a user's override of the app's health (kuard's UI)
        self.slow = 0.0  # a user's "make it slow": seconds the app takes to answer a request
        self.stopping = False
        self.env: dict[str, str] = {}  # resolved when the container is created (service links of that moment)
        self.term_message = ""
        self.driver: Driver | None = None  # the main process on the clock (None: the registry's model)
        self.pstate: ProcState | None = None  # its memory, CPU, ports and stop signal
        self.holder: dict[str, Any] = {}  # the process's driver and stream flush, for its context

    def terminated_record(self, iso: Callable[[float], str]) -> dict:
        rec = {"containerID": self.container_id, "exitCode": self.exit_code,
               "finishedAt": iso(self.finished_at or 0), "reason": self.term_reason,
               "startedAt": iso(self.started_at or self.finished_at or 0)}
        if self.term_message:
            rec["message"] = self.term_message
        if not self.container_id:
            rec.pop("containerID")
        if self.started_at is None and self.term_reason == "StartError":
            rec["startedAt"] = iso(0)
        return rec

    def status(self, iso: Callable[[float], str]) -> dict:
        if self.state == "running":
            state: dict = {"running": {"startedAt": iso(self.started_at or 0)}}
        elif self.state == "terminated":
            state = {"terminated": self.terminated_record(iso)}
        else:
            waiting = {"reason": self.reason}
            if self.message:
                waiting["message"] = self.message
            state = {"waiting": waiting}
        st: dict[str, Any] = {
            "image": self.image.ref if self.image is not None and self.created_once else self.spec.get("image", ""),
            "imageID": self.image.image_id if self.image is not None and self.created_once else "",
            "lastState": {"terminated": dict(self.last)} if self.last else {},
            "name": self.name,
            "ready": self.ready and self.state == "running",
            "restartCount": self.restart_count,
            "started": self.started and self.state == "running",
            "state": state,
        }
        if self.container_id:
            st["containerID"] = self.container_id
        return st


class PodRt:
    """The kubelet's record of one pod it runs."""

    __slots__ = ("uid", "key", "node", "restart_policy", "host_network", "inits", "containers", "start_time", "ip",
                 "sandbox_ready", "busy", "terminating", "gen", "mount_backoff")

    def __init__(self, pod: Obj, now: float) -> None:
        meta, spec = pod["metadata"], pod["spec"]
        self.uid: str = meta["uid"]
        self.key: Key = ("Pod", meta.get("namespace") or "", meta["name"])
        self.node: str = spec["nodeName"]
        self.restart_policy: str = spec.get("restartPolicy") or "Always"
        self.host_network = bool(spec.get("hostNetwork"))
        has_inits = bool(spec.get("initContainers"))
        self.inits = [Ctr(c, True, has_inits) for c in spec.get("initContainers") or []]
        self.containers = [Ctr(c, False, has_inits) for c in spec.get("containers") or []]
        self.start_time = now
        self.ip: str | None = None
        self.sandbox_ready = False
        self.busy = False  # a container is being pulled/created/started (the kubelet does one at a time)
        self.terminating = False
        self.gen = 0
        self.mount_backoff = 0.0  # the volume manager's retry period while a volume cannot be mounted

    @property
    def all(self) -> list[Ctr]:
        return self.inits + self.containers

    def ctr(self, name: str) -> Ctr | None:
        return next((c for c in self.all if c.name == name), None)

    @property
    def pod_ref(self) -> str:
        return f"{self.key[2]}_{self.key[1]}({self.uid})"


class NodeAgent:
    """Per-machine kubelet state that outlives pods: IPAM, the image pull queue, heartbeats."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.ipam: Ipam | None = None
        self.pull_free_at = 0.0
        self.inflight: dict[str, float] = {}  # normalised image -> when its pull completes
        self.hb_gen = 0
        self.hb_alive = False
        self.down = False
        self.down_at: float | None = None
        self.last_report: float | None = None
        self.images: tuple[int, list[dict]] = (-1, [])  # (cache size, node.status.images) memo


# -- phase and status: pure functions of the runtime state ---------------------------------------
def pod_phase(rt: PodRt) -> str:
    """kubelet_pods.go getPhase."""
    pending_init, init_failed = 0, False
    for c in rt.inits:
        if c.sidecar and c.state == "running":
            continue
        if c.state == "terminated" and c.exit_code == 0 and c.phase == "done":
            continue
        if rt.restart_policy == "Never" and c.phase == "done" and c.exit_code != 0:
            init_failed = True
        pending_init += 1
    running = stopped = succeeded = waiting = 0
    for c in rt.containers:
        if c.state == "running":
            running += 1
        elif c.state == "terminated":
            stopped += 1
            succeeded += c.exit_code == 0
        elif c.last:
            stopped += 1
        else:
            waiting += 1
    if init_failed:
        return "Failed"
    if pending_init or waiting:
        return "Pending"
    if running:
        return "Running"
    if stopped:
        if rt.restart_policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if rt.restart_policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


def compute_status(pod: Obj, rt: PodRt, now: float, iso: Callable[[float], str], host_ip: str) -> dict:
    old = pod.get("status") or {}
    old_conds = {c.get("type"): c for c in old.get("conditions") or []}
    now_iso = iso(now)

    def cond(type_: str, ok: bool, reason: str = "", message: str = "") -> dict:
        status = "True" if ok else "False"
        prev = old_conds.get(type_)
        c: dict[str, Any] = {"lastProbeTime": None,
                             "lastTransitionTime": prev.get("lastTransitionTime", now_iso)
                             if prev and prev.get("status") == status else now_iso,
                             "status": status, "type": type_}
        if reason:
            c["reason"] = reason
        if message:
            c["message"] = message
        return c

    phase = old.get("phase") if old.get("phase") in ("Succeeded", "Failed") else pod_phase(rt)
    terminal = phase in ("Succeeded", "Failed")
    inits_pending = [c.name for c in rt.inits
                     if not (c.phase == "done" and c.exit_code == 0) and not (c.sidecar and c.state == "running")]
    unready = [c.name for c in rt.containers if not (c.ready and c.state == "running")]
    gates = [g.get("conditionType") for g in (pod["spec"].get("readinessGates") or [])]
    gates_missing = [g for g in gates if (old_conds.get(g) or {}).get("status") != "True"]
    conds = [cond("PodReadyToStartContainers", rt.sandbox_ready and not terminal)]
    conds.append(cond("Initialized", not inits_pending, "" if not inits_pending else "ContainersNotInitialized",
                      "" if not inits_pending else f"containers with incomplete status: [{' '.join(inits_pending)}]"))
    if terminal:
        conds.append(cond("Ready", False, "PodCompleted"))
        conds.append(cond("ContainersReady", False, "PodCompleted"))
    else:
        msg = f"containers with unready status: [{' '.join(unready)}]" if unready else ""
        if unready:
            conds.append(cond("Ready", False, "ContainersNotReady", msg))
        elif gates_missing:
            conds.append(cond("Ready", False, "ReadinessGatesNotReady",
                              f'corresponding condition of pod readiness gate "{gates_missing[0]}" does not exist.'))
        else:
            conds.append(cond("Ready", True))
        conds.append(cond("ContainersReady", not unready, "ContainersNotReady" if unready else "", msg))
    conds.append(old_conds.get("PodScheduled") or cond("PodScheduled", True))
    owned = {"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"}
    conds += [c for c in old.get("conditions") or [] if c.get("type") not in owned]

    status = dict(old)
    status["phase"] = phase
    status["conditions"] = conds
    if host_ip:
        status["hostIP"] = host_ip
        status["hostIPs"] = [{"ip": host_ip}]
    if rt.ip:
        status["podIP"] = rt.ip
        status["podIPs"] = [{"ip": rt.ip}]
    status["startTime"] = old.get("startTime") or iso(rt.start_time)
    # convertToAPIContainerStatuses: regular containers' statuses sorted by name
    # (kubetypes.SortedContainerStatuses), init containers' in spec order
    status["containerStatuses"] = [c.status(iso) for c in sorted(rt.containers, key=lambda c: c.name)]
    if rt.inits:
        status["initContainerStatuses"] = [c.status(iso) for c in rt.inits]
    status["qosClass"] = old.get("qosClass") or qos_class(pod["spec"])
    return status


# -- processes ---------------------------------------------------------------------------------
def _returns(code: int) -> Any:
    """A program that returned at once, as a generator."""
    return code
    yield  # pragma: no cover


def memory_limit(spec: dict) -> int | None:
    """``resources.limits.memory`` in bytes (the cgroup's memory.max), or None."""
    from .quantity import parse_quantity

    text = ((spec.get("resources") or {}).get("limits") or {}).get("memory")
    if text is None:
        return None
    try:
        return parse_quantity(str(text)).value()
    except ValueError:
        return None


# -- the controller ----------------------------------------------------------------------------
class KubeletController(Controller):
    """Every node's kubelet, multiplexed: state is kept per machine and per pod."""

    name = "kubelet"
    watches = ("Pod", "Node")

    def __init__(self, cluster: Cluster, timings: Timings = REALISTIC) -> None:
        super().__init__(cluster)
        registry = getattr(cluster, "registry", None)
        if registry is None:
            registry = Registry()
            cluster.registry = registry  # type: ignore[attr-defined]
        self.registry: Registry = registry
        self.timings = timings
        self.pods: dict[str, PodRt] = {}  # by uid
        self.by_key: dict[Key, PodRt] = {}
        self.agents: dict[str, NodeAgent] = {}
        self.crash_backoff = Backoff()
        self.pull_backoff = Backoff()
        self._writing: Key | None = None

    # -- plumbing ------------------------------------------------------------------------------
    def start(self) -> None:
        for node in self.store.scan("Node"):
            self.enqueue(("Node", "", node["metadata"]["name"]))
        for pod in self.store.scan("Pod", where=lambda p: bool(p["spec"].get("nodeName"))):
            ip, node = (pod.get("status") or {}).get("podIP"), pod["spec"]["nodeName"]
            if ip and not pod["spec"].get("hostNetwork"):
                ipam = self._ipam(node)
                if ipam is not None:
                    ipam.reserve(ip, pod["metadata"]["uid"])
            self.enqueue(("Pod", pod["metadata"].get("namespace") or "", pod["metadata"]["name"]))

    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        if obj["kind"] == "Node":
            if event.key != self._writing:
                self.enqueue(event.key)
            return
        key = event.key
        if key == self._writing:
            return  # our own status write
        if key in self.by_key or (obj.get("spec") or {}).get("nodeName") or obj["metadata"].get("deletionTimestamp"):
            self.enqueue(key)

    def _up(self, node: str) -> bool:
        m = self.cluster.machines.get(node)
        if m is not None and not m.up:
            agent = self.agents.get(node)
            if agent is not None and not agent.down:
                agent.down, agent.down_at = True, self.clock.now()
        return m is not None and m.up

    def _delay(self, stage: Stage) -> float:
        return stage.delay + (self.clock.rng.random() * stage.jitter if stage.jitter else 0.0)

    def _after(self, rt: PodRt, delay: float, fn: Callable[[], None], ctr: Ctr | None = None) -> None:
        """Run ``fn`` later, unless by then the machine is down or the pod/container moved on."""
        rgen, cgen = rt.gen, (ctr.gen if ctr is not None else None)

        def fire() -> None:
            if self.pods.get(rt.uid) is not rt or rt.gen != rgen or (ctr is not None and ctr.gen != cgen):
                return
            if not self._up(rt.node):
                return
            fn()
            self.enqueue(rt.key)

        self.clock.call_later(delay, fire)

    def _event(self, rt: PodRt, type_: str, reason: str, message: str) -> None:
        pod = self.store.peek(*rt.key)
        if pod is not None and pod["metadata"]["uid"] == rt.uid:
            self.recorder.event(pod, type_, reason, message, "kubelet", host=rt.node)

    def _agent(self, node: str) -> NodeAgent:
        agent = self.agents.get(node)
        if agent is None:
            agent = self.agents[node] = NodeAgent(node)
        return agent

    def _ipam(self, node: str) -> Ipam | None:
        agent = self._agent(node)
        if agent.ipam is None:
            obj = self.store.peek("Node", "", node)
            cidr = ((obj or {}).get("spec") or {}).get("podCIDR")
            if not cidr:
                return None
            agent.ipam = Ipam(cidr)
        return agent.ipam

    def _host_ip(self, node: str) -> str:
        obj = self.store.peek("Node", "", node)
        for a in ((obj or {}).get("status") or {}).get("addresses") or []:
            if a.get("type") == "InternalIP":
                return a.get("address", "")
        return ""

    # -- reconcile -----------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        if key[0] == "Node":
            self._reconcile_node(key[2])
            return
        pod = self.store.peek(*key)
        rt = self.by_key.get(key)
        if pod is None:
            if rt is not None:
                self._forget(rt)
            return
        meta, spec = pod["metadata"], pod.get("spec") or {}
        if rt is not None and rt.uid != meta["uid"]:
            self._forget(rt)
            rt = None
        node = spec.get("nodeName")
        if not node:
            if meta.get("deletionTimestamp"):
                self.store.remove(*key)  # never scheduled: nothing to stop
            return
        if not self._up(node):
            return
        if rt is None:
            if meta.get("deletionTimestamp"):
                self.store.remove(*key)  # never started here: nothing to stop
                return
            if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                return
            rt = self._admit(pod)
        elif meta.get("deletionTimestamp") and not rt.terminating:
            self._terminate(rt, pod)
        elif not rt.terminating:
            self._check_spec(rt, pod)
        if not rt.terminating:
            self._write_status(rt, pod)

    def _write_status(self, rt: PodRt, pod: Obj) -> None:
        status = compute_status(pod, rt, self.clock.now(), self.clock.iso, self._host_ip(rt.node))
        if status == pod.get("status"):
            return
        self._writing = rt.key
        try:
            self.store.update(dict(pod, status=status), owned=True)  # status is new, the rest shared
        finally:
            self._writing = None

    # -- admission and sandbox -----------------------------------------------------------------
    def _admit(self, pod: Obj) -> PodRt:
        rt = PodRt(pod, self.clock.now())
        self.pods[rt.uid] = rt
        self.by_key[rt.key] = rt
        self._after(rt, self._delay(self.timings.sandbox), lambda: self._sandbox_ready(rt))
        return rt

    def _volumes_mounted(self, rt: PodRt) -> bool:
        """The volume manager's WaitForAttachAndMount: while a volume cannot be set up (a missing
        ConfigMap or Secret, an unbound claim) the kubelet reports FailedMount and retries with
        nestedpendingoperations' back-off (0.5 s doubling to 2m2s); no sandbox is made meanwhile."""
        try:
            vm: Any = self.cluster.controller("volume-manager")
        except KeyError:
            return True
        pod = self.store.peek(*rt.key)
        if pod is None or not hasattr(vm, "mount_error"):
            return True
        failure = vm.mount_error(pod)
        if failure is None:
            rt.mount_backoff = 0.0
            return True
        reason, message = failure
        self._event(rt, "Warning", reason, message)
        rt.mount_backoff = min(MOUNT_BACKOFF_MAX, rt.mount_backoff * 2) if rt.mount_backoff else MOUNT_BACKOFF_INITIAL
        self._after(rt, rt.mount_backoff, lambda: self._sandbox_ready(rt))
        return False

    def _sandbox_ready(self, rt: PodRt) -> None:
        if not rt.sandbox_ready and not self._volumes_mounted(rt):
            return
        if rt.host_network:
            rt.ip = self._host_ip(rt.node) or None
        else:
            ipam = self._ipam(rt.node)
            ip = ipam.allocate(rt.uid) if ipam is not None else None
            if ip is None:
                rng = ipam.range if ipam is not None else "<none>"
                self._event(rt, "Warning", "FailedCreatePodSandBox",
                            'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for '
                            f'sandbox: plugin type="flannel" failed (add): failed to allocate for range 0: no IP '
                            f"addresses available in range set: {rng}")
                self._after(rt, self._delay(self.timings.sandbox_retry), lambda: self._sandbox_ready(rt))
                return
            rt.ip = ip
        rt.sandbox_ready = True
        self._sync(rt)

    def _sync(self, rt: PodRt) -> None:
        """computePodActions: start the next container that should run (one at a time)."""
        if rt.terminating or not rt.sandbox_ready or rt.busy:
            return
        for c in rt.inits:
            if (c.phase == "done" and c.exit_code == 0) or (c.sidecar and c.state == "running"):
                continue
            if c.phase == "new":
                self._start_container(rt, c)
            return
        for c in rt.containers:
            if c.phase == "new":
                self._start_container(rt, c)
                if rt.busy:
                    return

    # -- images ---------------------------------------------------------------------------------
    def _start_container(self, rt: PodRt, c: Ctr) -> None:
        rt.busy = True
        c.phase = "starting"
        ref = c.spec.get("image", "")
        policy = c.spec.get("imagePullPolicy") or image_pull_policy(ref)
        machine = self.cluster.machines[rt.node]
        norm = normalize(ref) if ref else ""
        present = norm in machine.images or ref in machine.images
        if policy == "Never" and not present:
            self._waiting(c, "ErrImageNeverPull",
                          f'Container image "{ref}" is not present with pull policy of Never')
            self._event(rt, "Warning", "ErrImageNeverPull", c.message)
            c.phase, rt.busy = "pullbackoff", False
            return
        if policy != "Always" and present:
            def cached() -> None:
                c.image = self.registry.resolve(ref) or Image(*split_ref(norm), size=0)
                self._event(rt, "Normal", "Pulled", f'Container image "{ref}" already present on machine')
                self._create(rt, c)
            self._after(rt, self._delay(self.timings.image_check), cached, c)
            return
        self._pull(rt, c, ref, norm)

    def _pull(self, rt: PodRt, c: Ctr, ref: str, norm: str) -> None:
        agent = self._agent(rt.node)
        now = self.clock.now()
        self._event(rt, "Normal", "Pulling", f'Pulling image "{ref}"')
        image = self.registry.resolve(ref) if ref else None
        start = max(now, agent.pull_free_at)
        duration = self._delay(self.timings.resolve)
        if image is not None:
            have = norm in self.cluster.machines[rt.node].images or agent.inflight.get(norm, FOREVER) <= start
            if not have:  # layers already on disk make a re-pull just a manifest check
                duration += image.size / (self.timings.bandwidth * (0.8 + 0.4 * self.clock.rng.random()))
        done = start + duration
        agent.pull_free_at = done
        if image is not None:
            agent.inflight[norm] = min(agent.inflight.get(norm, FOREVER), done)

        def finished() -> None:
            if image is None:
                self._pull_failed(rt, c, ref)
                return
            self.cluster.machines[rt.node].images.add(norm)
            agent.inflight.pop(norm, None)
            c.image = image
            self._event(rt, "Normal", "Pulled",
                        f'Successfully pulled image "{ref}" in {go_duration(duration)} '
                        f"({go_duration(done - now)} including waiting). Image size: {image.size} bytes.")
            self._create(rt, c)

        self._after(rt, done - now, finished, c)

    def _pull_failed(self, rt: PodRt, c: Ctr, ref: str) -> None:
        err = self.registry.pull_error(ref)
        now = self.clock.now()
        key = f"{rt.uid}_{ref}"
        self._event(rt, "Warning", "Failed", f'Failed to pull image "{ref}": {err}')
        self.pull_backoff.next(key, now, now)
        self._event(rt, "Warning", "Failed", "Error: ErrImagePull")
        self._waiting(c, "ErrImagePull", err)
        c.phase, rt.busy = "pullbackoff", False

        def shown() -> None:
            if c.phase != "pullbackoff":
                return
            self._event(rt, "Normal", "BackOff", f'Back-off pulling image "{ref}"')
            self._event(rt, "Warning", "Failed", "Error: ImagePullBackOff")
            self._waiting(c, "ImagePullBackOff", f'Back-off pulling image "{ref}": ErrImagePull: {err}')

        def retry() -> None:
            if c.phase == "pullbackoff":
                c.phase = "new"
                self._sync(rt)

        backoff = self.pull_backoff.get(key)
        self._after(rt, min(self._delay(self.timings.backoff_shown), backoff / 2), shown, c)
        self._after(rt, backoff, retry, c)
        self._sync(rt)  # the kubelet goes on with the pod's other containers

    def _waiting(self, c: Ctr, reason: str, message: str = "") -> None:
        if c.state == "terminated":
            c.last = c.terminated_record(self.clock.iso)
        c.state, c.reason, c.message = "waiting", reason, message

    # -- containers -----------------------------------------------------------------------------
    def _create(self, rt: PodRt, c: Ctr) -> None:
        # generateContainerConfig: env (ConfigMaps, Secrets, service links) is resolved before the
        # runtime creates the container; a missing source keeps it waiting and is retried later
        from .net.envvars import EnvError, container_env

        pod = self.store.peek(*rt.key)
        try:
            c.env = container_env(self.cluster, pod or {"metadata": {"name": rt.key[2], "namespace": rt.key[1]}},
                                  c.spec, pod_ip=rt.ip or "", host_ip=self._host_ip(rt.node))
        except EnvError as e:
            self._config_error(rt, c, str(e))
            return

        def created() -> None:
            if c.state == "terminated":
                c.last = c.terminated_record(self.clock.iso)
            if c.created_once:
                c.restart_count += 1
            c.created_once = True
            c.container_id = "containerd://" + "".join(f"{self.clock.rng.getrandbits(32):08x}" for _ in range(8))
            self._event(rt, "Normal", "Created", f"Created container {c.name}")
            self._after(rt, self._delay(self.timings.start), lambda: self._started(rt, c), c)

        self._after(rt, self._delay(self.timings.create), created, c)

    def _config_error(self, rt: PodRt, c: Ctr, message: str) -> None:
        """CreateContainerConfigError: the pod worker retries after its back-off period (10s, jittered)."""
        self._waiting(c, "CreateContainerConfigError", message)
        self._event(rt, "Warning", "Failed", f"Error: {message}")
        c.phase, rt.busy = "configerror", False

        def retry() -> None:
            if c.phase == "configerror":
                c.phase = "new"
                self._sync(rt)

        self._after(rt, 10.0 + 5.0 * self.clock.rng.random(), retry, c)
        self._sync(rt)  # the kubelet goes on with the pod's other containers

    def _started(self, rt: PodRt, c: Ctr) -> None:
        assert c.image is not None
        now = self.clock.now()
        inst = self.cluster.runtime.start(rt.uid, c.name, env=c.env, now=now)
        c.gen += 1
        c.term_message = ""
        c.proc = self.registry.process(c.image, c.spec)
        argv = programs.command_line(c.image, c.spec, c.env)  # $(VAR) expanded as the kubelet does
        main = self._main(rt, c, argv, inst)
        if isinstance(main, str):  # the runtime could not start the process (StartError)
            self._start_error(rt, c, main)
            return
        c.phase, c.state, c.reason, c.message = "running", "running", "", ""
        c.started_at, c.finished_at, c.stopping = now, None, False
        c.startup_done = "startupProbe" not in c.spec
        c.started = c.startup_done
        c.ready = "readinessProbe" not in c.spec and c.startup_done
        c.ready_ok = c.ready_fail = c.live_fail = c.startup_fail = 0
        c.healthy, c.slow = None, 0.0  # a fresh process starts healthy and fast
        self._event(rt, "Normal", "Started", f"Started container {c.name}")
        if main is not None:
            self._drive(rt, c, main)
        elif c.proc.runs_for != FOREVER:
            proc = c.proc
            self._after(rt, proc.runs_for, lambda: self._exited(rt, c, proc.exit_code), c)
        for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
            probe = c.spec.get(kind)
            if probe:
                self._after(rt, float(probe.get("initialDelaySeconds") or 0), lambda k=kind: self._probe(rt, c, k), c)
        rt.busy = False
        self._sync(rt)

    # -- processes -------------------------------------------------------------------------------
    def _lookup(self, image: Image, state: ProcState) -> Callable[[str], Any]:
        """The programs a container's processes find: ``programs.image_table`` bound to its process."""
        table = programs.image_table(image, state)

        def lookup(name: str) -> Any:
            return table.get(name) or table.get(name.rsplit("/", 1)[-1])

        return lookup

    def _context(self, rt: PodRt, c: Ctr, fs: Any, lookup: Callable[[str], Any], now: Callable[[], float],
                 dialect: str, argv: list[str] | None = None) -> sh.ShContext:
        """The ShContext a process of the container runs in: its env, files, programs, clock."""
        from .net import dns, envvars
        from .net.proxy import Source

        pod = self.store.peek(*rt.key) or {"metadata": {"name": rt.key[2]}, "spec": {}}
        hostname = dns.kernel_hostname(self.cluster, pod)
        main = list(argv or [])
        # runc's setupUser gives the process HOME from the image's passwd when its environment has none
        env = envvars.exec_env(c.env, home=envvars.home_of(pod, c.spec))
        ctx = sh.ShContext(env=env, cwd=str(c.spec.get("workingDir") or "/"), fs=fs, lookup=lookup, now=now,
                           hostname=hostname, dialect=dialect, source=Source.pod(rt.key[1], rt.key[2]),
                           cluster=self.cluster, ps=lambda: [(1, "root", main)] if main else [])
        if main:
            ctx.argv0 = main[0]
        ctx.cpus = programs.cluster_cpus(self.cluster, rt.node)
        return ctx

    def _dialect(self, image: Image, argv: list[str]) -> str:
        """The shell's wording: busybox ash, dash as Debian's /bin/sh, or bash when it is run."""
        if image.userland == "busybox":
            return "busybox"
        return "bash" if argv and argv[0].rsplit("/", 1)[-1] == "bash" else "dash"

    def _main(self, rt: PodRt, c: Ctr, argv: list[str], inst: Any) -> Any:
        """The container's main process as a generator, a StartError message, or None when there
        is no command at all (a user's image without one: the registry's model runs it)."""
        assert c.image is not None
        image = c.image
        state = ProcState(handles_stop=False)
        c.pstate = None
        holder: dict[str, Any] = {}
        c.holder = holder
        dialect = self._dialect(image, argv)
        lookup = self._lookup(image, state)
        try:
            vm: Any = self.cluster.controller("volume-manager")
        except KeyError:
            vm = None
        fs = None
        if vm is not None and hasattr(vm, "container_fs"):
            pod = self.store.peek(*rt.key) or {"metadata": {"uid": rt.uid}, "spec": {}}
            fs = vm.container_fs(pod, c.spec, rt.node, image)
        ctx = self._context(rt, c, fs, lookup,
                            lambda: holder["driver"].now() if "driver" in holder else self.clock.now(), dialect, argv)
        holder.update(ctx=ctx, uid=rt.uid, lookup=lookup, dialect=dialect, fs=fs)
        io = self._streams(rt, c, holder)
        holder["io"] = io
        is_shell, script = programs.shell_script(argv)
        gen: Any = None
        if is_shell and lookup(argv[0]) is None:
            return programs.start_error(argv)  # a distroless image has no shell
        if is_shell:
            ctx.options |= programs.shell_options(argv)
            shell = "bash" if argv[0].rsplit("/", 1)[-1] == "bash" else dialect
            ctx.env = sh.shell_start_env(shell, ctx.env, ctx.cwd)
            if script is None:
                gen = programs.forever() if c.spec.get("stdin") else iter(())  # EOF at once, exit 0
            else:
                ctx.args = argv[argv.index(script) + 2:] if script in argv else []
                if script in argv and argv.index(script) + 1 < len(argv):
                    ctx.argv0 = argv[argv.index(script) + 1]
                gen = sh.run(script, ctx, io)
        elif argv:
            prog = lookup(argv[0])
            if prog is None:
                return programs.start_error(argv)
            res = prog(ctx, argv, io)
            gen = res if not isinstance(res, int) else _returns(res)
        else:
            return None
        state.on_memory = lambda: self._memory_changed(rt, c)
        c.pstate = state
        inst.proc = state
        return gen

    def _streams(self, rt: PodRt, c: Ctr, holder: dict[str, Any]) -> Any:
        """stdout/stderr into the container's log, line by line, stamped with the process's time;
        the same bytes, as written, to whoever is attached (``runtime.written``, then ``closed``
        when the process is gone); and the hook a ``^C`` on the container's TTY reaches
        (``runtime.interrupt``)."""
        runtime = self.cluster.runtime
        uid, name = rt.uid, c.name
        pending = {"out": "", "err": ""}

        def writer(which: str) -> Callable[[str], None]:
            fd = 1 if which == "out" else 2

            def write(text: str) -> None:
                driver = holder.get("driver")
                if driver is not None and not driver.alive and driver.t < self.clock.now():
                    return
                t = driver.now() if driver is not None else self.clock.now()
                if text:
                    runtime.written(uid, name, fd, text, t)
                buf = pending[which] + text
                *lines, rest = buf.split("\n")
                for line in lines:
                    runtime.log(uid, name, line, t, attached=False)
                while len(rest) >= MAX_LOG_LINE:  # containerd's max_container_log_line_size
                    runtime.log(uid, name, Partial(rest[:MAX_LOG_LINE]), t, attached=False)
                    rest = rest[MAX_LOG_LINE:]
                pending[which] = rest
            return write

        def flush() -> None:
            driver = holder.get("driver")
            # a process killed while it ran ahead of the clock wrote nothing after the kill
            t = min(driver.t, self.clock.now()) if driver is not None else self.clock.now()
            for which in ("out", "err"):
                if pending[which]:  # what has no newline at EOF is a partial line, as containerd writes it
                    runtime.log(uid, name, Partial(pending[which]), t, attached=False)
                    pending[which] = ""
            runtime.closed(uid, name, t)

        def unwrite(now: float) -> None:
            """Take back from the partial lines what the process wrote ahead of ``now``."""
            inst = runtime.get(uid, name)
            chunks = list(inst.chunks) if inst is not None else []
            for which, fd in (("out", 1), ("err", 2)):
                ahead = "".join(text for t, f, text in chunks if f == fd and t > now)
                if "\n" not in ahead:
                    pending[which] = pending[which][:len(pending[which]) - len(ahead)]
                else:
                    before = "".join(text for t, f, text in chunks if f == fd and t <= now)
                    pending[which] = before.rsplit("\n", 1)[-1]

        def interrupt(now: float) -> bool:
            """SIGINT to the foreground process group. The main process is PID 1, whose signals
            without a handler the kernel drops; a shell running ``-c`` catches SIGINT (ash, dash,
            bash) and exits 128+2 once its foreground child has died of it."""
            driver = holder.get("driver")
            if driver is None or not driver.alive or c.driver is not driver:
                return False
            if c.image is None or not programs.shell_script(programs.command_line(c.image, c.spec, c.env))[0]:
                return False
            unwrite(now)
            driver.kill()
            driver.on_exit(130, now)
            return True

        holder["flush"] = flush
        inst = runtime.get(uid, name)
        if inst is not None:
            inst.interrupt = interrupt
        return sh.Streams("", writer("out"), writer("err"))

    def _drive(self, rt: PodRt, c: Ctr, gen: Any) -> None:
        """Run the main process on the clock; its return is the container's exit."""
        cgen = c.gen

        def on_exit(code: int, t: float) -> None:
            if c.driver is not driver or c.gen != cgen or self.pods.get(rt.uid) is not rt or not self._up(rt.node):
                return
            self._exited(rt, c, code)
            self.enqueue(rt.key)

        driver = Driver(self.clock, gen, on_exit)
        c.driver = driver
        c.holder["driver"] = driver  # the process's clock and its streams' time stamps
        driver.start()

    def _kill_process(self, c: Ctr) -> None:
        """The main process is gone (it exited, or was killed): what it had not flushed is written."""
        driver, c.driver = c.driver, None
        if driver is not None:
            flush = c.holder.get("flush")
            if flush is not None:
                flush()
            driver.kill()

    def _termination_message(self, rt: PodRt, c: Ctr, code: int) -> str:
        """kuberuntime's getTerminationMessage: the file at terminationMessagePath (4096 bytes at
        most), else, with ``FallbackToLogsOnError`` and a failure, the log's last 80 lines (2048
        bytes at most)."""
        fs = c.holder.get("fs")
        path = c.spec.get("terminationMessagePath") or "/dev/termination-log"
        if fs is not None and c.driver is None and c.pstate is not None:
            try:
                if fs.isfile(path):
                    text = fs.read_text(path)
                    if text:
                        return text[:4096]
            except Exception:  # noqa: BLE001 - an unreadable file is no message, as for the kubelet
                pass
        if code == 0 or c.spec.get("terminationMessagePolicy") != "FallbackToLogsOnError":
            return ""
        inst = self.cluster.runtime.get(rt.uid, c.name)
        if inst is None:
            return ""
        text = "".join(line if isinstance(line, Partial) else line + "\n" for line in inst.logs[-80:])
        return text.encode()[-2048:].decode(errors="ignore")

    def _signal_stop(self, c: Ctr) -> tuple[bool, int]:
        """The runtime sends the stop signal: (the process exits promptly, its exit code). A shell
        as PID 1 ignores SIGTERM unless it traps it; servers that handle it write their farewell."""
        state, proc = c.pstate, c.proc
        if state is None:
            prompt = proc is not None and proc.handles_sigterm
            return prompt, (proc.sigterm_exit_code if prompt and proc is not None else 137)
        ctx = c.holder.get("ctx")
        traps = getattr(ctx, "traps", None) or {}
        trap = next((traps[s] for s in ("TERM", "SIGTERM", "15") if s in traps), None)
        if trap is not None and ctx is not None:
            # the shell runs its handler; only a handler that exits ends the container early
            status = sh.drive(sh.run(trap, ctx, c.holder["io"]))
            return (True, status) if re.search(r"(^|[;&|\s])exit\b", trap) else (False, 137)
        if not state.handles_stop:
            return False, 137
        if state.stop_lines is not None and c.driver is not None:
            for line in state.stop_lines(self.clock.now()):
                self.cluster.runtime.log(c.holder.get("uid", ""), c.name, line, self.clock.now())
        return True, state.stop_exit_code

    def _start_error(self, rt: PodRt, c: Ctr, message: str) -> None:
        """runc could not exec the command: the container is terminated at once, exit 128."""
        now = self.clock.now()
        c.started_at = None
        self._event(rt, "Warning", "Failed", f"Error: {message}")
        c.state, c.exit_code, c.finished_at = "terminated", 128, now
        c.term_reason, c.term_message = "StartError", message
        c.ready = c.started = c.stopping = False
        c.phase = "exited"
        rt.busy = False
        restart = rt.restart_policy != "Never" or c.sidecar
        if not restart:
            c.phase = "done"
            self._sync(rt)
            return
        self._after(rt, self._delay(self.timings.notice), lambda: self._restart(rt, c), c)
        self._sync(rt)

    def _memory_changed(self, rt: PodRt, c: Ctr) -> None:
        """The cgroup's memory.max: past the limit the kernel's OOM killer ends the container."""
        state = c.pstate
        limit = memory_limit(c.spec)
        if state is None or limit is None or state.memory <= limit or c.state != "running":
            return
        driver = c.driver
        at = max(0.0, (driver.t if driver is not None else self.clock.now()) - self.clock.now())
        cgen = c.gen

        def oom() -> None:
            if c.gen != cgen or c.state != "running":
                return
            self._exited(rt, c, 137, "OOMKilled")

        self._after(rt, at, oom, c)

    def _exited(self, rt: PodRt, c: Ctr, code: int, reason: str = "") -> None:
        now = self.clock.now()
        self._kill_process(c)
        c.gen += 1  # its probes and its own exit timer are moot
        c.state, c.exit_code, c.finished_at = "terminated", code, now
        c.term_reason = reason or ("Completed" if code == 0 else "Error")
        c.term_message = self._termination_message(rt, c, code)
        c.ready = c.started = c.stopping = False
        c.phase = "exited"
        if rt.terminating:
            return
        restart = (c.sidecar or rt.restart_policy == "Always" and not c.init
                   or rt.restart_policy != "Never" and code != 0)
        if not restart:
            c.phase = "done"
            self._sync(rt)
            return
        self._after(rt, self._delay(self.timings.notice), lambda: self._restart(rt, c), c)

    def _restart(self, rt: PodRt, c: Ctr) -> None:
        """doBackOff: restart at once unless still inside the back-off since the last exit."""
        now = self.clock.now()
        key = f"{rt.uid}_{c.name}"
        finished = c.finished_at if c.finished_at is not None else now
        if self.crash_backoff.in_backoff_since(key, finished, now):
            backoff = self.crash_backoff.get(key)
            self._waiting(c, "CrashLoopBackOff",
                          f"back-off {go_duration(backoff)} restarting failed container={c.name} pod={rt.pod_ref}")
            self._event(rt, "Warning", "BackOff", f"Back-off restarting failed container {c.name} in pod {rt.pod_ref}")
            c.phase = "backoff"

            def again() -> None:
                c.phase = "new"
                self._restart(rt, c)

            self._after(rt, finished + backoff - now, again, c)
            return
        self.crash_backoff.next(key, finished, now)
        c.phase = "new"
        self._sync(rt)

    def _stop(self, rt: PodRt, c: Ctr, grace: float, then: Callable[[], None] | None = None) -> None:
        """SIGTERM; the program exits promptly if it handles it, else SIGKILL after ``grace``."""
        c.gen += 1
        c.stopping = True
        prompt, code = self._signal_stop(c)
        delay = min(grace, self._delay(self.timings.stop)) if prompt else grace

        def gone() -> None:
            self._exited(rt, c, code)
            if then is not None:
                then()

        self._after(rt, delay, gone, c)

    # -- probes ---------------------------------------------------------------------------------
    def _probe(self, rt: PodRt, c: Ctr, kind: str) -> None:
        probe = c.spec.get(kind) or {}
        if kind != "startupProbe" and not c.startup_done:
            self._after(rt, float(probe.get("periodSeconds") or 10), lambda: self._probe(rt, c, kind), c)
            return
        ok, output = self._probe_result(rt, c, probe)
        success_t = int(probe.get("successThreshold") or 1)
        failure_t = int(probe.get("failureThreshold") or 3)
        label = {"livenessProbe": "Liveness", "readinessProbe": "Readiness", "startupProbe": "Startup"}[kind]
        if not ok:
            self._event(rt, "Warning", "Unhealthy", f"{label} probe failed: {output}")
        period = float(probe.get("periodSeconds") or 10)
        if kind == "readinessProbe":
            if ok:
                c.ready_fail, c.ready_ok = 0, c.ready_ok + 1
                if c.ready_ok >= success_t:
                    c.ready = True
            else:
                c.ready_ok, c.ready_fail = 0, c.ready_fail + 1
                if c.ready_fail >= failure_t:
                    c.ready = False
        elif kind == "startupProbe":
            if ok:
                c.startup_done = c.started = True
                c.ready = "readinessProbe" not in c.spec
                return  # the startup probe stops after its first success
            c.startup_fail += 1
            if c.startup_fail >= failure_t:
                self._kill_for_probe(rt, c, probe, "startup")
                return
        else:
            if ok:
                c.live_fail = 0
            else:
                c.live_fail += 1
                if c.live_fail >= failure_t:
                    self._kill_for_probe(rt, c, probe, "liveness")
                    return
        self._after(rt, period, lambda: self._probe(rt, c, kind), c)

    def _kill_for_probe(self, rt: PodRt, c: Ctr, probe: dict, which: str) -> None:
        self._event(rt, "Normal", "Killing", f"Container {c.name} failed {which} probe, will be restarted")
        pod = self.store.peek(*rt.key) or {"spec": {}}
        grace = probe.get("terminationGracePeriodSeconds")
        if grace is None:
            grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
        self._stop(rt, c, float(grace))

    def _probe_result(self, rt: PodRt, c: Ctr, probe: dict) -> tuple[bool, str]:
        """pkg/kubelet/prober: one probe's (success, output), in the prober's words."""
        proc = c.proc
        ip = rt.ip or ""
        if c.pstate is not None:
            ports: tuple[int, ...] = c.pstate.ports
        else:
            ports = proc.ports if proc is not None and proc.server else ()

        def port_of(spec: dict) -> int:
            p = spec.get("port")
            if isinstance(p, str) and not p.isdigit():
                for cp in c.spec.get("ports") or []:
                    if cp.get("name") == p:
                        return int(cp.get("containerPort", 0))
                return 0
            return int(p or 0)

        if "httpGet" in probe:
            h = probe["httpGet"]
            port, path = port_of(h), h.get("path") or "/"
            if not path.startswith("/"):
                path = "/" + path
            url = f"{(h.get('scheme') or 'HTTP').lower()}://{h.get('host') or ip}:{port}{path}"
            if port not in ports:
                return False, f'Get "{url}": dial tcp {ip}:{port}: connect: connection refused'
            if c.healthy is False:
                return False, "HTTP probe failed with statuscode: 500"
            if c.slow > float(probe.get("timeoutSeconds") or 1):
                return False, f'Get "{url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
            if c.pstate is None:
                paths = proc.http_paths if proc is not None else None
                if paths is not None and path.split("?")[0] not in paths:
                    return False, "HTTP probe failed with statuscode: 404"
                return True, ""
            from .net import apps

            pod = self.store.peek(*rt.key)
            if pod is None or c.image is None:
                return False, f'Get "{url}": context deadline exceeded'
            headers = {x.get("name", ""): x.get("value", "") for x in h.get("httpHeaders") or []}
            res = apps.probe_http(self.cluster, pod, c.name, c.image.ref, c.image.app, port, path,
                                  self._bridge_ip(rt.node), headers)
            if res.error is not None or res.status is None:
                return False, (f'Get "{url}": net/http: HTTP/1.x transport connection broken: malformed HTTP '
                               "response")
            if 200 <= res.status < 400:
                return True, ""
            return False, f"HTTP probe failed with statuscode: {res.status}"
        if "tcpSocket" in probe:
            port = port_of(probe["tcpSocket"])
            if port not in ports or c.healthy is False:
                return False, f"dial tcp {ip}:{port}: connect: connection refused"
            return True, ""
        if "grpc" in probe:
            port = port_of(probe["grpc"])
            if port not in ports or c.healthy is False or c.slow > float(probe.get("timeoutSeconds") or 1):
                return False, f'timeout: failed to connect service "{ip}:{port}" within 1s: context deadline exceeded'
            return True, ""
        command = [str(a) for a in (probe.get("exec") or {}).get("command") or []]
        ran = self._exec_probe(rt, c, command, float(probe.get("timeoutSeconds") or 1))
        if ran is not None:
            return ran
        if c.healthy is False:
            return False, f"command {' '.join(command)!r} exited with 1"
        return True, ""

    def _exec_probe(self, rt: PodRt, c: Ctr, argv: list[str], timeout: float) -> tuple[bool, str] | None:
        """Run an exec probe's command in the container (its filesystem, its programs), at once, on
        a local clock: sleeping past ``timeoutSeconds`` fails it with what it wrote so far. None
        when the command cannot be run here (the shell language or coreutils not built yet)."""
        holder = c.holder
        lookup, dialect = holder.get("lookup"), holder.get("dialect", "busybox")
        if lookup is None or not argv or c.image is None:
            return None
        out: list[str] = []
        start = self.clock.now()
        elapsed = [0.0]
        ctx = self._context(rt, c, holder.get("fs"), lookup, lambda: start + elapsed[0], dialect)
        io = sh.Streams("", out.append, out.append)
        is_shell, script = programs.shell_script(argv)
        if is_shell:
            if script is None:
                return True, ""  # a shell with no script reads EOF and exits 0
            gen: Any = sh.run(script, ctx, io)
        else:
            prog = lookup(argv[0])
            if prog is None:
                return False, (f'OCI runtime exec failed: exec failed: unable to start container process: exec: '
                               f'"{argv[0]}": executable file not found in $PATH: unknown')
            gen = prog(ctx, argv, io)
        if isinstance(gen, int):
            code = gen
        else:
            code = 0
            try:
                while True:
                    y = next(gen)
                    elapsed[0] += float(getattr(y, "seconds", 0.0) or 0.0)
                    if elapsed[0] > timeout:
                        gen.close()
                        return False, "".join(out)
            except StopIteration as stop:
                code = int(stop.value or 0) if isinstance(stop.value, int) else 0
        return code == 0, "".join(out)

    def _bridge_ip(self, node: str) -> str:
        """The node's cni0 address (.1 of its pod CIDR): where the kubelet's probes come from."""
        ipam = self._ipam(node)
        return str(ipaddress.ip_address(ipam.base + 1)) if ipam is not None else self._host_ip(node)

    # -- spec changes and termination ------------------------------------------------------------
    def _check_spec(self, rt: PodRt, pod: Obj) -> None:
        """A container whose image was changed in place is killed and started again."""
        specs = {c["name"]: c for c in pod["spec"].get("containers") or []}
        for c in rt.containers:
            new = specs.get(c.name)
            if new is None or new.get("image") == c.spec.get("image"):
                continue
            c.spec = new
            if c.state == "running":
                self._event(rt, "Normal", "Killing", f"Container {c.name} definition changed, will be restarted")

                def restart(c: Ctr = c) -> None:
                    c.phase = "new"
                    self._sync(rt)

                self._stop(rt, c, float(pod["spec"].get("terminationGracePeriodSeconds", 30)), restart)
            elif c.phase in ("pullbackoff", "backoff", "exited", "configerror"):
                c.gen += 1
                c.phase = "new"
                self._sync(rt)

    def _terminate(self, rt: PodRt, pod: Obj) -> None:
        rt.terminating = True
        rt.gen += 1  # pulls, probes, back-offs: all moot
        grace = pod["metadata"].get("deletionGracePeriodSeconds")
        if grace is None:
            grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
        running = [c for c in rt.all if c.state == "running"]
        if not running:
            self._after(rt, self._delay(self.timings.cleanup), lambda: self._finish(rt))
            return
        left = {c.name for c in running}
        for c in running:
            self._event(rt, "Normal", "Killing", f"Stopping container {c.name}")
            prompt, code = self._signal_stop(c)
            delay = min(float(grace), self._delay(self.timings.stop)) if prompt else float(grace)

            def gone(c: Ctr = c, code: int = code) -> None:
                self._exited(rt, c, code)
                left.discard(c.name)
                if not left:
                    self._after(rt, self._delay(self.timings.cleanup), lambda: self._finish(rt))

            self._after(rt, delay, gone)

    def _finish(self, rt: PodRt) -> None:
        pod = self.store.peek(*rt.key)
        self._forget(rt)
        if pod is not None and pod["metadata"]["uid"] == rt.uid:
            self.store.remove(*rt.key)

    def _forget(self, rt: PodRt) -> None:
        rt.gen += 1
        for c in rt.all:
            self._kill_process(c)
        self.pods.pop(rt.uid, None)
        if self.by_key.get(rt.key) is rt:
            del self.by_key[rt.key]
        agent = self.agents.get(rt.node)
        if agent is not None and agent.ipam is not None and not rt.host_network:
            agent.ipam.release(rt.ip)
        self.crash_backoff.forget_prefix(rt.uid + "_")
        self.pull_backoff.forget_prefix(rt.uid + "_")
        self.cluster.runtime.forget(rt.uid)  # the pod object is gone (or replaced): so are its logs

    # -- user actions ------------------------------------------------------------------------------
    def kill_container(self, pod_namespace: str, pod_name: str, container_name: str) -> None:
        """The UI's "kill a container": the process dies at once (SIGKILL, exit 137) and the
        kubelet restarts it according to the pod's restartPolicy."""
        rt = self.by_key.get(("Pod", pod_namespace, pod_name))
        c = rt.ctr(container_name) if rt is not None else None
        if rt is None or c is None:
            raise KeyError(f"no container {container_name!r} in pod {pod_namespace}/{pod_name}")
        if not self._up(rt.node):
            raise ValueError(f"node {rt.node} is not running")
        if c.state != "running":
            raise ValueError(f"container {container_name!r} is not running")
        self._exited(rt, c, 137, "Error")
        self.enqueue(rt.key)
        self.cluster.settle()

    def set_healthy(self, pod_namespace: str, pod_name: str, container_name: str, healthy: bool | None) -> None:
        """Make a container's app answer its probes well (True/None) or badly (False), as kuard's
        UI lets you do."""
        rt = self.by_key.get(("Pod", pod_namespace, pod_name))
        c = rt.ctr(container_name) if rt is not None else None
        if c is None:
            raise KeyError(f"no container {container_name!r} in pod {pod_namespace}/{pod_name}")
        c.healthy = healthy

    def set_slow(self, pod_namespace: str, pod_name: str, container_name: str, seconds: float) -> None:
        """Make a container's app take ``seconds`` to answer (0: as fast as ever): an httpGet or
        grpc probe whose ``timeoutSeconds`` is shorter fails with the prober's timeout."""
        rt = self.by_key.get(("Pod", pod_namespace, pod_name))
        c = rt.ctr(container_name) if rt is not None else None
        if c is None:
            raise KeyError(f"no container {container_name!r} in pod {pod_namespace}/{pod_name}")
        c.slow = max(0.0, float(seconds))

    def app_health(self, pod_namespace: str, pod_name: str, container_name: str) -> tuple[str, float] | None:
        """What a running container's app was made to answer (the pod panel's "App health"):
        ("healthy" | "unhealthy" | "slow", the seconds it takes to answer); None when no such
        container runs here. Its probes and the traffic it serves (``net.apps.http``) both read it."""
        rt = self.by_key.get(("Pod", pod_namespace, pod_name))
        c = rt.ctr(container_name) if rt is not None else None
        if c is None or c.state != "running":
            return None
        if c.healthy is False:
            return "unhealthy", c.slow
        return ("slow" if c.slow else "healthy"), c.slow

    # -- machines and heartbeats -------------------------------------------------------------------
    def _reconcile_node(self, name: str) -> None:
        obj = self.store.peek("Node", "", name)
        agent = self.agents.get(name)
        if obj is None:
            if agent is not None:
                agent.hb_gen += 1
                agent.hb_alive = False
            return
        if self._up(name) and not self._agent(name).hb_alive:
            self._start_heartbeats(name)

    def _start_heartbeats(self, node: str) -> None:
        agent = self._agent(node)
        agent.hb_gen += 1
        gen = agent.hb_gen
        agent.hb_alive = True

        def beat() -> None:
            if agent.hb_gen != gen:
                return
            if not self._up(node) or self.store.peek("Node", "", node) is None:
                agent.hb_alive = False
                return
            self._renew_lease(node)
            self._post_node_status(node, agent)
            self.clock.call_later(self.timings.heartbeat, beat)

        beat()

    def _renew_lease(self, node: str) -> None:
        renew = micro_time(self.clock.now())
        lease = self.store.peek("Lease", LEASE_NAMESPACE, node)
        if lease is None:
            node_obj = self.store.peek("Node", "", node) or {"metadata": {}}
            self.store.create({
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": {"name": node, "namespace": LEASE_NAMESPACE, "ownerReferences": [{
                    "apiVersion": "v1", "kind": "Node", "name": node, "uid": node_obj["metadata"].get("uid", "")}]},
                "spec": {"holderIdentity": node, "leaseDurationSeconds": LEASE_DURATION, "renewTime": renew},
            })
            return
        spec = dict(lease.get("spec") or {}, holderIdentity=node, leaseDurationSeconds=LEASE_DURATION, renewTime=renew)
        self.store.update(dict(lease, spec=spec), owned=True)  # a new spec, the rest shared

    _NODE_CONDITIONS = (
        ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    )

    def _post_node_status(self, node: str, agent: NodeAgent) -> None:
        obj = self.store.peek("Node", "", node)
        if obj is None:
            return
        now = self.clock.now()
        now_iso = self.clock.iso(now)
        status = dict(obj.get("status") or {})
        report = agent.last_report is None or now - agent.last_report >= self.timings.status_report
        conds = [dict(c) for c in status.get("conditions") or []]
        by_type = {c.get("type"): c for c in conds}
        changed = False
        for type_, st, reason, message in self._NODE_CONDITIONS:
            c = by_type.get(type_)
            if c is None:
                c = {"type": type_}
                conds.append(c)
            if c.get("status") != st or c.get("reason") != reason or c.get("message") != message:
                if c.get("status") != st:
                    c["lastTransitionTime"] = now_iso
                c.update(status=st, reason=reason, message=message, lastHeartbeatTime=now_iso)
                c.setdefault("lastTransitionTime", now_iso)
                changed = True
            elif report or "lastHeartbeatTime" not in c:
                c["lastHeartbeatTime"] = now_iso
                changed = True
        images = self._node_images(node)
        if images != (status.get("images") or []):
            status["images"] = images
            changed = True
        if not changed:
            return
        agent.last_report = now
        status["conditions"] = conds
        self._writing = ("Node", "", node)
        try:
            self.store.update(dict(obj, status=status), owned=True)  # new conditions, the rest shared
        finally:
            self._writing = None

    def _node_images(self, node: str) -> list[dict]:
        """node.status.images as the kubelet reports them: largest first, at most 50."""
        machine = self.cluster.machines.get(node)
        agent = self._agent(node)
        if machine is not None and agent.images[0] == len(machine.images):
            return agent.images[1]  # the cache only grows: same size, same images
        out = []
        for ref in sorted(machine.images if machine is not None else ()):
            img = self.registry.resolve(ref)
            if img is not None:
                out.append({"names": [img.image_id, img.ref], "sizeBytes": img.size})
        out.sort(key=lambda i: (-i["sizeBytes"], i["names"][1]))
        if machine is not None:
            agent.images = (len(machine.images), out[:50])
        return out[:50]

    def machine_stopped(self, node: str) -> None:
        """The machine halted: every process on it is gone; nothing of it writes anything."""
        agent = self._agent(node)
        agent.down, agent.down_at = True, self.clock.now()
        agent.hb_gen += 1
        agent.hb_alive = False
        for rt in [r for r in self.pods.values() if r.node == node]:
            rt.gen += 1
            for c in rt.all:
                self._kill_process(c)  # its processes died with the machine

    def machine_started(self, node: str) -> None:
        """The machine booted: post Ready at once, remove pods deleted while it was down, and
        start the other pods' containers again in new sandboxes."""
        if not self._up(node):
            return
        agent = self._agent(node)
        rebooted = agent.down
        down_at = agent.down_at if agent.down_at is not None else self.clock.now()
        agent.down, agent.down_at = False, None
        agent.pull_free_at, agent.inflight = self.clock.now(), {}
        self._start_heartbeats(node)
        for pod in list(self.store.scan("Pod", node=node)):
            key = ("Pod", pod["metadata"].get("namespace") or "", pod["metadata"]["name"])
            rt = self.pods.get(pod["metadata"]["uid"])
            if rebooted and pod["metadata"].get("deletionTimestamp"):
                if rt is not None:
                    self._forget(rt)
                self.store.remove(*key)  # its containers died with the machine
                continue
            if rebooted and rt is not None and not rt.terminating:
                self._reboot_pod(rt, down_at)
            self.enqueue(key)

    def _reboot_pod(self, rt: PodRt, down_at: float) -> None:
        rt.gen += 1
        pod = self.store.peek(*rt.key) or {}
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            return
        agent = self._agent(rt.node)
        if agent.ipam is not None and not rt.host_network:
            agent.ipam.release(rt.ip)
        rt.ip, rt.sandbox_ready, rt.busy = None, False, False
        for c in rt.all:
            c.gen += 1
            if c.state == "running" or c.stopping:
                c.state, c.exit_code, c.term_reason, c.finished_at = "terminated", 255, "Unknown", down_at
            c.ready = c.started = c.stopping = False
            if rt.restart_policy == "Never" and c.created_once and not c.init:
                c.phase = "done"
                continue
            if c.state == "terminated":
                c.last = c.terminated_record(self.clock.iso)
            c.state, c.reason, c.message = "waiting", "ContainerCreating", ""
            c.phase = "new"
        self._event(rt, "Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.")
        self._after(rt, self._delay(self.timings.sandbox), lambda: self._sandbox_ready(rt))
