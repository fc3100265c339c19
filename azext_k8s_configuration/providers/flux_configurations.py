"""Flux configuration commands: create (PUT), update (GET + PATCH), show, list, delete, export, wait."""
import sys

from knack.log import get_logger

from azext_k8s_configuration import prompts
from azext_k8s_configuration._client_factory import cf_flux_configurations
from azext_k8s_configuration._errors import (
    arm_errors,
    error_fields,
    is_not_found,
    names_cluster,
    translate,
)
from azext_k8s_configuration.providers import _waiting
from azext_k8s_configuration.providers._arm import (
    cluster_args,
    dry_run_request,
    plain,
    run_lro,
)

logger = get_logger(__name__)

COLLECTION = "fluxConfigurations"
UPDATE_DRY_RUN_NOTE = ("The current configuration was read with one GET to compute this merge patch; "
                       "nothing was written.")


def _validate_name(name):
    from azext_k8s_configuration.names import validate_config_name
    validate_config_name(name)


def _what(name):
    return f"flux configuration '{name}'"


def _warn_all(warnings):
    for text in warnings or []:
        logger.warning(text)


def get_config(cmd, cluster, name):
    """One GET of the configuration as a plain dict; ARM errors translated."""
    client = cf_flux_configurations(cmd.cli_ctx)
    with arm_errors(cluster, _what(name)):
        return plain(client.get(*cluster_args(cluster), name))


def _finish_write(cmd, cluster, name, result, wait_seconds):
    """The written configuration; with --wait-for-compliance (wait_seconds set), the one that became compliant."""
    config = plain(result)
    if wait_seconds is not None:
        config = _waiting.wait_compliant(cmd, cluster, name, wait_seconds)
    return config


def create(cmd, cluster, name, args, *, no_wait=False, dry_run=False, wait_for_compliance=False,
           compliance_timeout=None):
    from azext_k8s_configuration.body_builder import build_put_body
    from azext_k8s_configuration.providers.extension_install import (
        ensure_flux_extension,
    )
    _validate_name(name)
    wait_seconds = _waiting.wait_seconds_for(no_wait, wait_for_compliance, compliance_timeout)
    body, warnings = build_put_body(args, name)
    _warn_all(warnings)
    if dry_run:
        return dry_run_request(cmd, "PUT", cluster, COLLECTION, name, no_wait=no_wait, body=body)
    client = cf_flux_configurations(cmd.cli_ctx)
    ensure_flux_extension(cmd, cluster)
    logger.warning("Creating the flux configuration '%s' on cluster '%s'. This may take a few minutes...",
                   name, cluster.cluster_name)
    with arm_errors(cluster, _what(name)):
        result = run_lro(cmd, no_wait, client.begin_create_or_update, *cluster_args(cluster), name, body)
    if no_wait:
        return None
    return _finish_write(cmd, cluster, name, result, wait_seconds)


def _confirm_kind_change(cmd, existing, args, name, yes):
    old = (existing.get("properties") or {}).get("sourceKind")
    question = (f"The source kind changes from '{old}' to '{args.kind}'. The old source settings are removed and "
                f"the kustomizations may need new paths. Continue?")
    prompts.confirm(cmd, question, f"change the source kind of {_what(name)}", yes=yes)


def update(cmd, cluster, name, args, *, yes=False, no_wait=False, dry_run=False, wait_for_compliance=False,
           compliance_timeout=None):
    from azext_k8s_configuration.body_builder import build_patch_body
    _validate_name(name)
    wait_seconds = _waiting.wait_seconds_for(no_wait, wait_for_compliance, compliance_timeout)
    existing = get_config(cmd, cluster, name)
    patch, kind_changed, warnings = build_patch_body(args, existing, name)
    _warn_all(warnings)
    if dry_run:
        return dry_run_request(cmd, "PATCH", cluster, COLLECTION, name, no_wait=no_wait, body=patch,
                               note=UPDATE_DRY_RUN_NOTE)
    if kind_changed:
        _confirm_kind_change(cmd, existing, args, name, yes)
    client = cf_flux_configurations(cmd.cli_ctx)
    with arm_errors(cluster, _what(name)):
        result = run_lro(cmd, no_wait, client.begin_update, *cluster_args(cluster), name, patch)
    if no_wait:
        return None
    return _finish_write(cmd, cluster, name, result, wait_seconds)


