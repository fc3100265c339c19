"""Shared fixtures: a real emulator process (own port, data dir and AZURE_CONFIG_DIR per session, and per
pytest-xdist worker, always stopped) and a fresh cluster per test. Helpers for test modules are in
e2e_support.py; the emulator process itself comes from the one harness, k8sconfig_emulator.testing.

Long runs carry the `slow` marker (setup.cfg) and only run with K8SCONFIG_SLOW=1."""
from __future__ import annotations

import os

import pytest
from e2e_support import Emulator, new_cluster, running_emulator

SLOW = os.environ.get("K8SCONFIG_SLOW") == "1"


def pytest_collection_modifyitems(config, items):
    if SLOW:
        return
    skip = pytest.mark.skip(reason="long run; set K8SCONFIG_SLOW=1 to enable")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory) -> Emulator:
    """Operations finish at once and polls do not wait (k8sconfig_emulator.testing.FAST)."""
    with running_emulator(tmp_path_factory.mktemp("e2e")) as emu:
        yield emu


@pytest.fixture
def cluster(emulator):
    return new_cluster(emulator)
