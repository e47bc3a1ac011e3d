"""The storage-provisioner add-on (server/sim/addons.py): rancher's local-path-provisioner, as kind
ships it — the dynamic provisioner of node-local hostPath volumes a kubeadm lab lacks.

Owns: what enabling installs through the API, as the upstream ``local-path-storage.yaml`` does
(the ``local-path-storage`` namespace, the ``local-path-provisioner-service-account``, the
``local-path-config`` ConfigMap, the ``local-path-provisioner`` Deployment running
``rancher/local-path-provisioner:v0.0.30``, and the ``local-path`` StorageClass: provisioner
``rancher.io/local-path``, WaitForFirstConsumer, reclaim Delete, marked default as kind marks
it); and the provisioner itself (sig-storage-lib-external-provisioner's loop), which works only
while its pod is Running: a claim of its class with a selected node gets ``Provisioning``
("External provisioner is provisioning volume for claim "default/www-web-0""), and after the
helper pod's run (PROVISION_TIME) the PV ``pvc-<claim uid>`` — hostPath
``/opt/local-path-provisioner/pvc-<uid>_<ns>_<name>`` (DirectoryOrCreate), node affinity to the
selected node, the claim's access modes and request, the class's reclaim policy, ``claimRef`` to
the claim, ``pv.kubernetes.io/provisioned-by: rancher.io/local-path`` — then
``ProvisioningSucceeded``. A Released volume of its own with reclaim Delete is deleted (the
teardown helper pod's ``rm -rf``) after the same time. Events come from
``rancher.io/local-path_<provisioner pod>_<uuid>``, the provisioner's identity.

A claim of the class without a selected node (an Immediate-mode class) fails as the real one does:
``configuration error, no node was specified``.

The helper pods themselves are not created: their run is the delay, and their work — the setup
script's ``mkdir -m 0777 -p "$VOL_DIR"``, the teardown's ``rm -rf "$VOL_DIR"`` — is done on the
node's filesystem (the volume manager's ``node_tree``), so a deleted claim's data is gone from the
node as on kind.

The library's loop (``ExternalProvisioner``) is shared with minikube's hostpath provisioner
(``hostpath.py``); each provisioner says only which pods run it and what volume it makes.

Hands off: the PV controller binds the claim to the new (pre-bound) PV; the scheduler set the
selected node; the volume manager mounts the hostPath from the node's filesystem.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from ..api import ApiError
from ..store import Key, Obj, WatchEvent
from . import Controller
from .persistentvolume import (
    ANN_DYNAMICALLY_PROVISIONED,
    ANN_SELECTED_NODE,
    ANN_STORAGE_PROVISIONER,
    claim_class,
)

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "local-path-provisioner"
NAMESPACE = "local-path-storage"
PROVISIONER = "rancher.io/local-path"
CLASS = "local-path"
IMAGE = "rancher/local-path-provisioner:v0.0.30"
BASE_PATH = "/opt/local-path-provisioner"
#: the helper pod's run: mkdir (or rm -rf) on the node, as it takes on kind
PROVISION_TIME = 3.0

_CONFIG_JSON = """{
        "nodePathMap":[
        {
                "node":"DEFAULT_PATH_FOR_NON_LISTED_NODES",
                "paths":["/opt/local-path-provisioner"]
        }
        ]
}"""
_HELPER_POD = """apiVersion: v1
kind: Pod
metadata:
  name: helper-pod
spec:
  priorityClassName: system-node-critical
  tolerations:
    - key: node.kubernetes.io/disk-pressure
      operator: Exists
      effect: NoSchedule
  containers:
  - name: helper-pod
    image: busybox
    imagePullPolicy: IfNotPresent
