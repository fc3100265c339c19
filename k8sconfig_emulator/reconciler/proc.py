"""Run git and kustomize confined: own process group killed on timeout, bounded output, isolated environment."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

# Only these variables of the emulator's own environment reach git and kustomize: no proxies, no SSH agent,
# no credential helpers, no KUBECONFIG, no user or system git configuration.
_KEEP_ENV = ("PATH", "TMPDIR", "SYSTEMROOT")


_ACTIVE: set[subprocess.Popen] = set()
_ACTIVE_LOCK = threading.Lock()


def stop_all() -> None:
    """Kill every git/kustomize run still going (the emulator is stopping)."""
    with _ACTIVE_LOCK:
        running = list(_ACTIVE)
    for proc in running:
        if proc.poll() is None:
            _kill(proc)


class OutputTooLarge(Exception):
    """The command printed more than it was allowed to."""


class Timeout(Exception):
    """The command ran longer than its timeout and was killed with its children."""


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: bytes
    stderr: bytes


def isolated_env(home: Path) -> dict[str, str]:
    """The environment of every git/kustomize run: an empty scratch HOME, no host git or ssh configuration."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
    env.update({
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LC_ALL": "C",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_SSH_COMMAND": "false",
        "GIT_SSH": "false",
        "SSH_AUTH_SOCK": "",
        "GIT_ASKPASS": "",
        "SSH_ASKPASS": "",
    })
    return env


def _read(stream, limit: int, sink: list[bytes], overflow: threading.Event) -> None:
    size = 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            return
        size += len(chunk)
        if size > limit:
            overflow.set()
            return
        sink.append(chunk)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.poll() is None:
        proc.kill()


def run(cmd: list[str], env: dict[str, str], timeout: float, max_output: int, cwd: Path | None = None) -> Completed:
    """Run ``cmd`` in its own process group; on timeout or too much output the whole group is killed.

    Raises Timeout, OutputTooLarge or OSError (command not found)."""
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    with _ACTIVE_LOCK:
        _ACTIVE.add(proc)
    out: list[bytes] = []
    err: list[bytes] = []
    overflow = threading.Event()
    readers = [threading.Thread(target=_read, args=(proc.stdout, max_output, out, overflow), daemon=True),
               threading.Thread(target=_read, args=(proc.stderr, 1024 * 1024, err, threading.Event()), daemon=True)]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    try:
        while True:  # poll, so that too much output stops the run at once and not only at the timeout
            try:
                proc.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                if overflow.is_set():
                    raise OutputTooLarge(f"the output is larger than {max_output // (1024 * 1024)} MiB") from None
                if time.monotonic() >= deadline:
                    raise Timeout(f"timed out after {timeout:g}s") from None
    finally:
        _kill(proc)  # the whole group: on timeout, and any child the command left behind
        for reader in readers:
            reader.join(timeout=5)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
        proc.wait()
        with _ACTIVE_LOCK:
            _ACTIVE.discard(proc)
    if overflow.is_set():
        raise OutputTooLarge(f"the output is larger than {max_output // (1024 * 1024)} MiB")
    return Completed(proc.returncode, b"".join(out), b"".join(err))
