"""kubectl certificate approve|deny: approving or denying CertificateSigningRequests.

Owns: the group command (its help, exit code 0 for any word, as cobra's group without Run), and
``certificate approve|deny (-f FILENAME | NAME…)`` with ``--force`` and the write printer flags, as
k8s.io/kubectl pkg/cmd/certificates v1.32 does it: per CSR ``addConditionIfNeeded`` (``certificate
signing request "x" is already Denied`` when the opposite condition is there; an existing condition of
the same type is left, and written again only with ``--force``), the new condition ``Approved``/``Denied``
status True with reason ``KubectlApprove``/``KubectlDeny`` and message "This CSR was approved by kubectl
certificate approve." ("…denied by kubectl certificate deny."), sent as ``UpdateApproval``; the
printed line ``certificatesigningrequest.certificates.k8s.io/NAME approved``; ``No resources found``
when the names matched nothing.

Hands off: the write to ``controllers.certificates.update_subresource`` (the ``approval`` door:
strategy and validation); the csrsigning controller issues the certificate.
"""

from __future__ import annotations

from ...sim.api import ApiError
from ...sim.controllers.certificates import update_subresource
from ...sim.resources import BY_KIND
from ...sim.store import deep_copy
from ..files import documents
from ..parse import Flag, Invocation, KubectlError, Result, command
from .apply import check_output, printed

CERTIFICATE_HELP = ('Modify certificate resources.\n\nAvailable Commands:\n  approve       Approve a certificate '
                    'signing request\n  deny          Deny a certificate signing request\n\nUsage:\n  kubectl '
                    'certificate SUBCOMMAND [options]\n\nUse "kubectl certificate <command> --help" for more '
                    'information about a given command.\nUse "kubectl options" for a list of global command-line '
                    'options (applies to all commands).\n')

CERTIFICATE_FLAGS = [Flag("filename", "f", "list"), Flag("recursive", "R"), Flag("kustomize", "k", "str"),
                     Flag("force"), Flag("output", "o", "str"), Flag("allow-missing-template-keys", kind="bool"),
                     Flag("show-managed-fields"), Flag("template", kind="str")]

_KIND = "CertificateSigningRequest"


@command("certificate")
def certificate(inv: Invocation) -> Result:
    # cobra's group command without a Run: help for any (or no) sub-command word, exit code 0
    return Result(CERTIFICATE_HELP)


def _names(inv: Invocation) -> list[str]:
    filenames = inv.flags.get("filename") or []
    if not inv.args and not filenames and not inv.flags.get("kustomize"):
        raise KubectlError("error: one or more CSRs must be specified as <name> or -f <filename>")
    names = list(inv.args)
    if filenames or inv.flags.get("kustomize"):
        for doc in documents(inv):
            if doc.error:
                raise KubectlError(doc.error)
            if doc.obj is not None and doc.obj.get("kind") == _KIND:
                names.append((doc.obj.get("metadata") or {}).get("name") or "")
    return names


def _modify(inv: Invocation, must_not_have: str, ctype: str, reason: str, message: str, operation: str) -> Result:
    fmt = check_output(inv)
    names = _names(inv)
    r = BY_KIND[_KIND]
    api = inv.cluster.api
    out: list[str] = []
    errors: list[str] = []  # the builder continues on error: each CSR is tried, the errors come last
    for name in names:
        try:
            csr = deep_copy(api.get(_KIND, "", name))
        except ApiError as e:
            errors.append(f"Error from server ({e.reason}): {e.message}")
            continue
        conditions = (csr.get("status") or {}).get("conditions") or []
        if any(c.get("type") == must_not_have for c in conditions):
            errors.append(f'certificate signing request "{name}" is already {must_not_have}')
            continue
        already = any(c.get("type") == ctype for c in conditions)
        if not already:
            csr.setdefault("status", {}).setdefault("conditions", []).append(
                {"type": ctype, "status": "True", "reason": reason, "message": message,
                 "lastUpdateTime": inv.cluster.clock.iso()})
        if not already or inv.flags.get("force"):
            try:
                csr = update_subresource(api, csr, "approval")
            except ApiError as e:
                errors.append(f"Error from server ({e.reason}): {e.message}")
                continue
        out.append(printed(r, name, operation, fmt, csr))
    text = "".join(line if line.endswith("\n") else line + "\n" for line in out)
    if errors:
        # cmdutil.CheckErr: one error prefixed "error: ", an API error as it is
        msgs = [m if m.startswith("Error from server") else "error: " + m for m in errors]
        return Result(text + "\n".join(msgs) + "\n", 1)
    if not out:
        return Result("No resources found\n")
    return Result(text)


@command("certificate approve", flags=CERTIFICATE_FLAGS)
def certificate_approve(inv: Invocation) -> Result:
    return _modify(inv, "Denied", "Approved", "KubectlApprove", "This CSR was approved by kubectl certificate approve.",
                   "approved")


@command("certificate deny", flags=CERTIFICATE_FLAGS)
def certificate_deny(inv: Invocation) -> Result:
    return _modify(inv, "Approved", "Denied", "KubectlDeny", "This CSR was denied by kubectl certificate deny.",
                   "denied")
