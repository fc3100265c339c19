"""SSH private key and known_hosts validation (cryptography and paramiko; no network).

Private keys may be PEM (PKCS#1, SEC1, PKCS#8) or OpenSSH format, of type RSA, ECDSA, DSA or Ed25519.
DSA keys are refused in PKCS#8 and OpenSSH format (Flux's source-controller, built on Go's x/crypto/ssh, reads
DSA only from a traditional 'BEGIN DSA PRIVATE KEY' PEM block) and accepted with a warning in that block, since
GitHub, Azure DevOps and OpenSSH servers (ssh-dss disabled since OpenSSH 7.0) reject DSA.
Passphrase-protected keys are refused with a clear message: Flux needs the key without a passphrase.
Every decoding problem becomes an InvalidArgumentValueError naming the option, never a traceback.
"""
from __future__ import annotations

import warnings

from azure.cli.core.azclierror import InvalidArgumentValueError
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    load_pem_private_key,
    load_ssh_private_key,
)
from knack.log import get_logger

SUPPORTED_KEY_TYPES = (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, dsa.DSAPrivateKey, ed25519.Ed25519PrivateKey)
_KEY_HELP = "Give an unencrypted RSA, ECDSA or Ed25519 private key in PEM or OpenSSH format."
_DSA_HELP = "Use an Ed25519, ECDSA or RSA deploy key instead, e.g. `ssh-keygen -t ed25519 -N '' -f KEYFILE`."
logger = get_logger(__name__)


def _key_error(flag: str, why: str) -> InvalidArgumentValueError:
    return InvalidArgumentValueError(f"The SSH private key given with {flag} {why}.", _KEY_HELP)


def validate_ssh_private_key(data: bytes, flag: str = "--ssh-private-key") -> str:
    """Return the key type name ('RSA', 'ECDSA', 'DSA' or 'Ed25519') or raise InvalidArgumentValueError."""
    if b"-----BEGIN" not in data:
        raise _key_error(flag, "is not a PEM or OpenSSH private key (no '-----BEGIN' line)")
    loader = load_ssh_private_key if b"OPENSSH PRIVATE KEY-----" in data else load_pem_private_key
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DSA deprecation warnings must not reach the user
            key = loader(data, password=None)
    except TypeError:  # cryptography's way of saying "encrypted, and no password given"
        raise InvalidArgumentValueError(
            f"The SSH private key given with {flag} is protected by a passphrase.",
            "Flux cannot use passphrase-protected keys: remove the passphrase from a copy with "
            "`ssh-keygen -p -N '' -f KEYFILE`, or create a dedicated deploy key without one.") from None
    except UnsupportedAlgorithm:
        raise _key_error(flag, "uses an unsupported key algorithm") from None
    except (ValueError, IndexError, UnicodeError):
        raise _key_error(flag, "could not be parsed") from None
    if not isinstance(key, SUPPORTED_KEY_TYPES):
        raise _key_error(flag, f"has an unsupported type ({type(key).__name__})")
    if isinstance(key, dsa.DSAPrivateKey):
        _check_dsa(data, flag)
    for kind, name in ((rsa.RSAPrivateKey, "RSA"), (ec.EllipticCurvePrivateKey, "ECDSA"),
                       (dsa.DSAPrivateKey, "DSA"), (ed25519.Ed25519PrivateKey, "Ed25519")):
        if isinstance(key, kind):
            return name
    return "unknown"  # pragma: no cover - guarded by SUPPORTED_KEY_TYPES


def _check_dsa(data: bytes, flag: str) -> None:
    """DSA: refuse the formats Flux cannot read; warn for the one it can (hosts still reject DSA)."""
    if b"-----BEGIN DSA PRIVATE KEY-----" not in data:  # PKCS#8 or OpenSSH container
        raise InvalidArgumentValueError(
            f"The SSH private key given with {flag} is a DSA key in PKCS#8 or OpenSSH format, which Flux's "
            "source-controller cannot read (it reads DSA keys only as '-----BEGIN DSA PRIVATE KEY-----'); "
            "DSA keys are also refused by GitHub, Azure DevOps and OpenSSH servers by default.", _DSA_HELP)
    logger.warning("The SSH private key given with %s is a DSA key: GitHub, Azure DevOps and OpenSSH servers "
                   "(since 7.0) refuse DSA by default, so the source may fail to authenticate. %s", flag, _DSA_HELP)


# Optional first field of a known_hosts line (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT").
KNOWN_HOSTS_MARKERS = ("@cert-authority", "@revoked")


def validate_known_hosts(data: bytes, flag: str = "--known-hosts") -> int:
    """Check every non-comment line is a valid sshd known_hosts entry; return the number of entries."""
    import paramiko  # imported lazily: paramiko is slow to import
    from paramiko.hostkeys import HostKeyEntry, InvalidHostKey

    help_text = ("Each line must look like 'HOST KEYTYPE BASE64KEY', as written by "
                 "`ssh-keyscan HOST`, optionally after a @cert-authority or @revoked marker; comments start "
                 "with '#'.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidArgumentValueError(f"The known_hosts data given with {flag} is not UTF-8 text.",
                                        help_text) from None
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        marker, _, rest = line.partition(" ")
        if marker in KNOWN_HOSTS_MARKERS:  # sshd(8) markers, read by Flux too; paramiko parses the rest
            line = rest.strip()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                entry = HostKeyEntry.from_line(line, lineno=number)
        except (paramiko.SSHException, InvalidHostKey, ValueError, TypeError, IndexError, UnicodeError):
            entry = None
        if entry is None or entry.key is None:
            raise InvalidArgumentValueError(
                f"Line {number} of the known_hosts data given with {flag} is not a valid entry.", help_text)
        count += 1
    if count == 0:
        raise InvalidArgumentValueError(f"The known_hosts data given with {flag} has no entries.", help_text)
    return count
