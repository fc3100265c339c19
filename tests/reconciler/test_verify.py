"""verify_objects: what the emulated cluster checks about Flux objects without a network."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8sconfig_emulator.reconciler.verify import Finding, verify_objects

HELM = "helm.toolkit.fluxcd.io/v2"
SOURCE = "source.toolkit.fluxcd.io/v1"


def obj(api: str, kind: str, name: str, namespace: str = "apps", spec: dict | None = None, **extra) -> dict:
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": namespace},
            **({"spec": spec} if spec is not None else {}), **extra}


def helm_repo(name: str = "podinfo", namespace: str = "apps", url: str = "https://charts.example.com/") -> dict:
    return obj(SOURCE, "HelmRepository", name, namespace, {"url": url})


def release(name: str = "podinfo", namespace: str = "apps", *, source: dict | None = None, version: str = "6.x",
            **spec) -> dict:
    ref = source if source is not None else {"kind": "HelmRepository", "name": "podinfo"}
    chart = {"spec": {"chart": "podinfo", "version": version, "sourceRef": ref}}
    return obj(HELM, "HelmRelease", name, namespace, {"chart": chart, **spec})


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


def test_a_complete_release_has_no_findings() -> None:
    values = obj("v1", "ConfigMap", "podinfo-values", data={"values.yaml": "replicaCount: 2"})
    assert verify_objects([helm_repo(), values, release(valuesFrom=[{"kind": "ConfigMap", "name": "podinfo-values"}])]) == []


def test_missing_helm_repository_names_it_with_the_release_namespace_as_default() -> None:
    finding = only(verify_objects([release(), helm_repo(namespace="other")]))
    assert (finding.kind, finding.namespace, finding.name, finding.reason) == ("HelmRelease", "apps", "podinfo",
                                                                            "SourceNotFound")
    assert "HelmRepository 'apps/podinfo'" in finding.message
    # an explicit namespace in sourceRef is looked up there
    ref = {"kind": "HelmRepository", "name": "podinfo", "namespace": "other"}
    assert verify_objects([release(source=ref), helm_repo(namespace="other")]) == []


@pytest.mark.parametrize("kind", ["GitRepository", "Bucket"])
def test_other_chart_source_kinds_must_exist_too(kind: str) -> None:
    finding = only(verify_objects([release(source={"kind": kind, "name": "charts"})]))
    assert finding.reason == "SourceNotFound" and f"{kind} 'apps/charts'" in finding.message
    source = obj(SOURCE, kind, "charts", spec={"url": "https://git.example.com/charts"} if kind == "GitRepository"
                 else {"endpoint": "minio.example.com", "bucketName": "charts"})
    assert verify_objects([release(source={"kind": kind, "name": "charts"}), source]) == []


def test_chart_ref_to_an_oci_repository() -> None:
    rel = obj(HELM, "HelmRelease", "app", spec={"chartRef": {"kind": "OCIRepository", "name": "app-chart"}})
    assert "OCIRepository 'apps/app-chart'" in only(verify_objects([rel])).message
    oci = obj(SOURCE, "OCIRepository", "app-chart", spec={"url": "oci://ghcr.io/org/charts/app"})
    assert verify_objects([rel, oci]) == []


def test_an_invalid_version_range_is_refused() -> None:
    finding = only(verify_objects([helm_repo(), release(version="6.x.banana")]))
    assert finding.reason == "InvalidChartVersion" and "6.x.banana" in finding.message


def test_values_from_must_exist_unless_optional_and_hold_the_key() -> None:
    secret = obj("v1", "Secret", "creds", data={"values.yaml": "cGFzc3dvcmQ6IHg="})
    refs = [{"kind": "Secret", "name": "creds"}, {"kind": "ConfigMap", "name": "absent", "optional": True}]
    assert verify_objects([helm_repo(), secret, release(valuesFrom=refs)]) == []

    finding = only(verify_objects([helm_repo(), release(valuesFrom=[{"kind": "ConfigMap", "name": "absent"}])]))
    assert "ConfigMap" in finding.message and "'apps/absent'" in finding.message
    keyed = release(valuesFrom=[{"kind": "Secret", "name": "creds", "valuesKey": "prod.yaml"}])
    assert "missing key 'prod.yaml'" in only(verify_objects([helm_repo(), secret, keyed])).message


def test_depends_on_must_resolve() -> None:
    db = release("db")
    app = release("app", dependsOn=[{"name": "db"}, {"name": "cache", "namespace": "infra"}])
    finding = only(verify_objects([helm_repo(), db, app]))
    assert (finding.name, finding.reason) == ("app", "DependencyNotFound")
    assert "HelmRelease 'infra/cache'" in finding.message


@pytest.mark.parametrize(("kind", "spec", "ok"), [
    ("HelmRepository", {"url": "https://charts.example.com"}, True),
    ("HelmRepository", {"url": "oci://ghcr.io/org/charts", "type": "oci"}, True),
    ("HelmRepository", {"url": "ftp://charts.example.com"}, False),
    ("HelmRepository", {"url": "https://"}, False),
    ("HelmRepository", {"url": "https://charts.example.com", "type": "oci"}, False),
    ("GitRepository", {"url": "ssh://git@github.com/org/repo"}, True),
    ("GitRepository", {"url": "git@github.com:org/repo"}, False),
    ("GitRepository", {"url": "https://host:99999/repo"}, False),
    ("OCIRepository", {"url": "https://ghcr.io/org/app"}, False),
    ("Bucket", {"endpoint": "https://minio.example.com", "bucketName": "b"}, False),
    ("Bucket", {"endpoint": "minio.example.com:9000", "bucketName": "b"}, True),
])
def test_source_urls_are_well_formed(kind: str, spec: dict, ok: bool) -> None:
    findings = verify_objects([obj(SOURCE, kind, "src", spec=spec)])
    assert (findings == []) is ok, findings
    if not ok:
        assert findings[0].reason == "URLInvalid"


def test_flux_kustomization_source_must_exist() -> None:
    ks = obj("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "apps", "flux-system",
             spec={"sourceRef": {"kind": "GitRepository", "name": "fleet"}})
    assert "GitRepository/flux-system/fleet" in only(verify_objects([ks])).message
    # a kustomize.config.k8s.io Kustomization is not a Flux object
    assert verify_objects([obj("kustomize.config.k8s.io/v1beta1", "Kustomization", "k")]) == []


def test_chart_versions_resolve_in_a_local_chart_repository(tmp_path: Path) -> None:
    (tmp_path / "index.yaml").write_text(
        "apiVersion: v1\nentries:\n  podinfo:\n  - version: 6.5.0\n  - version: 6.7.1\n  other:\n  - version: 1.0.0\n")
    repos = {"https://charts.example.com": tmp_path}
    assert verify_objects([helm_repo(), release()], chart_repos=repos) == []
    finding = only(verify_objects([helm_repo(), release(version=">=7.0.0")], chart_repos=repos))
    assert finding.reason == "ChartPullFailed" and "matching '>=7.0.0'" in finding.message
    missing = release()
    missing["spec"]["chart"]["spec"]["chart"] = "nginx"
    assert "chart 'nginx' not found" in only(verify_objects([helm_repo(), missing], chart_repos=repos)).message


def test_garbage_objects_do_not_crash() -> None:
    junk = [None, 3, {"kind": "HelmRelease", "apiVersion": HELM}, {"apiVersion": HELM, "kind": "HelmRelease",
            "metadata": {"name": "x"}, "spec": {"chart": "not-a-dict", "valuesFrom": "nope", "dependsOn": [7]}}]
    findings = verify_objects(junk)  # type: ignore[arg-type]
    assert findings and all(isinstance(f, Finding) for f in findings)


def test_context_objects_are_referred_to_but_not_checked() -> None:
    broken = release("other", source={"kind": "HelmRepository", "name": "absent"})
    assert verify_objects([release()], context=[helm_repo(), broken]) == []
    # an object of the checked ones wins over a context object of the same kind, namespace and name
    finding = only(verify_objects([release(source={"kind": "HelmRepository", "name": "absent"})], context=[release()]))
    assert "HelmRepository 'apps/absent'" in finding.message
