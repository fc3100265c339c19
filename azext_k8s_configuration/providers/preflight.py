"""Preflight checks for Flux v2 on a cluster, optionally fixing what can be fixed safely.

Each check returns {check, ok, detail, fix_command}; ``ok`` is None when a check was skipped. With
``fix=True`` the resource provider is registered and the microsoft.flux extension installed, then every
check runs again so the results describe the state after the fixes. Flux v1 configurations are only
reported (deleting them is the user's decision).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from azext_k8s_configuration.cluster_ref import ClusterRef
from azext_k8s_configuration.providers import extension_install
from azext_k8s_configuration.providers.registration import (
    PROVIDER_NAMESPACE,
    register_and_wait,
)

SOURCE_CONTROL_API_VERSION = "2022-03-01"
_CLUSTER_API_VERSIONS = {"managedclusters": "2021-10-01", "connectedclusters": "2021-10-01",
                         "provisionedclusters": "2022-05-01-preview", "appliances": "2021-10-31-preview"}
_FLUX_V1_CLUSTER_TYPES = {"connectedclusters", "managedclusters"}
_IN_PROGRESS = {"Creating", "Updating", "Deleting"}

CHECK_PROVIDER = "Resource provider Microsoft.KubernetesConfiguration registered"
CHECK_CLUSTER = "Cluster resource exists"
CHECK_EXTENSION = "microsoft.flux extension installed"
CHECK_FLUX_V1 = "No Flux v1 (sourceControlConfigurations) on the cluster"


@dataclass
class PreflightClients:
    providers: Any       # azure.mgmt.resource ProvidersOperations
    resources: Any       # azure.mgmt.resource ResourcesOperations
    extensions: Any      # KubernetesConfigurationExtensionsMgmtClient.extensions
    source_control: Any  # SourceControlConfigurationClient(api 2022-03-01).source_control_configurations
    subscription_id: str


def make_clients(cli_ctx) -> PreflightClients:
    from azure.cli.core.commands.client_factory import (
        get_mgmt_service_client,
        get_subscription_id,
    )
    from azure.cli.core.profiles import ResourceType
    from azure.mgmt.kubernetesconfiguration import SourceControlConfigurationClient
    from azure.mgmt.kubernetesconfiguration.extensions import (
        KubernetesConfigurationExtensionsMgmtClient,
    )

    resource_client = get_mgmt_service_client(cli_ctx, ResourceType.MGMT_RESOURCE_RESOURCES)
    return PreflightClients(
        providers=resource_client.providers, resources=resource_client.resources,
        extensions=get_mgmt_service_client(cli_ctx, KubernetesConfigurationExtensionsMgmtClient).extensions,
        source_control=get_mgmt_service_client(cli_ctx, SourceControlConfigurationClient,
                                               api_version=SOURCE_CONTROL_API_VERSION).source_control_configurations,
        subscription_id=get_subscription_id(cli_ctx))


def _result(check: str, ok: bool | None, detail: str, fix_command: str | None = None) -> dict:
    return {"check": check, "ok": ok, "detail": detail, "fix_command": fix_command}


def _http_failure(check: str, error: HttpResponseError) -> dict:
    first_line = (str(getattr(error, "message", "") or error).strip().splitlines() or ["unknown error"])[0]
    return _result(check, False, f"could not be checked: {first_line}")


def _cluster_args(cluster: ClusterRef) -> str:
    text = f"-g {cluster.resource_group} -c {cluster.cluster_name} -t {cluster.cluster_type}"
    if cluster.cluster_type.lower() == "provisionedclusters":
        text += f" --cluster-resource-provider {cluster.cluster_rp}"
    return text


def _extension_create_command(cluster: ClusterRef) -> str:
    return (f"az k8s-extension create {_cluster_args(cluster)} --name {extension_install.DEFAULT_EXTENSION_NAME} "
            f"--extension-type {extension_install.FLUX_EXTENSION_TYPE}")


def _cluster_create_command(cluster: ClusterRef) -> str | None:
    commands = {"connectedclusters": "az connectedk8s connect", "managedclusters": "az aks create"}
    base = commands.get(cluster.cluster_type.lower())
    return f"{base} -g {cluster.resource_group} -n {cluster.cluster_name}" if base else None


def cluster_resource_id(subscription_id: str, cluster: ClusterRef) -> str:
    return (f"/subscriptions/{subscription_id}/resourceGroups/{cluster.resource_group}/providers/"
            f"{cluster.cluster_rp}/{cluster.cluster_type}/{cluster.cluster_name}")


def _cluster_path(cluster: ClusterRef) -> tuple[str, str, str, str]:
    return cluster.resource_group, cluster.cluster_rp, cluster.cluster_type, cluster.cluster_name


def _registration_state(clients: PreflightClients) -> str:
    return getattr(clients.providers.get(PROVIDER_NAMESPACE), "registration_state", None) or "Unknown"


def check_provider(clients: PreflightClients) -> dict:
    try:
        state = _registration_state(clients)
    except HttpResponseError as error:
        return _http_failure(CHECK_PROVIDER, error)
    return _result(CHECK_PROVIDER, state == "Registered", f"registrationState {state}",
                   f"az provider register --namespace {PROVIDER_NAMESPACE}")


def check_cluster(clients: PreflightClients, cluster: ClusterRef) -> dict:
    resource_id = cluster_resource_id(clients.subscription_id, cluster)
    api_version = _CLUSTER_API_VERSIONS.get(cluster.cluster_type.lower(), "2021-10-01")
    try:
        clients.resources.get_by_id(resource_id, api_version)
    except ResourceNotFoundError:
        return _result(CHECK_CLUSTER, False, f"{resource_id} was not found", _cluster_create_command(cluster))
    except HttpResponseError as error:
        return _http_failure(CHECK_CLUSTER, error)
    return _result(CHECK_CLUSTER, True, f"{cluster.cluster_rp}/{cluster.cluster_type}/{cluster.cluster_name}")


def find_flux_extension(clients: PreflightClients, cluster: ClusterRef):
    return extension_install.find_flux_extension(clients.extensions.list(*_cluster_path(cluster)))


def check_extension(clients: PreflightClients, cluster: ClusterRef) -> dict:
    try:
        extension = find_flux_extension(clients, cluster)
    except HttpResponseError as error:
        return _http_failure(CHECK_EXTENSION, error)
    if extension is None:
        return _result(CHECK_EXTENSION, False, "not installed", _extension_create_command(cluster))
    properties = extension.get("properties") or {}
    name, state = extension.get("name"), properties.get("provisioningState") or "Unknown"
    version = properties.get("currentVersion") or properties.get("version") or "unknown version"
    detail = f"'{name}' {version}, provisioningState {state}"
    if state == "Succeeded":
        return _result(CHECK_EXTENSION, True, detail)
    if state in _IN_PROGRESS:
        return _result(CHECK_EXTENSION, False, detail + " (still in progress, check again later)",
                       f"az k8s-extension show {_cluster_args(cluster)} --name {name}")
    return _result(CHECK_EXTENSION, False, detail,
                   f"az k8s-extension delete {_cluster_args(cluster)} --name {name} --yes && "
                   + _extension_create_command(cluster))


def check_flux_v1(clients: PreflightClients, cluster: ClusterRef) -> dict:
    if cluster.cluster_type.lower() not in _FLUX_V1_CLUSTER_TYPES:
        return _result(CHECK_FLUX_V1, True, f"not applicable to {cluster.cluster_type}")
    try:
        names = sorted(c.name for c in clients.source_control.list(*_cluster_path(cluster)))
    except HttpResponseError as error:
        return _http_failure(CHECK_FLUX_V1, error)
    if not names:
        return _result(CHECK_FLUX_V1, True, "none found")
    fix = " && ".join(f"az k8s-configuration delete {_cluster_args(cluster)} -n {n} --yes" for n in names)
    return _result(CHECK_FLUX_V1, False, f"found {', '.join(names)}; Flux v1 and v2 cannot run together", fix)


def _check_all(clients: PreflightClients, cluster: ClusterRef) -> list[dict]:
    results = [check_provider(clients), check_cluster(clients, cluster)]
    if results[1]["ok"]:
        results += [check_extension(clients, cluster), check_flux_v1(clients, cluster)]
    else:
        results += [_result(name, None, "skipped: the cluster could not be found")
                    for name in (CHECK_EXTENSION, CHECK_FLUX_V1)]
    return results


def _register_provider(clients: PreflightClients, timeout_seconds: float, sleep: Callable, clock: Callable) -> None:
    register_and_wait(clients.providers, timeout_seconds=timeout_seconds, sleep=sleep, clock=clock)


def _install_extension(clients: PreflightClients, cluster: ClusterRef) -> None:
    clients.extensions.begin_create(*_cluster_path(cluster), extension_install.DEFAULT_EXTENSION_NAME,
                                    extension_install.extension_body(cluster)).result()


def run_checks(clients: PreflightClients, cluster: ClusterRef, fix: bool, *,
               registration_timeout: float = 120.0, sleep: Callable = time.sleep,
               clock: Callable = time.monotonic) -> list[dict]:
    results = _check_all(clients, cluster)
    if not fix:
        return results
    by_check = {r["check"]: r for r in results}
    fixes = []
    if by_check[CHECK_PROVIDER]["ok"] is False and by_check[CHECK_PROVIDER]["detail"].startswith("registration"):
        fixes.append((CHECK_PROVIDER, lambda: _register_provider(clients, registration_timeout, sleep, clock)))
    if by_check[CHECK_EXTENSION]["ok"] is False and by_check[CHECK_EXTENSION]["detail"] == "not installed":
        fixes.append((CHECK_EXTENSION, lambda: _install_extension(clients, cluster)))
    failures = []
    for check, apply_fix in fixes:
        try:
            apply_fix()
        except HttpResponseError as error:
            failure = _http_failure(f"Fix for: {check}", error)
            failure["detail"] = failure["detail"].replace("could not be checked", "failed")
            failures.append(failure)
    return _check_all(clients, cluster) + failures


def run_preflight(cmd, cluster: ClusterRef, fix: bool) -> list[dict]:
    """Run every check against ARM (and fix what can be fixed when ``fix``); see the module docstring."""
    return run_checks(make_clients(cmd.cli_ctx), cluster, fix)
