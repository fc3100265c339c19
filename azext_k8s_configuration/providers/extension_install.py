"""Make sure the microsoft.flux cluster extension is installed and ready before a configuration is written.

Calls: one extensions list; when no microsoft.flux extension exists, one PUT whose operation is polled to its end
(no final GET of the extension: nothing here needs its final body, the operation's status says whether it
installed); an existing extension that is still in progress is polled with GETs until it is ready. Even with
--no-wait on the configuration, the extension is waited for, because the service rejects configurations on a
cluster whose Flux extension is not ready. `flux check` classifies and repairs extensions with the same code.
"""
import os
import time

from azure.cli.core.azclierror import DeploymentError
from azure.mgmt.core.polling.arm_polling import (
    ARMPolling,
    AzureAsyncOperationPolling,
    BodyContentPolling,
    LocationPolling,
    StatusCheckPolling,
)
from knack.log import get_logger

from azext_k8s_configuration._client_factory import cf_extensions
from azext_k8s_configuration._errors import arm_errors
from azext_k8s_configuration.providers._arm import cluster_args, plain, run_lro

logger = get_logger(__name__)

FLUX_EXTENSION_TYPE = "microsoft.flux"
DEFAULT_EXTENSION_NAME = "flux"
RELEASE_TRAIN_ENV = "FLUX_EXTENSION_RELEASETRAIN"
VERSION_ENV = "FLUX_EXTENSION_VERSION"
POLL_SECONDS = 3.0
READY_TIMEOUT_SECONDS = 30 * 60
# Seconds between LRO polls when ARM sends no Retry-After (the SDK clients' default polling interval).
LRO_POLL_SECONDS = 30

# What an extension's provisioningState means for a caller that needs it ready (one place for create and check).
READY, IN_PROGRESS, DELETING, FAILED = "Ready", "InProgress", "Deleting", "Failed"
_IN_PROGRESS_STATES = {"Accepted", "Creating", "Updating", "Running"}


def extension_state(ext):
    """READY, IN_PROGRESS (waiting makes it ready or failed), DELETING, or FAILED (Failed, Canceled, unknown)."""
    state = (ext.get("properties") or {}).get("provisioningState")
    if state == "Succeeded":
        return READY
    if state in _IN_PROGRESS_STATES:
        return IN_PROGRESS
    if state == "Deleting":
        return DELETING
    return FAILED


def find_flux_extension(extensions):
    """The first extension of type microsoft.flux (any instance name), or None."""
    for ext in extensions:
        if ((ext.get("properties") or {}).get("extensionType") or "").lower() == FLUX_EXTENSION_TYPE:
            return ext
    return None


def extension_body(cluster, environ=None):
    """PUT body of a new microsoft.flux extension (release train / version from the legacy env variables)."""
    environ = os.environ if environ is None else environ
    props = {"extensionType": FLUX_EXTENSION_TYPE, "autoUpgradeMinorVersion": True}
    if environ.get(RELEASE_TRAIN_ENV):
        props["releaseTrain"] = environ[RELEASE_TRAIN_ENV]
    if environ.get(VERSION_ENV):
        props["version"] = environ[VERSION_ENV]
        props["autoUpgradeMinorVersion"] = False  # the API only honours a pinned version without auto-upgrade
    body = {"properties": props}
    if cluster.cluster_type.lower() != "managedclusters":
        # Arc-enabled and provisioned clusters need a system-assigned identity for the Flux agent.
        body["identity"] = {"type": "SystemAssigned"}
    return body


def cluster_flags(cluster):
    """The az flags that name the cluster, as a user would type them."""
    text = f"-g {cluster.resource_group} -c {cluster.cluster_name} -t {cluster.cluster_type}"
    if cluster.cluster_type.lower() == "provisionedclusters":
        text += f" --cluster-resource-provider {cluster.cluster_rp}"
    return text


def delete_command(cluster, ext_name):
    return f"az k8s-extension delete {cluster_flags(cluster)} -n {ext_name} --yes"


def create_command(cluster, name=DEFAULT_EXTENSION_NAME):
    return (f"az k8s-extension create {cluster_flags(cluster)} --name {name} "
            f"--extension-type {FLUX_EXTENSION_TYPE}")


def _failed_error(cluster, ext):
    props = ext.get("properties") or {}
    info = props.get("errorInfo") or {}
    detail = f" ({info.get('code')}) {info.get('message')}" if info.get("code") or info.get("message") else ""
    return DeploymentError(
        f"The '{FLUX_EXTENSION_TYPE}' extension '{ext.get('name')}' on cluster '{cluster.cluster_name}' is in "
        f"state '{props.get('provisioningState')}'.{detail}",
        f"Fix the cause above, then remove the extension with '{delete_command(cluster, ext.get('name'))}' and "
        f"run this command again: it reinstalls the extension.")


