"""Every error rule: auth, api-version, body shape, unknown paths, missing parents, server-side rules."""

from __future__ import annotations

import time
import uuid

import pytest
from emu_helpers import KC, SUB, flux_body
from emu_helpers import config_path as _config
from emu_helpers import expect_error as _error

from k8sconfig_emulator import tokens

# -- authentication ---------------------------------------------------------------------------

def test_missing_token_is_401_with_challenge(emulator):
    response = emulator.session.get(f"{emulator.url}/subscriptions", params={"api-version": "2022-12-01"})
    _error(response, 401, "AuthenticationFailed")
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


def test_foreign_token_is_401(emulator):
    foreign = tokens.issue(b"some-other-key" * 4, "https://management.k8sconfig.local/")["access_token"]
    response = emulator.call("GET", "/subscriptions", api="2022-12-01", headers={"Authorization": f"Bearer {foreign}"})
    _error(response, 401, "InvalidAuthenticationToken")


def test_expired_token_is_401(emulator):
    key = (emulator.data_dir / "signing.key").read_text().strip().encode()
    old = tokens.issue(key, "https://management.k8sconfig.local/", now=time.time() - 7200)["access_token"]
    response = emulator.call("GET", "/subscriptions", api="2022-12-01", headers={"Authorization": f"Bearer {old}"})
    assert "expired" in _error(response, 401, "InvalidAuthenticationToken")["message"]


def test_msi_token_needs_the_identity_secret(emulator):
    response = emulator.session.get(f"{emulator.url}/msi/token", params={"resource": "x"},
                                    headers={"X-IDENTITY-HEADER": "wrong"})
    assert response.status_code == 401
    good = emulator.token()
    claims = tokens.verify((emulator.data_dir / "signing.key").read_text().strip().encode(), good)
    assert {"tid", "oid", "exp"} <= set(claims)
    entry = [e for e in emulator.requests_log() if e["path"] == "/msi/token"][-1]
    assert entry["body"] is None and "access_token" not in str(entry)


def test_admin_routes_need_the_admin_secret_and_are_not_logged(emulator):
    response = emulator.session.get(f"{emulator.url}/_emulator/knobs")
    assert response.status_code == 401
    assert emulator.admin("GET", "knobs").status_code == 200
    assert not [e for e in emulator.requests_log() if e["path"].startswith("/_emulator")]


# -- api-version and paths --------------------------------------------------------------------

def test_missing_api_version(emulator):
    cluster = emulator.new_cluster()
    _error(emulator.call("GET", f"{cluster}/{KC}/fluxConfigurations", api=None), 400, "MissingApiVersionParameter")


def test_unsupported_api_version_answers_like_arm(emulator):
    cluster = emulator.new_cluster(flux=False)
    error = _error(emulator.call("GET", f"{cluster}/{KC}/fluxConfigurations", api="1999-01-01"), 400,
                   "NoRegisteredProviderFound")
    assert "'1999-01-01'" in error["message"] and "Microsoft.KubernetesConfiguration/fluxConfigurations" in \
        error["message"]
    assert "2025-04-01, 2024-11-01" in error["message"] and "2022-03-01" in error["message"]
    error = _error(emulator.call("PUT", f"{cluster}/{KC}/extensions/flux", {}, api="2099-01-01-preview"), 400,
                   "NoRegisteredProviderFound")
    assert "2025-03-01" in error["message"] and "extensions" in error["message"]
    error = _error(emulator.call("GET", f"{cluster}/{KC}/fluxConfigurations", api="latest"), 400,
                   "InvalidApiVersionParameter")
    assert "'latest'" in error["message"] and "2025-04-01" in error["message"]


@pytest.mark.parametrize("version", ["2024-11-01", "2024-04-01-preview", "2022-07-01", "2022-03-01"])
def test_older_api_versions_are_accepted(emulator, version):
    cluster = emulator.new_cluster()
    assert emulator.call("GET", f"{cluster}/{KC}/fluxConfigurations", api=version).status_code == 200


def test_unknown_resource_type_is_404(emulator):
    cluster = emulator.new_cluster()
    _error(emulator.call("GET", f"{cluster}/{KC}/gadgets"), 404, "InvalidResourceType")


def test_unknown_path_is_404(emulator):
    _error(emulator.call("GET", "/nothing/here"), 404, "NotFound")


