"""The cluster presets (server/sim/presets.py): what minikube and kind leave behind, with the
bootstrap invariants every preset keeps (active namespaces, a lease and a machine per node, every
kube-system pod Running, one daemon pod per node, the same cluster from the same seed)."""

from __future__ import annotations

import ipaddress
import json

import pytest

from server.kubectl import run
from server.sim import presets
from server.sim.cluster import Cluster


@pytest.fixture(scope="module")
def minikube() -> Cluster:
    return Cluster(seed=1, preset="minikube")


@pytest.fixture(scope="module")
def kind() -> Cluster:
    return Cluster(seed=1, preset="kind")


def test_minikube_node(minikube: Cluster) -> None:
    (node,) = minikube.store.list("Node")
    assert node["metadata"]["name"] == "minikube"
    assert {"type": "InternalIP", "address": "192.168.49.2"} in node["status"]["addresses"]
    assert node["spec"]["podCIDR"] == "10.244.0.0/24" and not node["spec"].get("taints")
    labels = node["metadata"]["labels"]
    assert labels["node-role.kubernetes.io/control-plane"] == ""
    assert labels["minikube.k8s.io/name"] == "minikube" and labels["minikube.k8s.io/primary"] == "true"
    assert labels["minikube.k8s.io/version"] == "v1.35.0"
    assert node["status"]["nodeInfo"]["kubeletVersion"] == "v1.32.0"


def test_minikube_kube_system(minikube: Cluster) -> None:
    names = sorted(p["metadata"]["name"] for p in minikube.store.list("Pod", "kube-system"))
    fixed = [n for n in names if not n.startswith(("coredns-", "kube-proxy-"))]
    assert fixed == ["etcd-minikube", "kube-apiserver-minikube", "kube-controller-manager-minikube",
                     "kube-scheduler-minikube", "storage-provisioner"]
    assert sum(n.startswith("coredns-") for n in names) == 1 and sum(n.startswith("kube-proxy-") for n in names) == 1
    out = run(minikube, "kubectl get pods -n kube-system").output
    assert all(" Running " in ln for ln in out.splitlines()[1:]), out
    assert run(minikube, "kubectl get sc").output.splitlines()[1].split()[:5] == \
        ["standard", "(default)", "k8s.io/minikube-hostpath", "Delete", "Immediate"]
    svc = {s["metadata"]["name"]: s["spec"]["clusterIP"] for s in minikube.store.scan("Service")}
    assert svc == {"kubernetes": "10.96.0.1", "kube-dns": "10.96.0.10"}


