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
    """Flux v1 `sourceControlConfigurations` (2022-03-01) over the fluxConfigurations client's pipeline
    (see providers/_source_control.py): list/get/begin_delete returning plain dicts."""
    from azure.cli.core.commands.client_factory import (
        get_mgmt_service_client,
        get_subscription_id,
    )
    from azure.mgmt.kubernetesconfiguration.fluxconfigurations import (
        KubernetesConfigurationFluxConfigurationsMgmtClient,
    )

    from azext_k8s_configuration.providers._source_control import (
        SourceControlConfigurations,
    )
    subscription_id = get_subscription_id(cli_ctx)
    client = get_mgmt_service_client(cli_ctx, KubernetesConfigurationFluxConfigurationsMgmtClient,
                                     subscription_id=subscription_id, api_version=FLUX_API_VERSION,
                                     **RETRY_SETTINGS)
    return SourceControlConfigurations(client, subscription_id, SOURCE_CONTROL_API_VERSION)


def cf_resource_management(cli_ctx):
    """azure-cli's resource management client (providers, generic resources), with the same retry settings."""
    from azure.cli.core.commands.client_factory import get_mgmt_service_client
    from azure.cli.core.profiles import ResourceType
    return get_mgmt_service_client(cli_ctx, ResourceType.MGMT_RESOURCE_RESOURCES, **RETRY_SETTINGS)
