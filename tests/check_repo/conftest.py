"""Fixtures of the check-repo tests (helpers to import are in check_repo_support.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
from check_repo_support import TUTORIAL_CONFIG, Repo, make_repo, write_config


@pytest.fixture
def demo(tmp_path: Path) -> Repo:
    """examples/gitops-demo as a fresh git repository (the tutorial's shape)."""
    return make_repo(tmp_path / "gitops-demo")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """The tutorial's configuration (infra, apps dependsOn infra, both prune) as a --config-file."""
    return write_config(tmp_path / "config.yaml", TUTORIAL_CONFIG)
