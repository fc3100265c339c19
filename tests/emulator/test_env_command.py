"""`k8sconfig-emulator env` in a real shell: eval fails when no emulator answers, `--unset` gives the shell back,
stop/restart leave az with one clear line (never Azure, never a traceback), the port survives a restart, the
installed-extension warning, and the fish/PowerShell syntaxes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from k8sconfig_emulator import azure_env

BIN = Path(sys.executable).parent
EXTENSION_SOURCES = Path(__file__).resolve().parents[2] / ".venv" / "extdev"
STOPPED_LINE = "ERROR: Please run 'az login' to setup account."


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AZURE_", "IDENTITY_", "K8SCONFIG_EMULATOR", "REQUESTS_CA_BUNDLE"))}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", HOME=str(tmp_path / "home"),
               AZURE_CORE_NO_COLOR="true", **extra)
    return env


def _bash(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run ``script`` in bash, in the temp HOME's parent (files it writes land in the test's tmp_path)."""
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=300,
                          check=False, stdin=subprocess.DEVNULL, cwd=Path(env["HOME"]).parent)


def _marks(stdout: str) -> dict[str, str]:
    """Lines `NAME=value` the scripts echo to report what happened."""
    return dict(line.split("=", 1) for line in stdout.splitlines() if "=" in line and line.split("=", 1)[0].isupper())


def test_eval_of_env_fails_when_no_emulator_runs_and_az_stays_off_azure(tmp_path):
    data = tmp_path / "data"
    run = _bash(f"""
        eval "$(k8sconfig-emulator env --data-dir {data})"; echo "EVAL=$?"
        az group list -o json; echo "AZ=$?"
        echo "CONFIG=$AZURE_CONFIG_DIR"
    """, _clean_env(tmp_path))
    marks = _marks(run.stdout)
    assert marks["EVAL"] == "1" and marks["AZ"] != "0"
    assert marks["CONFIG"] == str(data / "azure")
    assert f"no emulator is running for {data}" in run.stderr
    assert "env --unset" in run.stderr and "Traceback" not in run.stderr
    # az failed on its own profile, with one line and without any request: there is no account to use.
    assert STOPPED_LINE in run.stderr.splitlines()
    assert json.loads((data / "azure" / "azureProfile.json").read_text())["subscriptions"] == []
    assert "not registered" not in run.stderr  # the closed config dir keeps its own cloud


def test_stop_restart_and_unset_in_one_shell(tmp_path):
    data = tmp_path / "data"
    user_config = tmp_path / "my-az-config"
    run = _bash(f"""
        set -u
        k8sconfig-emulator start --detach --data-dir {data} >/dev/null || exit 9
        eval "$(k8sconfig-emulator env --data-dir {data})"; echo "EVAL=$?"
        echo "PORT1=$(k8sconfig-emulator env --data-dir {data} | grep IDENTITY_ENDPOINT)"
        echo "GROUPS1=$(az group list --query 'length(@)' -o tsv)"
        k8sconfig-emulator stop --data-dir {data} > stop.txt; cat stop.txt >&2
        az group list -o json 2> stopped-err.txt; echo "STOPPED_AZ=$?"
        k8sconfig-emulator start --detach --data-dir {data} >/dev/null || exit 9
        echo "GROUPS2=$(az group list --query 'length(@)' -o tsv)"
        echo "PORT2=$(k8sconfig-emulator env --data-dir {data} | grep IDENTITY_ENDPOINT)"
        eval "$(k8sconfig-emulator env --unset)"; echo "UNSET=$?"
        echo "CONFIG=$AZURE_CONFIG_DIR"
        echo "BUNDLE=$REQUESTS_CA_BUNDLE"
        echo "IDENTITY=${{IDENTITY_ENDPOINT:-none}}"
        echo "EXTDIR=${{AZURE_EXTENSION_DIR:-none}}"
        echo "LISTED=${{K8SCONFIG_EMULATOR_ENV:-none}}"
        k8sconfig-emulator stop --data-dir {data} >/dev/null
    """, _clean_env(tmp_path, AZURE_CONFIG_DIR=str(user_config), REQUESTS_CA_BUNDLE="/etc/corp-ca.pem"))
    marks = _marks(run.stdout)
    assert marks.get("EVAL") == "0", run.stderr
    assert marks["GROUPS1"] == "0" and marks["GROUPS2"] == "0"
    # A restart takes the previous port again, so the shell's IDENTITY_ENDPOINT and config still fit.
    assert marks["PORT1"] == marks["PORT2"]
    assert 'eval "$(k8sconfig-emulator env --unset)"' in run.stderr
    # Between stop and start: one clear line from az, no connection traceback, and no request anywhere.
    assert marks["STOPPED_AZ"] != "0"
    stopped_err = (tmp_path / "stopped-err.txt").read_text()
    assert STOPPED_LINE in stopped_err.splitlines() and "Traceback" not in stopped_err
    # --unset gives back the user's own values and removes the rest.
    assert marks["UNSET"] == "0"
    assert marks["CONFIG"] == str(user_config) and marks["BUNDLE"] == "/etc/corp-ca.pem"
    assert marks["IDENTITY"] == "none" and marks["EXTDIR"] == "none" and marks["LISTED"] == "none"


