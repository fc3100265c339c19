"""Fixtures of the end-to-end suite: a second emulator that serves git repositories made by the tests.

The shared `emulator` (tests/conftest.py) only maps the tutorial URL to the demo repository. Tests that
commit into a repository of their own (broken manifests, pruning, tags) use `repo_emulator`, whose
reconciler reaches every repository of `git_host` as https://git.e2e.invalid/NAME.
"""
from __future__ import annotations

import pytest
from e2e_support import Emulator, new_cluster, running_emulator
from flux_e2e_helpers import GIT_HOST, GitHost


@pytest.fixture(scope="session")
def git_host(tmp_path_factory) -> GitHost:
    return GitHost(tmp_path_factory.mktemp("git-host"))


@pytest.fixture(scope="session")
def repo_emulator(tmp_path_factory, git_host) -> Emulator:
    """An emulator of our own (fast operations and reconcile loop), stopped at the end of the session."""
    with running_emulator(tmp_path_factory.mktemp("e2e-repos"), "--git-insteadof", f"{GIT_HOST}={git_host.root}/",
                          "--operation-delay", "0.1", "--extension-install-delay", "0.2",
                          "--reconcile-interval", "0.2") as emu:
        yield emu


@pytest.fixture
def repo_cluster(repo_emulator):
    """A fresh Arc cluster in a fresh resource group of `repo_emulator`."""
    return new_cluster(repo_emulator)
