"""The tutorial's command sequence, typed as a user would, against a real emulator."""
from __future__ import annotations

import spec_schema
from e2e_support import TUTORIAL_URL, _git, wait_until

KUSTOMIZATIONS = ["--kustomization", "name=infra", "path=./infrastructure", "prune=true",
                  "--kustomization", "name=apps", "path=./apps/staging", "prune=true", 'dependsOn=["infra"]']
FLUX = ["k8s-configuration", "flux"]


def _create(emulator, cluster, *extra):
    return emulator.az(*FLUX, "create", *cluster["args"], "-n", "cluster-config", "--namespace", "cluster-config",
                       "--scope", "cluster", "-u", TUTORIAL_URL, "--branch", "main", *KUSTOMIZATIONS, *extra)


def _show(emulator, cluster, name="cluster-config"):
    return emulator.az(*FLUX, "show", *cluster["args"], "-n", name).ok().json


def _compliant(emulator, cluster):
    cfg = _show(emulator, cluster)
    return cfg if cfg["complianceState"] == "Compliant" else None


def test_tutorial_create_show_list_delete(emulator, cluster):
    mark = emulator.log_mark()
    created = _create(emulator, cluster).ok().json
    assert created["provisioningState"] == "Succeeded" and created["resourceGroup"] == cluster["group"]
    assert created["sourceKind"] == "GitRepository"
    assert created["gitRepository"]["repositoryRef"]["branch"] == "main"
    assert created["kustomizations"]["apps"]["dependsOn"] == ["infra"]

    # What went over the wire: the extension was installed first, then one PUT whose body matches the spec.
    calls = emulator.requests_since(mark)
    puts = [c for c in calls if c["method"] == "PUT" and "/fluxconfigurations/" in c["path"].lower()]
    assert len(puts) == 1
    body = puts[0]["body"]
    assert body["properties"]["kustomizations"]["infra"]["prune"] is True
    spec_schema.assert_valid(body, "FluxConfiguration")
    ext_puts = [c for c in calls if c["method"] == "PUT" and "/extensions/" in c["path"].lower()]
    assert len(ext_puts) == 1 and ext_puts[0]["body"]["properties"]["extensionType"].lower() == "microsoft.flux"
    assert calls.index(ext_puts[0]) < calls.index(puts[0])

    cfg = wait_until(lambda: _compliant(emulator, cluster), timeout=60)
    sha = _git(emulator.demo_repo, "rev-parse", "HEAD")
    assert cfg["sourceSyncedCommitId"] == f"main@sha1:{sha}"

    kustomizations = emulator.az(*FLUX, "kustomization", "list", *cluster["args"], "-n", "cluster-config").ok().json
    assert set(kustomizations) == {"infra", "apps"}
    assert kustomizations["apps"]["dependsOn"] == ["infra"]

    objects = emulator.az(*FLUX, "deployed-object", "list", *cluster["args"], "-n", "cluster-config").ok().json
    by_kind = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], set()).add(obj["name"])
    assert {"cluster-config-infra", "cluster-config-apps"} <= by_kind["Kustomization"]
    assert {"nginx", "podinfo", "redis"} <= by_kind["HelmRelease"]
    assert {"nginx", "podinfo", "redis"} <= by_kind["Namespace"]
    infra = next(o for o in objects if o["kind"] == "Kustomization" and o["name"] == "cluster-config-infra")
    ready = next(c for c in infra["statusConditions"] if c["type"] == "Ready")
    assert ready["message"] == f"Applied revision: main@sha1:{sha}"

    table = emulator.az(*FLUX, "show", *cluster["args"], "-n", "cluster-config", "-o", "table").ok().stdout
    assert "cluster-config" in table and "Compliant" in table

    emulator.az(*FLUX, "delete", *cluster["args"], "-n", "cluster-config", "--yes").ok()
    assert emulator.az(*FLUX, "list", *cluster["args"]).ok().json == []
