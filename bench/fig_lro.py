"""Figure 3: LRO latency, from the emulator marking the operation done to the az command returning.

The done time comes from OperationWatcher (bench/common.py), which watches the emulator's store; the
emulator itself exposes no completion time. The target is one Retry-After interval.
"""
from __future__ import annotations

from bench.common import Row, Section, median, ms
from bench.scenario import StepResult

RETRY_AFTER_S = 1.0   # the emulator answers writes with `Retry-After: 1`
MEASURED = ("create (extension present)", "update", "delete")


def latency(step: StepResult) -> float | None:
    """Seconds from the last polled operation's completion to the end of the command."""
    ops = step.polled_ops()
    if not ops or ops[-1] not in step.op_done:
        return None
    return step.ended - step.op_done[ops[-1]]


def build(runs: list[list[StepResult]]) -> Section:
    section = Section("3. LRO latency (operation done -> command returned)")
    for name in MEASURED:
        values = [v for run in runs for s in run if s.name == name for v in [latency(s)] if v is not None]
        if not values:
            section.rows.append(Row(f"3. LRO latency: {name}", "n/a", notes="no completed operation observed"))
            section.problems.append(f"no LRO latency for `{name}`")
            continue
        value = median(values)
        ok = value < RETRY_AFTER_S
        label = name.split(" (")[0]
        section.rows.append(Row(f"3. LRO latency: {label} (median of {len(values)})", ms(value),
                                f"{RETRY_AFTER_S:.0f} s (Retry-After)", f"{value / RETRY_AFTER_S:.2f}",
                                "under one Retry-After" if ok else "OVER one Retry-After interval"))
        if not ok:
            section.problems.append(f"LRO latency of `{name}` is {value:.1f} s, over one Retry-After ({RETRY_AFTER_S:.0f} s)")
    return section
