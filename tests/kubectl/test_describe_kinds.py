"""``kubectl describe`` of the kinds the sandbox does not serve yet (storage, networking, HPA, RBAC,
quotas and limits, PDB, PriorityClass, NetworkPolicy) and the Namespace describer's quota and
limit-range sections, compared with the real kubectl v1.32.

The real kubectl describes through an API; the sandbox's API does not serve these kinds yet, so
each test starts ``MiniAPI``: a small HTTP server that answers kubectl's discovery and the GETs
and LISTs its describers make (the object, the events about it, the pods and services and slices
some describers look up) from the same objects the engine describes, stored in a cluster whose
virtual clock starts at the wall clock's now (kubectl computes ages from its own clock). The
engine's text (``describe_object``) must be the real kubectl's byte for byte. Skipped, saying why,
without the real kubectl.

Also here: resource.Quantity's canonical text (``quantity_string``) against values the apiserver
is known to store, and the event index that describers read.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from server.kubectl.quantity import quantity_string
from server.kubectl.verbs.describe import SHOW_EVENTS, describe_object, events_for
from server.kubectl.verbs.describe_kinds import compact_rules
from server.sim.cluster import Cluster
from tests.realkubectl import KUBECTL

#: group/version → the resources MiniAPI serves there: (plural, kind, namespaced)
SERVED = {
    "v1": [("namespaces", "Namespace", False), ("nodes", "Node", False), ("pods", "Pod", True), ("services", "Service", True),
           ("events", "Event", True), ("persistentvolumes", "PersistentVolume", False),
           ("persistentvolumeclaims", "PersistentVolumeClaim", True), ("resourcequotas", "ResourceQuota", True),
           ("limitranges", "LimitRange", True), ("secrets", "Secret", True), ("endpoints", "Endpoints", True),
           ("serviceaccounts", "ServiceAccount", True), ("configmaps", "ConfigMap", True)],
    "discovery.k8s.io/v1": [("endpointslices", "EndpointSlice", True)],
    "coordination.k8s.io/v1": [("leases", "Lease", True)],
    "apps/v1": [("deployments", "Deployment", True), ("replicasets", "ReplicaSet", True),
                ("statefulsets", "StatefulSet", True), ("daemonsets", "DaemonSet", True),
                ("controllerrevisions", "ControllerRevision", True)],
    "batch/v1": [("jobs", "Job", True), ("cronjobs", "CronJob", True)],
    "storage.k8s.io/v1": [("storageclasses", "StorageClass", False)],
    "networking.k8s.io/v1": [("ingresses", "Ingress", True), ("ingressclasses", "IngressClass", False),
                             ("networkpolicies", "NetworkPolicy", True)],
    "autoscaling/v2": [("horizontalpodautoscalers", "HorizontalPodAutoscaler", True)],
    "policy/v1": [("poddisruptionbudgets", "PodDisruptionBudget", True)],
    "scheduling.k8s.io/v1": [("priorityclasses", "PriorityClass", False)],
    "rbac.authorization.k8s.io/v1": [("roles", "Role", True), ("clusterroles", "ClusterRole", False),
                                     ("rolebindings", "RoleBinding", True),
                                     ("clusterrolebindings", "ClusterRoleBinding", False)],
}
#: how far the cluster's clock starts behind the wall clock (ages over ten minutes print in whole
#: minutes, so the seconds the real kubectl takes to run do not show)
LAG = 1800
PLURAL = {(gv, plural): kind for gv, rs in SERVED.items() for plural, kind, _ in rs}


def _api_version(kind: str) -> str:
    return next(gv for gv, rs in SERVED.items() for _, k, _ in rs if k == kind)


def _field_match(obj: dict, selector: str) -> bool:
    """``a.b=x`` and ``a.b!=x`` terms, all of them."""
    for term in filter(None, selector.split(",")):
        negate = "!=" in term
        path, _, want = term.partition("!=" if negate else "=")
        value: object = obj
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if ((value or "") == want) == negate:
            return False
    return True


def _label_match(obj: dict, selector: str) -> bool:
    labels = obj["metadata"].get("labels") or {}
    return all(labels.get(k) == v for k, _, v in (t.partition("=") for t in filter(None, selector.split(","))))


class MiniAPI:
    """Discovery plus GET and LIST (label and field selectors) over a cluster's store."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                status, body = api.answer(self.path)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, raw: str) -> tuple[int, dict]:
        parsed = urllib.parse.urlsplit(raw)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        parts = [p for p in parsed.path.split("/") if p]
        if parts == ["api"]:
            return 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
        if parts == ["apis"]:
            groups = [{"name": gv.split("/")[0], "versions": [{"groupVersion": gv, "version": gv.split("/")[1]}],
                       "preferredVersion": {"groupVersion": gv, "version": gv.split("/")[1]}}
                      for gv in SERVED if "/" in gv]
            return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}
        if parts[0] == "api":
            gv, rest = "v1", parts[2:]
        elif parts[0] == "apis" and len(parts) >= 3:
            gv, rest = f"{parts[1]}/{parts[2]}", parts[3:]
        else:
            return 404, self._status(404, "NotFound", "the server could not find the requested resource")
        if gv not in SERVED:
            return 404, self._status(404, "NotFound", "the server could not find the requested resource")
        if not rest:
            resources = [{"name": p, "singularName": "", "namespaced": ns, "kind": k, "verbs": ["get", "list"]}
                         for p, k, ns in SERVED[gv]]
            return 200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}
        namespace = ""
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        kind = PLURAL.get((gv, rest[0]))
        if kind is None:
            return 404, self._status(404, "NotFound", "the server could not find the requested resource")
        if len(rest) == 2:
            obj = self.cluster.store.get(kind, namespace, rest[1])
            if obj is None:
                group = gv.rpartition("/")[0]
                resource = f"{rest[0]}.{group}" if group else rest[0]  # the apiserver's qualified resource
                return 404, self._status(404, "NotFound", f'{resource} "{rest[1]}" not found')
            return 200, obj
        items = [o for o in self.cluster.store.list(kind, namespace or None)
                 if _label_match(o, query.get("labelSelector", "")) and _field_match(o, query.get("fieldSelector", ""))]
        return 200, {"kind": f"{kind}List", "apiVersion": _api_version(kind), "metadata": {"resourceVersion": "1"},
                     "items": items}

    @staticmethod
    def _status(code: int, reason: str, message: str) -> dict:
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
                "reason": reason, "code": code}


