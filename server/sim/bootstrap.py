"""The default cluster: the kubeadm lab every sandbox starts from, and nodes joining it later.

Owns: the objects ``kubeadm init`` + ``kubeadm join`` + a flannel install leave behind — the four
namespaces (each with its ``default`` ServiceAccount and ``kube-root-ca.crt`` ConfigMap; kube-public's
``cluster-info`` ConfigMap kubeadm publishes), the two system PriorityClasses the apiserver creates
at start (``system-node-critical``, ``system-cluster-critical``), the Nodes ``master`` (control plane, tainted NoSchedule), ``node1`` and ``node2`` with
their Leases and the simulated machines under them, the static (mirror) pods of the control plane,
the ``coredns`` Deployment, the ``kube-proxy`` and ``kube-flannel-ds`` DaemonSets with one pod per
node, the ``kubernetes`` and ``kube-dns`` Services — and ``add_node`` for a worker that joins.
``system_objects`` (the namespaces, ServiceAccounts, root CA copies, PriorityClasses, cluster-info and
kubeadm's addon ConfigMaps) is the part every preset shares (``presets.py``).

The lab is dated a couple of days before the clock's start (``LAB_AGE``) so AGE looks like a lab
that has been up a while; the other presets are dated by their own age (``presets.AGE``: ``_ts``). Objects are written straight to the store (after the apiserver's defaulting, so they
look like what a real apiserver would hold) because admission would reset their timestamps.

Hands off: pods are only *placed* here (``spec.nodeName``); the kubelet brings them up. The
``coredns`` Deployment is reconciled by our Deployment controller like any user's, and its pods are
placed by the scheduler. The DaemonSets are the DaemonSet controller's (controllers/daemonset.py):
the lab's daemon pods are written here already bound and dated like the rest of the lab (built by
that controller's own ``new_pod``, with its revision hash, so it counts them as its up-to-date pods),
and everything after — status, a joining node's pods, a removed node's — is the controller's.
"""

from __future__ import annotations

import hashlib
import heapq
import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import certs, defaults
from .clock import micro_time
from .controllers import daemonset
from .controllers.namespace import ROOT_CA_CONFIGMAP, ROOT_CA_DESCRIPTION, derived_uid
from .store import Obj, Store, WatchEvent

if TYPE_CHECKING:
    from .cluster import Cluster
    from .controllers.nodeipam import NodeIpamController

K8S_VERSION = "v1.32.4"
CONTAINERD_VERSION = "containerd://1.7.24"
KERNEL_VERSION = "5.15.0-131-generic"
OS_IMAGE = "Ubuntu 22.04.5 LTS"
NODE_SUBNET = "192.168.56."
FIRST_NODE_OCTET = 10
#: how long before the clock's start ``kubeadm init`` ran
LAB_AGE = 2 * 86400 + 3 * 3600 + 17 * 60

CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
CONTROL_PLANE_TAINT = {"key": CONTROL_PLANE_LABEL, "effect": "NoSchedule"}

# Node sizing of a typical 2 vCPU / 4 GiB lab VM: allocatable = capacity − the 100Mi hard
# eviction threshold (kubeadm sets no reservations).
DEFAULT_CPU = "2"
DEFAULT_MEMORY_KI = 4013904
DEFAULT_EPHEMERAL_KI = 30297152
DEFAULT_PODS = "110"

IMAGES = {
    "etcd": "registry.k8s.io/etcd:3.5.16-0",
    "kube-apiserver": f"registry.k8s.io/kube-apiserver:{K8S_VERSION}",
    "kube-controller-manager": f"registry.k8s.io/kube-controller-manager:{K8S_VERSION}",
    "kube-scheduler": f"registry.k8s.io/kube-scheduler:{K8S_VERSION}",
    "kube-proxy": f"registry.k8s.io/kube-proxy:{K8S_VERSION}",
    "coredns": "registry.k8s.io/coredns/coredns:v1.11.3",
    "flannel": "docker.io/flannel/flannel:v0.26.1",
    "pause": "registry.k8s.io/pause:3.10",
}

