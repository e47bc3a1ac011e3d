"""The PV controller (pkg/controller/volume/persistentvolume, v1.32): binds claims to volumes and
reclaims released ones; also the pvc/pv-protection controllers' finalizer removal.

Owns:
- ``syncUnboundClaim``: a claim without a volume gets the smallest Available volume that fits
  (``findBestMatchForClaim``: the volumes grouped by their access modes, the smallest mode set
  first; within it class, selector, volumeMode, capacity; a volume pre-bound to the claim wins),
  unless its class is ``WaitForFirstConsumer`` and no node is selected yet (the scheduler binds
  those). No volume: the default class is assigned retroactively to a claim without one, then
  ``WaitForFirstConsumer`` ("waiting for first consumer to be created before binding", or
  ``WaitForPodScheduled`` naming the pods), provisioning (``ExternalProvisioning`` for an external
  provisioner, after the ``volume.kubernetes.io/storage-provisioner`` annotations;
  ``ProvisioningFailed`` for a missing class), or ``FailedBinding`` "no persistent volumes available
  for this claim and no storage class is set"; and a look again at the 15 s resync.
- ``bind``: PV ``claimRef`` + ``pv.kubernetes.io/bound-by-controller``, phase Bound; claim
  ``volumeName`` + ``pv.kubernetes.io/bind-completed`` (+ bound-by-controller), status Bound with
  the volume's capacity and access modes. ``syncBoundClaim``: ``ClaimLost`` / ``ClaimMisbound``.
- ``syncVolume``: Available / Bound; the claim gone → Released, then the reclaim policy: Retain
  keeps it, Delete deletes it (hostPath only under /tmp, as the in-tree deleter; a volume of an
  external provisioner is that provisioner's to delete), the failure as ``VolumeFailedDelete`` and
  phase Failed. ``status.lastPhaseTransitionTime`` on every phase change.
- Protection: a claim being deleted loses ``kubernetes.io/pvc-protection`` once no pod uses it, a
  volume ``kubernetes.io/pv-protection`` once it is not Bound.

The pure matching functions (``claim_class``, ``is_delay_binding``, ``find_matching_volume``,
``volume_fits_node``, ``pod_claim_names``) are shared with the scheduler's VolumeBinding plugin.

Hands off: the scheduler binds WaitForFirstConsumer claims (a matching PV's claimRef, or the
``volume.kubernetes.io/selected-node`` annotation for provisioning); external provisioners
(controllers/provisioner.py) create the PVs; the kubelet's volume manager mounts them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..api import ApiError
from ..quantity import Quantity
from ..store import Key, Obj, WatchEvent, deep_copy, matches_selector
from . import Controller

if TYPE_CHECKING:
    from ..cluster import Cluster

COMPONENT = "persistentvolume-controller"
RESYNC = 15.0  # --pvclaimbinder-sync-period

ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"
ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
ANN_DYNAMICALLY_PROVISIONED = "pv.kubernetes.io/provisioned-by"
ANN_BETA_CLASS = "volume.beta.kubernetes.io/storage-class"
ANN_DEFAULT_CLASS = ("storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class")
PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"
NO_PROVISIONER = "kubernetes.io/no-provisioner"
WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"


# -- pure helpers (storagehelpers, pvutil) ---------------------------------------------------------------
def storage_quantity(value: Any) -> Quantity:
    """A storage amount as a Quantity (compared as ``Cmp`` does); zero when missing or malformed."""
    if value is None:
        return Quantity()
    try:
        return Quantity.of(value)
    except ValueError:
        return Quantity()


def claim_request(claim: Obj) -> Quantity:
    return storage_quantity((((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage"))


def volume_capacity(pv: Obj) -> Quantity:
    return storage_quantity(((pv.get("spec") or {}).get("capacity") or {}).get("storage"))


def claim_class(claim: Obj) -> str:
    """GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName."""
    annotations = claim["metadata"].get("annotations") or {}
    if ANN_BETA_CLASS in annotations:
        return annotations[ANN_BETA_CLASS]
    return (claim.get("spec") or {}).get("storageClassName") or ""


def volume_class(pv: Obj) -> str:
    """GetPersistentVolumeClass."""
    annotations = pv["metadata"].get("annotations") or {}
    if ANN_BETA_CLASS in annotations:
        return annotations[ANN_BETA_CLASS]
    return (pv.get("spec") or {}).get("storageClassName") or ""


def is_default_class(sc: Obj) -> bool:
    annotations = sc["metadata"].get("annotations") or {}
    return any(annotations.get(a) == "true" for a in ANN_DEFAULT_CLASS)


def default_class(classes: Iterable[Obj]) -> Obj | None:
    """GetDefaultClass: the newest default class (then by name), or None."""
    defaults = [c for c in classes if is_default_class(c)]
    if not defaults:
        return None
    return max(defaults, key=lambda c: (c["metadata"].get("creationTimestamp") or "", c["metadata"]["name"]))


def is_delay_binding(claim: Obj, get_class: Callable[[str], Obj | None]) -> bool:
    """IsDelayBindingMode: the claim's class exists and binds WaitForFirstConsumer."""
    name = claim_class(claim)
    sc = get_class(name) if name else None
    return sc is not None and sc.get("volumeBindingMode") == WAIT_FOR_FIRST_CONSUMER


