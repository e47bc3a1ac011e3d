"""The lab's certificate authority and a tiny x509 issuer for CertificateSigningRequests.

Owns: the cluster CA (``lab_ca``: a real self-signed RSA 2048 CA as kubeadm's ``certs ca`` phase makes
it — CN and SAN ``kubernetes``, key usages digitalSignature/keyEncipherment/keyCertSign, CA:TRUE, valid
ten years — whose key is generated *deterministically* from the sandbox's identity, so a journal replay
rebuilds it byte for byte), parsing a CSR's ``spec.request`` as the apiserver does
(``certificates.ParseCSR`` + ``CheckSignature``: the error strings of Go's pem/x509), and signing as
kube-controller-manager's csrsigning controller does (pkg/controller/certificates/authority: the CSR's
subject re-encoded in Go's ``pkix.Name`` order, its public key and SANs, the requested usages as
KeyUsage/ExtKeyUsage, CA:FALSE, NotBefore backdated 5 minutes, NotAfter = NotBefore + TTL (now + TTL for
a TTL under 8 h) capped at the CA's NotAfter, the CA's key identifier as AuthorityKeyId, SHA256-RSA).

Pure functions; the only state is an ``lru_cache`` of keys and CAs by identity: the key's primes are
searched with GMP's modular powers (~0.1 s for 2048 bits; 0.5–1 s in pure Python), once per sandbox identity per process — a Cluster of a
given seed pays it once however often it is built, a new sandbox once at its bootstrap. RSA PKCS#1 v1.5 signatures are
deterministic, so a certificate depends only on its inputs (the serial is derived from the CSR's uid).
Hands off: ``controllers/certificates.py`` decides when to sign and writes ``status.certificate``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import gmpy2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

#: kubeadm's CA validity (constants.CACertificateValidityPeriod) and the backdate it applies
CA_VALIDITY = timedelta(days=3650)
BACKDATE = timedelta(minutes=5)
#: the csrsigning controller's policy: certificates shorter than this are not backdated at the end
SHORT = timedelta(hours=8)
#: --cluster-signing-duration's default (8760h)
DEFAULT_TTL = timedelta(hours=8760)
#: the signer's lower bound for a requested duration (2 × the backdate)
MIN_TTL = timedelta(minutes=10)


# -- a deterministic RSA key ---------------------------------------------------------------------------
_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]
_PRIMORIAL = math.prod(_SMALL_PRIMES)


def _probably_prime(n: int, rng: random.Random, rounds: int = 5) -> bool:
    """Miller-Rabin after a gcd with the small primes' product (one bignum operation, not 300).
    The modular powers are GMP's (``gmpy2.powmod``: the same numbers as Python's ``pow``, eight
    times faster at 1024 bits), so the same rng draws give the same key as ever."""
    if math.gcd(n, _PRIMORIAL) != 1:
        return n in _SMALL_PRIMES
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for i in range(rounds):
        x = gmpy2.powmod(2 if i == 0 else rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = gmpy2.powmod(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(rng: random.Random, bits: int, e: int) -> int:
    while True:
        n = rng.getrandbits(bits) | (3 << (bits - 2)) | 1  # top two bits set: p·q has exactly 2·bits bits
        if (n - 1) % e and _probably_prime(n, rng):
            return n


@functools.lru_cache(maxsize=64)
def deterministic_rsa_key(identity: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """An RSA key whose primes are drawn from a generator seeded with ``identity``: the same key for
    the same sandbox, every replay (not a secret: this is a lab)."""
    rng = random.Random(hashlib.sha256(("kubeplay-ca/" + identity).encode()).digest())
    e = 65537
    while True:
        p, q = _prime(rng, bits // 2, e), _prime(rng, bits // 2, e)
        if p != q:
            break
    p, q = max(p, q), min(p, q)
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q),
                                    rsa.rsa_crt_iqmp(p, q), rsa.RSAPublicNumbers(e, p * q))
    # the primes are ours and checked above: OpenSSL's RSA_check_key would cost another 0.1 s
    return numbers.private_key(unsafe_skip_rsa_key_validation=True)


@dataclass(frozen=True)
class CA:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def cert_pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def key_pem(self) -> str:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                      serialization.NoEncryption()).decode()


def _serial(identity: str) -> int:
    return int.from_bytes(hashlib.sha256(identity.encode()).digest()[:8], "big") >> 1 or 1


@functools.lru_cache(maxsize=32)
def lab_ca(identity: str, created: float) -> CA:
    """The cluster CA of the sandbox ``identity`` (any stable per-sandbox string: the kube-system
    namespace's uid), made at ``created`` (epoch seconds: when kubeadm init ran)."""
    key = deterministic_rsa_key(identity)
    now = datetime.fromtimestamp(int(created), UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kubernetes")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(_serial(identity)).not_valid_before(now - BACKDATE).not_valid_after(now + CA_VALIDITY)
            .add_extension(x509.KeyUsage(True, False, True, False, False, True, False, False, False), critical=True)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("kubernetes")]), critical=False)
            .sign(key, hashes.SHA256()))
    return CA(key, cert)