SYSTEM_NODE_CRITICAL = 2000001000
SYSTEM_CLUSTER_CRITICAL = 2000000000
#: the apiserver's SystemPriorityClasses (pkg/apis/scheduling/types.go), created by its bootstrap hook
SYSTEM_PRIORITY_CLASSES = (
    ("system-node-critical", SYSTEM_NODE_CRITICAL,
     "Used for system critical pods that must not be moved from their current node."),
    ("system-cluster-critical", SYSTEM_CLUSTER_CRITICAL,
     "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
)



@dataclass(frozen=True)
class Network:
    """A preset's addressing: the pod network kube-controller-manager cuts into a block per node
    (``--cluster-cidr``, ``--node-cidr-mask-size``; flannel's net-conf and kube-proxy's clusterCIDR
    say the same) and the host network its machines are numbered on (``hosts``: address ranges, first
    to last, used in order: machine 0 is the first address of the first range)."""

    cluster_cidr: str
    hosts: tuple[tuple[str, str], ...]
    node_mask: int = 24

    def pod_cidr(self, index: int) -> str:
        """The ``index``-th node block of the cluster CIDR (what the range allocator hands out in turn)."""
        net = ipaddress.IPv4Network(self.cluster_cidr)
        base = int(net.network_address) | (index << (32 - self.node_mask))
        return f"{ipaddress.IPv4Address(base)}/{self.node_mask}"

    def host_ip(self, index: int) -> str | None:
        """The ``index``-th machine's address, or None past the last range."""
        for first, last in self.hosts:
            lo, hi = int(ipaddress.IPv4Address(first)), int(ipaddress.IPv4Address(last))
            if index <= hi - lo:
                return str(ipaddress.IPv4Address(lo + index))
            index -= hi - lo + 1
        return None

    def host_index(self, ip: str) -> int | None:
        """Which machine number ``ip`` is, or None when it is not on the host network."""
        try:
            value = int(ipaddress.IPv4Address(ip))
        except ValueError:
            return None
        offset = 0
        for first, last in self.hosts:
            lo, hi = int(ipaddress.IPv4Address(first)), int(ipaddress.IPv4Address(last))
            if lo <= value <= hi:
                return offset + value - lo
            offset += hi - lo + 1
        return None


#: the kubeadm lab: ``kubeadm init --pod-network-cidr=10.244.0.0/16`` (flannel's default; a /24 per
#: node: 256 nodes) on VirtualBox's host-only network 192.168.56.0/24 — the workstation is .1, the
#: machines .10 up to .239, below the load-balancer pool's 192.168.56.240/28 (``cluster.set_lb_pool``).
#: A lab of more than those 230 machines goes on in a second, wider host-only network,
#: 192.168.64.0/18 (192.168.64.1 – 192.168.127.254), clear of minikube's 192.168.49.0/24.
LAB_NETWORK = Network("10.244.0.0/16", (("192.168.56.10", "192.168.56.239"), ("192.168.64.1", "192.168.127.254")))
#: the service CIDR of every preset (``net/alloc.py``), kept out of the pod blocks by the range allocator
SERVICE_CIDR = "10.96.0.0/12"

#: the lab's apiserver, as kubeadm init on master advertises it
LAB_SERVER = f"https://{NODE_SUBNET}{FIRST_NODE_OCTET}:6443"
NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


def cluster_info_kubeconfig(ca_data: str, server: str = LAB_SERVER) -> str:
    """kube-public/cluster-info's kubeconfig (kubeadm's bootstrap-token phase): the CA and the server."""
    return f"""apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: {ca_data}
    server: {server}
  name: ""
contexts: null
current-context: ""
kind: Config
preferences: {{}}
users: null
"""

COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
"""

def flannel_net_conf(network: str) -> str:
    """kube-flannel-cfg's net-conf.json (kube-flannel.yml, edited to the cluster's pod network)."""
    return f"""{{
  "Network": "{network}",
  "EnableNFTables": false,
  "Backend": {{
    "Type": "vxlan"
  }}
}}
"""


FLANNEL_NET_CONF = flannel_net_conf(LAB_NETWORK.cluster_cidr)


# -- helpers -----------------------------------------------------------------------------------
def created_at(cluster: Cluster) -> float:
    """When the cluster being built was made (``kubeadm init`` ran, epoch seconds): its preset's age
    (``presets.AGE``: ``LAB_AGE`` for the lab, under a minute for a fresh minikube or kind) before
    the clock's now. Only meaningful while the cluster is built."""
    from .presets import AGE

    return cluster.clock.now() - AGE.get(cluster.preset, LAB_AGE)


def _ts(cluster: Cluster, offset: float) -> str:
    """An RFC 3339 timestamp ``offset`` seconds after the cluster was created (``created_at``)."""
    return cluster.clock.iso(created_at(cluster) + offset)


