"""export.render: parse the output back and check kinds, names and fields; secrets never appear."""
from __future__ import annotations

import copy
import json
import re
from types import SimpleNamespace

import pytest
import yaml
from azure.cli.core.azclierror import InvalidArgumentValueError
from spec_schema import FLUX_SPEC

from azext_k8s_configuration.durations import format_go
from azext_k8s_configuration.export import render

ARC = SimpleNamespace(resource_group="rg1", cluster_rp="Microsoft.Kubernetes", cluster_type="connectedClusters",
                      cluster_name="arc-1")
AKS = SimpleNamespace(resource_group="rg1", cluster_rp="Microsoft.ContainerService", cluster_type="managedClusters",
                      cluster_name="aks-1")
CANARIES = ("CANARY-https-key-0xdead", "CANARY-account-key", "CANARY-sp-secret", "CANARY-tls-key", "Q0FOQVJZ")
SPEC_EXAMPLES = FLUX_SPEC.parent / "examples"


def git_config():
    return {
        "id": "/subscriptions/s/resourceGroups/rg1/providers/Microsoft.Kubernetes/connectedClusters/arc-1/providers/"
              "Microsoft.KubernetesConfiguration/fluxConfigurations/cluster-config",
        "name": "cluster-config", "type": "Microsoft.KubernetesConfiguration/fluxConfigurations",
        "systemData": {"createdBy": "someone"},
        "properties": {
            "scope": "cluster", "namespace": "cluster-config", "sourceKind": "GitRepository", "suspend": False,
            "gitRepository": {"url": "https://github.com/example/gitops", "timeoutInSeconds": 180,
                              "syncIntervalInSeconds": 5400, "httpsUser": "bot",
                              "repositoryRef": {"branch": "main", "tag": None, "semver": None, "commit": None}},
            "kustomizations": {
                "infra": {"name": "infra", "path": "./infrastructure", "dependsOn": [], "prune": True,
                          "syncIntervalInSeconds": 120, "timeoutInSeconds": 600, "force": False, "wait": True},
                "apps": {"name": "apps", "path": "./apps/staging", "dependsOn": ["infra"], "prune": True,
                         "retryIntervalInSeconds": 90, "wait": False,
                         "postBuild": {"substitute": {"env": "staging"},
                                       "substituteFrom": [{"kind": "ConfigMap", "name": "vars", "optional": True}]}},
            },
            "configurationProtectedSettings": {"httpsKey": "CANARY-https-key-0xdead"},
            "statuses": [{"kind": "GitRepository", "name": "cluster-config", "complianceState": "Compliant"}],
            "complianceState": "Compliant", "provisioningState": "Succeeded", "errorMessage": "",
            "sourceSyncedCommitId": "main/abc", "repositoryPublicKey": None,
        },
    }


def azblob_config():
    return {"name": "blob-config", "properties": {
        "namespace": "flux-blob", "sourceKind": "AzureBlob",
        "azureBlob": {"url": "https://acct.blob.core.windows.net", "containerName": "manifests",
                      "accountKey": "CANARY-account-key",
                      "servicePrincipal": {"clientId": "cid", "tenantId": "tid", "clientSecret": "CANARY-sp-secret"}},
        "kustomizations": {"k": {"path": "./"}}}}


def oci_config():
    return {"name": "oci-config", "properties": {
        "namespace": "flux-oci", "sourceKind": "OCIRepository",
        "ociRepository": {"url": "oci://ghcr.io/example/manifests", "repositoryRef": {"tag": "v1"},
                          "useWorkloadIdentity": True, "tlsConfig": {"privateKey": "CANARY-tls-key"},
                          "layerSelector": {"mediaType": "application/vnd.cncf", "operation": "extract"}},
        "kustomizations": {"k": {"path": "./deploy"}}}}


def bucket_config():
    return {"name": "s3-config", "properties": {
        "namespace": "default", "sourceKind": "Bucket", "suspend": True,
        "bucket": {"url": "https://s3.example.com/", "bucketName": "gitops", "accessKey": "AKIAEXAMPLE",
                   "insecure": False},
        "configurationProtectedSettings": {"bucketSecretKey": "Q0FOQVJZ"},
        "kustomizations": {"k": {}}}}


