"""Field validation of the storage kinds (PersistentVolume, PersistentVolumeClaim, StorageClass), in the apiserver's words
(pkg/apis/core/validation ValidatePersistentVolume/Claim(+Update), pkg/apis/storage/validation
ValidateStorageClass(+Update), v1.32). Each validator is ``fn(errs, obj, resource)``, as in admission.py.

Fields the defaulter fills (reclaim policy, volume mode, binding mode) are checked when present:
validation runs on defaulted objects in the apiserver, so an absent one is the default.
"""

from __future__ import annotations

from typing import Any

ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
VOLUME_MODES = ["Block", "Filesystem"]
PV_RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"]
CLASS_RECLAIM_POLICIES = ["Delete", "Retain"]
BINDING_MODES = ["Immediate", "WaitForFirstConsumer"]
HOST_PATH_TYPES = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"]
#: the PersistentVolumeSource fields: exactly one per volume
VOLUME_SOURCES = ("gcePersistentDisk", "awsElasticBlockStore", "hostPath", "glusterfs", "nfs", "rbd", "quobyte",
                  "cinder", "cephfs", "flocker", "iscsi", "fc", "azureFile", "vsphereVolume", "flexVolume",
                  "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos", "csi", "local")


def _dict(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def _positive(errs: Any, path: str, value: Any) -> None:
    """ValidatePositiveQuantityValue (the value printed as Quantity.String())."""
    from ..quantity import Quantity

    try:
        quantity = Quantity.of(value)
    except ValueError:
        return  # the decoder refused it already
    if quantity.sign() <= 0:
        errs.invalid(path, str(quantity), "must be greater than zero")


def _access_modes(errs: Any, path: str, modes: Any, required_detail: str) -> None:
    if not isinstance(modes, list) or not modes:
        errs.required(path, required_detail)
        return
    for mode in modes:
        if mode not in ACCESS_MODES:
            errs.unsupported(path, mode, ACCESS_MODES)
    if "ReadWriteOncePod" in modes and len(modes) > 1:
        errs.forbidden(path, "may not use ReadWriteOncePod with other access modes")


def _class_name(errs: Any, path: str, name: Any) -> None:
    """ValidateClassName: a DNS-1123 subdomain, when set."""
    from ..admission import _check_name

    if isinstance(name, str) and name:
        _check_name(errs, path, name, "subdomain")


def _volume_mode(errs: Any, path: str, mode: Any) -> None:
    if mode is not None and mode not in VOLUME_MODES:
        errs.unsupported(path, mode, VOLUME_MODES)


def validate_pv(errs: Any, obj: dict, r: Any) -> None:
    from ..admission import _check_meta

    _check_meta(errs, obj, r, "subdomain")
    spec = _dict(obj.get("spec"))
    _access_modes(errs, "spec.accessModes", spec.get("accessModes"), "")
    capacity = spec.get("capacity")
    if not isinstance(capacity, dict) or not capacity:
        errs.required("spec.capacity", "")
    else:
        if "storage" not in capacity or len(capacity) > 1:
            for name in sorted(capacity):
                if name != "storage":
                    errs.unsupported("spec.capacity", name, ["storage"])
        for name, value in capacity.items():
            _positive(errs, f"spec.capacity[{name}]", value)
    policy = spec.get("persistentVolumeReclaimPolicy")
    if policy and policy not in PV_RECLAIM_POLICIES:
        errs.unsupported("spec.persistentVolumeReclaimPolicy", policy, PV_RECLAIM_POLICIES)
    _class_name(errs, "spec.storageClassName", spec.get("storageClassName"))
    _volume_mode(errs, "spec.volumeMode", spec.get("volumeMode"))
    sources = [s for s in VOLUME_SOURCES if spec.get(s) is not None]
    if not sources:
        errs.required("spec", "must specify a volume type")
    for extra in sources[1:]:
        errs.forbidden(f"spec.{extra}", "may not specify more than 1 volume type")
    host_path = spec.get("hostPath")
    if isinstance(host_path, dict):
        path = host_path.get("path")
        if not path:
            errs.required("spec.hostPath.path", "")
        elif ".." in str(path).split("/"):
            errs.invalid("spec.hostPath.path", path, "must not contain '..'")
        kind = host_path.get("type")
        if kind is not None and kind not in HOST_PATH_TYPES:
            errs.unsupported("spec.hostPath.type", kind, HOST_PATH_TYPES)
    local = spec.get("local")
    if isinstance(local, dict):
        if not local.get("path"):
            errs.required("spec.local.path", "")
        if not _dict(spec.get("nodeAffinity")).get("required"):
            errs.required("spec.nodeAffinity", "Local volume requires node affinity")


def validate_pvc(errs: Any, obj: dict, r: Any) -> None:
    from ..admission import _check_meta

    _check_meta(errs, obj, r, "subdomain")
    spec = _dict(obj.get("spec"))
    _access_modes(errs, "spec.accessModes", spec.get("accessModes"), "at least 1 access mode is required")
    _class_name(errs, "spec.storageClassName", spec.get("storageClassName"))
    requests = _dict(_dict(spec.get("resources")).get("requests"))
    if "storage" not in requests:
        errs.required("spec.resources[storage]", "")
    else:
        _positive(errs, "spec.resources.requests[storage]", requests["storage"])
    _volume_mode(errs, "spec.volumeMode", spec.get("volumeMode"))


def validate_storage_class(errs: Any, obj: dict, r: Any) -> None:
    from ..admission import _check_meta, _check_qualified_name

    _check_meta(errs, obj, r, "subdomain")
    provisioner = obj.get("provisioner")
    if not provisioner:
        errs.required("provisioner", "")
    elif isinstance(provisioner, str):
        _check_qualified_name(errs, "provisioner", provisioner.lower())
    policy = obj.get("reclaimPolicy")
    if policy is not None and policy not in CLASS_RECLAIM_POLICIES:
        errs.unsupported("reclaimPolicy", policy, CLASS_RECLAIM_POLICIES)
    mode = obj.get("volumeBindingMode")
    if mode is not None and mode not in BINDING_MODES:
        errs.unsupported("volumeBindingMode", mode, BINDING_MODES)


def _defaulted(obj: dict) -> dict:
    """A copy with the storage defaults (an update is validated after defaulting, as in the apiserver)."""
    from ..plugins.default_storage_class import defaults
    from ..store import deep_copy

    out = deep_copy(obj)
    defaults(out)
    return out


def _diff(old: Any, new: Any, path: str) -> str:
    from ..admission import _diff_lines

    return "\n".join(_diff_lines(old, new, path))


def update_pvc(errs: Any, old: dict, new: dict, r: Any) -> None:
    """ValidatePersistentVolumeClaimUpdate: the spec is immutable but for the volume name (set
    once), a class set where there was none (the retroactive default), and, for a bound claim, its
    storage request (never down to its status capacity; growing it is PersistentVolumeClaimResize's
    to allow)."""
    old, new = _defaulted(old), _defaulted(new)
    old_spec, new_spec = dict(_dict(old.get("spec"))), dict(_dict(new.get("spec")))
    if not old_spec.get("volumeName"):
        old_spec["volumeName"] = new_spec.get("volumeName")
    if old_spec.get("storageClassName") is None and new_spec.get("storageClassName") is not None:
        old_spec["storageClassName"] = new_spec["storageClassName"]
    for spec in (old_spec, new_spec):
        for k in [k for k, v in spec.items() if v is None]:
            del spec[k]
    old_req = _dict(_dict(old_spec.get("resources")).get("requests")).get("storage")
    new_req = _dict(_dict(new_spec.get("resources")).get("requests")).get("storage")
    if _dict(new.get("status")).get("phase") == "Bound" and new_req is not None:
        new_spec["resources"] = {**_dict(new_spec.get("resources")),
                                 "requests": {**_dict(_dict(new_spec.get("resources")).get("requests")),
                                              "storage": old_req}}
    if old_spec != new_spec:
        errs.forbidden("spec", "spec is immutable after creation except resources.requests and "
                               f"volumeAttributesClassName for bound claims\n{_diff(old_spec, new_spec, 'spec')}")
    from ..quantity import Quantity

    try:
        old_q, new_q = Quantity.of(old_req), Quantity.of(new_req)
        status_q = Quantity.of(_dict(_dict(old.get("status")).get("capacity")).get("storage") or "0")
    except ValueError:
        return
    # RecoverVolumeExpansionFailure (beta, on in v1.32): a request may go back down, but not to the
    # capacity the claim already has
    if new_q.cmp(old_q) < 0 and new_q.cmp(status_q) <= 0:
        errs.forbidden("spec.resources.requests.storage", "field can not be less than status.capacity")


def update_pv(errs: Any, old: dict, new: dict, r: Any) -> None:
    """ValidatePersistentVolumeUpdate: the volume source and volumeMode are immutable."""
    old, new = _defaulted(old), _defaulted(new)
    old_spec, new_spec = _dict(old.get("spec")), _dict(new.get("spec"))
    old_src = {k: old_spec[k] for k in VOLUME_SOURCES if k in old_spec}
    new_src = {k: new_spec[k] for k in VOLUME_SOURCES if k in new_spec}
    if old_src != new_src:
        errs.forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation\n"
                       + _diff(old_src, new_src, "spec"))
    if (old_spec.get("volumeMode") or "Filesystem") != (new_spec.get("volumeMode") or "Filesystem"):
        errs.invalid("volumeMode", new_spec.get("volumeMode"), "field is immutable")


