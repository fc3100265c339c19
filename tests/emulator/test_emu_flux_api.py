"""fluxConfigurations over HTTP: the LRO contract, merge patch, delete, paging, secrets and rules."""

from __future__ import annotations

import concurrent.futures
import uuid

from emu_helpers import KC, flux_body
from emu_helpers import config_path as _config_url


def test_put_creates_with_lro_headers_and_defaults(emulator):
    cluster = emulator.new_cluster()
    response = emulator.call("PUT", _config_url(cluster), flux_body())
    assert response.status_code == 201, response.text
    op_url = response.headers["Azure-AsyncOperation"]
    assert op_url.startswith(emulator.url + _config_url(cluster) + "/operations/")
    assert "api-version=2025-04-01" in op_url
    assert "Retry-After" in response.headers or "Retry-After-ms" in response.headers  # --retry-after
    assert "Location" not in response.headers  # a 201 names its operation in Azure-AsyncOperation only
    props = response.json()["properties"]
    assert props["provisioningState"] == "Creating"
    assert props["complianceState"] == "Pending"
    assert (props["scope"], props["namespace"], props["suspend"]) == ("cluster", "default", False)
    kustomization = props["kustomizations"]["apps"]
    assert kustomization == {"name": "apps", "path": "./apps", "timeoutInSeconds": 600, "syncIntervalInSeconds": 600,
                             "prune": False, "force": False, "wait": True}
    assert emulator.wait_operation(response)["status"] == "Succeeded"
    final = emulator.call("GET", _config_url(cluster)).json()
    assert final["properties"]["provisioningState"] == "Succeeded"
    assert final["id"] == _config_url(cluster)
    assert final["type"] == "Microsoft.KubernetesConfiguration/fluxConfigurations"


def test_put_again_replaces_with_200(emulator):
    cluster = emulator.new_cluster()
    emulator.wait_operation(emulator.call("PUT", _config_url(cluster), flux_body()))
    response = emulator.call("PUT", _config_url(cluster), flux_body(suspend=True))
    assert response.status_code == 200
    assert response.json()["properties"]["provisioningState"] == "Updating"
    assert "Azure-AsyncOperation" in response.headers


def test_names_are_case_insensitive_and_id_keeps_request_casing(emulator):
    cluster = emulator.new_cluster()
    emulator.wait_operation(emulator.call("PUT", _config_url(cluster, "mixed"), flux_body()))
    lower = _config_url(cluster, "mixed").lower().replace("microsoft.kubernetesconfiguration",
                                                          "MICROSOFT.KUBERNETESCONFIGURATION")
    response = emulator.call("GET", lower)
    assert response.status_code == 200
    assert response.json()["id"] == _config_url(cluster, "mixed")


def test_patch_is_a_json_merge_patch(emulator):
    cluster = emulator.new_cluster()
    body = flux_body(kustomizations={"infra": {"path": "./infra", "prune": True},
                                     "apps": {"path": "./apps", "dependsOn": ["infra"]}})
    emulator.wait_operation(emulator.call("PUT", _config_url(cluster), body))
    patch = {"properties": {"suspend": True, "kustomizations": {"apps": None, "infra": {"path": "./infra2"},
                                                                 "extra": {"path": "./extra"}}}}
    response = emulator.call("PATCH", _config_url(cluster), patch)
    assert response.status_code == 202
    assert "Azure-AsyncOperation" in response.headers
    assert emulator.wait_operation(response)["status"] == "Succeeded"
    props = emulator.call("GET", _config_url(cluster)).json()["properties"]
    assert props["suspend"] is True
    assert set(props["kustomizations"]) == {"infra", "extra"}
    assert props["kustomizations"]["infra"]["path"] == "./infra2"
    assert props["kustomizations"]["infra"]["prune"] is True
    assert props["kustomizations"]["extra"]["name"] == "extra"


def test_patch_missing_configuration_is_404(emulator):
    cluster = emulator.new_cluster()
    response = emulator.call("PATCH", _config_url(cluster, "nope"), {"properties": {"suspend": True}})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ResourceNotFound"
    assert "fluxConfigurations/nope" in response.json()["error"]["message"]


def test_delete_lro_then_gone_and_second_delete_is_204(emulator):
    cluster = emulator.new_cluster()
    emulator.wait_operation(emulator.call("PUT", _config_url(cluster), flux_body()))
    response = emulator.call("DELETE", _config_url(cluster))
    assert response.status_code == 202
    assert emulator.wait_operation(response)["status"] == "Succeeded"
    assert emulator.call("GET", _config_url(cluster)).status_code == 404
    assert emulator.call("DELETE", _config_url(cluster)).status_code == 204


