"""Generated kustomizations, post-build substitution, managed Helm sources, scope, flux extension settings."""

from __future__ import annotations

from reconciler_support import NOW, by_kind_name, make_config, ready

from k8sconfig_emulator.reconciler import cluster_objects, extension_statuses, reconcile

CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-values
  namespace: cluster-config
data:
  region: westeurope
  replicas: "4"
"""
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${region}
  namespace: ${target_ns:=web}
spec:
  replicas: ${replicas:=1}
"""


def flux_extension(**settings: str) -> dict:
    return {
        "name": "flux",
        "properties": {"extensionType": "microsoft.flux", "configurationSettings": settings},
        "systemData": {"createdAt": "2025-05-01T11:00:00Z", "lastModifiedAt": "2025-05-01T11:30:00Z"},
    }


def test_path_without_kustomization_file_is_generated(demo_repo, settings) -> None:
    demo_repo.write("plain/one.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: one\n")
    demo_repo.write("plain/nested/two.yml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: two\n")
    demo_repo.write("plain/notes.yaml", "just: some data\n")  # not a Kubernetes object: skipped
    demo_repo.commit("plain manifests")
    status, state = reconcile(make_config(str(demo_repo.path), {"plain": {"path": "plain"}}), None, None, NOW, settings)
    assert status["complianceState"] == "Compliant", status["errorMessage"]
    assert {e["name"] for e in state["inventory"]} == {"one", "two"}
    assert not (demo_repo.path / "plain" / "kustomization.yaml").exists()  # generated in the work copy only


def test_postbuild_substitute_and_substitute_from(demo_repo, settings) -> None:
    demo_repo.write("values/cm.yaml", CONFIGMAP)
    demo_repo.write("web/deployment.yaml", DEPLOYMENT)
    demo_repo.commit("substitution")
    kustomizations = {
        "values": {"path": "values"},
        "web": {
            "path": "web",
            "dependsOn": ["values"],
            "postBuild": {
                "substitute": {"target_ns": "frontend"},
                "substituteFrom": [
                    {"kind": "ConfigMap", "name": "cluster-values"},
                    {"kind": "Secret", "name": "absent", "optional": True},
                ],
            },
        },
    }
    status, state = reconcile(make_config(str(demo_repo.path), kustomizations), None, None, NOW, settings)
    assert status["complianceState"] == "Compliant", status["errorMessage"]
    deployment = next(e for e in state["inventory"] if e["kind"] == "Deployment")
    assert (deployment["name"], deployment["namespace"]) == ("web-westeurope", "frontend")
    assert not any("data" in o for o in cluster_objects([state]))  # values never leave the state


def test_missing_required_substitute_from(demo_repo, settings) -> None:
    demo_repo.write("web/deployment.yaml", DEPLOYMENT)
    demo_repo.commit("web")
    kustomizations = {"web": {"path": "web", "postBuild": {"substituteFrom": [{"kind": "Secret", "name": "creds"}]}}}
    status, _ = reconcile(make_config(str(demo_repo.path), kustomizations), None, None, NOW, settings)
    web = by_kind_name(status["statuses"])[("Kustomization", "cluster-config-web")]
    assert web["complianceState"] == "Non-Compliant"
    assert "substitute from 'Secret/creds'" in ready(web)["message"]
    assert "optional" in ready(web)["message"]


def test_without_postbuild_variables_are_left_alone(demo_repo, settings) -> None:
    demo_repo.write("web/deployment.yaml", DEPLOYMENT.replace("${target_ns:=web}", "web"))
    demo_repo.commit("web")
    _, state = reconcile(make_config(str(demo_repo.path), {"web": {"path": "web"}}), None, None, NOW, settings)
    assert state["inventory"][0]["name"] == "web-${region}"


def test_managed_source_annotation_points_chart_at_the_git_repository(demo_repo, settings) -> None:
    release = (demo_repo.path / "apps/base/podinfo/release.yaml").read_text()
    annotated = release.replace(
        "  namespace: podinfo\nspec:",
        '  namespace: podinfo\n  annotations:\n    clusterconfig.azure.com/use-managed-source: "true"\nspec:',
    )
    demo_repo.write("apps/base/podinfo/release.yaml", annotated)
    demo_repo.commit("managed source")
    status, state = reconcile(make_config(str(demo_repo.path)), None, None, NOW, settings)
    podinfo = next(e for e in state["inventory"] if e["kind"] == "HelmRelease" and e["name"] == "podinfo")
    assert podinfo["helm"]["sourceRef"] == {"kind": "GitRepository", "name": "cluster-config", "namespace": "cluster-config"}
    status_entry = by_kind_name(status["statuses"])[("HelmRelease", "podinfo")]
    assert status_entry["helmReleaseProperties"]["helmChartRef"] == {"name": "podinfo-podinfo", "namespace": "cluster-config"}
    assert "GitRepository 'cluster-config/cluster-config'" in ready(status_entry)["message"]
    nginx = next(e for e in state["inventory"] if e["kind"] == "HelmRelease" and e["name"] == "nginx")
    assert nginx["helm"]["sourceRef"]["kind"] == "HelmRepository"


