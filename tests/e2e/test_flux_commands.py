"""Every flux command, typed as a user would, against the shared emulator and the demo repository."""
from __future__ import annotations

import json

import spec_schema
import yaml
from e2e_support import TUTORIAL_URL, wait_until
from flux_e2e_helpers import FLUX, flux_writes, operation_polls, props, statuses_by_kind

NAME = "cluster-config"
KUSTOMIZATIONS = ["--kustomization", "name=infra", "path=./infrastructure", "prune=true",
                  "--kustomization", "name=apps", "path=./apps/staging", "prune=true", "dependsOn=infra"]


def _flux(emulator, cluster, *args, **kwargs):
    command, rest = args[0], args[1:]
    group = command.split()
    return emulator.az(*FLUX, *group, *cluster["args"], *rest, **kwargs)


def _show(emulator, cluster, name=NAME):
    return _flux(emulator, cluster, "show", "-n", name).ok().json


def _patch_bodies(calls, name=NAME):
    return [c["body"] for c in flux_writes(calls, name) if c["method"] == "PATCH"]


def test_configuration_and_kustomization_commands(emulator, cluster):
    mark = emulator.log_mark()
    table = _flux(emulator, cluster, "create", "-n", NAME, "--namespace", NAME, "--scope", "cluster",
                  "-u", TUTORIAL_URL, "--branch", "main", *KUSTOMIZATIONS, "-o", "table").ok().stdout
    assert NAME in table and "Succeeded" in table and "GitRepository" in table
    puts = [c for c in flux_writes(emulator.requests_since(mark), NAME) if c["method"] == "PUT"]
    assert len(puts) == 1
    spec_schema.assert_valid(puts[0]["body"], "FluxConfiguration")

    waited = _flux(emulator, cluster, "wait", "-n", NAME, "--timeout", "2m").ok()
    assert props(waited.json)["complianceState"] == "Compliant"
    assert "Kustomization/cluster-config-apps: Compliant" in waited.stderr

    listed = _flux(emulator, cluster, "list").ok().json
    assert [c["name"] for c in listed] == [NAME]
    for command in (["list"], ["show", "-n", NAME]):
        out = _flux(emulator, cluster, *command, "-o", "table").ok().stdout
        header, rule, row = out.splitlines()[:3]
        assert "ComplianceState" in header and set(rule) <= {"-", " "}
        assert NAME in row and "Compliant" in row

    # kustomization create / show / update / list (+ --graph) / delete
    mark = emulator.log_mark()
    _flux(emulator, cluster, "kustomization create", "-n", NAME, "-k", "extra", "--path", "./apps/staging",
          "--depends", "infra", "--prune", "true").ok()
    created = _flux(emulator, cluster, "kustomization show", "-n", NAME, "-k", "extra").ok().json["extra"]
    assert created["dependsOn"] == ["infra"] and created["prune"] is True and created["path"] == "./apps/staging"
    _flux(emulator, cluster, "kustomization update", "-n", NAME, "-k", "extra", "--interval", "5m").ok()
    bodies = _patch_bodies(emulator.requests_since(mark))
    assert [list(b["properties"]["kustomizations"]) for b in bodies] == [["extra"], ["extra"]]
    for body in bodies:
        spec_schema.assert_valid(body, "FluxConfigurationPatch")

    kustomizations = _flux(emulator, cluster, "kustomization list", "-n", NAME).ok().json
    assert set(kustomizations) == {"infra", "apps", "extra"}
    assert kustomizations["extra"]["syncIntervalInSeconds"] == 300
    tree = _flux(emulator, cluster, "kustomization list", "-n", NAME, "--graph").ok().stdout.splitlines()
    assert tree[0] == "infra"
    assert sorted(line.lstrip("├└─ ") for line in tree[1:]) == ["apps", "extra"]
    k_table = _flux(emulator, cluster, "kustomization list", "-n", NAME, "-o", "table").ok().stdout
    assert "DependsOn" in k_table.splitlines()[0] and "./apps/staging" in k_table
    assert "extra" in _flux(emulator, cluster, "kustomization show", "-n", NAME, "-k", "extra",
                            "-o", "table").ok().stdout
    _flux(emulator, cluster, "kustomization delete", "-n", NAME, "-k", "extra", "--yes").ok()
    assert set(_flux(emulator, cluster, "kustomization list", "-n", NAME).ok().json) == {"infra", "apps"}

    # flux update: a merge patch that matches the spec
    mark = emulator.log_mark()
    updated = _flux(emulator, cluster, "update", "-n", NAME, "--interval", "20m", "--yes").ok().json
    assert props(updated)["gitRepository"]["syncIntervalInSeconds"] == 1200
    (body,) = _patch_bodies(emulator.requests_since(mark))
    assert body["properties"]["gitRepository"]["syncIntervalInSeconds"] == 1200
    spec_schema.assert_valid(body, "FluxConfigurationPatch")

    _flux(emulator, cluster, "delete", "-n", NAME, "--yes").ok()
    assert _flux(emulator, cluster, "list").ok().json == []
    _flux(emulator, cluster, "wait", "-n", NAME, "--for", "deleted", "--timeout", "1m").ok()