def update_storage_class(errs: Any, old: dict, new: dict, r: Any) -> None:
    """ValidateStorageClassUpdate."""
    old, new = _defaulted(old), _defaulted(new)
    if (old.get("parameters") or {}) != (new.get("parameters") or {}):
        errs.forbidden("parameters", "updates to parameters are forbidden.")
    if old.get("provisioner") != new.get("provisioner"):
        errs.forbidden("provisioner", "updates to provisioner are forbidden.")
    if (old.get("reclaimPolicy") or "Delete") != (new.get("reclaimPolicy") or "Delete"):
        errs.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden.")
    if (old.get("volumeBindingMode") or "Immediate") != (new.get("volumeBindingMode") or "Immediate"):
        errs.invalid("volumeBindingMode", new.get("volumeBindingMode"), "field is immutable")


#: kind -> validator(errs: admission.Errors, obj, resource)
VALIDATORS: dict[str, Any] = {
    "PersistentVolume": validate_pv,
    "PersistentVolumeClaim": validate_pvc,
    "StorageClass": validate_storage_class,
}
#: kind -> update rule(errs: admission.Errors, old, new, resource)
UPDATE_VALIDATORS: dict[str, Any] = {
    "PersistentVolume": update_pv,
    "PersistentVolumeClaim": update_pvc,
    "StorageClass": update_storage_class,
}
