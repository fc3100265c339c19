"""The provider layer against the real emulator (real az process, real SDK, real HTTPS): minimal calls,
plain-dict outputs without secrets, error translation, delete semantics. Skipped when the emulator is not
installed in the virtualenv."""
import base64
import json

import pytest

TUTORIAL_URL = "https://github.com/Azure/gitops-flux2-kustomize-helm-mt"
SECRET = "CANARY-https-token-7f3a"


def _kc_requests(requests, collection):
    """(method, last path segment) of requests to a Microsoft.KubernetesConfiguration collection, without the
    LRO operation-status polls."""
    out = []
    for req in requests:
        path = req["path"].lower()
        if f"/microsoft.kubernetesconfiguration/{collection.lower()}" in path and "/operations/" not in path:
            out.append((req["method"], req["path"].rstrip("/").split("/")[-1]))
    return out


def _create(emu, cluster, name="cfg", *extra):
    return emu.az("k8s-configuration", "flux", "create", *cluster["args"], "-n", name, "-u", TUTORIAL_URL,
                  "--branch", "main", "--kustomization", "name=infra", "path=./infrastructure", "prune=true",
                  "--kustomization", "name=apps", "path=./apps/staging", "prune=true", "dependsOn=infra", *extra)


def test_create_installs_extension_once_and_returns_plain_json(emu, arc):
    mark = emu.log_mark()
    created = _create(emu, arc).ok().json
    props = created  # the reference's shape: properties at the top level
    assert created["name"] == "cfg" and created["resourceGroup"] == arc["group"] and "properties" not in created
    assert props["provisioningState"] == "Succeeded"
    assert props["kustomizations"]["apps"]["dependsOn"] == ["infra"]
    assert props["configurationProtectedSettings"] is None
    requests = emu.requests_since(mark)
    ext_calls = _kc_requests(requests, "extensions")
    assert ext_calls[:2] == [("GET", "extensions"), ("PUT", "flux")]
    assert set(ext_calls[2:]) <= {("GET", "flux")}  # only the LRO's final GET follows
    flux_calls = _kc_requests(requests, "fluxConfigurations")
    assert flux_calls[0] == ("PUT", "cfg")
    assert not any("sourcecontrolconfigurations" in r["path"].lower() for r in requests)
    assert not any(r["path"].lower().rstrip("/").endswith("/providers/microsoft.kubernetesconfiguration")
                   for r in requests), "no provider-registration GET on the hot path"

    mark = emu.log_mark()
    _create(emu, arc, "cfg2").ok()
    assert _kc_requests(emu.requests_since(mark), "extensions") == [("GET", "extensions")]


def test_update_is_one_get_and_one_patch(emu, arc):
    _create(emu, arc).ok()
    mark = emu.log_mark()
    updated = emu.az("k8s-configuration", "flux", "update", *arc["args"], "-n", "cfg", "--suspend").ok().json
    assert updated["suspend"] is True
    calls = _kc_requests(emu.requests_since(mark), "fluxConfigurations")
    assert calls[:2] == [("GET", "cfg"), ("PATCH", "cfg")]
    assert ("PUT", "cfg") not in calls


def test_kustomization_lifecycle_keeps_fields_not_given(emu, arc):
    _create(emu, arc).ok()
    base = ["k8s-configuration", "flux", "kustomization"]
    emu.az(*base, "create", *arc["args"], "-n", "cfg", "-k", "extra", "--path", "./apps/staging",
           "--disable-health-check", "--depends-on", "apps", "--retry-interval", "2m").ok()
    duplicate = emu.az(*base, "create", *arc["args"], "-n", "cfg", "-k", "extra", "--path", "./x")
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    mark = emu.log_mark()
    emu.az(*base, "update", *arc["args"], "-n", "cfg", "-k", "extra", "--path", "./apps").ok()
    assert _kc_requests(emu.requests_since(mark), "fluxConfigurations")[:2] == [("GET", "cfg"), ("PATCH", "cfg")]
    shown = emu.az(*base, "show", *arc["args"], "-n", "cfg", "-k", "extra").ok().json["extra"]
    assert shown["path"] == "./apps" and shown["wait"] is False and shown["retryIntervalInSeconds"] == 120
    assert shown["dependsOn"] == ["apps"]
    table = emu.az(*base, "list", *arc["args"], "-n", "cfg", "-o", "table").ok().stdout
    assert "RetryInterval" in table and "2m" in table
    graph = emu.az(*base, "list", *arc["args"], "-n", "cfg", "--graph").ok().stdout
    assert "infra" in graph and "extra" in graph
    cycle = emu.az(*base, "update", *arc["args"], "-n", "cfg", "-k", "infra", "--depends-on", "extra")
    assert cycle.returncode == 1 and "cycle" in cycle.stderr
    missing = emu.az(*base, "update", *arc["args"], "-n", "cfg", "-k", "nope", "--path", "./x")
    assert missing.returncode != 0 and "kustomization create" in missing.stderr
    emu.az(*base, "delete", *arc["args"], "-n", "cfg", "-k", "extra", "--yes").ok()
    assert "extra" not in emu.az(*base, "list", *arc["args"], "-n", "cfg").ok().json
    gone = emu.az(*base, "delete", *arc["args"], "-n", "cfg", "-k", "extra", "--yes")
    assert gone.returncode == 0 and "nothing to delete" in gone.stderr