def test_deployed_objects_and_export(emulator, cluster):
    _flux(emulator, cluster, "create", "-n", NAME, "--namespace", NAME, "-u", TUTORIAL_URL, "--branch", "main",
          *KUSTOMIZATIONS, "--wait-for-compliance", "--compliance-timeout", "2m").ok()

    objects = _flux(emulator, cluster, "deployed-object list", "-n", NAME).ok().json
    kinds = {(o["kind"], o["name"]) for o in objects}
    assert {("GitRepository", NAME), ("HelmRelease", "podinfo"), ("Namespace", "nginx")} <= kinds
    table = _flux(emulator, cluster, "deployed-object list", "-n", NAME, "-o", "table").ok().stdout
    assert table.splitlines()[0].split()[:3] == ["Kind", "Namespace", "Name"]
    assert len(table.splitlines()) == len(objects) + 2

    release = _flux(emulator, cluster, "deployed-object show", "-n", NAME, "--object-name", "podinfo",
                    "--object-namespace", "podinfo", "--object-kind", "HelmRelease").ok().json
    assert release["complianceState"] == "Compliant"
    assert release["appliedBy"] == {"name": f"{NAME}-apps", "namespace": NAME}
    shown = _flux(emulator, cluster, "deployed-object show", "-n", NAME, "--object-name", "podinfo",
                  "--object-namespace", "podinfo", "--object-kind", "helmrelease", "-o", "table").ok().stdout
    assert "HelmRelease" in shown and "podinfo" in shown

    documents = list(yaml.safe_load_all(_flux(emulator, cluster, "export", "-n", NAME, "--format",
                                              "flux-yaml").ok().stdout))
    by_kind = {(d["kind"], d["metadata"]["name"]): d for d in documents if d}
    source = by_kind[("GitRepository", NAME)]
    assert source["spec"]["url"] == TUTORIAL_URL and source["spec"]["ref"] == {"branch": "main"}
    apps = by_kind[("Kustomization", f"{NAME}-apps")]
    assert apps["spec"]["dependsOn"] == [{"name": f"{NAME}-infra"}]
    assert apps["spec"]["sourceRef"] == {"kind": "GitRepository", "name": NAME}

    template = json.loads(_flux(emulator, cluster, "export", "-n", NAME, "--format", "arm").ok().stdout)
    types = [r["type"] for r in template["resources"]]
    assert types == ["Microsoft.KubernetesConfiguration/extensions",
                     "Microsoft.KubernetesConfiguration/fluxConfigurations"]
    config = template["resources"][1]["properties"]
    assert config["kustomizations"]["apps"]["dependsOn"] == ["infra"]
    assert "configurationProtectedSettings" not in config

    bicep = _flux(emulator, cluster, "export", "-n", NAME, "--format", "bicep").ok().stdout
    assert "Microsoft.KubernetesConfiguration/fluxConfigurations@2025-04-01" in bicep
    assert f"param clusterName string = '{cluster['name']}'" in bicep

    found = statuses_by_kind(_show(emulator, cluster))
    assert {"nginx", "redis", "podinfo"} <= found["HelmRelease"]


def test_no_wait_writes_return_at_once_and_finish_later(emulator, cluster):
    name = "nowait"
    base = ["-n", name]
    mark = emulator.log_mark()
    created = _flux(emulator, cluster, "create", *base, "-u", TUTORIAL_URL, "--branch", "main",
                    "-k", "name=infra", "path=./infrastructure", "--no-wait").ok()
    assert created.stdout == ""
    calls = emulator.requests_since(mark)
    assert [c["method"] for c in flux_writes(calls, name)] == ["PUT"]
    assert operation_polls(calls, name) == []
    wait_until(lambda: props(_show(emulator, cluster, name))["provisioningState"] == "Succeeded", timeout=60)

    for command in (["update", *base, "--interval", "15m", "--yes"],
                    ["kustomization create", *base, "-k", "apps", "--path", "./apps/staging", "--depends", "infra"],
                    ["kustomization update", *base, "-k", "apps", "--prune", "true"],
                    ["kustomization delete", *base, "-k", "apps", "--yes"]):
        mark = emulator.log_mark()
        result = _flux(emulator, cluster, *command, "--no-wait").ok()
        assert result.stdout == "", command
        calls = emulator.requests_since(mark)
        assert [c["method"] for c in flux_writes(calls, name)] == ["PATCH"], command
        assert operation_polls(calls, name) == [], command
        wait_until(lambda: props(_show(emulator, cluster, name))["provisioningState"] == "Succeeded", timeout=60)

    final = _show(emulator, cluster, name)
    assert props(final)["gitRepository"]["syncIntervalInSeconds"] == 900
    assert set(props(final)["kustomizations"]) == {"infra"}

    mark = emulator.log_mark()
    assert _flux(emulator, cluster, "delete", *base, "--yes", "--no-wait").ok().stdout == ""
    assert [c["method"] for c in flux_writes(emulator.requests_since(mark), name)] == ["DELETE"]
    wait_until(lambda: _flux(emulator, cluster, "list").ok().json == [], timeout=60)
