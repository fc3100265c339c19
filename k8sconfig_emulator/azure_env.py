"""`k8sconfig-emulator env`: a seeded AZURE_CONFIG_DIR and the export lines that make az use it."""

from __future__ import annotations

import json
import os
import shlex
import uuid
from collections.abc import Mapping
from pathlib import Path

from k8sconfig_emulator import certs, datadir
from k8sconfig_emulator.arm.platform import (
    AUDIENCE,
    SUBSCRIPTION_NAME,
    TENANT_DOMAIN,
    TENANT_NAME,
)
from k8sconfig_emulator.tokens import SUBSCRIPTION_ID, TENANT_ID

CLOUD = "K8sConfigEmulator"
PORT_MARKER = ".emulator-port"


def config_text() -> str:
    return (f"[cloud]\nname = {CLOUD}\n\n"
            "[core]\ncollect_telemetry = false\ninstance_discovery = false\noutput = json\n\n"
            "[extension]\nuse_dynamic_install = no\n")


def clouds_text(port: int) -> str:
    return (f"[{CLOUD}]\n"
            f"endpoint_resource_manager = https://127.0.0.1:{port}/\n"
            f"endpoint_active_directory = https://127.0.0.1:{port}\n"
            f"endpoint_active_directory_resource_id = {AUDIENCE}\n"
            f"endpoint_management = {AUDIENCE}\n")


def profile(installation_id: str) -> dict:
    return {"installationId": installation_id, "subscriptions": [{
        "id": SUBSCRIPTION_ID, "name": SUBSCRIPTION_NAME, "state": "Enabled", "isDefault": True,
        "tenantId": TENANT_ID, "homeTenantId": TENANT_ID, "environmentName": CLOUD,
        "tenantDisplayName": TENANT_NAME, "tenantDefaultDomain": TENANT_DOMAIN, "managedByTenants": [],
        "user": {"name": "systemAssignedIdentity", "type": "servicePrincipal", "assignedIdentityInfo": "MSI"},
    }]}


def seed(config_dir: Path, port: int) -> None:
    """(Re)write the az config files when they are missing or the port changed."""
    config_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(config_dir, 0o700)
    marker = config_dir / PORT_MARKER
    if marker.exists() and marker.read_text().strip() == str(port) and (config_dir / "azureProfile.json").exists():
        return
    (config_dir / "config").write_text(config_text())
    (config_dir / "clouds.config").write_text(clouds_text(port))
    (config_dir / "azureProfile.json").write_text(json.dumps(profile(str(uuid.uuid4())), indent=2))
    marker.write_text(str(port))


def extension_dir(environ: Mapping[str, str]) -> str:
    if environ.get("AZURE_EXTENSION_DIR"):
        return environ["AZURE_EXTENSION_DIR"]
    config_dir = environ.get("AZURE_CONFIG_DIR") or str(Path(environ.get("HOME") or Path.home()) / ".azure")
    return str(Path(config_dir).expanduser() / "cliextensions")


def environment(data_dir: Path, port: int, environ: Mapping[str, str]) -> dict[str, str]:
    """Variables that point az at the running emulator; seeds the config dir as a side effect."""
    config_dir = data_dir / "azure"
    seed(config_dir, port)
    bundle = certs.write_ca_bundle(data_dir)
    return {
        "AZURE_CONFIG_DIR": str(config_dir),
        "AZURE_EXTENSION_DIR": extension_dir(environ),
        "AZURE_CORE_COLLECT_TELEMETRY": "false",
        "IDENTITY_ENDPOINT": f"https://127.0.0.1:{port}/msi/token",
        "IDENTITY_HEADER": datadir.identity_secret(data_dir),
        "REQUESTS_CA_BUNDLE": str(bundle),
        "K8SCONFIG_EMULATOR_DATA_DIR": str(data_dir),
    }


def export_lines(variables: dict[str, str]) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in variables.items())
