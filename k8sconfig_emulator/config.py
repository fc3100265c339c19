"""EmulatorConfig: every knob of a running emulator, parsed from flags and environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

INSTEADOF_ENV = "K8SCONFIG_EMULATOR_GIT_INSTEADOF"


class ConfigError(ValueError):
    """A flag value that cannot be used; the message names the flag."""


@dataclass
class EmulatorConfig:
    data_dir: Path
    port: int = 0
    preferred_port: int | None = None  # the previous start's port, used when port is 0 and it is free
    demo_repo: bool = False            # --demo-repo: the tutorial's URL answered from the bundled repository
    operation_delay: float = 0.3
    extension_install_delay: float = 1.0
    provider_state: str = "Registered"
    git_insteadof: list[tuple[str, str]] = field(default_factory=list)
    git_repos: dict[str, Path] = field(default_factory=dict)
    helm_repos: dict[str, Path] = field(default_factory=dict)  # chart repository URL -> dir with index.yaml
    reconcile_interval: float = 0.5
    page_size: int = 100
    retry_after: float = 1.0          # poll hint on 201/202 answers and running operations (--retry-after)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "emulator.db"


def _pair(text: str, flag: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise ConfigError(f"{flag} expects KEY=VALUE, got '{text}'.")
    return key.strip(), value.strip()


def parse_insteadof(values: list[str], environ: dict | None = None) -> list[tuple[str, str]]:
    env = os.environ if environ is None else environ
    entries = [e for e in env.get(INSTEADOF_ENV, "").split(";") if e.strip()] + list(values or [])
    pairs = []
    for entry in entries:
        prefix, target = _pair(entry, "--git-insteadof")
        if "://" not in target and not target.startswith("/"):
            target = str(Path(target).expanduser().resolve())
        pairs.append((prefix, target))
    return pairs


def parse_git_repos(values: list[str]) -> dict[str, Path]:
    repos = {}
    for entry in values or []:
        name, directory = _pair(entry, "--git-repo")
        path = Path(directory).expanduser().resolve()
        if not path.is_dir():
            raise ConfigError(f"--git-repo {name}: '{path}' is not a directory.")
        repos[name] = path
    return repos


def parse_helm_repos(values: list[str]) -> dict[str, Path]:
    """--helm-repo URL=DIR: the chart repository URL answered from DIR/index.yaml (like --git-insteadof)."""
    repos = {}
    for entry in values or []:
        url, directory = _pair(entry, "--helm-repo")
        if not url.lower().startswith(("http://", "https://", "oci://")):
            raise ConfigError(f"--helm-repo {url}: the chart repository URL must start with http://, https:// or oci://.")
        path = Path(directory).expanduser().resolve()
        if not (path / "index.yaml").is_file():
            raise ConfigError(f"--helm-repo {url}: '{path}' has no index.yaml (run 'helm repo index' there).")
        repos[url.rstrip("/")] = path
    return repos


def check_numbers(cfg: EmulatorConfig) -> None:
    for flag, value in (("--operation-delay", cfg.operation_delay),
                        ("--extension-install-delay", cfg.extension_install_delay)):
        if value < 0:
            raise ConfigError(f"{flag} must be zero or more seconds, got {value}.")
    if not 0 <= cfg.retry_after <= 3600:
        raise ConfigError(f"--retry-after must be between 0 and 3600 seconds, got {cfg.retry_after}.")
    if cfg.reconcile_interval <= 0:
        raise ConfigError(f"--reconcile-interval must be more than zero seconds, got {cfg.reconcile_interval}.")
    if not 0 <= cfg.port <= 65535:
        raise ConfigError(f"--port must be between 0 and 65535, got {cfg.port}.")
    if cfg.page_size < 1:
        raise ConfigError(f"--page-size must be at least 1, got {cfg.page_size}.")
    if cfg.provider_state not in ("Registered", "NotRegistered"):
        raise ConfigError("--provider-state must be Registered or NotRegistered.")
