"""The DefaultStorageClass admission plugin (plugin/pkg/admission/storage/storageclass/setdefault):
a claim created with no ``storageClassName`` at all (not the explicit ``""``, which asks for no
class) and no beta class annotation gets the default class — the newest one marked
``storageclass.kubernetes.io/is-default-class: "true"`` — when there is one; with none it is left
alone (the PV controller assigns one retroactively once a default class appears).

Also the storage strategies' initial status: ``status.phase: Pending`` (+ ``lastPhaseTransitionTime``
for a volume). The kinds' SetDefaults (``persistentVolumeReclaimPolicy: Retain``, ``volumeMode:
Filesystem``, a class's ``reclaimPolicy: Delete`` and ``volumeBindingMode: Immediate``) are
``defaults.py``'s; ``defaults()`` here applies them for the storage validators.
The protection finalizers are StorageObjectInUseProtection's (``storage_object_in_use_protection.py``),
the resize checks PersistentVolumeClaimResize's (``persistentvolumeclaim_resize.py``).
"""

from __future__ import annotations

from typing import Any

from ..controllers.persistentvolume import ANN_BETA_CLASS, default_class


def admit(operation: str, obj: dict, old: dict | None, api: Any) -> None:
    kind = obj.get("kind")
    if kind not in ("PersistentVolumeClaim", "PersistentVolume", "StorageClass"):
        return
    if operation != "CREATE":
        return
    meta = obj.setdefault("metadata", {})
    if kind == "PersistentVolumeClaim":
        spec = obj.get("spec")
        if isinstance(spec, dict) and "storageClassName" not in spec \
                and ANN_BETA_CLASS not in (meta.get("annotations") or {}):
            sc = default_class(api.store.scan("StorageClass"))
            if sc is not None:
                spec["storageClassName"] = sc["metadata"]["name"]
        obj["status"] = {"phase": "Pending"}
    elif kind == "PersistentVolume":
        obj["status"] = {"phase": "Pending", "lastPhaseTransitionTime": api.clock.iso()}


def defaults(obj: dict) -> None:
    """The v1.32 defaults of PersistentVolume, PersistentVolumeClaim and StorageClass, in place: the
    one implementation is ``defaults.py``'s (``api._prepare`` applies it before admission); this name
    is kept for the storage validators, which default a copy of an update's old object."""
    from .. import defaults as defaulting

    if obj.get("kind") in ("PersistentVolume", "PersistentVolumeClaim", "StorageClass"):
        defaulting.apply(obj)
