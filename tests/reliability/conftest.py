"""Fixtures of the reliability suite.

Heavy runs carry the `slow` marker and only run with K8SCONFIG_SLOW=1. The session `emulator` and `cluster`
fixtures come from tests/conftest.py; the helpers (Emulator, make_demo_repo, wait_until) from tests/e2e_support.py.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import e2e_support as support
import pytest

SLOW = os.environ.get("K8SCONFIG_SLOW") == "1"
TESTS = Path(__file__).resolve().parents[1]
if str(TESTS.parent) not in sys.path:  # the extension package, however pytest was started
    sys.path.insert(0, str(TESTS.parent))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long reliability runs; enabled with K8SCONFIG_SLOW=1")


def pytest_collection_modifyitems(config, items):
    if SLOW:
        return
    skip = pytest.mark.skip(reason="long run; set K8SCONFIG_SLOW=1 to enable")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def wait_until():
    return support.wait_until


@pytest.fixture(scope="session")
def private_emulator(tmp_path_factory):
    """Factory for emulator processes of our own (fault injection, SIGKILL): `start(name, *extra_args)`.

    Each has `.handle`, an e2e_support.Emulator (with .az, .requests_since, .tool) plus `.kill()` and `.start()` (a restart on the same data dir and port).
    Every process started here is stopped at the end of the session.
    """
    started: list[PrivateEmulator] = []

    def start(name: str, *extra: str) -> PrivateEmulator:
        base = tmp_path_factory.mktemp(name)
        emu = PrivateEmulator(base, list(extra))
        started.append(emu)
        emu.start()
        return emu

    yield start
    for emu in started:
        emu.stop()


class PrivateEmulator:
    """One emulator process (a direct child, so SIGKILL and restart are ours) in its own data dir."""

    def __init__(self, base: Path, extra: list[str]):
        self.base = base
        self.data_dir = base / "emulator"
        self.demo_repo = support.make_demo_repo(base / "gitops-demo")
        self.extra = extra
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.handle = None

    def _cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([str(support.BIN / "k8sconfig-emulator"), *args, "--data-dir", str(self.data_dir)],
                              capture_output=True, text=True, timeout=timeout, check=False)

    def _record(self) -> dict | None:
        try:
            return json.loads((self.data_dir / "emulator.json").read_text())
        except (OSError, ValueError):
            return None

    def start(self) -> None:
        """Start (or restart after kill(): same data dir, same port)."""
        with open(self.base / "emulator.log", "ab") as log:
            self.proc = subprocess.Popen(
                [str(support.BIN / "k8sconfig-emulator"), "start", "--port", str(self.port), "--data-dir",
                 str(self.data_dir), "--git-insteadof", f"{support.TUTORIAL_URL}={self.demo_repo}", *self.extra],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def serving():
            assert self.proc.poll() is None, (self.base / "emulator.log").read_text()[-2000:]
            record = self._record()
            return record if record and record.get("pid") == self.proc.pid else None

        record = support.wait_until(serving, timeout=60, interval=0.05)
        self.port = int(record["port"])
        env = {**os.environ, **support._parse_exports(self._cli("env").stdout)}
        env.update(AZURE_EXTENSION_DEV_SOURCES=str(support.REPO / ".venv" / "extdev"),
                   AZURE_EXTENSION_DIR=str(self.base / "no-installed-extensions"),
                   AZURE_CORE_NO_COLOR="true", AZURE_CORE_ONLY_SHOW_ERRORS="false")
        self.handle = support.Emulator(self.data_dir, env, self.demo_repo)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs and emulator.json stays behind."""
        self.proc.kill()
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)

    def add_cluster(self) -> dict:
        suffix = uuid.uuid4().hex[:8]
        group, name = f"rg-{suffix}", f"arc-{suffix}"
        self.handle.add_cluster(name, group)
        return {"group": group, "name": name, "args": ["-g", group, "-c", name, "-t", "connectedClusters"]}

    def faults(self, *args: str) -> dict:
        res = self._cli("faults", *args)
        assert res.returncode == 0, res.stderr
        return json.loads(res.stdout)