def test_force_delete_is_synchronous(emulator):
    cluster = emulator.new_cluster()
    emulator.call("PUT", _config_url(cluster), flux_body())
    response = emulator.call("DELETE", _config_url(cluster), params={"forceDelete": "true"})
    assert response.status_code == 200
    assert emulator.call("GET", _config_url(cluster)).status_code == 404


def test_list_pages_with_next_link(emulator):
    cluster = emulator.new_cluster()
    for index in range(3):
        emulator.call("PUT", _config_url(cluster, f"cfg{index}"), flux_body())
    assert emulator.admin("PUT", "knobs", {"page_size": 2}).status_code == 200
    try:
        first = emulator.call("GET", f"{cluster}/{KC}/fluxConfigurations").json()
        assert [c["name"] for c in first["value"]] == ["cfg0", "cfg1"]
        second = emulator.call("GET", first["nextLink"], api=None).json()
        assert [c["name"] for c in second["value"]] == ["cfg2"]
        assert "nextLink" not in second
    finally:
        emulator.admin("PUT", "knobs", {"page_size": 100})


def test_secrets_are_stored_but_never_returned_and_masked_in_log(emulator):
    cluster = emulator.new_cluster()
    body = {"properties": {"sourceKind": "AzureBlob",
                           "azureBlob": {"url": "https://acct.blob.core.windows.net", "containerName": "c",
                                         "accountKey": "TOPSECRET-KEY",
                                         "servicePrincipal": {"clientId": "id", "clientSecret": "TOPSECRET-SP"}},
                           "configurationProtectedSettings": {"sshPrivateKey": "TOPSECRET-SSH"}}}
    name = f"sec-{uuid.uuid4().hex[:6]}"
    response = emulator.call("PUT", _config_url(cluster, name), body)
    assert response.status_code == 201, response.text
    for text in (response.text, emulator.call("GET", _config_url(cluster, name)).text):
        assert "TOPSECRET" not in text
    blob = emulator.call("GET", _config_url(cluster, name)).json()["properties"]["azureBlob"]
    assert "accountKey" not in blob and "clientSecret" not in blob["servicePrincipal"]
    log_text = (emulator.data_dir / "requests.jsonl").read_text()
    assert "TOPSECRET" not in log_text
    entry = [e for e in emulator.requests_log() if e["path"].endswith(name) and e["method"] == "PUT"][-1]
    assert entry["body"]["properties"]["configurationProtectedSettings"] == {"sshPrivateKey": "<redacted>"}
    assert entry["body"]["properties"]["azureBlob"]["accountKey"] == "<redacted>"
    assert entry["status"] == 201 and entry["query"] == {"api-version": "2025-04-01"}


def test_parallel_patches_all_apply(emulator):
    cluster = emulator.new_cluster()
    emulator.wait_operation(emulator.call("PUT", _config_url(cluster), flux_body()))
    emulator.token()

    def add(index: int) -> int:
        patch = {"properties": {"kustomizations": {f"k{index}": {"path": f"./k{index}"}}}}
        return emulator.call("PATCH", _config_url(cluster), patch).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(add, range(20)))
    assert statuses == [202] * 20
    names = set(emulator.call("GET", _config_url(cluster)).json()["properties"]["kustomizations"])
    assert names == {"apps"} | {f"k{i}" for i in range(20)}


def test_operation_status_shape(emulator):
    cluster = emulator.new_cluster()
    response = emulator.call("PUT", _config_url(cluster), flux_body())
    status = emulator.wait_operation(response)
    op_id = response.headers["Azure-AsyncOperation"].split("/operations/")[1].split("?")[0]
    assert status == {"id": _config_url(cluster) + f"/operations/{op_id}", "name": op_id, "status": "Succeeded",
                      "properties": {}}
    unknown = emulator.call("GET", _config_url(cluster) + f"/operations/{uuid.uuid4()}")
    assert unknown.status_code == 404


def test_wait_for_reconciliation_keeps_operation_in_progress_until_deadline(emulator):
    cluster = emulator.new_cluster()
    body = flux_body(waitForReconciliation=True, reconciliationWaitDuration="PT2S")
    response = emulator.call("PUT", _config_url(cluster), body)
    assert response.status_code == 201
    status = emulator.wait_operation(response)
    assert status["status"] == "Succeeded"
    assert emulator.call("GET", _config_url(cluster)).json()["properties"]["provisioningState"] == "Succeeded"
