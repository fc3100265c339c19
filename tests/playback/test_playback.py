"""Recorded scenarios: recorded against the emulator, replayed with no server and az's default AzureCloud.

Playback proves the wire format stays the same: a request whose method, URL or body changed finds no
recorded answer and the command fails. Re-record after an intended change with

    K8SCONFIG_RECORD=1 .venv/bin/pytest tests/playback
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
RECORDINGS = HERE / "recordings"
WRAPPER = HERE / "az_vcr.py"
RECORD = os.environ.get("K8SCONFIG_RECORD") == "1"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
TENANT = "00000000-0000-0000-0000-0000000000aa"

GROUP, CLUSTER = "playback-rg", "playback-arc"
CL = ["-g", GROUP, "-c", CLUSTER, "-t", "connectedClusters"]
FLUX = ["k8s-configuration", "flux"]

# Each scenario: a list of az command lines run in order against one cluster.
SCENARIOS = {
    "tutorial": [
        [*FLUX, "create", *CL, "-n", "cluster-config", "--namespace", "cluster-config", "--scope", "cluster",
         "-u", "https://github.com/Azure/gitops-flux2-kustomize-helm-mt", "--branch", "main",
         "--kustomization", "name=infra", "path=./infrastructure", "prune=true",
         "--kustomization", "name=apps", "path=./apps/staging", "prune=true", 'dependsOn=["infra"]'],
        [*FLUX, "show", *CL, "-n", "cluster-config"],
        [*FLUX, "list", *CL],
        [*FLUX, "kustomization", "create", *CL, "-n", "cluster-config", "-k", "extra", "--path", "./apps/base",
         "--depends-on", "infra", "--prune"],
        [*FLUX, "kustomization", "update", *CL, "-n", "cluster-config", "-k", "extra", "--retry-interval", "2m"],
        [*FLUX, "kustomization", "delete", *CL, "-n", "cluster-config", "-k", "extra", "--yes"],
        [*FLUX, "update", *CL, "-n", "cluster-config", "--suspend"],
        [*FLUX, "delete", *CL, "-n", "cluster-config", "--yes"],
    ],
    "other-sources": [
        [*FLUX, "create", *CL, "-n", "bucket-config", "--kind", "bucket", "-u", "https://minio.example.com",
         "--bucket-name", "manifests", "--bucket-access-key", "playback-access", "--bucket-secret-key",
         "playback-bucket-secret", "--kustomization", "name=all", "path=./", "--interval", "5m"],
        [*FLUX, "create", *CL, "-n", "blob-config", "--kind", "azblob", "-u", "https://acct.blob.core.windows.net",
         "--container-name", "manifests", "--sas-token", "playback-sas", "--kustomization", "name=all", "path=./"],
        [*FLUX, "create", *CL, "-n", "oci-config", "--kind", "oci", "-u", "oci://ghcr.io/example/manifests",
         "--tag", "v1.0.0", "--use-workload-identity", "--kustomization", "name=all", "path=./"],
        [*FLUX, "update", *CL, "-n", "bucket-config", "--bucket-insecure"],
        [*FLUX, "delete", *CL, "-n", "bucket-config", "--yes"],
        [*FLUX, "delete", *CL, "-n", "blob-config", "--yes"],
        [*FLUX, "delete", *CL, "-n", "oci-config", "--yes"],
    ],
}


def _playback_config_dir(path: Path) -> Path:
    """A brand-new az config dir on the default AzureCloud with one (fake) subscription."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "config").write_text("[core]\ncollect_telemetry = false\n[extension]\nuse_dynamic_install = no\n")
    profile = {"subscriptions": [{
        "id": SUBSCRIPTION, "name": "playback", "state": "Enabled", "tenantId": TENANT, "isDefault": True,
        "environmentName": "AzureCloud", "homeTenantId": TENANT,
        "user": {"name": "playback@example.invalid", "type": "user"}}], "installationId": str(uuid.uuid4())}
    (path / "azureProfile.json").write_text(json.dumps(profile))
    return path


def _run(env: dict, mode: str, cassette: Path, args: list[str], local: str | None = None):
    head = [sys.executable, str(WRAPPER), mode, str(cassette)] + ([local] if local else []) + ["--"]
    return subprocess.run(head + args, check=False, env=env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_playback(scenario, tmp_path, request):
    steps = SCENARIOS[scenario]
    if RECORD:
        emulator = request.getfixturevalue("emulator")
        emulator.add_cluster(CLUSTER, GROUP)
        env, mode, local = dict(emulator.env), "record", emulator.url
    else:
        if not (RECORDINGS / scenario / "00.yaml").exists():
            pytest.fail(f"no recording for {scenario}; record with K8SCONFIG_RECORD=1")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AZURE_", "IDENTITY_", "MSI_", "REQUESTS_CA", "K8SCONFIG_"))}
        env.update(AZURE_CONFIG_DIR=str(_playback_config_dir(tmp_path / "az")),
                   AZURE_EXTENSION_DEV_SOURCES=str(REPO / ".venv" / "extdev"),
                   AZURE_EXTENSION_DIR=str(tmp_path / "no-extensions"),
                   AZURE_CORE_COLLECT_TELEMETRY="false",
                   HTTPS_PROXY="https://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")  # nothing may escape
        mode, local = "playback", None
    (RECORDINGS / scenario).mkdir(parents=True, exist_ok=True)
    for index, args in enumerate(steps):
        cassette = RECORDINGS / scenario / f"{index:02d}.yaml"
        if RECORD and cassette.exists():
            cassette.unlink()
        result = _run(env, mode, cassette, args, local)
        assert result.returncode == 0, f"step {index} ({' '.join(args[:4])}) failed:\n{result.stderr}"
        assert "Traceback" not in result.stderr
        if scenario == "tutorial" and args[2] in ("show", "create"):
            out = json.loads(result.stdout)
            assert out["name"] == "cluster-config"
            assert out["kustomizations"]["apps"]["dependsOn"] == ["infra"]


def test_recordings_hold_no_local_hosts_or_tokens():
    texts = [p.read_text() for p in RECORDINGS.rglob("*.yaml")]
    assert texts, "no recordings committed"
    for text in texts:
        assert "127.0.0.1" not in text and "localhost" not in text
        assert "Bearer " not in text and "access_token" not in text
