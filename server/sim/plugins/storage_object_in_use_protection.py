"""The StorageObjectInUseProtection admission plugin
(plugin/pkg/admission/storage/storageobjectinuseprotection): every new PersistentVolumeClaim gets the
``kubernetes.io/pvc-protection`` finalizer and every new PersistentVolume ``kubernetes.io/pv-protection``
(once, not twice when the object already lists it), so that a claim a pod still uses, or a volume a
claim is still bound to, is only marked for deletion: the PVC-protection and PV-protection controllers
(``controllers/persistentvolume.py``) drop the finalizer once nothing uses the object.

A mutating plugin on CREATE only, run right after DefaultStorageClass in kube-apiserver's order.
"""

from __future__ import annotations

from typing import Any

from ..controllers.persistentvolume import PV_PROTECTION, PVC_PROTECTION

FINALIZERS = {"PersistentVolumeClaim": PVC_PROTECTION, "PersistentVolume": PV_PROTECTION}


def admit(operation: str, obj: dict, old: dict | None, api: Any) -> None:
    finalizer = FINALIZERS.get(obj.get("kind", ""))
    if operation != "CREATE" or finalizer is None:
        return
    finalizers = obj.setdefault("metadata", {}).setdefault("finalizers", [])
    if isinstance(finalizers, list) and finalizer not in finalizers:
        finalizers.append(finalizer)
