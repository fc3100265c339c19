"""--dry-run prints the exact request offline (nobody logged in, any network use would fail), and bad input
gives clean az errors."""
import base64

import pytest

ARC = ["-g", "rg1", "-c", "arc1", "-t", "connectedClusters"]
CREATE = ["k8s-configuration", "flux", "create", *ARC, "-n", "cfg", "-u", "https://github.com/Azure/arc-k8s-demo",
          "--branch", "main"]
SECRET = "CANARY-https-token-42"


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    # Any HTTP request would go to a dead proxy and fail: dry runs must not make one.
    for var in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")


def test_create_dry_run_prints_put_with_redacted_secrets(run_az, no_traceback):
    result = run_az(*CREATE, "--https-user", "git", "--https-key", SECRET,
                    "--kustomization", "name=infra", "path=./infrastructure", "prune=false",
                    "--kustomization", "name=apps", "path=./apps", "prune=true", "dependsOn=infra", "--dry-run")
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    request = result.json
    assert request["method"] == "PUT"
    assert request["url"] == ("/subscriptions/{subscriptionId}/resourceGroups/rg1/providers/Microsoft.Kubernetes/"
                              "connectedClusters/arc1/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/"
                              "cfg?api-version=2025-04-01")
    props = request["body"]["properties"]
    assert props["sourceKind"] == "GitRepository"
    assert props["gitRepository"]["url"] == "https://github.com/Azure/arc-k8s-demo"
    assert props["kustomizations"]["infra"]["prune"] is False
    assert props["kustomizations"]["apps"]["dependsOn"] == ["infra"]
    assert set(props["configurationProtectedSettings"]) == {"httpsKey"}
    everything = result.stdout + result.stderr
    assert SECRET not in everything
    assert base64.b64encode(SECRET.encode()).decode() not in everything


def test_create_dry_run_reads_secret_files(run_az, tmp_path):
    key_file = tmp_path / "token.txt"
    key_file.write_text(SECRET + "\n")
    result = run_az(*CREATE, "--https-user", "git", "--https-key-file", str(key_file),
                    "--kustomization", "name=apps", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "httpsKey" in result.json["body"]["properties"]["configurationProtectedSettings"]
    assert SECRET not in result.stdout + result.stderr


def test_tutorial_command_dry_run(run_az):
    result = run_az("k8s-configuration", "flux", "create", "-g", "flux-demo-rg", "-c", "flux-demo-arc",
                    "-n", "cluster-config", "--namespace", "cluster-config", "-t", "connectedClusters",
                    "--scope", "cluster", "-u", "https://github.com/Azure/gitops-flux2-kustomize-helm-mt",
                    "--branch", "main", "--kustomization", "name=infra", "path=./infrastructure", "prune=true",
                    "--kustomization", "name=apps", "path=./apps/staging", "prune=true", 'dependsOn=["infra"]',
                    "--dry-run")
    assert result.exit_code == 0, result.stderr
    props = result.json["body"]["properties"]
    assert props["namespace"] == "cluster-config" and props["scope"] == "cluster"
    assert props["kustomizations"]["apps"]["dependsOn"] == ["infra"]


def test_cluster_type_is_case_insensitive_and_provisioned_needs_rp(run_az, no_traceback):
    aks = run_az("k8s-configuration", "flux", "create", "-g", "rg1", "-c", "aks1", "-t", "MANAGEDCLUSTERS",
                 "-n", "cfg", "-u", "https://github.com/Azure/arc-k8s-demo", "--branch", "main", "--dry-run")
    assert aks.exit_code == 0, aks.stderr
    assert "/providers/Microsoft.ContainerService/managedClusters/aks1/" in aks.json["url"]
    hybrid = run_az("k8s-configuration", "flux", "create", "-g", "rg1", "-c", "h1", "-t", "provisionedClusters",
                    "--cluster-rp", "microsoft.hybridcontainerservice", "-n", "cfg",
                    "-u", "https://github.com/Azure/arc-k8s-demo", "--branch", "main", "--dry-run")
    assert hybrid.exit_code == 0, hybrid.stderr
    assert "/providers/Microsoft.HybridContainerService/provisionedClusters/h1/" in hybrid.json["url"]
    missing = run_az("k8s-configuration", "flux", "create", "-g", "rg1", "-c", "h1", "-t", "provisionedClusters",
                     "-n", "cfg", "-u", "https://github.com/Azure/arc-k8s-demo", "--branch", "main", "--dry-run")
    no_traceback(missing)
    assert missing.exit_code == 1
    assert "--cluster-rp" in missing.stderr or "--cluster-resource-provider" in missing.stderr


def test_delete_dry_run_sends_force_delete_only_with_force(run_az):
    base = ["k8s-configuration", "flux", "delete", *ARC, "-n", "cfg", "--dry-run"]
    plain = run_az(*base)
    assert plain.exit_code == 0, plain.stderr
    assert plain.json["method"] == "DELETE" and "forceDelete" not in plain.json["url"]
    forced = run_az(*base, "--force")
    assert forced.json["url"].endswith("?api-version=2025-04-01&forceDelete=true")


@pytest.mark.parametrize("extra,flag", [
    (["--timeout", "10ms"], "--timeout"),
    (["--interval", "5m30"], "--interval"),
    (["--kustomization", "name=apps", "sync-intervall=5m"], "sync-intervall"),
    (["--kustomization", "path=./apps"], "name"),
    (["--kustomization", "name=apps", "prune=maybe"], "prune"),
    (["--kustomization", "name=a", "dependsOn=b", "--kustomization", "name=b", "dependsOn=a"], "cycle"),
    (["--wait-for-compliance", "--no-wait"], "--no-wait"),
    (["--wait-for-compliance", "--compliance-timeout", "soon"], "--compliance-timeout"),
    (["--compliance-timeout", "5m"], "--wait-for-compliance"),
])
def test_bad_values_are_clean_errors(run_az, no_traceback, extra, flag):
    result = run_az(*CREATE, *extra, "--dry-run")
    no_traceback(result)
    assert result.exit_code == 1, result.stderr
    assert flag in result.stderr
    assert result.stdout.strip() == ""


def test_bad_names_are_clean_errors(run_az, no_traceback):
    result = run_az("k8s-configuration", "flux", "create", *ARC, "-n", "Bad_Name", "-u",
                    "https://github.com/Azure/arc-k8s-demo", "--branch", "main", "--dry-run")
    no_traceback(result)
    assert result.exit_code == 1 and "--name" in result.stderr


@pytest.mark.parametrize("args", [
    [*CREATE, "--no-such-flag", "x"],
    [*CREATE, "--kind", "svn"],
    [*CREATE, "--scope", "galaxy"],
    ["k8s-configuration", "flux", "create", *ARC, "-u", "https://x"],  # missing -n
    ["k8s-configuration", "flux", "deployed-object", "show", *ARC, "-n", "cfg", "--object-name", "o",
     "--object-namespace", "ns", "--object-kind", "Deployment"],
])
def test_parse_errors_exit_2(run_az, no_traceback, args):
    result = run_az(*args)
    no_traceback(result)
    assert result.exit_code == 2


def test_reads_need_a_login_and_say_so(run_az, no_traceback):
    result = run_az("k8s-configuration", "flux", "show", *ARC, "-n", "cfg")
    no_traceback(result)
    assert result.exit_code == 1
    assert "az login" in result.stderr
