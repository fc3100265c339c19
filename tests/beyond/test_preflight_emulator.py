"""run_preflight against the local emulator with the real azure-cli client factory (skipped without it).

The checks run in a child Python process so the emulator's AZURE_CONFIG_DIR / CA bundle / identity
variables apply to azure-cli exactly as they would for `az`, without touching this process's environment.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from azext_k8s_configuration.providers.preflight import (
    CHECK_CLUSTER,
    CHECK_EXTENSION,
    CHECK_FLUX_V1,
)

REPO = Path(__file__).resolve().parents[2]
EMULATOR_BIN = Path(sys.executable).parent / "k8sconfig-emulator"
SCRIPT = """
import json, sys
from types import SimpleNamespace
from azure.cli.core import get_default_cli
from azext_k8s_configuration.providers.preflight import run_preflight

group, name, fix = sys.argv[1], sys.argv[2], sys.argv[3] == "fix"
cluster = SimpleNamespace(resource_group=group, cluster_rp="Microsoft.Kubernetes",
                          cluster_type="connectedClusters", cluster_name=name)
print(json.dumps(run_preflight(SimpleNamespace(cli_ctx=get_default_cli()), cluster, fix)))
"""

pytestmark = pytest.mark.skipif(not EMULATOR_BIN.exists(),
                                reason="k8sconfig-emulator is not installed in this virtualenv")


def _preflight(emulator, group: str, name: str, fix: bool) -> dict:
    env = {**emulator.env, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, group, name, "fix" if fix else "check"],
                          check=False, capture_output=True, text=True, env=env, timeout=180,
                          cwd=str(REPO))
    assert proc.returncode == 0, proc.stderr
    return {r["check"]: r for r in json.loads(proc.stdout.strip().splitlines()[-1])}


def test_preflight_fix_installs_flux_extension(emulator, cluster):
    before = _preflight(emulator, cluster["group"], cluster["name"], fix=False)
    assert before[CHECK_CLUSTER]["ok"] is True
    assert before[CHECK_EXTENSION]["ok"] is False and before[CHECK_EXTENSION]["detail"] == "not installed"
    assert before[CHECK_FLUX_V1]["ok"] is True

    after = _preflight(emulator, cluster["group"], cluster["name"], fix=True)
    assert all(result["ok"] is True for result in after.values()), after
    assert "Succeeded" in after[CHECK_EXTENSION]["detail"]


def test_preflight_reports_missing_cluster(emulator, cluster):
    results = _preflight(emulator, cluster["group"], "no-such-cluster", fix=False)
    assert results[CHECK_CLUSTER]["ok"] is False
    assert results[CHECK_CLUSTER]["fix_command"] == f"az connectedk8s connect -g {cluster['group']} -n no-such-cluster"
    assert results[CHECK_EXTENSION]["ok"] is None
