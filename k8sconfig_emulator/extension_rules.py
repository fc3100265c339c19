"""Server-side rules and read-only fields for cluster extensions (pure functions)."""

from __future__ import annotations

import uuid

from k8sconfig_emulator import errors
from k8sconfig_emulator.tokens import TENANT_ID

FLUX_TYPE = "microsoft.flux"
DEFAULT_VERSIONS = {FLUX_TYPE: "1.15.2"}
FALLBACK_VERSION = "1.0.0"


def is_flux(extension: dict | None) -> bool:
    return bool(extension) and str(extension.get("properties", {}).get("extensionType", "")).lower() == FLUX_TYPE


# States of an installed microsoft.flux extension in which it takes flux configurations (an update keeps the
# installed agents running).
FLUX_WRITABLE_STATES = ("Succeeded", "Updating")


def check_flux_ready(extensions: list[dict], cluster: str, cluster_flags: str) -> None:
    """Flux configurations are written only on a cluster whose microsoft.flux extension is installed."""
    flux = next((e for e in extensions if is_flux(e)), None)
    if flux is None:
        raise errors.flux_extension_missing(
            cluster, f"az k8s-extension create {cluster_flags} --name flux --extension-type {FLUX_TYPE}")
    state = flux.get("properties", {}).get("provisioningState") or "Unknown"
    if state in FLUX_WRITABLE_STATES:
        return
    if state in ("Creating", "Accepted"):
        remedy = "Wait until its installation has finished, then retry."
    elif state == "Deleting":
        remedy = "Wait until it is deleted, install it again, then retry."
    else:
        remedy = (f"Delete it (az k8s-extension delete {cluster_flags} --name {flux['name']} --yes) and install "
                  "it again.")
    raise errors.flux_extension_not_ready(cluster, flux["name"], state, remedy)


def check_create(props: dict, existing: dict | None, siblings: list[dict], name: str) -> None:
    ext_type = props.get("extensionType")
    if not ext_type:
        raise errors.validation_failed("properties.extensionType is required (for example 'microsoft.flux').",
                                       target="properties.extensionType")
    if existing is not None:
        old_type = existing["properties"].get("extensionType", "")
        if old_type.lower() != ext_type.lower():
            raise errors.validation_failed(
                f"properties.extensionType cannot be changed (current: '{old_type}'). "
                "Delete the extension and create a new one.", target="properties.extensionType")
    for other in siblings:
        same_type = other["properties"].get("extensionType", "").lower() == ext_type.lower()
        if same_type and other["name"].lower() != name.lower():
            raise errors.conflict(f"An extension of type '{ext_type}' is already installed on this cluster "
                                  f"as '{other['name']}'. Update that extension instead.")
    check_version_pin(props)
    scope = props.get("scope") or {}
    if scope.get("cluster") and scope.get("namespace"):
        raise errors.validation_failed("properties.scope may be either 'cluster' or 'namespace', not both.",
                                       target="properties.scope")


def check_version_pin(props: dict) -> None:
    if props.get("version") and props.get("autoUpgradeMinorVersion", True):
        raise errors.validation_failed(
            "properties.version can only be pinned when properties.autoUpgradeMinorVersion is false.",
            target="properties.version")


def fill_read_only(props: dict, name: str) -> dict:
    """Read-only fields of an extension that is being installed or updated."""
    out = dict(props)
    if not out.get("scope"):
        namespace = "flux-system" if out.get("extensionType", "").lower() == FLUX_TYPE else name.lower()
        out["scope"] = {"cluster": {"releaseNamespace": namespace}}
    out.setdefault("currentVersion", None)
    out["isSystemExtension"] = False
    out.setdefault("statuses", [])
    out.setdefault("errorInfo", None)
    out.setdefault("customLocationSettings", None)
    out.setdefault("packageUri", None)
    return out


def installed_version(props: dict) -> str:
    return props.get("version") or DEFAULT_VERSIONS.get(props.get("extensionType", "").lower(), FALLBACK_VERSION)


def fill_identity(identity: dict | None, existing: dict | None) -> dict | None:
    if not identity or identity.get("type") is None:
        return None
    if identity.get("type") != "SystemAssigned":
        raise errors.validation_failed("identity.type must be 'SystemAssigned'.", target="identity.type")
    principal = (existing or {}).get("principalId") or str(uuid.uuid4())
    return {"type": "SystemAssigned", "principalId": principal, "tenantId": TENANT_ID}
