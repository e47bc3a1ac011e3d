"""The metrics-server add-on and the resource-usage model behind it.

Owns:
- **The usage model**: what each running container uses, per scrape window — CPU in nanocores and
  memory (working set) in bytes — from its image's idle baseline (nginx about 0m/3Mi, the kube-system
  components at what a kubeadm lab shows: etcd ~20m/40Mi, kube-apiserver ~40m/230Mi …), plus the
  requests it served in the window times the CPU one request costs that app (hpa-example's
  ``index.php`` runs a million square roots: 16 ms, so that one ``while sleep 0.01; do wget …; done``
  loop, waiting for each answer, wants the 0.6 cores that the walkthrough's 7 pods at 44% of
  200m add up to), plus what its program asks for (the hook
  ``cluster.runtime.usage(pod_uid, container) -> (cores | None, bytes | None)`` that the container
  processes expose, e.g. ``stress``), CPU throttled at the container's limit (and the node's
  capacity). A small seeded, deterministic jitter (a hash, never the cluster's RNG) keeps the figures
  from looking canned. Requests are counted as they are served: ``record_request`` (called by
  ``net.apps.http`` for each answer a pod's app gives) bumps that container's counter, and each
  scrape takes the counter's increase since the previous one, so a scrape's work is
  proportional to the pods, whatever the request rate.
- **metrics-server** (off by default, as on a kubeadm cluster): ``enable`` creates kube-system's
  objects as metrics-server v0.7.2's components.yaml does (ServiceAccount, Service, Deployment with
  ``--metric-resolution=15s``, plus RBAC and the ``v1beta1.metrics.k8s.io`` APIService when those
  kinds are served) with ``--kubelet-insecure-tls`` added, the flag every kubeadm lab guide adds
  because kubeadm's kubelet serving certificates are self-signed; it registers the image. A
  scraper then runs every 15 s; like metrics-server it needs two points of a container (the same
  instance in two consecutive scrapes) before it reports a rate, so the first metrics appear one
  resolution after the pod started. The API is *available* while the metrics-server pod is Ready
  (its Service has endpoints, which is when the aggregator marks the APIService Available).
- **The metrics.k8s.io/v1beta1 view**: ``pod_metrics`` / ``node_metrics`` build the ``PodMetrics`` and
  ``NodeMetrics`` objects the aggregated API serves (``usage.cpu`` in ``n``, memory as a BinarySI
  quantity, ``timestamp``, ``window``), never stored in etcd, read by ``kubectl top``, the HPA
  controller and the REST API.
- ``service_time`` / ``record_request``: how long one request takes an app under its CPU limit (a
  CFS quota bucket per container), which the clients (``net.clients`` wget/curl) wait in virtual
  time: so a loop that waits for each answer, as ``while sleep 0.01; do wget …; done`` does, sends
  as many requests as the app can answer, and the walkthrough's numbers follow (one pod pinned at
  its 500m limit, 250%; the loop's 38.5 requests a second = 0.62 cores over 7 pods, 44% of 200m).

Hands off: pods, probes and OOM kills are the kubelet's; this only measures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .quantity import BINARY_SI, Quantity, new_quantity, new_scaled_quantity
from .registry import normalize, split_ref
from .store import Obj

if TYPE_CHECKING:
    from .cluster import Cluster

NAMESPACE = "kube-system"
NAME = "metrics-server"
IMAGE = "registry.k8s.io/metrics-server/metrics-server:v0.7.2"
HPA_EXAMPLE = "registry.k8s.io/hpa-example"
#: --metric-resolution
RESOLUTION = 15.0
GROUP = "metrics.k8s.io"
#: the resources metrics.k8s.io serves: (plural, kind, namespaced), as metrics-server registers them
API_RESOURCES = (("nodes", "NodeMetrics", False), ("pods", "PodMetrics", True))
VERSION = "v1beta1"
API_VERSION = f"{GROUP}/{VERSION}"
LABELS = {"k8s-app": NAME}

MI = 1024 * 1024


@dataclass(frozen=True)
class Profile:
    """What a container of an image uses: idle CPU (millicores), memory (MiB), CPU seconds per request."""

    cpu_m: float
    memory_mi: float
    cpu_per_request: float = 0.0002


#: by normalised repository (the tag does not matter here)
PROFILES: dict[str, Profile] = {
    "docker.io/library/nginx": Profile(0.0, 3.0, 0.0002),
    "docker.io/library/httpd": Profile(0.5, 6.0, 0.0003),
    "docker.io/library/busybox": Profile(0.0, 0.4, 0.0),
    "docker.io/library/alpine": Profile(0.0, 0.5, 0.0),
    "docker.io/library/ubuntu": Profile(0.0, 0.8, 0.0),
    "docker.io/library/redis": Profile(2.0, 3.0, 0.0001),
    "docker.io/library/mysql": Profile(6.0, 380.0, 0.001),
    "docker.io/library/wordpress": Profile(1.0, 28.0, 0.02),
    HPA_EXAMPLE: Profile(0.4, 10.0, 0.016),
    "registry.k8s.io/etcd": Profile(20.0, 40.0),
    "registry.k8s.io/kube-apiserver": Profile(40.0, 230.0),
    "registry.k8s.io/kube-controller-manager": Profile(12.0, 48.0),
    "registry.k8s.io/kube-scheduler": Profile(2.5, 18.0),
    "registry.k8s.io/kube-proxy": Profile(1.0, 14.0),
    "registry.k8s.io/coredns/coredns": Profile(2.0, 13.0, 0.0001),
    "docker.io/flannel/flannel": Profile(2.0, 11.0),
    "registry.k8s.io/metrics-server/metrics-server": Profile(3.5, 18.0),
    "registry.k8s.io/pause": Profile(0.0, 0.2),
}
DEFAULT_PROFILE = Profile(0.5, 8.0, 0.001)
#: what a node runs outside pods (kubelet, containerd, the OS): millicores, MiB
NODE_OVERHEAD = {"control-plane": (90.0, 820.0), "worker": (35.0, 480.0)}


def profile(image: str) -> Profile:
    repo, _ = split_ref(normalize(image or ""))
    return PROFILES.get(repo, DEFAULT_PROFILE)


def _jitter(*parts: object) -> float:
    """A deterministic factor in [0.85, 1.15) for these parts (the same on every replay)."""
    digest = hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=4).digest()
    return 0.85 + 0.3 * int.from_bytes(digest, "big") / 2**32


def _limit(container: dict, resource: str) -> Quantity | None:
    value = ((container.get("resources") or {}).get("limits") or {}).get(resource)
    try:
        return Quantity.of(value) if value is not None else None
    except ValueError:
        return None


def _node_cpu_nano(cluster: Cluster, node: str) -> int | None:
    n = cluster.store.peek("Node", "", node) if node else None
    cap = ((n or {}).get("status") or {}).get("capacity") or {}
    try:
        return Quantity.of(cap["cpu"]).scaled_value(-9) if "cpu" in cap else None
    except ValueError:
        return None


def container_usage(cluster: Cluster, pod: Obj, container: dict, requests: int, window: float,
                    when: float) -> tuple[int, int]:
    """(CPU nanocores, memory bytes) a running container used over ``window`` seconds ending at
    ``when``, having served ``requests`` requests in it: the usage model, a pure function of its
    inputs (and of the runtime's program-usage hook)."""
    prof = profile(container.get("image") or "")
    uid = pod["metadata"].get("uid", "")
    name = container.get("name", "")
    cpu_cores = prof.cpu_m / 1000 * _jitter(uid, name, "cpu", int(when))
    cpu_cores += requests * prof.cpu_per_request / max(window, 1e-9)
    memory = prof.memory_mi * MI * _jitter(uid, name, "mem", int(when) // 60)
    program = getattr(cluster.runtime, "usage", None)
    if callable(program):
        asked = program(uid, name)
        if asked:
            cores, mem = asked
            cpu_cores += cores or 0.0
            memory += mem or 0
    nano = int(cpu_cores * 1e9)
    lim = _limit(container, "cpu")
    if lim is not None and not lim.is_zero():
        nano = min(nano, lim.scaled_value(-9))
    cap = _node_cpu_nano(cluster, (pod.get("spec") or {}).get("nodeName") or "")
    if cap is not None:
        nano = min(nano, cap)
    mem_limit = _limit(container, "memory")
    mem = int(memory) // 4096 * 4096  # the working set is counted in pages
    if mem_limit is not None and not mem_limit.is_zero():
        mem = min(mem, mem_limit.value())
    return max(nano, 0), max(mem, 0)


#: the CFS period: a container limited to L cores may run L x this much in each period
CFS_PERIOD = 0.1


def service_time(cost: float, cores: float | None, quota: float) -> tuple[float, float]:
    """(seconds, quota left) for one request needing ``cost`` CPU-seconds in a container whose CPU
    limit is ``cores`` (None: unlimited) with ``quota`` CPU-seconds of its CFS quota left.

    The model: one request runs on one core. Unlimited, it takes its cost. Limited to L cores, the
    CFS quota is a bucket refilled at L per second and holding at most one period's worth
    (L x 100 ms): the request runs at full speed on what the bucket holds, then at the refill
    rate L, so a client that keeps one request in flight and sends the next 10 ms after each
    answer gets at most L / cost answers a second — php-apache (16 ms, limit 500m) serves such a
    loop 31 a second from one pod, its CPU pinned at the limit (the walkthrough's 250% of 200m),
    and the loop's own 38.5 a second (1 / 26 ms) once the load is spread over two or more pods."""
    if cores is None or cores <= 0:
        return cost, quota
    took = max(cost, (cost - quota) / cores)
    return took, min(cores * CFS_PERIOD, max(0.0, quota + cores * took - cost))


@dataclass
class Served:
    """What one container instance served: the request counter the usage model reads and its CFS state."""

    uid: str
    cost: float  # CPU-seconds one request costs its app
    cores: float | None  # its CPU limit
    count: int = 0
    quota: float = 0.0
    last: float = 0.0  # when its quota was last topped up (the end of its last request)


@dataclass
class Requests:
    """``cluster``'s per-container request counters: (namespace, pod, container) -> Served."""

    entries: dict[tuple[str, str, str], Served] = field(default_factory=dict)
    high: int = 64

    def prune(self, cluster: Cluster) -> None:
        """Drop the counters of pods that are gone (amortised: only when the table has doubled)."""
        live = {}
        for key, e in self.entries.items():
            pod = cluster.store.peek("Pod", key[0], key[1])
            if pod is not None and pod["metadata"].get("uid") == e.uid:
                live[key] = e
        self.entries = live
        self.high = 2 * len(live) + 64


def requests(cluster: Cluster) -> Requests:
    r = getattr(cluster, "_requests", None)
    if not isinstance(r, Requests):
        r = Requests()
        cluster._requests = r  # type: ignore[attr-defined]
    return r


def record_request(cluster: Cluster, namespace: str, pod_name: str, pod_uid: str, container: str,
                   now: float) -> float:
    """One request served by ``container`` of the pod, starting at ``now`` (the client's local
    time): counted for the usage model; returns the seconds the app takes to answer it
    (``service_time`` under the container's CPU limit, its quota refilled since its last request)."""
    table = requests(cluster)
    key = (namespace, pod_name, container)
    e = table.entries.get(key)
    if e is None or e.uid != pod_uid:
        pod = cluster.store.peek("Pod", namespace, pod_name)
        spec = next((c for c in ((pod or {}).get("spec") or {}).get("containers") or []
                     if c.get("name") == container), {})
        lim = _limit(spec, "cpu")
        cores = lim.milli_value() / 1000 if lim is not None and not lim.is_zero() else None
        e = Served(pod_uid, profile(spec.get("image") or "").cpu_per_request, cores,
                   quota=(cores or 0.0) * CFS_PERIOD, last=now)
        if len(table.entries) >= table.high:
            table.prune(cluster)
        table.entries[key] = e
    e.count += 1
    if e.cores is not None:
        e.quota = min(e.cores * CFS_PERIOD, e.quota + max(0.0, now - e.last) * e.cores)
    took, e.quota = service_time(e.cost, e.cores, e.quota)
    e.last = max(e.last, now + took)
    return took


# -- the scraper -------------------------------------------------------------------------------------

def _running_containers(pod: Obj) -> dict[str, str]:
    """container name -> the running instance's identity (its startedAt and restart count)."""
    out = {}
    for s in (pod.get("status") or {}).get("containerStatuses") or []:
        running = (s.get("state") or {}).get("running")
        if running is not None:
            out[s["name"]] = f"{running.get('startedAt')}#{s.get('restartCount', 0)}"
    return out


@dataclass
class Sample:
    """One pod's metrics of one scrape."""

    timestamp: float
    window: float
    containers: list[tuple[str, int, int]]  # (name, nanocores, bytes)


@dataclass
class MetricsServer:
    """The simulated metrics-server process: scrapes every kubelet each resolution."""

    cluster: Cluster
    on: bool = True
    last_scrape: float | None = None
    pods: dict[tuple[str, str], Sample] = field(default_factory=dict)
    nodes: dict[str, Sample] = field(default_factory=dict)
    #: (ns, pod) -> container name -> instance identity seen at the previous scrape
    _seen: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    #: (ns, pod, container) -> (pod uid, its request counter) at the previous scrape
    _counted: dict[tuple[str, str, str], tuple[str, int]] = field(default_factory=dict)
    _next_counted: dict[tuple[str, str, str], tuple[str, int]] = field(default_factory=dict)
    _timer: Any = None

    def arm(self) -> None:
        self._timer = self.cluster.clock.call_later(RESOLUTION, self.tick)

    def stop(self) -> None:
        self.on = False
        if self._timer is not None:
            self._timer.cancel()
        self.pods.clear()
        self.nodes.clear()
        self._seen.clear()
        self._counted.clear()
        self.last_scrape = None

    def tick(self) -> None:
        if not self.on:
            return
        if process_running(self.cluster):
            self.scrape(self.cluster.clock.now())
        else:
            self.pods.clear()
            self.nodes.clear()
            self._seen.clear()
            self._counted.clear()
            self.last_scrape = None
        self.arm()

    def _served(self, key: tuple[str, str], uid: str, container: str) -> int:
        """Requests the container served since the previous scrape (its counter's increase)."""
        e = requests(self.cluster).entries.get((key[0], key[1], container))
        if e is None or e.uid != uid:
            return 0
        counted = self._counted.get((key[0], key[1], container))
        self._next_counted[(key[0], key[1], container)] = (uid, e.count)
        return e.count - counted[1] if counted is not None and counted[0] == uid else e.count

    def scrape(self, now: float) -> None:
        """One scrape of every node's kubelet: a rate for each container seen in the last scrape too."""
        cluster = self.cluster
        window = now - self.last_scrape if self.last_scrape is not None else RESOLUTION
        self._next_counted = {}
        seen: dict[tuple[str, str], dict[str, str]] = {}
        pods: dict[tuple[str, str], Sample] = {}
        per_node: dict[str, list[int]] = {}
        for pod in cluster.store.scan("Pod"):
            node = (pod.get("spec") or {}).get("nodeName")
            machine = cluster.machines.get(node or "")
            if not node or machine is None or not machine.up:
                continue
            running = _running_containers(pod)
            if not running:
                continue
            key = (pod["metadata"].get("namespace") or "", pod["metadata"]["name"])
            seen[key] = running
            before = self._seen.get(key) or {}
            containers: list[tuple[str, int, int]] = []
            specs = {c["name"]: c for c in (pod.get("spec") or {}).get("containers") or []}
            uid = pod["metadata"].get("uid", "")
            for name, spec in specs.items():
                served = self._served(key, uid, name)
                if name not in running or before.get(name) != running[name]:
                    continue
                cpu, mem = container_usage(cluster, pod, spec, served, window, now)
                containers.append((name, cpu, mem))
            if containers and len(containers) == len(running):
                pods[key] = Sample(now, window, containers)
                totals = per_node.setdefault(node, [0, 0])
                totals[0] += sum(c[1] for c in containers)
                totals[1] += sum(c[2] for c in containers)
        nodes: dict[str, Sample] = {}
        if self.last_scrape is not None:
            for name, machine in cluster.machines.items():
                n = cluster.store.peek("Node", "", name)
                if n is None or not machine.up:
                    continue
                role = "control-plane" if "node-role.kubernetes.io/control-plane" in (
                    n["metadata"].get("labels") or {}) else "worker"
                cpu_m, mem_mi = NODE_OVERHEAD[role]
                cpu, mem = per_node.get(name, [0, 0])
                cpu += int(cpu_m * 1e6 * _jitter(name, "cpu", int(now)))
                mem += int(mem_mi * MI * _jitter(name, "mem", int(now) // 60)) // 4096 * 4096
                cap = _node_cpu_nano(cluster, name)
                nodes[name] = Sample(now, window, [("", min(cpu, cap) if cap else cpu, mem)])
        self.pods, self.nodes, self._seen = pods, nodes, seen
        self._counted, self._next_counted = self._next_counted, {}
        self.last_scrape = now


def server(cluster: Cluster) -> MetricsServer | None:
    s = getattr(cluster, "_metrics_server", None)
    return s if isinstance(s, MetricsServer) and s.on else None


def _metrics_pod(cluster: Cluster) -> Obj | None:
    for pod in cluster.store.scan("Pod", NAMESPACE, selector={"matchLabels": LABELS}):
        if not pod["metadata"].get("deletionTimestamp"):
            return pod
    return None


def process_running(cluster: Cluster) -> bool:
    """The metrics-server container is running (it scrapes from its start)."""
    pod = _metrics_pod(cluster)
    return pod is not None and bool(_running_containers(pod))


def available(cluster: Cluster) -> bool:
    """metrics.k8s.io is served: the add-on is on and its pod is Ready (the APIService is Available)."""
    if server(cluster) is None:
        return False
    pod = _metrics_pod(cluster)
    return pod is not None and any(c.get("type") == "Ready" and c.get("status") == "True"
                                   for c in (pod.get("status") or {}).get("conditions") or [])


# -- the metrics.k8s.io objects -----------------------------------------------------------------

def _duration(seconds: float) -> str:
    """metav1.Duration's text (Go's time.Duration.String) of a window."""
    ms = round(seconds * 1000)
    whole, frac = divmod(ms, 1000)
    if whole >= 60:
        minutes, secs = divmod(whole, 60)
        tail = f"{secs}.{frac:03d}".rstrip("0").rstrip(".") if frac else str(secs)
        return f"{minutes}m{tail}s"
    return f"{whole}.{frac:03d}".rstrip("0").rstrip(".") + "s" if frac else f"{whole}s"


def _usage(cpu: int, mem: int) -> dict[str, str]:
    return {"cpu": str(new_scaled_quantity(cpu, -9)), "memory": str(new_quantity(mem, BINARY_SI))}


def _pod_metrics_obj(cluster: Cluster, key: tuple[str, str], s: Sample) -> Obj:
    pod = cluster.store.peek("Pod", *key) or {"metadata": {}}
    meta: Obj = {"name": key[1], "namespace": key[0], "creationTimestamp": cluster.clock.iso()}
    if pod["metadata"].get("labels"):
        meta["labels"] = dict(pod["metadata"]["labels"])
    return {"kind": "PodMetrics", "apiVersion": API_VERSION, "metadata": meta,
            "timestamp": cluster.clock.iso(s.timestamp), "window": _duration(s.window),
            "containers": [{"name": n, "usage": _usage(cpu, mem)} for n, cpu, mem in s.containers]}


def _node_metrics_obj(cluster: Cluster, name: str, s: Sample) -> Obj:
    node = cluster.store.peek("Node", "", name) or {"metadata": {}}
    meta: Obj = {"name": name, "creationTimestamp": cluster.clock.iso()}
    if node["metadata"].get("labels"):
        meta["labels"] = dict(node["metadata"]["labels"])
    _, cpu, mem = s.containers[0]
    return {"kind": "NodeMetrics", "apiVersion": API_VERSION, "metadata": meta,
            "timestamp": cluster.clock.iso(s.timestamp), "window": _duration(s.window), "usage": _usage(cpu, mem)}


def pod_metrics(cluster: Cluster, namespace: str | None = None, names: set[str] | None = None) -> list[Obj]:
    """PodMetrics of the pods with metrics (namespace None: every namespace; ``names`` narrows to
    those pods), sorted by namespace and name; empty while the API is not available."""
    s = server(cluster)
    if s is None or not available(cluster):
        return []
    out = []
    for key in sorted(s.pods):
        if (namespace is None or key[0] == namespace) and (names is None or key[1] in names):
            out.append(_pod_metrics_obj(cluster, key, s.pods[key]))
    return out


def node_metrics(cluster: Cluster, names: set[str] | None = None) -> list[Obj]:
    s = server(cluster)
    if s is None or not available(cluster):
        return []
    return [_node_metrics_obj(cluster, n, s.nodes[n]) for n in sorted(s.nodes) if names is None or n in names]


def pod_usage_milli(cluster: Cluster, namespace: str, resource: str, container: str = ""
                    ) -> dict[str, tuple[int, float, float]]:
    """For the HPA's metrics client: pod name -> (the containers' usage summed as MilliValues — or
    ``container``'s alone, pods without it left out — timestamp, window) of ``resource`` in ``namespace``."""
    s = server(cluster)
    if s is None or not available(cluster):
        return {}
    out = {}
    for (ns, name), sample in s.pods.items():
        if ns != namespace:
            continue
        total, found = 0, not container
        for n, cpu, mem in sample.containers:
            if container and n != container:
                continue
            found = True
            q = new_scaled_quantity(cpu, -9) if resource == "cpu" else new_quantity(mem, BINARY_SI)
            total += q.milli_value()
        if found:
            out[name] = (total, sample.timestamp, sample.window)
    return out


# -- the add-on ---------------------------------------------------------------------------------------

def _container() -> Obj:
    return {
        "name": NAME,
        "image": IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "args": ["--cert-dir=/tmp", "--secure-port=10250",
                 "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                 "--kubelet-use-node-status-port", "--metric-resolution=15s", "--kubelet-insecure-tls"],
        "livenessProbe": {"failureThreshold": 3, "periodSeconds": 10,
                          "httpGet": {"path": "/livez", "port": "https", "scheme": "HTTPS"}},
        "ports": [{"containerPort": 10250, "name": "https", "protocol": "TCP"}],
        "readinessProbe": {"failureThreshold": 3, "initialDelaySeconds": 20, "periodSeconds": 10,
                           "httpGet": {"path": "/readyz", "port": "https", "scheme": "HTTPS"}},
        "resources": {"requests": {"cpu": "100m", "memory": "200Mi"}},
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                            "readOnlyRootFilesystem": True, "runAsNonRoot": True, "runAsUser": 1000,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "volumeMounts": [{"mountPath": "/tmp", "name": "tmp-dir"}],
    }


def manifests() -> list[Obj]:
    """components.yaml of metrics-server v0.7.2 (the kinds kubeplay serves are created)."""
    meta = {"name": NAME, "namespace": NAMESPACE, "labels": dict(LABELS)}
    rules_reader = [{"apiGroups": ["metrics.k8s.io"], "resources": ["pods", "nodes"],
                     "verbs": ["get", "list", "watch"]}]
    rules_server = [{"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]},
                    {"apiGroups": [""], "resources": ["pods", "nodes"], "verbs": ["get", "list", "watch"]}]
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": dict(meta)},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": {"name": "system:aggregated-metrics-reader",
                      "labels": {"k8s-app": NAME, "rbac.authorization.k8s.io/aggregate-to-admin": "true",
                                 "rbac.authorization.k8s.io/aggregate-to-edit": "true",
                                 "rbac.authorization.k8s.io/aggregate-to-view": "true"}},
         "rules": rules_reader},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": {"name": "system:metrics-server", "labels": dict(LABELS)}, "rules": rules_server},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
         "metadata": {"name": "metrics-server-auth-reader", "namespace": NAMESPACE, "labels": dict(LABELS)},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                     "name": "extension-apiserver-authentication-reader"},
         "subjects": [{"kind": "ServiceAccount", "name": NAME, "namespace": NAMESPACE}]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
         "metadata": {"name": "metrics-server:system:auth-delegator", "labels": dict(LABELS)},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:auth-delegator"},
         "subjects": [{"kind": "ServiceAccount", "name": NAME, "namespace": NAMESPACE}]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
         "metadata": {"name": "system:metrics-server", "labels": dict(LABELS)},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:metrics-server"},
         "subjects": [{"kind": "ServiceAccount", "name": NAME, "namespace": NAMESPACE}]},
        {"apiVersion": "v1", "kind": "Service", "metadata": dict(meta),
         "spec": {"ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": "https"}],
                  "selector": dict(LABELS)}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": dict(meta),
         "spec": {"selector": {"matchLabels": dict(LABELS)},
                  "strategy": {"rollingUpdate": {"maxUnavailable": 0}},
                  "template": {"metadata": {"labels": dict(LABELS)},
                               "spec": {"containers": [_container()],
                                        "nodeSelector": {"kubernetes.io/os": "linux"},
                                        "priorityClassName": "system-cluster-critical",
                                        "serviceAccountName": NAME,
                                        "volumes": [{"emptyDir": {}, "name": "tmp-dir"}]}}}},
        {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
         "metadata": {"name": f"{VERSION}.{GROUP}", "labels": dict(LABELS)},
         "spec": {"group": GROUP, "groupPriorityMinimum": 100, "insecureSkipTLSVerify": True,
                  "service": {"name": NAME, "namespace": NAMESPACE}, "version": VERSION,
                  "versionPriority": 100}},
    ]


