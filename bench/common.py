"""Shared plumbing for the benchmarks: a private emulator, the real `az`, the request log, statistics.

Nothing here measures anything; the fig_*.py modules do. Every emulator and temporary directory the
benchmarks create is removed again, and the emulator only listens on 127.0.0.1.
"""
from __future__ import annotations

import math
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from k8sconfig_emulator.testing import EmulatorProcess, fast_args

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


# Per-item cost may grow this much between two sizes before a figure calls it worse than linear.
LINEAR_LIMIT = 1.5


def growth_verdict(factor: float) -> str:
    """The words for how per-item cost grew by ``factor`` from one size to the next."""
    return "linear or better" if factor <= LINEAR_LIMIT else "WORSE than linear"


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
class Emulator(EmulatorProcess):
    """An emulator process (the one harness, k8sconfig_emulator.testing) with its own data dir under
    `workdir`, a git repository the tutorial URL is rewritten to, and the real `az` pointed at it.

    Benchmarks keep the emulator's default delays unless `extra_args` set them, so that what they measure is
    what a user of the emulator sees. With K8SCONFIG_BENCH_FAST=1 (the benchmark smoke tests, which only check
    that every figure yields numbers) the unset ones take the tests' fast settings."""

    def __init__(self, workdir: Path, *extra_args: str):
        self.workdir = workdir
        self.repo = make_git_repo(workdir / "gitops-demo")
        if os.environ.get("K8SCONFIG_BENCH_FAST") == "1":
            extra_args = tuple(fast_args(*extra_args))
        super().__init__(workdir / "emulator", "--git-insteadof", f"{TUTORIAL_URL}={self.repo}", *extra_args,
                         extension_sources=REPO / ".venv" / "extdev",
                         az_env={"AZURE_CORE_NO_COLOR": "true", "AZURE_CORE_ONLY_SHOW_ERRORS": "true"})

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("VmRSS not found")

    def az(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """`az ARGS --only-show-errors`; a failure raises RuntimeError with the end of its stderr."""
        proc = super().az(*args, "--only-show-errors", timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"az {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")
        return proc


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
