"""Helpers of the reconciler tests (importable by name, unlike conftest.py): the demo git repository,
configurations like the tutorial's, status lookups."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

DEMO = REPO_ROOT / "examples" / "gitops-demo"
NOW = datetime(2025, 5, 1, 12, 0, 0, tzinfo=UTC)
TUTORIAL_URL = "https://github.com/Azure/gitops-flux2-kustomize-helm-mt"


def git(repo: Path, *args: str) -> str:
    cmd = ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
           "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


class DemoRepo:
    """A working git repository holding the demo content on branch ``main``."""

    def __init__(self, path: Path):
        self.path = path

    def commit(self, message: str = "change") -> str:
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self) -> str:
        return git(self.path, "rev-parse", "HEAD")

    def write(self, rel: str, text: str) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def remove(self, rel: str) -> None:
        (self.path / rel).unlink()


def tutorial_kustomizations() -> dict:
    return {
        "infra": {"path": "./infrastructure", "prune": True, "dependsOn": []},
        "apps": {"path": "./apps/staging", "prune": True, "dependsOn": ["infra"]},
    }


def make_config(url: str, kustomizations: dict | None = None, *, name: str = "cluster-config",
                namespace: str = "cluster-config", ref: dict | None = None, **props) -> dict:
    properties = {
        "scope": "cluster",
        "namespace": namespace,
        "sourceKind": "GitRepository",
        "suspend": False,
        "gitRepository": {"url": url, "repositoryRef": ref or {"branch": "main"},
                          "syncIntervalInSeconds": 600, "timeoutInSeconds": 60},
        "kustomizations": tutorial_kustomizations() if kustomizations is None else kustomizations,
        "configurationProtectedSettings": {},
    }
    properties.update(props)
    return {
        "id": f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c"
              f"/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/{name}",
        "name": name,
        "type": "Microsoft.KubernetesConfiguration/fluxConfigurations",
        "properties": properties,
    }


def by_kind_name(statuses: list[dict]) -> dict[tuple[str, str], dict]:
    return {(s["kind"], s["name"]): s for s in statuses}


def ready(status: dict) -> dict:
    return next(c for c in status["statusConditions"] if c["type"] == "Ready")
