"""Helpers for tests that drive a real emulator process with the real `az` of this virtualenv.

Import these from test modules (`from e2e_support import ...`); the fixtures live in tests/conftest.py.
Emulator processes come from the one harness, k8sconfig_emulator.testing (shared with the benchmarks).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from k8sconfig_emulator.testing import EmulatorProcess, fast_args

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TUTORIAL_URL = "https://github.com/Azure/gitops-flux2-kustomize-helm-mt"
EXTENSION_SOURCES = REPO / ".venv" / "extdev"
# variables every test's `az` runs with, besides the emulator's own
AZ_ENV = {"AZURE_CORE_NO_COLOR": "true", "AZURE_CORE_ONLY_SHOW_ERRORS": "false"}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=e2e", "-c", "user.email=e2e@example.invalid", *args],
        check=True, capture_output=True, text=True).stdout.strip()


def make_demo_repo(dest: Path) -> Path:
    """A local git repository holding examples/gitops-demo, branch main."""
    shutil.copytree(REPO / "examples" / "gitops-demo", dest)
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "demo content")
    return dest


@dataclass
class AzResult:
    returncode: int
    stdout: str
    stderr: str
    argv: list[str] = field(default_factory=list)

    @property
    def json(self):
        return json.loads(self.stdout) if self.stdout.strip() else None

    def ok(self) -> AzResult:
        assert self.returncode == 0, f"az {' '.join(self.argv)} failed ({self.returncode}):\n{self.stderr}"
        return self


class Emulator(EmulatorProcess):
    """An emulator process (k8sconfig_emulator.testing) whose `az` returns an AzResult; `demo_repo` is the
    local repository the tutorial URL is rewritten to."""

    def __init__(self, base: Path, *start_args: str, demo_repo: Path | None = None):
        self.demo_repo = demo_repo or make_demo_repo(base / "gitops-demo")
        super().__init__(base / "emulator", "--git-insteadof", f"{TUTORIAL_URL}={self.demo_repo}",
                         *fast_args(*start_args), extension_sources=EXTENSION_SOURCES, az_env=AZ_ENV)

    def az(self, *args: str, env: dict | None = None, timeout: float = 180) -> AzResult:
        argv = [str(a) for a in args]
        proc = super().az(*argv, env=env, timeout=timeout)
        return AzResult(proc.returncode, proc.stdout, proc.stderr, argv)


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.5):
    """Poll `predicate` until it returns a truthy value; return it, or fail with the last value."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s (last value: {value!r})")


@contextmanager
def running_emulator(base: Path, *start_args: str) -> Iterator[Emulator]:
    """Start an emulator of our own under `base` (demo repository for the tutorial URL included), with az
    pointed at it and this checkout's extension loaded; always stopped on exit.

    Operations finish at once and polls are not told to wait (k8sconfig_emulator.testing.FAST) unless
    `start_args` set a delay themselves."""
    with Emulator(base, *start_args) as emu:
        yield emu


def new_cluster(emulator: Emulator) -> dict:
    """A fresh Arc cluster in a fresh resource group, so tests never see each other's resources."""
    return emulator.add_cluster()
