"""Where the real service is strict, the emulator is too (issue 12 §2): the microsoft.flux extension is required,
a sourceKind needs its source, numbers are range-checked, 202 answers carry Location, tracking headers are ARM's,
and the poll hint is a start option."""

from __future__ import annotations

import uuid

import pytest
from emu_helpers import EXT_API, KC, flux_body
from emu_helpers import config_path as _config
from emu_helpers import expect_error as _error


def _nothing_stored(emulator, cluster: str) -> None:
    assert emulator.call("GET", f"{cluster}/{KC}/fluxConfigurations").json()["value"] == []


# -- the microsoft.flux extension -------------------------------------------------------------

def test_put_on_a_cluster_without_the_flux_extension_is_refused(emulator):
    cluster = emulator.new_cluster(flux=False)
    error = _error(emulator.call("PUT", _config(cluster), flux_body()), 400, "FluxExtensionNotInstalled")
    assert "'microsoft.flux' extension is not installed" in error["message"]
    name = cluster.rsplit("/", 1)[1]
    assert (f"az k8s-extension create -g rg-tests -c {name} -t connectedClusters --name flux "
            "--extension-type microsoft.flux") in error["message"]
    _nothing_stored(emulator, cluster)
    # another extension type does not count
    other = emulator.call("PUT", f"{cluster}/{KC}/extensions/monitor",
                          {"properties": {"extensionType": "azuremonitor-containers"}}, api=EXT_API)
    emulator.wait_operation(other)
    _error(emulator.call("PUT", _config(cluster), flux_body()), 400, "FluxExtensionNotInstalled")
    emulator.install_flux(cluster)
    assert emulator.call("PUT", _config(cluster), flux_body()).status_code == 201


def test_extension_still_installing_is_refused(fresh_emulator):
    emulator = fresh_emulator("--extension-install-delay", "60", "--operation-delay", "0.1")
    cluster = emulator.new_cluster(flux=False)
    installing = emulator.call("PUT", f"{cluster}/{KC}/extensions/gitops",
                               {"properties": {"extensionType": "Microsoft.Flux"}}, api=EXT_API)
    assert installing.status_code == 201
    error = _error(emulator.call("PUT", _config(cluster), flux_body()), 400, "FluxExtensionNotReady")
    assert "'gitops'" in error["message"] and "'Creating'" in error["message"] and "Wait" in error["message"]
    _nothing_stored(emulator, cluster)


def test_failed_extension_is_refused_with_the_repair(fresh_emulator):
    emulator = fresh_emulator("--extension-install-delay", "0", "--operation-delay", "0.1")
    cluster = emulator.new_cluster(flux=False)
    assert emulator.admin("PUT", "knobs", {"fail_next_extension_install": True}).status_code == 200
    response = emulator.call("PUT", f"{cluster}/{KC}/extensions/flux", {"properties": {"extensionType": "microsoft.flux"}},
                             api=EXT_API)
    assert emulator.wait_operation(response)["status"] == "Failed"
    error = _error(emulator.call("PUT", _config(cluster), flux_body()), 400, "FluxExtensionNotReady")
    assert "'Failed'" in error["message"] and "az k8s-extension delete" in error["message"]
    _nothing_stored(emulator, cluster)
    # the operation's result URL (what a Location poller reads) answers with the operation's error
    result_url = response.headers["Azure-AsyncOperation"].replace("/operations/", "/operationResults/")
    assert "installing extension 'flux' failed" in \
        _error(emulator.call("GET", result_url, api=None), 400, "ExtensionOperationFailed")["message"].lower()


def test_patch_needs_the_extension_but_delete_does_not(emulator):
    cluster = emulator.new_cluster()
    emulator.wait_operation(emulator.call("PUT", _config(cluster), flux_body()))
    removed = emulator.call("DELETE", f"{cluster}/{KC}/extensions/flux", api=EXT_API, params={"forceDelete": "true"})
    assert removed.status_code == 200
    _error(emulator.call("PATCH", _config(cluster), {"properties": {"suspend": True}}), 400,
           "FluxExtensionNotInstalled")
    assert emulator.call("GET", _config(cluster)).json()["properties"]["suspend"] is False
    assert emulator.wait_operation(emulator.call("DELETE", _config(cluster)))["status"] == "Succeeded"


# -- sourceKind and its source ----------------------------------------------------------------