@pytest.fixture
def cluster() -> Cluster:
    # behind the wall clock: a test that records events moves it on to now
    c = Cluster(seed=3, empty=True, start=float(int(time.time())) - LAG)
    for name in ("default", "lab"):
        c.store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {},
                        "status": {"phase": "Active"}})
    return c


@pytest.fixture
def real(cluster: Cluster, tmp_path: Path) -> Iterator:
    if KUBECTL is None:
        pytest.skip("no real kubectl (v1.32) on the PATH to compare the describers with")
    api = MiniAPI(cluster)
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "mini",
        "clusters": [{"name": "mini", "cluster": {"server": api.url}}],
        "contexts": [{"name": "mini", "context": {"cluster": "mini", "user": "u", "namespace": "default"}}],
        "users": [{"name": "u", "user": {}}]}))
    env = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", ""), "TZ": "UTC", "KUBECONFIG": str(kubeconfig)}

    def call(*args: str) -> str:
        done = subprocess.run([KUBECTL, "--cache-dir", str(tmp_path / "cache"), *args], env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    yield call
    api.close()


def make(cluster: Cluster, obj: dict) -> dict:
    obj = {"apiVersion": _api_version(obj["kind"]), **obj}
    return cluster.store.create(obj)


def squeeze(text: str) -> str:
    """The text with each run of spaces as one (to look for a line whatever its column widths)."""
    return re.sub(r" +", " ", text)


def same(real, cluster: Cluster, obj: dict, *args: str, order_free: bool = False) -> str:
    """The engine's description of ``obj`` is the real kubectl's; returns it. ``order_free``: the
    same lines in any order (describeLimitRangeSpec ranges over a Go map of resources)."""
    meta = obj["metadata"]
    plural = next(p for rs in SERVED.values() for p, k, _ in rs if k == obj["kind"])
    group = _api_version(obj["kind"]).rpartition("/")[0]
    word = f"{plural}.{group}" if group else plural
    ns = ["-n", meta["namespace"]] if meta.get("namespace") else []
    theirs = real("describe", word, meta["name"], *ns, *args)
    token = SHOW_EVENTS.set("--show-events=false" not in args)
    try:
        ours = describe_object(cluster, cluster.store.get(obj["kind"], meta.get("namespace") or "", meta["name"]))
    finally:
        SHOW_EVENTS.reset(token)
    if order_free:
        assert sorted(ours.split("\n")) == sorted(theirs.split("\n"))
    else:
        assert ours == theirs
    return ours


# -- storage ----------------------------------------------------------------------------------

def test_persistent_volumes(cluster, real):
    pv = make(cluster, {"kind": "PersistentVolume", "metadata": {
        "name": "pv-data", "labels": {"type": "local"}, "finalizers": ["kubernetes.io/pv-protection"],
        "annotations": {"pv.kubernetes.io/bound-by-controller": "yes"}},
        "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"],
                 "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "manual", "volumeMode": "Filesystem",
                 "hostPath": {"path": "/mnt/data", "type": ""},
                 "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "default", "name": "data"},
                 "nodeAffinity": {"required": {"nodeSelectorTerms": [
                     {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In",
                                            "values": ["node1", "node2"]},
                                           {"key": "disk", "operator": "Exists"}]}]}}},
        "status": {"phase": "Bound"}})
    out = same(real, cluster, pv)
    assert "\nAccess Modes: RWO,RWX\n" in squeeze(out)
    csi = make(cluster, {"kind": "PersistentVolume", "metadata": {"name": "pv-csi", "annotations": {
        "volume.beta.kubernetes.io/storage-class": "fast"}},
        "spec": {"capacity": {"storage": "1536Mi"}, "accessModes": ["ReadWriteOncePod"],
                 "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "slow",
                 "csi": {"driver": "hostpath.csi.k8s.io", "volumeHandle": "v-1", "fsType": "ext4",
                         "volumeAttributes": {"a": "1", "storage.kubernetes.io/csiProvisionerIdentity": "x-y"}}},
        "status": {"phase": "Available", "message": "ready"}})
    assert "\nStorageClass: fast\n" in squeeze(same(real, cluster, csi))
    nfs = make(cluster, {"kind": "PersistentVolume", "metadata": {"name": "pv-nfs"},
                         "spec": {"capacity": {"storage": "500M"}, "accessModes": ["ReadOnlyMany"],
                                  "persistentVolumeReclaimPolicy": "Recycle",
                                  "nfs": {"server": "10.0.0.5", "path": "/exports", "readOnly": True}},
                         "status": {"phase": "Released"}})
    same(real, cluster, nfs)


def test_persistent_volume_claims(cluster, real):
    make(cluster, {"kind": "Pod", "metadata": {"name": "writer", "namespace": "default"},
                   "spec": {"containers": [{"name": "c", "image": "busybox"}],
                            "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}})
    make(cluster, {"kind": "Pod", "metadata": {"name": "another", "namespace": "default"},
                   "spec": {"containers": [{"name": "c", "image": "busybox"}],
                            "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}},
                                        {"name": "e", "emptyDir": {}}]}})
    bound = make(cluster, {"kind": "PersistentVolumeClaim", "metadata": {
        "name": "data", "namespace": "default", "finalizers": ["kubernetes.io/pvc-protection"],
        "labels": {"app": "db"}},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "3Gi"}},
                 "storageClassName": "manual", "volumeName": "pv-data", "volumeMode": "Filesystem",
                 "dataSource": {"apiGroup": "snapshot.storage.k8s.io", "kind": "VolumeSnapshot", "name": "snap"}},
        "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce", "ReadWriteMany"],
                   "capacity": {"storage": "10Gi"},
                   "conditions": [{"type": "Resizing", "status": "True",
                                   "lastTransitionTime": "2025-03-03T13:00:00Z"}]}})
    out = same(real, cluster, bound)
    assert "\nUsed By: another\n writer\n" in squeeze(out)
    pending = make(cluster, {"kind": "PersistentVolumeClaim", "metadata": {"name": "wanted", "namespace": "default"},
                             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
                             "status": {"phase": "Pending"}})
    same(real, cluster, pending)