def _create(cluster: Cluster, obj: Obj, *, default: bool = True) -> Obj:
    """Store ``obj`` as the apiserver would have (defaults applied), keeping its timestamps."""
    if default:
        defaults.apply(obj, cluster.api)
    if obj["kind"] == "Service":
        from .net.alloc import allocator

        allocator(cluster.api).allocate_create(obj)  # the fixed 10.96.0.1 / .10, reserved like any request
    return cluster.store.create(obj)


def _hash(text: str) -> str:
    """A stable controller-revision-hash-like string (digits only in the alphabet real ones use)."""
    digest = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[ord(c) % 27] for c in str(digest))


def _owner_ref(obj: Obj, *, block: bool = True) -> Obj:
    ref = {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
           "uid": obj["metadata"]["uid"], "controller": True}
    if block:
        ref["blockOwnerDeletion"] = True
    return ref


# -- nodes ------------------------------------------------------------------------------------
def node_object(name: str, *, ip: str, pod_cidr: str | None, created: str, ready_since: str, now: str,
                control_plane: bool = False, cpu: str = DEFAULT_CPU, memory_ki: int = DEFAULT_MEMORY_KI,
                pods: str = DEFAULT_PODS, labels: dict[str, str] | None = None,
                taints: list[Obj] | None = None) -> Obj:
    """A Node as a kubeadm-joined kubelet on Ubuntu + containerd + flannel registers and reports it.
    Without a ``pod_cidr`` (the range allocator had none left) flanneld cannot take a lease on the
    node ("pod cidr not assigned"), so neither its annotations nor its NetworkUnavailable condition
    are there."""
    node_labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    }
    if control_plane:
        node_labels[CONTROL_PLANE_LABEL] = ""
        node_labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    node_labels.update(labels or {})
    node_taints = [dict(CONTROL_PLANE_TAINT)] if control_plane else []
    node_taints += [dict(t) for t in taints or []]
    seed = hashlib.sha256(name.encode()).hexdigest()
    mac = ":".join(seed[i:i + 2] for i in range(0, 12, 2))
    spec: Obj = {"podCIDR": pod_cidr, "podCIDRs": [pod_cidr]} if pod_cidr else {}
    if node_taints:
        spec["taints"] = node_taints
    capacity = {"cpu": cpu, "ephemeral-storage": f"{DEFAULT_EPHEMERAL_KI}Ki", "hugepages-1Gi": "0",
                "hugepages-2Mi": "0", "memory": f"{memory_ki}Ki", "pods": pods}
    allocatable = dict(capacity, **{"ephemeral-storage": "27921562089", "memory": f"{memory_ki - 102400}Ki"})
    node: Obj = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "creationTimestamp": created,
            "labels": node_labels,
            "annotations": {
                "flannel.alpha.coreos.com/backend-data": f'{{"VNI":1,"VtepMAC":"{mac}"}}',
                "flannel.alpha.coreos.com/backend-type": "vxlan",
                "flannel.alpha.coreos.com/kube-subnet-manager": "true",
                "flannel.alpha.coreos.com/public-ip": ip,
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
        "status": {
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "allocatable": allocatable,
            "capacity": capacity,
            "conditions": [
                {"type": "NetworkUnavailable", "status": "False", "lastHeartbeatTime": ready_since,
                 "lastTransitionTime": ready_since, "reason": "FlannelIsUp",
                 "message": "Flannel is running on this node"},
                {"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": now,
                 "lastTransitionTime": created, "reason": "KubeletHasSufficientMemory",
                 "message": "kubelet has sufficient memory available"},
                {"type": "DiskPressure", "status": "False", "lastHeartbeatTime": now,
                 "lastTransitionTime": created, "reason": "KubeletHasNoDiskPressure",
                 "message": "kubelet has no disk pressure"},
                {"type": "PIDPressure", "status": "False", "lastHeartbeatTime": now,
                 "lastTransitionTime": created, "reason": "KubeletHasSufficientPID",
                 "message": "kubelet has sufficient PID available"},
                {"type": "Ready", "status": "True", "lastHeartbeatTime": now,
                 "lastTransitionTime": ready_since, "reason": "KubeletReady",
                 "message": "kubelet is posting ready status"},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": f"{seed[12:20]}-{seed[20:24]}-{seed[24:28]}-{seed[28:32]}-{seed[32:44]}",
                "containerRuntimeVersion": CONTAINERD_VERSION,
                "kernelVersion": KERNEL_VERSION,
                "kubeProxyVersion": K8S_VERSION,
                "kubeletVersion": K8S_VERSION,
                "machineID": seed[:32],
                "operatingSystem": "linux",
                "osImage": OS_IMAGE,
                "systemUUID": f"{seed[32:40]}-{seed[40:44]}-{seed[44:48]}-{seed[48:52]}-{seed[52:64]}",
            },
        },
    }
    if not pod_cidr:
        annotations = node["metadata"]["annotations"]
        for key in [k for k in annotations if k.startswith("flannel.alpha.coreos.com/")]:
            del annotations[key]
        node["status"]["conditions"] = node["status"]["conditions"][1:]
    return node


