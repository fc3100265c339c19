"""Preflight checks for Flux v2 on a cluster, optionally fixing what can be fixed safely.

Each check returns {check, ok, status, code, detail, fix_command}: ``status`` is passed, failed, inProgress or
skipped (``ok`` True, False, None, None); ``code`` says why, for scripts and for ``--fix``, which repairs by code:
it registers the resource provider, installs a missing microsoft.flux extension and waits for one in progress —
with the same code and calls as `flux create` (providers/extension_install.py) — then runs every check again so
the results describe the state after the fixes. Flux v1 configurations and failed extensions are only reported
(deleting them is the user's decision). The clients come from the shared factory, with its retry settings.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from azure.cli.core.azclierror import AzCLIError
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from azext_k8s_configuration.cluster_ref import ClusterRef
from azext_k8s_configuration.providers import extension_install as ei
from azext_k8s_configuration.providers._arm import cluster_args, cluster_path, plain
from azext_k8s_configuration.providers.registration import (
    PROVIDER_NAMESPACE,
    REGISTRATION_TIMEOUT_SECONDS,
    register_and_wait,
)

_CLUSTER_API_VERSIONS = {"managedclusters": "2021-10-01", "connectedclusters": "2021-10-01",
                         "provisionedclusters": "2022-05-01-preview", "appliances": "2021-10-31-preview"}
_FLUX_V1_CLUSTER_TYPES = {"connectedclusters", "managedclusters"}

CHECK_PROVIDER = "Resource provider Microsoft.KubernetesConfiguration registered"
CHECK_CLUSTER = "Cluster resource exists"
CHECK_EXTENSION = "microsoft.flux extension installed"
CHECK_FLUX_V1 = "No Flux v1 (sourceControlConfigurations) on the cluster"

PASSED, FAILED, IN_PROGRESS, SKIPPED = "passed", "failed", "inProgress", "skipped"
_OK = {PASSED: True, FAILED: False, IN_PROGRESS: None, SKIPPED: None}

# Result codes.
PROVIDER_REGISTERED, PROVIDER_NOT_REGISTERED, PROVIDER_REGISTERING = (
    "ProviderRegistered", "ProviderNotRegistered", "ProviderRegistering")
CLUSTER_FOUND, CLUSTER_NOT_FOUND = "ClusterFound", "ClusterNotFound"
EXTENSION_CODES = {ei.READY: "ExtensionReady", ei.IN_PROGRESS: "ExtensionInProgress",
                   ei.DELETING: "ExtensionDeleting", ei.FAILED: "ExtensionFailed"}
EXTENSION_MISSING, EXTENSION_NAME_TAKEN = "ExtensionMissing", "ExtensionNameTaken"
NO_FLUX_V1, FLUX_V1_FOUND, NOT_APPLICABLE = "NoFluxV1", "FluxV1Found", "NotApplicable"
CHECK_ERROR, NOT_CHECKED, FIX_FAILED = "CheckError", "NotChecked", "FixFailed"
_UNREGISTERED_STATES = {"NotRegistered", "Unregistered"}


@dataclass
class PreflightClients:
    providers: Any        # azure.mgmt.resource ProvidersOperations
    resources: Any        # azure.mgmt.resource ResourcesOperations
    extensions: Any       # extensions operations (list)
    source_control: Any   # Flux v1 sourceControlConfigurations (list)
    subscription_id: str
    # Installs (or waits for) the microsoft.flux extension given the cluster's extensions, like create does.
    ensure_extension: Callable[[ClusterRef, list], Any]


def make_clients(cmd) -> PreflightClients:
    from azure.cli.core.commands.client_factory import get_subscription_id

    from azext_k8s_configuration._client_factory import (
        cf_extensions,
        cf_resource_management,
        cf_source_control_configurations,
    )
    resource_client = cf_resource_management(cmd.cli_ctx)
    extensions = cf_extensions(cmd.cli_ctx)
    return PreflightClients(
        providers=resource_client.providers, resources=resource_client.resources, extensions=extensions,
        source_control=cf_source_control_configurations(cmd.cli_ctx),
        subscription_id=get_subscription_id(cmd.cli_ctx),
        ensure_extension=lambda cluster, found: ei.ensure_among(cmd, extensions, cluster, found))


def _result(check: str, status: str, code: str, detail: str, fix_command: str | None = None) -> dict:
    return {"check": check, "ok": _OK[status], "status": status, "code": code, "detail": detail,
            "fix_command": fix_command}


def _first_line(error: Exception) -> str:
    text = getattr(error, "error_msg", None) or getattr(error, "message", None) or str(error)
    return (str(text).strip().splitlines() or ["unknown error"])[0]


def _call_failure(check: str, error: Exception) -> dict:
    return _result(check, FAILED, CHECK_ERROR, f"could not be checked: {_first_line(error)}")


def _cluster_create_command(cluster: ClusterRef) -> str | None:
    commands = {"connectedclusters": "az connectedk8s connect", "managedclusters": "az aks create"}
    base = commands.get(cluster.cluster_type.lower())
    return f"{base} -g {cluster.resource_group} -n {cluster.cluster_name}" if base else None


def check_provider(clients: PreflightClients) -> dict:
    try:
        state = getattr(clients.providers.get(PROVIDER_NAMESPACE), "registration_state", None) or "Unknown"
    except HttpResponseError as error:
        return _call_failure(CHECK_PROVIDER, error)
    if state == "Registered":
        return _result(CHECK_PROVIDER, PASSED, PROVIDER_REGISTERED, f"registrationState {state}")
    code = PROVIDER_REGISTERING if state == "Registering" else PROVIDER_NOT_REGISTERED
    return _result(CHECK_PROVIDER, FAILED, code, f"registrationState {state}",
                   f"az provider register --namespace {PROVIDER_NAMESPACE}")


def check_cluster(clients: PreflightClients, cluster: ClusterRef) -> dict:
    resource_id = cluster_path(clients.subscription_id, cluster)
    api_version = _CLUSTER_API_VERSIONS.get(cluster.cluster_type.lower(), "2021-10-01")
    try:
        clients.resources.get_by_id(resource_id, api_version)
    except ResourceNotFoundError:
        return _result(CHECK_CLUSTER, FAILED, CLUSTER_NOT_FOUND, f"{resource_id} was not found",
                       _cluster_create_command(cluster))
    except HttpResponseError as error:
        return _call_failure(CHECK_CLUSTER, error)
    return _result(CHECK_CLUSTER, PASSED, CLUSTER_FOUND,
                   f"{cluster.cluster_rp}/{cluster.cluster_type}/{cluster.cluster_name}")


def check_extension(cluster: ClusterRef, extensions: list[dict]) -> dict:
    """The extension check on the cluster's extensions list (one call, shared with the fix)."""
    extension = ei.find_flux_extension(extensions)
    if extension is None:
        taken = next((e for e in extensions if e.get("name") == ei.DEFAULT_EXTENSION_NAME), None)
        if taken is not None:
            other = (taken.get("properties") or {}).get("extensionType")
            return _result(CHECK_EXTENSION, FAILED, EXTENSION_NAME_TAKEN,
                           f"not installed; the name '{ei.DEFAULT_EXTENSION_NAME}' is taken by an extension of "
                           f"type '{other}'",
                           ei.create_command(cluster, name="microsoft-flux"))
        return _result(CHECK_EXTENSION, FAILED, EXTENSION_MISSING, "not installed", ei.create_command(cluster))
    properties = extension.get("properties") or {}
    name, state = extension.get("name"), properties.get("provisioningState") or "Unknown"
    version = properties.get("currentVersion") or properties.get("version") or "unknown version"
    detail = f"'{name}' {version}, provisioningState {state}"
    kind = ei.extension_state(extension)
    code = EXTENSION_CODES[kind]
    if kind == ei.READY:
        return _result(CHECK_EXTENSION, PASSED, code, detail)
    if kind == ei.IN_PROGRESS:
        return _result(CHECK_EXTENSION, IN_PROGRESS, code,
                       detail + "; still in progress: flux create waits for it, and so does check --fix")
    if kind == ei.DELETING:
        return _result(CHECK_EXTENSION, FAILED, code, detail + "; wait until it is deleted, then install it again",
                       ei.create_command(cluster))
    return _result(CHECK_EXTENSION, FAILED, code, detail,
                   f"{ei.delete_command(cluster, name)} && {ei.create_command(cluster)}")


