"""ARM error translation: class, code, message and the hint, from real azure-core HttpResponseError objects."""
import json
from types import SimpleNamespace

import pytest
from azure.cli.core import azclierror
from azure.core.exceptions import HttpResponseError
from azure.core.exceptions import ResourceNotFoundError as CoreNotFound
from azure.core.rest import HttpRequest
from azure.mgmt.core.exceptions import ARMErrorFormat

from azext_k8s_configuration._errors import arm_errors, translate


class _Response:  # the minimal HTTP response azure-core reads an error body from
    def __init__(self, status, body):
        self.status_code = status
        self.reason = "error"
        self._body = json.dumps(body).encode()
        self.headers = {"content-type": "application/json"}
        self.request = HttpRequest("GET", "https://127.0.0.1/x")

    def text(self, encoding=None):
        return self._body.decode()

    def body(self):
        return self._body


def _error(status, code, message, target=None, cls=HttpResponseError):
    error = {"code": code, "message": message}
    if target:
        error["target"] = target
    return cls(response=_Response(status, {"error": error}), error_format=ARMErrorFormat)


@pytest.fixture(scope="module")
def cluster():
    # the ClusterRef fields the translation reads
    return SimpleNamespace(resource_group="rg1", cluster_rp="Microsoft.Kubernetes", cluster_type="connectedClusters",
                           cluster_name="arc1")


def test_missing_registration_points_to_provider_register(cluster):
    err = translate(_error(409, "MissingSubscriptionRegistration", "The subscription is not registered."), cluster)
    assert isinstance(err, azclierror.UnclassifiedUserFault)
    assert "MissingSubscriptionRegistration" in err.error_msg
    assert "az provider register --namespace Microsoft.KubernetesConfiguration" in err.recommendations[0]


def test_parent_not_found_blames_the_cluster(cluster):
    err = translate(_error(404, "ParentResourceNotFound", "Parent resource 'arc1' not found.", cls=CoreNotFound),
                    cluster, "flux configuration 'cfg'")
    assert isinstance(err, azclierror.ResourceNotFoundError)
    assert "--cluster-type" in err.recommendations[0] and "arc1" in err.recommendations[0]


def test_resource_not_found_naming_the_cluster_blames_the_cluster(cluster):
    message = "The Resource 'Microsoft.Kubernetes/connectedClusters/arc1' under resource group 'rg1' was not found."
    err = translate(_error(404, "ResourceNotFound", message, cls=CoreNotFound), cluster, "flux configuration 'cfg'")
    assert "cluster" in err.recommendations[0] and "--cluster-name" in err.recommendations[0]


def test_resource_not_found_of_the_configuration_blames_the_configuration(cluster):
    message = ("The Resource 'Microsoft.KubernetesConfiguration/fluxConfigurations/cfg' under resource group "
               "'rg1' was not found.")
    err = translate(_error(404, "ResourceNotFound", message, cls=CoreNotFound), cluster, "flux configuration 'cfg'")
    assert isinstance(err, azclierror.ResourceNotFoundError)
    assert "flux configuration 'cfg'" in err.recommendations[0]
    assert "(ResourceNotFound)" in err.error_msg


def test_source_kind_mismatch_gets_a_hint(cluster):
    err = translate(_error(400, "ValidationFailed", "Invalid source kind match. Config with specified source kind "
                                                    "'GitRepository' must contain corresponding body"), cluster)
    assert isinstance(err, azclierror.ValidationError)
    assert "--kind" in err.recommendations[0]


@pytest.mark.parametrize("status,cls", [(400, azclierror.BadRequestError), (403, azclierror.ForbiddenError),
                                        (500, azclierror.AzureInternalError), (409, azclierror.AzureResponseError)])
def test_status_classes(cluster, status, cls):
    err = translate(_error(status, "SomeCode", "Something happened."), cluster)
    assert isinstance(err, cls)
    assert err.error_msg == "(SomeCode) Something happened."


def test_context_manager_reraises_translated(cluster):
    with pytest.raises(azclierror.ForbiddenError), arm_errors(cluster, "x"):
        raise _error(403, "AuthorizationFailed", "No access.")
    with pytest.raises(KeyError), arm_errors(cluster, "x"):  # other exceptions pass through untouched
        raise KeyError("k")
