"""Layout of the data dir: secrets, the running-emulator record, default location."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

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


def ensure(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    return data_dir


def write_private(path: Path, content: bytes) -> None:
    """Write a file readable by the owner only (created 0600, never briefly world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    os.chmod(path, 0o600)


def secret(data_dir: Path, name: str, nbytes: int = 32) -> str:
    """Read a named secret from the data dir, creating it on first use."""
    path = data_dir / name
    if not path.exists():
        write_private(path, secrets.token_urlsafe(nbytes).encode("ascii"))
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
