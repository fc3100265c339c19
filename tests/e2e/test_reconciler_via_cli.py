"""The emulated cluster's reconciler as a user sees it through az: refs, --wait, pruning, suspend.

These tests commit into repositories of their own, served to `repo_emulator` as https://git.e2e.invalid/NAME.
"""
from __future__ import annotations

import json
import uuid

import spec_schema
from e2e_support import TUTORIAL_URL, wait_until
from flux_e2e_helpers import FLUX, flux_writes, props, statuses_by_kind

INFRA = ["-k", "name=infra", "path=./infrastructure", "prune=true"]
APPS = ["-k", "name=apps", "path=./apps/staging", "prune=true", "dependsOn=infra"]
# az is given far longer than the emulator needs, but far less than --compliance-timeout: a
# --wait-for-compliance that does not finish on its own (stuck on a stale or failed status) makes the
# subprocess time out and the test fail.
AZ_TIMEOUT = 120


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def _create(emu, cluster, name, url, *args):
    return emu.az(*FLUX, "create", *cluster["args"], "-n", name, "-u", url, *args,
                  "--wait-for-compliance", "--compliance-timeout", "10m", timeout=AZ_TIMEOUT)


def _cluster_objects(emu, cluster):
    res = emu.tool("cluster", "objects", cluster["name"], "-g", cluster["group"], "-o", "json")
    assert res.returncode == 0, res.stderr
    return {(o["kind"], o["namespace"], o["name"]) for o in json.loads(res.stdout)}


def test_git_references_select_the_right_commit(repo_emulator, repo_cluster, git_host):
    repo = git_host.demo_copy(_unique("refs"))
    first = repo.tag("v1.0.0")
    repo.write("README.md", repo.read("README.md") + "\nsecond release\n")
    repo.commit("second release")
    second = repo.tag("v1.2.0")
    repo.write("README.md", repo.read("README.md") + "\nnext major\n")
    repo.commit("next major")
    repo.tag("v2.0.0")
    head = repo.head()

    expected = {
        "tag": (["--tag", "v1.0.0"], f"v1.0.0@sha1:{first}"),
        "semver": (["--semver", ">=1.0.0 <2.0.0"], f"v1.2.0@sha1:{second}"),
        "commit": (["--commit", first], first),
        "branch": (["--branch", "main"], f"main@sha1:{head}"),
    }
    mark = repo_emulator.log_mark()
    for ref, (flags, synced) in expected.items():
        cfg = _create(repo_emulator, repo_cluster, f"ref-{ref}", repo.url, *flags, *INFRA).ok().json
        assert props(cfg)["complianceState"] == "Compliant", ref
        assert props(cfg)["sourceSyncedCommitId"].endswith(synced), (ref, props(cfg)["sourceSyncedCommitId"])
    for name in (f"ref-{ref}" for ref in expected):
        (put,) = [c for c in flux_writes(repo_emulator.requests_since(mark), name) if c["method"] == "PUT"]
        spec_schema.assert_valid(put["body"], "FluxConfiguration")


def test_wait_fails_fast_on_a_broken_kustomization(repo_emulator, repo_cluster, git_host):
    repo = git_host.demo_copy(_unique("broken"))
    overlay = "apps/staging/kustomization.yaml"
    repo.write(overlay, repo.read(overlay).replace("resources:\n", "resources:\n  - missing-file.yaml\n", 1))
    repo.commit("reference a file that does not exist")

    result = _create(repo_emulator, repo_cluster, "broken", repo.url, "--branch", "main", "--namespace", "team-a",
                     *INFRA, *APPS)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "did not become Compliant within" not in result.stderr  # it failed, it did not time out
    error = next(line for line in result.stderr.splitlines() if line.startswith("ERROR: "))
    for fragment in ("Kustomization", "'broken-apps'", "namespace 'team-a'", "Non-Compliant", "missing-file.yaml"):
        assert fragment in error, (fragment, error)
    assert "--object-kind Kustomization --object-namespace team-a --object-name broken-apps" in result.stderr

    cfg = repo_emulator.az(*FLUX, "show", *repo_cluster["args"], "-n", "broken").ok().json
    assert props(cfg)["complianceState"] == "Non-Compliant"
    states = {s["name"]: s["complianceState"] for s in props(cfg)["statuses"] if s["kind"] == "Kustomization"}
    assert states == {"broken-infra": "Compliant", "broken-apps": "Non-Compliant"}


