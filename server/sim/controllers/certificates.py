"""The certificate controllers of kube-controller-manager v1.32 for CertificateSigningRequests.

Owns: ``csrapproving`` (pkg/controller/certificates/approver/sarapprove.go): a pending
``kubernetes.io/kube-apiserver-client-kubelet`` CSR that is a node client request (O=system:nodes,
CN=system:node:…, no SANs, the kubelet's usages) is approved — reason ``AutoApproved``, "Auto approving
self kubelet client certificate after SubjectAccessReview." when the requester is that node, else
"Auto approving kubelet client certificate after SubjectAccessReview." — when a SubjectAccessReview of
its requester for ``create certificatesigningrequests/selfnodeclient`` (``/nodeclient``) is allowed
(kubeadm binds those to ``system:nodes`` and the bootstrap-token group). kubelet-serving CSRs are never
auto-approved (kubeadm leaves serverTLSBootstrap off), nor are any others.
``csrsigning`` (pkg/controller/certificates/signer/signer.go): an approved, not denied, not failed CSR
without a certificate, for one of the four kubernetes.io signers, is checked as that signer checks it
(kube-apiserver-client: client auth required, only digital signature/key encipherment besides;
kubelet signers: ValidateKubeletClientCSR / ValidateKubeletServingCSR) — a refusal is the ``Failed``
condition (``SignerValidationFailure``, the check's message) — and otherwise signed by the lab CA
(``server.sim.certs``): ``status.certificate``. Other signers' CSRs are left alone, as on a real cluster.

Hands off: ``update_subresource`` is the ``approval``/``status`` door (kubectl certificate approve/deny,
the REST subresources, these controllers): strategy and validation from ``validation/certificates.py``.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from .. import certs
from ..api import ApiError, not_found
from ..authz import Attributes, UserInfo, authorize
from ..store import Key, Obj, deep_copy
from ..validation.certificates import (
    KUBE_APISERVER_CLIENT,
    KUBE_APISERVER_CLIENT_KUBELET,
    KUBELET_SERVING,
    LEGACY_UNKNOWN,
    subresource_errors,
)
from . import Controller

if TYPE_CHECKING:
    from ..api import Api

KIND = "CertificateSigningRequest"
_SIGNERS = (KUBE_APISERVER_CLIENT, KUBE_APISERVER_CLIENT_KUBELET, KUBELET_SERVING, LEGACY_UNKNOWN)
_KUBELET_CLIENT_USAGES = ({"client auth", "digital signature", "key encipherment"},
                          {"client auth", "digital signature"})
_KUBELET_SERVING_USAGES = ({"digital signature", "key encipherment", "server auth"},
                           {"digital signature", "server auth"})


# -- the conditions ----------------------------------------------------------------------------------------
def has_condition(csr: Obj, ctype: str) -> bool:
    return any(isinstance(c, dict) and c.get("type") == ctype and c.get("status") == "True"
               for c in (csr.get("status") or {}).get("conditions") or [])


def is_approved(csr: Obj) -> bool:
    """IsCertificateRequestApproved: Approved and not Denied."""
    return has_condition(csr, "Approved") and not has_condition(csr, "Denied")


def update_subresource(api: Api, new: Obj, subresource: str, *, dry_run: bool = False) -> Obj:
    """PUT ``certificatesigningrequests/<name>/approval`` (or ``/status``): the stored spec with the
    new conditions (and certificate, through status), validated; 422 in the apiserver's words."""
    r = api.resource(KIND)
    name = (new.get("metadata") or {}).get("name") or ""
    old = api.store.get(KIND, "", name)
    if old is None:
        raise not_found(r, name)
    rv = (new.get("metadata") or {}).get("resourceVersion")
    if rv and rv != old["metadata"]["resourceVersion"]:
        raise ApiError(409, "Conflict", f'Operation cannot be fulfilled on certificatesigningrequests.certificates.k8s.io '
                       f'"{name}": the object has been modified; please apply your changes to the latest version '
                       "and try again")
    obj = deep_copy(old)
    obj["status"] = deep_copy(new.get("status")) if isinstance(new.get("status"), dict) else {}
    errs = subresource_errors(old, obj, subresource, api.clock.iso())
    errs.raise_for(r, name)
    if dry_run:
        return obj
    return api.update_status(obj)


# -- the signers' checks -----------------------------------------------------------------------------------
def _sans(csr: Any) -> dict[str, list]:
    from cryptography import x509

    try:
        ext = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return {"dns": [], "email": [], "ip": [], "uri": []}
    return {"dns": ext.get_values_for_type(x509.DNSName), "email": ext.get_values_for_type(x509.RFC822Name),
            "ip": ext.get_values_for_type(x509.IPAddress),
            "uri": ext.get_values_for_type(x509.UniformResourceIdentifier)}


def _go_list(values: set[str]) -> str:
    return "[" + " ".join(sorted(values)) + "]"


