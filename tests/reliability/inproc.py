"""Run `az ...` in this process through the real command table and classify the outcome.

Outcome kinds:
- "ok":        exit code 0
- "az-error":  an azure.cli.core.azclierror error, a knack CLIError raised by az itself (e.g. "Please run
               'az login'"), or an argparse usage error (exit code 2)
- "crash":     any other exception reached az's exception handler (it would print a traceback)
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Outcome:
    kind: str
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None = None

    def describe(self, argv) -> str:
        return (f"az {' '.join(map(str, argv))}\n -> {self.kind} (exit {self.exit_code}) "
                f"{type(self.exception).__name__ if self.exception else ''}: {self.exception}\n{self.stderr[-3000:]}")


def offline_env(config_dir: Path) -> dict[str, str]:
    """Environment for in-process dry runs: nobody logged in, any HTTP request hits a dead proxy."""
    return {
        "AZURE_CONFIG_DIR": str(config_dir),
        "AZURE_EXTENSION_DEV_SOURCES": str(REPO / ".venv" / "extdev"),
        "AZURE_EXTENSION_DIR": str(config_dir / "no-installed-extensions"),
        "AZURE_CORE_COLLECT_TELEMETRY": "false",
        "AZURE_CORE_NO_COLOR": "true",
        "AZURE_CORE_DISABLE_PROGRESS_BAR": "true",
        "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "",
    }


def _cli_class():
    from azure.cli.core.mock import DummyCli

    class RecordingCli(DummyCli):
        """DummyCli that remembers the exception az's handler was given."""

        last_exception: BaseException | None = None

        def exception_handler(self, ex):
            RecordingCli.last_exception = ex
            return super().exception_handler(ex)

    return RecordingCli


def run(argv, env: dict[str, str]) -> Outcome:
    """One in-process invocation with `env` applied to os.environ for its duration."""
    import azure.cli.core.cloud  # noqa: F401 - imported so that its module constant can be patched

    cls = _cli_class()
    cls.last_exception = None
    out, err = io.StringIO(), io.StringIO()
    # azure-cli computes these paths at import time from the AZURE_CONFIG_DIR of that moment
    config_dir = env.get("AZURE_CONFIG_DIR", os.environ.get("AZURE_CONFIG_DIR", ""))
    paths = [mock.patch("azure.cli.core.cloud.CLOUD_CONFIG_FILE", os.path.join(config_dir, "clouds.config")),
             mock.patch("azure.cli.core._config.GLOBAL_CONFIG_DIR", config_dir)]
    with contextlib.ExitStack() as stack:
        for patch in paths:
            stack.enter_context(patch)
        return _invoke(cls, argv, env, out, err)


def _invoke(cls, argv, env, out, err) -> Outcome:
    from azure.cli.core.azclierror import AzCLIError
    from knack.util import CLIError

    root = logging.getLogger()
    saved_handlers = list(root.handlers)
    with mock.patch.dict(os.environ, env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cls().invoke([str(a) for a in argv], out_file=out)
        except SystemExit as ex:  # argparse usage errors
            code = ex.code if isinstance(ex.code, int) else 2
        finally:
            for handler in list(root.handlers):  # knack adds console handlers per invocation
                if handler not in saved_handlers:
                    root.removeHandler(handler)
    ex = cls.last_exception
    if code == 0 and ex is None:
        kind = "ok"
    elif ex is None or isinstance(ex, (AzCLIError, CLIError)):
        kind = "az-error"
    else:
        kind = "crash"
    return Outcome(kind, code, out.getvalue(), err.getvalue(), ex)