def test_kind_nodes_and_daemons(kind: Cluster) -> None:
    out = run(kind, "kubectl get nodes -o wide").output.splitlines()
    rows = {ln.split()[0]: ln.split() for ln in out[1:]}
    assert rows["kind-control-plane"][1:3] == ["Ready", "control-plane"] and rows["kind-control-plane"][5] == "172.18.0.3"
    assert rows["kind-worker"][1:3] == ["Ready", "<none>"] and rows["kind-worker"][5] == "172.18.0.2"
    cp = kind.store.peek("Node", "", "kind-control-plane")
    assert cp["spec"]["taints"] == [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    pods = kind.store.list("Pod", "kube-system")
    for prefix in ("kindnet-", "kube-proxy-"):
        assert sorted(p["spec"]["nodeName"] for p in pods if p["metadata"]["name"].startswith(prefix)) == \
            ["kind-control-plane", "kind-worker"]
    sc = kind.store.peek("StorageClass", "", "standard")
    assert sc["provisioner"] == "rancher.io/local-path" and kind.store.peek("StorageClass", "", "local-path") is None


@pytest.mark.parametrize("preset", ["minikube", "kind"])
def test_bootstrap_invariants(preset: str) -> None:
    c = Cluster(seed=5, preset=preset)
    assert c.preset == preset
    assert {n["metadata"]["name"]: n["status"]["phase"] for n in c.store.list("Namespace")} == \
        dict.fromkeys(("default", "kube-node-lease", "kube-public", "kube-system"), "Active") | (
            {"local-path-storage": "Active"} if preset == "kind" else {})
    for node in c.store.list("Node"):
        name = node["metadata"]["name"]
        assert c.store.peek("Lease", "kube-node-lease", name) is not None and c.machines[name].up
    for ns in ("default", "kube-system"):
        assert c.store.peek("ConfigMap", ns, "kube-root-ca.crt") is not None
        assert c.store.peek("ServiceAccount", ns, "default") is not None
    c.advance(60)
    assert all(p["status"]["phase"] == "Running" for p in c.store.list("Pod")), \
        run(c, "kubectl get pods -A").output
    again = Cluster(seed=5, preset=preset)
    again.advance(60)
    assert run(again, "kubectl get pods -A -o wide").output == run(c, "kubectl get pods -A -o wide").output


def test_a_pvc_on_minikube_gets_the_standard_class(minikube: Cluster) -> None:
    out = run(minikube, "kubectl apply -f -", "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n"
              "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n")
    assert out.output == "persistentvolumeclaim/data created\n"
    assert minikube.store.peek("PersistentVolumeClaim", "default", "data")["spec"]["storageClassName"] == "standard"


def test_unknown_preset() -> None:
    with pytest.raises(ValueError, match='unknown preset "k3s"'):
        Cluster(seed=1, preset="k3s")


# -- large ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def large() -> Cluster:
    return Cluster(seed=2, preset="large")


def test_large_builds_and_settles_with_every_node_ready(large: Cluster) -> None:
    large.advance(60)
    rows = [ln.split() for ln in run(large, "kubectl get nodes -o wide").output.splitlines()[1:]]
    assert len(rows) == 1 + presets.LARGE_WORKERS
    assert {r[1] for r in rows} == {"Ready"}
    by_name = {r[0]: r for r in rows}
    assert by_name["master"][2] == "control-plane" and by_name["master"][5] == "10.128.0.10"
    assert by_name["node100"][5] == "10.128.0.110"
    pods = run(large, "kubectl get pods -A").output.splitlines()[1:]
    assert len(pods) == 4 + 2 + 2 * (1 + presets.LARGE_WORKERS)
    assert {ln.split()[3] for ln in pods} == {"Running"}


def test_large_pod_network_agrees_everywhere(large: Cluster) -> None:
    cidr = presets.NETWORKS["large"].cluster_cidr
    assert cidr == "10.64.0.0/11"
    conf = json.loads(large.store.peek("ConfigMap", "kube-system", "kube-flannel-cfg")["data"]["net-conf.json"])
    assert conf["Network"] == cidr
    kcm = large.store.peek("Pod", "kube-system", "kube-controller-manager-master")["spec"]["containers"][0]
    assert f"--cluster-cidr={cidr}" in kcm["command"] and "--allocate-node-cidrs=true" in kcm["command"]
    assert f"clusterCIDR: {cidr}\n" in large.store.peek("ConfigMap", "kube-system", "kube-proxy")["data"]["config.conf"]
    net = ipaddress.ip_network(cidr)
    blocks = [ipaddress.ip_network(n["spec"]["podCIDR"]) for n in large.store.scan("Node")]
    assert len(set(blocks)) == len(blocks) and all(b.subnet_of(net) and b.prefixlen == 24 for b in blocks)
    assert "https://10.128.0.10:6443" in run(large, "kubectl cluster-info").output


def test_large_takes_300_more_nodes_without_running_out() -> None:
    c = Cluster(seed=3, preset="large")
    for i in range(101, 401):
        c.add_node(f"node{i}")
    nodes = c.store.scan("Node")
    assert len(nodes) == 401
    cidrs = {n["spec"].get("podCIDR") for n in nodes}
    assert None not in cidrs and len(cidrs) == 401
    ips = {a["address"] for n in nodes for a in n["status"]["addresses"] if a["type"] == "InternalIP"}
    assert len(ips) == 401 and all(ipaddress.ip_address(ip) in ipaddress.ip_network("10.128.0.0/16") for ip in ips)
    assert not [e for e in c.store.scan("Event") if e["reason"] == "CIDRNotAvailable"]


def test_node_caps_per_preset() -> None:
    assert [presets.max_nodes(p) for p in presets.PRESETS] == [12, 12, 12, 5000]
    assert presets.LARGE_CANVAS_NODES == 1000 < presets.LARGE_API_NODES