def lease_object(node: Obj, renew: float, acquired: str) -> Obj:
    """The node's heartbeat Lease in kube-node-lease, owned by the Node as the kubelet creates it."""
    name = node["metadata"]["name"]
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": name, "namespace": "kube-node-lease", "creationTimestamp": acquired,
                     "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": name,
                                          "uid": node["metadata"]["uid"]}]},
        "spec": {"holderIdentity": name, "leaseDurationSeconds": 40, "renewTime": micro_time(renew)},
    }


def _join(cluster: Cluster, name: str, *, ip: str, pod_cidr: str | None, created: str, ready_since: str,
          control_plane: bool = False, cpu: str = DEFAULT_CPU, memory_ki: int = DEFAULT_MEMORY_KI,
          pods: str = DEFAULT_PODS, labels: dict[str, str] | None = None, taints: list[Obj] | None = None,
          images: set[str] | None = None) -> Obj:
    from .cluster import Machine

    node = _create(cluster, node_object(
        name, ip=ip, pod_cidr=pod_cidr, created=created,
        ready_since=ready_since, now=cluster.clock.iso(), control_plane=control_plane, cpu=cpu,
        memory_ki=memory_ki, pods=pods, labels=labels, taints=taints), default=False)
    cluster.store.create(lease_object(node, cluster.clock.now(), created))
    # the image cache of a machine that has been running its pods for a while
    cached = {IMAGES["kube-proxy"], IMAGES["flannel"], IMAGES["pause"], IMAGES["coredns"]}
    if control_plane:
        cached |= {IMAGES[c] for c in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")}
    cluster.machines[name] = Machine(name, images=cached | set(images or ()))
    return node


# -- workloads --------------------------------------------------------------------------------
def _container(name: str, image: str, command: list[str] | None = None, *, requests: dict | None = None,
               limits: dict | None = None, **extra: Any) -> Obj:
    c: Obj = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent"}
    if command:
        c["command"] = command
    resources: Obj = {}
    if limits:
        resources["limits"] = limits
    if requests:
        resources["requests"] = requests
    c["resources"] = resources
    c.update(extra)
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    return c


def _pod_spec(containers: list[Obj], *, node: str | None = None, host_network: bool = False,
              priority_class: str | None = None, priority: int = 0, tolerations: list[Obj] | None = None,
              **extra: Any) -> Obj:
    spec: Obj = {"containers": containers}
    spec.update(extra)
    if host_network:
        spec["hostNetwork"] = True
    if node:
        spec["nodeName"] = node
    if priority_class:
        spec["priorityClassName"] = priority_class
        spec["priority"] = priority
        spec["preemptionPolicy"] = "PreemptLowerPriority"
    if tolerations:
        spec["tolerations"] = tolerations
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("enableServiceLinks", True)
    return spec


def _scheduled_status(at: str) -> Obj:
    """A freshly bound pod's status: the kubelet takes it from here."""
    return {"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": at}]}


