"""Hostile repositories: each makes its one configuration Non-Compliant with a message naming the cause, and
nothing unbounded is parsed, stored, followed or run."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from reconciler_support import NOW, DemoRepo, by_kind_name, git, make_config, ready

from k8sconfig_emulator.reconciler import proc, reconcile, yamlsafe
from k8sconfig_emulator.reconciler.kustomize import BuildError, ensure_kustomization

BOMB = """apiVersion: v1
kind: ConfigMap
metadata:
  name: bomb
data:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: v\n"


def new_repo(tmp_path: Path, files: dict[str, str], links: dict[str, str] | None = None) -> DemoRepo:
    path = tmp_path / "hostile"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    repo = DemoRepo(path)
    for rel, text in files.items():
        repo.write(rel, text)
    for rel, target in (links or {}).items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path / rel)
    repo.commit("hostile content")
    return repo


def run(repo: DemoRepo, settings, path: str = "./", **kustomization) -> tuple[dict, dict]:
    config = make_config(str(repo.path), {"app": {"path": path, "prune": True, **kustomization}})
    return reconcile(config, None, None, NOW, settings)


def failure(status: dict, kind: str = "Kustomization", name: str = "cluster-config-app") -> str:
    assert status["complianceState"] == "Non-Compliant", status
    entry = by_kind_name(status["statuses"])[(kind, name)]
    assert entry["complianceState"] == "Non-Compliant"
    return ready(entry)["message"]


def test_alias_bomb_without_kustomization_is_refused_and_nothing_large_is_stored(tmp_path, settings) -> None:
    repo = new_repo(tmp_path, {"bomb/bomb.yaml": BOMB, "bomb/ok.yaml": CONFIGMAP.format(name="fine")})
    status, state = run(repo, settings, "./bomb")
    message = failure(status)
    assert "bomb.yaml" in message and "alias" in message
    assert len(json.dumps(status)) + len(json.dumps(state)) < 20_000


def test_alias_bomb_behind_a_kustomization_is_refused(tmp_path, settings) -> None:
    kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - bomb.yaml\n"
    repo = new_repo(tmp_path, {"app/kustomization.yaml": kustomization, "app/bomb.yaml": BOMB})
    status, state = run(repo, settings, "./app")
    message = failure(status)  # refused before kustomize runs (kustomize itself would expand it for minutes)
    assert "app/bomb.yaml" in message and "alias" in message
    assert len(json.dumps(status)) + len(json.dumps(state)) < 20_000


def test_yaml_bounds() -> None:
    with pytest.raises(yamlsafe.YamlLimitError, match="alias"):
        yamlsafe.load(BOMB)
    with pytest.raises(yamlsafe.YamlLimitError, match="recursive"):
        yamlsafe.load("a: &x [1, *x]\n")
    with pytest.raises(yamlsafe.YamlLimitError, match="larger"):
        yamlsafe.load("a: " + "x" * (yamlsafe.MAX_DOCUMENT_BYTES + 1))
    assert yamlsafe.load("a: &x {b: 1}\nc: *x\n") == {"a": {"b": 1}, "c": {"b": 1}}
    # a large document without aliases is fine, even when its text holds '&' and '*'
    large = "description: 'match * & more'\nitems:\n" + "- a\n" * 300_000
    assert len(yamlsafe.load(large)["items"]) == 300_000


def test_symlink_loops_are_reported_not_followed(tmp_path, settings) -> None:
    repo = new_repo(tmp_path, {"app/cm.yaml": CONFIGMAP.format(name="one")}, {"app/a": ".", "app/b": "."})
    status, _ = run(repo, settings, "./app")
    message = failure(status, "GitRepository", "cluster-config")
    assert "symbolic link 'app/a' -> '.'" in message and "loop" in message
    assert ready(status["statuses"][0])["reason"] == "SymlinkRefused"


