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
from typing import TYPE_CHECKING, Any

from . import certs, defaults
from .clock import micro_time
from .controllers import daemonset
from .controllers.namespace import ROOT_CA_CONFIGMAP, ROOT_CA_DESCRIPTION, derived_uid
from .store import Obj

if TYPE_CHECKING:
    from .cluster import Cluster

K8S_VERSION = "v1.32.4"
CONTAINERD_VERSION = "containerd://1.7.24"
KERNEL_VERSION = "5.15.0-131-generic"
OS_IMAGE = "Ubuntu 22.04.5 LTS"
NODE_SUBNET = "192.168.56."
FIRST_NODE_OCTET = 10
POD_SUBNET_PREFIX = "10.244."
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

FLANNEL_NET_CONF = """{
  "Network": "10.244.0.0/16",
  "EnableNFTables": false,
  "Backend": {
    "Type": "vxlan"
  }
}
"""


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


def _node_ip(octet: int) -> str:
    return f"{NODE_SUBNET}{octet}"


# -- nodes ------------------------------------------------------------------------------------
def node_object(name: str, *, ip: str, pod_cidr: str, created: str, ready_since: str, now: str,
                control_plane: bool = False, cpu: str = DEFAULT_CPU, memory_ki: int = DEFAULT_MEMORY_KI,
                pods: str = DEFAULT_PODS, labels: dict[str, str] | None = None,
                taints: list[Obj] | None = None) -> Obj:
    """A Node as a kubeadm-joined kubelet on Ubuntu + containerd + flannel registers and reports it."""
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
    spec: Obj = {"podCIDR": pod_cidr, "podCIDRs": [pod_cidr]}
    if node_taints:
        spec["taints"] = node_taints
    capacity = {"cpu": cpu, "ephemeral-storage": f"{DEFAULT_EPHEMERAL_KI}Ki", "hugepages-1Gi": "0",
                "hugepages-2Mi": "0", "memory": f"{memory_ki}Ki", "pods": pods}
    allocatable = dict(capacity, **{"ephemeral-storage": "27921562089", "memory": f"{memory_ki - 102400}Ki"})
    return {
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


def _join(cluster: Cluster, name: str, *, octet: int, subnet: int, created: str, ready_since: str,
          control_plane: bool = False, cpu: str = DEFAULT_CPU, memory_ki: int = DEFAULT_MEMORY_KI,
          pods: str = DEFAULT_PODS, labels: dict[str, str] | None = None, taints: list[Obj] | None = None,
          images: set[str] | None = None) -> Obj:
    from .cluster import Machine

    node = _create(cluster, node_object(
        name, ip=_node_ip(octet), pod_cidr=f"{POD_SUBNET_PREFIX}{subnet}.0/24", created=created,
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


def _static_pods(node: Obj, ip: str) -> list[Obj]:
    """kubeadm's control-plane manifests, as the mirror pods the kubelet posts for them."""
    name = node["metadata"]["name"]
    specs = {
        "etcd": (["etcd", "--advertise-client-urls=https://{ip}:2379", "--data-dir=/var/lib/etcd",
                  "--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379", f"--name={name}"],
                 {"cpu": "100m", "memory": "100Mi"}),
        "kube-apiserver": (["kube-apiserver", "--advertise-address={ip}", "--allow-privileged=true",
                            "--authorization-mode=Node,RBAC", "--secure-port=6443",
                            "--service-cluster-ip-range=10.96.0.0/12"], {"cpu": "250m"}),
        "kube-controller-manager": (["kube-controller-manager", "--allocate-node-cidrs=true",
                                     "--cluster-cidr=10.244.0.0/16", "--leader-elect=true",
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


def _place_daemon_pods(cluster: Cluster, node: str, created: str) -> None:
    for ds in cluster.store.list("DaemonSet", "kube-system"):
        if ds["metadata"]["name"] in ("kube-proxy", "kube-flannel-ds"):
            _create(cluster, _daemon_pod(ds, node, created))


# -- what every cluster holds before its first node -------------------------------------------
def system_objects(cluster: Cluster, *, server: str = LAB_SERVER, service_accounts: tuple[str, ...]) -> None:
    """What the apiserver and ``kubeadm init`` create before any node, in every preset (the lab, minikube,
    kind: all three run kubeadm): the four namespaces with their ``default`` ServiceAccount and the
    root-ca-cert-publisher's ``kube-root-ca.crt``, the system PriorityClasses, kube-public/cluster-info
    (its kubeconfig naming ``server``, the address kubeadm advertises), kube-system's ``service_accounts``
    and the ``coredns`` and ``kube-proxy`` ConfigMaps of kubeadm's addon phase."""
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
                                                        "clusterCIDR: 10.244.0.0/16\n"})):
        store.create({"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"name": cm_name, "namespace": "kube-system", "creationTimestamp": _ts(cluster, 25)},
                      "data": data})


# -- entry points -----------------------------------------------------------------------------
def default_cluster(cluster: Cluster) -> None:
    """Fill an empty store with the kubeadm lab (master, node1, node2 + kube-system)."""
    system_objects(cluster, service_accounts=("coredns", "kube-proxy", "flannel"))
    cluster.store.create({"apiVersion": "v1", "kind": "ConfigMap",
                          "metadata": {"name": "kube-flannel-cfg", "namespace": "kube-system",
                                       "creationTimestamp": _ts(cluster, 400)},
                          "data": {"net-conf.json": FLANNEL_NET_CONF}})
    # kubeadm init on master, flannel a few minutes later, then two workers join
    master = _join(cluster, "master", octet=FIRST_NODE_OCTET, subnet=0, created=_ts(cluster, 0),
                   ready_since=_ts(cluster, 420), control_plane=True)
    master_ip = _node_ip(FIRST_NODE_OCTET)
    for pod in _static_pods(master, master_ip):
        pod["metadata"]["creationTimestamp"] = _ts(cluster, 2)
        pod["status"] = _scheduled_status(_ts(cluster, 2))
        _create(cluster, pod)
    for svc in _services(master_ip):
        svc["metadata"]["creationTimestamp"] = _ts(cluster, 5)
        _create(cluster, svc, default=svc["kind"] == "Service")
    coredns = _coredns()
    coredns["metadata"]["creationTimestamp"] = _ts(cluster, 25)
    _create(cluster, coredns)
    for ds in _daemonsets():
        created = _ts(cluster, 25 if ds["metadata"]["name"] == "kube-proxy" else 400)
        ds["metadata"]["creationTimestamp"] = created
        stored = _create(cluster, ds)
        revision = daemonset.revision_object(stored, daemonset.revision_hash(stored), 1)
        revision["metadata"]["creationTimestamp"] = created
        _create(cluster, revision, default=False)
    _place_daemon_pods(cluster, "master", _ts(cluster, 400))
    for i, name in enumerate(("node1", "node2"), start=1):
        joined = 600 + 120 * i
        _join(cluster, name, octet=FIRST_NODE_OCTET + i, subnet=i, created=_ts(cluster, joined),
              ready_since=_ts(cluster, joined + 15))
        _place_daemon_pods(cluster, name, _ts(cluster, joined + 1))


def add_node(cluster: Cluster, name: str, **kwargs: Any) -> None:
    """A worker joining now (``kubeadm join``): next free IP and pod CIDR (the DaemonSet controller
    gives it its daemon pods).

    Keyword arguments: ``cpu`` ("4"), ``memory_ki`` (int), ``pods`` ("110"), ``labels`` (dict),
    ``taints`` (list of taints), ``control_plane`` (bool), ``images`` (set of cached images).
    """
    if cluster.store.peek("Node", "", name) is not None:
        raise ValueError(f'node "{name}" already exists')
    octets, subnets = {FIRST_NODE_OCTET - 1}, {-1}
    for node in cluster.store.scan("Node"):
        for addr in node.get("status", {}).get("addresses") or []:
            if addr.get("type") == "InternalIP" and addr["address"].startswith(NODE_SUBNET):
                octets.add(int(addr["address"].rsplit(".", 1)[1]))
        cidr = node.get("spec", {}).get("podCIDR") or ""
        if cidr.startswith(POD_SUBNET_PREFIX):
            subnets.add(int(cidr.split(".")[2]))
    octet = max(octets) + 1
    subnet = next(i for i in range(256) if i not in subnets)
    now = cluster.clock.iso()
    _join(cluster, name, octet=octet, subnet=subnet, created=now, ready_since=now, **kwargs)
