"""The benchmark smoke tests only check that every figure yields numbers: their emulators take the tests' fast
settings (bench/common.py, K8SCONFIG_BENCH_FAST), so no figure waits for a delay it does not measure here."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_bench_emulators(monkeypatch):
    monkeypatch.setenv("K8SCONFIG_BENCH_FAST", "1")
