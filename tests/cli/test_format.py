"""Output shaping (the reference's JSON shape) and the table transformers, which read that shape."""
from azext_k8s_configuration import _format as fmt

CONFIG_ID = ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c/providers/"
             "Microsoft.KubernetesConfiguration/fluxConfigurations/cfg")
WIRE = {
    "id": CONFIG_ID,
    "name": "cfg",
    "type": "Microsoft.KubernetesConfiguration/fluxConfigurations",
    "systemData": {"createdBy": "me", "createdAt": "2025-01-01T00:00:00Z"},
    "properties": {"namespace": "flux", "scope": "cluster", "sourceKind": "GitRepository",
                   "gitRepository": {"url": "https://example.com/repo", "httpsCACert": "Q0E=",
                                     "repositoryRef": {"branch": "main"}},
                   "kustomizations": {"apps": {"path": "./apps", "dependsOn": ["infra"],
                                               "postBuild": {"substitute": {"cluster_env": "prod"}}}},
                   "configurationProtectedSettings": {"httpsKey": "c2VjcmV0"},
                   "provisioningState": "Succeeded", "complianceState": "Compliant",
                   "statusUpdatedAt": "2025-01-01T00:00:00Z", "sourceUpdatedAt": None},
}
CONFIG = fmt.flux_configuration_output(WIRE)


def test_flux_output_is_the_flattened_sdk_model():
    assert "properties" not in CONFIG
    assert (CONFIG["id"], CONFIG["name"], CONFIG["type"]) == (CONFIG_ID, "cfg", WIRE["type"])
    assert CONFIG["systemData"]["createdBy"] == "me"
    assert CONFIG["complianceState"] == "Compliant" and CONFIG["sourceKind"] == "GitRepository"
    assert CONFIG["kustomizations"]["apps"]["dependsOn"] == ["infra"]
    # user-chosen keys stay as typed; attribute names follow azure-cli's camelCase of the SDK model
    assert CONFIG["kustomizations"]["apps"]["postBuild"]["substitute"] == {"cluster_env": "prod"}
    assert CONFIG["gitRepository"]["httpsCaCert"] == "Q0E=" and "httpsCACert" not in CONFIG["gitRepository"]
    assert CONFIG["bucket"] is None and CONFIG["kustomizations"]["apps"]["prune"] is None
    assert CONFIG["configurationProtectedSettings"] is None  # secrets never in output
    assert WIRE["properties"]["configurationProtectedSettings"] == {"httpsKey": "c2VjcmV0"}  # input untouched


def test_output_passes_through_what_is_not_a_resource():
    request = {"method": "PATCH", "url": "/x?api-version=1", "body": {"properties": {"suspend": True}}}
    assert fmt.flux_configuration_output(request) is request  # --dry-run prints the wire request
    assert fmt.flux_configuration_output(None) is None  # --no-wait
    checks = [{"check": "provider", "ok": True}]
    assert fmt.extension_output(checks) == checks
    assert [c["name"] for c in fmt.flux_configuration_output([WIRE, WIRE])] == ["cfg", "cfg"]


def test_extension_and_legacy_output():
    ext = fmt.extension_output({"id": "/e", "name": "flux", "identity": {"type": "SystemAssigned"},
                                "properties": {"extensionType": "microsoft.flux", "provisioningState": "Succeeded",
                                               "configurationProtectedSettings": {"k": "secret"}}})
    assert ext["extensionType"] == "microsoft.flux" and ext["identity"]["type"] == "SystemAssigned"
    assert ext["configurationProtectedSettings"] is None
    legacy = fmt.legacy_output([{"id": "/l", "name": "old", "properties": {
        "repositoryUrl": "git@x:y", "operatorScope": "cluster", "configurationProtectedSettings": {"k": "v"}}}])
    assert legacy == [{"id": "/l", "name": "old", "repositoryUrl": "git@x:y", "operatorScope": "cluster"}]


def test_sdk_unreadable_resource_is_still_flattened(monkeypatch):
    def broken(_):
        raise ValueError("cannot deserialize")
    monkeypatch.setattr(fmt, "_flux_configuration_model", lambda: broken)
    shaped = fmt.flux_configuration_output(WIRE)
    assert shaped["complianceState"] == "Compliant" and shaped["gitRepository"]["httpsCACert"] == "Q0E="
    assert "configurationProtectedSettings" not in shaped


def test_durations():
    assert fmt.format_duration(600) == "10m"
    assert fmt.format_duration(3725) == "1h2m5s"
    assert fmt.format_duration(7200) == "2h"
    assert fmt.format_duration(0) == "0s"
    assert fmt.format_duration(None) == ""