def test_links_inside_the_repository_are_left_out_as_flux_does(tmp_path, settings) -> None:
    repo = new_repo(tmp_path, {"shared/cm.yaml": CONFIGMAP.format(name="shared"),
                               "app/own.yaml": CONFIGMAP.format(name="own")},
                    {"app/shared": "../shared", "app/linked.yaml": "../shared/cm.yaml"})
    status, state = run(repo, settings, "./app")
    assert status["complianceState"] == "Compliant", status["errorMessage"]
    assert [e["name"] for e in state["inventory"]] == ["own"]
    source = ready(status["statuses"][0])["message"]
    assert "symbolic links left out of the artifact" in source and "'app/shared'" in source


def test_generated_kustomizations_never_walk_link_loops(tmp_path) -> None:
    """For trees that still hold links (check-repo copies a working directory): loops are reported."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app/cm.yaml").write_text(CONFIGMAP.format(name="one"))
    os.symlink(".", tmp_path / "app/a")
    with pytest.raises(BuildError, match="symbolic link 'a' points back"):
        ensure_kustomization(tmp_path / "app", None, tmp_path)
    os.unlink(tmp_path / "app/a")
    os.symlink("/etc", tmp_path / "app/etc")
    with pytest.raises(BuildError, match="leads out of the repository"):
        ensure_kustomization(tmp_path / "app", None, tmp_path)


def test_symlinks_out_of_the_repository_are_refused(tmp_path, settings) -> None:
    secret = tmp_path / "host-secret.yaml"
    secret.write_text(CONFIGMAP.format(name="stolen"))
    repo = new_repo(tmp_path, {"app/cm.yaml": CONFIGMAP.format(name="one")}, {"app/stolen.yaml": str(secret)})
    status, state = run(repo, settings, "./app")
    message = failure(status, "GitRepository", "cluster-config")
    assert "symbolic link 'app/stolen.yaml'" in message and "leads out of the repository" in message
    assert "stolen" not in json.dumps(state.get("inventory"))


@pytest.mark.parametrize(("resource", "cause"), [
    ("../../outside", "outside the repository"),
    ("https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.0.0", "remote reference"),
    ("ssh://git@github.com/org/private.git", "remote reference"),
    ("github.com/org/repo/base", "remote reference"),
])
def test_kustomize_builds_stay_inside_the_repository(tmp_path, settings, resource: str, cause: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "kustomization.yaml").write_text("resources:\n  - cm.yaml\n")
    (outside / "cm.yaml").write_text(CONFIGMAP.format(name="outside"))
    kustomization = f"resources:\n  - cm.yaml\n  - {resource}\n"
    repo = new_repo(tmp_path, {"app/kustomization.yaml": kustomization, "app/cm.yaml": CONFIGMAP.format(name="in")})
    status, state = run(repo, settings, "./app")
    message = failure(status)
    assert cause in message and resource in message
    assert "outside" not in [e["name"] for e in state["inventory"]]


def test_config_map_generator_files_outside_are_refused(tmp_path, settings) -> None:
    kustomization = "configMapGenerator:\n  - name: leak\n    files:\n      - passwd=../../../../../../etc/passwd\n"
    repo = new_repo(tmp_path, {"app/kustomization.yaml": kustomization})
    status, _ = run(repo, settings, "./app")
    assert "outside the repository" in failure(status)


def test_commands_run_without_the_hosts_configuration(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("SSH_AUTH_SOCK", "/run/agent.sock")
    monkeypatch.setenv("KUBECONFIG", "/root/.kube/config")
    env = proc.isolated_env(tmp_path / "home")
    assert env["HOME"] == str(tmp_path / "home")
    assert env["GIT_CONFIG_NOSYSTEM"] == "1" and env["GIT_CONFIG_GLOBAL"] == os.devnull
    assert env["GIT_SSH_COMMAND"] == "false" and env["GIT_TERMINAL_PROMPT"] == "0"
    assert not {"HTTPS_PROXY", "https_proxy", "KUBECONFIG"} & set(env) and env["SSH_AUTH_SOCK"] == ""
    printed = proc.run(["git", "config", "--list", "--show-origin"], env, 30, 1 << 20, cwd=tmp_path)
    assert printed.returncode == 0 and b"file:" not in printed.stdout  # no system, global or user git config


def gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for its reaper counts as gone)."""
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def test_a_timeout_kills_the_whole_process_group(tmp_path) -> None:
    pid_file = tmp_path / "child.pid"
    with pytest.raises(proc.Timeout):
        proc.run(["sh", "-c", f"sleep 300 & echo $! > {pid_file}; wait"], proc.isolated_env(tmp_path / "h"), 1, 1024)
    child = int(pid_file.read_text())
    if not gone(child):
        os.kill(child, signal.SIGKILL)
        pytest.fail("the background child survived the timeout")


