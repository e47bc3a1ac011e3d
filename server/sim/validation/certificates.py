"""Field validation of CertificateSigningRequests (pkg/apis/certificates/validation v1.32:
validateCertificateSigningRequest, validateConditions, validateCertificateSigningRequestUpdate, and
core's ValidateSignerName), in the apiserver's words, plus the registry strategy that runs around it
(pkg/registry/certificates/certificates/strategy.go).

The strategy: on create ``status`` is dropped and ``spec.username``/``uid``/``groups``/``extra`` are the
requesting user's (the workstation's ``kubernetes-admin`` in ``system:masters``: the api layer does not
carry the caller yet), whatever the manifest says; on a main-resource update the spec and status are
the stored ones (both are immutable through it). ``subresource_errors`` is the ``approval`` and
``status`` subresources' strategy and validation (they keep the spec and take only the conditions,
or the conditions and certificate), with the options validation gives each;
``controllers/certificates.py`` ``update_subresource`` is their write door.

Values print as field.Error prints them: ``spec.request`` is a ``[]byte`` (Go's ``%#v``:
``[]byte{0x2d, …}``), ``status.certificate`` as ``"<certificate data>"``.
"""

from __future__ import annotations

from typing import Any

from .. import certs
from ..labels import dns1123_subdomain_errors

KUBE_APISERVER_CLIENT = "kubernetes.io/kube-apiserver-client"
KUBE_APISERVER_CLIENT_KUBELET = "kubernetes.io/kube-apiserver-client-kubelet"
KUBELET_SERVING = "kubernetes.io/kubelet-serving"
LEGACY_UNKNOWN = "kubernetes.io/legacy-unknown"

#: allValidUsages, sorted (sets.List)
VALID_USAGES = sorted((
    "signing", "digital signature", "content commitment", "key encipherment", "key agreement",
    "data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any", "server auth",
    "client auth", "code signing", "email protection", "s/mime", "ipsec end system", "ipsec tunnel",
    "ipsec user", "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc",
))
_TRUE_ONLY = ("Approved", "Denied", "Failed")



def _admission() -> Any:
    from .. import admission

    return admission


def bytes_repr(data: bytes) -> str:
    """Go's ``%#v`` of a []byte."""
    if not data:
        return "[]byte(nil)"
    return "[]byte{" + ", ".join(f"0x{b:x}" for b in data) + "}"


