"""Failures: broken kustomizations, dependencies, refs, URLs, unsupported sources, missing tools, suspend."""

from __future__ import annotations

import pytest
from reconciler_support import NOW, by_kind_name, git, make_config, ready

from k8sconfig_emulator.reconciler import reconcile


def test_broken_kustomization_reports_kustomize_message(demo_repo, settings) -> None:
    text = (demo_repo.path / "infrastructure/kustomization.yaml").read_text()
    demo_repo.write("infrastructure/kustomization.yaml", text + "  - missing-file.yaml\n")
    demo_repo.commit("broken")
    status, _ = reconcile(make_config(str(demo_repo.path)), None, None, NOW, settings)
    assert status["complianceState"] == "Non-Compliant"
    found = by_kind_name(status["statuses"])
    infra = found[("Kustomization", "cluster-config-infra")]
    message = ready(infra)["message"]
    assert infra["complianceState"] == "Non-Compliant" and ready(infra)["status"] == "False"
    assert message.startswith("kustomize build failed: accumulating resources")
    assert "missing-file.yaml" in message and "command failed" not in message
    assert str(settings.cache_dir) not in message  # temp paths are not leaked
    assert "cluster-config-infra" in status["errorMessage"]
    apps = found[("Kustomization", "cluster-config-apps")]
    assert apps["complianceState"] == "Pending"
    assert ready(apps)["message"] == "dependency 'cluster-config/cluster-config-infra' is not ready"
    assert ready(apps)["reason"] == "DependencyNotReady"


def test_invalid_yaml_in_kustomization_file(demo_repo, settings) -> None:
    demo_repo.write("apps/staging/kustomization.yaml", "resources: [unclosed\n")
    demo_repo.commit("bad yaml")
    status, _ = reconcile(make_config(str(demo_repo.path)), None, None, NOW, settings)
    apps = by_kind_name(status["statuses"])[("Kustomization", "cluster-config-apps")]
    assert apps["complianceState"] == "Non-Compliant"
    assert ready(apps)["message"].startswith("kustomize build failed: ")
    assert by_kind_name(status["statuses"])[("Kustomization", "cluster-config-infra")]["complianceState"] == "Compliant"


def test_missing_path(demo_repo, settings) -> None:
    config = make_config(str(demo_repo.path), {"k": {"path": "./does/not/exist"}})
    status, _ = reconcile(config, None, None, NOW, settings)
    k = by_kind_name(status["statuses"])[("Kustomization", "cluster-config-k")]
    assert ready(k)["message"] == "kustomization path not found: stat ./does/not/exist: no such file or directory"
    assert status["complianceState"] == "Non-Compliant"


def test_path_cannot_escape_the_repository(demo_repo, settings) -> None:
    status, _ = reconcile(make_config(str(demo_repo.path), {"k": {"path": "../../etc"}}), None, None, NOW, settings)
    assert "must be relative to the repository root" in ready(status["statuses"][1])["message"]


def test_dependency_cycle_and_unknown_dependency(demo_repo, settings) -> None:
    kustomizations = {
        "a": {"path": "./infrastructure", "dependsOn": ["b"]},
        "b": {"path": "./apps/staging", "dependsOn": ["a"]},
        "c": {"path": "./infrastructure", "dependsOn": ["ghost"]},
    }
    status, state = reconcile(make_config(str(demo_repo.path), kustomizations), None, None, NOW, settings)
    found = by_kind_name(status["statuses"])
    for k in ("a", "b"):
        message = ready(found[("Kustomization", f"cluster-config-{k}")])["message"]
        assert message.startswith("circular dependency detected: ")
        assert "cluster-config/cluster-config-a" in message and "cluster-config/cluster-config-b" in message
    assert ready(found[("Kustomization", "cluster-config-c")])["message"] == (
        "dependency 'cluster-config/cluster-config-ghost' not found"
    )
    assert status["complianceState"] == "Non-Compliant"
    assert state["inventory"] == []


def test_dependencies_apply_in_order_regardless_of_map_order(demo_repo, settings) -> None:
    kustomizations = {
        "apps": {"path": "./apps/staging", "dependsOn": ["infra"]},
        "infra": {"path": "./infrastructure"},
    }
    status, state = reconcile(make_config(str(demo_repo.path), kustomizations), None, None, NOW, settings)
    assert status["complianceState"] == "Compliant"
    owners = [e["kustomization"] for e in state["inventory"]]
    assert owners.index("infra") < owners.index("apps")
    assert [s["name"] for s in status["statuses"][1:3]] == ["cluster-config-apps", "cluster-config-infra"]


@pytest.mark.parametrize(
    ("ref", "detail"),
    [
        ({"branch": "nope"}, 'couldn\'t find remote ref "refs/heads/nope"'),
        ({"tag": "v9.9.9"}, 'couldn\'t find remote ref "refs/tags/v9.9.9"'),
        ({"semver": ">=5.0.0"}, "no match found for semver: >=5.0.0"),
        ({"semver": "not a range"}, "semver parse error: improper constraint: not a range"),
        ({"branch": "main", "commit": "0" * 40}, f"unable to resolve commit object for '{'0' * 40}': object not found"),
    ],
)
def test_unknown_ref(demo_repo, settings, ref: dict, detail: str) -> None:
    url = str(demo_repo.path)
    status, _ = reconcile(make_config(url, ref=ref), None, None, NOW, settings)
    assert status["complianceState"] == "Non-Compliant"
    source = status["statuses"][0]
    expected = f"failed to checkout and determine revision: unable to clone '{url}': {detail}"
    assert ready(source)["message"] == expected
    assert source["complianceState"] == "Non-Compliant"
    assert status["sourceSyncedCommitId"] is None
    for s in status["statuses"][1:]:
        assert s["complianceState"] == "Pending"


