"""Cluster presets: what a sandbox starts from — the kubeadm lab, a minikube cluster, a kind cluster or
a large kubeadm cluster.

Owns: the list of presets and one builder per preset, each filling an empty store (after the
apiserver's bootstrap RBAC) with what that tool leaves behind on a fresh ``start``/``create cluster``:

- ``kubeadm`` — the lab of ``bootstrap.default_cluster`` (master, node1, node2, flannel);
- ``minikube`` — ``minikube start`` v1.35.0 with the docker driver and Kubernetes v1.32.0: one node
  ``minikube`` (InternalIP 192.168.49.2, pod CIDR 10.244.0.0/24, control-plane role without the
  NoSchedule taint, the ``minikube.k8s.io/*`` labels ``labelAndUntaintNode`` sets), the static pods
  ``etcd-minikube``, ``kube-apiserver-minikube``, ``kube-controller-manager-minikube``,
  ``kube-scheduler-minikube``, the ``kube-proxy`` DaemonSet, ``coredns`` scaled to 1 (minikube
  scales it down on a single node), and the two add-ons minikube enables by default:
  ``storage-provisioner`` (``controllers/hostpath.py``'s manifests: a bare Pod in kube-system running
  gcr.io/k8s-minikube/storage-provisioner:v5, the hostpath provisioner of that module) and ``default-storageclass`` (the
  ``standard`` StorageClass, provisioner ``k8s.io/minikube-hostpath``, marked default);
- ``kind`` — ``kind create cluster`` v0.27.0 with a config of one control-plane and one worker:
  ``kind-control-plane`` (172.18.0.3, tainted) and ``kind-worker`` (172.18.0.2), the ``kindnet``
  DaemonSet, and rancher's local-path-provisioner with kind's ``standard`` default class;
- ``large`` — the lab's kubeadm + flannel build sized for scale (``LARGE_NETWORK``): pod network
  10.64.0.0/11 (8,192 node blocks of /24, kube-controller-manager's ``--cluster-cidr`` and flannel's
  net-conf alike; clear of the service CIDR 10.96.0.0/12) on the host network 10.128.0.0/16
  (``master`` at 10.128.0.10, the workers after it), ``master`` and ``LARGE_WORKERS`` workers
  ``node1``… joined ``LARGE_JOIN_INTERVAL`` apart.

Each preset's addressing is a ``bootstrap.Network`` in ``NETWORKS`` (the pod network the node IPAM
controller cuts into blocks, the host network machines are numbered on), and the most nodes a sandbox
of it may have is ``max_nodes(preset)`` (``NODE_CAPS``: a dozen for the small ones, ``LARGE_API_NODES``
for ``large``, whose page draws at most ``LARGE_CANVAS_NODES``).

Service CIDR 10.96.0.0/12 and cluster DNS 10.96.0.10 in every preset (``net/alloc.py``).

Hands off: the objects are written straight to the store after defaulting, dated from the
preset's ``AGE`` (``bootstrap``'s helpers); controllers, the scheduler and the kubelets take it from
there. The ``minikube`` command (``server/minikube``) reads ``cluster.preset`` and the node names set here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import bootstrap, coreutils
from .bootstrap import _create, _daemon_pod, _ts
from .controllers import daemonset, hostpath
from .store import Obj

if TYPE_CHECKING:
    from .cluster import Cluster

PRESETS = ("kubeadm", "minikube", "kind", "large")
DEFAULT = "kubeadm"
#: how long before the clock's start (plus ``cluster.BOOT_LEAD``) each preset's cluster was made, what
#: every object it starts with is dated from (``bootstrap._ts``): the kubeadm lab has been up for days;
#: ``minikube start`` and ``kind create cluster`` have just finished (AGE a few minutes at the start;
#: kind's at least its worker's join and Ready, 55 s in, so that no condition is dated in the future)
AGE: dict[str, float] = {"kubeadm": bootstrap.LAB_AGE, "minikube": 40.0, "kind": 60.0, "large": bootstrap.LAB_AGE}

# -- large: the lab's kubeadm build for scale ------------------------------------------------------
#: 10.64.0.0/11 → 8,192 blocks of /24 (the issue's 5,000 nodes fit; 10.64.0.0/10 would overlap the
#: service CIDR 10.96.0.0/12 and lose 4,096 of them to filterOutServiceRange); hosts on 10.128.0.0/16
#: from .10 (65,526 machines: never the limit)
LARGE_NETWORK = bootstrap.Network("10.64.0.0/11", (("10.128.0.10", "10.128.255.254"),))
#: workers it starts with: the "100 nodes" end of the issue's per-node cost ratio (100 vs 1,000), a
#: canvas that is visibly large, and a build of a few seconds of wall time (every node has a Lease,
#: two daemon pods and a kubelet heartbeating every 10 s); more join through ``add_node``
LARGE_WORKERS = 100
#: seconds between two workers' ``kubeadm join`` (a provisioning script joining them in turn)
LARGE_JOIN_INTERVAL = 10.0

#: each preset's addressing (``bootstrap.Network``): pod network and host network
NETWORKS: dict[str, bootstrap.Network] = {
    "kubeadm": bootstrap.LAB_NETWORK,
    # minikube's docker network 192.168.49.0/24: gateway .1, nodes from .2 (kubeadm podSubnet 10.244.0.0/16)
    "minikube": bootstrap.Network("10.244.0.0/16", (("192.168.49.2", "192.168.49.254"),)),
    # kind's docker network 172.18.0.0/16 (its nodes from .2; podSubnet 10.244.0.0/16)
    "kind": bootstrap.Network("10.244.0.0/16", (("172.18.0.2", "172.18.255.254"),)),
    "large": LARGE_NETWORK,
}

#: the most nodes (machines) a sandbox of a small preset runs: room on the canvas, a bound on the work
SMALL_MAX_NODES = 12
#: the large preset: the page draws (and offers to add) up to this many nodes ...
LARGE_CANVAS_NODES = 1_000
#: ... and the sandbox's API (``Sandbox.add_node``, ``POST /api/sandboxes/<id>/nodes``) joins up to this many
LARGE_API_NODES = 5_000
NODE_CAPS: dict[str, int] = {"kubeadm": SMALL_MAX_NODES, "minikube": SMALL_MAX_NODES, "kind": SMALL_MAX_NODES,
                             "large": LARGE_API_NODES}


def max_nodes(preset: str) -> int:
    """The most nodes a sandbox of ``preset`` may have (``Sandbox.add_node`` refuses more)."""
    return NODE_CAPS.get(preset, SMALL_MAX_NODES)


def page_nodes(preset: str) -> int:
    """The most nodes the page's "Add node" brings a sandbox of ``preset`` to (more join through the
    API, up to ``max_nodes``)."""
    return min(LARGE_CANVAS_NODES, max_nodes(preset))


# -- minikube v1.35.0 (docker driver, docker runtime) --------------------------------------------
MINIKUBE_VERSION = "v1.35.0"
MINIKUBE_PROFILE = "minikube"
MINIKUBE_COMMIT = "dd5d320e41b5451cdf3c01891bc4e13d189586ed"
MINIKUBE_K8S = "v1.32.0"
MINIKUBE_SUBNET = "192.168.49."
MINIKUBE_IP = "192.168.49.2"
MINIKUBE_API_PORT = 8443
MINIKUBE_RUNTIME = "docker://27.4.1"
MINIKUBE_OS = "Ubuntu 22.04.5 LTS"
STORAGE_PROVISIONER_IMAGE = hostpath.IMAGE
HOSTPATH_PROVISIONER = hostpath.PROVISIONER
STANDARD_CLASS = "standard"

# -- kind v0.27.0 ---------------------------------------------------------------------------------
KIND_K8S = "v1.32.2"
KIND_SUBNET = "172.18.0."
KIND_RUNTIME = "containerd://2.0.2"
KIND_OS = "Debian GNU/Linux 12 (bookworm)"
KINDNET_IMAGE = "docker.io/kindest/kindnetd:v20250214-acbabc1a"



def build(cluster: Cluster, preset: str) -> None:
    """Fill the store with ``preset``'s objects; ValueError for an unknown name."""
    if preset not in PRESETS:
        raise ValueError(f'unknown preset "{preset}" (one of {", ".join(PRESETS)})')
    {"kubeadm": bootstrap.default_cluster, "minikube": minikube_cluster, "kind": kind_cluster,
     "large": large_cluster}[preset](cluster)


