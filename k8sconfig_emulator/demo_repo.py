"""`start --demo-repo`: the tutorial's GitHub repository answered from the bundled demo repository, offline.

The bundled content is examples/gitops-demo (package data `demo-repo`), laid out like the tutorial's
repository. On start it becomes a git repository (branch main, one commit with a fixed author and date, so
its commit id is the same every time) in <data-dir>/demo-repo, and the tutorial's URL is rewritten to it the
way `--git-insteadof` rewrites URLs. A user's own `--git-insteadof` for the same URL wins.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

TUTORIAL_URL = "https://github.com/Azure/gitops-flux2-kustomize-helm-mt"
SOURCE = Path(__file__).resolve().parent / "demo-repo"
DIGEST_FILE = "k8sconfig-emulator-digest"  # inside .git: the bundled content the repository was made from
_COMMIT_ENV = {"GIT_AUTHOR_NAME": "k8sconfig-emulator", "GIT_AUTHOR_EMAIL": "demo@k8sconfig-emulator.invalid",
               "GIT_COMMITTER_NAME": "k8sconfig-emulator", "GIT_COMMITTER_EMAIL": "demo@k8sconfig-emulator.invalid",
               "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"}


class DemoRepoError(RuntimeError):
    """The demo repository cannot be made (no git, no bundled content); the message says what to do."""


def _digest(source: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        sha.update(path.relative_to(source).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, **_COMMIT_ENV, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args], cwd=repo,
                   env=env, check=True, capture_output=True, timeout=60)


def prepare(data_dir: Path, source: Path = SOURCE) -> Path:
    """The demo git repository in ``data_dir``, made again only when the bundled content changed."""
    if not source.is_dir():
        raise DemoRepoError(f"the bundled demo repository is missing ({source}); reinstall k8sconfig-emulator")
    if shutil.which("git") is None:
        raise DemoRepoError("--demo-repo needs git on PATH (the reconciler fetches sources with it)")
    repo = data_dir / "demo-repo"
    digest = _digest(source)
    marker = repo / ".git" / DIGEST_FILE
    if marker.is_file() and marker.read_text().strip() == digest:
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    shutil.copytree(source, repo)
    try:
        _git(repo, "init", "-q")
        _git(repo, "symbolic-ref", "HEAD", "refs/heads/main")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", "GitOps demo content (bundled with k8sconfig-emulator)")
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(repo, ignore_errors=True)
        raise DemoRepoError(f"could not make the demo git repository in {repo}: {exc}") from None
    marker.write_text(digest + "\n")
    return repo


def insteadof_rules(repo: Path) -> list[tuple[str, str]]:
    """The tutorial's URL, with or without .git, rewritten to the local demo repository."""
    return [(TUTORIAL_URL + ".git", str(repo)), (TUTORIAL_URL, str(repo))]


def note() -> str:
    return (f"{TUTORIAL_URL} is served from the bundled demo repository (--demo-repo); "
            "its content is examples/gitops-demo")
