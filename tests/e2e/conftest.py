"""Fixtures of the end-to-end suite: a second emulator that serves git repositories made by the tests.

The shared `emulator` (tests/conftest.py) only maps the tutorial URL to the demo repository. Tests that
commit into a repository of their own (broken manifests, pruning, tags) use `repo_emulator`, whose
reconciler reaches every repository of `git_host` as https://git.e2e.invalid/NAME.
"""
from __future__ import annotations

import os
import subprocess
import uuid

import pytest
from e2e_support import (
    BIN,
    REPO,
    TUTORIAL_URL,
    Emulator,
    _parse_exports,
    make_demo_repo,
)
from flux_e2e_helpers import GIT_HOST, GitHost


@pytest.fixture(scope="session")
def git_host(tmp_path_factory) -> GitHost:
    return GitHost(tmp_path_factory.mktemp("git-host"))


@pytest.fixture(scope="session")
def repo_emulator(tmp_path_factory, git_host) -> Emulator:
    """An emulator of our own (fast operations and reconcile loop), stopped at the end of the session."""
    base = tmp_path_factory.mktemp("e2e-repos")
    demo = make_demo_repo(base / "gitops-demo")
    data = base / "emulator"
    tool = str(BIN / "k8sconfig-emulator")
    start = subprocess.run(
        [tool, "start", "--port", "0", "--data-dir", str(data), "--detach",
         "--git-insteadof", f"{TUTORIAL_URL}={demo}", "--git-insteadof", f"{GIT_HOST}={git_host.root}/",
         "--operation-delay", "0.1", "--extension-install-delay", "0.2", "--reconcile-interval", "0.2"],
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
        yield Emulator(data, env, demo)
    finally:
        subprocess.run([tool, "stop", "--data-dir", str(data)], check=False, capture_output=True, text=True,
                       timeout=60)


@pytest.fixture
def repo_cluster(repo_emulator):
    """A fresh Arc cluster in a fresh resource group of `repo_emulator`."""
    suffix = uuid.uuid4().hex[:8]
    group, name = f"rg-{suffix}", f"arc-{suffix}"
    repo_emulator.add_cluster(name, group)
    return {"group": group, "name": name, "args": ["-g", group, "-c", name, "-t", "connectedClusters"]}