def cluster_ca(store) -> CA:  # type: ignore[no-untyped-def]
    """The CA of the cluster ``store`` holds: keyed by its kube-system namespace (whose uid the
    sandbox's seed determines) and dated with it, as kubeadm init makes the CA with the cluster. The
    one CA of a lab: bootstrap publishes it in every namespace's ``kube-root-ca.crt`` (hence the
    service-account volumes' ``ca.crt``), the kubeconfigs carry it as ``certificate-authority-data``,
    and the csrsigning controller signs with it."""
    from .clock import parse_time

    ns = store.peek("Namespace", "", "kube-system") or {"metadata": {}}
    created = parse_time(ns["metadata"].get("creationTimestamp")) or 0.0
    return lab_ca(ns["metadata"].get("uid") or "kubeplay", created)


def cluster_ca_data(store) -> str:  # type: ignore[no-untyped-def]
    """``certificate-authority-data``: base64 of the cluster CA's PEM."""
    return base64.b64encode(cluster_ca(store).cert_pem.encode()).decode()


# -- the request -------------------------------------------------------------------------------------------
def parse_csr(request: bytes) -> x509.CertificateSigningRequest | str:
    """``certificates.ParseCSR`` then ``CheckSignature``: the request, or Go's error text."""
    start = request.find(b"-----BEGIN ")
    if start < 0:
        return "PEM block type must be CERTIFICATE REQUEST"
    header_end = request.find(b"-----", start + 11)
    block_type = request[start + 11:header_end].decode(errors="replace") if header_end > 0 else ""
    if block_type != "CERTIFICATE REQUEST":
        return "PEM block type must be CERTIFICATE REQUEST"
    try:
        csr = x509.load_pem_x509_csr(request[start:])
    except ValueError:
        return "asn1: structure error: tags don't match (16 vs {class:0 tag:0 length:0 isCompound:false}) " \
               "{optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> " \
               "stringType:0 timeType:0 set:false omitEmpty:false} certificateRequest @2"
    try:
        ok = csr.is_signature_valid
    except (ValueError, TypeError):
        ok = False
    if not ok:
        pub = csr.public_key()
        if isinstance(pub, ec.EllipticCurvePublicKey):
            return "x509: ECDSA verification failure"
        if isinstance(pub, ed25519.Ed25519PublicKey):
            return "x509: Ed25519 verification failure"
        return "crypto/rsa: verification error"
    return csr


def decode_request(value: object) -> bytes:
    """``spec.request`` as stored (base64 of the PEM) to bytes; undecodable text reads as empty."""
    if not isinstance(value, str):
        return b""
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        return b""