"""


def manifests() -> list[Obj]:
    """The objects ``local-path-storage.yaml`` creates (those of kinds the simulation serves)."""
    labels = {"app": NAME}
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}},
        {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": {"name": "local-path-provisioner-service-account", "namespace": NAMESPACE}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "local-path-config", "namespace": NAMESPACE},
         "data": {"config.json": _CONFIG_JSON, "setup": '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"',
                  "teardown": '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"', "helperPod.yaml": _HELPER_POD}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": NAME, "namespace": NAMESPACE},
         "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": labels}, "spec": {
                      "serviceAccountName": "local-path-provisioner-service-account",
                      "containers": [{
                          "name": NAME, "image": IMAGE, "imagePullPolicy": "IfNotPresent",
                          "command": [NAME, "--debug", "start", "--config", "/etc/config/config.json"],
                          "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/config/"}],
                          "env": [{"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                                  {"name": "CONFIG_MOUNT_PATH", "value": "/etc/config/"}]}],
                      "volumes": [{"name": "config-volume", "configMap": {"name": "local-path-config"}}]}}}},
        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
         "metadata": {"name": CLASS, "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
         "provisioner": PROVISIONER, "volumeBindingMode": "WaitForFirstConsumer", "reclaimPolicy": "Delete"},
    ]


def volume_for(claim: Obj, sc: Obj, node: str) -> Obj:
    """The PV the provisioner creates for ``claim`` on ``node`` (provisioner.go Provision)."""
    meta, spec = claim["metadata"], claim.get("spec") or {}
    name = f"pvc-{meta['uid']}"
    request = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
    return {
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": name, "annotations": {ANN_DYNAMICALLY_PROVISIONED: PROVISIONER,
                                                    "local.path.provisioner/selected-node": node}},
        "spec": {
            "accessModes": list(spec.get("accessModes") or []),
            "capacity": {"storage": request} if request is not None else {},
            "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": meta["name"],
                         "namespace": meta["namespace"], "resourceVersion": meta.get("resourceVersion", ""),
                         "uid": meta["uid"]},
            "hostPath": {"path": f"{BASE_PATH}/{name}_{meta['namespace']}_{meta['name']}", "type": "DirectoryOrCreate"},
            "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}},
            "persistentVolumeReclaimPolicy": sc.get("reclaimPolicy") or "Delete",
            "storageClassName": sc["metadata"]["name"],
            "volumeMode": spec.get("volumeMode") or "Filesystem",
        },
    }


class ExternalProvisioner(Controller):
    """sig-storage-lib-external-provisioner's ProvisionController around one provisioner's Provision and
    Delete: the loop both simulated provisioners share (this module's local-path, ``hostpath.py``'s
    minikube-hostpath). It works only while the provisioner's pod runs (``provisioner_pods``); a claim
    of a class naming ``PROVISIONER`` gets ``Provisioning``, and after ``PROVISION_TIME`` the PV of
    ``volume_for`` and ``ProvisioningSucceeded``; a Released volume of its own with reclaim Delete is
    deleted after the same time. Events come from ``<provisioner>_<hostname>_<uuid>``, the library's
    identity (the pod's hostname: the node's name for a hostNetwork pod)."""

    #: the provisioner name classes name, and the PVs' ``pv.kubernetes.io/provisioned-by``
    PROVISIONER = PROVISIONER
    #: where its volumes live on the node: ``_on_node`` touches nothing outside it
    BASE_PATH = BASE_PATH
    #: how long Provision (and Delete) takes
    PROVISION_TIME = PROVISION_TIME
    #: the provisioner's pods: the namespace they run in
    NAMESPACE = NAMESPACE
    #: whether the claim must carry a selected node (WaitForFirstConsumer only: a node-local volume)
    NEEDS_NODE = True
    watches = ("PersistentVolumeClaim", "PersistentVolume", "Pod")

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.active = False
        #: claim uid / volume name -> when its Provision (Delete) run ends
        self._in_flight: dict[str, float] = {}

    # -- what a provisioner says ---------------------------------------------------------------------
    def provisioner_pods(self) -> list[Obj]:
        raise NotImplementedError

    def is_provisioner_pod(self, pod: Obj) -> bool:
        raise NotImplementedError

    def volume_for(self, claim: Obj, sc: Obj, node: str | None) -> Obj:
        raise NotImplementedError

    def volume_node(self, pv: Obj) -> str | None:
        """The node whose filesystem holds ``pv``'s directory."""
        raise NotImplementedError

    def instance_uuid(self, pod: Obj) -> str:
        """The uuid the library's identity ends in (one per provisioner process)."""
        raise NotImplementedError

    def owns(self, pv: Obj) -> bool:
        """Whether Delete acts on ``pv`` (a provisioner may ignore volumes of another instance)."""
        return True

    # -- the library's loop --------------------------------------------------------------------------
    def on_event(self, event: WatchEvent) -> None:
        if not self.active:
            return
        obj = event.obj
        if obj["kind"] == "Pod":
            if obj["metadata"].get("namespace") == self.NAMESPACE and self.is_provisioner_pod(obj):
                # the provisioner's pod came up (or went): every claim it serves is worth a look
                for claim in self.store.scan("PersistentVolumeClaim",
                                             where=lambda c: not (c.get("spec") or {}).get("volumeName")):
                    self.enqueue(("PersistentVolumeClaim", claim["metadata"]["namespace"], claim["metadata"]["name"]))
            return
        if event.type != "DELETED":
            self.enqueue(event.key)

    def identity(self) -> str | None:
        """``<provisioner>_<hostname>_<uuid>`` while the provisioner's pod runs, else None."""
        for pod in self.provisioner_pods():
            st = pod.get("status") or {}
            if st.get("phase") == "Running" and not pod["metadata"].get("deletionTimestamp") and any(
                    c.get("type") == "Ready" and c.get("status") == "True" for c in st.get("conditions") or []):
                spec = pod.get("spec") or {}
                host = spec.get("nodeName") if spec.get("hostNetwork") else pod["metadata"]["name"]
                return f"{self.PROVISIONER}_{host}_{self.instance_uuid(pod)}"
        return None

    def reconcile(self, key: Key) -> None:
        if not self.active:
            return
        obj = self.store.peek(*key)
        if obj is None:
            return
        if key[0] == "PersistentVolumeClaim":
            self._provision(obj)
        elif key[0] == "PersistentVolume":
            self._delete(obj)

    def _due(self, token: str, key: Key) -> bool:
        """Provision's (Delete's) run: False until PROVISION_TIME after the first look."""
        now = self.clock.now()
        end = self._in_flight.setdefault(token, now + self.PROVISION_TIME)
        if now + 1e-9 < end:
            self.requeue_after(key, end - now)
            return False
        self._in_flight.pop(token, None)
        return True

    def _provision(self, claim: Obj) -> None:
        meta = claim["metadata"]
        annotations = meta.get("annotations") or {}
        if meta.get("deletionTimestamp") or (claim.get("spec") or {}).get("volumeName") \
                or annotations.get(ANN_STORAGE_PROVISIONER) != self.PROVISIONER:
            return
        sc = self.store.peek("StorageClass", "", claim_class(claim))
        if sc is None or sc.get("provisioner") != self.PROVISIONER:
            return
        if self.store.peek("PersistentVolume", "", f"pvc-{meta['uid']}") is not None:
            return
        identity = self.identity()
        if identity is None:
            return  # nobody is running the provisioner: the claim waits
        key = ("PersistentVolumeClaim", meta["namespace"], meta["name"])
        node = annotations.get(ANN_SELECTED_NODE)
        if not node and self.NEEDS_NODE:
            self.recorder.event(claim, "Warning", "ProvisioningFailed",
                                f'failed to provision volume with StorageClass "{sc["metadata"]["name"]}": '
                                "configuration error, no node was specified", identity)
            return
        if meta["uid"] not in self._in_flight:
            self.recorder.event(claim, "Normal", "Provisioning",
                                f'External provisioner is provisioning volume for claim "{meta["namespace"]}/{meta["name"]}"',
                                identity)
        if not self._due(meta["uid"], key):
            return
        pv = self.volume_for(claim, sc, node)
        try:
            self.api.create(pv)
        except ApiError:
            return
        target = self.volume_node(pv)
        if target:
            self._on_node(target, pv["spec"]["hostPath"]["path"], create=True)
        self.recorder.event(claim, "Normal", "ProvisioningSucceeded",
                            f"Successfully provisioned volume {pv['metadata']['name']}", identity)

    def _delete(self, pv: Obj) -> None:
        annotations = pv["metadata"].get("annotations") or {}
        if annotations.get(ANN_DYNAMICALLY_PROVISIONED) != self.PROVISIONER or pv["metadata"].get("deletionTimestamp"):
            return
        if (pv.get("status") or {}).get("phase") != "Released" \
                or (pv.get("spec") or {}).get("persistentVolumeReclaimPolicy") != "Delete":
            return
        if self.identity() is None or not self.owns(pv) or not self._due(pv["metadata"]["name"], ("PersistentVolume", "", pv["metadata"]["name"])):
            return
        node = self.volume_node(pv)
        if node:
            self._on_node(node, ((pv.get("spec") or {}).get("hostPath") or {}).get("path") or "", create=False)
        try:
            self.api.delete("PersistentVolume", "", pv["metadata"]["name"])
        except ApiError:
            pass

    def _on_node(self, node: str, path: str, *, create: bool) -> None:
        """The volume's directory on the node: ``mkdir -m 0777 -p`` (Provision) or ``rm -rf`` (Delete)."""
        from ..fs import FsError, split

        if not path.startswith(self.BASE_PATH + "/"):
            return
        tree = self.cluster.controller("volume-manager").node_tree(node)  # type: ignore[attr-defined]
        try:
            if create:
                tree.makedirs(split(path), now=self.clock.now())
                tree.mutable_dir(split(path), path).mode = 0o777
            elif tree.node(split(path)) is not None:
                tree.delete(path, now=self.clock.now())
        except FsError:
            pass