def test_delete_semantics(emu, arc):
    missing = emu.az("k8s-configuration", "flux", "delete", *arc["args"], "-n", "never-created", "--yes")
    assert missing.returncode == 0 and "nothing to delete" in missing.stderr
    _create(emu, arc).ok()
    mark = emu.log_mark()
    emu.az("k8s-configuration", "flux", "delete", *arc["args"], "-n", "cfg", "--yes").ok()
    calls = [r for r in emu.requests_since(mark) if "/operations/" not in r["path"] and "fluxconfigurations" in r["path"].lower()]
    assert [r["method"] for r in calls] == ["DELETE"]  # --yes: nothing to show in a prompt, so no GET first
    assert "forcedelete" not in json.dumps(calls[0].get("query", "")).lower()
    emu.az("k8s-configuration", "flux", "wait", *arc["args"], "-n", "cfg", "--for", "deleted", "--timeout", "2m").ok()
    assert emu.az("k8s-configuration", "flux", "list", *arc["args"]).ok().json == []


def test_missing_cluster_and_missing_configuration_are_told_apart(emu, arc):
    no_cluster = emu.az("k8s-configuration", "flux", "show", "-g", arc["group"], "-c", "no-such-cluster",
                        "-t", "connectedClusters", "-n", "cfg")
    assert no_cluster.returncode != 0 and "Traceback" not in no_cluster.stderr
    assert "--cluster-name" in no_cluster.stderr
    no_config = emu.az("k8s-configuration", "flux", "show", *arc["args"], "-n", "no-such-config")
    assert no_config.returncode != 0 and "Traceback" not in no_config.stderr
    assert "flux configuration 'no-such-config'" in no_config.stderr
    assert "--cluster-name" not in no_config.stderr


def test_secrets_never_reach_output_or_debug_logs(emu, arc, tmp_path):
    key_file = tmp_path / "token"
    key_file.write_text(SECRET)
    result = emu.az("k8s-configuration", "flux", "create", *arc["args"], "-n", "secretcfg", "-u", TUTORIAL_URL,
                    "--branch", "main", "--https-user", "git", "--https-key-file", str(key_file),
                    "--kustomization", "name=infra", "path=./infrastructure", "--debug")
    everything = result.ok().stdout + result.stderr
    assert SECRET not in everything
    assert base64.b64encode(SECRET.encode()).decode() not in everything
    assert "Request body" in result.stderr and "<redacted>" in result.stderr  # the body was logged, redacted


def test_literal_secret_flag_is_not_in_body_logs(emu, arc):
    # az itself echoes the raw command line under --debug before any extension loads (hence the -file flags);
    # what the extension controls is the request body log, which must only carry the redacted value.
    result = emu.az("k8s-configuration", "flux", "create", *arc["args"], "-n", "secretcfg2", "-u", TUTORIAL_URL,
                    "--branch", "main", "--https-user", "git", "--https-key", SECRET,
                    "--kustomization", "name=infra", "path=./infrastructure", "--debug")
    assert base64.b64encode(SECRET.encode()).decode() not in result.ok().stdout + result.stderr
    assert SECRET not in result.stdout


def test_tables_and_deployed_objects(emu, arc):
    _create(emu, arc).ok()
    emu.az("k8s-configuration", "flux", "wait", *arc["args"], "-n", "cfg", "--timeout", "3m").ok()
    table = emu.az("k8s-configuration", "flux", "list", *arc["args"], "-o", "table").ok().stdout
    assert "cfg" in table and "ComplianceState" in table
    objects = emu.az("k8s-configuration", "flux", "deployed-object", "list", *arc["args"], "-n", "cfg").ok().json
    assert objects, "a compliant configuration reports its objects"
    first = objects[0]
    shown = emu.az("k8s-configuration", "flux", "deployed-object", "show", *arc["args"], "-n", "cfg",
                   "--object-name", first["name"], "--object-namespace", first["namespace"] or "",
                   "--object-kind", first["kind"].lower()).ok().json
    assert shown["name"] == first["name"]
    exported = emu.az("k8s-configuration", "flux", "export", *arc["args"], "-n", "cfg", "--format", "flux-yaml")
    assert exported.ok().stdout.startswith("---")


@pytest.mark.parametrize("cluster_type", ["managedClusters"])
def test_aks_cluster_type(emu, cluster_type):
    import uuid
    suffix = uuid.uuid4().hex[:6]
    group, name = f"rg-{suffix}", f"aks-{suffix}"
    emu.add_cluster(name, group, cluster_type)
    args = ["-g", group, "-c", name, "-t", "MANAGEDclusters"]
    created = emu.az("k8s-configuration", "flux", "create", *args, "-n", "cfg", "-u", TUTORIAL_URL, "--branch",
                     "main", "--kustomization", "name=infra", "path=./infrastructure").ok().json
    assert "/Microsoft.ContainerService/managedClusters/" in created["id"]


def test_wait_dry_run_no_wait_and_check(emu, arc):
    waited = _create(emu, arc, "cfg", "--wait-for-compliance", "--compliance-timeout", "2m").ok()
    assert waited.json["complianceState"] == "Compliant"
    assert "Kustomization/" in waited.stderr or "GitRepository/" in waited.stderr  # live progress lines
    mark = emu.log_mark()
    dry = emu.az("k8s-configuration", "flux", "update", *arc["args"], "-n", "cfg", "--interval", "5m",
                 "--dry-run").ok().json
    assert dry["method"] == "PATCH" and dry["body"]["properties"]["gitRepository"]["syncIntervalInSeconds"] == 300
    assert [m for m, _ in _kc_requests(emu.requests_since(mark), "fluxConfigurations")] == ["GET"]
    quick = _create(emu, arc, "cfg-nowait", "--no-wait").ok()
    assert quick.stdout.strip() == ""
    emu.az("k8s-configuration", "flux", "wait", *arc["args"], "-n", "cfg-nowait", "--timeout", "2m").ok()
    check = emu.az("k8s-configuration", "flux", "check", *arc["args"])
    assert check.returncode == 0, check.stderr
    assert "✔" in check.stderr
