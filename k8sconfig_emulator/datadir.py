"""Layout of the data dir: secrets, the running-emulator record, default location."""

from __future__ import annotations

import json
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from k8sconfig_emulator.config import ConfigError

RUNTIME_FILE = "emulator.json"


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local" / "share")
    return Path(base) / "k8sconfig-emulator"


def resolve(data_dir: str | os.PathLike | None) -> Path:
    if data_dir:
        return Path(data_dir).expanduser().resolve()
    from_env = os.environ.get("K8SCONFIG_EMULATOR_DATA_DIR")
    return Path(from_env).expanduser().resolve() if from_env else default_data_dir()


class DataDirError(ConfigError):
    """The data dir cannot hold the emulator's keys safely; the message says what to do."""


def ensure(data_dir: Path) -> Path:
    """Create the data dir 0700 when missing. An existing directory is used as it is, never chmod-ed (it may be
    shared, like a 1777 /tmp), and refused when another user could write to it or owns it: the dir holds the
    keys that sign tokens and the secret that gets them."""
    try:
        data_dir.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        check_private(data_dir)
    return data_dir


def check_private(data_dir: Path) -> None:
    info = data_dir.stat()
    if not stat.S_ISDIR(info.st_mode):
        raise DataDirError(f"--data-dir {data_dir} is not a directory.")
    mode = stat.S_IMODE(info.st_mode)
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise DataDirError(f"--data-dir {data_dir} belongs to another user (uid {info.st_uid}); use a directory of "
                           "your own, e.g. a new path, which the emulator creates private (0700).")
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise DataDirError(f"--data-dir {data_dir} is writable by other users (mode {mode:04o}), so they could "
                           "replace the emulator's keys. Use a directory only you can write to, e.g. a new path "
                           f"below it (the emulator creates it 0700), or remove that access yourself "
                           f"(chmod go-w {data_dir}); the emulator does not change the mode of existing directories.")


def write_private(path: Path, content: bytes) -> None:
    """Write a file readable by the owner only (created 0600, never briefly world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    os.chmod(path, 0o600)


def secret(data_dir: Path, name: str, nbytes: int = 32) -> str:
    """Read a named secret from the data dir, creating it on first use; one others can read is refused."""
    path = data_dir / name
    if not path.exists():
        write_private(path, secrets.token_urlsafe(nbytes).encode("ascii"))
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise DataDirError(f"{path} can be read or written by other users (mode {mode:04o}); delete it (a new one "
                           f"is made at the next start) or make it private (chmod 600 {path}).")
    return path.read_text().strip()


def signing_key(data_dir: Path) -> bytes:
    return secret(data_dir, "signing.key", 48).encode("ascii")


def identity_secret(data_dir: Path) -> str:
    return secret(data_dir, "identity.secret")


def admin_secret(data_dir: Path) -> str:
    return secret(data_dir, "admin.secret")


def read_runtime(data_dir: Path) -> dict | None:
    path = data_dir / RUNTIME_FILE
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


def write_runtime(data_dir: Path, port: int, pid: int) -> dict:
    record = {"port": port, "pid": pid, "url": f"https://127.0.0.1:{port}"}
    tmp = data_dir / (RUNTIME_FILE + ".tmp")
    tmp.write_text(json.dumps(record))
    tmp.replace(data_dir / RUNTIME_FILE)
    return record


def remove_runtime(data_dir: Path, pid: int | None = None) -> None:
    record = read_runtime(data_dir)
    if record is not None and (pid is None or record.get("pid") == pid):
        (data_dir / RUNTIME_FILE).unlink(missing_ok=True)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
