"""Translate ARM errors (azure-core HttpResponseError) into azure.cli.core.azclierror classes.

Classification uses the ARM error's `code`, `target` and the resource reference it names, never the English
wording of the message, except for the one service error that has no other distinguishing structure
("ValidationFailed" about the source kind, where only the message tells it apart).
"""
import json
import re

from azure.cli.core import azclierror

REGISTER_HINT = ("Register the resource provider with 'az provider register --namespace "
                 "Microsoft.KubernetesConfiguration', wait until 'az provider show -n "
                 "Microsoft.KubernetesConfiguration --query registrationState' is Registered, then retry. "
                 "'az k8s-configuration flux check --fix' does this for you.")

_STATUS_CLASSES = {
    400: azclierror.BadRequestError,
    401: azclierror.UnauthorizedError,
    403: azclierror.ForbiddenError,
    404: azclierror.ResourceNotFoundError,
}

_QUOTED = re.compile(r"'([^']+)'")


def error_fields(ex):
    """(status, code, message, target) of an HttpResponseError, reading the ARM error body when present."""
    status = getattr(ex, "status_code", None)
    err = getattr(ex, "error", None)
    code = getattr(err, "code", None)
    message = getattr(err, "message", None)
    target = getattr(err, "target", None)
    if code is None:
        body = _response_json(ex)
        inner = body.get("error", body) if isinstance(body, dict) else {}
        if isinstance(inner, dict):
            code, message, target = inner.get("code"), inner.get("message"), inner.get("target")
    if message is None:
        message = getattr(ex, "message", None) or str(ex)
    if code is None and status == 404:
        code = "NotFound"
    return status, code, message, target


def _response_json(ex):
    response = getattr(ex, "response", None)
    if response is None:
        return {}
    try:
        return json.loads(response.text())
    except (ValueError, TypeError, AttributeError):
        return {}


def is_not_found(ex):
    return getattr(ex, "status_code", None) == 404


def names_cluster(cluster, code, message, target):
    """True when a 404 is about the cluster (the parent, or its resource group) rather than the child resource."""
    if code in ("ParentResourceNotFound", "ResourceGroupNotFound"):
        return True
    references = [target] if target else []
    references += _QUOTED.findall(message or "")
    cluster_tail = f"{cluster.cluster_type}/{cluster.cluster_name}".lower()
    for ref in references:
        ref = ref.strip("/").lower()
        if "microsoft.kubernetesconfiguration" in ref:
            continue
        if ref.endswith(cluster_tail):
            return True
    return False


def cluster_not_found_hint(cluster):
    return (f"Check -g/--resource-group, -c/--cluster-name and -t/--cluster-type: the cluster "
            f"{cluster.cluster_rp}/{cluster.cluster_type}/{cluster.cluster_name} was not found in resource group "
            f"'{cluster.resource_group}'.")


def translate(ex, cluster=None, resource=None, recommendation=None):
    """Return the azclierror for an ARM error.

    :param cluster: the ClusterRef the call was about (to tell a missing cluster from a missing child)
    :param resource: human name of the child resource, e.g. "flux configuration 'cfg'"
    """
    status, code, message, target = error_fields(ex)
    text = f"({code}) {message}" if code else message
    if code == "MissingSubscriptionRegistration":
        return azclierror.UnclassifiedUserFault(text, REGISTER_HINT)
    if code == "ValidationFailed" and "source kind" in (message or "").lower():
        return azclierror.ValidationError(
            text, "The update changed or referenced a source without its settings. Give --kind together with "
                  "--url and the source's options, or change kustomizations with "
                  "'az k8s-configuration flux kustomization update'.")
    if status == 404 and cluster is not None:
        if names_cluster(cluster, code, message, target):
            return azclierror.ResourceNotFoundError(text, cluster_not_found_hint(cluster))
        what = resource or "the resource"
        return azclierror.ResourceNotFoundError(
            text, recommendation or f"Check the name of {what}; 'az k8s-configuration flux list' shows the "
                                    f"configurations on this cluster.")
    cls = _STATUS_CLASSES.get(status)
    if cls is None:
        cls = azclierror.AzureInternalError if status and status >= 500 else azclierror.AzureResponseError
    return cls(text, recommendation)


class arm_errors:  # pylint: disable=invalid-name,too-few-public-methods
    """Context manager: re-raise azure-core HttpResponseError as the matching azclierror."""

    def __init__(self, cluster=None, resource=None, recommendation=None):
        self.cluster, self.resource, self.recommendation = cluster, resource, recommendation

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        from azure.core.exceptions import HttpResponseError
        if exc is not None and isinstance(exc, HttpResponseError):
            raise translate(exc, self.cluster, self.resource, self.recommendation) from None
        return False