def _docs(config):
    return list(yaml.safe_load_all(render(config, "flux-yaml", ARC)))


def test_flux_yaml_git_source_and_kustomizations():
    docs = _docs(git_config())
    assert [(d["apiVersion"], d["kind"], d["metadata"]["name"]) for d in docs] == [
        ("source.toolkit.fluxcd.io/v1", "GitRepository", "cluster-config"),
        ("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "cluster-config-apps"),
        ("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "cluster-config-infra"),
    ]
    assert {d["metadata"]["namespace"] for d in docs} == {"cluster-config"}
    source = docs[0]["spec"]
    assert source == {"url": "https://github.com/example/gitops", "interval": "1h30m", "timeout": "3m",
                      "ref": {"branch": "main"}, "secretRef": {"name": "cluster-config"}}
    apps, infra = docs[1]["spec"], docs[2]["spec"]
    assert apps["dependsOn"] == [{"name": "cluster-config-infra"}]
    assert apps["retryInterval"] == "1m30s" and apps["interval"] == "10m" and apps["wait"] is False
    assert apps["postBuild"] == {"substitute": {"env": "staging"},
                                 "substituteFrom": [{"kind": "ConfigMap", "name": "vars", "optional": True}]}
    assert apps["sourceRef"] == {"kind": "GitRepository", "name": "cluster-config"}
    assert infra["path"] == "./infrastructure" and infra["prune"] is True and infra["force"] is False
    assert infra["interval"] == "2m" and "dependsOn" not in infra and "retryInterval" not in infra


def test_flux_yaml_public_https_git_has_no_secret_ref_and_local_auth_wins():
    config = git_config()
    del config["properties"]["configurationProtectedSettings"]
    del config["properties"]["gitRepository"]["httpsUser"]
    assert "secretRef" not in _docs(config)[0]["spec"]
    config["properties"]["gitRepository"]["localAuthRef"] = "my-git-secret"
    assert _docs(config)[0]["spec"]["secretRef"] == {"name": "my-git-secret"}


def test_flux_yaml_ssh_source_references_the_config_secret():
    config = git_config()
    config["properties"].pop("configurationProtectedSettings")
    config["properties"]["gitRepository"] = {"url": "ssh://git@github.com/example/gitops",
                                             "repositoryRef": {"tag": "v1.0"}}
    spec = _docs(config)[0]["spec"]
    assert spec["secretRef"] == {"name": "cluster-config"} and spec["ref"] == {"tag": "v1.0"}


def test_flux_yaml_azure_blob_becomes_azure_bucket():
    source = _docs(azblob_config())[0]
    assert (source["apiVersion"], source["kind"]) == ("source.toolkit.fluxcd.io/v1", "Bucket")
    assert source["spec"]["provider"] == "azure" and source["spec"]["bucketName"] == "manifests"
    assert source["spec"]["endpoint"] == "https://acct.blob.core.windows.net"
    assert source["spec"]["secretRef"] == {"name": "blob-config"}


def test_flux_yaml_oci_repository():
    docs = _docs(oci_config())
    source = docs[0]
    assert (source["apiVersion"], source["kind"]) == ("source.toolkit.fluxcd.io/v1beta2", "OCIRepository")
    assert source["spec"]["ref"] == {"tag": "v1"} and source["spec"]["provider"] == "azure"
    assert source["spec"]["layerSelector"] == {"mediaType": "application/vnd.cncf", "operation": "extract"}
    assert source["spec"]["certSecretRef"] == {"name": "oci-config"}
    assert docs[1]["spec"]["sourceRef"] == {"kind": "OCIRepository", "name": "oci-config"}


def test_flux_yaml_generic_bucket_and_suspend():
    docs = _docs(bucket_config())
    spec = docs[0]["spec"]
    assert docs[0]["kind"] == "Bucket" and spec["provider"] == "generic"
    assert spec["endpoint"] == "s3.example.com" and spec["bucketName"] == "gitops" and spec["insecure"] is False
    assert spec["secretRef"] == {"name": "s3-config"} and spec["suspend"] is True
    assert docs[1]["spec"]["suspend"] is True and "path" not in docs[1]["spec"]
    assert docs[1]["spec"]["wait"] is True  # API default


@pytest.mark.parametrize("make", [git_config, azblob_config, oci_config, bucket_config])
@pytest.mark.parametrize("fmt", ["flux-yaml", "arm", "bicep"])
def test_secret_values_never_exported(make, fmt):
    config = make()
    text = render(config, fmt, ARC)
    for canary in CANARIES:
        assert canary not in text
    assert config == make()  # the input is not modified


def _arm(config, cluster=ARC, extension=None):
    return json.loads(render(config, "arm", cluster, extension))


def test_arm_template_structure():
    template = _arm(git_config())
    assert template["$schema"].endswith("/2019-04-01/deploymentTemplate.json#")
    assert template["parameters"]["clusterName"] == {"type": "string", "defaultValue": "arc-1",
                                                     "metadata": {"description": "Name of the connectedClusters resource"}}
    assert template["parameters"]["httpsKey"]["type"] == "securestring"
    extension, flux = template["resources"]
    assert extension["type"] == "Microsoft.KubernetesConfiguration/extensions"
    assert extension["apiVersion"] == "2025-03-01" and extension["name"] == "flux"
    assert extension["properties"]["extensionType"] == "microsoft.flux"
    assert extension["identity"] == {"type": "SystemAssigned"}
    assert flux["type"] == "Microsoft.KubernetesConfiguration/fluxConfigurations"
    assert flux["apiVersion"] == "2025-04-01" and flux["name"] == "cluster-config"
    assert flux["scope"] == extension["scope"] == \
        "[format('Microsoft.Kubernetes/connectedClusters/{0}', parameters('clusterName'))]"
    assert flux["dependsOn"] == [("[extensionResourceId(resourceId('Microsoft.Kubernetes/connectedClusters', "
                                  "parameters('clusterName')), 'Microsoft.KubernetesConfiguration/extensions', "
                                  "'flux')]")]
    props = flux["properties"]
    assert props["configurationProtectedSettings"] == {"httpsKey": "[parameters('httpsKey')]"}
    for read_only in ("statuses", "complianceState", "provisioningState", "errorMessage", "sourceSyncedCommitId",
                      "repositoryPublicKey"):
        assert read_only not in props
    assert "name" not in props["kustomizations"]["infra"]
    assert props["gitRepository"]["repositoryRef"] == {"branch": "main"}
    assert props["kustomizations"]["apps"]["dependsOn"] == ["infra"]


def test_arm_inline_secrets_become_secure_parameters():
    template = _arm(azblob_config())
    blob = template["resources"][1]["properties"]["azureBlob"]
    assert blob["accountKey"] == "[parameters('azureBlobAccountKey')]"
    assert blob["servicePrincipal"]["clientSecret"] == "[parameters('azureBlobServicePrincipalClientSecret')]"
    assert blob["servicePrincipal"]["clientId"] == "cid"
    secure = {k for k, v in template["parameters"].items() if v["type"] == "securestring"}
    assert secure == {"azureBlobAccountKey", "azureBlobServicePrincipalClientSecret"}


def test_arm_infers_protected_settings_missing_from_a_get_response():
    config = git_config()
    config["properties"].pop("configurationProtectedSettings")  # GET never returns them
    template = _arm(config)
    assert template["parameters"]["httpsKey"]["type"] == "securestring"


def test_arm_uses_existing_extension_settings_and_aks_has_no_identity():
    extension = {"name": "flux-ext", "properties": {
        "extensionType": "microsoft.flux", "autoUpgradeMinorVersion": False, "version": "1.8.2",
        "releaseTrain": "Stable", "configurationSettings": {"multiTenancy.enforce": "false"},
        "provisioningState": "Succeeded", "currentVersion": "1.8.2", "statuses": []}}
    template = _arm(git_config(), AKS, extension)
    resource = template["resources"][0]
    assert resource["name"] == "flux-ext" and "identity" not in resource
    assert resource["properties"] == {"extensionType": "microsoft.flux", "autoUpgradeMinorVersion": False,
                                      "releaseTrain": "Stable", "version": "1.8.2",
                                      "configurationSettings": {"multiTenancy.enforce": "false"}}
    assert template["resources"][1]["dependsOn"][0].endswith("'Microsoft.KubernetesConfiguration/extensions', "
                                                             "'flux-ext')]")
    assert "Microsoft.ContainerService/managedClusters" in resource["scope"]


def test_arm_escapes_literal_brackets():
    config = git_config()
    config["properties"]["kustomizations"]["infra"]["path"] = "[odd]/path"
    assert _arm(config)["resources"][1]["properties"]["kustomizations"]["infra"]["path"] == "[[odd]/path"


def test_bicep_text():
    text = render(git_config(), "bicep", ARC)
    assert "param clusterName string = 'arc-1'" in text
    assert re.search(r"@secure\(\)\n@description\([^\n]*\)\nparam httpsKey string\n", text)
    assert "resource cluster 'Microsoft.Kubernetes/connectedClusters@2021-10-01' existing = {" in text
    assert "resource fluxExtension 'Microsoft.KubernetesConfiguration/extensions@2025-03-01' = {" in text
    assert "resource fluxConfig 'Microsoft.KubernetesConfiguration/fluxConfigurations@2025-04-01' = {" in text
    assert text.count("  scope: cluster\n") == 2
    assert "  dependsOn: [\n    fluxExtension\n  ]\n}" in text
    assert "      httpsKey: httpsKey\n" in text
    assert "    'cluster-config' " not in text and "      apps: {" in text
    assert "        dependsOn: [\n          'infra'\n        ]" in text
    assert text.count("{") == text.count("}") and text.count("[") == text.count("]")


def test_bicep_string_escaping():
    config = git_config()
    config["properties"]["kustomizations"]["infra"]["path"] = "it's ${here}\\"
    assert "path: 'it\\'s \\${here}\\\\'" in render(config, "bicep", ARC)


def test_unknown_format_is_a_clear_error():
    with pytest.raises(InvalidArgumentValueError, match="--format") as info:
        render(git_config(), "terraform", ARC)
    assert "flux-yaml" in " ".join(info.value.recommendations)
    assert render(git_config(), " ARM ", ARC).startswith("{")


@pytest.mark.parametrize("seconds, text", [(0, "0s"), (45, "45s"), (600, "10m"), (5400, "1h30m"),
                                           (3605, "1h5s"), (86400, "24h")])
def test_go_duration(seconds, text):
    assert format_go(seconds) == text


def test_spec_examples_export_cleanly():
    if not SPEC_EXAMPLES.is_dir():
        pytest.skip(f"spec examples not found at {SPEC_EXAMPLES} (shared/spec is not next to the repository)")
    for path in sorted(SPEC_EXAMPLES.glob("CreateFluxConfiguration*.json")):
        example = json.loads(path.read_text())
        body = copy.deepcopy(example["responses"]["200"]["body"])
        docs = list(yaml.safe_load_all(render(body, "flux-yaml", ARC)))
        assert docs[0]["metadata"]["name"] == body["name"], path.name
        names = {d["metadata"]["name"] for d in docs[1:]}
        assert names == {f"{body['name']}-{k}" for k in body["properties"]["kustomizations"]}, path.name
        template = json.loads(render(body, "arm", ARC))
        assert template["resources"][1]["properties"]["sourceKind"] == body["properties"]["sourceKind"], path.name


@pytest.mark.parametrize("fmt", ["flux-yaml", "arm", "bicep"])
def test_a_token_in_a_stored_source_url_is_never_exported(fmt):
    token = "ghp_CANARYtokenInTheUserPart0123456789ab"
    config = git_config()
    config["properties"]["gitRepository"]["url"] = f"https://{token}@github.com/example/gitops"
    text = render(config, fmt, ARC)
    assert token not in text and "https://<redacted>@github.com/example/gitops" in text
    assert token in config["properties"]["gitRepository"]["url"]  # the input is not modified
