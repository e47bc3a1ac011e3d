"""The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount/admission.go): the pod's
service account must exist, and its token volume.

Owns: the refusal of a new pod whose ServiceAccount is missing (``pods "x" is forbidden: error looking
up service account default/missing: serviceaccount "missing" not found``, 403). The ``default``
account is the exception: the real plugin retries it for ~1 s because the ServiceAccount controller
creates it right after its namespace, and kubeplay's namespace controller creates it within the same
settle (an empty test cluster has none and its pods are still admitted). Then, unless ``automountServiceAccountToken`` is false (the pod's, else its ServiceAccount's), a new
pod gets the projected volume ``kube-api-access-<5 chars>`` (``TokenVolumeSource``: a bound token
``expirationSeconds: 3607``, the ``kube-root-ca.crt`` ConfigMap's ``ca.crt`` and the namespace from
the downward API, ``defaultMode: 420``) unless it already has a ``kube-api-access-`` volume, and
every init container and container a read-only mount of it at
``/var/run/secrets/kubernetes.io/serviceaccount`` unless it already mounts that path. Mirror pods
(``kubernetes.io/config.mirror``) are left alone, as the plugin does.

The suffix is in the apiserver's ``generateName`` alphabet (utilrand "bcdfghjklmnpqrstvwxz2456789"),
derived from the pod's namespace, (generate)name and the store's revision, so it draws nothing from the
seeded RNG and every object keeps the name and uid it would have had. (Not from the uid: ``Store.create``
draws a generated name before the uid, and admission errors name the pod by its generateName, as the
apiserver's do, so neither can be drawn earlier.)

Hands off: ``serviceAccountName`` defaulting is ``admission.on_create``'s; laying the volume out in
the container's filesystem is ``volumes.py``'s.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..golang import quote as go_quote
from .errors import forbidden

ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
VOLUME_PREFIX = "kube-api-access-"
MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
MIRROR = "kubernetes.io/config.mirror"


def token_volume_source() -> dict:
    """TokenVolumeSource, as the apiserver stores it."""
    return {"projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace",
                                    "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}}


def suffix(seed: str, attempt: int = 0) -> str:
    """Five characters of the alphabet from ``seed`` (another five per attempt, for a taken name)."""
    n = int.from_bytes(hashlib.sha256(f"{seed}/{attempt}".encode()).digest()[:8], "big")
    out = []
    for _ in range(5):
        n, i = divmod(n, len(ALPHABET))
        out.append(ALPHABET[i])
    return "".join(out)


def should_automount(pod_spec: dict, sa: dict | None) -> bool:
    if isinstance(pod_spec.get("automountServiceAccountToken"), bool):
        return pod_spec["automountServiceAccountToken"]
    if sa is not None and isinstance(sa.get("automountServiceAccountToken"), bool):
        return sa["automountServiceAccountToken"]
    return True


def _seed(obj: dict, api: Any) -> str:
    """What the suffix is derived from: the pod's namespace and (generate)name and the store's revision,
    the write this create will be; the name and uid are not known yet (``Store.create`` draws them)."""
    meta = obj["metadata"]
    return f"{meta.get('namespace') or ''}/{meta.get('name') or meta.get('generateName') or ''}/{api.store.rv}"


def admit(operation: str, obj: dict, old: dict | None, api: Any) -> None:
    if operation != "CREATE" or obj.get("kind") != "Pod" or api is None:
        return
    spec, meta = obj.get("spec"), obj.get("metadata")
    if not isinstance(spec, dict) or not isinstance(meta, dict) or MIRROR in (meta.get("annotations") or {}):
        return
    namespace, account = meta.get("namespace") or "", spec.get("serviceAccountName") or "default"
    sa = api.store.peek("ServiceAccount", namespace, account)
    if sa is None and account != "default":
        # getServiceAccount's NotFound (apierrors.NewNotFound(api.Resource("serviceaccount"), name)),
        # wrapped by Admit; a workload controller's FailedCreate event quotes it after "Error creating: "
        raise forbidden(obj, f"error looking up service account {namespace}/{account}: "
                             f"serviceaccount {go_quote(account)} not found")
    if not should_automount(spec, sa):
        return
    volumes = spec.setdefault("volumes", [])
    if not isinstance(volumes, list):
        return
    names = {v.get("name") for v in volumes if isinstance(v, dict)}
    existing = next((v["name"] for v in volumes if isinstance(v, dict) and isinstance(v.get("name"), str)
                     and v["name"].startswith(VOLUME_PREFIX)), None)
    name = existing
    if name is None:
        seed = _seed(obj, api)
        attempt = 0
        name = VOLUME_PREFIX + suffix(seed)
        while name in names and attempt < 5:
            attempt += 1
            name = VOLUME_PREFIX + suffix(seed, attempt)
    for key in ("initContainers", "containers"):
        for c in spec.get(key) or []:
            if not isinstance(c, dict):
                continue
            mounts = c.setdefault("volumeMounts", [])
            if isinstance(mounts, list) and not any(isinstance(m, dict) and m.get("mountPath") == MOUNT_PATH
                                                    for m in mounts):
                mounts.append({"name": name, "readOnly": True, "mountPath": MOUNT_PATH})
    if existing is None:
        volumes.append({"name": name, **token_volume_source()})