def check_ready(cluster, ext):
    """Raise for an extension that can never become ready by waiting; True when Succeeded."""
    state = extension_state(ext)
    if state == READY:
        return True
    if state == IN_PROGRESS:
        return False
    if state == DELETING:
        raise DeploymentError(
            f"The '{FLUX_EXTENSION_TYPE}' extension '{ext.get('name')}' is being deleted from cluster "
            f"'{cluster.cluster_name}'.",
            "Wait until the deletion has finished, then run this command again; it installs the extension.")
    raise _failed_error(cluster, ext)


def wait_until_ready(get_extension, cluster, ext, *, timeout_seconds=READY_TIMEOUT_SECONDS,
                     poll_seconds=POLL_SECONDS, clock=time.monotonic, sleep=time.sleep):
    """Poll an extension that is in progress (Accepted/Creating/Updating) until it is Succeeded (or fails)."""
    deadline = clock() + timeout_seconds
    logger.warning("Waiting for the '%s' extension '%s' (%s) to finish...", FLUX_EXTENSION_TYPE,
                   ext.get("name"), (ext.get("properties") or {}).get("provisioningState"))
    while not check_ready(cluster, ext):
        if clock() >= deadline:
            raise DeploymentError(
                f"The '{FLUX_EXTENSION_TYPE}' extension '{ext.get('name')}' did not become ready within "
                f"{timeout_seconds:g} seconds.",
                "Check it with 'az k8s-extension show' and retry when its provisioningState is Succeeded.")
        sleep(poll_seconds)
        ext = get_extension(ext.get("name"))
    return ext


class _StatusOnly(AzureAsyncOperationPolling):
    """Azure-AsyncOperation polling that ends at the operation's terminal status, without the final GET."""

    def get_final_get_url(self, pipeline_response):
        return None


class _InstallPolling(ARMPolling):
    """ARM polling of the extension PUT whose result is the PUT's own answer (the extension as accepted)."""

    def __init__(self, timeout=LRO_POLL_SECONDS):
        super().__init__(timeout, lro_algorithms=[_StatusOnly(), LocationPolling(), BodyContentPolling(),
                                                  StatusCheckPolling()])

    def resource(self):
        return self._parse_resource(self._initial_response)


def install(cmd, client, cluster):
    """PUT the microsoft.flux extension and wait for its operation; the extension, marked Succeeded."""
    logger.warning("The '%s' extension is not installed on cluster '%s'; installing it as '%s'. This may "
                   "take a few minutes...", FLUX_EXTENSION_TYPE, cluster.cluster_name, DEFAULT_EXTENSION_NAME)
    body = extension_body(cluster)
    accepted = plain(run_lro(cmd, False, client.begin_create, *cluster_args(cluster), DEFAULT_EXTENSION_NAME,
                             body, polling=_InstallPolling()))
    ext = accepted or {"name": DEFAULT_EXTENSION_NAME, **body}
    # The poller raised unless the operation Succeeded: that is the extension's state now.
    ext.setdefault("properties", {})["provisioningState"] = "Succeeded"
    logger.warning("The '%s' extension was installed on cluster '%s'.", FLUX_EXTENSION_TYPE, cluster.cluster_name)
    return ext


def list_extensions(client, cluster):
    return [plain(e) for e in client.list(*cluster_args(cluster))]


def ensure_among(cmd, client, cluster, extensions):
    """The ready microsoft.flux extension, given the cluster's extensions list: installed when missing, waited
    for when in progress; DeploymentError when it is failed or being deleted."""
    ext = find_flux_extension(extensions)
    if ext is None:
        if any(e.get("name") == DEFAULT_EXTENSION_NAME for e in extensions):
            raise DeploymentError(
                f"Cluster '{cluster.cluster_name}' has an extension named '{DEFAULT_EXTENSION_NAME}' that is "
                f"not of type '{FLUX_EXTENSION_TYPE}'.",
                "Install microsoft.flux under another name with 'az k8s-extension create "
                "--extension-type microsoft.flux', then run this command again.")
        return install(cmd, client, cluster)
    if check_ready(cluster, ext):
        return ext
    return wait_until_ready(lambda name: plain(client.get(*cluster_args(cluster), name)), cluster, ext)


def ensure_flux_extension(cmd, cluster):
    """Return the ready microsoft.flux extension of the cluster, installing it when missing."""
    client = cf_extensions(cmd.cli_ctx)
    with arm_errors(cluster, "the microsoft.flux extension"):
        return ensure_among(cmd, client, cluster, list_extensions(client, cluster))


def find_installed(cmd, cluster):
    """The microsoft.flux extension of the cluster or None (read-only; used by export)."""
    client = cf_extensions(cmd.cli_ctx)
    with arm_errors(cluster, "the microsoft.flux extension"):
        return find_flux_extension(list_extensions(client, cluster))
