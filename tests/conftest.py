"""Shared fixtures: a real emulator process (own port, data dir and AZURE_CONFIG_DIR per session, always
stopped) and a fresh cluster per test. Helpers for test modules are in e2e_support.py."""
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


@pytest.fixture(scope="session")
def emulator(tmp_path_factory) -> Emulator:
    if not (BIN / "k8sconfig-emulator").exists():
        pytest.fail("k8sconfig-emulator is not installed in this virtualenv; run `make test`")
    base = tmp_path_factory.mktemp("e2e")
    repo = make_demo_repo(base / "gitops-demo")
    data = base / "emulator"
    start = subprocess.run(
        [str(BIN / "k8sconfig-emulator"), "start", "--port", "0", "--data-dir", str(data), "--detach",
         "--git-insteadof", f"{TUTORIAL_URL}={repo}", "--extension-install-delay", "0.5"],
        check=False, capture_output=True, text=True, timeout=120)
    assert start.returncode == 0, start.stderr
    try:
        printed = subprocess.run([str(BIN / "k8sconfig-emulator"), "env", "--data-dir", str(data)],
                                 capture_output=True, text=True, check=True).stdout
        env = {**os.environ, **_parse_exports(printed)}
        env["AZURE_EXTENSION_DEV_SOURCES"] = str(REPO / ".venv" / "extdev")
        env.pop("AZURE_EXTENSION_DIR", None)
        env["AZURE_EXTENSION_DIR"] = str(base / "no-installed-extensions")
        env["AZURE_CORE_NO_COLOR"] = "true"
        env["AZURE_CORE_ONLY_SHOW_ERRORS"] = "false"
        yield Emulator(data, env, repo)
    finally:
        subprocess.run([str(BIN / "k8sconfig-emulator"), "stop", "--data-dir", str(data)],
                       check=False, capture_output=True, text=True, timeout=60)


@pytest.fixture
def cluster(emulator):
    """A fresh Arc cluster in a fresh resource group, so tests never see each other's resources."""
    suffix = uuid.uuid4().hex[:8]
    group, name = f"rg-{suffix}", f"arc-{suffix}"
    emulator.add_cluster(name, group)
    return {"group": group, "name": name, "args": ["-g", group, "-c", name, "-t", "connectedClusters"]}


