"""Make sure the microsoft.flux cluster extension is installed and ready before a configuration is written.

Minimal calls: one extensions list; a PUT only when no microsoft.flux extension exists; GETs only while an
existing extension is still Creating/Updating. Even with --no-wait on the configuration, the extension is
waited for, because the service rejects configurations on a cluster whose Flux extension is not ready.
"""
import os
import time

from azure.cli.core.azclierror import DeploymentError
from knack.log import get_logger

from azext_k8s_configuration._client_factory import cf_extensions
from azext_k8s_configuration._errors import arm_errors
from azext_k8s_configuration.providers._arm import cluster_args, plain, run_lro

logger = get_logger(__name__)

FLUX_EXTENSION_TYPE = "microsoft.flux"
DEFAULT_EXTENSION_NAME = "flux"
RELEASE_TRAIN_ENV = "FLUX_EXTENSION_RELEASETRAIN"
VERSION_ENV = "FLUX_EXTENSION_VERSION"
IN_PROGRESS = {"Creating", "Updating", "Accepted", "Running"}
POLL_SECONDS = 3.0
READY_TIMEOUT_SECONDS = 30 * 60


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


def _fix_command(cluster, ext_name):
    rp_flag = f" --cluster-resource-provider {cluster.cluster_rp}" if \
        cluster.cluster_type.lower() == "provisionedclusters" else ""
    return (f"az k8s-extension delete -g {cluster.resource_group} -c {cluster.cluster_name} "
            f"-t {cluster.cluster_type}{rp_flag} -n {ext_name} --yes")


def _failed_error(cluster, ext):
    props = ext.get("properties") or {}
    info = props.get("errorInfo") or {}
    detail = f" ({info.get('code')}) {info.get('message')}" if info.get("code") or info.get("message") else ""
    return DeploymentError(
        f"The '{FLUX_EXTENSION_TYPE}' extension '{ext.get('name')}' on cluster '{cluster.cluster_name}' is in "
        f"state '{props.get('provisioningState')}'.{detail}",
        f"Fix the cause above, then remove the extension with '{_fix_command(cluster, ext.get('name'))}' and "
        f"run this command again: it reinstalls the extension.")


def check_ready(cluster, ext):
    """Raise for an extension that can never become ready by waiting; True when Succeeded."""
    state = (ext.get("properties") or {}).get("provisioningState")
    if state == "Succeeded":
        return True
    if state in IN_PROGRESS:
        return False
    if state == "Deleting":
        raise DeploymentError(
            f"The '{FLUX_EXTENSION_TYPE}' extension '{ext.get('name')}' is being deleted from cluster "
            f"'{cluster.cluster_name}'.",
            "Wait until the deletion has finished, then run this command again; it installs the extension.")
    raise _failed_error(cluster, ext)


def wait_until_ready(get_extension, cluster, ext, *, timeout_seconds=READY_TIMEOUT_SECONDS,
                     poll_seconds=POLL_SECONDS, clock=time.monotonic, sleep=time.sleep):
    """Poll an extension that is Creating/Updating until it is Succeeded (or fails)."""
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


def ensure_flux_extension(cmd, cluster):
    """Return the ready microsoft.flux extension of the cluster, installing it when missing."""
    client = cf_extensions(cmd.cli_ctx)
    with arm_errors(cluster, "the microsoft.flux extension"):
        extensions = [plain(e) for e in client.list(*cluster_args(cluster))]
        ext = find_flux_extension(extensions)
        if ext is None:
            if any(e.get("name") == DEFAULT_EXTENSION_NAME for e in extensions):
                raise DeploymentError(
                    f"Cluster '{cluster.cluster_name}' has an extension named '{DEFAULT_EXTENSION_NAME}' that is "
                    f"not of type '{FLUX_EXTENSION_TYPE}'.",
                    "Install microsoft.flux under another name with 'az k8s-extension create "
                    "--extension-type microsoft.flux', then run this command again.")
            logger.warning("The '%s' extension is not installed on cluster '%s'; installing it as '%s'. This may "
                           "take a few minutes...", FLUX_EXTENSION_TYPE, cluster.cluster_name,
                           DEFAULT_EXTENSION_NAME)
            result = run_lro(cmd, False, client.begin_create, *cluster_args(cluster), DEFAULT_EXTENSION_NAME,
                             extension_body(cluster))
            ext = plain(result)
            logger.warning("The '%s' extension was installed on cluster '%s'.", FLUX_EXTENSION_TYPE,
                           cluster.cluster_name)

        def get_extension(name):
            return plain(client.get(*cluster_args(cluster), name))

        if not check_ready(cluster, ext):
            ext = wait_until_ready(get_extension, cluster, ext)
    return ext


def find_installed(cmd, cluster):
    """The microsoft.flux extension of the cluster or None (read-only; used by export)."""
    client = cf_extensions(cmd.cli_ctx)
    with arm_errors(cluster, "the microsoft.flux extension"):
        return find_flux_extension([plain(e) for e in client.list(*cluster_args(cluster))])