def test_az_after_stop_prints_one_line(tmp_path):
    data = tmp_path / "data"
    env = _clean_env(tmp_path, AZURE_EXTENSION_DEV_SOURCES=str(EXTENSION_SOURCES))
    run = _bash(f"""
        k8sconfig-emulator start --detach --data-dir {data} >/dev/null || exit 9
        eval "$(k8sconfig-emulator env --data-dir {data})" || exit 8
        k8sconfig-emulator stop --data-dir {data} >/dev/null
        az k8s-configuration flux list -g rg -c arc -t connectedClusters -o json
    """, env)
    assert run.returncode not in (0, 8, 9), run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines == [STOPPED_LINE] or (STOPPED_LINE in lines and len(lines) <= 2), run.stderr
    assert "Traceback" not in run.stderr and "HTTPSConnectionPool" not in run.stderr


def test_restart_takes_another_port_when_the_previous_one_is_taken(tmp_path):
    data = tmp_path / "data"
    env = _clean_env(tmp_path)
    cli = [sys.executable, "-m", "k8sconfig_emulator"]

    def start() -> dict:
        subprocess.run([*cli, "start", "--detach", "--data-dir", str(data)], env=env, check=True,
                       capture_output=True, timeout=120)
        return json.loads((data / "emulator.json").read_text())

    def stop() -> None:
        subprocess.run([*cli, "stop", "--data-dir", str(data)], env=env, check=True, capture_output=True,
                       timeout=120)

    first = start()
    stop()
    again = start()
    stop()
    assert again["port"] == first["port"]
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", first["port"]))
        holder.listen()
        started = subprocess.run([*cli, "start", "--detach", "--data-dir", str(data)], env=env, check=True,
                                 capture_output=True, text=True, timeout=120)
        moved = json.loads((data / "emulator.json").read_text())
        try:
            assert moved["port"] != first["port"]
            assert f"port {first['port']} of the previous start was taken" in started.stderr
            assert 'eval "$(k8sconfig-emulator env)"' in started.stderr
            assert "previous start is taken" in (data / "emulator.log").read_text()
        finally:
            stop()
    explicit = subprocess.run([*cli, "start", "--port", "0", "--detach", "--data-dir", str(data)], env=env,
                              capture_output=True, text=True, timeout=120, check=True)
    try:
        assert f":{json.loads((data / 'emulator.json').read_text())['port']}" in explicit.stdout
    finally:
        stop()


