"""The built wheel installs with `az extension add --source` into a fresh extension dir, is small, and runs."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from azure.cli.core import __version__ as TESTED_CLI_VERSION
from e2e_support import BIN, REPO

SDKS = ["azure-mgmt-kubernetesconfiguration-fluxconfigurations==1.0.0",
        "azure-mgmt-kubernetesconfiguration-extensions==1.0.0"]
# What `az extension add` puts in the extension dir (the extension, the two split SDKs and the copies of their
# dependencies that pip --target always installs), in bytes of file content.
MAX_INSTALLED_BYTES = 8 * 1024 * 1024


def _sizes(root):
    """(bytes of file content, bytes of disk blocks as `du` counts them)."""
    stats = [p.lstat() for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(s.st_size for s in stats), sum(s.st_blocks * 512 for s in stats)


def test_wheel_installs_with_az_extension_add(tmp_path):
    dist, wheels = tmp_path / "dist", tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("k8s_configuration-3.1.0-*.whl")
    # The extension's own dependencies, fetched once so that `az extension add` itself runs offline.
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(wheels), *SDKS],
                   check=True, capture_output=True, timeout=600)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "IDENTITY_"))}
    ext_dir = tmp_path / "extensions"
    env.update(AZURE_CONFIG_DIR=str(tmp_path / "az"), AZURE_EXTENSION_DIR=str(ext_dir),
               AZURE_CORE_COLLECT_TELEMETRY="false",
               PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels), AZURE_EXTENSION_USE_DYNAMIC_INSTALL="no")

    def az(*args):
        return subprocess.run([str(BIN / "az"), *args], check=False, env=env, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)

    added = az("extension", "add", "--source", str(wheel), "--yes")
    assert added.returncode == 0, added.stderr
    listed = az("extension", "show", "--name", "k8s-configuration", "-o", "json")
    assert listed.returncode == 0, listed.stderr
    shown = json.loads(listed.stdout)
    assert shown["version"] == "3.1.0" and shown["extensionType"] == "whl"
    meta = shown["metadata"]
    # The oldest az it claims to work with is the one this suite runs.
    assert meta["azext.minCliCoreVersion"] == TESTED_CLI_VERSION
    assert meta["author"] and meta["summary"].startswith("az k8s-configuration flux:")
    assert f"Programming Language :: Python :: 3.{sys.version_info.minor}" in meta["classifiers"]
    installed = ext_dir / "k8s-configuration"
    content, blocks = _sizes(installed)
    print(f"installed extension: {content / 2**20:.1f} MiB of files, {blocks / 2**20:.1f} MiB on disk")
    assert content <= MAX_INSTALLED_BYTES, f"{content / 2**20:.1f} MiB installed"
    # Only the split SDK packages: not the multi-API package with its 13 API versions.
    sdk = installed / "azure" / "mgmt" / "kubernetesconfiguration"
    assert sorted(p.name for p in sdk.iterdir() if p.is_dir()) == ["extensions", "fluxconfigurations"]
    assert not list(sdk.glob("v20*")) and not (sdk / "__init__.py").exists()
    helped = az("k8s-configuration", "flux", "create", "-h")
    assert helped.returncode == 0, helped.stderr
    assert "--kustomization" in helped.stdout
    # The deprecated Flux v1 commands load too (their ARM calls need no extra SDK package).
    legacy = az("k8s-configuration", "show", "-h")
    assert legacy.returncode == 0 and "Flux v1" in legacy.stdout, legacy.stderr
    # A write with --dry-run validates and prints the request without logging in or calling Azure.
    dry = az("k8s-configuration", "flux", "create", "-g", "rg", "-c", "arc", "-t", "connectedClusters", "-n", "cfg",
             "-u", "https://github.com/Azure/gitops-flux2-kustomize-helm-mt", "--branch", "main",
             "--kustomization", "name=infra", "path=./infrastructure", "prune=false", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert '"prune": false' in dry.stdout
