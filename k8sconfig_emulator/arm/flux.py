"""fluxConfigurations: the KindSpec hooks (build bodies, plan operations, public view)."""

from __future__ import annotations

from k8sconfig_emulator import extension_rules, flux_rules, lifecycle
from k8sconfig_emulator.arm import extensions
from k8sconfig_emulator.arm.lro_resources import KindSpec, collection_id
from k8sconfig_emulator.arm.scope import ClusterRef, system_data
from k8sconfig_emulator.resource_schemas import FLUX, FLUX_PATCH, FLUX_PROPERTIES
from k8sconfig_emulator.schema import apply_defaults, merge_patch, remove_secrets
from k8sconfig_emulator.services import Services

TYPE = "Microsoft.KubernetesConfiguration/fluxConfigurations"
VERSIONS = ("2025-04-01", "2024-11-01", "2024-04-01-preview", "2023-05-01", "2022-11-01", "2022-07-01",
            "2022-03-01")
DEFAULT_WAIT_SECONDS = 600.0
_RESET_STATUS = {"complianceState": "Pending", "statuses": [], "errorMessage": None, "sourceSyncedCommitId": None,
                 "sourceUpdatedAt": None, "statusUpdatedAt": None, "repositoryPublicKey": None}


def _named_kustomizations(props: dict) -> dict:
    kustomizations = props.get("kustomizations") or {}
    return {**props, "kustomizations": {k: {**v, "name": k} for k, v in kustomizations.items()}}


def build_put(svc: Services, cluster: ClusterRef, name: str, body: dict, existing: dict | None) -> dict:
    props = apply_defaults(FLUX_PROPERTIES, body.get("properties") or {})
    flux_rules.check_all(name, props, existing["properties"] if existing else None)
    props = {**_named_kustomizations(props), **_RESET_STATUS,
             "provisioningState": "Updating" if existing else "Creating"}
    return {"id": None, "name": existing["name"] if existing else name, "type": TYPE,
            "systemData": system_data(svc, existing), "properties": props}


def build_patch(svc: Services, cluster: ClusterRef, name: str, patch: dict, existing: dict) -> dict:
    patch_props = patch.get("properties") or {}
    merged = merge_patch(existing["properties"], patch_props)
    merged = apply_defaults(FLUX_PROPERTIES, flux_rules.drop_other_sources(merged, patch_props))
    flux_rules.check_all(existing["name"], merged, existing["properties"])
    merged = {**_named_kustomizations(merged), "provisioningState": "Updating"}
    return {**existing, "systemData": system_data(svc, existing), "properties": merged}


def plan_operation(svc: Services, stored: dict, action: str) -> tuple[float, dict]:
    props = stored["properties"]
    meta = {}
    if action != "delete" and props.get("waitForReconciliation"):
        meta = {"wait_seconds": flux_rules.duration_seconds(props.get("reconciliationWaitDuration"),
                                                            DEFAULT_WAIT_SECONDS)}
    return svc.config.operation_delay, meta


def require_flux_extension(svc: Services, cluster: ClusterRef) -> None:
    installed = svc.store.children(collection_id(cluster, extensions.SPEC), extensions.SPEC.kind)
    flags = f"-g {cluster.group} -c {cluster.name} -t {cluster.ctype}"
    if cluster.ctype == "provisionedClusters":
        flags += f" --cluster-resource-provider {cluster.rp}"
    extension_rules.check_flux_ready(installed, cluster.name, flags)


def public_view(stored: dict) -> dict:
    view = remove_secrets(FLUX, stored)
    view["properties"] = flux_rules.expand_repository_ref(view.get("properties", {}))
    return view


SPEC = KindSpec(kind="flux", collection="fluxConfigurations", versions=VERSIONS, schema=FLUX,
                patch_schema=FLUX_PATCH, build_put=build_put, build_patch=build_patch,
                plan_operation=plan_operation, public_view=public_view,
                force_delete=lifecycle.remove_flux, check_cluster=require_flux_extension)
