"""The console commands (start --detach, env, cluster add/objects, faults, stop) and the real az."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from emu_helpers import SUB

BIN = Path(sys.executable).parent
CLI = [sys.executable, "-m", "k8sconfig_emulator"]


def _run(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, env=env, check=False)
    if check:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


def _exports(text: str) -> dict[str, str]:
    variables = {}
    for line in text.splitlines():
        assert line.startswith("export "), line
        name, _, value = line[len("export "):].partition("=")
        variables[name] = shlex.split(value)[0]
    return variables


@pytest.fixture
def detached(tmp_path):
    data_dir = tmp_path / "data"
    _run("start", "--detach", "--data-dir", str(data_dir), "--operation-delay", "0.1", "--retry-after", "0")
    try:
        yield data_dir
    finally:
        _run("stop", "--data-dir", str(data_dir), check=False)


def test_detach_env_cluster_faults_stop(detached, tmp_path):
    record = json.loads((detached / "emulator.json").read_text())
    assert record["url"] == f"https://127.0.0.1:{record['port']}"
    assert stat.S_IMODE(detached.stat().st_mode) == 0o700
    for key in ("ca-key.pem", "server-key.pem", "signing.key", "identity.secret", "admin.secret"):
        assert stat.S_IMODE((detached / key).stat().st_mode) == 0o600, key

    env_vars = _exports(_run("env", "--data-dir", str(detached),
                             env={**os.environ, "AZURE_EXTENSION_DIR": "/opt/ext"}).stdout)
    assert env_vars["IDENTITY_ENDPOINT"] == f"{record['url']}/msi/token"
    assert env_vars["AZURE_EXTENSION_DIR"] == "/opt/ext"
    assert env_vars["IDENTITY_HEADER"] == (detached / "identity.secret").read_text().strip()
    bundle = Path(env_vars["REQUESTS_CA_BUNDLE"]).read_text()
    assert (detached / "ca.pem").read_text() in bundle and bundle.count("BEGIN CERTIFICATE") > 10
    clouds = (Path(env_vars["AZURE_CONFIG_DIR"]) / "clouds.config").read_text()
    assert f"endpoint_resource_manager = {record['url']}/" in clouds

    added = json.loads(_run("cluster", "add", "c1", "-g", "rg-cli", "--data-dir", str(detached)).stdout)
    assert added["id"].endswith("/resourceGroups/rg-cli/providers/Microsoft.Kubernetes/connectedClusters/c1")
    objects = _run("cluster", "objects", "c1", "-g", "rg-cli", "-o", "json", "--data-dir", str(detached))
    assert json.loads(objects.stdout) == []
    missing = _run("cluster", "objects", "nope", "-g", "rg-cli", "--data-dir", str(detached), check=False)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr and "nope" in missing.stderr

    knobs = json.loads(_run("faults", "--rate", "0.3", "--codes", "429,503", "--latency-ms", "5",
                            "--fail-next-extension-install", "--data-dir", str(detached)).stdout)
    assert knobs["rate"] == 0.3 and knobs["codes"] == [429, 503] and knobs["fail_next_extension_install"] is True
    bad = _run("faults", "--codes", "500", "--data-dir", str(detached), check=False)
    assert bad.returncode == 1 and "codes" in bad.stderr

    again = _run("start", "--detach", "--data-dir", str(detached), check=False)
    assert again.returncode == 1 and "already running" in again.stderr

    assert "stopped" in _run("stop", "--data-dir", str(detached)).stdout
    assert not (detached / "emulator.json").exists()
    not_running = _run("env", "--data-dir", str(detached), check=False)
    assert not_running.returncode == 1 and "no emulator is running" in not_running.stderr


def test_bad_flags_give_clear_errors(tmp_path):
    result = _run("start", "--data-dir", str(tmp_path / "d"), "--operation-delay", "-1", check=False)
    assert result.returncode == 1 and "--operation-delay" in result.stderr
    result = _run("start", "--data-dir", str(tmp_path / "d"), "--git-repo", "broken", check=False)
    assert result.returncode == 1 and "--git-repo" in result.stderr


def test_real_az_against_the_emulator(detached, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "IDENTITY_", "MSI_"))}
    env.update(_exports(_run("env", "--data-dir", str(detached)).stdout))
    env["AZURE_EXTENSION_DIR"] = str(tmp_path / "no-extensions")

    def az(*args: str, ok: bool = True):
        result = subprocess.run([str(BIN / "az"), *args, "-o", "json"], capture_output=True, text=True, env=env,
                                timeout=120, check=False, stdin=subprocess.DEVNULL)
        if not ok:
            return result
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else None

    assert az("account", "show")["id"] == SUB
    assert az("group", "create", "-n", "rg-az", "-l", "eastus")["name"] == "rg-az"
    assert "rg-az" in [g["name"] for g in az("group", "list")]
    az("resource", "create", "-g", "rg-az", "-n", "c1", "--resource-type", "Microsoft.Kubernetes/connectedClusters",
       "-l", "eastus", "-p", "{}")
    flux = (f"/subscriptions/{SUB}/resourceGroups/rg-az/providers/Microsoft.Kubernetes/connectedClusters/c1/"
            "providers/Microsoft.KubernetesConfiguration/fluxConfigurations")
    body = json.dumps({"properties": {"gitRepository": {"url": "https://example.invalid/r.git"}}})
    # like the service, the emulator takes no flux configuration on a cluster without the microsoft.flux extension
    refused = az("rest", "--method", "put", "--url", f"{flux}/f0?api-version=2025-04-01", "--body", body, ok=False)
    assert refused.returncode != 0 and "FluxExtensionNotInstalled" in refused.stderr, refused.stderr
    # the extension installs it first, polling both operations; an update is a 202 polled to its end
    env["AZURE_EXTENSION_DEV_SOURCES"] = str(Path(__file__).resolve().parents[2] / ".venv" / "extdev")
    cluster = ["-g", "rg-az", "-c", "c1", "-t", "connectedClusters"]
    az("k8s-configuration", "flux", "create", *cluster, "-n", "f1", "-u", "https://example.invalid/r.git",
       "--branch", "main")
    updated = az("k8s-configuration", "flux", "update", *cluster, "-n", "f1", "--suspend", "true", "--yes")
    assert updated["suspend"] is True and updated["provisioningState"] == "Succeeded"
    assert az("rest", "--method", "put", "--url", f"{flux}/f2?api-version=2025-04-01", "--body", body)["name"] == "f2"
    listed = az("rest", "--method", "get", "--url", f"{flux}?api-version=2025-04-01")
    assert [c["name"] for c in listed["value"]] == ["f1", "f2"]
