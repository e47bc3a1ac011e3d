"""The TokenRequest API (``serviceaccounts/<name>/token``): service account tokens as a kubeadm
cluster's apiserver issues them.

Owns: checking a TokenRequest as the apiserver's token REST storage does (the service account
must exist; ``expirationSeconds`` defaults to 3600 and must lie between 10 minutes and 2^32 s; a
bound Pod or Secret must exist and match the given uid) and answering it with a JWT-shaped token:
an RS256 header with a key id, the claims a v1.32 apiserver writes (``aud``, ``exp``, ``iat``,
``iss``, ``jti``, ``kubernetes.io`` with the namespace, service account and bound pod/node/secret,
``nbf``, ``sub``) as sorted compact JSON, and a signature-sized random tail. Times come from the
virtual clock and randomness from the cluster's seeded RNG, so a sandbox replays the same tokens.
Nothing verifies these tokens: the sandbox authenticates no one.

Hands off: storage lookups to ``cluster.store``; printing to kubectl (``kubectl create token``)
and the HTTP layer (``server/apiserver.py``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import uuid
from typing import TYPE_CHECKING

from .api import ApiError
from .store import Obj

if TYPE_CHECKING:
    from .cluster import Cluster

#: kubeadm's --service-account-issuer, which also makes the default --api-audiences
ISSUER = "https://kubernetes.default.svc.cluster.local"
DEFAULT_EXPIRATION = 3600
MIN_EXPIRATION = 600
MAX_EXPIRATION = 1 << 32
BOUND_KINDS = {"Pod": ("pods", "v1"), "Secret": ("secrets", "v1"), "Node": ("nodes", "v1")}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _compact(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_id(cluster: Cluster) -> str:
    """The ``kid`` of the sandbox's signing key: fixed for the cluster (derived from its kube-system
    namespace, made with the cluster)."""
    system = cluster.store.peek("Namespace", "", "kube-system")  # read only: its uid
    return _key_id_of((system or {}).get("metadata", {}).get("uid", ""))


@functools.lru_cache(maxsize=64)
def _key_id_of(system_uid: str) -> str:
    """The key id for a kube-system Namespace uid (asked once per token: every pod start)."""
    return _b64url(hashlib.sha256(f"sa-signing-key:{system_uid}".encode()).digest())


def _invalid(name: str, field: str, value: int, detail: str) -> ApiError:
    return ApiError(422, "Invalid", f'TokenRequest.authentication.k8s.io "{name}" is invalid: '
                                    f"{field}: Invalid value: {value}: {detail}",
                    details={"name": name, "group": "authentication.k8s.io", "kind": "TokenRequest",
                             "causes": [{"reason": "FieldValueInvalid", "message": f"Invalid value: {value}: {detail}",
                                         "field": field}]})


def _not_found(plural: str, name: str) -> ApiError:
    return ApiError(404, "NotFound", f'{plural} "{name}" not found', details={"name": name, "kind": plural})


def request_token(cluster: Cluster, namespace: str, name: str, request: Obj) -> Obj:
    """Answer a TokenRequest for service account ``namespace/name``: the request with its defaults and
    ``status.token``/``status.expirationTimestamp``, or an ``ApiError`` in the apiserver's words."""
    spec = dict(request.get("spec") or {})
    seconds = spec.get("expirationSeconds")
    seconds = DEFAULT_EXPIRATION if seconds is None else int(seconds)
    if seconds < MIN_EXPIRATION:
        raise _invalid(name, "spec.expirationSeconds", seconds, "may not specify a duration less than 10 minutes")
    if seconds > MAX_EXPIRATION:
        raise _invalid(name, "spec.expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds")
    account = cluster.store.get("ServiceAccount", namespace, name)
    if account is None:
        raise _not_found("serviceaccounts", name)
    claims_k8s: dict = {"namespace": namespace,
                        "serviceaccount": {"name": name, "uid": account["metadata"].get("uid", "")}}
    ref = spec.get("boundObjectRef")
    if ref:
        kind = ref.get("kind", "")
        if kind not in BOUND_KINDS:
            raise ApiError(400, "BadRequest", f"cannot bind token to object of type {kind}")
        plural = BOUND_KINDS[kind][0]
        bound = cluster.store.get(kind, "" if kind == "Node" else namespace, ref.get("name", ""))
        if bound is None:
            raise _not_found(plural, ref.get("name", ""))
        uid = bound["metadata"].get("uid", "")
        if ref.get("uid") and ref["uid"] != uid:
            raise ApiError(409, "Conflict", f'Operation cannot be fulfilled on {kind} "{ref.get("name", "")}": the '
                                            f"UID in the bound object reference ({ref['uid']}) does not match the UID "
                                            "in record. The object might have been deleted and then recreated")
        claims_k8s[kind.lower()] = {"name": bound["metadata"]["name"], "uid": uid}
        if kind == "Pod" and (bound.get("spec") or {}).get("nodeName"):
            node = cluster.store.get("Node", "", bound["spec"]["nodeName"])
            if node is not None:
                claims_k8s["node"] = {"name": node["metadata"]["name"], "uid": node["metadata"].get("uid", "")}
    audiences = spec.get("audiences") or [ISSUER]
    now = int(cluster.clock.now())
    rng = cluster.clock.rng
    claims = {"aud": list(audiences), "exp": now + seconds, "iat": now, "iss": ISSUER,
              "jti": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "kubernetes.io": claims_k8s,
              "nbf": now, "sub": f"system:serviceaccount:{namespace}:{name}"}
    header = {"alg": "RS256", "kid": key_id(cluster)}
    signature = rng.getrandbits(2048).to_bytes(256, "big")  # an RS256 signature's size; nothing checks it
    token = ".".join((_b64url(_compact(header)), _b64url(_compact(claims)), _b64url(signature)))
    spec["audiences"] = list(audiences)
    spec["expirationSeconds"] = seconds
    spec.setdefault("boundObjectRef", None)
    meta = dict(request.get("metadata") or {})
    meta.setdefault("creationTimestamp", None)
    return {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1", "metadata": meta, "spec": spec,
            "status": {"token": token, "expirationTimestamp": cluster.clock.iso(now + seconds)}}


__all__ = ["ISSUER", "key_id", "request_token"]
