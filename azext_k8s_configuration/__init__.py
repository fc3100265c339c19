"""Azure CLI extension `k8s-configuration`: Flux v2 GitOps configurations through ARM."""
from azure.cli.core import AzCommandsLoader

# Importing _help registers the help texts in knack's global `helps` table (az's help mechanism), so the name
# itself is unused here.
from azext_k8s_configuration._help import helps  # noqa: F401  # pylint: disable=unused-import


class K8sConfigurationCommandsLoader(AzCommandsLoader):
    """Loads the `az k8s-configuration` command table and its arguments."""

    def __init__(self, cli_ctx=None):
        from azure.cli.core.commands import CliCommandType

        custom_type = CliCommandType(operations_tmpl="azext_k8s_configuration.custom#{}")
        super().__init__(cli_ctx=cli_ctx, custom_command_type=custom_type)
        # Secrets must never reach the --debug request/response body logs.
        from azext_k8s_configuration._log_filter import install_log_filter
        install_log_filter()

    def load_command_table(self, args):
        from azext_k8s_configuration.commands import load_command_table
        load_command_table(self, args)
        return self.command_table

    def load_arguments(self, command):
        from azext_k8s_configuration._params import load_arguments
        load_arguments(self, command)


COMMAND_LOADER_CLS = K8sConfigurationCommandsLoader