def large_cluster(cluster: Cluster) -> None:
    """The ``large`` preset: ``master`` and ``LARGE_WORKERS`` workers, kubeadm + flannel on ``LARGE_NETWORK``."""
    workers = tuple(f"node{i}" for i in range(1, LARGE_WORKERS + 1))
    bootstrap.kubeadm_cluster(cluster, LARGE_NETWORK, workers, join_interval=LARGE_JOIN_INTERVAL)


# -- shared pieces ---------------------------------------------------------------------------------
def _node(cluster: Cluster, name: str, *, ip: str, pod_cidr: str | None, created: str, ready_since: str,
          control_plane: bool, tainted: bool, kubelet: str, runtime: str, os_image: str, cri_socket: str,
          labels: dict[str, str] | None = None, images: set[str] | None = None) -> Obj:
    """A Node, its Lease and the machine under it, as the preset's kubelet registers it (no flannel)."""
    from .cluster import Machine

    node = bootstrap.node_object(name, ip=ip, pod_cidr=pod_cidr, created=created,
                                 ready_since=ready_since, now=cluster.clock.iso(), control_plane=control_plane,
                                 labels=labels)
    meta, status = node["metadata"], node["status"]
    meta["annotations"] = {"kubeadm.alpha.kubernetes.io/cri-socket": cri_socket,
                           "node.alpha.kubernetes.io/ttl": "0",
                           "volumes.kubernetes.io/controller-managed-attach-detach": "true"}
    status["conditions"] = [c for c in status["conditions"] if c["type"] != "NetworkUnavailable"]
    # the docker driver's (and kind's) nodes are containers on the workstation: their kernel is its own
    status["nodeInfo"].update(containerRuntimeVersion=runtime, kubeletVersion=kubelet, kubeProxyVersion=kubelet,
                              osImage=os_image, kernelVersion=coreutils.HOST_KERNEL)
    if not tainted:
        node["spec"].pop("taints", None)
    stored = _create(cluster, node, default=False)
    cluster.store.create(bootstrap.lease_object(stored, cluster.clock.now(), created))
    cluster.machines[name] = Machine(name, images=set(images or ()))
    return stored