def test_storage_classes(cluster, real):
    sc = make(cluster, {"kind": "StorageClass", "metadata": {"name": "standard", "annotations": {
        "storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "rancher.io/local-path", "parameters": {"type": "pd-ssd", "fsType": "ext4"},
        "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True,
        "mountOptions": ["debug", "noatime"],
        "allowedTopologies": [{"matchLabelExpressions": [
            {"key": "topology.kubernetes.io/zone", "values": ["us-a", "us-b"]}, {"key": "rack", "values": ["r1"]}]}]})
    assert "\nIsDefaultClass: Yes\n" in squeeze(same(real, cluster, sc))
    plain = make(cluster, {"kind": "StorageClass", "metadata": {"name": "plain"}, "provisioner": "kubernetes.io/no-provisioner"})
    same(real, cluster, plain)


# -- networking -------------------------------------------------------------------------------

def _web_service(cluster: Cluster) -> None:
    make(cluster, {"kind": "Service", "metadata": {"name": "web", "namespace": "default"},
                   "spec": {"type": "ClusterIP", "sessionAffinity": "None", "selector": {"app": "web"},
                            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"},
                                      {"name": "admin", "port": 9000, "targetPort": 9000, "protocol": "TCP"}]}})
    make(cluster, {"kind": "EndpointSlice", "metadata": {"name": "web-abcde", "namespace": "default",
                                                         "labels": {"kubernetes.io/service-name": "web"}},
                   "addressType": "IPv4",
                   "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "admin", "port": 9000}],
                   "endpoints": [{"addresses": ["10.244.1.5"], "conditions": {"ready": True}},
                                 {"addresses": ["10.244.2.7"], "conditions": {"ready": False}},
                                 {"addresses": ["10.244.2.8"]}]})


def test_ingresses(cluster, real):
    _web_service(cluster)
    ing = make(cluster, {"kind": "Ingress", "metadata": {"name": "site", "namespace": "default", "labels": {"a": "b"},
                                                         "annotations": {"nginx.ingress.kubernetes.io/rewrite-target": "/"}},
                         "spec": {"ingressClassName": "nginx",
                                  "defaultBackend": {"service": {"name": "web", "port": {"name": "admin"}}},
                                  "tls": [{"hosts": ["a.example", "b.example"], "secretName": "tls-ab"},
                                          {"hosts": ["c.example"]}],
                                  "rules": [{"host": "a.example", "http": {"paths": [
                                      {"path": "/", "pathType": "Prefix",
                                       "backend": {"service": {"name": "web", "port": {"number": 80}}}},
                                      {"path": "/gone", "pathType": "Exact",
                                       "backend": {"service": {"name": "gone", "port": {"number": 80}}}},
                                      {"path": "/static", "pathType": "Prefix",
                                       "backend": {"resource": {"apiGroup": "k8s.example.com", "kind": "Bucket",
                                                                "name": "assets"}}}]}},
                                            {"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
                                                "service": {"name": "web", "port": {"number": 9000}}}}]}},
                                            {"host": "no-http.example"}]},
                         "status": {"loadBalancer": {"ingress": [{"ip": "192.168.56.200"}, {"hostname": "lb.example"}]}}})
    out = same(real, cluster, ing)
    assert "web:80 (10.244.1.5:8080,10.244.2.8:8080)" in out
    bare = make(cluster, {"kind": "Ingress", "metadata": {"name": "bare", "namespace": "default"}, "spec": {}})
    same(real, cluster, bare)


def test_ingress_classes(cluster, real):
    ic = make(cluster, {"kind": "IngressClass", "metadata": {"name": "nginx", "labels": {"app.kubernetes.io/name": "x"}},
                        "spec": {"controller": "k8s.io/ingress-nginx", "parameters": {
                            "apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb",
                            "scope": "Cluster"}}})
    same(real, cluster, ic)
    same(real, cluster, make(cluster, {"kind": "IngressClass", "metadata": {"name": "plain"},
                                       "spec": {"controller": "example.com/c"}}))


def test_network_policies(cluster, real):
    np = make(cluster, {"kind": "NetworkPolicy", "metadata": {"name": "db", "namespace": "default"},
                        "spec": {"podSelector": {"matchLabels": {"role": "db"}}, "policyTypes": ["Ingress", "Egress"],
                                 "ingress": [{"from": [{"ipBlock": {"cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"]}},
                                                       {"namespaceSelector": {"matchLabels": {"project": "p"}}},
                                                       {"podSelector": {"matchLabels": {"role": "frontend"}}},
                                                       {"namespaceSelector": {"matchExpressions": [
                                                           {"key": "env", "operator": "In", "values": ["b", "a"]}]},
                                                        "podSelector": {}}],
                                              "ports": [{"protocol": "TCP", "port": 6379}]},
                                             {"ports": [{"port": "metrics"}, {"port": 32000, "endPort": 32768,
                                                                              "protocol": "UDP"}, {}]}],
                                 "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/24"}}], "ports": [{"port": 5978}]}]}})
    same(real, cluster, np)
    deny = make(cluster, {"kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "default"},
                          "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}})
    out = same(real, cluster, deny)
    assert "  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n" in out
    egress = make(cluster, {"kind": "NetworkPolicy", "metadata": {"name": "out", "namespace": "default"},
                            "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{}]}})
    same(real, cluster, egress)


# -- autoscaling ------------------------------------------------------------------------------

_HPA_METRICS = [
    {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}},
    {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "100Mi"}}},
    {"type": "Pods", "pods": {"metric": {"name": "packets-per-second"},
                              "target": {"type": "AverageValue", "averageValue": "1k"}}},
    {"type": "Object", "object": {"metric": {"name": "requests-per-second"},
                                  "describedObject": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                                                      "name": "main"},
                                  "target": {"type": "Value", "value": "10k"}}},
    {"type": "External", "external": {"metric": {"name": "queue_messages"},
                                      "target": {"type": "AverageValue", "averageValue": "30"}}},
    {"type": "ContainerResource", "containerResource": {
        "name": "cpu", "container": "app", "target": {"type": "Utilization", "averageUtilization": 60}}}]
_HPA_BEHAVIOR = {"scaleDown": {"stabilizationWindowSeconds": 300, "policies": [
    {"type": "Percent", "value": 100, "periodSeconds": 15}]},
    "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
        {"type": "Percent", "value": 100, "periodSeconds": 15}, {"type": "Pods", "value": 4, "periodSeconds": 15}]}}


