"""`k8sconfig-emulator check-repo` through the real console script, on a repository shaped like the tutorial's."""
from __future__ import annotations

import copy

from check_repo_support import TUTORIAL_CONFIG, check_repo, findings, write_config

DEMO_OBJECTS = {
    ("infra", "Namespace", "", "nginx"), ("infra", "Namespace", "", "redis"),
    ("infra", "HelmRepository", "nginx", "ingress-nginx"), ("infra", "HelmRepository", "redis", "bitnami"),
    ("infra", "HelmRelease", "nginx", "nginx"), ("infra", "HelmRelease", "redis", "redis"),
    ("apps", "Namespace", "", "podinfo"), ("apps", "HelmRepository", "podinfo", "podinfo"),
    ("apps", "HelmRelease", "podinfo", "podinfo"),
}


def _objects(result: dict) -> set[tuple[str, str, str, str]]:
    return {(o["kustomization"], o["kind"], o["namespace"], o["name"]) for o in result["objects"]}


def test_tutorial_repository_is_clean_and_lists_its_objects(demo, config_file):
    table = check_repo(demo.path, "--config-file", config_file)
    assert table.returncode == 0, table.stdout + table.stderr
    assert "Result: passed: 0 error(s), 0 warning(s)." in table.stdout
    assert "apps           HelmRelease     podinfo    podinfo        apps/base/podinfo/release.yaml" in table.stdout

    result = check_repo(demo.path, "--config-file", config_file, "-o", "json")
    assert result.returncode == 0, result.stderr
    doc = result.json()
    assert doc["result"] == "passed" and doc["findings"] == []
    assert _objects(doc) == DEMO_OBJECTS
    files = {(o["kind"], o["name"]): o["file"] for o in doc["objects"]}
    assert files[("HelmRelease", "podinfo")] == "apps/base/podinfo/release.yaml"  # found behind ../base
    assert files[("HelmRepository", "bitnami")] == "infrastructure/sources.yaml"
    assert [(k["name"], k["build"], k["status"]) for k in doc["kustomizations"]] == [
        ("infra", "kustomize", "built"), ("apps", "kustomize", "built")]
    assert demo.path.joinpath("infrastructure", "kustomization.yaml").read_text().startswith("apiVersion")
    assert not list(demo.path.rglob("kustomization.yaml.*"))


def test_helmrelease_whose_helmrepository_is_missing_fails_naming_it(demo, config_file):
    sources = demo.read("infrastructure/sources.yaml")
    demo.write("infrastructure/sources.yaml", sources[:sources.index("---")])  # drops HelmRepository bitnami

    result = check_repo(demo.path, "--config-file", config_file, "-o", "json")

    assert result.returncode == 1, result.stdout + result.stderr
    missing = findings(result.json(), "SourceNotFound")
    assert len(missing) == 1
    assert missing[0]["severity"] == "error"
    assert missing[0]["kustomization"] == "infra"
    assert missing[0]["file"] == "infrastructure/redis.yaml"
    assert missing[0]["object"] == {"kind": "HelmRelease", "namespace": "redis", "name": "redis"}
    assert "HelmRepository 'redis/bitnami'" in missing[0]["message"]

    table = check_repo(demo.path, "--config-file", config_file)
    assert table.returncode == 1
    assert "SourceNotFound" in table.stdout and "HelmRepository 'redis/bitnami'" in table.stdout
    assert "Result: FAILED: 1 error(s)" in table.stdout


def test_diff_from_previous_commit_reports_a_removed_helmrelease_as_pruned(demo, config_file, tmp_path):
    kustomization = demo.read("infrastructure/kustomization.yaml")
    demo.write("infrastructure/kustomization.yaml", kustomization.replace("  - nginx.yaml\n", ""))
    demo.remove("infrastructure/nginx.yaml")
    demo.commit("remove the nginx HelmRelease")

    result = check_repo(demo.path, "--config-file", config_file, "--diff-from", "HEAD~1", "-o", "json")

    assert result.returncode == 0, result.stdout + result.stderr
    diff = result.json()["diff"]
    assert diff["from"] == "HEAD~1" and len(diff["commit"]) == 40
    assert diff["added"] == [] and diff["changed"] == []
    assert [(r["kind"], r["namespace"], r["name"], r["kustomization"], r["pruned"]) for r in diff["removed"]] == [
        ("HelmRelease", "nginx", "nginx", "infra", True)]
    assert diff["removed"][0]["file"] == "infrastructure/nginx.yaml"  # where it was defined at HEAD~1

    table = check_repo(demo.path, "--config-file", config_file, "--diff-from", "HEAD~1")
    assert "0 added, 0 changed, 1 removed" in table.stdout
    assert "removed  infra          HelmRelease  nginx      nginx  deleted from the cluster" in table.stdout

    no_prune = copy.deepcopy(TUTORIAL_CONFIG)
    no_prune["kustomizations"]["infra"]["prune"] = False
    kept = check_repo(demo.path, "--config-file", write_config(tmp_path / "keep.yaml", no_prune),
                      "--diff-from", "HEAD~1", "-o", "json").json()["diff"]["removed"]
    assert kept[0]["pruned"] is False and "left on the cluster" in kept[0]["effect"]


