"""Fixtures for the reconciler tests: a git repository built from examples/gitops-demo, and settings.
Helpers the test modules import live in reconciler_support.py."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from reconciler_support import DEMO, DemoRepo

from k8sconfig_emulator.reconciler import ReconcilerSettings


@pytest.fixture
def demo_repo(tmp_path: Path) -> DemoRepo:
    path = tmp_path / "gitops-demo"
    shutil.copytree(DEMO, path)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, capture_output=True)
    repo = DemoRepo(path)
    repo.commit("initial demo content")
    return repo


@pytest.fixture
def settings(tmp_path: Path) -> ReconcilerSettings:
    return ReconcilerSettings(cache_dir=tmp_path / "cache", git_insteadof=[], git_repos={})
