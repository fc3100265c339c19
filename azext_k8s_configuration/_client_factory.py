"""One client factory per SDK client. Clients are built lazily by the providers, never by the command table,
so `--dry-run` and argument validation need no login."""

FLUX_API_VERSION = "2025-04-01"
EXTENSIONS_API_VERSION = "2025-03-01"
SOURCE_CONTROL_API_VERSION = "2022-03-01"
# ARM throttles with 429/503 + Retry-After; azure-core retries such answers only 3 times by default, which a
# busy subscription exhausts. Waiting is bounded by Retry-After, and a throttled write never reached the service.
RETRY_SETTINGS = {"retry_status": 10}


def cf_flux_configurations(cli_ctx):
    """`flux_configurations` operations of the fluxConfigurations 2025-04-01 client."""
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.mgmt.kubernetesconfiguration.fluxconfigurations import (
        KubernetesConfigurationFluxConfigurationsMgmtClient,
    )
    client = get_mgmt_service_client(cli_ctx, KubernetesConfigurationFluxConfigurationsMgmtClient,
                                     api_version=FLUX_API_VERSION, **RETRY_SETTINGS)
    return client.flux_configurations


def cf_extensions(cli_ctx):
    """`extensions` operations of the extensions 2025-03-01 client."""
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.mgmt.kubernetesconfiguration.extensions import (
        KubernetesConfigurationExtensionsMgmtClient,
    )
    client = get_mgmt_service_client(cli_ctx, KubernetesConfigurationExtensionsMgmtClient,
                                     api_version=EXTENSIONS_API_VERSION, **RETRY_SETTINGS)
    return client.extensions


def cf_source_control_configurations(cli_ctx):
    """`source_control_configurations` of the legacy multi-API client, pinned to 2022-03-01 (Flux v1)."""
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.mgmt.kubernetesconfiguration import SourceControlConfigurationClient
    client = get_mgmt_service_client(cli_ctx, SourceControlConfigurationClient,
                                     api_version=SOURCE_CONTROL_API_VERSION, **RETRY_SETTINGS)
    return client.source_control_configurations