def check_flux_v1(clients: PreflightClients, cluster: ClusterRef) -> dict:
    if cluster.cluster_type.lower() not in _FLUX_V1_CLUSTER_TYPES:
        return _result(CHECK_FLUX_V1, PASSED, NOT_APPLICABLE, f"not applicable to {cluster.cluster_type}")
    try:
        names = sorted(plain(c)["name"] for c in clients.source_control.list(*cluster_args(cluster)))
    except HttpResponseError as error:
        return _call_failure(CHECK_FLUX_V1, error)
    if not names:
        return _result(CHECK_FLUX_V1, PASSED, NO_FLUX_V1, "none found")
    fix = " && ".join(f"az k8s-configuration delete {ei.cluster_flags(cluster)} -n {n} --yes" for n in names)
    return _result(CHECK_FLUX_V1, FAILED, FLUX_V1_FOUND,
                   f"found {', '.join(names)}; Flux v1 and v2 cannot run together", fix)


def _check_all(clients: PreflightClients, cluster: ClusterRef) -> tuple[list[dict], list[dict] | None]:
    """Every result, and the cluster's extensions when they could be listed."""
    results = [check_provider(clients), check_cluster(clients, cluster)]
    if not results[1]["ok"]:
        return results + [_result(name, SKIPPED, NOT_CHECKED, "skipped: the cluster could not be found")
                          for name in (CHECK_EXTENSION, CHECK_FLUX_V1)], None
    try:
        extensions = ei.list_extensions(clients.extensions, cluster)
    except HttpResponseError as error:
        results.append(_call_failure(CHECK_EXTENSION, error))
        extensions = None
    else:
        results.append(check_extension(cluster, extensions))
    return results + [check_flux_v1(clients, cluster)], extensions


