"""The table of CertificateSigningRequests, as the apiserver's printer builds it
(pkg/printers/internalversion/printers.go v1.32: printCertificateSigningRequest, extractCSRStatus):
NAME AGE SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION; merged into ``printers.TABLES``.

CONDITION is ``Denied`` (which wins), else ``Approved``, else ``Pending``, then ``,Failed`` and
``,Issued`` (a certificate is set); REQUESTEDDURATION is ``duration.HumanDuration`` of
``spec.expirationSeconds`` (``24h``), ``<none>`` without it. A pure function of (object, now).
"""

from __future__ import annotations

from typing import Any

from .printers import Column, human_duration, since

Obj = dict[str, Any]


def csr_condition(csr: Obj) -> str:
    """extractCSRStatus."""
    types = {c.get("type") for c in (csr.get("status") or {}).get("conditions") or [] if isinstance(c, dict)}
    status = "Denied" if "Denied" in types else "Approved" if "Approved" in types else "Pending"
    if "Failed" in types:
        status += ",Failed"
    if (csr.get("status") or {}).get("certificate"):
        status += ",Issued"
    return status


def _csr_row(csr: Obj, now: float) -> list[Any]:
    spec = csr.get("spec") or {}
    exp = spec.get("expirationSeconds")
    requested = human_duration(float(exp)) if isinstance(exp, int) and not isinstance(exp, bool) else "<none>"
    return [csr["metadata"]["name"], since(csr["metadata"].get("creationTimestamp"), now),
            spec.get("signerName") or "<none>", spec.get("username") or "", requested, csr_condition(csr)]


#: kind -> (columns, row function), as printers.TABLES
TABLES: dict[str, Any] = {
    "CertificateSigningRequest": ((Column("Name", format="name"), Column("Age"), Column("SignerName"),
                                   Column("Requestor"), Column("RequestedDuration"), Column("Condition")),
                                  _csr_row),
}
