"""Deprecated Flux v1 sourceControlConfigurations (api-version 2022-03-01): list, show, delete."""
from knack.log import get_logger

from azext_k8s_configuration._client_factory import cf_source_control_configurations
from azext_k8s_configuration._errors import arm_errors
from azext_k8s_configuration.providers._arm import cluster_args, plain, run_lro

logger = get_logger(__name__)


def _validate_name(name):
    from azext_k8s_configuration.names import validate_config_name
    validate_config_name(name)


def _what(name):
    return f"Flux v1 configuration '{name}'"


def list_configs(cmd, cluster):
    client = cf_source_control_configurations(cmd.cli_ctx)
    with arm_errors(cluster, "the Flux v1 configurations"):
        return [plain(item) for item in client.list(*cluster_args(cluster))]


def show(cmd, cluster, name):
    _validate_name(name)
    client = cf_source_control_configurations(cmd.cli_ctx)
    with arm_errors(cluster, _what(name)):
        return plain(client.get(*cluster_args(cluster), name))


def delete(cmd, cluster, name):
    _validate_name(name)
    client = cf_source_control_configurations(cmd.cli_ctx)
    with arm_errors(cluster, _what(name)):
        run_lro(cmd, False, client.begin_delete, *cluster_args(cluster), name)