def test_flux_rows_have_reference_columns_in_order():
    row = fmt.flux_show_table(CONFIG)
    assert list(row) == ["namespace", "name", "scope", "sourceKind", "provisioningState", "complianceState",
                         "statusUpdatedAt", "sourceUpdatedAt", "message"]
    assert row["name"] == "cfg" and row["complianceState"] == "Compliant" and row["message"] == ""
    assert [r["name"] for r in fmt.flux_list_table([CONFIG, CONFIG])] == ["cfg", "cfg"]
    assert fmt.flux_list_table([]) == []
    request = fmt.flux_show_table({"method": "PUT", "url": "/x", "body": {}})
    assert request == {"method": "PUT", "url": "/x"}


def test_flux_message_says_why_a_configuration_is_not_compliant():
    failed = {"name": "cfg", "complianceState": "Non-Compliant", "errorMessage": None, "statuses": [
        {"kind": "GitRepository", "name": "cfg", "complianceState": "Compliant"},
        {"kind": "Kustomization", "name": "cfg-apps", "complianceState": "Non-Compliant",
         "statusConditions": [{"type": "Ready", "message": "build failed:\n path not found"}]}]}
    assert fmt.flux_show_table(failed)["message"] == "Kustomization/cfg-apps: build failed: path not found"
    assert fmt.flux_show_table({**failed, "errorMessage": "e" * 70})["message"] == "e" * 60 + "..."
    assert fmt.flux_show_table({"complianceState": "Pending"})["message"] == ""


def test_kustomization_write_table_lists_the_configuration_kustomizations():
    config = {"name": "cfg", "kustomizations": {"infra": {"path": "./infra", "prune": True},
                                                 "apps": {"path": "./apps", "dependsOn": ["infra"]}},
              "statuses": [{"kind": "Kustomization", "name": "cfg-infra", "complianceState": "Compliant"}]}
    infra, apps = fmt.kustomization_write_table(config)
    assert list(infra)[-1] == "complianceState"
    assert (infra["name"], infra["prune"], infra["complianceState"]) == ("infra", "True", "Compliant")
    assert (apps["dependsOn"], apps["complianceState"]) == ("infra", "")
    assert fmt.kustomization_write_table({"method": "PATCH", "url": "/x"}) == {"method": "PATCH", "url": "/x"}
    assert fmt.kustomization_write_table(None) is None


def test_kustomization_rows_include_retry_wait_prune_force():
    rows = fmt.kustomization_table({
        "infra": {"path": "./infra", "dependsOn": None, "syncIntervalInSeconds": 600, "timeoutInSeconds": 3725,
                  "retryIntervalInSeconds": None, "prune": True, "force": False, "wait": False},
        "apps": {"name": "apps", "path": "./apps", "dependsOn": ["infra", "crds"], "syncIntervalInSeconds": 60},
    })
    infra, apps = rows
    assert infra["name"] == "infra" and infra["dependsOn"] == ""
    assert infra["syncInterval"] == "10m" and infra["timeout"] == "1h2m5s" and infra["retryInterval"] == ""
    assert (infra["prune"], infra["force"], infra["wait"]) == ("True", "False", "False")
    assert apps["dependsOn"] == "infra, crds" and apps["syncInterval"] == "1m" and apps["wait"] == ""


def test_deployed_object_message_is_none_safe_and_truncated():
    long_message = "x" * 100
    statuses = [
        {"kind": "GitRepository", "namespace": "flux", "name": "cfg", "complianceState": "Compliant",
         "statusConditions": [{"type": "Reconciling", "message": "busy"}, {"type": "Ready", "message": long_message}]},
        {"kind": "Kustomization", "namespace": "flux", "name": "cfg-apps", "complianceState": "Pending",
         "statusConditions": [{"type": "Ready", "message": None}]},
        {"kind": "HelmRelease", "namespace": "flux", "name": "r", "complianceState": "Unknown",
         "statusConditions": None},
    ]
    rows = fmt.deployed_object_list_table(statuses)
    assert rows[0]["message"] == "x" * 60 + "..."
    assert rows[1]["message"] == ""
    assert rows[2]["message"] == ""
    assert list(rows[0]) == ["kind", "namespace", "name", "complianceState", "message"]
    assert fmt.deployed_object_show_table(statuses[0])["kind"] == "GitRepository"


def test_legacy_rows():
    row = fmt.legacy_show_table(fmt.legacy_output(
        {"name": "old", "properties": {"repositoryUrl": "git@x:y", "operatorInstanceName": "op",
                                       "operatorNamespace": "ns", "operatorScope": "cluster",
                                       "provisioningState": "Succeeded"}}))
    assert row == {"name": "old", "repositoryUrl": "git@x:y", "operatorName": "op", "operatorNamespace": "ns",
                   "scope": "cluster", "provisioningState": "Succeeded"}
