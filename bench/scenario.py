"""The command lifecycle that figures 2 and 3 observe: one az command per step on a fresh cluster.

For every step it keeps the ARM requests the emulator logged, the wall-clock end of the command and
the operations the command polled, with the time the emulator marked each one done.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from bench.common import TUTORIAL_URL, Emulator, OperationWatcher, is_token_call

OP_RE = re.compile(r"/operations/([0-9a-fA-F-]{36})$")


@dataclass
class StepResult:
    name: str
    requests: list[dict]
    started: float
    ended: float
    op_done: dict[str, float] = field(default_factory=dict)   # op id -> time marked done (epoch s)

    @property
    def arm_requests(self) -> list[dict]:
        return [r for r in self.requests if not is_token_call(r)]

    @property
    def token_requests(self) -> int:
        return sum(1 for r in self.requests if is_token_call(r))

    def polled_ops(self) -> list[str]:
        ops = []
        for r in self.arm_requests:
            m = OP_RE.search(r["path"])
            if m and m.group(1).lower() not in ops:
                ops.append(m.group(1).lower())
        return ops


def steps(cluster: dict) -> list[tuple[str, list[str]]]:
    """(label, az argv) in order; the labels are the figure-2 row names."""
    c = cluster["args"]
    flux = ["k8s-configuration", "flux"]
    k = [*flux, "kustomization"]
    create = ["-u", TUTORIAL_URL, "--branch", "main", "-o", "none"]
    return [
        ("create (extension absent)", [*flux, "create", *c, "-n", "cfg-a", *create,
                                       "--kustomization", "name=infra", "path=./infrastructure", "prune=true"]),
        ("create (extension present)", [*flux, "create", *c, "-n", "cfg-b", *create,
                                        "--kustomization", "name=infra", "path=./infrastructure"]),
        ("update", [*flux, "update", *c, "-n", "cfg-a", "--interval", "5m", "-o", "none"]),
        ("kustomization create", [*k, "create", *c, "-n", "cfg-a", "-k", "apps", "--path", "./apps/staging",
                                  "--depends-on", "infra", "-o", "none"]),
        ("kustomization update", [*k, "update", *c, "-n", "cfg-a", "-k", "apps", "--prune", "true", "-o", "none"]),
        ("kustomization delete", [*k, "delete", *c, "-n", "cfg-a", "-k", "apps", "--yes", "-o", "none"]),
        ("show", [*flux, "show", *c, "-n", "cfg-a", "-o", "none"]),
        ("list", [*flux, "list", *c, "-o", "none"]),
        ("check", [*flux, "check", *c, "-o", "none"]),
        ("delete", [*flux, "delete", *c, "-n", "cfg-b", "--yes", "-o", "none"]),
    ]


def run_lifecycle(emu: Emulator, only: set[str] | None = None) -> list[StepResult]:
    """Run the steps once on a new cluster (steps not in `only` still run, to keep state right, unrecorded)."""
    cluster = emu.add_cluster()
    results = []
    with OperationWatcher(emu.data_dir / "emulator.db") as watcher:
        for label, argv in steps(cluster):
            mark = emu.log_mark()
            started = time.time()
            emu.az(*argv)
            ended = time.time()
            if only is not None and label not in only:
                continue
            step = StepResult(label, emu.requests_since(mark), started, ended)
            deadline = time.time() + 2
            while time.time() < deadline and not all(o in watcher.done_at for o in step.polled_ops()):
                time.sleep(0.01)  # the watcher may be one poll behind
            step.op_done = {o: watcher.done_at[o] for o in step.polled_ops() if o in watcher.done_at}
            results.append(step)
    return results


def collect(emu: Emulator, max_runs: int, budget_s: float) -> list[list[StepResult]]:
    """Lifecycle runs after a warm-up: at least one, up to max_runs while the time budget lasts."""
    warm_cluster = emu.add_cluster()
    emu.az("k8s-configuration", "flux", "list", *warm_cluster["args"], "-o", "none")  # warm-up
    runs: list[list[StepResult]] = []
    started = time.monotonic()
    while len(runs) < max_runs:
        lap = time.monotonic()
        runs.append(run_lifecycle(emu))
        lap = time.monotonic() - lap
        if time.monotonic() - started + lap > budget_s:
            break
    return runs
