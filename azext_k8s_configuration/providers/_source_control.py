"""Flux v1 sourceControlConfigurations (deprecated; api-version 2022-03-01): list, get and delete.

Only the multi-API `azure-mgmt-kubernetesconfiguration` package has a client for this resource, and it brings
13 API versions (about 10 MB installed) along for three calls. Those three calls go instead through the split
flux configurations SDK client's own pipeline (`send_request`): the same authentication, retry, logging and
registration policies as every other call, the same azure-core exceptions on ARM errors, the same LRO poller.
Results are plain dicts in ARM wire shape.
"""
from urllib.parse import quote

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
    ResourceNotModifiedError,
    map_error,
)
from azure.core.polling import LROPoller, NoPolling
from azure.core.rest import HttpRequest
from azure.mgmt.core.exceptions import ARMErrorFormat
from azure.mgmt.core.polling.arm_polling import ARMPolling

COLLECTION = "sourceControlConfigurations"
# Seconds between LRO polls when ARM sends no Retry-After (the SDK clients' default).
POLLING_INTERVAL = 30
_ERROR_MAP = {401: ClientAuthenticationError, 404: ResourceNotFoundError, 409: ResourceExistsError,
              304: ResourceNotModifiedError}


class SourceControlConfigurations:
    """`list`, `get` and `begin_delete` with the SDK operations' signatures and exceptions, returning dicts."""

    def __init__(self, client, subscription_id, api_version, polling_interval=POLLING_INTERVAL):
        """``client``: an ARM SDK client (``send_request`` + pipeline) already built for the current cloud."""
        self._client = client
        self._subscription_id = subscription_id
        self._api_version = api_version
        self._polling_interval = polling_interval

    def _path(self, resource_group, cluster_rp, cluster_type, cluster_name, name=None):
        segments = ["subscriptions", self._subscription_id, "resourceGroups", resource_group, "providers",
                    cluster_rp, cluster_type, cluster_name, "providers", "Microsoft.KubernetesConfiguration",
                    COLLECTION] + ([name] if name is not None else [])
        return "/" + "/".join(quote(str(s), safe="") for s in segments)

    def _send(self, method, url, accepted, with_api_version=True):
        params = {"api-version": self._api_version} if with_api_version else None
        pipeline_response = self._client.send_request(HttpRequest(method, url, params=params),
                                                      _return_pipeline_response=True)
        response = pipeline_response.http_response
        if response.status_code not in accepted:
            map_error(status_code=response.status_code, response=response, error_map=_ERROR_MAP)
            raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        return pipeline_response

    def list(self, resource_group, cluster_rp, cluster_type, cluster_name):
        """Every Flux v1 configuration of the cluster, following nextLink."""
        url, first = self._path(resource_group, cluster_rp, cluster_type, cluster_name), True
        while url:
            page = self._send("GET", url, (200,), with_api_version=first).http_response.json()
            yield from page.get("value") or []
            url, first = page.get("nextLink"), False

    def get(self, resource_group, cluster_rp, cluster_type, cluster_name, name):
        url = self._path(resource_group, cluster_rp, cluster_type, cluster_name, name)
        return self._send("GET", url, (200,)).http_response.json()

    def begin_delete(self, resource_group, cluster_rp, cluster_type, cluster_name, name, *, polling=True):
        """DELETE; a 202 is polled like the SDK does (Azure-AsyncOperation / Location, Retry-After)."""
        url = self._path(resource_group, cluster_rp, cluster_type, cluster_name, name)
        initial = self._send("DELETE", url, (200, 202, 204))
        # LROPoller needs the pipeline client itself (it sleeps on the pipeline's transport between polls).
        pipeline_client = self._client._client  # pylint: disable=protected-access
        method = ARMPolling(self._polling_interval) if polling else NoPolling()
        return LROPoller(pipeline_client, initial, lambda _response: None, method)