def _static_pods(node: Obj, ip: str, cluster_cidr: str = LAB_NETWORK.cluster_cidr) -> list[Obj]:
    """kubeadm's control-plane manifests, as the mirror pods the kubelet posts for them
    (kube-controller-manager's ``--cluster-cidr`` is kubeadm's ``podSubnet``)."""
    name = node["metadata"]["name"]
    specs = {
        "etcd": (["etcd", "--advertise-client-urls=https://{ip}:2379", "--data-dir=/var/lib/etcd",
                  "--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379", f"--name={name}"],
                 {"cpu": "100m", "memory": "100Mi"}),
        "kube-apiserver": (["kube-apiserver", "--advertise-address={ip}", "--allow-privileged=true",
                            "--authorization-mode=Node,RBAC", "--secure-port=6443",
                            "--service-cluster-ip-range=10.96.0.0/12"], {"cpu": "250m"}),
        "kube-controller-manager": (["kube-controller-manager", "--allocate-node-cidrs=true",
                                     f"--cluster-cidr={cluster_cidr}", "--leader-elect=true",
                                     "--service-cluster-ip-range=10.96.0.0/12"], {"cpu": "200m"}),
        "kube-scheduler": (["kube-scheduler", "--bind-address=127.0.0.1",
                            "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true"], {"cpu": "100m"}),
    }
    pods = []
    for component, (command, requests) in specs.items():
        command = [part.replace("{ip}", ip) for part in command]
        config_hash = _hash(component + name)
        pods.append({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": f"{component}-{name}",
                "namespace": "kube-system",
                "labels": {"component": component, "tier": "control-plane"},
                "annotations": {
                    "kubernetes.io/config.hash": config_hash,
                    "kubernetes.io/config.mirror": config_hash,
                    "kubernetes.io/config.seen": "",
                    "kubernetes.io/config.source": "file",
                },
                "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": name,
                                     "uid": node["metadata"]["uid"], "controller": True}],
            },
            "spec": _pod_spec([_container(component, IMAGES[component], command, requests=requests)],
                              node=name, host_network=True, priority_class="system-node-critical",
                              priority=SYSTEM_NODE_CRITICAL,
                              tolerations=[{"operator": "Exists", "effect": "NoExecute"}]),
        })
    return pods


def _daemonsets() -> list[Obj]:
    proxy_template = {
        "metadata": {"labels": {"k8s-app": "kube-proxy"}},
        "spec": _pod_spec(
            [_container("kube-proxy", IMAGES["kube-proxy"],
                        ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                         "--hostname-override=$(NODE_NAME)"],
                        env=[{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                               "fieldPath": "spec.nodeName"}}}],
                        securityContext={"privileged": True})],
            host_network=True, priority_class="system-node-critical", priority=SYSTEM_NODE_CRITICAL,
            tolerations=[{"operator": "Exists"}], nodeSelector={"kubernetes.io/os": "linux"},
            serviceAccountName="kube-proxy", serviceAccount="kube-proxy"),
    }
    flannel_template = {
        "metadata": {"labels": {"app": "flannel", "k8s-app": "flannel", "tier": "node"}},
        "spec": _pod_spec(
            [_container("kube-flannel", IMAGES["flannel"], ["/opt/bin/flanneld"],
                        args=["--ip-masq", "--kube-subnet-mgr"],
                        requests={"cpu": "100m", "memory": "50Mi"},
                        env=[{"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                              "fieldPath": "metadata.name"}}},
                             {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                                   "fieldPath": "metadata.namespace"}}},
                             {"name": "EVENT_QUEUE_DEPTH", "value": "5000"}],
                        securityContext={"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}, "privileged": False})],
            host_network=True, priority_class="system-node-critical", priority=SYSTEM_NODE_CRITICAL,
            tolerations=[{"operator": "Exists", "effect": "NoSchedule"}],
            serviceAccountName="flannel", serviceAccount="flannel",
            affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}]}]}}}),
    }
    out = []
    for name, labels, template in (("kube-proxy", {"k8s-app": "kube-proxy"}, proxy_template),
                                   ("kube-flannel-ds", {"app": "flannel", "k8s-app": "flannel", "tier": "node"},
                                    flannel_template)):
        out.append({
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": "kube-system", "labels": dict(labels),
                         "annotations": {"deprecated.daemonset.template.generation": "1"}},
            "spec": {
                "revisionHistoryLimit": 10,
                "selector": {"matchLabels": dict(labels)},
                "template": template,
                "updateStrategy": {"type": "RollingUpdate",
                                   "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}},
            },
        })
    return out


def _daemon_pod(ds: Obj, node: str, created: str) -> Obj:
    """The pod the DaemonSet controller created for ``node``, already bound by the scheduler."""
    pod = daemonset.new_pod(ds, node, daemonset.revision_hash(ds))
    pod["metadata"]["creationTimestamp"] = created
    pod["spec"]["nodeName"] = node
    pod["status"] = _scheduled_status(created)
    return pod


