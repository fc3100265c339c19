"""extensions: the KindSpec hooks (build bodies, plan operations, public view)."""

from __future__ import annotations

from k8sconfig_emulator import extension_rules, lifecycle
from k8sconfig_emulator.arm.lro_resources import KindSpec, collection_id
from k8sconfig_emulator.arm.scope import ClusterRef, system_data
from k8sconfig_emulator.resource_schemas import (
    EXTENSION,
    EXTENSION_PATCH,
    EXTENSION_PROPERTIES,
)
from k8sconfig_emulator.schema import apply_defaults, merge_patch, remove_secrets
from k8sconfig_emulator.services import Services

TYPE = "Microsoft.KubernetesConfiguration/extensions"
VERSIONS = ("2025-03-01", "2024-11-01", "2023-05-01", "2022-11-01", "2022-07-01", "2022-03-01")


def build_put(svc: Services, cluster: ClusterRef, name: str, body: dict, existing: dict | None) -> dict:
    props = apply_defaults(EXTENSION_PROPERTIES, body.get("properties") or {})
    siblings = svc.store.children(collection_id(cluster, SPEC), "extension")
    extension_rules.check_create(props, existing, siblings, name)
    props = extension_rules.fill_read_only(props, name)
    props["provisioningState"] = "Updating" if existing else "Creating"
    if existing:
        props["currentVersion"] = existing["properties"].get("currentVersion")
    stored = {"id": None, "name": existing["name"] if existing else name, "type": TYPE,
              "systemData": system_data(svc, existing), "properties": props}
    identity = extension_rules.fill_identity(body.get("identity"), (existing or {}).get("identity"))
    if identity:
        stored["identity"] = identity
    for key in ("plan", "managedBy"):
        if key in body:
            stored[key] = body[key]
    return stored


def build_patch(svc: Services, cluster: ClusterRef, name: str, patch: dict, existing: dict) -> dict:
    merged = merge_patch(existing["properties"], patch.get("properties") or {})
    extension_rules.check_version_pin(merged)
    merged = {**extension_rules.fill_read_only(merged, existing["name"]), "provisioningState": "Updating"}
    return {**existing, "systemData": system_data(svc, existing), "properties": merged}


def plan_operation(svc: Services, stored: dict, action: str) -> tuple[float, dict]:
    if action == "put" and stored["properties"].get("provisioningState") == "Creating":
        return svc.config.extension_install_delay, {"fail": svc.knobs.take_fail_next()}
    return svc.config.operation_delay, {}


def public_view(stored: dict) -> dict:
    return remove_secrets(EXTENSION, stored)


SPEC = KindSpec(kind="extension", collection="extensions", versions=VERSIONS, schema=EXTENSION,
                patch_schema=EXTENSION_PATCH, build_put=build_put, build_patch=build_patch,
                plan_operation=plan_operation, public_view=public_view,
                force_delete=lifecycle.remove_extension)