def _control_plane(cluster: Cluster, node: Obj, ip: str, version: str) -> None:
    """The static pods of kubeadm's manifests at ``version``, the kubernetes/kube-dns Services,
    coredns and the kube-proxy DaemonSet (with its revision)."""
    port = cluster_api_port(cluster)
    for pod in bootstrap._static_pods(node, ip):
        container = pod["spec"]["containers"][0]
        if container["image"].startswith("registry.k8s.io/kube-"):
            container["image"] = container["image"].rsplit(":", 1)[0] + ":" + version
        if container["name"] == "kube-apiserver":
            container["command"] = [f"--secure-port={port}" if a.startswith("--secure-port=") else a
                                    for a in container["command"]]
            if port != 6443:
                container.update(apiserver_probes(ip, port))
        pod["metadata"]["creationTimestamp"] = _ts(cluster, 2)
        pod["status"] = bootstrap._scheduled_status(_ts(cluster, 2))
        _create(cluster, pod)
    for svc in bootstrap._services(ip):
        svc["metadata"]["creationTimestamp"] = _ts(cluster, 5)
        if svc["kind"] == "Endpoints" and svc["metadata"]["name"] == "kubernetes":
            svc["subsets"][0]["ports"][0]["port"] = port
        elif svc["metadata"]["name"] == "kubernetes":  # the apiserver's reconciler: targetPort is its secure port
            svc["spec"]["ports"][0]["targetPort"] = port
        _create(cluster, svc, default=svc["kind"] == "Service")


def apiserver_probes(ip: str, port: int) -> Obj:
    """kubeadm's probes of the kube-apiserver static pod (controlplane.GetStaticPodSpecs): HTTPS to the
    advertise address on the secure port."""
    def get(path: str) -> Obj:
        return {"host": ip, "path": path, "port": port, "scheme": "HTTPS"}

    return {"livenessProbe": {"failureThreshold": 8, "httpGet": get("/livez"), "initialDelaySeconds": 10,
                              "periodSeconds": 10, "timeoutSeconds": 15},
            "readinessProbe": {"failureThreshold": 3, "httpGet": get("/readyz"), "periodSeconds": 1,
                               "timeoutSeconds": 15},
            "startupProbe": {"failureThreshold": 24, "httpGet": get("/livez"), "initialDelaySeconds": 10,
                             "periodSeconds": 10, "timeoutSeconds": 15}}


