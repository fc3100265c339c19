"""Issue item 7: hostile requests (malformed JSON, wrong content type, > 4 MB, deep nesting, unknown
api-version, path traversal in names, random bodies) get ARM-shaped 4xx errors and the server keeps serving."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from .emu_http import client_for, flux_path
from .fuzz_targets import ANY_JSONISH

GOOD_BODY = {"properties": {"scope": "cluster", "namespace": "default", "sourceKind": "GitRepository",
                            "gitRepository": {"url": "https://github.com/Azure/gitops-flux2-kustomize-helm-mt",
                                              "repositoryRef": {"branch": "main"}},
                            "kustomizations": {"infra": {"path": "./infrastructure"}}}}


def _assert_arm_4xx(resp, *statuses: int) -> None:
    assert 400 <= resp.status < 500, (resp.status, resp.text[:500])
    if statuses:
        assert resp.status in statuses, (resp.status, resp.text[:500])
    error = resp.json["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]


@pytest.fixture(scope="module")
def raw(emulator):
    return client_for(emulator)


def install_flux(raw, cluster: dict, token: str, wait_until) -> None:
    """The microsoft.flux extension on the cluster, as az installs it before any configuration (the emulator,
    like the service, takes flux configurations only on a cluster that has it)."""
    extension = flux_path(cluster["group"], cluster["name"]).replace("/fluxConfigurations", "/extensions/flux")
    put = raw.arm("PUT", extension, {"properties": {"extensionType": "microsoft.flux"}}, token=token,
                  api_version="2025-03-01")
    assert put.status in (200, 201), put.text

    def installed():
        state = raw.arm("GET", extension, token=token, api_version="2025-03-01").json["properties"]
        return state["provisioningState"] == "Succeeded"
    wait_until(installed, timeout=60, interval=0.1)


@pytest.fixture
def target(raw, cluster, wait_until):
    token = raw.token()
    install_flux(raw, cluster, token, wait_until)
    path = flux_path(cluster["group"], cluster["name"], "cfg")

    def send(method="PUT", body=None, raw_body=None, content_type="application/json", api_version="2025-04-01",
             resource=path):
        return raw.arm(method, resource, body=body, raw=raw_body, content_type=content_type, token=token,
                       api_version=api_version)
    send.path = path
    send.cluster = cluster
    return send


def _still_serving(target) -> None:
    resp = target("GET", resource=flux_path(target.cluster["group"], target.cluster["name"]))
    assert resp.status == 200 and isinstance(resp.json["value"], list)


@pytest.mark.parametrize("body", ['{"properties": ', "{'single': 'quotes'}", "\x00\x01", "[1, 2,]", "NaN",
                                  '{"properties": {"scope": "cluster"}} trailing', "\ud800".encode("utf-8", "surrogatepass")])
def test_malformed_json(target, body):
    _assert_arm_4xx(target(raw_body=body), 400)
    _still_serving(target)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_wrong_content_type(target, content_type):
    _assert_arm_4xx(target(raw_body=json.dumps(GOOD_BODY), content_type=content_type), 400, 415)
    _still_serving(target)


def test_body_over_4_mb(target):
    big = json.dumps({"properties": {"padding": "x" * (4 * 1024 * 1024 + 10)}})
    _assert_arm_4xx(target(raw_body=big), 413)
    _still_serving(target)


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_deep_nesting(target, depth):
    _assert_arm_4xx(target(raw_body="[" * depth + "]" * depth), 400)
    _assert_arm_4xx(target(raw_body='{"a":' * depth + "1" + "}" * depth), 400)
    _still_serving(target)


@pytest.mark.parametrize("version", ["1999-01-01", "2025-04-01-preview-x", "latest", "", "%27%3B%20DROP%20TABLE", None])
def test_unknown_api_version(target, version):
    _assert_arm_4xx(target("GET", api_version=version), 400)
    _assert_arm_4xx(target(body=GOOD_BODY, api_version=version), 400)
    _still_serving(target)


@pytest.mark.parametrize("name", ["..", "..%2F..%2Fsecrets", "%2e%2e", "a%00b", "a%2Fb", "UPPER_case",
                                  "x" * 300, "%C3%A9", "a%20b", "-leading"])
def test_path_traversal_and_bad_names(target, name):
    resource = target.path.rsplit("/", 1)[0] + "/" + name
    put = target(body=GOOD_BODY, resource=resource)
    _assert_arm_4xx(put)
    _assert_arm_4xx(target("GET", resource=resource))
    listing = target("GET", resource=flux_path(target.cluster["group"], target.cluster["name"]))
    assert listing.json["value"] == []  # nothing was created anywhere
    _still_serving(target)


def test_random_bodies_never_crash_the_server(target):
    statuses = []

    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(ANY_JSONISH)
    def body(value):
        resp = target(body=value if isinstance(value, dict) else {"properties": value})
        assert resp.status < 500, (resp.status, resp.text[:500], value)
        if resp.status >= 400:
            _assert_arm_4xx(resp)
        statuses.append(resp.status)

    body()
    assert any(s >= 400 for s in statuses)
    _still_serving(target)


@pytest.mark.parametrize("body", [{"\ud800": None}, {"properties": {"scope": "\udfff"}}])
def test_lone_surrogates_get_an_arm_error(target, body):
    """Found by the random-body run: echoing a lone surrogate used to crash the response encoding (500)."""
    resp = target(body=body)
    assert resp.status < 500, (resp.status, resp.text[:300])
    _assert_arm_4xx(resp)
    _still_serving(target)