# -- signing -----------------------------------------------------------------------------------------------
_KEY_USAGES = {
    "signing": "digital_signature", "digital signature": "digital_signature",
    "content commitment": "content_commitment", "key encipherment": "key_encipherment",
    "key agreement": "key_agreement", "data encipherment": "data_encipherment", "cert sign": "key_cert_sign",
    "crl sign": "crl_sign", "encipher only": "encipher_only", "decipher only": "decipher_only",
}
#: ExtKeyUsage by name, in Go's x509.ExtKeyUsage order (the signer sorts them so)
_EXT_USAGES = {
    "any": (0, ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE), "server auth": (1, ExtendedKeyUsageOID.SERVER_AUTH),
    "client auth": (2, ExtendedKeyUsageOID.CLIENT_AUTH), "code signing": (3, ExtendedKeyUsageOID.CODE_SIGNING),
    "email protection": (4, ExtendedKeyUsageOID.EMAIL_PROTECTION),
    "s/mime": (4, ExtendedKeyUsageOID.EMAIL_PROTECTION),
    "ipsec end system": (5, x509.ObjectIdentifier("1.3.6.1.5.5.7.3.5")),
    "ipsec tunnel": (6, x509.ObjectIdentifier("1.3.6.1.5.5.7.3.6")),
    "ipsec user": (7, x509.ObjectIdentifier("1.3.6.1.5.5.7.3.7")),
    "timestamping": (8, ExtendedKeyUsageOID.TIME_STAMPING), "ocsp signing": (9, ExtendedKeyUsageOID.OCSP_SIGNING),
    "microsoft sgc": (10, x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.3")),
    "netscape sgc": (11, x509.ObjectIdentifier("2.16.840.1.113730.4.1")),
}
#: pkix.Name.ToRDNSequence's order; each attribute's values form one RDN
_NAME_ORDER = (NameOID.COUNTRY_NAME, NameOID.STATE_OR_PROVINCE_NAME, NameOID.LOCALITY_NAME,
               NameOID.STREET_ADDRESS, NameOID.POSTAL_CODE, NameOID.ORGANIZATION_NAME,
               NameOID.ORGANIZATIONAL_UNIT_NAME, NameOID.COMMON_NAME, NameOID.SERIAL_NUMBER)


class SignError(Exception):
    """The signer refused: the message goes into the CSR's Failed condition."""


def go_subject(name: x509.Name) -> x509.Name:
    """The subject as Go re-encodes a parsed ``pkix.Name`` (known attributes only, Go's order)."""
    rdns = []
    for oid in _NAME_ORDER:
        values = [a for a in name if a.oid == oid]
        if values:
            rdns.append(x509.RelativeDistinguishedName([x509.NameAttribute(oid, str(a.value)) for a in values]))
    return x509.Name(rdns)


def subject_fields(csr: x509.CertificateSigningRequest) -> tuple[str, list[str]]:
    """(CommonName, Organizations) of the request: the user and groups its certificate authenticates."""
    cn = [str(a.value) for a in csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    orgs = [str(a.value) for a in csr.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    return (cn[0] if cn else ""), orgs


def _sans(csr: x509.CertificateSigningRequest) -> list[x509.GeneralName]:
    try:
        ext = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    names = list(ext.value)
    order = (x509.DNSName, x509.RFC822Name, x509.IPAddress, x509.UniformResourceIdentifier)  # Go's marshalSANs
    return sorted(names, key=lambda n: next((i for i, t in enumerate(order) if isinstance(n, t)), len(order)))


def signing_duration(expiration_seconds: int | None, cluster_ttl: timedelta = DEFAULT_TTL) -> timedelta:
    """signer.duration: the requested duration, at most the cluster's and at least 10 minutes."""
    if expiration_seconds is None:
        return cluster_ttl
    requested = timedelta(seconds=int(expiration_seconds))
    return min(max(requested, MIN_TTL), cluster_ttl)


def sign(ca: CA, csr: x509.CertificateSigningRequest, usages: list[str], ttl: timedelta, now: float,
         serial_seed: str) -> str:
    """The PEM certificate the csrsigning controller issues for ``csr``."""
    flags = {v: False for v in set(_KEY_USAGES.values())}
    ext: dict[int, x509.ObjectIdentifier] = {}
    for usage in usages:
        if usage in _KEY_USAGES:
            flags[_KEY_USAGES[usage]] = True
        elif usage in _EXT_USAGES:
            rank, oid = _EXT_USAGES[usage]
            ext[rank] = oid
        else:
            raise SignError(f"unrecognized usage: {usage}")
    at = datetime.fromtimestamp(int(now), UTC)
    not_before = at - BACKDATE
    not_after = at + ttl if ttl < SHORT else not_before + ttl
    ca_end = ca.cert.not_valid_after_utc
    if not_after >= ca_end:
        not_after = ca_end
    if not_before >= ca_end:
        raise SignError("the signer has expired: NotAfter=" + ca_end.isoformat())
    builder = (x509.CertificateBuilder().subject_name(go_subject(csr.subject)).issuer_name(ca.cert.subject)
               .public_key(csr.public_key()).serial_number(int.from_bytes(hashlib.sha256(serial_seed.encode())
                                                                          .digest()[:16], "big") >> 1 or 1)
               .not_valid_before(not_before).not_valid_after(not_after))
    if any(flags.values()):
        builder = builder.add_extension(x509.KeyUsage(**flags), critical=True)
    if ext:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ext[k] for k in sorted(ext)]), critical=False)
    builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    ski = ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = builder.add_extension(x509.AuthorityKeyIdentifier(ski.digest, None, None), critical=False)
    sans = _sans(csr)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()


def verify_issued(ca: CA, pem: str) -> bool:
    """Whether ``pem`` is a certificate this CA signed (for the client-certificate authenticator)."""
    try:
        cert = x509.load_pem_x509_certificate(pem.encode())
        ca.cert.public_key().verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(),
                                    cert.signature_hash_algorithm)
    except (ValueError, InvalidSignature, TypeError):
        return False
    return True
