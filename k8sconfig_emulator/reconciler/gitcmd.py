"""Run ``git`` safely: no shell, a timeout, no prompts, no credential helpers, secrets only in the environment."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import proc

_ASKPASS = """#!/bin/sh
case "$1" in
  Username*|username*) printf '%s\\n' "$K8SCFG_GIT_USERNAME" ;;
  *) printf '%s\\n' "$K8SCFG_GIT_PASSWORD" ;;
esac
"""
MAX_GIT_OUTPUT = 64 * 1024 * 1024


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
        fd, name = tempfile.mkstemp(dir=cache_dir, prefix=".askpass-")  # one per writer: reconciles run in parallel
        with os.fdopen(fd, "w") as handle:
            handle.write(_ASKPASS)
        tmp = Path(name)
        tmp.chmod(0o700)
        tmp.replace(path)
    return path


def git_env(auth: GitAuth | None, cache_dir: Path) -> dict[str, str]:
    env = proc.isolated_env(cache_dir / "home")
    env.update(
        {
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


def _verb(args: list[str]) -> str:
    rest = args[2:] if args[:1] == ["--git-dir"] else args
    return rest[0] if rest else ""


def run_git(args: list[str], env: dict[str, str], timeout: float, binary: bool = False) -> str | bytes:
    """Run ``git -c credential.helper= ARGS``; returns stdout, raises GitCommandError with git's message."""
    cmd = ["git", "-c", "credential.helper=", "-c", "safe.directory=*", "-c", "core.symlinks=true", *args]
    try:
        done = proc.run(cmd, env, timeout, MAX_GIT_OUTPUT)
    except FileNotFoundError as exc:
        raise GitCommandError("the git command is not installed or not on PATH") from exc
    except proc.Timeout as exc:
        raise GitCommandError(f"git {_verb(args)} timed out after {timeout:g}s and was stopped") from exc
    except proc.OutputTooLarge as exc:
        raise GitCommandError(f"git {_verb(args)}: {exc}") from exc
    if done.returncode != 0:
        raise GitCommandError(_summary(done.stderr.decode("utf-8", "replace")))
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")
