"""Canary secrets: a unique value per secret input, generated per test run (never committed).

For a text secret the canary is the text itself; for a key or certificate it is freshly generated material
(az validates SSH keys). `forms` lists every spelling in which the secret could leak: the raw text, the base64
that goes on the wire, and a distinctive line of the PEM body.
"""
from __future__ import annotations

import base64
import datetime
import uuid
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

TUTORIAL_URL = "https://github.com/Azure/gitops-flux2-kustomize-helm-mt"
AZBLOB = ["--kind", "azblob", "-u", "https://canaryacct.blob.core.windows.net", "--container-name", "manifests"]
SP_IDS = ["--sp-client-id", "00000000-0000-0000-0000-0000000000c1", "--sp-tenant-id",
          "00000000-0000-0000-0000-0000000000c2"]


def ssh_key() -> bytes:
    return ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption())


def ec_key() -> bytes:
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def certificate() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"canary-{uuid.uuid4().hex[:8]}")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def text_secret(label: str) -> bytes:
    return f"CANARY-{label}-{uuid.uuid4().hex}".encode()


@dataclass
class Case:
    """One secret input: how to make a configuration that uses it, its flag, its -file flag and encoding."""

    label: str
    base: list[str]                  # source flags (create and update)
    flag: str
    file_flag: str
    make: callable                   # () -> bytes
    binary: bool                     # key/cert material (flag value is its base64) vs text
    extra: list[str] = field(default_factory=list)

    def canary(self) -> Canary:
        return Canary(self, self.make())


@dataclass
class Canary:
    case: Case
    material: bytes

    @property
    def flag_value(self) -> str:
        return base64.b64encode(self.material).decode() if self.case.binary else self.material.decode()

    @property
    def forms(self) -> list[str]:
        raw = self.material.decode()
        forms = {base64.b64encode(self.material).decode()}
        if self.case.binary:
            lines = [line for line in raw.splitlines() if line and not line.startswith("-----")]
            forms.update(line for line in lines if len(line) >= 16)
        else:
            forms.add(raw)
        return sorted(forms)


CASES = [
    Case("ssh-key", ["-u", "ssh://git@github.com/canary/repo.git", "--branch", "main"], "--ssh-private-key",
         "--ssh-private-key-file", ssh_key, True),
    Case("https-key", ["-u", TUTORIAL_URL, "--branch", "main", "--https-user", "git"], "--https-key",
         "--https-key-file", lambda: text_secret("https"), False),
    Case("bucket-secret", ["--kind", "bucket", "-u", "https://s3.canary.example", "--bucket-name", "manifests",
                           "--bucket-access-key", "AKIACANARY"], "--bucket-secret-key", "--bucket-secret-key-file",
         lambda: text_secret("bucket"), False),
    Case("sas-token", AZBLOB, "--sas-token", "--sas-token-file", lambda: text_secret("sas"), False),
    Case("account-key", AZBLOB, "--account-key", "--account-key-file", lambda: text_secret("acctkey"), False),
    Case("sp-secret", AZBLOB + SP_IDS, "--sp-client-secret", "--sp-client-secret-file", lambda: text_secret("sp"),
         False),
    Case("sp-cert", AZBLOB + SP_IDS, "--sp-client-cert", "--sp-client-cert-file", certificate, True),
    Case("sp-cert-password", AZBLOB + SP_IDS, "--sp-cert-password", "--sp-cert-password-file",
         lambda: text_secret("certpw"), False),
    Case("tls-key", ["--kind", "oci", "-u", "oci://ghcr.io/canary/manifests", "--tag", "v1"], "--tls-private-key",
         "--tls-private-key-file", ec_key, True),
]
# inputs a case needs besides its own secret (not canaries: the cert is public, the password case needs a cert)
COMPANIONS = {
    "sp-cert-password": lambda: ["--sp-client-cert", base64.b64encode(certificate()).decode()],
    "tls-key": lambda: ["--tls-client-certificate", base64.b64encode(certificate()).decode()],
}
