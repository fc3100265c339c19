"""Command table of `az k8s-configuration` (registration only, no logic).

`transform` shapes what a command returns into the reference extension's JSON (azure-cli applies it once, before
`--query` and table output); `table_transformer` reads that shaped output.
"""
from azure.cli.core.commands import CliCommandType

from azext_k8s_configuration import _format as fmt
from azext_k8s_configuration.prompts import command_confirmation

FLUX = {"transform": fmt.flux_configuration_output}
LEGACY = {"transform": fmt.legacy_output}


def load_command_table(loader, _):
    custom = CliCommandType(operations_tmpl="azext_k8s_configuration.custom#{}")

    with loader.command_group("k8s-configuration flux", custom_command_type=custom) as g:
        g.custom_command("create", "flux_create", supports_no_wait=True, table_transformer=fmt.flux_show_table, **FLUX)
        g.custom_command("update", "flux_update", supports_no_wait=True, table_transformer=fmt.flux_show_table, **FLUX)
        g.custom_command("list", "flux_list", table_transformer=fmt.flux_list_table, **FLUX)
        g.custom_show_command("show", "flux_show", table_transformer=fmt.flux_show_table, **FLUX)
        g.custom_command("delete", "flux_delete", supports_no_wait=True)
        g.custom_command("export", "flux_export")
        g.custom_command("wait", "flux_wait", table_transformer=fmt.flux_show_table, **FLUX)
        g.custom_command("check", "flux_check", transform=fmt.extension_output)

    with loader.command_group("k8s-configuration flux kustomization", custom_command_type=custom) as g:
        for name in ("create", "update", "delete"):
            g.custom_command(name, f"kustomization_{name}", supports_no_wait=True,
                             table_transformer=fmt.kustomization_write_table, **FLUX)
        g.custom_command("list", "kustomization_list", table_transformer=fmt.kustomization_table)
        g.custom_show_command("show", "kustomization_show", table_transformer=fmt.kustomization_table)

    with loader.command_group("k8s-configuration flux deployed-object", custom_command_type=custom) as g:
        g.custom_command("list", "deployed_object_list", table_transformer=fmt.deployed_object_list_table)
        g.custom_show_command("show", "deployed_object_show", table_transformer=fmt.deployed_object_show_table)

    with loader.command_group("k8s-configuration", custom_command_type=custom) as g:
        g.custom_command("list", "legacy_list", table_transformer=fmt.legacy_list_table, **LEGACY,
                         deprecate_info=g.deprecate(redirect="k8s-configuration flux list", hide=False))
        g.custom_show_command("show", "legacy_show", table_transformer=fmt.legacy_show_table, **LEGACY,
                              deprecate_info=g.deprecate(redirect="k8s-configuration flux show", hide=False))
        g.custom_command("delete", "legacy_delete",
                         confirmation=command_confirmation(
                             "Delete the Flux v1 configuration '{name}' from cluster '{cluster_name}'?",
                             "delete Flux v1 configuration '{name}'"),
                         deprecate_info=g.deprecate(redirect="k8s-configuration flux delete", hide=False))