def is_bound_to_claim(pv: Obj, claim: Obj) -> bool:
    """IsVolumeBoundToClaim: claimRef names the claim (and its uid, when the ref has one)."""
    ref = (pv.get("spec") or {}).get("claimRef")
    if not isinstance(ref, dict):
        return False
    meta = claim["metadata"]
    return (ref.get("name") == meta["name"] and (ref.get("namespace") or "") == meta.get("namespace")
            and (not ref.get("uid") or ref.get("uid") == meta.get("uid")))


def is_fully_bound(claim: Obj) -> bool:
    return bool((claim.get("spec") or {}).get("volumeName")) and \
        ANN_BIND_COMPLETED in (claim["metadata"].get("annotations") or {})


def _volume_mode(spec: Obj) -> str:
    return spec.get("volumeMode") or "Filesystem"


def access_modes_ok(claim: Obj, pv: Obj) -> bool:
    """CheckAccessModes: every mode the claim asks for is one the volume has."""
    have = set((pv.get("spec") or {}).get("accessModes") or [])
    return all(m in have for m in (claim.get("spec") or {}).get("accessModes") or [])


def volume_fits_node(pv: Obj, labels: dict[str, str], node_name: str) -> bool:
    """CheckNodeAffinity: the volume's required node affinity matches the node (no affinity: any)."""
    from ..scheduler import NodeInfo, node_selector_term_matches

    required = (((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required")) or None
    if not required:
        return True
    info = NodeInfo(node_name, exists=True, labels=labels)
    return any(node_selector_term_matches(t, info) for t in required.get("nodeSelectorTerms") or [])


def volume_mismatch(pv: Obj, claim: Obj) -> str:
    """checkVolumeSatisfyClaim: why a volume a claim names cannot serve it ("" when it can)."""
    if pv["metadata"].get("deletionTimestamp"):
        return f'the volume is marked for deletion "{pv["metadata"]["name"]}"'
    if volume_capacity(pv) < claim_request(claim):
        return "requested PV is too small"
    if volume_class(pv) != claim_class(claim):
        return "storageClassName does not match"
    if _volume_mode(pv.get("spec") or {}) != _volume_mode(claim.get("spec") or {}):
        return "incompatible volumeMode"
    if not access_modes_ok(claim, pv):
        return "incompatible accessMode"
    return ""


def find_matching_volume(claim: Obj, volumes: Iterable[Obj], *, delay_binding: bool,
                         node: tuple[str, dict[str, str]] | None = None,
                         excluded: frozenset[str] | set[str] = frozenset()) -> Obj | None:
    """pvutil.FindMatchingVolume: the volume pre-bound to the claim, else the smallest Available one
    that fits (with ``node`` = (name, labels) the scheduler's path: node affinity must match)."""
    spec = claim.get("spec") or {}
    requested = claim_request(claim)
    want_class = claim_class(claim)
    selector = spec.get("selector")
    best: Obj | None = None
    best_size: Quantity | None = None
    for pv in volumes:
        name = pv["metadata"]["name"]
        if name in excluded:
            continue
        pv_spec = pv.get("spec") or {}
        if pv_spec.get("claimRef") and not is_bound_to_claim(pv, claim):
            continue
        size = volume_capacity(pv)
        if size < requested or _volume_mode(pv_spec) != _volume_mode(spec) or pv["metadata"].get("deletionTimestamp"):
            continue
        affinity_ok = node is None or volume_fits_node(pv, node[1], node[0])
        if is_bound_to_claim(pv, claim):
            return pv if affinity_ok else None
        if node is None and delay_binding:
            continue  # the scheduler binds this claim
        if (pv.get("status") or {}).get("phase") != "Available":
            continue
        if selector and not matches_selector(pv["metadata"].get("labels") or {}, selector):
            continue
        if volume_class(pv) != want_class or not affinity_ok:
            continue
        if access_modes_ok(claim, pv) and (best_size is None or size < best_size):
            best, best_size = pv, size
    return best


def find_best_match(claim: Obj, volumes: list[Obj], *, delay_binding: bool) -> Obj | None:
    """findBestMatchForClaim: the volumes indexed by access modes, the smallest mode set that
    holds every mode of the claim first."""
    wanted = set((claim.get("spec") or {}).get("accessModes") or [])
    groups: dict[frozenset[str], list[Obj]] = {}
    for pv in volumes:
        groups.setdefault(frozenset((pv.get("spec") or {}).get("accessModes") or []), []).append(pv)
    for modes in sorted((m for m in groups if wanted <= m), key=lambda m: (len(m), sorted(m))):
        found = find_matching_volume(claim, groups[modes], delay_binding=delay_binding)
        if found is not None:
            return found
    return None


def pod_claim_names(pod: Obj) -> list[str]:
    """The claims a pod's volumes name (a generic ephemeral volume's is ``<pod>-<volume>``)."""
    out = []
    for v in (pod.get("spec") or {}).get("volumes") or []:
        if not isinstance(v, dict):
            continue
        if isinstance(v.get("persistentVolumeClaim"), dict) and v["persistentVolumeClaim"].get("claimName"):
            out.append(v["persistentVolumeClaim"]["claimName"])
        elif isinstance(v.get("ephemeral"), dict):
            out.append(f"{pod['metadata']['name']}-{v.get('name')}")
    return out


class PersistentVolumeController(Controller):
    name = "persistentvolume-binder-controller"
    #: no StorageClass handler, as in pv_controller_base.go: a new (default) class is seen at a claim's next sync
    watches = ("PersistentVolumeClaim", "PersistentVolume", "Pod")

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        #: (namespace, claim) -> names of the pods whose volumes name it (the podsByPVC index)
        self._users: dict[tuple[str, str], set[str]] = {}
        self._pod_claims: dict[tuple[str, str], tuple[str, ...]] = {}
        #: claim uid -> when its ExternalProvisioning was last announced (one per instant, not per write)
        self._announced: dict[str, float] = {}

    def start(self) -> None:
        for kind in ("PersistentVolumeClaim", "PersistentVolume"):
            for obj in self.store.scan(kind):
                self.enqueue((kind, obj["metadata"].get("namespace") or "", obj["metadata"]["name"]))

    # -- events -------------------------------------------------------------------------------------------
    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        kind = obj["kind"]
        if kind == "Pod":
            self._on_pod(event)
        elif kind == "PersistentVolume":
            self.enqueue(event.key)
            ref = (obj.get("spec") or {}).get("claimRef")
            if isinstance(ref, dict) and ref.get("name"):
                self.enqueue(("PersistentVolumeClaim", ref.get("namespace") or "", ref["name"]))
        else:
            self.enqueue(event.key)
            name = (obj.get("spec") or {}).get("volumeName")
            if event.type == "DELETED" and name:
                self.enqueue(("PersistentVolume", "", name))

    def _on_pod(self, event: WatchEvent) -> None:
        pod = event.obj
        ns, name = pod["metadata"].get("namespace") or "", pod["metadata"]["name"]
        new = () if event.type == "DELETED" else tuple(pod_claim_names(pod))
        old = self._pod_claims.get((ns, name), ())
        if new == old:
            return
        for claim in old:
            users = self._users.get((ns, claim))
            if users is not None:
                users.discard(name)
                if not users:
                    del self._users[(ns, claim)]
            self.enqueue(("PersistentVolumeClaim", ns, claim))  # protection: maybe unused now
        for claim in new:
            self._users.setdefault((ns, claim), set()).add(name)
        if new:
            self._pod_claims[(ns, name)] = new
        else:
            self._pod_claims.pop((ns, name), None)

    def users(self, namespace: str, claim: str) -> list[str]:
        """The pods whose volumes name the claim, sorted (describe pvc's Used By)."""
        return sorted(self._users.get((namespace, claim), ()))

    # -- sync ---------------------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        obj = self.store.peek(*key)
        if obj is None:
            return
        if key[0] == "PersistentVolumeClaim":
            self._sync_claim(obj)
            if is_fully_bound(obj):
                self._announced.pop(obj["metadata"]["uid"], None)
        elif key[0] == "PersistentVolume":
            self._sync_volume(obj)

    def _class(self, name: str) -> Obj | None:
        return self.store.peek("StorageClass", "", name) if name else None

    def _sync_claim(self, claim: Obj) -> None:
        if claim["metadata"].get("deletionTimestamp"):
            self._release_claim_protection(claim)
            return
        if ANN_BIND_COMPLETED not in (claim["metadata"].get("annotations") or {}):
            self._sync_unbound_claim(claim)
        else:
            self._sync_bound_claim(claim)

    def _sync_unbound_claim(self, claim: Obj) -> None:
        key = ("PersistentVolumeClaim", claim["metadata"]["namespace"], claim["metadata"]["name"])
        volume_name = (claim.get("spec") or {}).get("volumeName")
        if volume_name:
            pv = self.store.peek("PersistentVolume", "", volume_name)
            ref = (pv.get("spec") or {}).get("claimRef") if pv is not None else None
            mismatch = volume_mismatch(pv, claim) if pv is not None and not ref else ""
            if mismatch:
                self.recorder.event(claim, "Warning", "VolumeMismatch",
                                    f'Cannot bind to requested volume "{volume_name}": {mismatch}', COMPONENT)
                self._claim_status(claim, "Pending", None)
            elif pv is not None and (not ref or is_bound_to_claim(pv, claim)):
                self._bind(pv, claim)
            else:
                self._claim_status(claim, "Pending", None)
                self.requeue_after(key, RESYNC)
            return
        delay = is_delay_binding(claim, self._class)
        pv = find_best_match(claim, self.store.scan("PersistentVolume"), delay_binding=delay)
        if pv is not None:
            self._bind(pv, claim)
            return
        if self._assign_default_class(claim):
            return
        annotations = claim["metadata"].get("annotations") or {}
        if delay and ANN_SELECTED_NODE not in annotations:
            self._event_unbound_delay_claim(claim)
        elif claim_class(claim):
            self._provision(claim)
        else:
            self.recorder.event(claim, "Normal", "FailedBinding",
                                "no persistent volumes available for this claim and no storage class is set", COMPONENT)
        self._claim_status(self.store.peek(*key) or claim, "Pending", None)
        self.requeue_after(key, RESYNC)

    def _assign_default_class(self, claim: Obj) -> bool:
        """assignDefaultStorageClass (RetroactiveDefaultStorageClass, GA): a claim with no class at all
        (not the explicit "") gets the default class once there is one."""
        spec = claim.get("spec") or {}
        if "storageClassName" in spec or ANN_BETA_CLASS in (claim["metadata"].get("annotations") or {}):
            return False
        sc = default_class(self.store.scan("StorageClass"))
        if sc is None:
            return False
        new = deep_copy(claim)
        new["spec"]["storageClassName"] = sc["metadata"]["name"]
        self.store.update(new)
        return True

    def _event_unbound_delay_claim(self, claim: Obj) -> None:
        """emitEventForUnboundDelayBindingClaim."""
        ns = claim["metadata"]["namespace"]
        waiting = [p for p in self.users(ns, claim["metadata"]["name"])
                   if not ((self.store.peek("Pod", ns, p) or {}).get("spec") or {}).get("nodeName")]
        if not waiting:
            self.recorder.event(claim, "Normal", "WaitForFirstConsumer",
                                "waiting for first consumer to be created before binding", COMPONENT)
        elif len(waiting) == 1:
            self.recorder.event(claim, "Normal", "WaitForPodScheduled",
                                f"waiting for pod {waiting[0]} to be scheduled", COMPONENT)
        else:
            self.recorder.event(claim, "Normal", "WaitForPodScheduled",
                                f"waiting for pods {','.join(waiting)} to be scheduled", COMPONENT)

    def _provision(self, claim: Obj) -> None:
        """provisionClaimOperation for a class's provisioner: only external provisioners are served."""
        name = claim_class(claim)
        sc = self._class(name)
        if sc is None:
            self.recorder.event(claim, "Warning", "ProvisioningFailed",
                                f'storageclass.storage.k8s.io "{name}" not found', COMPONENT)
            return
        provisioner = sc.get("provisioner") or ""
        if provisioner.startswith("kubernetes.io/"):
            # no in-tree provisioner is compiled in for these (no-provisioner included)
            self.recorder.event(claim, "Warning", "ProvisioningFailed",
                                f"no volume plugin matched name: {provisioner}", COMPONENT)
            return
        annotations = claim["metadata"].get("annotations") or {}
        if annotations.get(ANN_STORAGE_PROVISIONER) != provisioner \
                or annotations.get(ANN_BETA_STORAGE_PROVISIONER) != provisioner:
            new = deep_copy(claim)
            ann = new["metadata"].setdefault("annotations", {})
            ann[ANN_BETA_STORAGE_PROVISIONER] = provisioner
            ann[ANN_STORAGE_PROVISIONER] = provisioner
            claim = self.store.update(new)
        uid, now = claim["metadata"]["uid"], self.clock.now()
        if self._announced.get(uid) == now:
            return
        self._announced[uid] = now
        self.recorder.event(claim, "Normal", "ExternalProvisioning",
                            f"Waiting for a volume to be created either by the external provisioner '{provisioner}' "
                            "or manually by the system administrator. If volume creation is delayed, please verify "
                            "that the provisioner is running and correctly registered.", COMPONENT)

    def _sync_bound_claim(self, claim: Obj) -> None:
        volume_name = (claim.get("spec") or {}).get("volumeName")
        if not volume_name:
            self._claim_lost(claim, "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the "
                                                 "volume is lost!")
            return
        pv = self.store.peek("PersistentVolume", "", volume_name)
        if pv is None:
            self._claim_lost(claim, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!")
            return
        ref = (pv.get("spec") or {}).get("claimRef")
        if not ref or ref.get("uid") == claim["metadata"].get("uid"):
            self._bind(pv, claim)
        else:
            self._claim_lost(claim, "ClaimMisbound", "Two claims are bound to the same volume, this one is bound "
                                                     "incorrectly")

    def _claim_lost(self, claim: Obj, reason: str, message: str) -> None:
        if (claim.get("status") or {}).get("phase") != "Lost":
            self.recorder.event(claim, "Warning", reason, message, COMPONENT)
        self._claim_status(claim, "Lost", None)

    # -- bind ---------------------------------------------------------------------------------------------
    def _bind(self, pv: Obj, claim: Obj) -> None:
        """bind: the volume to the claim, the claim to the volume, then both statuses."""
        pv = self._bind_volume_to_claim(pv, claim)
        pv = self._volume_phase(pv, "Bound")
        claim = self._bind_claim_to_volume(claim, pv)
        self._claim_status(claim, "Bound", pv)

    def _bind_volume_to_claim(self, pv: Obj, claim: Obj) -> Obj:
        meta = claim["metadata"]
        ref = {"kind": "PersistentVolumeClaim", "namespace": meta["namespace"], "name": meta["name"],
               "uid": meta["uid"], "apiVersion": "v1", "resourceVersion": meta.get("resourceVersion", "")}
        old = (pv.get("spec") or {}).get("claimRef") or {}
        if all(old.get(k) == ref[k] for k in ("namespace", "name", "uid")):
            return pv
        new = deep_copy(pv)
        if not is_bound_to_claim(pv, claim):
            new["metadata"].setdefault("annotations", {})[ANN_BOUND_BY_CONTROLLER] = "yes"
        new["spec"]["claimRef"] = ref
        return self.store.update(new)

    def _bind_claim_to_volume(self, claim: Obj, pv: Obj) -> Obj:
        annotations = claim["metadata"].get("annotations") or {}
        spec = claim.get("spec") or {}
        if spec.get("volumeName") == pv["metadata"]["name"] and annotations.get(ANN_BIND_COMPLETED) == "yes":
            return claim
        new = deep_copy(claim)
        ann = new["metadata"].setdefault("annotations", {})
        if spec.get("volumeName") != pv["metadata"]["name"]:
            ann[ANN_BOUND_BY_CONTROLLER] = "yes"  # the user did not pre-bind it
            new["spec"]["volumeName"] = pv["metadata"]["name"]
        ann[ANN_BIND_COMPLETED] = "yes"
        return self.store.update(new)

    def _claim_status(self, claim: Obj, phase: str, pv: Obj | None) -> Obj:
        """updateClaimStatus: the phase, and the volume's access modes and capacity (cleared without one)."""
        claim = self.store.peek("PersistentVolumeClaim", claim["metadata"]["namespace"], claim["metadata"]["name"]) \
            or claim
        old = claim.get("status") or {}
        status = {k: v for k, v in old.items() if k not in ("phase", "accessModes", "capacity")}
        status["phase"] = phase
        if pv is not None:
            pv_spec = pv.get("spec") or {}
            if pv_spec.get("accessModes"):
                status["accessModes"] = list(pv_spec["accessModes"])
            if pv_spec.get("capacity"):
                status["capacity"] = dict(pv_spec["capacity"])
        if status == old:
            return claim
        new = deep_copy(claim)
        new["status"] = status
        return self.api.update_status(new)

    def _volume_phase(self, pv: Obj, phase: str, message: str = "") -> Obj:
        """updateVolumePhase (with the apiserver's lastPhaseTransitionTime on a change of phase)."""
        pv = self.store.peek("PersistentVolume", "", pv["metadata"]["name"]) or pv
        old = pv.get("status") or {}
        if old.get("phase") == phase and (old.get("message") or "") == message:
            return pv
        new = deep_copy(pv)
        status = new.setdefault("status", {})
        if old.get("phase") != phase:
            status["lastPhaseTransitionTime"] = self.clock.iso()
        status["phase"] = phase
        if message:
            status["message"] = message
        else:
            status.pop("message", None)
        return self.api.update_status(new)

    # -- volumes ------------------------------------------------------------------------------------------
    def _sync_volume(self, pv: Obj) -> None:
        self._sync_volume_phase(pv)
        if pv["metadata"].get("deletionTimestamp"):
            # the pv-protection controller: a volume being deleted goes once it is not Bound
            self._release_volume_protection(self.store.peek("PersistentVolume", "", pv["metadata"]["name"]) or pv)

    def _sync_volume_phase(self, pv: Obj) -> None:
        ref = (pv.get("spec") or {}).get("claimRef")
        if not isinstance(ref, dict) or not ref.get("uid"):
            self._volume_phase(pv, "Available")  # unused, or pre-bound to a claim not yet bound
            return
        claim = self.store.peek("PersistentVolumeClaim", ref.get("namespace") or "", ref.get("name") or "")
        if claim is not None and claim["metadata"].get("uid") != ref.get("uid"):
            claim = None  # deleted, and another one created under the same name
        if claim is None:
            phase = (pv.get("status") or {}).get("phase")
            if phase not in ("Released", "Failed"):
                pv = self._volume_phase(pv, "Released")
            self._reclaim(pv)
            return
        volume_name = (claim.get("spec") or {}).get("volumeName")
        if not volume_name:
            self.enqueue(("PersistentVolumeClaim", claim["metadata"]["namespace"], claim["metadata"]["name"]))
        elif volume_name == pv["metadata"]["name"]:
            self._volume_phase(pv, "Bound")
        elif ANN_DYNAMICALLY_PROVISIONED in (pv["metadata"].get("annotations") or {}) \
                and pv["spec"].get("persistentVolumeReclaimPolicy") == "Delete":
            if (pv.get("status") or {}).get("phase") not in ("Released", "Failed"):
                pv = self._volume_phase(pv, "Released")
            self._reclaim(pv)
        else:
            self._unbind_volume(pv)

    def _unbind_volume(self, pv: Obj) -> None:
        """unbindVolume: a controller's binding is undone; a user's pre-binding keeps the name, loses the uid."""
        new = deep_copy(pv)
        ann = new["metadata"].get("annotations") or {}
        if ANN_BOUND_BY_CONTROLLER in ann:
            new["spec"].pop("claimRef", None)
            ann.pop(ANN_BOUND_BY_CONTROLLER)
        else:
            new["spec"]["claimRef"].pop("uid", None)
        self._volume_phase(self.store.update(new), "Available")

    def _reclaim(self, pv: Obj) -> None:
        """reclaimVolume: Retain keeps the volume Released; Delete deletes it (an external
        provisioner's volume is left to that provisioner)."""
        policy = (pv.get("spec") or {}).get("persistentVolumeReclaimPolicy") or "Retain"
        annotations = pv["metadata"].get("annotations") or {}
        if policy != "Delete" or (pv.get("status") or {}).get("phase") == "Failed":
            return
        provisioner = annotations.get(ANN_DYNAMICALLY_PROVISIONED)
        if provisioner and not provisioner.startswith("kubernetes.io/"):
            return  # the external provisioner deletes it
        host_path = (pv.get("spec") or {}).get("hostPath")
        if isinstance(host_path, dict):
            path = host_path.get("path") or ""
            if not (path.startswith("/tmp/") and len(path) > len("/tmp/")):
                self._delete_failed(pv, f"host_path deleter only supports /tmp/.+ but received provided {path}")
                return
        else:
            self._delete_failed(pv, f'error getting deleter volume plugin for volume "{pv["metadata"]["name"]}": '
                                    "no deletable volume plugin matched")
            return
        try:
            self.api.delete("PersistentVolume", "", pv["metadata"]["name"])
        except ApiError:
            pass

    def _delete_failed(self, pv: Obj, message: str) -> None:
        self.recorder.event(pv, "Warning", "VolumeFailedDelete", message, COMPONENT)
        self._volume_phase(pv, "Failed", message)

    # -- protection (pkg/controller/volume/pvcprotection, pvprotection) -------------------------------------
    def _release_claim_protection(self, claim: Obj) -> None:
        meta = claim["metadata"]
        if PVC_PROTECTION not in (meta.get("finalizers") or []):
            return
        # podUsesPVC: only a scheduled pod holds the claim (the kubelet will not start a pod whose claim
        # is being deleted, so an unscheduled one never will)
        for name in self.users(meta["namespace"], meta["name"]):
            pod = self.store.peek("Pod", meta["namespace"], name)
            if pod is not None and (pod.get("spec") or {}).get("nodeName"):
                return
        self._drop_finalizer(claim, PVC_PROTECTION)

    def _release_volume_protection(self, pv: Obj) -> None:
        if PV_PROTECTION not in (pv["metadata"].get("finalizers") or []):
            return
        if (pv.get("status") or {}).get("phase") == "Bound":
            return
        self._drop_finalizer(pv, PV_PROTECTION)

    def _drop_finalizer(self, obj: Obj, finalizer: str) -> None:
        new = deep_copy(obj)
        rest = [f for f in new["metadata"].get("finalizers") or [] if f != finalizer]
        if rest:
            new["metadata"]["finalizers"] = rest
        else:
            new["metadata"].pop("finalizers", None)
        self.store.update(new)