def _fixes(results: list[dict], extensions: list[dict] | None, clients: PreflightClients, cluster: ClusterRef,
           registration: dict) -> list[tuple[str, Callable[[], Any]]]:
    """(check, repair) for every result whose code can be repaired safely, provider first."""
    fixes = []
    for result in results:
        code = result["code"]
        if code in (PROVIDER_NOT_REGISTERED, PROVIDER_REGISTERING):
            fixes.append((result["check"], lambda: register_and_wait(clients.providers, **registration)))
        elif code in (EXTENSION_MISSING, EXTENSION_CODES[ei.IN_PROGRESS]) and extensions is not None:
            fixes.append((result["check"], lambda: clients.ensure_extension(cluster, extensions)))
    return fixes


def run_checks(clients: PreflightClients, cluster: ClusterRef, fix: bool, *,
               registration_timeout: float = REGISTRATION_TIMEOUT_SECONDS, sleep: Callable = time.sleep,
               clock: Callable = time.monotonic) -> list[dict]:
    results, extensions = _check_all(clients, cluster)
    fixes = _fixes(results, extensions, clients, cluster,
                   {"timeout_seconds": registration_timeout, "sleep": sleep, "clock": clock}) if fix else []
    if not fixes:
        return results
    failures = []
    for check, repair in fixes:
        try:
            repair()
        except (HttpResponseError, AzCLIError) as error:
            failures.append(_result(f"Fix for: {check}", FAILED, FIX_FAILED, f"failed: {_first_line(error)}"))
    return _check_all(clients, cluster)[0] + failures


def run_preflight(cmd, cluster: ClusterRef, fix: bool) -> list[dict]:
    """Run every check against ARM (and fix what can be fixed when ``fix``); see the module docstring."""
    return run_checks(make_clients(cmd), cluster, fix)
