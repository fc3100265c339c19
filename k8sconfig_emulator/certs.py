"""The emulator's own CA and server certificate (SAN IP:127.0.0.1, DNS:localhost)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from k8sconfig_emulator.datadir import write_private


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "k8sconfig-emulator"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _make_ca(now: dt.datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder()
            .subject_name(_name("k8sconfig-emulator local CA")).issuer_name(_name("k8sconfig-emulator local CA"))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(ski, critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def _make_server(ca_key, ca_cert: x509.Certificate, now: dt.datetime):
    key = ec.generate_private_key(ec.SECP256R1())
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (x509.CertificateBuilder()
            .subject_name(_name("127.0.0.1")).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=820))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False, key_cert_sign=False,
                                         content_commitment=False, data_encipherment=False,
                                         key_agreement=True, crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def ensure_certificates(data_dir: Path) -> None:
    """Create ca.pem/ca-key.pem and server.pem/server-key.pem when missing or expired."""
    now = dt.datetime.now(dt.UTC)
    ca_pem, ca_key_pem = data_dir / "ca.pem", data_dir / "ca-key.pem"
    server_pem, server_key_pem = data_dir / "server.pem", data_dir / "server-key.pem"
    if ca_pem.exists() and ca_key_pem.exists():
        ca_cert = x509.load_pem_x509_certificate(ca_pem.read_bytes())
        ca_key = serialization.load_pem_private_key(ca_key_pem.read_bytes(), password=None)
    else:
        ca_key, ca_cert = _make_ca(now)
        write_private(ca_key_pem, _key_pem(ca_key))
        ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        server_pem.unlink(missing_ok=True)
    if server_pem.exists() and server_key_pem.exists():
        current = x509.load_pem_x509_certificate(server_pem.read_bytes())
        if current.not_valid_after_utc > now + dt.timedelta(days=1):
            return
    key, cert = _make_server(ca_key, ca_cert, now)
    write_private(server_key_pem, _key_pem(key))
    server_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def write_ca_bundle(data_dir: Path) -> Path:
    """ca-bundle.pem = public CAs (certifi) + the emulator CA, so real Azure keeps working too."""
    import certifi

    bundle = data_dir / "ca-bundle.pem"
    content = Path(certifi.where()).read_text() + "\n" + (data_dir / "ca.pem").read_text()
    if not bundle.exists() or bundle.read_text() != content:
        bundle.write_text(content)
    return bundle
