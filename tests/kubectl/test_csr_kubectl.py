"""CertificateSigningRequests through the real kubectl v1.32 against our Kubernetes API: what it
prints for our objects (the server-side Table, the apiserver's validation errors) is what kubeplay's
terminal prints."""

from __future__ import annotations

import base64

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.labserver import paused_lab

CSR = """apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: {name}
spec:
  request: {request}
  signerName: {signer}
  {extra}usages:
  - client auth
"""


def _request(cn: str) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])).sign(key, hashes.SHA256())
    return base64.b64encode(csr.public_bytes(serialization.Encoding.PEM)).decode()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with paused_lab(tmp_path_factory) as lab:
        yield lab


def test_apply_and_tables_are_the_real_kubectls(lab):
    for name, extra in (("myuser", "expirationSeconds: 86400\n  "), ("other", "")):
        manifest = CSR.format(name=name, request=_request(name), signer="kubernetes.io/kube-apiserver-client",
                              extra=extra)
        real = lab.kubectl("apply", "-f", "-", stdin=manifest)
        assert real.stdout == f"certificatesigningrequest.certificates.k8s.io/{name} created\n"
    for args in (("get", "csr"), ("get", "csr", "-o", "wide"), ("get", "csr", "myuser"),
                 ("get", "certificatesigningrequests.certificates.k8s.io", "other")):
        real = lab.kubectl(*args)
        assert lab.engine("kubectl " + " ".join(args)) == real.stdout, args
    assert lab.kubectl("get", "csr").stdout.splitlines()[1].split() == [
        "myuser", "0s", "kubernetes.io/kube-apiserver-client", "kubernetes-admin", "24h", "Pending"]


def test_validation_errors_are_the_real_kubectls(lab):
    bad = CSR.format(name="bad", request=base64.b64encode(b"nope").decode(), signer="example.com",
                     extra="expirationSeconds: 60\n  ")
    real = lab.kubectl("apply", "-f", "-", stdin=bad, check=False)
    assert real.returncode == 1
    assert real.stderr == (
        'The CertificateSigningRequest "bad" is invalid: \n'
        "* spec.request: Invalid value: []byte{0x6e, 0x6f, 0x70, 0x65}: PEM block type must be CERTIFICATE REQUEST\n"
        "* spec.signerName: Invalid value: \"example.com\": must be a fully qualified domain and path of the form "
        "'example.com/signer-name'\n"
        "* spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)\n")
    engine = lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": "kubectl apply -f -", "stdin": bad})
    assert engine["output"] == real.stderr


def _protobuf() -> bool:
    from server.web import protobuf

    return protobuf.available()


@pytest.mark.skipif(not _protobuf(), reason="kubectl certificate approve PUTs the approval in protobuf; the v1.32 "
                    ".proto files are not present (server/web/proto/README.md)")
def test_the_real_kubectl_approves_through_the_approval_subresource(lab):
    manifest = CSR.format(name="approved", request=_request("approved"), signer="kubernetes.io/kube-apiserver-client",
                          extra="")
    lab.kubectl("apply", "-f", "-", stdin=manifest)
    real = lab.kubectl("certificate", "approve", "approved")
    assert real.stdout == "certificatesigningrequest.certificates.k8s.io/approved approved\n"
    lab.clock(advance=5)
    row = lab.kubectl("get", "csr", "approved").stdout.splitlines()[1].split()
    assert row[-1] == "Approved,Issued"
    cert = lab.kubectl("get", "csr", "approved", "-o", "jsonpath={.status.certificate}").stdout
    assert base64.b64decode(cert).startswith(b"-----BEGIN CERTIFICATE-----\n")
    again = lab.kubectl("certificate", "deny", "approved", check=False)
    assert (again.returncode, again.stderr) == (1, lab.engine("kubectl certificate deny approved"))
