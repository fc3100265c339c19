"""In-process `az` for the command-surface tests, plus short names for the session emulator and a fresh
cluster. Every in-process run uses a session-wide empty AZURE_CONFIG_DIR: nobody is logged in."""
from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class InProcessResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self):
        import json
        return json.loads(self.stdout)


@pytest.fixture(scope="session")
def az_config_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("azconfig")


@pytest.fixture
def run_az(az_config_dir, monkeypatch, capsys, caplog):
    """Run `az ARGS...` through the real command table, in this process, with no login."""
    monkeypatch.setenv("AZURE_CONFIG_DIR", str(az_config_dir))
    monkeypatch.setenv("AZURE_EXTENSION_DEV_SOURCES", str(REPO / ".venv" / "extdev"))
    monkeypatch.setenv("AZURE_EXTENSION_DIR", str(az_config_dir / "no-installed-extensions"))
    monkeypatch.setenv("AZURE_CORE_COLLECT_TELEMETRY", "false")
    monkeypatch.setenv("AZURE_CORE_NO_COLOR", "true")
    monkeypatch.setenv("AZURE_CORE_DISABLE_PROGRESS_BAR", "true")
    if not (REPO / ".venv" / "extdev" / "k8s-configuration").exists():
        pytest.fail("the extension is not linked for development; run `make extdev`")

    def run(*args: str) -> InProcessResult:
        from azure.cli.core.mock import DummyCli
        out = io.StringIO()
        capsys.readouterr()
        caplog.clear()
        try:
            code = DummyCli().invoke([str(a) for a in args], out_file=out)
        except SystemExit as ex:  # argparse errors
            code = ex.code
        captured = capsys.readouterr()
        # az reports errors and warnings through logging; pytest's log capture holds them
        logged = "\n".join(f"{r.levelname}: {r.getMessage()}" + (f"\n{caplog.handler.format(r)}" if r.exc_info else "")
                           for r in caplog.records if r.levelno >= 30)
        return InProcessResult(code, out.getvalue() + captured.out, captured.err + logged)
    return run


@pytest.fixture
def emu(emulator):
    """The session emulator of tests/conftest.py."""
    return emulator


@pytest.fixture
def arc(cluster):
    """A fresh Arc cluster registered in the emulator."""
    return cluster


def _no_traceback(result: InProcessResult) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "unexpected error" not in result.stderr.lower(), result.stderr


@pytest.fixture
def no_traceback():
    """Assert that a failed run is a clean az error, not a crash."""
    return _no_traceback


os.environ.setdefault("AZURE_CORE_COLLECT_TELEMETRY", "false")
