"""The built wheel installs with `az extension add --source` into a fresh config dir and runs."""
from __future__ import annotations

import os
import subprocess
import sys

from e2e_support import BIN, REPO

SDKS = ["azure-mgmt-kubernetesconfiguration-fluxconfigurations==1.0.0",
        "azure-mgmt-kubernetesconfiguration-extensions==1.0.0",
        "azure-mgmt-kubernetesconfiguration==3.1.0"]


def test_wheel_installs_with_az_extension_add(tmp_path):
    dist, wheels = tmp_path / "dist", tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("k8s_configuration-3.0.0-*.whl")
    # The extension's own dependencies, fetched once so that `az extension add` itself runs offline.
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(wheels), *SDKS],
                   check=True, capture_output=True, timeout=600)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "IDENTITY_"))}
    env.update(AZURE_CONFIG_DIR=str(tmp_path / "az"), AZURE_CORE_COLLECT_TELEMETRY="false",
               PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels), AZURE_EXTENSION_USE_DYNAMIC_INSTALL="no")

    def az(*args):
        return subprocess.run([str(BIN / "az"), *args], check=False, env=env, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)

    added = az("extension", "add", "--source", str(wheel), "--yes")
    assert added.returncode == 0, added.stderr
    listed = az("extension", "show", "--name", "k8s-configuration", "-o", "json")
    assert listed.returncode == 0, listed.stderr
    assert '"version": "3.0.0"' in listed.stdout and '"extensionType": "whl"' in listed.stdout
    helped = az("k8s-configuration", "flux", "create", "-h")
    assert helped.returncode == 0, helped.stderr
    assert "--kustomization" in helped.stdout
    # A write with --dry-run validates and prints the request without logging in or calling Azure.
    dry = az("k8s-configuration", "flux", "create", "-g", "rg", "-c", "arc", "-t", "connectedClusters", "-n", "cfg",
             "-u", "https://github.com/Azure/gitops-flux2-kustomize-helm-mt", "--branch", "main",
             "--kustomization", "name=infra", "path=./infrastructure", "prune=false", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert '"prune": false' in dry.stdout