def test_unbounded_output_is_cut(tmp_path) -> None:
    with pytest.raises(proc.OutputTooLarge):
        proc.run(["yes"], proc.isolated_env(tmp_path / "h"), 60, 1 << 20)


def test_timeout_in_seconds_bounds_the_build_of_a_large_tree(tmp_path, settings) -> None:
    files = {f"many/cm-{i:04d}.yaml": CONFIGMAP.format(name=f"cm-{i}") for i in range(300)}
    repo = new_repo(tmp_path, files)
    status, _ = run(repo, settings, "./many", timeoutInSeconds=1e-9)
    assert "timed out" in failure(status)


def test_hanging_kustomize_is_killed_at_the_kustomization_timeout(tmp_path, settings, monkeypatch) -> None:
    fake, pid_file = tmp_path / "bin", tmp_path / "kustomize-child.pid"
    fake.mkdir()
    (fake / "kustomize").write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pid_file}\nwait\n")
    (fake / "kustomize").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    repo = new_repo(tmp_path, {"app/kustomization.yaml": "resources:\n  - cm.yaml\n",
                               "app/cm.yaml": CONFIGMAP.format(name="one")})
    status, _ = run(repo, settings, "./app", timeoutInSeconds=1)
    assert "timed out after 1s" in failure(status)
    child = int(pid_file.read_text())
    if not gone(child):
        os.kill(child, signal.SIGKILL)
        pytest.fail("kustomize's child survived the timeout")


def test_too_many_objects_for_one_configuration(tmp_path, settings, monkeypatch) -> None:
    monkeypatch.setattr("k8sconfig_emulator.reconciler.engine.MAX_OBJECTS", 5)
    repo = new_repo(tmp_path, {f"many/cm-{i}.yaml": CONFIGMAP.format(name=f"cm-{i}") for i in range(6)})
    status, state = run(repo, settings, "./many")
    assert "would hold 6 objects" in failure(status)
    assert state["inventory"] == []


def test_missing_helm_repository_makes_the_release_non_compliant(demo_repo, settings) -> None:
    demo_repo.remove("apps/base/podinfo/repository.yaml")
    kustomization = demo_repo.path / "apps/base/podinfo/kustomization.yaml"
    kustomization.write_text(kustomization.read_text().replace("  - repository.yaml\n", ""))
    demo_repo.commit("drop the podinfo HelmRepository")
    config = make_config(str(demo_repo.path))
    status, _ = reconcile(config, None, None, NOW, settings)
    message = failure(status, "HelmRelease", "podinfo")
    assert "HelmRepository 'podinfo/podinfo' not found" in message
    assert by_kind_name(status["statuses"])[("HelmRelease", "podinfo")]["statusConditions"][0]["reason"] == "SourceNotFound"
    assert "HelmRelease 'podinfo/podinfo'" in status["errorMessage"]
    # the other releases are still verified and reported as far as the emulated cluster can tell
    nginx = ready(by_kind_name(status["statuses"])[("HelmRelease", "nginx")])
    assert nginx["status"] == "True" and "not downloaded or installed" in nginx["message"]


def test_too_much_config_map_data_for_one_configuration(tmp_path, settings, monkeypatch) -> None:
    monkeypatch.setattr("k8sconfig_emulator.reconciler.engine.MAX_DATA_BYTES", 1000)
    big = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  k: " + "x" * 2000 + "\n"
    repo = new_repo(tmp_path, {"app/big.yaml": big})
    status, state = run(repo, settings, "./app")
    assert "hold 2001 bytes of data" in failure(status)
    assert len(json.dumps(state)) < 10_000


