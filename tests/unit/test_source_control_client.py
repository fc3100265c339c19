"""The Flux v1 sourceControlConfigurations path (providers/_source_control.py) on the SDK client's real pipeline,
with canned ARM answers: paging, error mapping, and a 202 delete polled through Azure-AsyncOperation."""
from __future__ import annotations

import io
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import urllib3
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.core.pipeline.transport import RequestsTransport
from azure.mgmt.kubernetesconfiguration.fluxconfigurations import (
    KubernetesConfigurationFluxConfigurationsMgmtClient,
)

from azext_k8s_configuration.providers._source_control import (
    SourceControlConfigurations,
)

ARM = "https://arm.example"
SUB = "00000000-0000-0000-0000-000000000001"
CLUSTER = ("rg1", "Microsoft.Kubernetes", "connectedClusters", "arc1")
COLLECTION = (f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Kubernetes/connectedClusters/arc1"
              "/providers/Microsoft.KubernetesConfiguration/sourceControlConfigurations")


class FakeCredential:
    def get_token(self, *scopes, **kwargs):
        return AccessToken("token", int(time.time()) + 3600)


class CannedArm(requests.adapters.BaseAdapter):
    """Answers requests in order from (status, headers, body) tuples and records (method, url, auth header)."""

    def __init__(self, answers):
        super().__init__()
        self.answers = list(answers)
        self.seen = []

    def send(self, request, **kwargs):
        self.seen.append((request.method, request.url, request.headers.get("Authorization")))
        status, headers, body = self.answers.pop(0)
        content = b"" if body is None else json.dumps(body).encode()
        raw = urllib3.HTTPResponse(body=io.BytesIO(content), status=status, preload_content=False,
                                   headers={"Content-Type": "application/json", **headers})
        return requests.adapters.HTTPAdapter().build_response(request, raw)

    def close(self):
        pass


def _operations(answers):
    arm = CannedArm(answers)
    session = requests.Session()
    session.mount("https://", arm)
    client = KubernetesConfigurationFluxConfigurationsMgmtClient(
        FakeCredential(), SUB, base_url=ARM, transport=RequestsTransport(session=session), retry_total=0)
    # polls 0 s apart when ARM sends no Retry-After (instead of 30 s): the test's answers say when to stop
    return SourceControlConfigurations(client, SUB, "2022-03-01", polling_interval=0), arm


def _config(name):
    return {"id": f"{COLLECTION}/{name}", "name": name, "properties": {"repositoryUrl": f"https://git.example/{name}"}}


def test_list_follows_next_link_and_returns_wire_dicts():
    next_link = f"{ARM}{COLLECTION}?api-version=2022-03-01&$skipToken=page2"
    operations, arm = _operations([(200, {}, {"value": [_config("a")], "nextLink": next_link}),
                                   (200, {}, {"value": [_config("b")]})])
    listed = list(operations.list(*CLUSTER))
    assert [c["name"] for c in listed] == ["a", "b"]
    assert listed[0]["properties"]["repositoryUrl"] == "https://git.example/a"
    first, second = arm.seen
    assert first[0] == "GET" and urlsplit(first[1]).path == COLLECTION
    assert parse_qs(urlsplit(first[1]).query) == {"api-version": ["2022-03-01"]}
    assert second[1] == next_link  # followed as given, api-version not added twice
    assert first[2] == "Bearer token"  # the SDK pipeline's authentication policy ran


def test_get_maps_arm_errors_like_the_sdk():
    not_found = {"error": {"code": "ResourceNotFound", "message": "The configuration 'x' was not found."}}
    operations, _ = _operations([(404, {}, not_found),
                                 (403, {}, {"error": {"code": "AuthorizationFailed", "message": "no access"}})])
    with pytest.raises(ResourceNotFoundError, match="was not found"):
        operations.get(*CLUSTER, "x")
    with pytest.raises(HttpResponseError) as raised:
        operations.get(*CLUSTER, "x")
    assert raised.value.status_code == 403 and raised.value.error.code == "AuthorizationFailed"


def test_delete_accepted_is_polled_to_the_end():
    status_url = f"{ARM}/subscriptions/{SUB}/providers/Microsoft.KubernetesConfiguration/operations/op1"
    operations, arm = _operations([
        (202, {"Azure-AsyncOperation": status_url}, None),
        (200, {}, {"status": "Deleting"}),
        (200, {}, {"status": "Succeeded"}),
    ])
    poller = operations.begin_delete(*CLUSTER, "legacy")
    assert poller.result() is None and poller.status() == "Succeeded"
    assert [(method, urlsplit(url).path) for method, url, _ in arm.seen] == [
        ("DELETE", f"{COLLECTION}/legacy"),
        ("GET", urlsplit(status_url).path), ("GET", urlsplit(status_url).path)]


def test_delete_of_nothing_finishes_at_once_and_no_wait_does_not_poll():
    operations, arm = _operations([(204, {}, None), (202, {"Azure-AsyncOperation": f"{ARM}/op"}, None)])
    assert operations.begin_delete(*CLUSTER, "missing").result() is None
    poller = operations.begin_delete(*CLUSTER, "legacy", polling=False)
    assert poller.done() and len(arm.seen) == 2


def test_names_are_quoted_into_one_path_segment():
    operations, arm = _operations([(200, {}, _config("a"))])
    operations.get(*CLUSTER, "a/b")
    assert urlsplit(arm.seen[0][1]).path == f"{COLLECTION}/a%2Fb"
