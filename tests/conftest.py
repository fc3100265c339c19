"""Shared fixtures: a real emulator process (own port, data dir and AZURE_CONFIG_DIR per session, always
stopped) and a fresh cluster per test. Helpers for test modules are in e2e_support.py."""
from __future__ import annotations

import pytest
from e2e_support import Emulator, new_cluster, running_emulator


@pytest.fixture(scope="session")
def emulator(tmp_path_factory) -> Emulator:
    with running_emulator(tmp_path_factory.mktemp("e2e"), "--extension-install-delay", "0.5") as emu:
        yield emu


@pytest.fixture
def cluster(emulator):
    return new_cluster(emulator)
