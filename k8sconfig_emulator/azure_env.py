"""`k8sconfig-emulator env`: a seeded AZURE_CONFIG_DIR and the shell lines that make az use it (or stop using it).

The shell lines are written for one shell (`--shell`): bash/zsh (`eval "$(k8sconfig-emulator env)"`), fish
(`k8sconfig-emulator env --shell fish | source`) or PowerShell
(`k8sconfig-emulator env --shell powershell | Out-String | Invoke-Expression`).

* The variables `env` sets are listed in K8SCONFIG_EMULATOR_ENV, and any value they had before is kept in
  K8SCONFIG_EMULATOR_SAVED_<NAME>, so `env --unset` gives the shell back exactly as it was.
* When the emulator stops, its config dir is "closed": the profile keeps no account, so az in a shell still pointed
  at it fails at once with one line ("Please run 'az login' to setup account.") instead of reaching real Azure or
  printing a connection traceback. Starting the emulator again opens it (same port when it is free).
* When no emulator answers, `env` prints lines that point the shell at that closed config dir and then fail
  (`false` / `throw`), so `eval` fails and the next az in that shell cannot reach Azure either.
"""

from __future__ import annotations

import json
import os
import shlex
import uuid
from collections.abc import Mapping
from pathlib import Path

from k8sconfig_emulator import certs, datadir
from k8sconfig_emulator.arm.platform import (
    AUDIENCE,
    SUBSCRIPTION_NAME,
    TENANT_DOMAIN,
    TENANT_NAME,
)
from k8sconfig_emulator.tokens import SUBSCRIPTION_ID, TENANT_ID

CLOUD = "K8sConfigEmulator"
PORT_MARKER = ".emulator-port"
LIST_VARIABLE = "K8SCONFIG_EMULATOR_ENV"
SAVED_PREFIX = "K8SCONFIG_EMULATOR_SAVED_"
EXTENSION_NAME = "k8s-configuration"
# Everything `environment()` may set, for `env --unset` in a shell that has lost K8SCONFIG_EMULATOR_ENV.
VARIABLES = ("AZURE_CONFIG_DIR", "AZURE_EXTENSION_DIR", "AZURE_CORE_COLLECT_TELEMETRY", "IDENTITY_ENDPOINT",
             "IDENTITY_HEADER", "REQUESTS_CA_BUNDLE", "K8SCONFIG_EMULATOR_DATA_DIR")


def config_text() -> str:
    return (f"[cloud]\nname = {CLOUD}\n\n"
            "[core]\ncollect_telemetry = false\ninstance_discovery = false\noutput = json\n\n"
            "[extension]\nuse_dynamic_install = no\n")


def clouds_text(port: int) -> str:
    return (f"[{CLOUD}]\n"
            f"endpoint_resource_manager = https://127.0.0.1:{port}/\n"
            f"endpoint_active_directory = https://127.0.0.1:{port}\n"
            f"endpoint_active_directory_resource_id = {AUDIENCE}\n"
            f"endpoint_management = {AUDIENCE}\n")


def profile(installation_id: str) -> dict:
    return {"installationId": installation_id, "subscriptions": [{
        "id": SUBSCRIPTION_ID, "name": SUBSCRIPTION_NAME, "state": "Enabled", "isDefault": True,
        "tenantId": TENANT_ID, "homeTenantId": TENANT_ID, "environmentName": CLOUD,
        "tenantDisplayName": TENANT_NAME, "tenantDefaultDomain": TENANT_DOMAIN, "managedByTenants": [],
        "user": {"name": "systemAssignedIdentity", "type": "servicePrincipal", "assignedIdentityInfo": "MSI"},
    }]}


def seed(config_dir: Path, port: int) -> None:
    """(Re)write the az config files when they are missing, closed or the port changed."""
    config_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(config_dir, 0o700)
    marker = config_dir / PORT_MARKER
    if marker.exists() and marker.read_text().strip() == str(port) and (config_dir / "azureProfile.json").exists():
        return
    (config_dir / "config").write_text(config_text())
    (config_dir / "clouds.config").write_text(clouds_text(port))
    (config_dir / "azureProfile.json").write_text(json.dumps(profile(str(uuid.uuid4())), indent=2))
    marker.write_text(str(port))


def close(config_dir: Path) -> None:
    """Leave no account in the az config dir of a stopped emulator: az there fails at once with one line."""
    config_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(config_dir, 0o700)
    if not (config_dir / "clouds.config").exists():  # never started: a cloud at no port, so az keeps to it
        (config_dir / "config").write_text(config_text())
        (config_dir / "clouds.config").write_text(clouds_text(1))
    (config_dir / PORT_MARKER).unlink(missing_ok=True)
    (config_dir / "azureProfile.json").write_text(json.dumps({"installationId": str(uuid.uuid4()),
                                                              "subscriptions": []}, indent=2))


