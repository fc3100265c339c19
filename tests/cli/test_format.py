"""Table transformers on sample dicts in ARM shape."""
from azext_k8s_configuration import _format as fmt

CONFIG = {
    "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c/providers/"
          "Microsoft.KubernetesConfiguration/fluxConfigurations/cfg",
    "name": "cfg",
    "properties": {"namespace": "flux", "scope": "cluster", "sourceKind": "GitRepository",
                   "provisioningState": "Succeeded", "complianceState": "Compliant",
                   "statusUpdatedAt": "2025-01-01T00:00:00Z", "sourceUpdatedAt": None},
}


def test_durations():
    assert fmt.format_duration(600) == "10m"
    assert fmt.format_duration(3725) == "1h2m5s"
    assert fmt.format_duration(7200) == "2h"
    assert fmt.format_duration(0) == "0s"
    assert fmt.format_duration(None) == ""


def test_flux_rows_have_reference_columns_in_order():
    row = fmt.flux_show_table(CONFIG)
    assert list(row) == ["namespace", "name", "scope", "sourceKind", "provisioningState", "complianceState",
                         "statusUpdatedAt", "sourceUpdatedAt"]
    assert row["name"] == "cfg" and row["complianceState"] == "Compliant"
    assert [r["name"] for r in fmt.flux_list_table([CONFIG, CONFIG])] == ["cfg", "cfg"]
    assert fmt.flux_list_table([]) == []


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
    row = fmt.legacy_show_table({"name": "old", "properties": {"repositoryUrl": "git@x:y", "operatorInstanceName": "op",
                                                               "operatorNamespace": "ns", "operatorScope": "cluster",
                                                               "provisioningState": "Succeeded"}})
    assert row == {"name": "old", "repositoryUrl": "git@x:y", "operatorName": "op", "operatorNamespace": "ns",
                   "scope": "cluster", "provisioningState": "Succeeded"}
