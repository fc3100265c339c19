"""The tutorial's configuration against the demo repository: apply, statuses, new commits, prune, delete."""

from __future__ import annotations

import json
from datetime import timedelta

from reconciler_support import NOW, TUTORIAL_URL, by_kind_name, make_config, ready

from k8sconfig_emulator.reconciler import (
    cluster_objects,
    finalize_delete,
    is_due,
    reconcile,
)


def test_tutorial_configuration_is_compliant(demo_repo, settings) -> None:
    sha = demo_repo.head()
    status, state = reconcile(make_config(str(demo_repo.path)), None, None, NOW, settings)

    assert status["complianceState"] == "Compliant", status["errorMessage"]
    assert status["errorMessage"] == ""
    assert status["sourceSyncedCommitId"] == f"main@sha1:{sha}"
    assert status["sourceUpdatedAt"] == status["statusUpdatedAt"] == "2025-05-01T12:00:00.000000Z"
    found = by_kind_name(status["statuses"])

    source = found[("GitRepository", "cluster-config")]
    assert source["namespace"] == "cluster-config"
    assert ready(source)["status"] == "True"
    assert ready(source)["message"] == f"stored artifact for revision 'main@sha1:{sha}'"

    for k in ("infra", "apps"):
        ks = found[("Kustomization", f"cluster-config-{k}")]
        assert ks["complianceState"] == "Compliant"
        assert ready(ks)["message"] == f"Applied revision: main@sha1:{sha}"
        assert ready(ks)["lastTransitionTime"] == "2025-05-01T12:00:00.000000Z"

    for name, applier, chart in (("nginx", "infra", "ingress-nginx"), ("redis", "infra", "redis"), ("podinfo", "apps", "podinfo")):
        release = found[("HelmRelease", name)]
        assert release["namespace"] == name
        assert release["appliedBy"] == {"name": f"cluster-config-{applier}", "namespace": "cluster-config"}
        assert release["helmReleaseProperties"]["lastRevisionApplied"] == 1
        assert release["helmReleaseProperties"]["helmChartRef"]["namespace"] == name
        assert f"'{chart}@" in ready(release)["message"] and "not downloaded or installed" in ready(release)["message"]
        namespace = found[("Namespace", name)]
        assert namespace["namespace"] == "" and namespace["complianceState"] == "Compliant"
    assert ("HelmRepository", "podinfo") in found and ("HelmRepository", "bitnami") in found

    json.dumps(state)  # the state is stored as JSON
    objects = cluster_objects([state])
    assert {"apiVersion": "v1", "kind": "Namespace", "namespace": "", "name": "podinfo",
            "appliedBy": {"name": "cluster-config-apps", "namespace": "cluster-config"}} in objects
    assert all(set(o) == {"apiVersion", "kind", "namespace", "name", "appliedBy"} for o in objects)


def test_podinfo_release_comes_from_the_apps_overlay(demo_repo, settings) -> None:
    _, state = reconcile(make_config(str(demo_repo.path)), None, None, NOW, settings)
    podinfo = next(e for e in state["inventory"] if e["kind"] == "HelmRelease" and e["name"] == "podinfo")
    assert podinfo["kustomization"] == "apps"
    assert podinfo["helm"]["chart"] == "podinfo" and podinfo["helm"]["version"] == "6.x"


def test_new_commit_is_picked_up_and_removed_objects_are_pruned(demo_repo, settings) -> None:
    config = make_config(str(demo_repo.path))
    _, state = reconcile(config, None, None, NOW, settings)
    assert not is_due(config, state, NOW + timedelta(minutes=5))

    demo_repo.remove("infrastructure/redis.yaml")
    kustomization = (demo_repo.path / "infrastructure/kustomization.yaml").read_text()
    demo_repo.write("infrastructure/kustomization.yaml", kustomization.replace("  - redis.yaml\n", ""))
    sha = demo_repo.commit("drop redis")

    later = NOW + timedelta(minutes=10)
    assert is_due(config, state, later)
    second, state = reconcile(config, None, state, later, settings)
    assert second["complianceState"] == "Compliant"
    assert second["sourceSyncedCommitId"] == f"main@sha1:{sha}"
    assert second["sourceUpdatedAt"] == "2025-05-01T12:10:00.000000Z"
    found = by_kind_name(second["statuses"])
    assert ("HelmRelease", "redis") not in found
    assert ("HelmRelease", "nginx") in found
    assert not any(o["name"] == "redis" and o["kind"] == "HelmRelease" for o in cluster_objects([state]))
    # unchanged Ready conditions keep their transition time
    assert ready(found[("Kustomization", "cluster-config-apps")])["lastTransitionTime"] == "2025-05-01T12:00:00.000000Z"


