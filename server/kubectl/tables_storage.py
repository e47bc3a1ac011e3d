"""The table columns and rows of the storage kinds (PersistentVolume, PersistentVolumeClaim, StorageClass), as the
apiserver's printers (pkg/printers/internalversion/printers.go v1.32: printPersistentVolume,
printPersistentVolumeClaim, printStorageClass) build them; merged into ``printers.TABLES``.

Pure functions of (object, now); the storage class a PV or claim belongs to is read as
``storagehelpers.GetPersistentVolume(Claim)Class`` reads it: the beta annotation first, then
``spec.storageClassName``.
"""

from __future__ import annotations

from typing import Any

from ..sim.controllers.persistentvolume import claim_class, is_default_class, volume_class
from ..sim.quantity import Quantity
from .printers import Column, since

Obj = dict[str, Any]

#: helper.GetAccessModesAsString: this order, each mode once
_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP"))


def access_modes_string(modes: list | None) -> str:
    have = set(modes or [])
    return ",".join(short for mode, short in _MODES if mode in have)


def _storage(resources: Any) -> str:
    """``list[storage].String()``: a missing quantity is the zero Quantity, ``0``."""
    value = (resources or {}).get("storage") if isinstance(resources, dict) else None
    if value is None:
        return "0"
    try:
        return str(Quantity.of(value))
    except ValueError:
        return str(value)


def _age(obj: Obj, now: float) -> str:
    return since(obj["metadata"].get("creationTimestamp"), now)


def _pv_row(pv: Obj, now: float) -> list[Any]:
    spec, st = pv.get("spec") or {}, pv.get("status") or {}
    ref = spec.get("claimRef")
    claim = f"{ref.get('namespace') or ''}/{ref.get('name') or ''}" if isinstance(ref, dict) else ""
    phase = "Terminating" if pv["metadata"].get("deletionTimestamp") else st.get("phase") or ""
    return [pv["metadata"]["name"], _storage(spec.get("capacity")), access_modes_string(spec.get("accessModes")),
            spec.get("persistentVolumeReclaimPolicy") or "", phase, claim, volume_class(pv),
            spec.get("volumeAttributesClassName") or "<unset>", st.get("reason") or "", _age(pv, now),
            spec.get("volumeMode") or "<unset>"]


def _pvc_row(pvc: Obj, now: float) -> list[Any]:
    spec, st = pvc.get("spec") or {}, pvc.get("status") or {}
    phase = "Terminating" if pvc["metadata"].get("deletionTimestamp") else st.get("phase") or ""
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes_string(st.get("accessModes"))
        capacity = _storage(st.get("capacity"))
    return [pvc["metadata"]["name"], phase, spec.get("volumeName") or "", capacity, modes, claim_class(pvc),
            spec.get("volumeAttributesClassName") or "<unset>", _age(pvc, now), spec.get("volumeMode") or "<unset>"]


def _sc_row(sc: Obj, now: float) -> list[Any]:
    name = sc["metadata"]["name"] + (" (default)" if is_default_class(sc) else "")
    return [name, sc.get("provisioner") or "", sc.get("reclaimPolicy") or "Delete",
            sc.get("volumeBindingMode") or "Immediate", bool(sc.get("allowVolumeExpansion")), _age(sc, now)]


_NAME, _AGE = Column("Name", format="name"), Column("Age")
_MODE = Column("VolumeMode", priority=1)

#: kind -> (columns, row function), as printers.TABLES
TABLES: dict[str, Any] = {
    "PersistentVolume": ((_NAME, Column("Capacity"), Column("Access Modes"), Column("Reclaim Policy"),
                          Column("Status"), Column("Claim"), Column("StorageClass"), Column("VolumeAttributesClass"),
                          Column("Reason"), _AGE, _MODE), _pv_row),
    "PersistentVolumeClaim": ((_NAME, Column("Status"), Column("Volume"), Column("Capacity"), Column("Access Modes"),
                               Column("StorageClass"), Column("VolumeAttributesClass"), _AGE, _MODE), _pvc_row),
    "StorageClass": ((_NAME, Column("Provisioner"), Column("ReclaimPolicy"), Column("VolumeBindingMode"),
                      Column("AllowVolumeExpansion"), _AGE), _sc_row),
}