def extension_dir(environ: Mapping[str, str]) -> str:
    if environ.get("AZURE_EXTENSION_DIR"):
        return environ["AZURE_EXTENSION_DIR"]
    config_dir = environ.get("AZURE_CONFIG_DIR") or str(Path(environ.get("HOME") or Path.home()) / ".azure")
    return str(Path(config_dir).expanduser() / "cliextensions")


def environment(data_dir: Path, port: int, environ: Mapping[str, str]) -> dict[str, str]:
    """Variables that point az at the running emulator; seeds the config dir as a side effect."""
    config_dir = data_dir / "azure"
    seed(config_dir, port)
    bundle = certs.write_ca_bundle(data_dir)
    return {
        "AZURE_CONFIG_DIR": str(config_dir),
        "AZURE_EXTENSION_DIR": extension_dir(environ),
        "AZURE_CORE_COLLECT_TELEMETRY": "false",
        "IDENTITY_ENDPOINT": f"https://127.0.0.1:{port}/msi/token",
        "IDENTITY_HEADER": datadir.identity_secret(data_dir),
        "REQUESTS_CA_BUNDLE": str(bundle),
        "K8SCONFIG_EMULATOR_DATA_DIR": str(data_dir),
    }


def installed_extension(environ: Mapping[str, str]) -> Path | None:
    """The user's installed k8s-configuration (e.g. Microsoft's), which az would load instead of a dev source."""
    path = Path(extension_dir(environ)).expanduser() / EXTENSION_NAME
    return path if path.is_dir() else None


def _quote(value: str, shell: str) -> str:
    if shell == "fish":
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if shell == "powershell":
        return "'" + value.replace("'", "''") + "'"
    return shlex.quote(value)


def _set(name: str, value: str, shell: str) -> str:
    if shell == "fish":
        return f"set -gx {name} {_quote(value, shell)};\n"
    if shell == "powershell":
        return f"$Env:{name} = {_quote(value, shell)}\n"
    return f"export {name}={_quote(value, shell)}\n"


def _unset(name: str, shell: str) -> str:
    if shell == "fish":
        return f"set -e {name};\n"
    if shell == "powershell":
        return f"Remove-Item Env:{name} -ErrorAction SilentlyContinue\n"
    return f"unset {name}\n"


def _fail(message: str, shell: str) -> str:
    """A line that prints ``message`` on stderr and makes the evaluation fail."""
    if shell == "powershell":
        return f"throw {_quote(message, shell)}\n"
    return f"echo {_quote(message, shell)} >&2; false\n"


def export_lines(variables: dict[str, str], environ: Mapping[str, str] | None = None, shell: str = "bash") -> str:
    """Lines that set ``variables``, remember their previous values (from ``environ``) and list their names."""
    environ = {} if environ is None else environ
    inside = LIST_VARIABLE in environ  # already pointed at an emulator: the saved values are the user's own
    lines = []
    for name, value in variables.items():
        if not inside and name in environ and environ[name] != value:
            lines.append(_set(SAVED_PREFIX + name, environ[name], shell))
        lines.append(_set(name, value, shell))
    listed = sorted(set(variables) | set(environ.get(LIST_VARIABLE, "").split()))
    lines.append(_set(LIST_VARIABLE, " ".join(listed), shell))
    return "".join(lines)


def unset_lines(environ: Mapping[str, str], shell: str = "bash") -> str:
    """Lines that give the shell back to Azure: every variable env set is unset or gets its earlier value."""
    names = environ.get(LIST_VARIABLE, "").split() or list(VARIABLES)
    lines = []
    for name in names:
        saved = environ.get(SAVED_PREFIX + name)
        if saved is not None:
            lines += [_set(name, saved, shell), _unset(SAVED_PREFIX + name, shell)]
        else:
            lines.append(_unset(name, shell))
    lines.append(_unset(LIST_VARIABLE, shell))
    return "".join(lines)


def closed_lines(data_dir: Path, environ: Mapping[str, str], message: str, shell: str = "bash",
                 close_config: bool = True) -> str:
    """For a data dir whose emulator does not answer: point az at its (closed) config dir, then fail."""
    config_dir = data_dir / "azure"
    if close_config or not config_dir.is_dir():
        datadir.ensure(data_dir)
        close(config_dir)
    variables = {"AZURE_CONFIG_DIR": str(config_dir), "AZURE_EXTENSION_DIR": extension_dir(environ),
                 "K8SCONFIG_EMULATOR_DATA_DIR": str(data_dir)}
    return export_lines(variables, environ, shell) + _fail(message, shell)
