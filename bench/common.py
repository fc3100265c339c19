"""Shared plumbing for the benchmarks: a private emulator, the real `az`, the request log, statistics.

Nothing here measures anything; the fig_*.py modules do. Every emulator and temporary directory the
benchmarks create is removed again, and the emulator only listens on 127.0.0.1.
"""
from __future__ import annotations

import json
import math
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO = REPO / "examples" / "gitops-demo"
TUTORIAL_URL = "https://github.com/Azure/gitops-flux2-kustomize-helm-mt"
TOKEN_PATHS = ("/msi/token", "/metadata/identity/oauth2/token")


@dataclass
class Row:
    """One line of RESULTS.md."""
    figure: str
    ours: str
    baseline: str = "-"
    ratio: str = "-"
    notes: str = ""


@dataclass
class Section:
    """A figure's rows plus free-form detail (request lists, growth tables) printed below the table."""
    title: str
    rows: list[Row] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# -- statistics -------------------------------------------------------------------------------------
def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def ratio(ours: float, baseline: float) -> str:
    return f"{ours / baseline:.2f}" if baseline else "-"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def timed_runs(action, runs: int, warmup: int = 1) -> list[float]:
    """Wall times (s) of `runs` calls of action() after `warmup` unrecorded calls."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def machine_notes() -> str:
    cpus = os.cpu_count() or 0
    try:
        load = f"load {os.getloadavg()[0]:.2f}"
    except OSError:
        load = ""
    return f"{platform.system()} {platform.machine()}, {cpus} CPU, Python {platform.python_version()}, {load}"


# -- git --------------------------------------------------------------------------------------------
def git(repo: Path, *args: str) -> str:
    cmd = ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
           "-c", "commit.gpgsign=false", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


def commit_all(repo: Path, message: str = "bench content") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def make_git_repo(dest: Path, source: Path | None = DEMO) -> Path:
    if source is not None:
        shutil.copytree(source, dest)
    else:
        dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True, capture_output=True)
    commit_all(dest)
    return dest


# -- emulator ---------------------------------------------------------------------------------------
def _parse_exports(text: str) -> dict[str, str]:
    env = {}
    for line in text.splitlines():
        parts = shlex.split(line)
        if len(parts) == 2 and parts[0] == "export" and "=" in parts[1]:
            key, _, value = parts[1].partition("=")
            env[key] = value
    return env


class Emulator:
    """A detached k8sconfig-emulator with its own data dir, git repo and az environment."""

    def __init__(self, workdir: Path, *extra_args: str):
        self.workdir = workdir
        self.data_dir = workdir / "emulator"
        self.repo = make_git_repo(workdir / "gitops-demo")
        self._extra = list(extra_args)
        self.env: dict[str, str] = {}

    def tool(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "k8sconfig-emulator"), *args, "--data-dir", str(self.data_dir)],
                              capture_output=True, text=True, timeout=timeout, check=False)

    def start(self) -> Emulator:
        exe = BIN / "k8sconfig-emulator"
        if not exe.exists():
            raise RuntimeError(f"{exe} is missing; run `make venv` first")
        res = self.tool("start", "--port", "0", "--detach", "--git-insteadof", f"{TUTORIAL_URL}={self.repo}",
                        *self._extra)
        if res.returncode != 0:
            raise RuntimeError(f"k8sconfig-emulator start failed: {res.stderr.strip()}")
        printed = self.tool("env").stdout
        env = {**os.environ, **_parse_exports(printed)}
        env["AZURE_EXTENSION_DEV_SOURCES"] = str(REPO / ".venv" / "extdev")
        env["AZURE_EXTENSION_DIR"] = str(self.workdir / "no-installed-extensions")
        env["AZURE_CORE_NO_COLOR"] = "true"
        env["AZURE_CORE_ONLY_SHOW_ERRORS"] = "true"
        self.env = env
        return self

    def stop(self) -> None:
        self.tool("stop", timeout=60)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def runtime(self) -> dict:
        return json.loads((self.data_dir / "emulator.json").read_text())

    @property
    def url(self) -> str:
        return self.runtime["url"].rstrip("/")

    @property
    def pid(self) -> int:
        return int(self.runtime["pid"])

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("VmRSS not found")

    def add_cluster(self, name: str | None = None, group: str | None = None) -> dict:
        suffix = uuid.uuid4().hex[:8]
        group, name = group or f"rg-{suffix}", name or f"arc-{suffix}"
        res = self.tool("cluster", "add", name, "-g", group, "-t", "connectedClusters")
        if res.returncode != 0:
            raise RuntimeError(res.stderr)
        return {"group": group, "name": name, "args": ["-g", group, "-c", name, "-t", "connectedClusters"]}

    def az(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(BIN / "az"), *args, "--only-show-errors"], capture_output=True, text=True,
                              env=self.env, timeout=timeout, stdin=subprocess.DEVNULL, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"az {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")
        return proc

    # request log ------------------------------------------------------------------------------
    @property
    def log_path(self) -> Path:
        return self.data_dir / "requests.jsonl"

    def log_mark(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def requests_since(self, mark: int) -> list[dict]:
        with open(self.log_path, "rb") as fh:
            fh.seek(mark)
            return [json.loads(line) for line in fh.read().decode().splitlines() if line.strip()]


def is_token_call(entry: dict) -> bool:
    return entry["path"].lower() in TOKEN_PATHS


class OperationWatcher:
    """Polls the emulator's store (read-only) and records when each operation left InProgress.

    The emulator exposes no completion time (neither in the operation-status body nor in the request
    log), so this is the closest observation: resolution is the poll interval (5 ms).
    """

    def __init__(self, db_path: Path, interval: float = 0.005):
        self._db_path = db_path
        self._interval = interval
        self.done_at: dict[str, float] = {}
        self.actions: dict[str, tuple[str, str]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        conn = sqlite3.connect(f"file:{self._db_path}?mode=ro", uri=True, timeout=1, check_same_thread=False)
        finished_before: set[str] = set()
        first = True
        try:
            while not self._stop.is_set():
                try:
                    rows = conn.execute("SELECT id, kind, action, status FROM operations").fetchall()
                except sqlite3.OperationalError:
                    rows = []
                now = time.time()
                for op_id, kind, action, status in rows:
                    if status == "InProgress" or op_id in self.done_at or op_id in finished_before:
                        continue
                    if first:
                        finished_before.add(op_id)  # finished before we watched: no usable time
                    else:
                        self.done_at[op_id] = now
                        self.actions[op_id] = (kind, action)
                first = False
                self._stop.wait(self._interval)
        finally:
            conn.close()


def temp_workdir(prefix: str) -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix=f"k8sconfig-bench-{prefix}-")