def test_horizontal_pod_autoscalers(cluster, real):
    """An HPA the controller has synced for half an hour (its target scaled to zero: scaling disabled, so
    the only event is the old rescale, whose age reads the same on both clocks), and one created just now
    with a status of its own, described before the controller's first sync (the clock does not move)."""
    cluster.api.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}},
                                 "template": {"metadata": {"labels": {"app": "web"}},
                                              "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}},
                       "default")
    hpa = make(cluster, {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "web", "namespace": "default"},
                         "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                                  "minReplicas": 1, "maxReplicas": 10, "metrics": _HPA_METRICS,
                                  "behavior": _HPA_BEHAVIOR}})
    cluster.recorder.event(hpa, "Normal", "SuccessfulRescale", "New size: 3; reason: cpu resource utilization "
                           "(percentage of request) above target", "horizontal-pod-autoscaler")
    cluster.advance(LAG)  # the event is half an hour old on both clocks
    synced = cluster.store.get("HorizontalPodAutoscaler", "default", "web")
    assert {c["type"]: c["reason"] for c in synced["status"]["conditions"]} == {
        "AbleToScale": "SucceededGetScale", "ScalingActive": "ScalingDisabled"}
    out = same(real, cluster, synced)
    assert "\n ScalingActive False ScalingDisabled scaling is disabled since the replica count of the target is " \
           "zero\n" in squeeze(out)
    assert "\n Normal SuccessfulRescale 30m horizontal-pod-autoscaler New size: 3;" in squeeze(out)
    live = make(cluster, {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "live", "namespace": "default"},
                          "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                                   "minReplicas": 1, "maxReplicas": 10, "metrics": _HPA_METRICS,
                                   "behavior": _HPA_BEHAVIOR},
                          "status": {"currentReplicas": 2, "desiredReplicas": 3, "currentMetrics": [
                              {"type": "Resource", "resource": {"name": "cpu", "current": {
                                  "averageUtilization": 72, "averageValue": "144m"}}},
                              {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "64Mi"}}}],
                              "conditions": [{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale",
                                              "message": "recommended size matches current size",
                                              "lastTransitionTime": "2025-03-03T13:00:00Z"}]}})
    out = same(real, cluster, live)
    assert "\n resource cpu on pods (as a percentage of request): 72% (144m) / 50%\n" in squeeze(out)
    bare = make(cluster, {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "bare", "namespace": "default"},
                          "spec": {"scaleTargetRef": {"kind": "StatefulSet", "name": "db"}, "maxReplicas": 3}})
    same(real, cluster, bare)


# -- RBAC -------------------------------------------------------------------------------------