def cluster_api_port(cluster: Cluster) -> int:
    """The apiserver's secure port: minikube's 8443 (its kubeadm config's bindPort), else kubeadm's 6443."""
    return MINIKUBE_API_PORT if getattr(cluster, "preset", DEFAULT) == "minikube" else 6443


def apiserver_down(cluster: Cluster) -> bool:
    """Whether the minikube preset's apiserver machine is off (``minikube stop`` powers the node's
    container off: nothing listens on 192.168.49.2:8443 any more)."""
    if getattr(cluster, "preset", DEFAULT) != "minikube":
        return False
    machine = cluster.machines.get(MINIKUBE_PROFILE)
    return machine is None or not machine.up


def _coredns(cluster: Cluster, replicas: int) -> None:
    coredns = bootstrap._coredns()
    coredns["spec"]["replicas"] = replicas
    coredns["metadata"]["creationTimestamp"] = _ts(cluster, 25)
    _create(cluster, coredns)


def _daemonset(cluster: Cluster, ds: Obj, created: str) -> Obj:
    ds["metadata"]["creationTimestamp"] = created
    stored = _create(cluster, ds)
    revision = daemonset.revision_object(stored, daemonset.revision_hash(stored), 1)
    revision["metadata"]["creationTimestamp"] = created
    _create(cluster, revision, default=False)
    return stored


def _kube_proxy(version: str) -> Obj:
    ds = next(d for d in bootstrap._daemonsets() if d["metadata"]["name"] == "kube-proxy")
    container = ds["spec"]["template"]["spec"]["containers"][0]
    container["image"] = f"registry.k8s.io/kube-proxy:{version}"
    return ds


# -- minikube ----------------------------------------------------------------------------------------
def minikube_labels(name: str, *, primary: bool, updated_at: float) -> dict[str, str]:
    """The labels ``labelAndUntaintNode`` puts on a node (updated_at in Go's 2006_01_02T15_04_05_0700)."""
    import time as _time

    stamp = _time.strftime("%Y_%m_%dT%H_%M_%S_0700", _time.gmtime(updated_at))
    return {"minikube.k8s.io/commit": MINIKUBE_COMMIT, "minikube.k8s.io/name": "minikube",
            "minikube.k8s.io/primary": "true" if primary else "false",
            "minikube.k8s.io/updated_at": stamp, "minikube.k8s.io/version": MINIKUBE_VERSION}


def _minikube_images() -> set[str]:
    return {f"registry.k8s.io/{c}:{MINIKUBE_K8S}" for c in
            ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy")} | {
        bootstrap.IMAGES["etcd"], bootstrap.IMAGES["coredns"], bootstrap.IMAGES["pause"], STORAGE_PROVISIONER_IMAGE}


def anonymous_forbidden(path: str) -> str:
    """The apiserver's answer to an anonymous request for a path ``system:public-info-viewer`` does not
    cover (responsewriters.Forbidden's Status, as ``curl -k https://10.96.0.1`` prints it)."""
    return ('{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n'
            f'  "message": "forbidden: User \\"system:anonymous\\" cannot get path \\"{path}\\"",\n'
            '  "reason": "Forbidden",\n  "details": {},\n  "code": 403\n}')


#: minikube's apiserver: the paths anonymous requests get an answer on (403 elsewhere, as RBAC says)
_APISERVER_ANSWERS = (
    *((p, 403, anonymous_forbidden(p)) for p in ("/", "/api", "/apis", "/metrics", "/openapi/v2")),
    *((p, 200, "ok") for p in ("/livez", "/readyz", "/healthz")),
    ("/version", 200, '{\n  "major": "1",\n  "minor": "32",\n  "gitVersion": "v1.32.0",\n'
                      '  "gitCommit": "70d3cc986aa8221cd1dfb1121852688902d3bf53",\n  "gitTreeState": "clean",\n'
                      '  "buildDate": "2024-12-11T17:59:15Z",\n  "goVersion": "go1.23.3",\n'
                      '  "compiler": "gc",\n  "platform": "linux/amd64"\n}'),
)