@pytest.mark.parametrize("kind,field", [("Bucket", "bucket"), ("AzureBlob", "azureBlob"),
                                        ("OCIRepository", "ociRepository")])
def test_patch_to_a_source_kind_without_its_source_is_validation_failed(emulator, kind, field):
    cluster = emulator.new_cluster()
    emulator.wait_operation(emulator.call("PUT", _config(cluster), flux_body()))
    error = _error(emulator.call("PATCH", _config(cluster), {"properties": {"sourceKind": kind}}), 400,
                   "ValidationFailed")
    assert f"properties.{field}" in error["message"] and f"'{kind}'" in error["message"]
    props = emulator.call("GET", _config(cluster)).json()["properties"]
    assert props["sourceKind"] == "GitRepository" and props["gitRepository"]["url"]


# -- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("where,value", [
    (("gitRepository", "timeoutInSeconds"), 1e20),
    (("gitRepository", "syncIntervalInSeconds"), 0),
    (("kustomizations", "apps", "retryIntervalInSeconds"), -1),
    (("kustomizations", "apps", "timeoutInSeconds"), 10**30),
])
def test_out_of_range_seconds_are_400_and_nothing_is_written(emulator, where, value):
    cluster = emulator.new_cluster()
    body = flux_body()
    target = body["properties"]
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    error = _error(emulator.call("PUT", _config(cluster), body), 400, "ValidationFailed")
    assert error["target"] == "properties." + ".".join(where)
    assert "between 1 and 9223372036" in error["message"]
    _nothing_stored(emulator, cluster)


@pytest.mark.parametrize("duration", ["P" + "9" * 5000 + "D", "P99999999999D", "PT" + "1" * 60 + "S"])
def test_absurd_wait_durations_are_400(emulator, duration):
    cluster = emulator.new_cluster()
    body = flux_body(waitForReconciliation=True, reconciliationWaitDuration=duration)
    error = _error(emulator.call("PUT", _config(cluster), body), 400, "ValidationFailed")
    assert error["target"] == "properties.reconciliationWaitDuration" and len(error["message"]) < 300
    _nothing_stored(emulator, cluster)


def test_patch_ranges_and_json_constants(emulator):
    cluster = emulator.new_cluster()
    emulator.wait_operation(emulator.call("PUT", _config(cluster), flux_body()))
    _error(emulator.call("PATCH", _config(cluster), {"properties": {"gitRepository": {"timeoutInSeconds": 1e20}}}),
           400, "ValidationFailed")
    for constant in (b"NaN", b"Infinity", b"-Infinity"):
        raw = b'{"properties": {"gitRepository": {"timeoutInSeconds": ' + constant + b"}}}"
        response = emulator.call("PATCH", _config(cluster), data=raw, headers={"Content-Type": "application/json"})
        _error(response, 400, "InvalidRequestContent")
    ok = emulator.call("PATCH", _config(cluster), {"properties": {"gitRepository": {"timeoutInSeconds": 9.0e2}}})
    assert ok.status_code == 202, ok.text
    assert ok.json()["properties"]["gitRepository"]["timeoutInSeconds"] == 900
    assert emulator.call("GET", _config(cluster)).text.count('"timeoutInSeconds":900,') == 1


# -- long-running operations: Location -------------------------------------------------------

def test_202_answers_carry_location_that_ends_in_the_result(emulator):
    cluster = emulator.new_cluster()
    emulator.wait_operation(emulator.call("PUT", _config(cluster), flux_body()))
    patched = emulator.call("PATCH", _config(cluster), {"properties": {"suspend": True}})
    assert patched.status_code == 202
    location = patched.headers["Location"]
    op_id = patched.headers["Azure-AsyncOperation"].split("/operations/")[1].split("?")[0]
    assert location == f"{emulator.url}{_config(cluster)}/operationResults/{op_id}?api-version=2025-04-01"
    emulator.wait_operation(patched)
    result = emulator.call("GET", location, api=None)
    assert result.status_code == 200 and result.json()["properties"]["suspend"] is True

    deleted = emulator.call("DELETE", _config(cluster))
    assert deleted.status_code == 202 and "/operationResults/" in deleted.headers["Location"]
    emulator.wait_operation(deleted)
    assert emulator.call("GET", deleted.headers["Location"], api=None).status_code == 204
    unknown = emulator.call("GET", f"{_config(cluster)}/operationResults/{uuid.uuid4()}")
    _error(unknown, 404, "OperationNotFound")


