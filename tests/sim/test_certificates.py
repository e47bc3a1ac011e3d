"""CertificateSigningRequests: the lab CA and issuer (server/sim/certs.py), the apiserver's validation
(server/sim/validation/certificates.py), the csrapproving/csrsigning controllers and the CSR table."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from server.kubectl import run
from server.sim import certs
from server.sim.api import ApiError
from server.sim.cluster import Cluster
from server.sim.controllers.certificates import CertificateController, update_subresource

_KEY = ec.generate_private_key(ec.SECP256R1())  # a fast key for the requests (the CA is RSA, as kubeadm's)


def request(*attrs: tuple, sans: list | None = None) -> str:
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(oid, value) for oid, value in attrs]))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    pem = builder.sign(_KEY, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
    return base64.b64encode(pem).decode()


def csr(name: str, req: str, signer: str = "kubernetes.io/kube-apiserver-client", usages=("client auth",),
        **spec) -> dict:
    return {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest", "metadata": {"name": name},
            "spec": {"request": req, "signerName": signer, "usages": list(usages), **spec}}


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=3)
    ctrl = CertificateController(c)
    c.add_controller(ctrl)
    ctrl.start()
    return c


def condition(c: Cluster, name: str) -> str:
    table = run(c, "kubectl get csr " + name).output.splitlines()
    return table[1].split()[-1]


# -- the CA and the issuer ---------------------------------------------------------------------------------
def test_the_lab_ca_is_a_kubeadm_ca_made_from_the_sandbox_identity():
    ca = certs.lab_ca("sandbox-a", 1_700_000_000)
    assert certs.lab_ca.__wrapped__("sandbox-a", 1_700_000_000).cert_pem == ca.cert_pem  # replay: same bytes
    assert certs.deterministic_rsa_key("sandbox-b").public_key().public_numbers() != \
        ca.key.public_key().public_numbers()
    cert = ca.cert
    assert cert.subject == cert.issuer and cert.subject.rfc4514_string() == "CN=kubernetes"
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign is True
    assert cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.DNSName) == ["kubernetes"]
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(days=3650, minutes=5)
    assert ca.key.key_size == 2048


def test_sign_reencodes_the_subject_in_gos_order_and_is_deterministic():
    ca = certs.lab_ca("sandbox-a", 1_700_000_000)
    parsed = certs.parse_csr(base64.b64decode(request((NameOID.COMMON_NAME, "jbeda"),
                                                      (NameOID.ORGANIZATION_NAME, "app1"),
                                                      (NameOID.ORGANIZATION_NAME, "app2"))))
    pem = certs.sign(ca, parsed, ["digital signature", "client auth"], certs.signing_duration(3600),
                     1_700_000_100, "uid-1")
    assert pem == certs.sign(ca, parsed, ["digital signature", "client auth"], certs.signing_duration(3600),
                             1_700_000_100, "uid-1")
    cert = x509.load_pem_x509_certificate(pem.encode())
    rdns = [[(a.oid, a.value) for a in rdn] for rdn in cert.subject.rdns]
    assert rdns == [[(NameOID.ORGANIZATION_NAME, "app1"), (NameOID.ORGANIZATION_NAME, "app2")],
                    [(NameOID.COMMON_NAME, "jbeda")]]
    # a short-lived certificate (under 8 h) is not backdated at the end
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(hours=1, minutes=5)
    assert certs.verify_issued(ca, pem) and not certs.verify_issued(certs.lab_ca("other", 0), pem)


def test_signing_duration_is_bounded_as_the_signer_bounds_it():
    assert certs.signing_duration(None) == timedelta(hours=8760)
    assert certs.signing_duration(600) == timedelta(minutes=10)
    assert certs.signing_duration(10 ** 9) == timedelta(hours=8760)


# -- validation --------------------------------------------------------------------------------------------
def test_create_refusals_in_the_apiservers_words(lab):
    good = request((NameOID.COMMON_NAME, "u"))
    with pytest.raises(ApiError) as e:
        lab.api.create(csr("a", good, usages=(), expirationSeconds=60))
    assert e.value.message == ('CertificateSigningRequest.certificates.k8s.io "a" is invalid: [spec.usages: Required '
                               "value, spec.expirationSeconds: Invalid value: 60: may not specify a duration less "
                               "than 600 seconds (10 minutes)]")
    with pytest.raises(ApiError) as e:
        lab.api.create(csr("b", good, signer="kubernetes.io/legacy-unknown"))
    assert e.value.message.endswith('spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy '
                                    "signerName is not allowed via this API version")
    with pytest.raises(ApiError) as e:
        lab.api.create(csr("c", good, signer="example/x"))
    assert e.value.message.endswith('spec.signerName: Invalid value: "example": should be a domain with at least '
                                    "two segments separated by dots")
    with pytest.raises(ApiError) as e:
        lab.api.create(csr("d", good, signer=""))
    assert e.value.message.endswith("spec.signerName: Required value")
    assert lab.store.peek("CertificateSigningRequest", "", "a") is None


def test_the_strategy_records_the_requester_and_drops_status(lab):
    obj = csr("who", request((NameOID.COMMON_NAME, "who")))
    obj["spec"]["username"] = "mallory"
    obj["status"] = {"certificate": "Zm9v"}
    stored = lab.api.create(obj)
    assert stored["spec"]["username"] == "kubernetes-admin"
    assert "system:masters" in stored["spec"]["groups"]
    assert "certificate" not in (stored.get("status") or {})


def test_approval_rules(lab):
    lab.api.create(csr("both", request((NameOID.COMMON_NAME, "both")), signer="example.com/mine"))
    assert run(lab, "kubectl certificate deny both").output == \
        "certificatesigningrequest.certificates.k8s.io/both denied\n"
    live = lab.store.get("CertificateSigningRequest", "", "both")
    live["status"]["conditions"].append({"type": "Approved", "status": "True"})
    with pytest.raises(ApiError) as e:
        update_subresource(lab.api, live, "approval")
    assert e.value.message.endswith('status.conditions[1].type: Invalid value: "Approved": Approved and Denied '
                                    "conditions are mutually exclusive")
    live = lab.store.get("CertificateSigningRequest", "", "both")
    live["status"]["conditions"] = []
    with pytest.raises(ApiError) as e:
        update_subresource(lab.api, live, "approval")
    assert e.value.message.endswith('status.conditions: Forbidden: updates may not remove a condition of type '
                                    '"Denied"')
    # a signer nobody runs: denied stays denied, and nothing is issued
    assert condition(lab, "both") == "Denied"


# -- the controllers ---------------------------------------------------------------------------------------
def test_the_signer_refuses_usages_its_signer_does_not_allow(lab):
    lab.api.create(csr("srv", request((NameOID.COMMON_NAME, "srv")), usages=("server auth",)))
    run(lab, "kubectl certificate approve srv")
    lab.advance(1)
    assert condition(lab, "srv") == "Approved,Failed"
    failed = lab.store.get("CertificateSigningRequest", "", "srv")["status"]["conditions"][-1]
    assert (failed["type"], failed["reason"], failed["message"]) == (
        "Failed", "SignerValidationFailure", "invalid usage for client certificate: server auth")


def test_kubelet_client_csrs_are_auto_approved_and_serving_csrs_are_not(lab):
    node = request((NameOID.ORGANIZATION_NAME, "system:nodes"), (NameOID.COMMON_NAME, "system:node:node9"))
    lab.api.create(csr("node-csr-1", node, signer="kubernetes.io/kube-apiserver-client-kubelet",
                       usages=("digital signature", "client auth")))
    serving = request((NameOID.ORGANIZATION_NAME, "system:nodes"), (NameOID.COMMON_NAME, "system:node:node9"),
                      sans=[x509.DNSName("node9")])
    lab.api.create(csr("serving-1", serving, signer="kubernetes.io/kubelet-serving",
                       usages=("digital signature", "server auth")))
    lab.advance(1)
    assert condition(lab, "node-csr-1") == "Approved,Issued"
    approved = lab.store.get("CertificateSigningRequest", "", "node-csr-1")["status"]["conditions"][0]
    assert (approved["reason"], approved["message"]) == (
        "AutoApproved", "Auto approving kubelet client certificate after SubjectAccessReview.")
    assert condition(lab, "serving-1") == "Pending"
    run(lab, "kubectl certificate approve serving-1")
    lab.advance(1)
    assert condition(lab, "serving-1") == "Approved,Issued"


def test_approving_twice_adds_no_condition_and_output_names(lab):
    lab.api.create(csr("again", request((NameOID.COMMON_NAME, "again"))))
    assert run(lab, "kubectl certificate approve again -o name").output == \
        "certificatesigningrequest.certificates.k8s.io/again\n"
    lab.advance(1)
    rv = lab.store.get("CertificateSigningRequest", "", "again")["metadata"]["resourceVersion"]
    assert run(lab, "kubectl certificate approve again").output == \
        "certificatesigningrequest.certificates.k8s.io/again approved\n"
    # --force sends the approval again; unchanged, the apiserver stores nothing new
    assert run(lab, "kubectl certificate approve again --force").exit_code == 0
    assert lab.store.get("CertificateSigningRequest", "", "again")["metadata"]["resourceVersion"] == rv
    conditions = lab.store.get("CertificateSigningRequest", "", "again")["status"]["conditions"]
    assert [c["type"] for c in conditions] == ["Approved"]
    assert run(lab, "kubectl certificate approve").output == \
        "error: one or more CSRs must be specified as <name> or -f <filename>\n"