def test_roles_and_bindings(cluster, real):
    role = make(cluster, {"kind": "Role", "metadata": {"name": "pod-reader", "namespace": "default"}, "rules": [
        {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "watch", "list"]},
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "delete"]},
        {"apiGroups": ["apps", ""], "resources": ["deployments"], "resourceNames": ["web", "api"],
         "verbs": ["update", "patch"]}]})
    out = same(real, cluster, role)
    assert "\n pods [] [] [get watch list delete]\n" in squeeze(out)
    cr = make(cluster, {"kind": "ClusterRole", "metadata": {"name": "monitoring", "labels": {"rbac.example/x": "y"}},
                        "rules": [{"nonResourceURLs": ["/metrics", "/healthz"], "verbs": ["get", "head"]},
                                  {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                                  {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": ["list"]}]})
    same(real, cluster, cr)
    rb = make(cluster, {"kind": "RoleBinding", "metadata": {"name": "read-pods", "namespace": "default"},
                        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
                        "subjects": [{"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"},
                                     {"kind": "ServiceAccount", "name": "robot", "namespace": "lab"}]})
    same(real, cluster, rb)
    crb = make(cluster, {"kind": "ClusterRoleBinding", "metadata": {"name": "monitoring"},
                         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "monitoring"},
                         "subjects": [{"kind": "Group", "name": "system:monitoring",
                                       "apiGroup": "rbac.authorization.k8s.io"}]})
    same(real, cluster, crb)


# -- quotas, limits and the namespace ---------------------------------------------------------

def _quota_and_limits(cluster: Cluster) -> tuple[dict, dict]:
    quota = make(cluster, {"kind": "ResourceQuota", "metadata": {"name": "compute", "namespace": "lab"},
                           "spec": {"hard": {"pods": "10", "requests.cpu": "2", "requests.memory": "2Gi",
                                             "limits.memory": "4Gi"},
                                    "scopes": ["NotBestEffort", "NotTerminating"]},
                           "status": {"hard": {"pods": "10", "requests.cpu": "2", "requests.memory": "2Gi",
                                               "limits.memory": "4Gi"},
                                      "used": {"pods": "3", "requests.cpu": "750m", "requests.memory": "1536Mi",
                                               "limits.memory": "2500M"}}})
    limits = make(cluster, {"kind": "LimitRange", "metadata": {"name": "defaults", "namespace": "lab"},
                            "spec": {"limits": [{"type": "Container", "max": {"cpu": "2", "memory": "1Gi"},
                                                 "min": {"cpu": "100m"}, "default": {"cpu": "500m", "memory": "512Mi"},
                                                 "defaultRequest": {"cpu": "250m"},
                                                 "maxLimitRequestRatio": {"cpu": "4"}},
                                                {"type": "Pod", "max": {"memory": "2Gi"}}]}})
    return quota, limits


def test_resource_quotas_and_limit_ranges(cluster, real):
    quota, limits = _quota_and_limits(cluster)
    out = same(real, cluster, quota)
    assert "\nlimits.memory 2500000000 4Gi\n" in squeeze(out)  # used in the hard limit's format
    same(real, cluster, limits, order_free=True)


def test_namespace_lists_its_quotas_and_limit_ranges(cluster, real):
    _quota_and_limits(cluster)
    make(cluster, {"kind": "ResourceQuota", "metadata": {"name": "a-objects", "namespace": "lab"},
                   "spec": {"hard": {"configmaps": "5"}}, "status": {"hard": {"configmaps": "5"}}})
    ns = cluster.store.get("Namespace", "", "lab")
    ns["status"]["conditions"] = [{"type": "NamespaceDeletionContentFailure", "status": "False",
                                   "lastTransitionTime": "2025-03-03T13:00:00Z", "reason": "ContentDeleted",
                                   "message": "All content successfully deleted"}]
    cluster.store.update(ns)
    same(real, cluster, ns, order_free=True)
    out = same(real, cluster, cluster.store.get("Namespace", "", "default"))
    assert out.endswith("\nNo resource quota.\n\nNo LimitRange resource.\n")


# -- policy and scheduling --------------------------------------------------------------------

def test_pod_disruption_budgets(cluster, real):
    pdb = make(cluster, {"kind": "PodDisruptionBudget", "metadata": {"name": "zk", "namespace": "default"},
                         "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "zookeeper"}}},
                         "status": {"disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 2,
                                    "expectedPods": 3, "observedGeneration": 1}})
    same(real, cluster, pdb)
    pct = make(cluster, {"kind": "PodDisruptionBudget", "metadata": {"name": "web", "namespace": "default"},
                         "spec": {"maxUnavailable": "25%", "selector": {"matchExpressions": [
                             {"key": "app", "operator": "NotIn", "values": ["db"]}]}}})
    same(real, cluster, pct)
    same(real, cluster, make(cluster, {"kind": "PodDisruptionBudget",
                                       "metadata": {"name": "none", "namespace": "default"}, "spec": {}}))


def test_priority_classes(cluster, real):
    pc = make(cluster, {"kind": "PriorityClass", "metadata": {"name": "high", "annotations": {"owner": "ops"}},
                        "value": 1000000, "globalDefault": False, "preemptionPolicy": "Never",
                        "description": "For the pods that must run."})
    same(real, cluster, pc)


# -- pieces -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "stored"), [
    ("0.5", "500m"), ("1000m", "1"), ("1024Mi", "1Gi"), ("1536Mi", "1536Mi"), ("1500", "1500"), ("15000", "15k"),
    ("1e3", "1e3"), ("12e2", "1200"), ("0.5Ki", "512"), ("100Mi", "100Mi"), ("2Gi", "2Gi"), ("0", "0"),
    ("1.5", "1500m"), ("250m", "250m"), ("1k", "1k"), ("2500M", "2500M"), ("1048576", "1048576"), (2, "2"),
])
def test_quantity_string(given, stored):
    """What ``kubectl get -o yaml`` shows a real apiserver storing for the value given (values from
    resource.Quantity's canonicalization: the largest suffix that keeps the mantissa whole)."""
    assert quantity_string(given) == stored


def test_compacted_rules_gather_verbs_and_sort_by_their_text():
    rules = compact_rules([{"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "get"]},
                           {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "watch"]},
                           {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}])
    assert rules == [{"nonResourceURLs": ["/healthz"], "verbs": ["get"]},
                     {"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "get", "watch"]}]


def test_event_index_follows_the_store(cluster):
    """The describers' events come from an index by involved UID that follows creates, updates
    and deletes, and a store changed silently (loaded from disk)."""
    pod = make(cluster, {"kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
                         "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
    other = make(cluster, {"kind": "Pod", "metadata": {"name": "q", "namespace": "default"},
                           "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
    assert events_for(cluster, pod) == []
    cluster.recorder.event(pod, "Normal", "Scheduled", "one", "default-scheduler")
    cluster.recorder.event(other, "Normal", "Scheduled", "two", "default-scheduler")
    cluster.recorder.event(pod, "Normal", "Scheduled", "one", "default-scheduler")
    [ev] = events_for(cluster, pod)
    assert (ev["message"], ev["count"]) == ("one", 2)
    cluster.store.remove("Event", "default", ev["metadata"]["name"])
    assert events_for(cluster, pod) == []
    dump = cluster.store.dump()
    quiet = Cluster(seed=3, empty=True)
    events_for(quiet, pod)  # an index exists before the silent load
    quiet.store.load(dump)
    assert [e["message"] for e in events_for(quiet, other)] == ["two"]


# -- the served kinds' less common fields -----------------------------------------------------

def test_pod_volumes_of_every_common_source(cluster, real):
    """describeVolumes for the sources a lab meets and an ephemeral volume's claim template
    (written through a nested prefix writer); annotations too long for a line, of several lines,
    and not ASCII (measured in bytes)."""
    pod = make(cluster, {"kind": "Pod", "metadata": {"name": "vols", "namespace": "default", "annotations": {
        "long": "x" * 150, "multi": "line one\nline two\n", "ünï": "çödé"}},
        "spec": {"containers": [{"name": "c", "image": "busybox"}], "volumes": [
            {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "1024Mi"}},
            {"name": "zero", "emptyDir": {"sizeLimit": "0"}},
            {"name": "host", "hostPath": {"path": "/var/log"}},
            {"name": "repo", "gitRepo": {"repository": "https://example.com/r.git", "revision": "main"}},
            {"name": "share", "nfs": {"server": "nfs.example", "path": "/srv"}},
            {"name": "info", "downwardAPI": {"items": [
                {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
                {"path": "cpu", "resourceFieldRef": {"containerName": "c", "resource": "limits.cpu"}}]}},
            {"name": "all", "projected": {"sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"downwardAPI": {"items": [{"path": "ns", "fieldRef": {"fieldPath": "metadata.namespace"}}]}}]}},
            {"name": "inline", "csi": {"driver": "inline.csi.example", "readOnly": True,
                                       "volumeAttributes": {"size": "1Gi", "kind": "fast"}}},
            {"name": "img", "image": {"reference": "quay.io/x/y:1", "pullPolicy": "IfNotPresent"}},
            {"name": "eph", "ephemeral": {"volumeClaimTemplate": {
                "metadata": {"labels": {"type": "scratch", "tier": "a"}},
                "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast", "volumeMode": "Block",
                         "resources": {"requests": {"storage": "1Gi"}}}}}}]},
        "status": {"phase": "Pending", "qosClass": "BestEffort"}})
    out = same(real, cluster, pod)
    assert "\n SizeLimit: 1Gi\n" in squeeze(out)


def test_pod_containers_in_detail(cluster, real):
    """Probes of every kind, env from resource fields, seccomp profiles, a sidecar, devices,
    ephemeral containers, pod-level resources, topology spread and tolerations."""
    probe = {"initialDelaySeconds": 5, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1,
             "failureThreshold": 3}
    app = {"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 80, "protocol": "TCP"},
                                                          {"containerPort": 53, "hostPort": 5353, "protocol": "UDP"}],
           "command": ["sh", "-c"], "args": ["echo one\necho two", "x"],
           "resources": {"limits": {"cpu": "1500m", "memory": "1Gi"}, "requests": {"cpu": "0.25", "memory": "128Mi"}},
           "livenessProbe": {**probe, "httpGet": {"path": "healthz", "port": 8080, "scheme": "HTTPS"}},
           "readinessProbe": {**probe, "tcpSocket": {"port": "http"}},
           "startupProbe": {**probe, "exec": {"command": ["cat", "/tmp/ready"]}},
           "securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/audit.json"}},
           "env": [{"name": "CPU_LIMIT", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu",
                                                                            "divisor": "1m"}}},
                   {"name": "MEM_REQ", "valueFrom": {"resourceFieldRef": {"resource": "requests.memory",
                                                                          "divisor": "1Mi"}}},
                   {"name": "CPU_REQ", "valueFrom": {"resourceFieldRef": {"resource": "requests.cpu"}}},
                   {"name": "NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                   {"name": "NODE", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}},
                   {"name": "MULTI", "value": "a\nb"}],
           "volumeMounts": [{"name": "data", "mountPath": "/z", "subPath": "sub", "readOnly": True},
                            {"name": "data", "mountPath": "/a"}]}
    raw = {"name": "raw", "image": "busybox", "volumeDevices": [{"name": "blk", "devicePath": "/dev/xvda"}],
           "env": [{"name": "MEM_LIMIT", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory"}}}],
           "readinessProbe": {**probe, "grpc": {"port": 9090, "service": ""}}}
    pod = make(cluster, {"kind": "Pod", "metadata": {"name": "detail", "namespace": "default"},
                         "spec": {"nodeName": "node1", "serviceAccountName": "default", "priority": 0,
                                  "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                                  "resources": {"limits": {"memory": "2Gi"}},
                                  "initContainers": [{"name": "proxy", "image": "envoy", "restartPolicy": "Always"}],
                                  "containers": [app, raw],
                                  "ephemeralContainers": [{"name": "debugger", "image": "busybox", "stdin": True}],
                                  "volumes": [{"name": "data", "emptyDir": {}},
                                              {"name": "blk", "persistentVolumeClaim": {"claimName": "blk"}}],
                                  "tolerations": [{"key": "b", "operator": "Exists", "effect": "NoExecute",
                                                   "tolerationSeconds": 300},
                                                  {"key": "a", "operator": "Equal", "value": "1", "effect": "NoSchedule"},
                                                  {"operator": "Exists"}],
                                  "topologySpreadConstraints": [
                                      {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                                       "labelSelector": {"matchLabels": {"app": "x"}}},
                                      {"maxSkew": 2, "topologyKey": "kubernetes.io/hostname",
                                       "whenUnsatisfiable": "ScheduleAnyway"}]},
                         "status": {"phase": "Running", "hostIP": "192.168.56.11", "podIP": "10.244.1.9",
                                    "podIPs": [{"ip": "10.244.1.9"}], "qosClass": "Burstable",
                                    "startTime": "2025-03-03T13:00:00Z",
                                    "conditions": [{"type": "Ready", "status": "False"}],
                                    "containerStatuses": [{"name": "app", "ready": False, "restartCount": 2,
                                                           "image": "nginx:1.27", "imageID": "", "containerID": "c://1",
                                                           "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                                                           "lastState": {"terminated": {
                                                               "exitCode": 137, "signal": 9, "reason": "OOMKilled",
                                                               "message": "out of memory",
                                                               "startedAt": "2025-03-03T13:00:01Z",
                                                               "finishedAt": "2025-03-03T13:00:09Z"}}}]}})
    out = same(real, cluster, pod)
    assert "\n CPU_LIMIT: 1500 (limits.cpu)\n" in squeeze(out)
    assert "\n MEM_LIMIT: node allocatable (limits.memory)\n" in squeeze(out)


def test_services_of_every_type(cluster, real):
    _web_service(cluster)
    lb = make(cluster, {"kind": "Service", "metadata": {"name": "edge", "namespace": "default"},
                        "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "clusterIP": "10.96.0.20",
                                 "clusterIPs": ["10.96.0.20"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                                 "ports": [{"port": 443, "targetPort": "https", "nodePort": 31443, "protocol": "TCP"}],
                                 "loadBalancerIP": "192.168.56.240", "externalIPs": ["1.2.3.4", "5.6.7.8"],
                                 "externalTrafficPolicy": "Local", "healthCheckNodePort": 32000,
                                 "internalTrafficPolicy": "Cluster", "sessionAffinity": "ClientIP",
                                 "loadBalancerSourceRanges": ["10.0.0.0/8", "192.168.0.0/16"]},
                        "status": {"loadBalancer": {"ingress": [{"ip": "192.168.56.240", "ipMode": "VIP"},
                                                                {"hostname": "lb.example"}]}}})
    same(real, cluster, lb)
    ext = make(cluster, {"kind": "Service", "metadata": {"name": "db", "namespace": "default"},
                         "spec": {"type": "ExternalName", "externalName": "db.example.com", "sessionAffinity": "None"}})
    same(real, cluster, ext)
    same(real, cluster, cluster.store.get("Service", "default", "web"))


def test_secrets_configmaps_and_service_accounts(cluster, real):
    sa = make(cluster, {"kind": "ServiceAccount", "metadata": {"name": "robot", "namespace": "default"},
                        "secrets": [{"name": "robot-token"}, {"name": "gone"}],
                        "imagePullSecrets": [{"name": "regcred"}, {"name": "missing-pull"}]})
    make(cluster, {"kind": "Secret", "metadata": {"name": "regcred", "namespace": "default"},
                   "type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": "e30="}})
    token = make(cluster, {"kind": "Secret", "metadata": {
        "name": "robot-token", "namespace": "default",
        "annotations": {"kubernetes.io/service-account.name": "robot",
                        "kubernetes.io/service-account.uid": sa["metadata"]["uid"]}},
        "type": "kubernetes.io/service-account-token", "data": {"token": "ZXlKaGJHY2lPaUpTVXpJMU5pSjkuYWJj"}})
    same(real, cluster, sa)
    same(real, cluster, token, order_free=True)
    cm = make(cluster, {"kind": "ConfigMap", "metadata": {"name": "conf", "namespace": "default"},
                        "data": {"game.properties": "lives=3\nenemies=aliens\n"},
                        "binaryData": {"logo.png": "iVBORw0KGgo="}})
    same(real, cluster, cm)


def test_nodes_with_their_pods_resources(cluster, real):
    """The Non-terminated Pods table and the allocated totals (sums keep their first term's
    format; sidecars and overhead counted as resourcehelper counts them), hugepages and extended
    resources; a node without a lease."""
    status = {"capacity": {"cpu": "2", "memory": "4026532Ki", "pods": "110", "ephemeral-storage": "20Gi",
                           "hugepages-2Mi": "0", "example.com/gpu": "1"},
              "allocatable": {"cpu": "1900m", "memory": "3924132Ki", "pods": "110", "ephemeral-storage": "18Gi",
                              "hugepages-2Mi": "0", "example.com/gpu": "1"},
              "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                              "message": "kubelet is posting ready status",
                              "lastHeartbeatTime": "2025-03-03T13:00:00Z", "lastTransitionTime": "2025-03-03T12:00:00Z"}],
              "addresses": [{"type": "InternalIP", "address": "192.168.56.11"}, {"type": "Hostname", "address": "node1"}],
              "nodeInfo": {"machineID": "m", "systemUUID": "u", "bootID": "b", "kernelVersion": "6.1",
                           "osImage": "Ubuntu", "operatingSystem": "linux", "architecture": "amd64",
                           "containerRuntimeVersion": "containerd://1.7", "kubeletVersion": "v1.32.0",
                           "kubeProxyVersion": "v1.32.0"}}
    node = make(cluster, {"kind": "Node", "metadata": {"name": "node1", "labels": {
        "kubernetes.io/hostname": "node1", "node-role.kubernetes.io/worker": ""}},
        "spec": {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"],
                 "taints": [{"key": "b", "effect": "NoSchedule"}, {"key": "a", "value": "x", "effect": "NoSchedule"},
                            {"key": "z", "effect": "NoExecute"}]},
        "status": status})
    make(cluster, {"kind": "Lease", "metadata": {"name": "node1", "namespace": "kube-node-lease"},
                   "spec": {"holderIdentity": "node1", "leaseDurationSeconds": 40,
                            "renewTime": "2025-03-03T13:00:05.000000Z"}})

    def pod(name: str, **spec: object) -> None:
        make(cluster, {"kind": "Pod", "metadata": {"name": name, "namespace": "default"},
                       "spec": {"nodeName": "node1", **spec}, "status": {"phase": "Running"}})

    pod("web", containers=[{"name": "a", "image": "x", "resources": {"requests": {"cpu": "100m", "memory": "100M"},
                                                                      "limits": {"cpu": "1", "memory": "200M"}}},
                           {"name": "b", "image": "x", "resources": {"requests": {"cpu": "0.25", "memory": "64Mi"}}}])
    pod("sidecar", initContainers=[{"name": "init", "image": "x", "resources": {"requests": {"cpu": "2"}}},
                                   {"name": "proxy", "image": "x", "restartPolicy": "Always",
                                    "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}}}],
        containers=[{"name": "app", "image": "x", "resources": {"requests": {"cpu": "300m", "memory": "1Gi"},
                                                               "limits": {"memory": "2Gi", "example.com/gpu": "1"}}}],
        overhead={"cpu": "10m", "memory": "10Mi"})
    pod("best-effort", containers=[{"name": "c", "image": "x"}])
    make(cluster, {"kind": "Pod", "metadata": {"name": "done", "namespace": "default"},
                   "spec": {"nodeName": "node1", "containers": [{"name": "c", "image": "x"}]},
                   "status": {"phase": "Succeeded"}})
    cluster.advance(LAG)
    out = same(real, cluster, node)
    assert "\nNon-terminated Pods: (3 in total)\n" in squeeze(out)
    lonely = make(cluster, {"kind": "Node", "metadata": {"name": "node9"}, "spec": {}, "status": status})
    same(real, cluster, lonely)


def _template(app: str) -> dict:
    return {"metadata": {"labels": {"app": app}, "annotations": {"kubectl.kubernetes.io/restartedAt": "now"}},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27", "ports": [{"containerPort": 80,
                                                                                   "protocol": "TCP"}],
                                     "resources": {"requests": {"cpu": "0.1"}}}],
                     "serviceAccountName": "robot", "priorityClassName": "high",
                     "nodeSelector": {"disk": "ssd"},
                     "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}],
                     "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone",
                                                    "whenUnsatisfiable": "DoNotSchedule"}]}}