def test_unchanged_revision_keeps_source_updated_at(demo_repo, settings) -> None:
    config = make_config(str(demo_repo.path))
    _, state = reconcile(config, None, None, NOW, settings)
    again, _ = reconcile(config, None, state, NOW + timedelta(minutes=10), settings)
    assert again["sourceUpdatedAt"] == "2025-05-01T12:00:00.000000Z"
    assert again["statusUpdatedAt"] == "2025-05-01T12:10:00.000000Z"


def test_prune_false_leaves_objects_as_orphans(demo_repo, settings) -> None:
    kustomizations = {"infra": {"path": "./infrastructure", "prune": False}}
    config = make_config(str(demo_repo.path), kustomizations)
    _, state = reconcile(config, None, None, NOW, settings)
    demo_repo.remove("infrastructure/redis.yaml")
    text = (demo_repo.path / "infrastructure/kustomization.yaml").read_text()
    demo_repo.write("infrastructure/kustomization.yaml", text.replace("  - redis.yaml\n", ""))
    demo_repo.commit("drop redis")
    status, state = reconcile(config, None, state, NOW + timedelta(minutes=10), settings)
    assert ("HelmRelease", "redis") not in by_kind_name(status["statuses"])
    assert any(o["kind"] == "HelmRelease" and o["name"] == "redis" for o in cluster_objects([state]))


def test_removed_kustomization_with_prune_deletes_its_objects(demo_repo, settings) -> None:
    config = make_config(str(demo_repo.path))
    _, state = reconcile(config, None, None, NOW, settings)
    smaller = make_config(str(demo_repo.path), {"infra": {"path": "./infrastructure", "prune": True}})
    assert is_due(smaller, state, NOW)
    status, state = reconcile(smaller, None, state, NOW, settings)
    names = {o["name"] for o in cluster_objects([state])}
    assert "podinfo" not in names and "nginx" in names
    assert ("Kustomization", "cluster-config-apps") not in by_kind_name(status["statuses"])


def test_finalize_delete_returns_unpruned_objects(demo_repo, settings) -> None:
    kustomizations = {
        "infra": {"path": "./infrastructure", "prune": True},
        "apps": {"path": "./apps/staging", "prune": False, "dependsOn": ["infra"]},
    }
    config = make_config(str(demo_repo.path), kustomizations)
    _, state = reconcile(config, None, None, NOW, settings)
    left = finalize_delete(config, state)
    assert left is not None and left["orphaned"] is True
    objects = cluster_objects([left])
    assert {o["appliedBy"]["name"] for o in objects} == {"cluster-config-apps"}
    assert {(o["kind"], o["name"]) for o in objects} >= {("HelmRelease", "podinfo"), ("Namespace", "podinfo")}

    all_pruned = make_config(str(demo_repo.path))
    _, state = reconcile(all_pruned, None, None, NOW, settings)
    assert finalize_delete(all_pruned, state) is None
    assert finalize_delete(all_pruned, None) is None


def test_insteadof_rewrites_the_tutorial_url_to_the_local_repo(demo_repo, settings) -> None:
    settings.git_insteadof = [("https://github.com/", "file:///nonexistent/"), (TUTORIAL_URL, str(demo_repo.path))]
    status, _ = reconcile(make_config(TUTORIAL_URL), None, None, NOW, settings)
    assert status["complianceState"] == "Compliant", status["errorMessage"]
    assert status["sourceSyncedCommitId"] == f"main@sha1:{demo_repo.head()}"


def test_emulator_git_url_maps_to_the_served_repo(demo_repo, settings) -> None:
    settings.git_repos = {"gitops-demo": demo_repo.path}
    status, _ = reconcile(make_config("https://127.0.0.1:1/git/gitops-demo"), None, None, NOW, settings)
    assert status["complianceState"] == "Compliant", status["errorMessage"]


def test_mirror_is_reused_between_reconciles(demo_repo, settings) -> None:
    config = make_config(f"file://{demo_repo.path}")
    reconcile(config, None, None, NOW, settings)
    reconcile(config, None, None, NOW, settings)
    mirrors = list((settings.cache_dir / "mirrors").iterdir())
    assert len(mirrors) == 1
    assert list((settings.cache_dir / "tmp").iterdir()) == []  # work trees are cleaned up
