"""minikube's storage-provisioner (``k8s.io/minikube-hostpath``): the dynamic provisioner behind the
minikube preset's ``standard`` StorageClass, and the minikube preset's ``storage-provisioner`` add-on.

Owns: what minikube's ``storage-provisioner.yaml.tmpl`` creates (the ``storage-provisioner``
ServiceAccount, its ClusterRoleBinding to ``system:persistent-volume-provisioner`` and the bare Pod in
kube-system running gcr.io/k8s-minikube/storage-provisioner:v5 on the ``minikube`` node, hostNetwork,
the node's /tmp mounted at /tmp), and the provisioner of pkg/storage/storage_provisioner.go inside
sig-storage-lib-external-provisioner's loop (``provisioner.ExternalProvisioner``, shared with
local-path). While that pod runs, a claim of a class naming ``k8s.io/minikube-hostpath`` gets
``Provisioning`` (``External provisioner is provisioning volume for claim "default/x"``) and at once
(Provision is a ``mkdir`` in the provisioner's own process) the PV ``pvc-<claim uid>``: hostPath
``/tmp/hostpath-provisioner/<namespace>/<claim>`` with no type and no node affinity, the claim's
access modes and request, the class's reclaim policy, annotations ``hostPathProvisionerIdentity``
(the provisioner's uuid) and ``pv.kubernetes.io/provisioned-by: k8s.io/minikube-hostpath``; then
``ProvisioningSucceeded``. Events come from ``k8s.io/minikube-hostpath_minikube_<uuid>`` (the
library's identity: the pod's hostname, which is the node's under hostNetwork). A Released volume
whose identity annotation is this provisioner's, reclaim Delete, is deleted (``os.RemoveAll`` of its
directory, then the PV); one of an earlier provisioner pod is ignored, as Delete's IgnoredError does.

Both uuids are derived from the provisioner pod's uid (no draw from the seeded RNG): a recreated pod is
a new provisioner with a new identity, as a restarted process is.

Hands off: the PV controller announces ``ExternalProvisioning`` and binds the claim to the pre-bound PV;
the volume manager mounts the hostPath from the node's filesystem, where ``mkdir -m 0777`` left it.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from ..api import ApiError
from ..store import Obj
from .namespace import derived_uid
from .persistentvolume import ANN_DYNAMICALLY_PROVISIONED
from .provisioner import ExternalProvisioner

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "storage-provisioner"
NAMESPACE = "kube-system"
PROVISIONER = "k8s.io/minikube-hostpath"
IMAGE = "gcr.io/k8s-minikube/storage-provisioner:v5"
BASE_PATH = "/tmp/hostpath-provisioner"
ANN_IDENTITY = "hostPathProvisionerIdentity"
#: minikube's addon manager label on the add-on's objects
_MODE = {"addonmanager.kubernetes.io/mode": "Reconcile"}


def _random_looking(base: str, name: str) -> str:
    """A uuid.NewUUID() (random, version 4) derived from ``base``/``name``: no draw from the seeded RNG."""
    return str(uuid.UUID(bytes=uuid.UUID(derived_uid(base, name)).bytes, version=4))


def manifests(node: str = "minikube") -> list[Obj]:
    """storage-provisioner.yaml.tmpl: the ServiceAccount, its RBAC and the bare Pod, bound to ``node``."""
    from ..bootstrap import _container, _pod_spec

    return [
        {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": {"name": NAME, "namespace": NAMESPACE, "labels": dict(_MODE)}},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
         "metadata": {"name": NAME, "labels": dict(_MODE)},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                     "name": "system:persistent-volume-provisioner"},
         "subjects": [{"kind": "ServiceAccount", "name": NAME, "namespace": NAMESPACE}]},
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": NAME, "namespace": NAMESPACE,
                      "labels": {**_MODE, "integration-test": "storage-provisioner"}},
         "spec": _pod_spec(
             [_container(NAME, IMAGE, ["/storage-provisioner"], volumeMounts=[{"mountPath": "/tmp", "name": "tmp"}])],
             node=node, host_network=True, serviceAccountName=NAME, serviceAccount=NAME,
             volumes=[{"name": "tmp", "hostPath": {"path": "/tmp", "type": "Directory"}}])},
    ]


def volume_for(claim: Obj, sc: Obj, identity: str) -> Obj:
    """The PV Provision returns (storage_provisioner.go), with what the library adds: the claimRef,
    the class name and ``pv.kubernetes.io/provisioned-by``."""
    meta, spec = claim["metadata"], claim.get("spec") or {}
    request = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
    pv: Obj = {
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": f"pvc-{meta['uid']}",
                     "annotations": {ANN_IDENTITY: identity, ANN_DYNAMICALLY_PROVISIONED: PROVISIONER}},
        "spec": {
            "accessModes": list(spec.get("accessModes") or []),
            "capacity": {"storage": request} if request is not None else {},
            "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": meta["name"],
                         "namespace": meta["namespace"], "resourceVersion": meta.get("resourceVersion", ""),
                         "uid": meta["uid"]},
            "hostPath": {"path": f"{BASE_PATH}/{meta['namespace']}/{meta['name']}"},
            "persistentVolumeReclaimPolicy": sc.get("reclaimPolicy") or "Delete",
            "storageClassName": sc["metadata"]["name"],
        },
    }
    if spec.get("volumeMode"):
        pv["spec"]["volumeMode"] = spec["volumeMode"]
    return pv


class HostPathProvisioner(ExternalProvisioner):
    """Always listening; it acts only while minikube's storage-provisioner pod runs (no such pod, no
    provisioning: a kubeadm lab's ``standard``-less claims are the PV controller's alone)."""

    name = "minikube-hostpath-provisioner"
    PROVISIONER = PROVISIONER
    BASE_PATH = BASE_PATH
    PROVISION_TIME = 0.0
    NAMESPACE = NAMESPACE
    NEEDS_NODE = False

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.active = True

    def is_provisioner_pod(self, pod: Obj) -> bool:
        return pod["metadata"]["name"] == NAME

    def provisioner_pods(self) -> list[Obj]:
        pod = self.store.peek("Pod", NAMESPACE, NAME)
        if pod is None or not any(c.get("image") == IMAGE for c in (pod.get("spec") or {}).get("containers") or []):
            return []
        return [pod]

    def instance_uuid(self, pod: Obj) -> str:
        return _random_looking("sig-storage-lib-external-provisioner", pod["metadata"]["uid"])

    def _identity_uuid(self) -> str | None:
        """hostPathProvisioner.identity of the running provisioner (None when none runs)."""
        pods = self.provisioner_pods()
        return _random_looking(PROVISIONER, pods[0]["metadata"]["uid"]) if pods else None

    def volume_for(self, claim: Obj, sc: Obj, node: str | None) -> Obj:
        return volume_for(claim, sc, self._identity_uuid() or "")

    def volume_node(self, pv: Obj) -> str | None:
        pods = self.provisioner_pods()
        return (pods[0].get("spec") or {}).get("nodeName") if pods else None

    def owns(self, pv: Obj) -> bool:
        ours = self._identity_uuid()
        return ours is not None and (pv["metadata"].get("annotations") or {}).get(ANN_IDENTITY) == ours


# -- the minikube preset's storage-provisioner add-on (server/sim/addons.py) ------------------------------
def enabled(cluster: Any) -> bool:
    """The provisioner pod is there and not going away."""
    pod = cluster.store.peek("Pod", NAMESPACE, NAME)
    return pod is not None and not pod["metadata"].get("deletionTimestamp")


#: how long enabling waits for the pod of an earlier disable to finish terminating
TERMINATING_WAIT = 60.0


def enable(cluster: Any) -> None:
    """``minikube addons enable storage-provisioner``: its objects through the API (the provisioner
    acts as soon as the pod runs); a pod still terminating from a disable is waited out first, as
    the addon manager's apply retries until the name is free."""
    if cluster.store.peek("Pod", NAMESPACE, NAME) is not None and not enabled(cluster):
        cluster.run_until(cluster.clock.now() + TERMINATING_WAIT,
                          lambda: cluster.store.peek("Pod", NAMESPACE, NAME) is None)
    node = "minikube" if "minikube" in cluster.machines else next(iter(cluster.machines), "minikube")
    for obj in manifests(node):
        meta = obj["metadata"]
        if cluster.store.peek(obj["kind"], meta.get("namespace", ""), meta["name"]) is None:
            cluster.api.create(json.loads(json.dumps(obj)))


def disable(cluster: Any) -> None:
    """``minikube addons disable storage-provisioner``: ``kubectl delete -f`` of the manifests
    (existing volumes stay)."""
    for obj in reversed(manifests()):
        meta = obj["metadata"]
        try:
            cluster.api.delete(obj["kind"], meta.get("namespace", ""), meta["name"])
        except ApiError:
            pass
