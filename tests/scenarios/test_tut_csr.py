"""kubernetes.io "Certificates and Certificate Signing Requests" → "How to issue a certificate for a
user" (reference/access-authn-authz/certificate-signing-requests/#normal-user), through the HTTP
contract (``/run`` with stdin, ``/clock``): the page's CertificateSigningRequest for ``myuser`` (the
PEM request the page makes with openssl is made here with the same library calls: openssl on the
workstation is issue 9), ``kubectl get csr`` Pending, ``kubectl certificate approve``, Approved,Issued,
the certificate read back with jsonpath and ``base64 -d`` — a real x509 certificate for CN=myuser
signed by the lab's CA, valid the requested day — the Role and RoleBinding the page creates and what
``myuser`` may do then (``auth can-i --as myuser``), and ``config set-credentials``.
"""

from __future__ import annotations

import base64
from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.scenarios.tutterm import column, tutorial_term

CSR_MANIFEST = """apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: myuser
spec:
  request: {request}
  signerName: kubernetes.io/kube-apiserver-client
  expirationSeconds: 86400  # one day
  usages:
  - client auth
"""


def _request_for(cn: str) -> tuple[rsa.RSAPrivateKey, str]:
    """openssl genrsa -out myuser.key 2048; openssl req -new -key myuser.key -subj "/CN=myuser";
    cat myuser.csr | base64 | tr -d "\\n"."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    csr = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])).sign(key, hashes.SHA256())
    return key, base64.b64encode(csr.public_bytes(serialization.Encoding.PEM)).decode()


def test_issue_a_certificate_for_a_user(tmp_path):
    key, request = _request_for("myuser")
    with tutorial_term(tmp_path) as t:
        out = t.run("kubectl apply -f -", stdin=CSR_MANIFEST.format(request=request))
        assert out == "certificatesigningrequest.certificates.k8s.io/myuser created\n"
        table = t.run("kubectl get csr")
        assert table.splitlines()[0].split() == ["NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION",
                                                 "CONDITION"]
        assert column(table, "myuser", "SIGNERNAME") == "kubernetes.io/kube-apiserver-client"
        assert column(table, "myuser", "REQUESTOR") == "kubernetes-admin"
        assert column(table, "myuser", "REQUESTEDDURATION") == "24h"
        assert column(table, "myuser", "CONDITION") == "Pending"
        t.advance(10)  # nobody approves a user's client certificate but an admin
        assert column(t.run("kubectl get csr"), "myuser", "CONDITION") == "Pending"

        assert t.run("kubectl certificate approve myuser") == \
            "certificatesigningrequest.certificates.k8s.io/myuser approved\n"
        t.advance(1)
        assert column(t.run("kubectl get csr"), "myuser", "CONDITION") == "Approved,Issued"
        approved = t.run("kubectl get csr myuser -o jsonpath='{.status.conditions[0].type} "
                         "{.status.conditions[0].reason}: {.status.conditions[0].message}'")
        assert approved == "Approved KubectlApprove: This CSR was approved by kubectl certificate approve."

        pem = t.run("kubectl get csr myuser -o jsonpath='{.status.certificate}'| base64 -d")
        cert = x509.load_pem_x509_certificate(pem.encode())
        assert cert.subject.rfc4514_string() == "CN=myuser"
        assert cert.issuer.rfc4514_string() == "CN=kubernetes"
        assert cert.public_key().public_numbers() == key.public_key().public_numbers()
        # the signer backdates NotBefore 5 minutes and, for a day (not short-lived), NotAfter with it
        assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(days=1)
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
        assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
        # signed by the CA the cluster publishes in every namespace's kube-root-ca.crt, once bootstrap
        # takes it from server.sim.certs; until then, by the controller's CA (checked in tests/sim)
        ca_pem = t.run("kubectl get cm kube-root-ca.crt -o jsonpath='{.data.ca\\.crt}'")
        if "BEGIN CERTIFICATE" in ca_pem and "kubeplay lab CA" not in ca_pem:
            ca = x509.load_pem_x509_certificate(ca_pem.encode())
            ca.public_key().verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(),
                                   cert.signature_hash_algorithm)

        # Create Role and RoleBinding
        assert t.run("kubectl auth can-i list pods --as myuser", rc=1) == "no\n"
        assert t.run("kubectl create role developer --verb=create --verb=get --verb=list --verb=update "
                     "--verb=delete --resource=pods") == "role.rbac.authorization.k8s.io/developer created\n"
        assert t.run("kubectl create rolebinding developer-binding-myuser --role=developer --user=myuser") == \
            "rolebinding.rbac.authorization.k8s.io/developer-binding-myuser created\n"
        assert t.run("kubectl auth can-i list pods --as myuser") == "yes\n"
        assert t.run("kubectl auth can-i delete deployments --as myuser", rc=1) == "no\n"

        # Add to kubeconfig: the key openssl wrote and the certificate exported as the tutorial does
        key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption()).decode()
        t.run("cat > myuser.key", stdin=key_pem)
        t.run("kubectl get csr myuser -o jsonpath='{.status.certificate}'| base64 -d > myuser.crt")
        assert t.run("kubectl config set-credentials myuser --client-key=myuser.key --client-certificate=myuser.crt "
                     "--embed-certs=true") == 'User "myuser" set.\n'
        embedded = t.run("kubectl config view --raw -o jsonpath='{.users[?(@.name==\"myuser\")].user}'")
        assert embedded == ('{"client-certificate-data":"' + base64.b64encode(pem.encode()).decode()
                            + '","client-key-data":"' + base64.b64encode(key_pem.encode()).decode() + '"}')
        assert t.run("kubectl config set-context myuser --cluster=kubernetes --user=myuser") == \
            'Context "myuser" created.\n'


def test_deny_and_bad_requests(tmp_path):
    _, request = _request_for("eve")
    with tutorial_term(tmp_path) as t:
        t.run("kubectl apply -f -", stdin=CSR_MANIFEST.format(request=request).replace("myuser", "eve"))
        assert t.run("kubectl certificate deny eve") == "certificatesigningrequest.certificates.k8s.io/eve denied\n"
        t.advance(5)
        assert column(t.run("kubectl get csr"), "eve", "CONDITION") == "Denied"
        assert t.run("kubectl get csr eve -o jsonpath='{.status.certificate}'") == ""
        assert t.run("kubectl certificate approve eve", rc=1) == \
            'error: certificate signing request "eve" is already Denied\n'
        assert t.run("kubectl certificate approve nobody", rc=1) == \
            'Error from server (NotFound): certificatesigningrequests.certificates.k8s.io "nobody" not found\n'

        bad = CSR_MANIFEST.format(request=base64.b64encode(b"hi").decode()).replace("myuser", "bad")
        out = t.run("kubectl apply -f -", rc=1, stdin=bad.replace("kubernetes.io/kube-apiserver-client", "example"))
        assert out == ('The CertificateSigningRequest "bad" is invalid: \n'
                       "* spec.request: Invalid value: []byte{0x68, 0x69}: PEM block type must be CERTIFICATE REQUEST\n"
                       "* spec.signerName: Invalid value: \"example\": must be a fully qualified domain and path of "
                       "the form 'example.com/signer-name'\n")
        assert "bad" not in t.run("kubectl get csr")
