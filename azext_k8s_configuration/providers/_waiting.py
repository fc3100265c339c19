"""Glue between the provider layer and compliance_wait: fetch closures that GET the configuration."""
import sys

from azext_k8s_configuration._client_factory import cf_flux_configurations
from azext_k8s_configuration._errors import arm_errors, is_not_found
from azext_k8s_configuration.providers._arm import cluster_args, plain


def parse_wait_timeout(value, flag="--compliance-timeout"):
    from azext_k8s_configuration.durations import parse_duration
    return parse_duration(value if value is not None else "10m", flag)


def wait_seconds_for(no_wait, wait_for_compliance, compliance_timeout):
    """Seconds `--wait-for-compliance` may take (None without it); with --no-wait, or a --compliance-timeout
    without it, it is an error."""
    if no_wait and wait_for_compliance:
        from azure.cli.core.azclierror import MutuallyExclusiveArgumentError
        raise MutuallyExclusiveArgumentError("--wait-for-compliance and --no-wait cannot be used together.",
                                             "Use --wait-for-compliance to wait until Compliant, or --no-wait to "
                                             "return at once.")
    if compliance_timeout is not None and not wait_for_compliance:
        from azure.cli.core.azclierror import RequiredArgumentMissingError
        raise RequiredArgumentMissingError("--compliance-timeout only applies with --wait-for-compliance.",
                                           "Add --wait-for-compliance, or drop --compliance-timeout.")
    return parse_wait_timeout(compliance_timeout) if wait_for_compliance else None


def config_fetcher(cmd, cluster, name, missing_ok=False):
    """A function doing one GET of the configuration per call (None for 404 when missing_ok)."""
    from azure.core.exceptions import HttpResponseError
    client = cf_flux_configurations(cmd.cli_ctx)

    def fetch():
        try:
            return plain(client.get(*cluster_args(cluster), name))
        except HttpResponseError as ex:
            if missing_ok and is_not_found(ex):
                return None
            with arm_errors(cluster, f"flux configuration '{name}'"):
                raise
    return fetch


def wait_compliant(cmd, cluster, name, timeout_seconds, kustomization=None):
    from azext_k8s_configuration.compliance_wait import wait_for_compliance
    return wait_for_compliance(config_fetcher(cmd, cluster, name), timeout_seconds=timeout_seconds,
                               kustomization=kustomization, stream=sys.stderr)


def wait_deleted(cmd, cluster, name, timeout_seconds):
    from azext_k8s_configuration.compliance_wait import wait_for_deletion
    wait_for_deletion(config_fetcher(cmd, cluster, name, missing_ok=True), timeout_seconds=timeout_seconds,
                      stream=sys.stderr)