class LocalPathProvisioner(ExternalProvisioner):
    name = NAME

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self._uuid = str(uuid.UUID(int=cluster.clock.rng.getrandbits(128), version=4))

    def instance_uuid(self, pod: Obj) -> str:
        return self._uuid

    def provisioner_pods(self) -> list[Obj]:
        return list(self.store.scan("Pod", NAMESPACE, selector={"matchLabels": {"app": NAME}}))

    def is_provisioner_pod(self, pod: Obj) -> bool:
        return True  # anything in local-path-storage: the provisioner's and its helper pods

    def volume_for(self, claim: Obj, sc: Obj, node: str | None) -> Obj:
        return volume_for(claim, sc, node or "")

    def volume_node(self, pv: Obj) -> str | None:
        return (pv["metadata"].get("annotations") or {}).get("local.path.provisioner/selected-node")


def _controller(cluster: Any) -> LocalPathProvisioner | None:
    try:
        c = cluster.controller(NAME)
    except KeyError:
        return None
    return c if isinstance(c, LocalPathProvisioner) else None


def enabled(cluster: Any) -> bool:
    c = _controller(cluster)
    return c is not None and c.active


def enable(cluster: Any) -> None:
    """Install the provisioner: its image in the registry, its objects through the API, its loop."""
    if cluster.registry.resolve(IMAGE) is None:
        cluster.registry.add("rancher/local-path-provisioner", "v0.0.30", size=17_600_000, ports=(), http_paths=None,
                             server=True, server_binaries=frozenset({NAME, f"/usr/bin/{NAME}"}))
    c = _controller(cluster)
    if c is None:
        c = LocalPathProvisioner(cluster)
        cluster.add_controller(c)
    c.active = True
    for obj in manifests():
        meta = obj["metadata"]
        if cluster.store.peek(obj["kind"], meta.get("namespace", ""), meta["name"]) is None:
            cluster.api.create(json.loads(json.dumps(obj)))
    for claim in cluster.store.scan("PersistentVolumeClaim"):
        c.enqueue(("PersistentVolumeClaim", claim["metadata"]["namespace"], claim["metadata"]["name"]))


def disable(cluster: Any) -> None:
    """Uninstall: the class and the provisioner's namespace go (existing volumes stay)."""
    c = _controller(cluster)
    if c is not None:
        c.active = False
    for kind, ns, name in (("StorageClass", "", CLASS), ("Namespace", "", NAMESPACE)):
        try:
            cluster.api.delete(kind, ns, name)
        except ApiError:
            pass
