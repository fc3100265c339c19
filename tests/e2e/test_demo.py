"""`make demo`'s script, run as a user runs it: the tutorial end to end, and nothing left running."""
from __future__ import annotations

import json
import os
import subprocess

from e2e_support import BIN, REPO


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_demo_runs_the_tutorial_and_stops_the_emulator():
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "AZURE_CORE_NO_COLOR": "true"}
    for var in ("AZURE_CONFIG_DIR", "AZURE_EXTENSION_DIR", "REQUESTS_CA_BUNDLE", "IDENTITY_ENDPOINT"):
        env.pop(var, None)
    run = subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=600, check=False, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    assert "Demo finished" in out
    assert "az k8s-configuration flux create -g flux-demo-rg -c flux-demo-arc -n cluster-config" in out
    assert "Compliant" in out and "cluster-config-apps" in out and "podinfo" in out
    assert "Traceback" not in run.stderr
    state = REPO / ".demo" / "emulator" / "emulator.json"
    if state.exists():  # stop removes it; if it is still there, its process must be gone
        assert not _alive(json.loads(state.read_text())["pid"])
