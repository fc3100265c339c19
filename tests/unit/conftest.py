"""Shared fixtures for the parsing-layer unit tests: generated keys and FluxArgs builders."""
from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa

from azext_k8s_configuration.flux_args import FluxArgs

GIT_URL = "https://github.com/Azure/gitops-flux2-kustomize-helm-mt"
KNOWN_HOSTS_LINE = ("github.com ssh-ed25519 "
                    "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


@pytest.fixture(scope="session")
def private_keys() -> dict[str, bytes]:
    """Unencrypted private keys of every supported type and format (generated once per session)."""
    fmt = serialization.PrivateFormat
    none = serialization.NoEncryption()
    pem = serialization.Encoding.PEM
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    dsa_key = dsa.generate_private_key(key_size=2048)
    ed_key = ed25519.Ed25519PrivateKey.generate()
    return {
        "rsa-pkcs1": rsa_key.private_bytes(pem, fmt.TraditionalOpenSSL, none),
        "rsa-openssh": rsa_key.private_bytes(pem, fmt.OpenSSH, none),
        "ec-sec1": ec_key.private_bytes(pem, fmt.TraditionalOpenSSL, none),
        "ec-pkcs8": ec_key.private_bytes(pem, fmt.PKCS8, none),
        "dsa": dsa_key.private_bytes(pem, fmt.TraditionalOpenSSL, none),
        "dsa-pkcs8": dsa_key.private_bytes(pem, fmt.PKCS8, none),
        "dsa-openssh": dsa.generate_private_key(key_size=1024).private_bytes(pem, fmt.OpenSSH, none),
        "ed25519-openssh": ed_key.private_bytes(pem, fmt.OpenSSH, none),
        "ed25519-pkcs8": ed_key.private_bytes(pem, fmt.PKCS8, none),
        "rsa-encrypted": rsa_key.private_bytes(pem, fmt.PKCS8, serialization.BestAvailableEncryption(b"pw")),
        "ed25519-encrypted": ed_key.private_bytes(pem, fmt.OpenSSH, serialization.BestAvailableEncryption(b"pw")),
    }


def git_args(**overrides) -> FluxArgs:
    values = {"url": GIT_URL, "branch": "main"}
    values.update(overrides)
    return FluxArgs(**values)


def existing_config(kind_prop: str = "gitRepository", source: dict | None = None, **props) -> dict:
    source_kind = {"gitRepository": "GitRepository", "bucket": "Bucket", "azureBlob": "AzureBlob",
                   "ociRepository": "OCIRepository"}[kind_prop]
    default = {"url": GIT_URL, "repositoryRef": {"branch": "main"}} if kind_prop == "gitRepository" else {}
    properties = {"scope": "cluster", "namespace": "default", "sourceKind": source_kind,
                  kind_prop: default if source is None else source,
                  "kustomizations": {"infra": {"path": "./infrastructure", "prune": True}}}
    properties.update(props)
    return {"id": "/subscriptions/x/.../fluxConfigurations/cfg", "name": "cfg", "properties": properties}