def test_new_commit_prunes_and_delete_removes_the_inventory(repo_emulator, repo_cluster, git_host):
    repo = git_host.demo_copy(_unique("prune"))
    cfg = _create(repo_emulator, repo_cluster, "prune", repo.url, "--branch", "main", "--interval", "2s",
                  *INFRA).ok().json
    assert "redis" in statuses_by_kind(cfg)["HelmRelease"]
    assert ("HelmRelease", "redis", "redis") in _cluster_objects(repo_emulator, repo_cluster)

    listing = "infrastructure/kustomization.yaml"
    repo.remove("infrastructure/redis.yaml")
    repo.write(listing, repo.read(listing).replace("  - redis.yaml\n", ""))
    sha = repo.commit("remove redis")

    def synced():
        shown = repo_emulator.az(*FLUX, "show", *repo_cluster["args"], "-n", "prune").ok().json
        return shown if props(shown).get("sourceSyncedCommitId") == f"main@sha1:{sha}" else None

    synced_cfg = wait_until(synced, timeout=60)
    assert props(synced_cfg)["complianceState"] == "Compliant"
    objects = repo_emulator.az(*FLUX, "deployed-object", "list", *repo_cluster["args"], "-n", "prune").ok().json
    releases = {o["name"] for o in objects if o["kind"] == "HelmRelease"}
    assert releases == {"nginx"}
    on_cluster = _cluster_objects(repo_emulator, repo_cluster)
    assert ("HelmRelease", "redis", "redis") not in on_cluster
    assert ("HelmRelease", "nginx", "nginx") in on_cluster

    repo_emulator.az(*FLUX, "delete", *repo_cluster["args"], "-n", "prune", "--yes", timeout=AZ_TIMEOUT).ok()
    assert _cluster_objects(repo_emulator, repo_cluster) == set()


def test_suspend_and_resume(repo_emulator, repo_cluster):
    _create(repo_emulator, repo_cluster, "pausable", TUTORIAL_URL, "--branch", "main", *INFRA).ok()
    suspended = repo_emulator.az(*FLUX, "update", *repo_cluster["args"], "-n", "pausable", "--suspend", "true",
                                 "--yes").ok().json
    assert props(suspended)["suspend"] is True

    def reported_suspended():
        shown = repo_emulator.az(*FLUX, "show", *repo_cluster["args"], "-n", "pausable").ok().json
        return props(shown)["complianceState"] == "Suspended"

    wait_until(reported_suspended, timeout=60)
    waited = repo_emulator.az(*FLUX, "wait", *repo_cluster["args"], "-n", "pausable", "--timeout", "10m",
                              timeout=AZ_TIMEOUT)
    assert waited.returncode == 1 and "is suspended" in waited.stderr and "--suspend false" in waited.stderr

    resumed = repo_emulator.az(*FLUX, "update", *repo_cluster["args"], "-n", "pausable", "--suspend", "false",
                               "--yes", "--wait-for-compliance", "--compliance-timeout", "10m",
                               timeout=AZ_TIMEOUT).ok().json
    assert props(resumed)["suspend"] is False and props(resumed)["complianceState"] == "Compliant"


def test_repeating_the_same_create_reports_compliance_again(repo_emulator, repo_cluster):
    """A PUT with an unchanged spec resets the reported status; the cluster must report it again."""
    for _ in range(2):
        cfg = _create(repo_emulator, repo_cluster, "twice", TUTORIAL_URL, "--branch", "main", *INFRA).ok().json
        assert props(cfg)["complianceState"] == "Compliant"
        assert props(cfg)["statusUpdatedAt"]