def test_diff_shows_added_and_changed_objects_with_their_fields(demo, config_file):
    values = demo.read("apps/staging/podinfo-values.yaml")
    demo.write("apps/staging/podinfo-values.yaml", values.replace("replicaCount: 2", "replicaCount: 3"))
    demo.write("apps/base/podinfo/settings.yaml",
               "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo-settings\n  namespace: podinfo\n"
               "data:\n  level: debug\n")
    demo.write("apps/base/podinfo/kustomization.yaml",
               demo.read("apps/base/podinfo/kustomization.yaml") + "  - settings.yaml\n")
    demo.commit("scale podinfo, add settings")

    result = check_repo(demo.path, "--config-file", config_file, "--diff-from", "HEAD~1", "-o", "json")

    assert result.returncode == 0, result.stderr
    diff = result.json()["diff"]
    assert [(a["kind"], a["name"], a["file"]) for a in diff["added"]] == [
        ("ConfigMap", "podinfo-settings", "apps/base/podinfo/settings.yaml")]
    assert diff["removed"] == []
    (changed,) = diff["changed"]
    assert (changed["kind"], changed["name"], changed["kustomization"]) == ("HelmRelease", "podinfo", "apps")
    assert changed["fields"] == [{"path": "spec.values.replicaCount", "before": 2, "after": 3}]
    table = check_repo(demo.path, "--config-file", config_file, "--diff-from", "HEAD~1")
    assert "spec.values.replicaCount: 2 -> 3" in table.stdout


def test_secret_values_never_appear_in_a_diff(demo, config_file):
    secret = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: podinfo-token\n  namespace: podinfo\n"
              "stringData:\n  token: {value}\n")
    demo.write("apps/base/podinfo/secret.yaml", secret.format(value="old-canary-4e1f"))
    demo.write("apps/base/podinfo/kustomization.yaml",
               demo.read("apps/base/podinfo/kustomization.yaml") + "  - secret.yaml\n")
    demo.commit("add a secret")
    demo.write("apps/base/podinfo/secret.yaml", secret.format(value="new-canary-9b2c"))
    demo.commit("rotate it")

    for output in ("json", "table"):
        result = check_repo(demo.path, "--config-file", config_file, "--diff-from", "HEAD~1", "-o", output)
        assert result.returncode == 0, result.stderr
        assert "canary" not in result.stdout + result.stderr
        assert "stringData.token" in result.stdout


def test_config_from_flux_show_output_flattened_and_arm_shapes(demo, tmp_path):
    kustomizations = {
        "infra": {"name": "infra", "path": "./infrastructure", "dependsOn": [], "timeoutInSeconds": 600,
                  "syncIntervalInSeconds": 600, "retryIntervalInSeconds": None, "prune": True, "force": False,
                  "wait": True, "postBuild": None},
        "apps": {"name": "apps", "path": "./apps/staging", "dependsOn": ["infra"], "timeoutInSeconds": 600,
                 "syncIntervalInSeconds": 600, "retryIntervalInSeconds": None, "prune": True, "force": False,
                 "wait": True, "postBuild": None},
    }
    properties = {"scope": "cluster", "namespace": "cluster-config", "sourceKind": "GitRepository", "suspend": False,
                  "gitRepository": {"url": "https://github.com/Azure/gitops-flux2-kustomize-helm-mt",
                                    "repositoryRef": {"branch": "main"}},
                  "kustomizations": kustomizations, "complianceState": "Compliant", "provisioningState": "Succeeded",
                  "statuses": []}
    ident = {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c/providers/"
                   "Microsoft.KubernetesConfiguration/fluxConfigurations/cluster-config",
             "name": "cluster-config", "type": "Microsoft.KubernetesConfiguration/fluxConfigurations"}
    flattened = write_config(tmp_path / "show.json", {**ident, **properties, "resourceGroup": "rg"}, as_json=True)
    wire = write_config(tmp_path / "arm.json", {**ident, "properties": properties}, as_json=True)

    for path, shape in ((flattened, "show"), (wire, "arm")):
        result = check_repo(demo.path, "--config-file", path, "-o", "json")
        assert result.returncode == 0, result.stdout + result.stderr
        doc = result.json()
        assert doc["configuration"]["shape"] == shape
        assert doc["configuration"]["name"] == "cluster-config"
        assert _objects(doc) == DEMO_OBJECTS
