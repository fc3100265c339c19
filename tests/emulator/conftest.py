"""Fixtures: a real emulator process (port 0, tmp data dir) that is always stopped afterwards."""

from __future__ import annotations

import pytest
from emu_helpers import Emulator

from k8sconfig_emulator.testing import fast_args


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """Short but non-zero delays: these tests watch operations and the reconciler go through their states."""
    instance = Emulator(tmp_path_factory.mktemp("emu") / "data",
                        fast_args("--operation-delay", "0.1", "--extension-install-delay", "0.2",
                                  "--reconcile-interval", "0.2"))
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()


@pytest.fixture
def fresh_emulator(tmp_path):
    """A private emulator for tests that change global state (restart, provider state, knobs)."""
    created: list[Emulator] = []

    def factory(*args: str) -> Emulator:
        instance = Emulator(tmp_path / f"data{len(created)}", fast_args(*args))
        created.append(instance)      # registered first, so a failed start is still stopped
        instance.start()
        return instance

    try:
        yield factory
    finally:
        for instance in created:
            instance.stop()