def register_images(cluster: Cluster) -> None:
    """The preset's own images the built-in registry lacks (minikube's provisioner, kindnetd), and
    minikube's apiserver: listening on 8443 and answering as the apiserver answers anonymous requests."""
    if cluster.preset == "minikube":
        cluster.registry.add("registry.k8s.io/kube-apiserver", MINIKUBE_K8S, ports=(MINIKUBE_API_PORT,),
                             app="custom", http_paths=frozenset(p for p, st, _b in _APISERVER_ANSWERS if st < 400),
                             answers=_APISERVER_ANSWERS)
    if cluster.registry.resolve(STORAGE_PROVISIONER_IMAGE) is None:
        cluster.registry.add("gcr.io/k8s-minikube/storage-provisioner", "v5", size=31_465_472, ports=(),
                             http_paths=None, server=True,
                             server_binaries=frozenset({"/storage-provisioner", "storage-provisioner"}))
    if cluster.registry.resolve(KINDNET_IMAGE) is None:
        cluster.registry.add("docker.io/kindest/kindnetd", "v20250214-acbabc1a", size=44_940_000, ports=(),
                             http_paths=None, server=True, server_binaries=frozenset({"/bin/kindnetd", "kindnetd"}))


def minikube_cluster(cluster: Cluster) -> None:
    """``minikube start`` (v1.35.0, docker driver): one node ``minikube`` and minikube's default add-ons."""
    register_images(cluster)
    bootstrap.system_objects(cluster, server=f"https://control-plane.minikube.internal:{MINIKUBE_API_PORT}",
                    service_accounts=("coredns", "kube-proxy"))
    labels = minikube_labels("minikube", primary=True, updated_at=bootstrap.created_at(cluster) + 30)
    node = _node(cluster, "minikube", ip=MINIKUBE_IP, pod_cidr=NETWORKS["minikube"].pod_cidr(0), created=_ts(cluster, 0), ready_since=_ts(cluster, 15),
                 control_plane=True, tainted=False, kubelet=MINIKUBE_K8S, runtime=MINIKUBE_RUNTIME,
                 os_image=MINIKUBE_OS, cri_socket="unix:///var/run/cri-dockerd.sock", labels=labels,
                 images=_minikube_images())
    _control_plane(cluster, node, MINIKUBE_IP, MINIKUBE_K8S)
    _coredns(cluster, 1)
    proxy = _daemonset(cluster, _kube_proxy(MINIKUBE_K8S), _ts(cluster, 25))
    _create(cluster, _daemon_pod(proxy, "minikube", _ts(cluster, 26)))
    for obj in hostpath.manifests():
        obj["metadata"]["creationTimestamp"] = _ts(cluster, 30)
        if obj["kind"] == "Pod":
            obj["status"] = bootstrap._scheduled_status(_ts(cluster, 30))
        _create(cluster, obj)
    _create(cluster, standard_class(HOSTPATH_PROVISIONER, "Immediate", _ts(cluster, 30), minikube=True))


def standard_class(provisioner: str, binding: str, created: str, *, minikube: bool) -> Obj:
    """The ``standard`` default StorageClass (minikube's storageclass.yaml, or kind's)."""
    meta: Obj = {"name": STANDARD_CLASS, "creationTimestamp": created,
                 "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}
    if minikube:
        meta["labels"] = {"addonmanager.kubernetes.io/mode": "EnsureExists"}
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta,
            "provisioner": provisioner, "reclaimPolicy": "Delete", "volumeBindingMode": binding}


def add_minikube_node(cluster: Cluster, name: str) -> Obj:
    """``minikube node add``: the next worker ``minikube-m0N`` at the next free 192.168.49.x and pod
    block (``bootstrap.next_node_addresses``)."""
    ip, pod_cidr = bootstrap.next_node_addresses(cluster)
    now = cluster.clock.iso()
    node = _node(cluster, name, ip=ip, pod_cidr=pod_cidr, created=now, ready_since=now,
                 control_plane=False, tainted=False, kubelet=MINIKUBE_K8S, runtime=MINIKUBE_RUNTIME,
                 os_image=MINIKUBE_OS, cri_socket="unix:///var/run/cri-dockerd.sock",
                 labels=minikube_labels(name, primary=False, updated_at=cluster.clock.now()),
                 images={f"registry.k8s.io/kube-proxy:{MINIKUBE_K8S}", bootstrap.IMAGES["pause"]})
    cluster.settle()
    return node


