"""Deployed objects of a configuration: read from `properties.statuses` of one GET."""
from azure.cli.core.azclierror import ResourceNotFoundError

from azext_k8s_configuration.providers.flux_configurations import show as show_config


def list_objects(cmd, cluster, name):
    return (show_config(cmd, cluster, name).get("properties") or {}).get("statuses") or []


def find_object(statuses, object_name, object_namespace, object_kind):
    """The status entry with that name, namespace and kind (kind compared case-insensitively), or None."""
    kind = (object_kind or "").lower()
    for status in statuses:
        if (status.get("name") == object_name and (status.get("namespace") or "") == (object_namespace or "")
                and (status.get("kind") or "").lower() == kind):
            return status
    return None


def show(cmd, cluster, name, *, object_name, object_namespace, object_kind):
    found = find_object(list_objects(cmd, cluster, name), object_name, object_namespace, object_kind)
    if found is None:
        raise ResourceNotFoundError(
            f"No deployed object of kind '{object_kind}' named '{object_name}' in namespace '{object_namespace}' "
            f"on configuration '{name}'.",
            "'az k8s-configuration flux deployed-object list' shows the objects the configuration deployed.")
    return found
