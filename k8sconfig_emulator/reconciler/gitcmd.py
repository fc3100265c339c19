"""Run ``git`` safely: no shell, a timeout, no prompts, no credential helpers, secrets only in the environment."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

_ASKPASS = """#!/bin/sh
case "$1" in
  Username*|username*) printf '%s\\n' "$K8SCFG_GIT_USERNAME" ;;
  *) printf '%s\\n' "$K8SCFG_GIT_PASSWORD" ;;
esac
"""
_KEEP_ENV = ("PATH", "HOME", "TMPDIR", "SYSTEMROOT")


class GitCommandError(Exception):
    """git failed; ``detail`` is git's own (unscrubbed) stderr summary."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class GitAuth:
    username: str | None = None
    password: str | None = None
    ca_file: Path | None = None  # PEM bundle for https (httpsCACert)

    @property
    def secrets(self) -> list[str]:
        return [s for s in (self.password,) if s]


def askpass_script(cache_dir: Path) -> Path:
    """A helper that answers git's prompts from environment variables (the script holds no secret)."""
    path = cache_dir / "askpass.sh"
    if not path.exists() or path.read_text() != _ASKPASS:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(_ASKPASS)
        tmp.chmod(0o700)
        tmp.replace(path)
    return path


def git_env(auth: GitAuth | None, cache_dir: Path) -> dict[str, str]:
    env = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
    env.update(
        {
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_ALLOW_PROTOCOL": "file:http:https",
            "GIT_HTTP_LOW_SPEED_LIMIT": "1",
            "GIT_HTTP_LOW_SPEED_TIME": "60",
        }
    )
    if auth and (auth.username or auth.password):
        env["GIT_ASKPASS"] = str(askpass_script(cache_dir))
        env["K8SCFG_GIT_USERNAME"] = auth.username or "git"
        env["K8SCFG_GIT_PASSWORD"] = auth.password or ""
    if auth and auth.ca_file:
        env["GIT_SSL_CAINFO"] = str(auth.ca_file)
    return env


def _summary(stderr: str) -> str:
    lines = []
    for raw in stderr.splitlines():
        line = raw.strip()
        for prefix in ("fatal: ", "error: ", "remote: "):
            line = line.removeprefix(prefix)
        if not line or line.startswith(("Please make sure", "and the repository exists", "hint:")):
            continue
        lines.append(line)
    return "; ".join(lines[:3]) or "git exited with an error"


def run_git(args: list[str], env: dict[str, str], timeout: float, binary: bool = False) -> str | bytes:
    """Run ``git -c credential.helper= ARGS``; returns stdout, raises GitCommandError with git's message."""
    cmd = ["git", "-c", "credential.helper=", "-c", "safe.directory=*", *args]
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise GitCommandError("the git command is not installed or not on PATH") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitCommandError(f"git {args[0] if args else ''} timed out after {int(timeout)}s") from exc
    if proc.returncode != 0:
        raise GitCommandError(_summary(proc.stderr.decode("utf-8", "replace")))
    return proc.stdout if binary else proc.stdout.decode("utf-8", "replace")