def signer_name_errors(errs: Any, path: str, name: str) -> None:
    """ValidateSignerName."""
    if not name:
        errs.required(path, "")
        return
    segments = name.split("/")
    if len(segments) != 2:
        errs.invalid(path, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")
        return
    domain, rest = segments
    if len(domain) > 253:
        errs.too_long(path, 253)
    labels = domain.split(".")
    for lbl in labels:
        found = []
        if len(lbl) > 63:
            found.append("must be no more than 63 characters")
        if not _admission()._DNS1123_LABEL.match(lbl):
            found.append(_admission().MSG_LABEL)
        if found:
            for msg in found:
                errs.invalid(path, domain, f"validating label {_admission()._go_quote(lbl)}: {msg}")
            break
    if len(labels) < 2:
        errs.invalid(path, domain, "should be a domain with at least two segments separated by dots")
    for lbl in rest.split("."):
        found = dns1123_subdomain_errors(lbl)
        if found:
            for msg in found:
                errs.invalid(path, rest, f"validating label {_admission()._go_quote(lbl)}: {msg}")
            break
    if len(name) > 253 + 253 + 63 + 1 + 1:
        errs.too_long(path, 571)


def _certificate_error(value: Any) -> str | None:
    """validateCertificate: PEM CERTIFICATE blocks only, each a parseable certificate."""
    data = certs.decode_request(value) if isinstance(value, str) else b""
    if not data:
        return None
    from cryptography import x509

    blocks = 0
    text = data.decode(errors="replace")
    while "-----BEGIN " in text:
        start = text.index("-----BEGIN ")
        kind = text[start + 11:text.find("-----", start + 11)]
        if kind != "CERTIFICATE":
            return f'only CERTIFICATE PEM blocks are allowed, found "{kind}"'
        end = text.find("-----END CERTIFICATE-----", start)
        if end < 0:
            break
        block = text[start:end + 25]
        try:
            x509.load_pem_x509_certificate(block.encode())
        except ValueError:
            return "x509: malformed certificate"
        blocks += 1
        text = text[end + 25:]
    if blocks == 0:
        return "must contain at least one CERTIFICATE PEM block"
    return None


def _validate(errs: Any, obj: dict, old: dict | None, *, approval: bool = False, certificate: bool = False) -> None:
    adm = _admission()
    meta = obj.get("metadata") or {}
    if not meta.get("name") and not meta.get("generateName"):
        errs.required("metadata.name", "name or generateName is required")
    adm._check_labels(errs, "metadata.labels", meta.get("labels"))
    for k in meta.get("annotations") or {}:
        adm._check_qualified_name(errs, "metadata.annotations", k)
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    old_spec = (old or {}).get("spec") or {}
    status = obj.get("status") if isinstance(obj.get("status"), dict) else {}
    old_status = (old or {}).get("status") or {}
    raw = certs.decode_request(spec.get("request"))
    parsed = certs.parse_csr(raw)
    if isinstance(parsed, str):
        errs.invalid("spec.request", bytes_repr(raw), parsed, raw=True)
    usages = [u for u in spec.get("usages") or [] if isinstance(u, str)]
    if not usages:
        errs.required("spec.usages", "")
    if not (old and any(u not in VALID_USAGES for u in old_spec.get("usages") or [])):
        for i, u in enumerate(usages):
            if u not in VALID_USAGES:
                errs.unsupported(f"spec.usages[{i}]", u, VALID_USAGES)
    if not (old and len(set(old_spec.get("usages") or [])) != len(old_spec.get("usages") or [])):
        seen: set[str] = set()
        for i, u in enumerate(usages):
            if u in seen:
                errs.duplicate(f"spec.usages[{i}]", u)
            seen.add(u)
    signer = spec.get("signerName") or ""
    if signer == LEGACY_UNKNOWN and old_spec.get("signerName") != LEGACY_UNKNOWN:
        errs.invalid("spec.signerName", signer, "the legacy signerName is not allowed via this API version")
    else:
        signer_name_errors(errs, "spec.signerName", signer)
    exp = spec.get("expirationSeconds")
    if isinstance(exp, int) and exp < 600:
        errs.invalid("spec.expirationSeconds", exp, "may not specify a duration less than 600 seconds (10 minutes)")
    _conditions(errs, status.get("conditions") or [], old_status.get("conditions") or [], old is not None)
    cert, old_cert = status.get("certificate") or "", old_status.get("certificate") or ""
    arbitrary = old is not None and (cert == old_cert or _certificate_error(old_cert) is not None)
    if not arbitrary:
        problem = _certificate_error(cert)
        if problem:
            errs.invalid("status.certificate", "<certificate data>", problem, raw=False)
    if old is None:
        return
    conds = [c for c in status.get("conditions") or [] if isinstance(c, dict)]
    old_conds = [c for c in old_status.get("conditions") or [] if isinstance(c, dict)]
    for t in ("Approved", "Denied", "Failed"):
        if len([c for c in conds if c.get("type") == t]) < len([c for c in old_conds if c.get("type") == t]):
            errs.forbidden("status.conditions", f'updates may not remove a condition of type "{t}"')
    if not approval:
        for t in ("Approved", "Denied"):
            new_t = [c for c in conds if c.get("type") == t]
            old_t = [c for c in old_conds if c.get("type") == t]
            if len(new_t) > len(old_t):
                errs.forbidden("status.conditions", f'updates may not add a condition of type "{t}"')
            elif len(new_t) == len(old_t) and new_t != old_t:
                errs.forbidden("status.conditions", f'updates may not modify a condition of type "{t}"')
    if cert != old_cert:
        if not certificate:
            errs.forbidden("status.certificate", "updates may not set certificate content")
        elif old_cert:
            errs.forbidden("status.certificate", "updates may not modify existing certificate content")


def _conditions(errs: Any, conditions: list, old_conditions: list, update: bool) -> None:
    """validateConditions, with the compatibility allowances for what is already stored."""
    old_types = [c.get("type") for c in old_conditions if isinstance(c, dict)]
    allow_both = update and "Approved" in old_types and "Denied" in old_types
    allow_dupes = update and len(set(old_types)) != len(old_types)
    allow_empty = update and any(not t for t in old_types)
    seen: set[str] = set()
    approved = denied = False
    for i, c in enumerate(conditions):
        if not isinstance(c, dict):
            continue
        ctype, cstatus = c.get("type") or "", c.get("status") or ""
        path = f"status.conditions[{i}]"
        if not allow_empty and not ctype:
            errs.required(f"{path}.type", "")
        allowed = ["True"] if ctype in _TRUE_ONLY else ["False", "True", "Unknown"]
        if not cstatus:
            errs.required(f"{path}.status", "")
        elif cstatus not in allowed:
            errs.unsupported(f"{path}.status", cstatus, allowed)
        if not allow_both:
            if ctype == "Approved":
                approved = True
                if denied:
                    errs.invalid(f"{path}.type", ctype, "Approved and Denied conditions are mutually exclusive")
            elif ctype == "Denied":
                denied = True
                if approved:
                    errs.invalid(f"{path}.type", ctype, "Approved and Denied conditions are mutually exclusive")
        if not allow_dupes:
            if ctype in seen:
                errs.duplicate(f"{path}.type", ctype)
            seen.add(ctype)


def validate_csr(errs: Any, obj: dict, r: Any) -> None:
    """Create (and every write's first pass): the strategy's PrepareForCreate, then validation. An
    object already in the store (an update) is judged by ``validate_csr_update`` instead."""
    spec = obj.get("spec")
    if isinstance(spec, dict) and not (obj.get("metadata") or {}).get("resourceVersion"):
        from ..authz import ADMIN

        spec["username"] = ADMIN.username
        spec["groups"] = list(ADMIN.groups)
        spec.pop("uid", None)
        spec.pop("extra", None)
        obj.pop("status", None)
        _validate(errs, obj, None)


def validate_csr_update(errs: Any, old: dict, new: dict, r: Any) -> None:
    """A main-resource update: PrepareForUpdate keeps the stored spec and status."""
    new["spec"] = old.get("spec")
    if "status" in old:
        new["status"] = old["status"]
    else:
        new.pop("status", None)
    _validate(errs, new, old)


def populate_condition_timestamps(new: dict, old: dict, now_iso: str) -> None:
    """populateConditionTimestamps: a condition without lastUpdateTime gets now; without
    lastTransitionTime, the stored one of the same type and status, else now."""
    old_conds = [c for c in (old.get("status") or {}).get("conditions") or [] if isinstance(c, dict)]
    for c in (new.get("status") or {}).get("conditions") or []:
        if not isinstance(c, dict):
            continue
        c.setdefault("lastUpdateTime", now_iso)
        if not c.get("lastTransitionTime"):
            same = next((o for o in old_conds if o.get("type") == c.get("type")
                         and o.get("status") == c.get("status") and o.get("lastTransitionTime")), None)
            c["lastTransitionTime"] = same["lastTransitionTime"] if same else now_iso


def subresource_errors(old: dict, new: dict, subresource: str, now_iso: str) -> Any:
    """The ``approval``/``status`` update's strategy and validation: ``new`` keeps the stored spec and
    takes the conditions (approval) or the conditions and certificate (status), condition timestamps
    filled in; the Errors found."""
    errs = _admission().Errors()
    new["spec"] = old.get("spec")
    status = new.get("status") if isinstance(new.get("status"), dict) else {}
    if subresource == "approval":
        kept = dict(old.get("status") or {})
        if status.get("conditions") is not None:
            kept["conditions"] = status["conditions"]
        else:
            kept.pop("conditions", None)
        status = kept
    new["status"] = status
    populate_condition_timestamps(new, old, now_iso)
    _validate(errs, new, old, approval=subresource == "approval", certificate=subresource == "status")
    return errs


VALIDATORS = {"CertificateSigningRequest": validate_csr}
UPDATE_VALIDATORS = {"CertificateSigningRequest": validate_csr_update}