def _coredns() -> Obj:
    labels = {"k8s-app": "kube-dns"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "coredns", "namespace": "kube-system", "labels": dict(labels)},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": dict(labels)},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": _pod_spec(
                    [_container("coredns", IMAGES["coredns"], None, args=["-conf", "/etc/coredns/Corefile"],
                                requests={"cpu": "100m", "memory": "70Mi"}, limits={"memory": "170Mi"},
                                ports=[{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                       {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                                       {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
                                volumeMounts=[{"mountPath": "/etc/coredns", "name": "config-volume",
                                               "readOnly": True}])],
                    priority_class="system-cluster-critical", priority=SYSTEM_CLUSTER_CRITICAL,
                    tolerations=[{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                 {"key": CONTROL_PLANE_LABEL, "effect": "NoSchedule"}],
                    nodeSelector={"kubernetes.io/os": "linux"}, dnsPolicy="Default",
                    serviceAccountName="coredns", serviceAccount="coredns",
                    affinity={"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 100, "podAffinityTerm": {
                            "labelSelector": {"matchExpressions": [
                                {"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]},
                            "topologyKey": "kubernetes.io/hostname"}}]}},
                    volumes=[{"name": "config-volume", "configMap": {
                        "name": "coredns", "defaultMode": 420,
                        "items": [{"key": "Corefile", "path": "Corefile"}]}}]),
            },
        },
    }


def _services(master_ip: str) -> list[Obj]:
    return [
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kubernetes", "namespace": "default",
                      "labels": {"component": "apiserver", "provider": "kubernetes"}},
         "spec": {"clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "internalTrafficPolicy": "Cluster",
                  "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                  "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                  "sessionAffinity": "None", "type": "ClusterIP"},
         "status": {"loadBalancer": {}}},
        {"apiVersion": "v1", "kind": "Endpoints",
         "metadata": {"name": "kubernetes", "namespace": "default",
                      "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
         "subsets": [{"addresses": [{"ip": master_ip}],
                      "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kube-dns", "namespace": "kube-system",
                      "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                 "kubernetes.io/name": "CoreDNS"},
                      "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
         "spec": {"clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"], "internalTrafficPolicy": "Cluster",
                  "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                  "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                            {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}],
                  "selector": {"k8s-app": "kube-dns"}, "sessionAffinity": "None", "type": "ClusterIP"},
         "status": {"loadBalancer": {}}},
    ]


def _place_daemon_pods(cluster: Cluster, daemonsets: list[Obj], node: str, created: str) -> None:
    for ds in daemonsets:
        _create(cluster, _daemon_pod(ds, node, created))


# -- what every cluster holds before its first node -------------------------------------------
def system_objects(cluster: Cluster, *, server: str = LAB_SERVER, service_accounts: tuple[str, ...],
                   cluster_cidr: str = LAB_NETWORK.cluster_cidr) -> None:
    """What the apiserver and ``kubeadm init`` create before any node, in every preset (the lab, minikube,
    kind: all three run kubeadm): the four namespaces with their ``default`` ServiceAccount and the
    root-ca-cert-publisher's ``kube-root-ca.crt``, the system PriorityClasses, kube-public/cluster-info
    (its kubeconfig naming ``server``, the address kubeadm advertises), kube-system's ``service_accounts``
    and the ``coredns`` and ``kube-proxy`` ConfigMaps of kubeadm's addon phase (kube-proxy's
    ``clusterCIDR`` is the pod network, ``cluster_cidr``)."""
    store = cluster.store
    for i, ns in enumerate(NAMESPACES):
        store.create({"apiVersion": "v1", "kind": "Namespace",
                      "metadata": {"name": ns, "creationTimestamp": _ts(cluster, i),
                                   "labels": {"kubernetes.io/metadata.name": ns}},
                      "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        store.create({"apiVersion": "v1", "kind": "ServiceAccount",
                      "metadata": {"name": "default", "namespace": ns, "creationTimestamp": _ts(cluster, 20)}})
    # the root-ca-cert-publisher's copies of the CA kubeadm made with the cluster (keyed by kube-system)
    ca_pem = certs.cluster_ca(store).cert_pem
    for ns in NAMESPACES:
        store.create({"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"name": ROOT_CA_CONFIGMAP, "namespace": ns,
                                   "annotations": {"kubernetes.io/description": ROOT_CA_DESCRIPTION},
                                   "creationTimestamp": _ts(cluster, 20)},
                      "data": {"ca.crt": ca_pem}})
    for i, (pc_name, value, description) in enumerate(SYSTEM_PRIORITY_CLASSES):
        store.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                      "metadata": {"name": pc_name, "creationTimestamp": _ts(cluster, 1 + i),
                                   "uid": derived_uid("lab", pc_name)},
                      "value": value, "description": description, "preemptionPolicy": "PreemptLowerPriority"})
    # kubeadm's bootstrap-token phase: the cluster-info ConfigMap joining nodes read anonymously
    # (its jws-kubeconfig-* signatures went with the default token, which expired after 24 h)
    store.create({"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": "cluster-info", "namespace": "kube-public", "creationTimestamp": _ts(cluster, 10),
                               "uid": derived_uid("lab", "kube-public/cluster-info")},
                  "data": {"kubeconfig": cluster_info_kubeconfig(certs.cluster_ca_data(store), server)}})
    for sa in service_accounts:
        store.create({"apiVersion": "v1", "kind": "ServiceAccount",
                      "metadata": {"name": sa, "namespace": "kube-system", "creationTimestamp": _ts(cluster, 25)}})
    for cm_name, data in (("coredns", {"Corefile": COREFILE}),
                          ("kube-proxy", {"config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"
                                                        "kind: KubeProxyConfiguration\nmode: \"\"\n"
                                                        f"clusterCIDR: {cluster_cidr}\n"})):
        store.create({"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"name": cm_name, "namespace": "kube-system", "creationTimestamp": _ts(cluster, 25)},
                      "data": data})


