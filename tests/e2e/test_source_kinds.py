"""Every source kind through `flux create`: the request body, secret handling, and the emulated outcome.

The emulator fetches git for real; bucket, azblob and oci configurations are provisioned (Succeeded) and
then reported Non-Compliant because the emulated cluster cannot reach such sources.
"""
from __future__ import annotations

import base64
import json

import pytest
import spec_schema
from e2e_support import TUTORIAL_URL, wait_until
from flux_e2e_helpers import FLUX, flux_writes, props

BLOB_URL = "https://e2eaccount.blob.core.windows.net"
KUSTOMIZATION = ["-k", "name=root", "path=./"]

# id -> (flags before the secret file flag, secret file flag or None, secret value, sourceKind, wire field)
NON_GIT = {
    "bucket": (["--kind", "bucket", "-u", "https://s3.example.com", "--bucket-name", "manifests",
                "--bucket-access-key", "AKIAE2EEXAMPLE"], "--bucket-secret-key-file", "bucket-s3cret-e2e",
               "Bucket", "bucket"),
    "azblob-account-key": (["--kind", "azblob", "-u", BLOB_URL, "--container-name", "manifests"],
                           "--account-key-file", "YWNjb3VudC1rZXktZTJl", "AzureBlob", "azureBlob"),
    "azblob-sas": (["--kind", "azblob", "-u", BLOB_URL, "--container-name", "manifests"],
                   "--sas-token-file", "sv=2024-01-01&sig=e2e-sas-signature", "AzureBlob", "azureBlob"),
    "azblob-service-principal": (["--kind", "azblob", "-u", BLOB_URL, "--container-name", "manifests",
                                  "--sp-client-id", "11111111-2222-3333-4444-555555555555",
                                  "--sp-tenant-id", "66666666-7777-8888-9999-000000000000"],
                                 "--sp-client-secret-file", "sp-client-s3cret-e2e", "AzureBlob", "azureBlob"),
    "oci": (["--kind", "oci", "-u", "oci://registry.example.com/org/manifests", "--tag", "v1.0.0"],
            None, None, "OCIRepository", "ociRepository"),
}


def _put_body(emulator, mark, name):
    puts = [c for c in flux_writes(emulator.requests_since(mark), name) if c["method"] == "PUT"]
    assert len(puts) == 1
    return puts[0]["body"]


def _unsupported(emulator, cluster, name):
    cfg = emulator.az(*FLUX, "show", *cluster["args"], "-n", name).ok().json
    return cfg if props(cfg)["complianceState"] == "Non-Compliant" else None


@pytest.mark.parametrize("case", list(NON_GIT))
def test_non_git_source_is_provisioned_then_reported_unsupported(emulator, cluster, tmp_path, case):
    flags, secret_flag, secret, kind, field = NON_GIT[case]
    name = case
    args = list(flags)
    if secret_flag:
        secret_file = tmp_path / "secret.txt"
        secret_file.write_text(secret + "\n")
        args += [secret_flag, str(secret_file)]
    mark = emulator.log_mark()
    created = emulator.az(*FLUX, "create", *cluster["args"], "-n", name, *args, *KUSTOMIZATION).ok()
    assert props(created.json)["provisioningState"] == "Succeeded"
    assert props(created.json)["sourceKind"] == kind

    body = _put_body(emulator, mark, name)
    spec_schema.assert_valid(body, "FluxConfiguration")
    assert body["properties"]["sourceKind"] == kind and field in body["properties"]
    if secret:
        assert "<redacted>" in json.dumps(body)
        for text in (emulator.log_path.read_text(), created.stdout, created.stderr):
            assert secret not in text

    cfg = wait_until(lambda: _unsupported(emulator, cluster, name), timeout=60)
    assert props(cfg)["provisioningState"] == "Succeeded"
    assert "not supported by the emulator" in props(cfg)["errorMessage"]
    source = next(s for s in props(cfg)["statuses"] if s["kind"] == kind)
    assert source["complianceState"] == "Non-Compliant" and source["name"] == name
    if secret:
        assert secret not in json.dumps(cfg)

    table = emulator.az(*FLUX, "show", *cluster["args"], "-n", name, "-o", "table").ok().stdout
    assert kind in table and "Non-Compliant" in table


def test_wait_on_an_unsupported_source_fails_fast_with_the_reason(emulator, cluster):
    result = emulator.az(*FLUX, "create", *cluster["args"], "-n", "oci-wait", *NON_GIT["oci"][0],
                         *KUSTOMIZATION, "--wait-for-compliance", "--compliance-timeout", "10m", timeout=120)
    assert result.returncode == 1, result.stderr
    assert "OCIRepository" in result.stderr and "not supported by the emulator" in result.stderr
    assert "Traceback" not in result.stderr


def test_git_https_credentials_from_a_file(emulator, cluster, tmp_path):
    key = "ghp_e2eHttpsToken0123456789"
    key_file = tmp_path / "https-key.txt"
    key_file.write_text(key + "\n")
    mark = emulator.log_mark()
    created = emulator.az(*FLUX, "create", *cluster["args"], "-n", "https-auth", "-u", TUTORIAL_URL,
                          "--branch", "main", "--https-user", "e2e-bot", "--https-key-file", str(key_file),
                          "-k", "name=infra", "path=./infrastructure", "--wait-for-compliance",
                          "--compliance-timeout", "2m").ok()
    cfg = created.json
    assert props(cfg)["complianceState"] == "Compliant"
    assert props(cfg)["gitRepository"]["httpsUser"] == "e2e-bot"
    assert not (props(cfg).get("configurationProtectedSettings") or {}).get("httpsKey")

    body = _put_body(emulator, mark, "https-auth")
    spec_schema.assert_valid(body, "FluxConfiguration")
    assert body["properties"]["configurationProtectedSettings"] == {"httpsKey": "<redacted>"}
    assert body["properties"]["gitRepository"]["httpsUser"] == "e2e-bot"
    encoded = base64.b64encode(key.encode()).decode()  # the wire form of httpsKey
    for text in (emulator.log_path.read_text(), created.stdout, created.stderr):
        assert key not in text and encoded not in text
