"""README.md's emulator block, run as written in bash from the repository root, with a clean HOME (so a clean
data dir and az config) and no network: it ends Compliant, prints what the README says it prints, leaves no
emulator running, and gives the shell back to Azure."""
from __future__ import annotations

import json
import os
import re
import subprocess

from e2e_support import BIN, REPO

HEADING = "## Point a shell at the emulator"


def _fenced_blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE)


def readme_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    return text[start:end if end != -1 else len(text)]


def _normalise(output: str, home: str) -> list[str]:
    output = output.replace(home, "~")
    output = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", output)
    output = re.sub(r"\(pid \d+", "(pid PID", output)
    return [line.rstrip() for line in output.splitlines()]


def test_readme_emulator_block_runs_offline_to_compliant(tmp_path):
    section = readme_section()
    (block,) = _fenced_blocks(section, "bash")
    (expected,) = _fenced_blocks(section, "text")
    assert block.startswith("make venv && . .venv/bin/activate")
    assert "--wait-for-compliance" in block and 'env --unset' in block

    home = tmp_path / "home"
    home.mkdir()
    shims = tmp_path / "shims"
    shims.mkdir()
    # `make venv` is already done (this test runs in that virtualenv): record the call, change nothing.
    (shims / "make").write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/make-calls\n')
    (shims / "make").chmod(0o755)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AZURE_", "IDENTITY_", "K8SCONFIG_EMULATOR", "REQUESTS_CA_BUNDLE", "XDG_", "VIRTUAL"))}
    env.update(HOME=str(home), AZURE_CORE_NO_COLOR="true",
               PATH=os.pathsep.join([str(shims), env.get("PATH", "")]).replace(f"{BIN}{os.pathsep}", ""))
    script = ("set -euo pipefail\n" + block +
              '\necho "AFTER_UNSET=${AZURE_CONFIG_DIR:-unset} ${IDENTITY_ENDPOINT:-unset}"\n')
    run = subprocess.run(["bash", "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
                         check=False, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert (tmp_path / "make-calls").read_text().split() == ["venv"]

    lines = _normalise(run.stdout + "\n" + run.stderr, str(home))
    assert "Compliant" in run.stdout.splitlines()  # --query complianceState -o tsv
    missing = [line for line in expected.splitlines() if line.strip() and line.rstrip() not in lines]
    assert not missing, "README's expected output lines not printed:\n" + "\n".join(missing) + "\n---\n" + \
        "\n".join(lines)
    assert "Traceback" not in run.stderr
    assert "AFTER_UNSET=unset unset" in run.stdout

    data = home / ".local" / "share" / "k8sconfig-emulator"
    assert not (data / "emulator.json").exists()  # stopped
    assert json.loads((data / "azure" / "azureProfile.json").read_text())["subscriptions"] == []  # closed