def test_helm_release_revision_counts_spec_changes(demo_repo, settings) -> None:
    config = make_config(str(demo_repo.path))
    _, state = reconcile(config, None, None, NOW, settings)
    patch = (demo_repo.path / "apps/staging/podinfo-values.yaml").read_text()
    demo_repo.write("apps/staging/podinfo-values.yaml", patch.replace("replicaCount: 2", "replicaCount: 3"))
    demo_repo.commit("scale")
    status, _ = reconcile(config, None, state, NOW, settings)
    found = by_kind_name(status["statuses"])
    assert found[("HelmRelease", "podinfo")]["helmReleaseProperties"]["lastRevisionApplied"] == 2
    assert found[("HelmRelease", "nginx")]["helmReleaseProperties"]["lastRevisionApplied"] == 1


def test_namespace_scope_only_allows_its_namespace(demo_repo, settings) -> None:
    demo_repo.write("team/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team\ndata: {}\n")
    demo_repo.commit("team")
    ks = {"team": {"path": "team"}, "infra": {"path": "infrastructure"}}
    status, _ = reconcile(make_config(str(demo_repo.path), ks, scope="namespace", namespace="team-a"),
                          None, None, NOW, settings)
    found = by_kind_name(status["statuses"])
    assert found[("Kustomization", "cluster-config-team")]["complianceState"] == "Compliant"
    assert found[("ConfigMap", "team")]["namespace"] == "team-a"
    infra = found[("Kustomization", "cluster-config-infra")]
    assert infra["complianceState"] == "Non-Compliant"
    assert "namespace-scoped configuration may only apply objects in namespace 'team-a'" in ready(infra)["message"]


def test_kustomize_controller_disabled(demo_repo, settings) -> None:
    ext = flux_extension(**{"kustomize-controller.enabled": "false"})
    status, state = reconcile(make_config(str(demo_repo.path)), ext, None, NOW, settings)
    assert status["complianceState"] == "Pending"
    assert state["inventory"] == []
    infra = by_kind_name(status["statuses"])[("Kustomization", "cluster-config-infra")]
    assert "kustomize-controller.enabled=false" in ready(infra)["message"]
    assert status["statuses"][0]["complianceState"] == "Compliant"  # the source is still fetched
    assert state["nextDueAt"] == "2025-05-01T12:00:30.000000Z"  # pending: look again soon


def test_helm_controller_disabled(demo_repo, settings) -> None:
    ext = flux_extension(**{"helm-controller.enabled": "false"})
    status, _ = reconcile(make_config(str(demo_repo.path)), ext, None, NOW, settings)
    assert status["complianceState"] == "Pending"
    release = by_kind_name(status["statuses"])[("HelmRelease", "podinfo")]
    assert release["complianceState"] == "Pending"
    assert ready(release)["status"] != "True"
    assert "helm-controller.enabled=false" in ready(release)["message"]
    assert release["helmReleaseProperties"]["lastRevisionApplied"] is None
    assert by_kind_name(status["statuses"])[("Kustomization", "cluster-config-apps")]["complianceState"] == "Compliant"


def test_source_controller_disabled_fetches_nothing(demo_repo, settings) -> None:
    ext = flux_extension(**{"source-controller.enabled": "false"})
    status, _ = reconcile(make_config(str(demo_repo.path)), ext, None, NOW, settings)
    assert status["complianceState"] == "Pending"
    assert "source-controller.enabled=false" in ready(status["statuses"][0])["message"]
    assert status["sourceSyncedCommitId"] is None
    assert not (settings.cache_dir / "mirrors").exists()


def test_extension_statuses_list_running_controllers() -> None:
    default = extension_statuses(flux_extension())
    assert [s["code"] for s in default] == [
        "source-controller", "kustomize-controller", "helm-controller", "notification-controller",
    ]
    assert all(s["displayStatus"] == "Running" and s["level"] == "Information" for s in default)
    assert default[0]["time"] == "2025-05-01T11:30:00Z"
    assert "flux-system/source-controller" in default[0]["message"]
    custom = extension_statuses(flux_extension(**{
        "helm-controller.enabled": "false",
        "image-automation-controller.enabled": "true",
        "image-reflector-controller.enabled": "True",
    }))
    codes = [s["code"] for s in custom]
    assert "helm-controller" not in codes
    assert "image-automation-controller" in codes and "image-reflector-controller" in codes
