"""Helpers for tests that drive a real emulator process with the real `az` of this virtualenv.

Import these from test modules (`from e2e_support import ...`); the fixtures live in tests/conftest.py.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TUTORIAL_URL = "https://github.com/Azure/gitops-flux2-kustomize-helm-mt"
SPEC_DIR = REPO.parent / "shared" / "spec"


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


@dataclass
class Emulator:
    data_dir: Path
    env: dict[str, str]
    demo_repo: Path

    @property
    def url(self) -> str:
        return json.loads((self.data_dir / "emulator.json").read_text())["url"].rstrip("/")

    @property
    def log_path(self) -> Path:
        return self.data_dir / "requests.jsonl"

    def log_mark(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def requests_since(self, mark: int) -> list[dict]:
        with open(self.log_path, "rb") as fh:
            fh.seek(mark)
            return [json.loads(line) for line in fh.read().decode().splitlines() if line.strip()]

    def tool(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "k8sconfig-emulator"), *args, "--data-dir", str(self.data_dir)],
                              check=False, capture_output=True, text=True, timeout=60)

    def add_cluster(self, name: str, group: str, cluster_type: str = "connectedClusters") -> None:
        res = self.tool("cluster", "add", name, "-g", group, "-t", cluster_type)
        assert res.returncode == 0, res.stderr

    def az(self, *args: str, env: dict | None = None, timeout: float = 180) -> AzResult:
        argv = [str(a) for a in args]
        proc = subprocess.run([str(BIN / "az"), *argv], check=False, capture_output=True, text=True,
                              env={**self.env, **(env or {})}, timeout=timeout, stdin=subprocess.DEVNULL)
        return AzResult(proc.returncode, proc.stdout, proc.stderr, argv)


def _parse_exports(text: str) -> dict[str, str]:
    env = {}
    for line in text.splitlines():
        parts = shlex.split(line)
        if len(parts) == 2 and parts[0] == "export" and "=" in parts[1]:
            key, _, value = parts[1].partition("=")
            env[key] = value
    return env


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
    pointed at it and this checkout's extension loaded; always stopped on exit."""
    tool = str(BIN / "k8sconfig-emulator")
    if not Path(tool).exists():
        pytest.fail("k8sconfig-emulator is not installed in this virtualenv; run `make test`")
    repo = make_demo_repo(base / "gitops-demo")
    data = base / "emulator"
    start = subprocess.run(
        [tool, "start", "--port", "0", "--data-dir", str(data), "--detach",
         "--git-insteadof", f"{TUTORIAL_URL}={repo}", *start_args],
        check=False, capture_output=True, text=True, timeout=120)
    assert start.returncode == 0, start.stderr
    try:
        printed = subprocess.run([tool, "env", "--data-dir", str(data)], capture_output=True, text=True,
                                 check=True, timeout=60).stdout
        env = {**os.environ, **_parse_exports(printed)}
        env["AZURE_EXTENSION_DEV_SOURCES"] = str(REPO / ".venv" / "extdev")
        env["AZURE_EXTENSION_DIR"] = str(base / "no-installed-extensions")
        env["AZURE_CORE_NO_COLOR"] = "true"
        env["AZURE_CORE_ONLY_SHOW_ERRORS"] = "false"
        yield Emulator(data, env, repo)
    finally:
        subprocess.run([tool, "stop", "--data-dir", str(data)], check=False, capture_output=True, text=True,
                       timeout=60)


def new_cluster(emulator: Emulator) -> dict:
    """A fresh Arc cluster in a fresh resource group, so tests never see each other's resources."""
    suffix = uuid.uuid4().hex[:8]
    group, name = f"rg-{suffix}", f"arc-{suffix}"
    emulator.add_cluster(name, group)
    return {"group": group, "name": name, "args": ["-g", group, "-c", name, "-t", "connectedClusters"]}