def _owned_pods(cluster: Cluster, owner: dict, app: str, phases: list[str]) -> None:
    for i, phase in enumerate(phases):
        make(cluster, {"kind": "Pod", "metadata": {
            "name": f"{owner['metadata']['name']}-{i}", "namespace": "default", "labels": {"app": app},
            "ownerReferences": [{"apiVersion": owner["apiVersion"], "kind": owner["kind"],
                                 "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
                                 "controller": True}]},
            "spec": {"containers": [{"name": "c", "image": "x"}]}, "status": {"phase": phase}})


def test_workloads(cluster, real):
    """Deployments with their replica sets, stateful sets with claim templates, daemon sets,
    jobs (indexed, long completed-index lists) and cron jobs, with pods counted by phase."""
    d = make(cluster, {"kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
                       "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": _template("web"),
                                "strategy": {"type": "RollingUpdate",
                                             "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 1}},
                                "minReadySeconds": 5},
                       "status": {"replicas": 2, "updatedReplicas": 2, "availableReplicas": 1,
                                  "unavailableReplicas": 1,
                                  "conditions": [{"type": "Available", "status": "False",
                                                  "reason": "MinimumReplicasUnavailable"}]}})
    ref = [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": d["metadata"]["uid"],
            "controller": True}]
    old_template = _template("web")
    old_template["spec"]["containers"][0]["image"] = "nginx:1.26"
    # (no clock moves here: the cluster's controllers would take these hand-made objects over)
    make(cluster, {"kind": "ReplicaSet", "metadata": {"name": "web-old", "namespace": "default", "ownerReferences": ref,
                                                      "labels": {"app": "web"}, "creationTimestamp": "2025-03-03T12:00:00Z"},
                   "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}}, "template": old_template},
                   "status": {"replicas": 0}})
    rs = make(cluster, {"kind": "ReplicaSet", "metadata": {"name": "web-new", "namespace": "default",
                                                           "ownerReferences": ref, "labels": {"app": "web"}},
                        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": _template("web")},
                        "status": {"replicas": 2}})
    _owned_pods(cluster, rs, "web", ["Running", "Pending", "Failed"])
    same(real, cluster, d)
    same(real, cluster, rs)
    sts = make(cluster, {"kind": "StatefulSet", "metadata": {"name": "db", "namespace": "default"},
                         "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "db"}}, "template": _template("db"),
                                  "serviceName": "db",
                                  "updateStrategy": {"type": "RollingUpdate",
                                                     "rollingUpdate": {"partition": 1, "maxUnavailable": 2}},
                                  "volumeClaimTemplates": [
                                      {"metadata": {"name": "data", "labels": {"x": "y"}, "annotations": {"a": "b"}},
                                       "spec": {"accessModes": ["ReadWriteOnce", "ReadOnlyMany"],
                                                "resources": {"requests": {"storage": "1024Mi"}}}},
                                      {"metadata": {"name": "logs"}, "spec": {"storageClassName": "slow"}}]},
                         "status": {"replicas": 2}})
    _owned_pods(cluster, sts, "db", ["Running", "Succeeded"])
    same(real, cluster, sts)
    ds = make(cluster, {"kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "default"},
                        "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": _template("agent")},
                        "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 2, "numberReady": 1,
                                   "updatedNumberScheduled": 2, "numberAvailable": 1, "numberMisscheduled": 1}})
    _owned_pods(cluster, ds, "agent", ["Running"])
    same(real, cluster, ds)
    job = make(cluster, {"kind": "Job", "metadata": {"name": "batch", "namespace": "default"},
                         "spec": {"parallelism": 3, "completions": 100, "completionMode": "Indexed", "suspend": False,
                                  "backoffLimit": 6, "ttlSecondsAfterFinished": 100, "activeDeadlineSeconds": 600,
                                  "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u"}},
                                  "template": {**_template("batch"), "spec": {**_template("batch")["spec"],
                                                                              "restartPolicy": "Never"}}},
                         "status": {"startTime": "2025-03-03T13:00:00Z", "completionTime": "2025-03-03T13:05:30Z",
                                    "active": 1, "ready": 1, "succeeded": 60, "failed": 2,
                                    "completedIndexes": ",".join(str(i) for i in range(0, 120, 2))}})
    same(real, cluster, job)
    cj = make(cluster, {"kind": "CronJob", "metadata": {"name": "tick", "namespace": "default"},
                        "spec": {"schedule": "*/5 * * * *", "concurrencyPolicy": "Forbid", "suspend": True,
                                 "successfulJobsHistoryLimit": 3, "startingDeadlineSeconds": 30,
                                 "jobTemplate": {"spec": {"parallelism": 2, "activeDeadlineSeconds": 60,
                                                          "template": _template("tick")}}},
                        "status": {"lastScheduleTime": "2025-03-03T13:00:00Z",
                                   "active": [{"kind": "Job", "name": "tick-1", "namespace": "default"},
                                              {"kind": "Job", "name": "tick-2", "namespace": "default"}]}})
    same(real, cluster, cj)