# -- kind ----------------------------------------------------------------------------------------------
def _kindnet() -> Obj:
    labels = {"app": "kindnet", "k8s-app": "kindnet", "tier": "node"}
    spec = bootstrap._pod_spec(
        [bootstrap._container(
            "kindnet-cni", KINDNET_IMAGE, None, requests={"cpu": "100m", "memory": "50Mi"},
            limits={"cpu": "100m", "memory": "50Mi"},
            env=[{"name": "HOST_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.hostIP"}}},
                 {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}},
                 {"name": "POD_SUBNET", "value": "10.244.0.0/16"},
                 {"name": "CONTROL_PLANE_ENDPOINT", "value": "kind-control-plane:6443"}],
            securityContext={"capabilities": {"add": ["NET_RAW", "NET_ADMIN"]}, "privileged": False})],
        host_network=True, tolerations=[{"operator": "Exists"}], serviceAccountName="kindnet",
        serviceAccount="kindnet", nodeSelector={"kubernetes.io/os": "linux"})
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "kindnet", "namespace": "kube-system", "labels": dict(labels),
                         "annotations": {"deprecated.daemonset.template.generation": "1"}},
            "spec": {"revisionHistoryLimit": 10, "selector": {"matchLabels": {"app": "kindnet"}},
                     "template": {"metadata": {"labels": dict(labels)}, "spec": spec},
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}}}


def kind_cluster(cluster: Cluster) -> None:
    """``kind create cluster`` with one control-plane and one worker node (kind v0.27.0, kindest/node v1.32.2)."""
    register_images(cluster)
    bootstrap.system_objects(cluster, server="https://kind-control-plane:6443",
                    service_accounts=("coredns", "kube-proxy", "kindnet"))
    images = {f"registry.k8s.io/{c}:{KIND_K8S}" for c in ("kube-apiserver", "kube-controller-manager",
                                                         "kube-scheduler", "kube-proxy")}
    images |= {bootstrap.IMAGES["etcd"], bootstrap.IMAGES["coredns"], bootstrap.IMAGES["pause"], KINDNET_IMAGE}
    cp = _node(cluster, "kind-control-plane", ip=f"{KIND_SUBNET}3", pod_cidr=NETWORKS["kind"].pod_cidr(0), created=_ts(cluster, 0),
               ready_since=_ts(cluster, 20), control_plane=True, tainted=True, kubelet=KIND_K8S, runtime=KIND_RUNTIME,
               os_image=KIND_OS, cri_socket="unix:///run/containerd/containerd.sock", images=images)
    _control_plane(cluster, cp, f"{KIND_SUBNET}3", KIND_K8S)
    _coredns(cluster, 2)
    proxy = _daemonset(cluster, _kube_proxy(KIND_K8S), _ts(cluster, 25))
    kindnet = _daemonset(cluster, _kindnet(), _ts(cluster, 27))
    _node(cluster, "kind-worker", ip=f"{KIND_SUBNET}2", pod_cidr=NETWORKS["kind"].pod_cidr(1), created=_ts(cluster, 40), ready_since=_ts(cluster, 55),
          control_plane=False, tainted=False, kubelet=KIND_K8S, runtime=KIND_RUNTIME, os_image=KIND_OS,
          cri_socket="unix:///run/containerd/containerd.sock", images=images)
    for name, at in (("kind-control-plane", 26), ("kind-worker", 41)):
        for ds in (proxy, kindnet):
            _create(cluster, _daemon_pod(ds, name, _ts(cluster, at)))
    # kind's local-path-provisioner and its ``standard`` class in place of the add-on's ``local-path``
    from .controllers import provisioner

    provisioner.enable(cluster)
    cluster.store.remove("StorageClass", "", provisioner.CLASS)
    _create(cluster, standard_class(provisioner.PROVISIONER, "WaitForFirstConsumer", _ts(cluster, 30), minikube=False))