def show(cmd, cluster, name):
    _validate_name(name)
    return get_config(cmd, cluster, name)


def list_configs(cmd, cluster):
    client = cf_flux_configurations(cmd.cli_ctx)
    with arm_errors(cluster, "the flux configurations"):
        return [plain(item) for item in client.list(*cluster_args(cluster))]


def has_prune(config):
    kustomizations = (config.get("properties") or {}).get("kustomizations") or {}
    return any((spec or {}).get("prune") for spec in kustomizations.values())


def _delete_question(config, cluster, name):
    question = f"Delete the flux configuration '{name}' from cluster '{cluster.cluster_name}'?"
    if has_prune(config):
        question = ("Prune is enabled on one or more kustomizations, so deleting the configuration also deletes "
                    "the Kubernetes objects they deployed. " + question)
    return question


def _get_or_none(cmd, cluster, name):
    """The configuration, or None when it does not exist (a missing cluster is still an error)."""
    from azure.core.exceptions import HttpResponseError
    client = cf_flux_configurations(cmd.cli_ctx)
    try:
        return plain(client.get(*cluster_args(cluster), name))
    except HttpResponseError as ex:
        _, code, message, target = error_fields(ex)
        if is_not_found(ex) and not names_cluster(cluster, code, message, target):
            return None
        raise translate(ex, cluster, _what(name)) from None


def delete(cmd, cluster, name, *, force=False, yes=False, no_wait=False, dry_run=False):
    _validate_name(name)
    query = {"forceDelete": "true"} if force else None
    if dry_run:
        return dry_run_request(cmd, "DELETE", cluster, COLLECTION, name, no_wait=no_wait, query=query)
    action = f"delete {_what(name)}"
    if prompts.must_ask(cmd, action, yes=yes):  # without a terminal this fails before any request
        config = _get_or_none(cmd, cluster, name)  # the question says whether prune is on, so read it first
        if config is None:
            _nothing_to_delete(cluster, name)
            return None
        prompts.ask(_delete_question(config, cluster, name), action)
    client = cf_flux_configurations(cmd.cli_ctx)
    kwargs = {"force_delete": True} if force else {}
    statuses = []  # HTTP status of each response: the DELETE answers 204 when there was nothing to delete
    kwargs["raw_response_hook"] = lambda response: statuses.append(response.http_response.status_code)
    with arm_errors(cluster, _what(name)):
        run_lro(cmd, no_wait, client.begin_delete, *cluster_args(cluster), name, **kwargs)
    if statuses[:1] == [204]:
        _nothing_to_delete(cluster, name)
    return None


def _nothing_to_delete(cluster, name):
    logger.warning("No flux configuration named '%s' exists on cluster '%s'; nothing to delete.", name,
                   cluster.cluster_name)


def export(cmd, cluster, name, export_format):
    from azext_k8s_configuration.export import render
    from azext_k8s_configuration.providers.extension_install import find_installed
    config = show(cmd, cluster, name)
    extension = find_installed(cmd, cluster) if export_format in ("bicep", "arm") else None
    text = render(config, export_format or "flux-yaml", cluster, extension)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def wait_until(cmd, cluster, name, wait_for, timeout):
    _validate_name(name)
    seconds = _waiting.parse_wait_timeout(timeout, "--timeout")
    if (wait_for or "compliant").lower() == "deleted":
        _waiting.wait_deleted(cmd, cluster, name, seconds)
        return None
    return _waiting.wait_compliant(cmd, cluster, name, seconds)