def test_generic_describer(cluster, real):
    """Kinds without a describer of their own (Lease, Event, ControllerRevision) get describe.go's
    generic one: every field but the metadata it prints itself, sorted, with smart labels."""
    lease = make(cluster, {"kind": "Lease", "metadata": {"name": "ctrl", "namespace": "default",
                                                         "labels": {"a": "b"}, "annotations": {"n": "1"}},
                           "spec": {"holderIdentity": "ctrl_1234", "leaseDurationSeconds": 15, "leaseTransitions": 0,
                                    "acquireTime": "2025-03-03T13:00:00.000000Z",
                                    "renewTime": "2025-03-03T13:00:05.123456Z"}})
    same(real, cluster, lease)
    ev = make(cluster, {"kind": "Event", "metadata": {"name": "web.1", "namespace": "default"},
                        "involvedObject": {"kind": "Pod", "namespace": "default", "name": "web", "uid": "u-1",
                                           "apiVersion": "v1", "fieldPath": "spec.containers{c}"},
                        "reason": "Pulled", "message": "Successfully pulled image \"nginx\"", "type": "Normal",
                        "source": {"component": "kubelet", "host": "node1"}, "count": 3,
                        "firstTimestamp": "2025-03-03T13:00:00Z", "lastTimestamp": "2025-03-03T13:01:00Z",
                        "reportingComponent": "kubelet", "reportingInstance": "node1"})
    same(real, cluster, ev)
    make(cluster, {"kind": "ControllerRevision", "metadata": {"name": "web-abc", "namespace": "default"},
                   "revision": 2, "data": {"spec": {"template": {"$patch": "replace", "spec": {
                       "containers": [{"name": "c", "image": "nginx", "args": ["-g", "daemon off;"]}],
                       "hostNetwork": True, "weights": [1.5, 2]}}}}})
    same(real, cluster, cluster.store.get("ControllerRevision", "default", "web-abc"))


