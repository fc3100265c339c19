"""Repository-level checks of `k8sconfig-emulator check-repo`, usage errors and exit codes (real console script)."""
from __future__ import annotations

from pathlib import Path

import pytest
from check_repo_support import (
    TUTORIAL_CONFIG,
    check_repo,
    findings,
    git,
    make_repo,
    write_config,
)

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ns}\ndata:\n  {data}\n"
TEAM_CONFIG = {
    "name": "team-config",
    "namespace": "team-config",
    "kustomizations": {
        "vars": {"path": "./vars"},
        "base": {"path": "./base", "dependsOn": ["vars"], "substitute.cluster_env": "prod",
                 "substituteFrom": ["ConfigMap/cluster-vars"]},
        "other": {"path": "./other", "dependsOn": "ghost"},
        "first": {"path": "./first", "dependsOn": ["second"]},
        "second": {"path": "./second", "dependsOn": ["first"]},
    },
}


@pytest.fixture
def team_repo(tmp_path: Path):
    """Plain manifest directories (generated kustomizations) with one problem of each kind."""
    repo = make_repo(tmp_path / "team", None)
    repo.write("vars/cluster-vars.yaml", CONFIGMAP.format(name="cluster-vars", ns="team-config", data="region: westeurope"))
    repo.write("base/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n")
    repo.write("base/app.yaml", CONFIGMAP.format(name="settings-${cluster_env}-${region}", ns="team-a", data="a: b")
               + "---\n" + CONFIGMAP.format(name="app-settings", ns="team-a", data="level: info"))
    repo.write("other/dup.yaml", CONFIGMAP.format(name="app-settings", ns="team-a", data="level: debug"))
    repo.write("other/orphan.yaml", CONFIGMAP.format(name="lost", ns="nowhere", data="a: b"))
    repo.write("other/broken.yaml", "apiVersion: v1\nmetadata:\n  name: half\n")  # no kind: left out of the build
    repo.write("other/values.yaml", "replicas: 3\n")  # plain data, not meant as a manifest
    repo.write("first/a.yaml", CONFIGMAP.format(name="first", ns="team-config", data="a: b"))
    repo.write("second/b.yaml", CONFIGMAP.format(name="second", ns="team-config", data="a: b"))
    repo.commit("team layout")
    return repo


