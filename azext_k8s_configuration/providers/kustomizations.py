"""Kustomization subcommands: each is one GET of the parent configuration and (for writes) one merge PATCH of
`properties.kustomizations.<name>` (a null value deletes the entry)."""
import sys

from azure.cli.core.azclierror import (
    ResourceNotFoundError,
    ValidationError,
)
from knack.log import get_logger

from azext_k8s_configuration import prompts
from azext_k8s_configuration._client_factory import cf_flux_configurations
from azext_k8s_configuration._errors import arm_errors
from azext_k8s_configuration.providers import _waiting
from azext_k8s_configuration.providers._arm import (
    cluster_args,
    dry_run_request,
    plain,
    run_lro,
)
from azext_k8s_configuration.providers.flux_configurations import COLLECTION, get_config

logger = get_logger(__name__)

FLAG_DESTS = ("path", "dependencies", "timeout", "sync_interval", "retry_interval", "prune", "force", "wait",
              "disable_health_check", "substitute", "substitute_from", "remove_post_build")
DRY_RUN_NOTE = ("The configuration was read with one GET to check the kustomization and its dependencies; "
                "nothing was written.")
LIST_HINT = "'az k8s-configuration flux kustomization list' shows the kustomizations of the configuration."


def flag_values(values):
    """The kustomization flags of a command invocation (dest -> value)."""
    return {k: values.get(k) for k in FLAG_DESTS}


def _spec_from_flags(flags, kustomization_name, config_name):
    """ARM KustomizationDefinition JSON with only the given flags (so update keeps everything else)."""
    from azext_k8s_configuration.kustomizations import kustomization_from_flags
    return kustomization_from_flags(name=kustomization_name, config_name=config_name, **flags)


def _validate_names(name, kustomization_name):
    from azext_k8s_configuration.names import (
        validate_config_name,
        validate_kustomization_name,
    )
    validate_config_name(name)
    validate_kustomization_name(kustomization_name, config_name=name)


def _existing(config):
    return (config.get("properties") or {}).get("kustomizations") or {}


def _validate_dependencies(existing, changes):
    from azext_k8s_configuration.dependencies import merged_dependencies, validate_graph
    validate_graph(merged_dependencies(existing, changes), removed=[k for k, spec in changes.items() if spec is None])


def _patch(kustomization_name, spec):
    from azext_k8s_configuration.body_builder import kustomization_patch
    return kustomization_patch(kustomization_name, spec)


def _send(cmd, cluster, name, patch, no_wait):
    client = cf_flux_configurations(cmd.cli_ctx)
    with arm_errors(cluster, f"flux configuration '{name}'"):
        return run_lro(cmd, no_wait, client.begin_update, *cluster_args(cluster), name, patch)


def _write(cmd, cluster, name, kustomization_name, spec, *, no_wait, dry_run, wait_seconds):
    patch = _patch(kustomization_name, spec)
    if dry_run:
        return dry_run_request(cmd, "PATCH", cluster, COLLECTION, name, no_wait=no_wait, body=patch,
                               note=DRY_RUN_NOTE)
    result = _send(cmd, cluster, name, patch, no_wait)
    if no_wait:
        return None
    if wait_seconds is not None:
        return _waiting.wait_compliant(cmd, cluster, name, wait_seconds, kustomization=kustomization_name)
    return plain(result)


def _create_or_update(cmd, cluster, name, kustomization_name, args, *, check_existing, no_wait, dry_run,
                      wait_for_compliance, compliance_timeout):
    """One GET, the existence rule of the command, the dependsOn check on the merged view, one PATCH."""
    _validate_names(name, kustomization_name)
    wait_seconds = _waiting.wait_seconds_for(no_wait, wait_for_compliance, compliance_timeout)
    spec = _spec_from_flags(args, kustomization_name, name)
    existing = _existing(get_config(cmd, cluster, name))
    check_existing(existing)
    _validate_dependencies(existing, {kustomization_name: spec})
    return _write(cmd, cluster, name, kustomization_name, spec, no_wait=no_wait, dry_run=dry_run,
                  wait_seconds=wait_seconds)