def test_tag_semver_and_commit_refs(demo_repo, settings) -> None:
    first = demo_repo.head()
    git(demo_repo.path, "tag", "v1.0.0")
    second = demo_repo.commit("second")
    git(demo_repo.path, "tag", "v1.1.0")
    git(demo_repo.path, "tag", "-a", "v2.0.0", "-m", "annotated")
    url = str(demo_repo.path)
    cases = [
        ({"tag": "v1.0.0"}, f"v1.0.0@sha1:{first}"),
        ({"semver": "^1.0"}, f"v1.1.0@sha1:{second}"),
        ({"semver": ">=1.0.0 <1.1.0"}, f"v1.0.0@sha1:{first}"),
        ({"semver": "2.x"}, f"v2.0.0@sha1:{second}"),
        ({"branch": "main", "commit": first}, f"main@sha1:{first}"),
        ({"commit": first}, f"sha1:{first}"),
    ]
    for ref, synced in cases:
        status, _ = reconcile(make_config(url, ref=ref), None, None, NOW, settings)
        assert status["complianceState"] == "Compliant", (ref, status["errorMessage"])
        assert status["sourceSyncedCommitId"] == synced


def test_unreachable_url(settings) -> None:
    url = "http://127.0.0.1:9/nobody/repo"
    status, state = reconcile(make_config(url), None, None, NOW, settings)
    assert status["complianceState"] == "Non-Compliant"
    message = ready(status["statuses"][0])["message"]
    assert message.startswith(f"failed to checkout and determine revision: unable to clone '{url}': ")
    assert "Failed to connect" in message or "Could not connect" in message or "refused" in message
    assert state["nextDueAt"] is not None
    assert not (settings.cache_dir / "mirrors").exists() or not any((settings.cache_dir / "mirrors").iterdir())


def test_missing_local_path(settings, tmp_path) -> None:
    url = str(tmp_path / "no-such-repo")
    status, _ = reconcile(make_config(url), None, None, NOW, settings)
    message = ready(status["statuses"][0])["message"]
    assert message.startswith(f"failed to checkout and determine revision: unable to clone '{url}': ")
    assert "does not appear to be a git repository" in message


def test_ssh_urls_are_refused_with_advice(settings) -> None:
    status, _ = reconcile(make_config("git@github.com:Azure/repo.git"), None, None, NOW, settings)
    message = ready(status["statuses"][0])["message"]
    assert "ssh URLs are not supported by the emulator" in message and "insteadOf" in message


def test_credentials_in_url_are_scrubbed(settings) -> None:
    url = "http://alice:TopSecret99@127.0.0.1:9/repo"
    status, _ = reconcile(make_config(url), None, None, NOW, settings)
    text = str(status)
    assert "TopSecret99" not in text
    assert "http://alice:***@127.0.0.1:9/repo" in ready(status["statuses"][0])["message"]


@pytest.mark.parametrize("kind", ["Bucket", "AzureBlob", "OCIRepository"])
def test_unsupported_source_kinds(settings, kind: str) -> None:
    config = make_config("unused", sourceKind=kind)
    status, _ = reconcile(config, None, None, NOW, settings)
    assert status["complianceState"] == "Non-Compliant"
    source = status["statuses"][0]
    assert source["kind"] == kind
    assert ready(source)["message"] == f"{kind} sources are not supported by the emulator"


def test_no_kustomize_binary(demo_repo, settings, monkeypatch, tmp_path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    real_git = __import__("shutil").which("git")
    (empty / "git").symlink_to(real_git)
    monkeypatch.setenv("PATH", str(empty))
    status, _ = reconcile(make_config(str(demo_repo.path)), None, None, NOW, settings)
    infra = by_kind_name(status["statuses"])[("Kustomization", "cluster-config-infra")]
    assert "install kubectl" in ready(infra)["message"]
    assert status["complianceState"] == "Non-Compliant"


def test_suspend_skips_sync_and_keeps_previous_statuses(demo_repo, settings) -> None:
    config = make_config(str(demo_repo.path))
    first, state = reconcile(config, None, None, NOW, settings)
    demo_repo.commit("newer")
    suspended = make_config(str(demo_repo.path), suspend=True)
    status, state2 = reconcile(suspended, None, state, NOW, settings)
    assert status["complianceState"] == "Suspended"
    assert status["sourceSyncedCommitId"] == first["sourceSyncedCommitId"]  # the new commit was not fetched
    assert status["statuses"] == first["statuses"]
    assert state2["inventory"] == state["inventory"]

    never_synced, _ = reconcile(make_config("http://127.0.0.1:9/x", suspend=True), None, None, NOW, settings)
    assert never_synced["complianceState"] == "Suspended" and never_synced["statuses"] == []


def test_source_failure_keeps_last_applied_revision(demo_repo, settings) -> None:
    config = make_config(str(demo_repo.path))
    first, state = reconcile(config, None, None, NOW, settings)
    broken = make_config(str(demo_repo.path), ref={"branch": "gone"})
    status, state = reconcile(broken, None, state, NOW, settings)
    assert status["complianceState"] == "Non-Compliant"
    assert status["sourceSyncedCommitId"] == first["sourceSyncedCommitId"]
    infra = by_kind_name(status["statuses"])[("Kustomization", "cluster-config-infra")]
    assert ready(infra)["message"] == f"Applied revision: {first['sourceSyncedCommitId']}"
    assert any(o["name"] == "podinfo" for o in state["inventory"])
