"""Shared plumbing of the provider layer: resource paths, dry-run output, LRO handling, plain-dict results."""
import copy

from knack.log import get_logger

from azext_k8s_configuration._client_factory import (
    EXTENSIONS_API_VERSION,
    FLUX_API_VERSION,
    SOURCE_CONTROL_API_VERSION,
)

logger = get_logger(__name__)

KC_NAMESPACE = "Microsoft.KubernetesConfiguration"
SUBSCRIPTION_PLACEHOLDER = "{subscriptionId}"
_API_VERSIONS = {
    "fluxConfigurations": FLUX_API_VERSION,
    "extensions": EXTENSIONS_API_VERSION,
    "sourceControlConfigurations": SOURCE_CONTROL_API_VERSION,
}


def cluster_args(cluster):
    """Positional SDK arguments that identify the cluster."""
    return (cluster.resource_group, cluster.cluster_rp, cluster.cluster_type, cluster.cluster_name)


def cluster_path(subscription_id, cluster):
    return (f"/subscriptions/{subscription_id}/resourceGroups/{cluster.resource_group}/providers/"
            f"{cluster.cluster_rp}/{cluster.cluster_type}/{cluster.cluster_name}")


def child_url(subscription_id, cluster, collection, name=None, query=None):
    """Path + api-version of a Microsoft.KubernetesConfiguration child resource of the cluster."""
    path = f"{cluster_path(subscription_id, cluster)}/providers/{KC_NAMESPACE}/{collection}"
    if name:
        path += f"/{name}"
    params = {"api-version": _API_VERSIONS[collection], **(query or {})}
    return path + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def subscription_for_display(cmd):
    """Subscription for dry-run URLs without requiring a login: --subscription, the default account, or a
    placeholder."""
    sub = cmd.cli_ctx.data.get("subscription_id")
    if sub:
        return sub
    from azure.cli.core._profile import Profile
    from knack.util import CLIError
    try:
        return Profile(cli_ctx=cmd.cli_ctx).get_subscription_id()
    except CLIError:  # not logged in: a dry run must still work
        return SUBSCRIPTION_PLACEHOLDER


def dry_run_request(cmd, method, cluster, collection, name, *, no_wait, body=None, query=None, note=None):
    """The request a write would send, with secrets redacted."""
    from azext_k8s_configuration.redaction import redact
    if no_wait:  # az prints nothing for a command run with --no-wait, so the dry run would be silent
        from azure.cli.core.azclierror import MutuallyExclusiveArgumentError
        raise MutuallyExclusiveArgumentError(
            "--dry-run sends nothing, so there is nothing for --no-wait to skip, and with --no-wait az prints no "
            "result: the dry run would show nothing.", "Drop --no-wait to see the request.")
    request = {"method": method,
               "url": child_url(subscription_for_display(cmd), cluster, collection, name, query),
               "body": redact(body) if body is not None else None}
    if note:
        request["note"] = note
    return request


def plain(model):
    """SDK model (or dict) -> plain camelCase dict in ARM shape, never carrying protected settings."""
    if model is None:
        return None
    if getattr(model, "_is_model", False):  # TypeSpec models (fluxconfigurations/extensions 1.0.0)
        data = model.as_dict()
    else:  # Flux v1 results of providers/_source_control.py: dicts in ARM wire shape
        data = copy.deepcopy(dict(model))
    props = data.get("properties")
    if isinstance(props, dict):
        props.pop("configurationProtectedSettings", None)
    return data


def run_lro(cmd, no_wait, begin, *args, **kwargs):
    """Start an LRO; with --no-wait return None at once, else poll with az's progress indicator."""
    from azure.cli.core.commands import LongRunningOperation
    from azure.cli.core.util import sdk_no_wait

    from azext_k8s_configuration.providers.registration import registering_on_demand
    poller = registering_on_demand(cmd, lambda: sdk_no_wait(no_wait, begin, *args, **kwargs))
    if no_wait:
        return None
    return LongRunningOperation(cmd.cli_ctx)(poller)