def test_env_warns_when_an_installed_extension_would_win(tmp_path):
    data = tmp_path / "data"
    extensions = tmp_path / "home" / ".azure" / "cliextensions"
    (extensions / "k8s-configuration" / "k8s_configuration-2.3.0.dist-info").mkdir(parents=True)
    env = _clean_env(tmp_path)
    run = _bash(f"""
        k8sconfig-emulator start --detach --data-dir {data} >/dev/null || exit 9
        eval "$(k8sconfig-emulator env --data-dir {data})"; echo "EVAL=$?"
        echo "EXTDIR=$AZURE_EXTENSION_DIR"
        k8sconfig-emulator stop --data-dir {data} >/dev/null
    """, env)
    marks = _marks(run.stdout)
    assert marks["EVAL"] == "0" and marks["EXTDIR"] == str(extensions)
    warning = run.stderr
    assert f"{extensions / 'k8s-configuration'} is an installed k8s-configuration extension 2.3.0" in warning
    assert f"export AZURE_EXTENSION_DIR={data / 'no-extensions'}" in warning
    assert "az extension remove -n k8s-configuration" in warning
    assert "az extension add -n k8s-configuration" in warning


@pytest.mark.parametrize("shell, expected_set, expected_unset, expected_fail", [
    ("bash", "export AZURE_CONFIG_DIR='/d i r/it'\"'\"'s'\n", "unset AZURE_CONFIG_DIR\n", "; false\n"),
    ("zsh", "export AZURE_CONFIG_DIR='/d i r/it'\"'\"'s'\n", "unset AZURE_CONFIG_DIR\n", "; false\n"),
    ("fish", "set -gx AZURE_CONFIG_DIR '/d i r/it\\'s';\n", "set -e AZURE_CONFIG_DIR;\n", "; false\n"),
    ("powershell", "$Env:AZURE_CONFIG_DIR = '/d i r/it''s'\n",
     "Remove-Item Env:AZURE_CONFIG_DIR -ErrorAction SilentlyContinue\n", "throw '"),
])
def test_shell_syntaxes(tmp_path, shell, expected_set, expected_unset, expected_fail):
    value = "/d i r/it's"
    lines = azure_env.export_lines({"AZURE_CONFIG_DIR": value}, {"AZURE_CONFIG_DIR": "/mine"}, shell)
    assert expected_set in lines
    assert azure_env.SAVED_PREFIX + "AZURE_CONFIG_DIR" in lines and "/mine" in lines
    back = azure_env.unset_lines({azure_env.LIST_VARIABLE: "AZURE_CONFIG_DIR IDENTITY_HEADER"}, shell)
    assert expected_unset in back and "IDENTITY_HEADER" in back and azure_env.LIST_VARIABLE in back
    restored = azure_env.unset_lines({azure_env.LIST_VARIABLE: "AZURE_CONFIG_DIR",
                                      azure_env.SAVED_PREFIX + "AZURE_CONFIG_DIR": value}, shell)
    assert expected_set in restored
    failed = azure_env.closed_lines(tmp_path / "data", {}, "no emulator", shell)
    assert failed.rstrip("\n").splitlines()[-1].startswith(("echo", "throw")) and expected_fail in failed


def test_env_twice_keeps_the_users_saved_values():
    first = {"AZURE_CONFIG_DIR": "/mine"}
    inside = {"AZURE_CONFIG_DIR": "/emu/azure", azure_env.LIST_VARIABLE: "AZURE_CONFIG_DIR",
              azure_env.SAVED_PREFIX + "AZURE_CONFIG_DIR": "/mine"}
    assert "/mine" in azure_env.export_lines({"AZURE_CONFIG_DIR": "/emu/azure"}, first)
    again = azure_env.export_lines({"AZURE_CONFIG_DIR": "/emu2/azure"}, inside)
    assert azure_env.SAVED_PREFIX not in again  # the saved value from the first eval stays the user's


def test_unset_without_a_list_unsets_every_variable_env_may_set():
    back = azure_env.unset_lines({})
    for name in azure_env.VARIABLES:
        assert f"unset {name}\n" in back
