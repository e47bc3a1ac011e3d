"""The PersistentVolumeClaimResize admission plugin (plugin/pkg/admission/storage/persistentvolume/resize):
a claim's storage request may grow only when it is bound and its class allows volume expansion
(``allowVolumeExpansion: true``); otherwise the update is Forbidden in the plugin's words —
``persistentvolumeclaims "www-web-0" is forbidden: only dynamically provisioned pvc can be resized and
the storageclass that provisions the pvc must support resize``. A smaller or equal request is not
its business (validation refuses a smaller one).

A validating plugin, run after the update's field validation (an unbound claim's request change is
refused there first, as "spec is immutable").
"""

from __future__ import annotations

from typing import Any

from ..controllers.persistentvolume import claim_class, claim_request
from .errors import forbidden


def admit(operation: str, obj: dict, old: dict | None, api: Any) -> None:
    if operation != "UPDATE" or obj.get("kind") != "PersistentVolumeClaim" or old is None:
        return
    if claim_request(obj).cmp(claim_request(old)) <= 0:
        return
    if (old.get("status") or {}).get("phase") != "Bound":
        raise forbidden(obj, "Only bound persistent volume claims can be expanded")
    name = claim_class(obj)
    sc = api.store.peek("StorageClass", "", name) if name else None
    if sc is None or sc.get("allowVolumeExpansion") is not True:
        raise forbidden(obj, "only dynamically provisioned pvc can be resized and the storageclass that "
                             "provisions the pvc must support resize")