def _by_check(result: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in result["findings"]:
        out.setdefault(f["check"], []).append(f)
    return out


def test_repository_level_checks_name_kustomization_file_and_object(team_repo, tmp_path):
    config = write_config(tmp_path / "team.yaml", TEAM_CONFIG)

    run = check_repo(team_repo.path, "--config-file", config, "-o", "json")

    assert run.returncode == 1, run.stdout + run.stderr
    result = run.json()
    checks = _by_check(result)
    (unknown,) = checks["DependencyNotFound"]
    assert unknown["kustomization"] == "other" and unknown["file"] == str(config)
    assert unknown["object"] == {"kind": "Kustomization", "namespace": "team-config", "name": "team-config-other"}
    assert "'ghost' not found" in unknown["message"]
    assert {f["kustomization"] for f in checks["DependencyCycle"]} == {"first", "second"}

    (duplicate,) = checks["DuplicateObject"]
    assert duplicate["object"] == {"kind": "ConfigMap", "namespace": "team-a", "name": "app-settings"}
    assert {duplicate["kustomization"], duplicate["file"]} == {"other", "other/dup.yaml"}
    assert "'base' (base/app.yaml)" in duplicate["message"]

    (missing_ns,) = checks["NamespaceNotFound"]
    assert (missing_ns["kustomization"], missing_ns["file"]) == ("other", "other/orphan.yaml")
    assert missing_ns["object"] == {"kind": "ConfigMap", "namespace": "nowhere", "name": "lost"}

    (invalid,) = checks["InvalidManifest"]
    assert (invalid["kustomization"], invalid["file"]) == ("other", "other/broken.yaml")
    assert invalid["object"]["name"] == "half" and "missing kind" in invalid["message"]

    ordering = checks["NamespaceNotOrdered"]
    assert {f["severity"] for f in ordering} == {"warning"} and ordering[0]["kustomization"] == "other"
    assert "dependsOn: [base]" in ordering[0]["message"]
    assert all(f["severity"] == "error" for name, fs in checks.items() if name != "NamespaceNotOrdered" for f in fs)

    objects = {(o["kustomization"], o["kind"], o["namespace"], o["name"]): o["file"] for o in result["objects"]}
    # postBuild: substitute and substituteFrom (a ConfigMap of a kustomization it depends on) are applied
    assert objects[("base", "ConfigMap", "team-a", "settings-prod-westeurope")] == "base/app.yaml"
    assert {k["name"]: k["build"] for k in result["kustomizations"]}["base"] == "generated"
    assert git(team_repo.path, "status", "--porcelain") == ""  # nothing written into the checkout


def test_substitute_from_an_object_no_kustomization_creates_is_a_warning(team_repo, tmp_path):
    config = {"name": "team-config", "namespace": "team-config",
              "kustomizations": {"base": {"path": "./base", "postBuild": {
                  "substitute": {"cluster_env": "prod", "region": "eu"},
                  "substituteFrom": [{"kind": "Secret", "name": "from-terraform"}]}}}}

    run = check_repo(team_repo.path, "--config-file", write_config(tmp_path / "c.yaml", config), "-o", "json")

    assert run.returncode == 0, run.stdout + run.stderr
    (warning,) = run.json()["findings"]
    assert warning["check"] == "SubstituteFromNotFound" and warning["severity"] == "warning"
    assert warning["object"] == {"kind": "Secret", "namespace": "team-config", "name": "from-terraform"}


def test_namespace_scoped_configuration_refuses_objects_elsewhere(team_repo, tmp_path):
    config = {"name": "team-config", "namespace": "team-config", "scope": "namespace",
              "kustomizations": {"vars": {"path": "./vars"}, "base": {"path": "./base"}}}

    run = check_repo(team_repo.path, "--config-file", write_config(tmp_path / "c.yaml", config), "-o", "json")

    assert run.returncode == 1
    failed = findings(run.json(), "BuildFailed")
    assert {(f["kustomization"], f["object"]["kind"], f["object"]["name"]) for f in failed} >= {
        ("base", "Namespace", "team-a")}
    assert all("namespace-scoped" in f["message"] for f in failed)
    assert [k["status"] for k in run.json()["kustomizations"]] == ["built", "failed"]


def test_kustomize_build_failure_names_the_file(demo, config_file):
    demo.write("apps/base/podinfo/kustomization.yaml",
               demo.read("apps/base/podinfo/kustomization.yaml") + "  - missing.yaml\n")

    run = check_repo(demo.path, "--config-file", config_file, "-o", "json")

    assert run.returncode == 1
    (failed,) = findings(run.json(), "BuildFailed")
    assert failed["kustomization"] == "apps" and failed["file"] == "apps/base/podinfo/missing.yaml"
    assert "missing.yaml" in failed["message"]


@pytest.mark.parametrize(("args", "expected"), [
    (["--output", "yaml"], "invalid choice"),
    (["--config-file", "{missing}"], "no such file"),
    (["--config-file", "{bad_key}"], "Did you mean 'kustomizations'?"),
    (["--config-file", "{config}", "--diff-from", "no-such-rev"], "'no-such-rev' is not a commit"),
], ids=["bad-output", "missing-config", "unknown-key", "unknown-revision"])
def test_bad_usage_exits_2_with_a_message(demo, config_file, tmp_path, args, expected):
    bad = write_config(tmp_path / "bad.yaml", {"name": "x", "kustomisations": TUTORIAL_CONFIG["kustomizations"]})
    values = {"missing": tmp_path / "nope.yaml", "bad_key": bad, "config": config_file}

    run = check_repo(demo.path, *[a.format(**values) for a in args])

    assert run.returncode == 2, run.stdout + run.stderr
    assert expected in run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_bad_directory_and_diff_outside_git_exit_2(tmp_path, config_file):
    run = check_repo(tmp_path / "absent", "--config-file", config_file)
    assert run.returncode == 2 and "is not a directory" in run.stderr

    plain = tmp_path / "plain"
    plain.mkdir()
    run = check_repo(plain, "--config-file", config_file, "--diff-from", "HEAD")
    assert run.returncode == 2 and "git checkout" in run.stderr and "Traceback" not in run.stderr


def test_variable_without_value_is_a_warning_and_escapes_are_kept(tmp_path):
    repo = make_repo(tmp_path / "vars", None)
    repo.write("app/cm.yaml", CONFIGMAP.format(name="app", ns="default",
                                               data='script: "echo $${HOME} ${greeting} ${who} ${opt:=x}"'))
    repo.commit()
    config = {"kustomizations": {"app": {"path": "./app", "substitute": {"greeting": "hello"}}}}

    run = check_repo(repo.path, "--config-file", write_config(tmp_path / "c.yaml", config), "-o", "json")

    assert run.returncode == 0, run.stdout + run.stderr
    (warning,) = run.json()["findings"]
    assert (warning["check"], warning["severity"], warning["file"]) == ("UnsetVariable", "warning", "app/cm.yaml")
    assert "${who}" in warning["message"] and "HOME" not in warning["message"] and "opt" not in warning["message"]


def test_diff_from_works_when_dir_is_a_subdirectory_of_the_checkout(tmp_path):
    repo = make_repo(tmp_path / "mono", None)
    repo.write("gitops/apps/cm.yaml", CONFIGMAP.format(name="app", ns="default", data="level: info"))
    repo.commit()
    repo.write("gitops/apps/cm.yaml", CONFIGMAP.format(name="app", ns="default", data="level: debug"))
    repo.commit("more logs")
    config = write_config(tmp_path / "c.yaml", {"kustomizations": {"apps": {"path": "./apps"}}})

    run = check_repo(repo.path / "gitops", "--config-file", config, "--diff-from", "HEAD~1", "-o", "json")

    assert run.returncode == 0, run.stdout + run.stderr
    (changed,) = run.json()["diff"]["changed"]
    assert changed["file"] == "apps/cm.yaml"
    assert changed["fields"] == [{"path": "data.level", "before": "info", "after": "debug"}]


def test_symbolic_links_are_treated_as_the_cluster_treats_them(demo, config_file):
    """Like the cluster's revision (and Flux's artifact), the checked tree leaves symbolic links out: a benign one
    is a warning and nothing reads through it; one that loops makes the whole source refused."""
    (demo.path / "apps" / "staging-link").symlink_to("staging")

    run = check_repo(demo.path, "--config-file", config_file, "-o", "json")

    assert run.returncode == 0, run.stdout + run.stderr
    (ignored,) = findings(run.json(), "SymlinkIgnored")
    assert ignored["file"] == "apps/staging-link" and ignored["object"]["kind"] == "GitRepository"

    (demo.path / "apps" / "loop").symlink_to(".")
    run = check_repo(demo.path, "--config-file", config_file, "-o", "json")

    assert run.returncode == 1
    (refused,) = findings(run.json(), "SourceRefused")
    assert "apps/loop" in refused["message"] and "loop" in refused["message"]
    assert not findings(run.json(), "BuildFailed")