def test_too_many_manifest_files_stop_the_listing_early(tmp_path, settings, monkeypatch) -> None:
    monkeypatch.setattr("k8sconfig_emulator.reconciler.kustomize.MAX_GENERATED_RESOURCES", 3)
    repo = new_repo(tmp_path, {f"many/sub/cm-{i}.yaml": CONFIGMAP.format(name=f"cm-{i}") for i in range(5)})
    status, _ = run(repo, settings, "./many")
    assert "more than 3 manifest files" in failure(status)


def test_stopping_the_emulator_kills_running_commands(tmp_path) -> None:
    import threading

    result: list = []
    worker = threading.Thread(target=lambda: result.append(
        proc.run(["sleep", "300"], proc.isolated_env(tmp_path / "h"), 600, 1024)))
    worker.start()
    while worker.is_alive() and not proc._ACTIVE:
        worker.join(0.01)
    proc.stop_all()
    worker.join(60)
    assert not worker.is_alive() and result[0].returncode != 0


def test_git_timeout_stops_the_fetch(tmp_path, settings) -> None:
    repo = new_repo(tmp_path, {"app/cm.yaml": CONFIGMAP.format(name="one")})
    config = make_config(str(repo.path), {"app": {"path": "./app", "prune": True}})
    config["properties"]["gitRepository"]["timeoutInSeconds"] = 1e-9
    status, _ = reconcile(config, None, None, NOW, settings)
    assert status["complianceState"] == "Non-Compliant"
    message = ready(status["statuses"][0])["message"]  # git stopped, or the export of its files
    assert "timed out after 1e-09s and was stopped" in message or "longer than the timeout of 1e-09s" in message


def test_a_source_applied_by_another_configuration_counts(demo_repo, settings) -> None:
    infra = make_config(str(demo_repo.path), {"infra": {"path": "./infrastructure", "prune": True}}, name="infra")
    _, infra_state = reconcile(infra, None, None, NOW, settings)
    # the apps configuration's podinfo release takes its chart from a HelmRepository that only infra applies
    release = demo_repo.path / "apps/base/podinfo/release.yaml"
    release.write_text(release.read_text().replace("name: podinfo\n        namespace: podinfo",
                                                   "name: bitnami\n        namespace: redis"))
    demo_repo.commit("podinfo from the bitnami repository of the infra configuration")
    apps = make_config(str(demo_repo.path), {"apps": {"path": "./apps/staging", "prune": True}}, name="apps")
    alone, state = reconcile(apps, None, None, NOW, settings)
    assert "HelmRepository 'redis/bitnami' not found" in failure(alone, "HelmRelease", "podinfo")
    assert state["nextDueAt"] <= "2025-05-01T12:00:30.000000Z"  # looked at again soon, not after the 10-minute interval
    beside, _ = reconcile(apps, None, None, NOW, settings, others=infra_state["inventory"])
    assert beside["complianceState"] == "Compliant", beside["errorMessage"]


def test_a_chart_from_a_git_repository_says_what_was_not_checked(demo_repo, settings) -> None:
    release = demo_repo.path / "apps/base/podinfo/release.yaml"
    release.write_text(release.read_text().replace("chart: podinfo", "chart: ./charts/podinfo").replace(
        "kind: HelmRepository\n        name: podinfo", "kind: GitRepository\n        name: cluster-config").replace(
        "namespace: podinfo\n  values", "namespace: cluster-config\n  values"))
    demo_repo.commit("podinfo chart from the configuration's own repository")
    status, _ = reconcile(make_config(str(demo_repo.path)), None, None, NOW, settings)
    podinfo = ready(by_kind_name(status["statuses"])[("HelmRelease", "podinfo")])
    assert podinfo["status"] == "True", podinfo["message"]
    assert "the chart in the GitRepository is not checked" in podinfo["message"]
