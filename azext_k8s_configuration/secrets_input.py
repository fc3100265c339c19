"""Secret and certificate inputs: the literal option versus its `-file` twin, and base64 rules.

Each input has an encoding mode (data in SECRET_INPUTS):
- "b64":    the literal value must already be base64 (it is validated and sent with whitespace removed);
            the file variant is read as bytes and base64-encoded here. Used for keys and certificates:
            --ssh-private-key, --https-ca-cert, --known-hosts, --sp-client-cert, --tls-*.
- "encode": the literal is plain text and base64-encoded here; the file's text (surrounding whitespace
            removed) likewise. Used for --https-key and --bucket-secret-key (configurationProtectedSettings).
- "plain":  sent as typed; the file's text with surrounding whitespace removed. Used for the Azure Blob
            secrets, which the API takes as plain (secret) properties.

Giving both the literal and the file is a MutuallyExclusiveArgumentError; an unreadable, non-UTF-8 (for
text modes) or empty file is an InvalidArgumentValueError naming the flag (and the path, except for an unreadable
secret file: `--https-key-file @token.txt` reaches the extension as the token, since az expands @path itself).
"""
from __future__ import annotations

import base64
import binascii

from azure.cli.core.azclierror import (
    InvalidArgumentValueError,
    MutuallyExclusiveArgumentError,
)

from .flux_args import FluxArgs, flag

# literal dest -> (file dest or None, mode)
SECRET_INPUTS: dict[str, tuple[str | None, str]] = {
    "ssh_private_key": ("ssh_private_key_file", "b64"),
    "https_key": ("https_key_file", "encode"),
    "https_ca_cert": ("https_ca_cert_file", "b64"),
    "known_hosts": ("known_hosts_file", "b64"),
    "bucket_secret_key": ("bucket_secret_key_file", "encode"),
    "sp_client_secret": ("sp_client_secret_file", "plain"),
    "sp_client_cert": ("sp_client_cert_file", "b64"),
    "sp_client_cert_password": ("sp_client_cert_password_file", "plain"),
    "account_key": ("account_key_file", "plain"),
    "sas_token": ("sas_token_file", "plain"),
    "tls_private_key": ("tls_private_key_file", "b64"),
    "tls_ca_certificate": (None, "b64"),
    "tls_client_certificate": (None, "b64"),
}


def read_file_bytes(path: str, file_flag: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        if file_flag in _FILE_FLAGS:
            # az replaces an `@path` argument with the file's content, so `--https-key-file @token.txt` arrives
            # here as the secret itself: never echo the value of a secret file option.
            raise InvalidArgumentValueError(
                f"Cannot read the file given to {file_flag}: {err.strerror or err} (the value is not shown, as it "
                "may be a secret).",
                f"Give {file_flag} the path itself, without a leading '@' (az replaces @path with the file's "
                "content), and check that it exists and is readable.") from None
        raise InvalidArgumentValueError(
            f"Cannot read the file {path!r} given to {file_flag}: {err.strerror or err}.",
            "Check that the path exists and is readable.") from None
    if not data.strip():
        raise InvalidArgumentValueError(f"The file {path!r} given to {file_flag} is empty.",
                                        "Point the option at a file with the secret in it.")
    return data


def read_file_text(path: str, file_flag: str) -> str:
    """File content as UTF-8 text with surrounding whitespace removed."""
    data = read_file_bytes(path, file_flag)
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise InvalidArgumentValueError(f"The file {path!r} given to {file_flag} is not UTF-8 text.",
                                        "Save the file as UTF-8 and try again.") from None


def decode_base64(value: str, value_flag: str) -> bytes:
    """Strictly decode base64 (whitespace ignored); InvalidArgumentValueError naming the flag."""
    compact = "".join(value.split()) if isinstance(value, str) else ""
    try:
        data = base64.b64decode(compact.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        data = b""
    if not data:
        file_hint = f" or use the file option {value_flag}-file" if value_flag + "-file" in _FILE_FLAGS else ""
        raise InvalidArgumentValueError(f"The value of {value_flag} is not valid base64.",
                                        f"Encode the content with base64 (e.g. `base64 -w0 FILE`){file_hint}.")
    return data


def b64encode(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return base64.b64encode(raw).decode("ascii")


def resolve_secret(args: FluxArgs, dest: str) -> str | None:
    """The wire value of one secret input (None when neither the literal nor the file was given)."""
    file_dest, mode = SECRET_INPUTS[dest]
    value = getattr(args, dest)
    path = getattr(args, file_dest) if file_dest else None
    if value is not None and path is not None:
        raise MutuallyExclusiveArgumentError(f"{flag(dest)} and {flag(file_dest)} cannot be used together.",
                                             f"Give the value either inline with {flag(dest)} or in a file "
                                             f"with {flag(file_dest)}.")
    if path is not None:
        if mode == "b64":
            return b64encode(read_file_bytes(path, flag(file_dest)))
        text = read_file_text(path, flag(file_dest))
        return b64encode(text) if mode == "encode" else text
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentValueError(f"The value of {flag(dest)} is empty.", "Give a non-empty value.")
    if mode == "b64":
        decode_base64(value, flag(dest))
        return "".join(value.split())
    return b64encode(value) if mode == "encode" else value


def resolve_secrets(args: FluxArgs) -> dict[str, str]:
    """Every given secret input, keyed by its literal dest name, in wire form."""
    resolved = {}
    for dest in SECRET_INPUTS:
        wire = resolve_secret(args, dest)
        if wire is not None:
            resolved[dest] = wire
    return resolved


_FILE_FLAGS = {flag(file_dest) for file_dest, _ in SECRET_INPUTS.values() if file_dest}