def test_config_under_missing_cluster_names_the_parent(emulator):
    emulator.new_cluster()
    missing = f"/subscriptions/{SUB}/resourceGroups/rg-tests/providers/Microsoft.Kubernetes/connectedClusters/ghost"
    error = _error(emulator.call("PUT", _config(missing), flux_body()), 404, "ResourceNotFound")
    assert "The Resource 'Microsoft.Kubernetes/connectedClusters/ghost' under resource group 'rg-tests' was not found" \
        in error["message"]


def test_missing_resource_group(emulator):
    path = f"/subscriptions/{SUB}/resourceGroups/no-such-rg/providers/Microsoft.Kubernetes/connectedClusters/c"
    _error(emulator.call("GET", _config(path)), 404, "ResourceGroupNotFound")


def test_missing_config_names_the_configuration(emulator):
    cluster = emulator.new_cluster()
    error = _error(emulator.call("GET", _config(cluster, "absent")), 404, "ResourceNotFound")
    assert "fluxConfigurations/absent" in error["message"]


# -- request bodies ---------------------------------------------------------------------------

def test_malformed_json_then_server_keeps_serving(emulator):
    cluster = emulator.new_cluster()
    response = emulator.call("PUT", _config(cluster), data=b"{not json", headers={"Content-Type": "application/json"})
    _error(response, 400, "InvalidRequestContent")
    assert emulator.call("GET", f"{cluster}/{KC}/fluxConfigurations").status_code == 200


def test_wrong_content_type_is_415(emulator):
    cluster = emulator.new_cluster()
    response = emulator.call("PUT", _config(cluster), data=b"<xml/>", headers={"Content-Type": "application/xml"})
    _error(response, 415, "UnsupportedMediaType")


def test_body_over_4mb_is_413(emulator):
    cluster = emulator.new_cluster()
    big = b'{"properties": {"x": "' + b"a" * (4 * 1024 * 1024) + b'"}}'
    response = emulator.call("PUT", _config(cluster), data=big, headers={"Content-Type": "application/json"})
    _error(response, 413, "RequestEntityTooLarge")


def test_nesting_deeper_than_64_is_rejected(emulator):
    cluster = emulator.new_cluster()
    deep = b'{"a":' * 70 + b"1" + b"}" * 70
    response = emulator.call("PUT", _config(cluster), data=deep, headers={"Content-Type": "application/json"})
    assert "nested deeper" in _error(response, 400, "InvalidRequestContent")["message"]
    very_deep = b"[" * 100000 + b"]" * 100000
    response = emulator.call("PUT", _config(cluster), data=very_deep, headers={"Content-Type": "application/json"})
    _error(response, 400, "InvalidRequestContent")


def test_type_error_names_the_json_path(emulator):
    cluster = emulator.new_cluster()
    body = flux_body(kustomizations={"apps": {"prune": "yes"}})
    error = _error(emulator.call("PUT", _config(cluster), body), 400, "InvalidRequestContent")
    assert "properties.kustomizations.apps.prune: expected boolean" in error["message"]
    assert error["target"] == "properties.kustomizations.apps.prune"


def test_unknown_property_is_rejected(emulator):
    cluster = emulator.new_cluster()
    body = flux_body(kustomizations={"apps": {"pune": True}})
    assert "unknown property 'pune'" in _error(emulator.call("PUT", _config(cluster), body), 400,
                                               "InvalidRequestContent")["message"]


def test_read_only_input_fields_are_ignored(emulator):
    cluster = emulator.new_cluster()
    body = flux_body(provisioningState="Succeeded", complianceState="Compliant", statuses=[{"x": 1}])
    body["id"], body["name"] = "/bogus", "bogus"
    props = emulator.call("PUT", _config(cluster), body).json()["properties"]
    assert (props["provisioningState"], props["complianceState"], props["statuses"]) == ("Creating", "Pending", [])


# -- server-side rules ------------------------------------------------------------------------

def test_source_kind_must_match_the_source(emulator):
    cluster = emulator.new_cluster()
    body = flux_body(sourceKind="Bucket")
    error = _error(emulator.call("PUT", _config(cluster), body), 400, "ValidationFailed")
    assert "properties.bucket" in error["message"] and "gitRepository" in error["message"]


def test_two_sources_are_rejected(emulator):
    cluster = emulator.new_cluster()
    body = flux_body(bucket={"url": "https://minio", "bucketName": "b"})
    _error(emulator.call("PUT", _config(cluster), body), 400, "ValidationFailed")


