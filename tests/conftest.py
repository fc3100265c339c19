"""Shared fixtures: a real emulator process (own port, data dir and AZURE_CONFIG_DIR per session, and per
pytest-xdist worker, always stopped) and a fresh cluster per test. Helpers for test modules are in
e2e_support.py; the emulator process itself comes from the one harness, k8sconfig_emulator.testing.

Long runs carry the `slow` marker (setup.cfg) and only run with K8SCONFIG_SLOW=1. K8SCONFIG_TEST_CPU=FILE appends
a line per test to FILE: CPU seconds (the test process plus the processes it waited for: az, git, emulators),
wall seconds, xdist worker, test id.
"""
from __future__ import annotations

import os
import resource
import time

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


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if os.environ.get("K8SCONFIG_TEST_CPU"):
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        before, started = _cpu_seconds(), time.monotonic()
        try:
            return (yield)
        finally:
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            with open(os.environ["K8SCONFIG_TEST_CPU"], "a") as out:   # one line per test, from every worker
                out.write(f"{_cpu_seconds() - before:.2f}\t{time.monotonic() - started:.2f}\t{worker}\t"
                          f"{item.nodeid}\n")


@pytest.fixture(scope="session")
def emulator(tmp_path_factory) -> Emulator:
    """Operations finish at once and polls do not wait (k8sconfig_emulator.testing.FAST)."""
    with running_emulator(tmp_path_factory.mktemp("e2e")) as emu:
        yield emu


@pytest.fixture
def cluster(emulator):
    return new_cluster(emulator)
