"""Helpers of the check-repo tests: a git repository shaped like the tutorial's, configuration files, and the
real `k8sconfig-emulator` console script run as a subprocess (stdin not a terminal)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "gitops-demo"
CLI = Path(sys.executable).parent / "k8sconfig-emulator"

TUTORIAL_CONFIG = {
    "name": "cluster-config",
    "namespace": "cluster-config",
    "scope": "cluster",
    "url": "https://github.com/Azure/gitops-flux2-kustomize-helm-mt",
    "branch": "main",
    "kustomizations": {
        "infra": {"path": "./infrastructure", "prune": True},
        "apps": {"path": "./apps/staging", "prune": True, "dependsOn": ["infra"]},
    },
}


def git(repo: Path, *args: str) -> str:
    cmd = ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
           "-c", "commit.gpgsign=false", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


class Repo:
    """A working git repository on branch main."""

    def __init__(self, path: Path):
        self.path = path

    def write(self, rel: str, text: str) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def read(self, rel: str) -> str:
        return (self.path / rel).read_text()

    def remove(self, rel: str) -> None:
        (self.path / rel).unlink()

    def commit(self, message: str = "change") -> str:
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message)
        return git(self.path, "rev-parse", "HEAD")


def make_repo(dest: Path, source: Path | None = DEMO) -> Repo:
    if source is not None:
        shutil.copytree(source, dest)
    else:
        dest.mkdir(parents=True)
    git(dest, "init", "-q", "-b", "main")
    repo = Repo(dest)
    repo.commit("initial content")
    return repo


def write_config(path: Path, doc: dict, *, as_json: bool = False) -> Path:
    path.write_text(json.dumps(doc, indent=2) if as_json else yaml.safe_dump(doc, sort_keys=False))
    return path


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


def check_repo(*args: str | Path) -> Run:
    """`k8sconfig-emulator check-repo ARGS...` through the installed console script."""
    proc = subprocess.run([str(CLI), "check-repo", *map(str, args)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300, check=False)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def findings(result: dict, check: str) -> list[dict]:
    return [f for f in result["findings"] if f["check"] == check]