def create(cmd, cluster, name, kustomization_name, args, *, no_wait=False, dry_run=False,
           wait_for_compliance=False, compliance_timeout=None):
    def must_be_new(existing):
        if kustomization_name in existing:
            raise ValidationError(
                f"Kustomization '{kustomization_name}' already exists on configuration '{name}'.",
                "Change it with 'az k8s-configuration flux kustomization update', or pick another "
                "--kustomization-name.")

    return _create_or_update(cmd, cluster, name, kustomization_name, args, check_existing=must_be_new, no_wait=no_wait,
                             dry_run=dry_run, wait_for_compliance=wait_for_compliance,
                             compliance_timeout=compliance_timeout)


def _missing(name, kustomization_name, existing, action_hint):
    known = ", ".join(sorted(existing)) or "none"
    return ResourceNotFoundError(
        f"Kustomization '{kustomization_name}' does not exist on configuration '{name}' (it has: {known}).",
        action_hint)


def update(cmd, cluster, name, kustomization_name, args, *, no_wait=False, dry_run=False,
           wait_for_compliance=False, compliance_timeout=None):
    def must_exist(existing):
        if kustomization_name not in existing:
            raise _missing(name, kustomization_name, existing,
                           "Add it with 'az k8s-configuration flux kustomization create'.")

    return _create_or_update(cmd, cluster, name, kustomization_name, args, check_existing=must_exist, no_wait=no_wait,
                             dry_run=dry_run, wait_for_compliance=wait_for_compliance,
                             compliance_timeout=compliance_timeout)


def delete(cmd, cluster, name, kustomization_name, *, yes=False, no_wait=False, dry_run=False):
    _validate_names(name, kustomization_name)
    action = f"delete kustomization '{kustomization_name}' of configuration '{name}'"
    # Without a terminal (and no --yes) this fails before any request; a dry run never asks.
    ask = not dry_run and prompts.must_ask(cmd, action, yes=yes)
    existing = _existing(get_config(cmd, cluster, name))
    if kustomization_name not in existing:
        logger.warning("Kustomization '%s' does not exist on configuration '%s'; nothing to delete.",
                       kustomization_name, name)
        return None
    _validate_dependencies(existing, {kustomization_name: None})
    if dry_run:
        return dry_run_request(cmd, "PATCH", cluster, COLLECTION, name, no_wait=no_wait,
                               body=_patch(kustomization_name, None),
                               note=DRY_RUN_NOTE)
    if ask:
        question = f"Delete kustomization '{kustomization_name}' from configuration '{name}'?"
        if (existing[kustomization_name] or {}).get("prune"):
            question = ("Prune is enabled on this kustomization, so deleting it also deletes the Kubernetes "
                        "objects it deployed. " + question)
        prompts.ask(question, action)
    result = _send(cmd, cluster, name, _patch(kustomization_name, None), no_wait)
    return None if no_wait else plain(result)


def list_kustomizations(cmd, cluster, name, graph=False):
    from azext_k8s_configuration.names import validate_config_name
    validate_config_name(name)
    kustomizations = _existing(get_config(cmd, cluster, name))
    if graph:
        from azext_k8s_configuration.graph_render import render_dependency_tree
        text = render_dependency_tree(kustomizations, encoding=sys.stdout.encoding)
        sys.stdout.write((text or "(no kustomizations)") + "\n")
        return None
    return kustomizations


def show(cmd, cluster, name, kustomization_name):
    from azext_k8s_configuration.names import validate_config_name
    validate_config_name(name)
    existing = _existing(get_config(cmd, cluster, name))
    if kustomization_name not in existing:
        raise _missing(name, kustomization_name, existing, LIST_HINT)
    return {kustomization_name: existing[kustomization_name]}