def kubelet_client_error(csr: Any, usages: list[str]) -> str | None:
    """ValidateKubeletClientCSR."""
    cn, orgs = certs.subject_fields(csr)
    if orgs != ["system:nodes"]:
        return "subject organization is not system:nodes"
    sans = _sans(csr)
    for key, word in (("dns", "DNS"), ("email", "Email"), ("ip", "IP"), ("uri", "URI")):
        if sans[key]:
            return f"{word} subjectAltNames are not allowed"
    if not cn.startswith("system:node:"):
        return "subject common name does not begin with 'system:node:'"
    if set(usages) not in _KUBELET_CLIENT_USAGES:
        return f"usages did not match {_go_list(_KUBELET_CLIENT_USAGES[0])}"
    return None


def kubelet_serving_error(csr: Any, usages: list[str]) -> str | None:
    """ValidateKubeletServingCSR."""
    cn, orgs = certs.subject_fields(csr)
    if orgs != ["system:nodes"]:
        return "subject organization is not system:nodes"
    sans = _sans(csr)
    if not sans["dns"] and not sans["ip"]:
        return "DNS or IP subjectAltName is required"
    if sans["email"]:
        return "Email subjectAltNames are not allowed"
    if sans["uri"]:
        return "URI subjectAltNames are not allowed"
    if set(usages) not in _KUBELET_SERVING_USAGES:
        return f"usages did not match {_go_list(_KUBELET_SERVING_USAGES[0])}"
    if not cn.startswith("system:node:"):
        return "subject common name does not begin with 'system:node:'"
    return None


def apiserver_client_error(usages: list[str]) -> str | None:
    """validAPIServerClientUsages."""
    for u in usages:
        if u not in ("digital signature", "key encipherment", "client auth"):
            return f"invalid usage for client certificate: {u}"
    if "client auth" not in usages:
        return "missing required usage for client certificate: client auth"
    return None


def signer_error(signer: str, csr: Any, usages: list[str]) -> str | None:
    if signer == KUBE_APISERVER_CLIENT:
        return apiserver_client_error(usages)
    if signer == KUBE_APISERVER_CLIENT_KUBELET:
        return kubelet_client_error(csr, usages)
    if signer == KUBELET_SERVING:
        return kubelet_serving_error(csr, usages)
    return None


class CertificateController(Controller):
    """csrapproving and csrsigning: one reconcile, approval first (as the approver's update
    triggers the signer's sync)."""

    name = "csrsigning"
    watches = (KIND,)

    def ca(self) -> certs.CA:
        """The lab's CA (``certs.cluster_ca``: the one kubeadm init made with the cluster)."""
        return certs.cluster_ca(self.store)

    def reconcile(self, key: Key) -> None:
        csr = self.store.get(*key)
        if csr is None or csr["metadata"].get("deletionTimestamp"):
            return
        spec, status = csr.get("spec") or {}, csr.get("status") or {}
        if status.get("certificate"):
            return
        parsed = certs.parse_csr(certs.decode_request(spec.get("request")))
        if isinstance(parsed, str):
            return
        usages = list(spec.get("usages") or [])
        signer = spec.get("signerName") or ""
        if not has_condition(csr, "Approved") and not has_condition(csr, "Denied"):
            self._auto_approve(csr, parsed, usages)
            return  # the approval's write brings the CSR back
        if not is_approved(csr) or has_condition(csr, "Failed") or signer not in _SIGNERS:
            return
        new = deep_copy(csr)
        problem = signer_error(signer, parsed, usages)
        if problem:
            new.setdefault("status", {}).setdefault("conditions", []).append(
                {"type": "Failed", "status": "True", "reason": "SignerValidationFailure", "message": problem,
                 "lastUpdateTime": self.clock.iso()})
        else:
            try:
                pem = certs.sign(self.ca(), parsed, usages, certs.signing_duration(spec.get("expirationSeconds")),
                                 self.clock.now(), csr["metadata"]["uid"])
            except certs.SignError as e:
                new.setdefault("status", {}).setdefault("conditions", []).append(
                    {"type": "Failed", "status": "True", "reason": "SignerValidationFailure", "message": str(e),
                     "lastUpdateTime": self.clock.iso()})
            else:
                new.setdefault("status", {})["certificate"] = base64.b64encode(pem.encode()).decode()
        update_subresource(self.api, new, "status")

    def _auto_approve(self, csr: Obj, parsed: Any, usages: list[str]) -> None:
        spec = csr.get("spec") or {}
        if spec.get("signerName") != KUBE_APISERVER_CLIENT_KUBELET or kubelet_client_error(parsed, usages):
            return
        user = UserInfo(spec.get("username") or "", tuple(spec.get("groups") or ()), spec.get("uid") or "")
        cn, _ = certs.subject_fields(parsed)
        tries = []
        if user.username == cn:
            tries.append(("selfnodeclient", "Auto approving self kubelet client certificate after SubjectAccessReview."))
        tries.append(("nodeclient", "Auto approving kubelet client certificate after SubjectAccessReview."))
        for subresource, message in tries:
            attrs = Attributes("create", "certificatesigningrequests", "certificates.k8s.io", subresource)
            if authorize(self.store, user, attrs).allowed:
                new = deep_copy(csr)
                new.setdefault("status", {}).setdefault("conditions", []).append(
                    {"type": "Approved", "status": "True", "reason": "AutoApproved", "message": message,
                     "lastUpdateTime": self.clock.iso()})
                update_subresource(self.api, new, "approval")
                return
