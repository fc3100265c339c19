"""`k8sconfig-emulator start --helm-repo URL=DIR`: chart versions of HelmReleases resolve in a local index.yaml,
seen through the real az."""

from __future__ import annotations

from pathlib import Path

from e2e_support import TUTORIAL_URL, new_cluster, running_emulator, wait_until

FLUX = ["k8s-configuration", "flux"]
PODINFO_URL = "https://stefanprodan.github.io/podinfo"
APPS = ["--kustomization", "name=infra", "path=./infrastructure", "prune=true",
        "--kustomization", "name=apps", "path=./apps/staging", "prune=true", "dependsOn=infra"]
STATUS = "[statuses, properties.statuses] | [?@ != null] | [0] | [?kind=='{kind}' && name=='{name}'] | [0]"


def index(directory: Path, *versions: str) -> Path:
    directory.mkdir()
    entries = "".join(f"  - name: podinfo\n    version: {v}\n    urls: [podinfo-{v}.tgz]\n" for v in versions)
    (directory / "index.yaml").write_text(f"apiVersion: v1\nentries:\n  podinfo:\n{entries}")
    return directory


def test_chart_versions_resolve_in_a_local_chart_repository(tmp_path: Path) -> None:
    charts = index(tmp_path / "charts", "5.2.1", "6.0.0")
    with running_emulator(tmp_path, "--helm-repo", f"{PODINFO_URL}/={charts}") as emu:
        cluster = new_cluster(emu)
        emu.az(*FLUX, "create", *cluster["args"], "-n", "demo", "--namespace", "demo", "--scope", "cluster",
               "-u", TUTORIAL_URL, "--branch", "main", *APPS).ok()

        def status(kind: str, name: str) -> dict | None:
            shown = emu.az(*FLUX, "show", *cluster["args"], "-n", "demo", "--query", STATUS.format(kind=kind, name=name))
            return shown.ok().json

        podinfo = wait_until(lambda: status("HelmRelease", "podinfo"), timeout=60)
        condition = podinfo["statusConditions"][0]
        assert podinfo["complianceState"] == "Compliant", condition
        assert "version resolved in the local chart repository index" in condition["message"]
        assert "not downloaded or installed" in condition["message"]
        repository = status("HelmRepository", "podinfo")["statusConditions"][0]["message"]
        assert "index read from the local chart repository" in repository
        # the releases whose repository is not mapped are checked as far as possible, and say so
        nginx = status("HelmRelease", "nginx")["statusConditions"][0]["message"]
        assert "version range valid" in nginx and "no network" in nginx

        # an index without a matching version: that release is Non-Compliant, naming the version it wanted
        (charts / "index.yaml").write_text((charts / "index.yaml").read_text().replace("6.0.0", "5.9.0"))
        emu.az(*FLUX, "update", *cluster["args"], "-n", "demo", "--kustomization", "name=apps",
               "path=./apps/staging", "prune=true", "dependsOn=infra", "retryInterval=1m", "--yes").ok()

        def refused() -> str | None:
            condition = status("HelmRelease", "podinfo")["statusConditions"][0]
            return condition["message"] if condition["reason"] == "ChartPullFailed" else None

        message = wait_until(refused, timeout=60)
        assert f"no 'podinfo' chart with version matching '6.x' found in '{PODINFO_URL}'" in message


def test_the_flag_is_checked_at_start(tmp_path: Path) -> None:
    from k8sconfig_emulator.config import ConfigError, parse_helm_repos

    charts = index(tmp_path / "charts", "1.0.0")
    assert parse_helm_repos([f"{PODINFO_URL}/={charts}"]) == {PODINFO_URL: charts.resolve()}
    for bad, words in ((f"ftp://charts={charts}", "must start with"), (f"{PODINFO_URL}={tmp_path}", "no index.yaml"),
                       ("no-equals-sign", "KEY=VALUE")):
        try:
            parse_helm_repos([bad])
        except ConfigError as exc:
            assert words in str(exc) and "--helm-repo" in str(exc)
        else:
            raise AssertionError(f"{bad} was accepted")