# -- entry points -----------------------------------------------------------------------------
def default_cluster(cluster: Cluster) -> None:
    """Fill an empty store with the kubeadm lab (master, node1, node2 + kube-system)."""
    kubeadm_cluster(cluster, LAB_NETWORK, ("node1", "node2"), join_interval=120)


def kubeadm_cluster(cluster: Cluster, network: Network, workers: tuple[str, ...], *, join_interval: float) -> None:
    """``kubeadm init --pod-network-cidr=<network.cluster_cidr>`` on ``master`` (the host network's
    first address), flannel a few minutes later, then ``workers`` joining one after another from
    600 s on, ``join_interval`` apart, on the next addresses and pod blocks in turn."""
    cidr = network.cluster_cidr
    system_objects(cluster, server=f"https://{network.host_ip(0)}:6443",
                   service_accounts=("coredns", "kube-proxy", "flannel"), cluster_cidr=cidr)
    cluster.store.create({"apiVersion": "v1", "kind": "ConfigMap",
                          "metadata": {"name": "kube-flannel-cfg", "namespace": "kube-system",
                                       "creationTimestamp": _ts(cluster, 400)},
                          "data": {"net-conf.json": flannel_net_conf(cidr)}})
    master_ip = network.host_ip(0)
    assert master_ip is not None
    master = _join(cluster, "master", ip=master_ip, pod_cidr=network.pod_cidr(0), created=_ts(cluster, 0),
                   ready_since=_ts(cluster, 420), control_plane=True)
    for pod in _static_pods(master, master_ip, cidr):
        pod["metadata"]["creationTimestamp"] = _ts(cluster, 2)
        pod["status"] = _scheduled_status(_ts(cluster, 2))
        _create(cluster, pod)
    for svc in _services(master_ip):
        svc["metadata"]["creationTimestamp"] = _ts(cluster, 5)
        _create(cluster, svc, default=svc["kind"] == "Service")
    coredns = _coredns()
    coredns["metadata"]["creationTimestamp"] = _ts(cluster, 25)
    _create(cluster, coredns)
    daemonsets = []
    for ds in _daemonsets():
        created = _ts(cluster, 25 if ds["metadata"]["name"] == "kube-proxy" else 400)
        ds["metadata"]["creationTimestamp"] = created
        stored = _create(cluster, ds)
        daemonsets.append(stored)
        revision = daemonset.revision_object(stored, daemonset.revision_hash(stored), 1)
        revision["metadata"]["creationTimestamp"] = created
        _create(cluster, revision, default=False)
    daemonsets.sort(key=lambda d: d["metadata"]["name"])  # the order the DaemonSet controller lists them
    _place_daemon_pods(cluster, daemonsets, "master", _ts(cluster, 400))
    for i, name in enumerate(workers, start=1):
        joined = 600 + join_interval * i
        ip = network.host_ip(i)
        assert ip is not None, "more workers than the host network holds"
        _join(cluster, name, ip=ip, pod_cidr=network.pod_cidr(i), created=_ts(cluster, joined),
              ready_since=_ts(cluster, joined + 15))
        _place_daemon_pods(cluster, daemonsets, name, _ts(cluster, joined + 1))