def test_location_answers_202_while_the_operation_runs(fresh_emulator):
    emulator = fresh_emulator("--operation-delay", "60", "--extension-install-delay", "0", "--retry-after", "3")
    cluster = emulator.new_cluster()
    emulator.call("PUT", _config(cluster), flux_body())
    deleting = emulator.call("DELETE", _config(cluster))
    running = emulator.call("GET", deleting.headers["Location"], api=None)
    assert running.status_code == 202
    assert running.headers["Location"] == deleting.headers["Location"] and running.headers["Retry-After"] == "3"


# -- tracking headers -------------------------------------------------------------------------

def test_request_ids_are_the_servers_and_caller_ids_are_echoed(emulator):
    client_id, correlation = str(uuid.uuid4()), str(uuid.uuid4())
    response = emulator.call("GET", "/subscriptions", api="2022-12-01",
                             headers={"x-ms-client-request-id": client_id, "x-ms-correlation-request-id": correlation})
    request_id = response.headers["x-ms-request-id"]
    assert str(uuid.UUID(request_id)) == request_id and request_id not in (client_id, correlation)
    assert response.headers["x-ms-client-request-id"] == client_id
    assert response.headers["x-ms-correlation-request-id"] == correlation
    again = emulator.call("GET", "/subscriptions", api="2022-12-01")
    assert again.headers["x-ms-request-id"] != request_id
    assert "x-ms-client-request-id" not in again.headers
    generated = again.headers["x-ms-correlation-request-id"]
    assert str(uuid.UUID(generated)) == generated
    error = emulator.call("GET", "/nothing/here", headers={"x-ms-client-request-id": client_id})
    assert error.status_code == 404 and error.headers["x-ms-client-request-id"] == client_id
    assert error.headers["x-ms-request-id"]
    logged = [e for e in emulator.requests_log() if e.get("requestId") == request_id]
    assert len(logged) == 1 and logged[0]["path"] == "/subscriptions"


# -- --retry-after ----------------------------------------------------------------------------

def test_retry_after_is_a_start_option(fresh_emulator):
    slow = fresh_emulator("--operation-delay", "60", "--extension-install-delay", "0", "--retry-after", "2")
    cluster = slow.new_cluster()
    created = slow.call("PUT", _config(cluster), flux_body())
    assert created.headers["Retry-After"] == "2" and "Retry-After-ms" not in created.headers
    status = slow.call("GET", created.headers["Azure-AsyncOperation"], api=None)
    assert status.json()["status"] == "InProgress" and status.headers["Retry-After"] == "2"

    fast = fresh_emulator("--operation-delay", "60", "--extension-install-delay", "0", "--retry-after", "0")
    cluster = fast.new_cluster()
    created = fast.call("PUT", _config(cluster), flux_body())
    # azure-core takes Retry-After: 0 for "no hint" and waits 30 s; a 100 ms hint makes it poll soon, not spin
    assert "Retry-After" not in created.headers and created.headers["Retry-After-ms"] == "100"
    status = fast.call("GET", created.headers["Azure-AsyncOperation"], api=None)
    assert status.headers["Retry-After-ms"] == "100"


def test_default_retry_after_is_one_second_and_bad_values_are_refused(tmp_path):
    import subprocess
    import sys

    from k8sconfig_emulator.arm.responses import poll_hint
    from k8sconfig_emulator.cli import build_parser

    default = build_parser().parse_args(["start"]).retry_after
    assert poll_hint(default) == {"Retry-After": "1"}
    assert poll_hint(0.25) == {"Retry-After-ms": "250"} and poll_hint(2.4) == {"Retry-After": "2"}
    assert poll_hint(0) == poll_hint(0.01) == {"Retry-After-ms": "100"}
    for bad in ("-1", "nan", "99999"):
        result = subprocess.run([sys.executable, "-m", "k8sconfig_emulator", "start", "--data-dir",
                                 str(tmp_path / "bad"), "--retry-after", bad], capture_output=True, text=True,
                                timeout=60, check=False)
        assert result.returncode == 1 and "--retry-after" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("token", ["9" * 5000, "99999999999999999999999", "\u00b2", "-1"])
def test_absurd_skip_tokens_are_400(emulator, token):
    cluster = emulator.new_cluster(flux=False)
    response = emulator.call("GET", f"{cluster}/{KC}/fluxConfigurations", params={"$skipToken": token})
    assert "not valid" in _error(response, 400, "InvalidRequestContent")["message"]
