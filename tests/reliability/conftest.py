"""Fixtures of the reliability suite.

Heavy runs carry the `slow` marker and only run with K8SCONFIG_SLOW=1 (tests/conftest.py). The session `emulator`
and `cluster` fixtures come from tests/conftest.py; the helpers (Emulator, make_demo_repo, wait_until) from
tests/e2e_support.py, whose emulators come from the one harness, k8sconfig_emulator.testing.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import e2e_support as support
import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS.parent) not in sys.path:  # the extension package, however pytest was started
    sys.path.insert(0, str(TESTS.parent))


@pytest.fixture(scope="session")
def wait_until():
    return support.wait_until


@pytest.fixture(scope="session")
def private_emulator(tmp_path_factory):
    """Factory for emulator processes of our own (fault injection, SIGKILL): `start(name, *extra_args)`.

    Each is an e2e_support.Emulator (.az, .requests_since, .tool, .env; `.handle` is itself) plus `.kill()` and
    `.start()` (a restart on the same data dir and port). Every process started here is stopped at the end of
    the session.
    """
    started: list[PrivateEmulator] = []

    def start(name: str, *extra: str) -> PrivateEmulator:
        emu = PrivateEmulator(tmp_path_factory.mktemp(name), *extra)
        started.append(emu)
        emu.start()
        return emu

    yield start
    for emu in started:
        emu.stop()


class PrivateEmulator(support.Emulator):
    """One emulator process (a direct child, so SIGKILL and restart are ours) in its own data dir."""

    @property
    def handle(self) -> support.Emulator:
        return self

    def faults(self, *args: str) -> dict:
        """`k8sconfig-emulator faults ARGS` as a user runs it; returns the knobs it prints."""
        res = self.tool("faults", *args)
        assert res.returncode == 0, res.stderr
        return json.loads(res.stdout)