# -- nodes joining later --------------------------------------------------------------------------
class HostAddresses:
    """The machines' addresses on a preset's host network: a joining machine gets the lowest one no
    Node holds (a removed machine's address is free again, as a lab's DHCP lease or Vagrantfile slot
    is). Built from the Nodes in the store, then kept current from Node events, so its answers are a
    function of the Nodes alone: a replayed or restored cluster gives the same ones."""

    def __init__(self, network: Network, store: Store) -> None:
        self.network = network
        self.taken: set[int] = set()
        for node in store.scan("Node"):
            index = self._index(node)
            if index is not None:
                self.taken.add(index)
        #: every index below ``high`` is taken or in ``free`` (a heap; stale entries are skipped)
        self.high = max(self.taken, default=-1) + 1
        self.free = [i for i in range(self.high) if i not in self.taken]
        store.subscribe(self.on_event)

    def _index(self, node: Obj) -> int | None:
        for addr in (node.get("status") or {}).get("addresses") or []:
            if addr.get("type") == "InternalIP":
                return self.network.host_index(addr.get("address") or "")
        return None

    def allocate(self) -> str:
        """The next machine's address (taken from now on); ValueError when the network is full."""
        index = None
        while self.free:
            candidate = heapq.heappop(self.free)
            if candidate not in self.taken:
                index = candidate
                break
        if index is None:
            index = self.high
        ip = self.network.host_ip(index)
        if ip is None:
            raise ValueError(f"no free address left on the host network ({len(self.taken)} machines)")
        self.high = max(self.high, index + 1)
        self.taken.add(index)
        return ip

    def on_event(self, event: WatchEvent) -> None:
        if event.type == "MODIFIED" or event.obj["kind"] != "Node":
            return
        index = self._index(event.obj)
        if index is None:
            return
        if event.type == "DELETED":
            if index in self.taken:
                self.taken.discard(index)
                heapq.heappush(self.free, index)
            return
        for gap in range(self.high, index):  # a Node registered further up than any before
            heapq.heappush(self.free, gap)
        self.high = max(self.high, index + 1)
        self.taken.add(index)

    def state(self) -> tuple[list[int], int]:
        """(addresses taken, high-water mark): what decides every later answer."""
        return sorted(self.taken), self.high


def network_of(cluster: Cluster) -> Network:
    """The addressing of the cluster's preset (``presets.NETWORKS``)."""
    from .presets import NETWORKS

    return NETWORKS[cluster.preset]


def host_addresses(cluster: Cluster) -> HostAddresses:
    """The cluster's host address book, built from its Nodes the first time a machine joins."""
    hosts = getattr(cluster, "_host_addresses", None)
    if hosts is None:
        hosts = HostAddresses(network_of(cluster), cluster.store)
        cluster._host_addresses = hosts  # type: ignore[attr-defined]
    return hosts


def node_ipam(cluster: Cluster) -> NodeIpamController:
    """kube-controller-manager's node IPAM controller (``controllers/nodeipam.py``) with the preset's
    ``--cluster-cidr``: started, from the Nodes in the store, the first time a machine joins (unless
    the cluster runs it from the start)."""
    from .controllers import nodeipam

    try:
        return cluster.controller(nodeipam.NAME)  # type: ignore[return-value]
    except KeyError:
        pass
    network = network_of(cluster)
    ipam = nodeipam.NodeIpamController(cluster, network.cluster_cidr, network.node_mask, SERVICE_CIDR)
    cluster.add_controller(ipam)
    return ipam


def next_node_addresses(cluster: Cluster) -> tuple[str, str | None]:
    """A joining machine's (InternalIP, pod CIDR): the pod CIDR is None when the cluster CIDR has no
    block left (the node registers without one; the IPAM controller then reports CIDRNotAvailable)."""
    ip = host_addresses(cluster).allocate()
    return ip, node_ipam(cluster).allocate_next()


def add_node(cluster: Cluster, name: str, **kwargs: Any) -> None:
    """A worker joining now (``kubeadm join``): the next free host address and pod CIDR
    (``next_node_addresses``: no scan of the Nodes); the DaemonSet controller gives it its daemon pods.

    Keyword arguments: ``cpu`` ("4"), ``memory_ki`` (int), ``pods`` ("110"), ``labels`` (dict),
    ``taints`` (list of taints), ``control_plane`` (bool), ``images`` (set of cached images).
    """
    if cluster.store.peek("Node", "", name) is not None:
        raise ValueError(f'node "{name}" already exists')
    ip, pod_cidr = next_node_addresses(cluster)
    now = cluster.clock.iso()
    _join(cluster, name, ip=ip, pod_cidr=pod_cidr, created=now, ready_since=now, **kwargs)