def test_endpoints_and_endpoint_slices(cluster, real):
    _web_service(cluster)
    eps = make(cluster, {"kind": "EndpointSlice", "metadata": {"name": "dual", "namespace": "default",
                                                               "labels": {"kubernetes.io/service-name": "web"}},
                         "addressType": "IPv4", "ports": [{"port": 80, "protocol": "TCP"}],
                         "endpoints": [{"addresses": ["10.0.0.1", "10.0.0.2"], "conditions": {"ready": True},
                                        "hostname": "", "nodeName": "node1", "zone": "a",
                                        "targetRef": {"kind": "Pod", "name": "web-1", "namespace": "default"}},
                                       {"addresses": [], "conditions": {}}]})
    same(real, cluster, eps)
    same(real, cluster, make(cluster, {"kind": "EndpointSlice", "metadata": {"name": "empty", "namespace": "default"},
                                       "addressType": "FQDN"}))
    ep = make(cluster, {"kind": "Endpoints", "metadata": {"name": "web", "namespace": "default"},
                        "subsets": [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}],
                                     "notReadyAddresses": [{"ip": "10.0.0.3"}],
                                     "ports": [{"name": "http", "port": 80, "protocol": "TCP"},
                                               {"port": 9000, "protocol": "UDP"}]},
                                    {"addresses": [{"ip": "10.0.0.9"}]}]})
    same(real, cluster, ep)
