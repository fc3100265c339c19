"""Helpers of the end-to-end tests: local git repositories, request-log filters, error assertions."""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_SOURCE = REPO_ROOT / "examples" / "gitops-demo"
FLUX = ("k8s-configuration", "flux")
LEGACY = ("k8s-configuration",)  # the deprecated Flux v1 commands
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
# A host name that can never resolve: only the emulator's insteadOf rewrite makes it reachable.
GIT_HOST = "https://git.e2e.invalid/"
WRITE_METHODS = {"PUT", "PATCH", "DELETE", "POST"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=e2e", "-c", "user.email=e2e@example.invalid", *args],
        check=True, capture_output=True, text=True, timeout=60).stdout.strip()


@dataclass
class LocalRepo:
    path: Path
    url: str

    def commit(self, message: str) -> str:
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "-m", message)
        return self.head()

    def head(self) -> str:
        return git(self.path, "rev-parse", "HEAD")

    def tag(self, name: str) -> str:
        git(self.path, "tag", name)
        return git(self.path, "rev-parse", f"{name}^{{commit}}")

    def write(self, relative: str, text: str) -> None:
        (self.path / relative).write_text(text)

    def read(self, relative: str) -> str:
        return (self.path / relative).read_text()

    def remove(self, relative: str) -> None:
        (self.path / relative).unlink()


class GitHost:
    """Repositories under one directory, reachable as GIT_HOST + NAME through the emulator's insteadOf."""

    def __init__(self, root: Path):
        self.root = root

    def demo_copy(self, name: str) -> LocalRepo:
        """A new repository (branch main) holding examples/gitops-demo, as one commit."""
        path = self.root / name
        shutil.copytree(DEMO_SOURCE, path)
        git(path, "init", "-q", "-b", "main")
        repo = LocalRepo(path, GIT_HOST + name)
        repo.commit("demo content")
        return repo


def arm_writes(calls: list[dict]) -> list[dict]:
    """Write requests to the Microsoft.KubernetesConfiguration provider in a request-log slice."""
    return [c for c in calls
            if c["method"] in WRITE_METHODS and "microsoft.kubernetesconfiguration" in c["path"].lower()]


def flux_writes(calls: list[dict], name: str) -> list[dict]:
    suffix = f"/fluxconfigurations/{name}".lower()
    return [c for c in arm_writes(calls) if c["path"].lower().endswith(suffix)]


def operation_polls(calls: list[dict], name: str) -> list[dict]:
    """GETs of the Azure-AsyncOperation URL of configuration `name` (what a waiting LRO poller does)."""
    marker = f"/fluxconfigurations/{name}/operations/".lower()
    return [c for c in calls if c["method"] == "GET" and marker in c["path"].lower()]


def assert_clean_error(result, code: int, *fragments: str) -> None:
    """A user-facing error: the exit code, each fragment in stderr, and never a Python traceback."""
    output = result.stdout + result.stderr
    assert result.returncode == code, f"exit code {result.returncode}, expected {code}:\n{result.stderr}"
    assert "Traceback" not in output, output
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"


def props(config: dict) -> dict:
    """A configuration as az prints it: the reference's shape, properties at the top level."""
    assert "properties" not in config, "az output must not nest properties"
    return config


def statuses_by_kind(config: dict) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for status in props(config).get("statuses") or []:
        found.setdefault(status["kind"], set()).add(status["name"])
    return found


def seed_legacy(emulator, cluster: dict, name: str) -> None:
    """A Flux v1 sourceControlConfiguration `name` on `cluster`, written with `az rest` (the extension only reads
    and deletes them)."""
    url = (f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{cluster['group']}/providers/Microsoft.Kubernetes"
           f"/connectedClusters/{cluster['name']}/providers/Microsoft.KubernetesConfiguration"
           f"/sourceControlConfigurations/{name}?api-version=2022-03-01")
    body = {"properties": {"repositoryUrl": "https://github.com/example/flux-v1-config", "operatorType": "Flux",
                           "operatorNamespace": name, "operatorInstanceName": name, "operatorScope": "namespace"}}
    emulator.az("rest", "--method", "put", "--url", url, "--body", json.dumps(body), "-o", "none").ok()