@pytest.mark.parametrize("field,value", [("scope", "namespace"), ("namespace", "other")])
def test_scope_and_namespace_are_immutable(emulator, field, value):
    cluster = emulator.new_cluster()
    emulator.wait_operation(emulator.call("PUT", _config(cluster), flux_body()))
    assert field in _error(emulator.call("PUT", _config(cluster), flux_body(**{field: value})), 400,
                           "ValidationFailed")["message"]
    patch = {"properties": {field: value}}
    _error(emulator.call("PATCH", _config(cluster), patch), 400, "ValidationFailed")


def test_depends_on_must_name_a_kustomization_of_the_config(emulator):
    cluster = emulator.new_cluster()
    body = flux_body(kustomizations={"apps": {"dependsOn": ["infra"]}})
    assert "'infra'" in _error(emulator.call("PUT", _config(cluster), body), 400, "ValidationFailed")["message"]


def test_depends_on_cycle_is_rejected(emulator):
    cluster = emulator.new_cluster()
    body = flux_body(kustomizations={"a": {"dependsOn": ["b"]}, "b": {"dependsOn": ["a"]}})
    assert "cycle" in _error(emulator.call("PUT", _config(cluster), body), 400, "ValidationFailed")["message"]


@pytest.mark.parametrize("name", ["Upper", "-dash", "a" * 64])
def test_invalid_config_names(emulator, name):
    cluster = emulator.new_cluster()
    _error(emulator.call("PUT", _config(cluster, name), flux_body()), 400, "ValidationFailed")


def test_config_plus_kustomization_name_limit(emulator):
    cluster = emulator.new_cluster()
    body = flux_body(kustomizations={"k" * 40: {}})
    assert "at most 62" in _error(emulator.call("PUT", _config(cluster, "c" * 30), body), 400,
                                  "ValidationFailed")["message"]


def test_bad_wait_duration(emulator):
    cluster = emulator.new_cluster()
    body = flux_body(reconciliationWaitDuration="30 minutes")
    _error(emulator.call("PUT", _config(cluster), body), 400, "ValidationFailed")


def test_patch_switching_source_kind_drops_the_old_source(emulator):
    cluster = emulator.new_cluster()
    emulator.wait_operation(emulator.call("PUT", _config(cluster), flux_body()))
    patch = {"properties": {"sourceKind": "Bucket", "bucket": {"url": "https://minio.local", "bucketName": "b"}}}
    response = emulator.call("PATCH", _config(cluster), patch)
    assert response.status_code == 202, response.text
    props = response.json()["properties"]
    assert "gitRepository" not in props and props["bucket"]["insecure"] is True


# -- provider registration --------------------------------------------------------------------

def test_not_registered_provider_refuses_writes_until_registered(fresh_emulator):
    emulator = fresh_emulator("--provider-state", "NotRegistered", "--operation-delay", "0.1")
    cluster = emulator.new_cluster(flux=False)
    _error(emulator.call("PUT", _config(cluster), flux_body()), 409, "MissingSubscriptionRegistration")
    provider = f"/subscriptions/{SUB}/providers/Microsoft.KubernetesConfiguration"
    assert emulator.call("GET", provider, api="2021-04-01").json()["registrationState"] == "NotRegistered"
    registering = emulator.call("POST", provider + "/register", api="2021-04-01").json()
    assert registering["registrationState"] == "Registering"
    deadline = time.monotonic() + 10
    while emulator.call("GET", provider, api="2021-04-01").json()["registrationState"] != "Registered":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    emulator.install_flux(cluster)
    assert emulator.call("PUT", _config(cluster), flux_body()).status_code == 201


# -- faults -----------------------------------------------------------------------------------

def test_faults_happen_before_the_handler(fresh_emulator):
    emulator = fresh_emulator()
    cluster = emulator.new_cluster()
    emulator.token()
    assert emulator.admin("PUT", "knobs", {"rate": 1.0, "codes": [503]}).status_code == 200
    name = f"f-{uuid.uuid4().hex[:6]}"
    response = emulator.call("PUT", _config(cluster, name), flux_body())
    _error(response, 503, "ServiceUnavailable")
    assert response.headers["Retry-After"] == "1"
    emulator._token = None
    assert emulator.token()  # the token endpoint is never faulted
    emulator.admin("PUT", "knobs", {"rate": 0.0})
    assert emulator.call("GET", _config(cluster, name)).status_code == 404
    assert emulator.admin("PUT", "knobs", {"codes": [500]}).status_code == 400