def register_images(cluster: Cluster) -> None:
    """The images this add-on and the HPA walkthrough need, when the registry lacks them."""
    reg = cluster.registry
    if reg.resolve(IMAGE) is None:
        reg.add("registry.k8s.io/metrics-server/metrics-server", "v0.7.2", size=19_490_000,
                entrypoint=("/metrics-server",), cmd=(), ports=(10250,), server=True,
                http_paths=frozenset({"/livez", "/readyz", "/healthz", "/metrics"}), app="metrics-server",
                server_binaries=frozenset({"/metrics-server", "metrics-server"}))
    if reg.resolve(f"{HPA_EXAMPLE}:latest") is None:
        # php:5-apache with index.php burning CPU and answering "OK!"
        reg.add(HPA_EXAMPLE, "latest", size=191_800_000, entrypoint=("docker-php-entrypoint",),
                cmd=("apache2-foreground",), ports=(80,), server=True, http_paths=None, app="hpa-example",
                server_binaries=frozenset({"apache2-foreground"}))


def enabled(cluster: Cluster) -> bool:
    return server(cluster) is not None


def enable(cluster: Cluster) -> None:
    from .api import ApiError
    from .resources import BY_KIND

    register_images(cluster)
    for obj in manifests():
        if obj["kind"] not in BY_KIND:
            continue
        ns = obj["metadata"].get("namespace") or ""
        if cluster.store.peek(obj["kind"], ns, obj["metadata"]["name"]) is not None:
            continue
        try:
            cluster.api.create(obj, ns or None)
        except ApiError:
            continue  # an object the user made in its place stays theirs
    s = getattr(cluster, "_metrics_server", None)
    if isinstance(s, MetricsServer):
        s.on = True
    else:
        s = MetricsServer(cluster)
        cluster._metrics_server = s  # type: ignore[attr-defined]
    s.arm()


def disable(cluster: Cluster) -> None:
    from .api import ApiError
    from .resources import BY_KIND

    s = server(cluster)
    if s is not None:
        s.stop()
    for obj in reversed(manifests()):
        if obj["kind"] not in BY_KIND:
            continue
        ns = obj["metadata"].get("namespace") or ""
        if cluster.store.peek(obj["kind"], ns, obj["metadata"]["name"]) is None:
            continue
        try:
            cluster.api.delete(obj["kind"], ns, obj["metadata"]["name"])
        except ApiError:
            continue
