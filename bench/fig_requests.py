"""Figure 2: ARM requests per command, read from the emulator's request log, next to the API minimum.

Counting rule: every ARM request counts once, except that repeated polls of the same operation are
timing (one poll per Retry-After) and are folded into one; token requests are listed separately.
"""
from __future__ import annotations

import re

from bench.common import Row, Section
from bench.scenario import OP_RE, StepResult

KC = "/providers/microsoft.kubernetesconfiguration/"

# The fewest ARM requests each command can make (op-status polls folded into one per operation):
MINIMUM = {
    "create (extension absent)": (7, ("list extensions (any name may hold microsoft.flux), PUT extension, "
                                     "poll, final GET (SDK LRO result), PUT configuration, poll, final GET")),
    "create (extension present)": (4, "list extensions, PUT configuration, poll, final GET"),
    "update": (4, "GET (kind and merge patch need the current body), PATCH, poll, final GET"),
    "kustomization create": (4, "GET (must not exist yet), PATCH, poll, final GET"),
    "kustomization update": (4, "GET (must exist; merge keeps other keys), PATCH, poll, final GET"),
    "kustomization delete": (4, "GET (must exist), PATCH with null, poll, final GET"),
    "show": (1, "GET"),
    "list": (1, "GET list (one page)"),
    "delete": (2, "DELETE (204 already tells a missing configuration), poll; with --yes no GET is needed"),
}


def call_label(entry: dict) -> str:
    path = entry["path"]
    low = path.lower()
    if KC in low:
        rest = path[low.index(KC) + len(KC):]
        rest = OP_RE.sub("/operations/{op}", rest)
        rest = re.sub(r"^(fluxConfigurations|extensions)/[^/]+", r"\1/{name}", rest, flags=re.IGNORECASE)
        return f"{entry['method']} {rest}"
    return f"{entry['method']} {path}"


def summarize(step: StepResult) -> tuple[int, int, list[str]]:
    """(folded count, extra polls, call labels in order with consecutive repeats shown as ×n)."""
    seen_ops: set[str] = set()
    folded = extra = 0
    for r in step.arm_requests:
        m = OP_RE.search(r["path"])
        if m and m.group(1).lower() in seen_ops:
            extra += 1
            continue
        if m:
            seen_ops.add(m.group(1).lower())
        folded += 1
    calls = [label + (f" ×{n}" if n > 1 else "") for label, n in _consecutive(step)]
    return folded, extra, calls


def _consecutive(step: StepResult) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for r in step.arm_requests:
        label = call_label(r)
        if out and out[-1][0] == label:
            out[-1] = (label, out[-1][1] + 1)
        else:
            out.append((label, 1))
    return out


def build(runs: list[list[StepResult]]) -> Section:
    section = Section("2. ARM requests per command")
    first = runs[0]
    for step in first:
        count, extra, calls = summarize(step)
        others = [summarize(s)[0] for run in runs[1:] for s in run if s.name == step.name]
        stable = all(c == count for c in others)
        minimum, why = MINIMUM[step.name]
        verdict = "at minimum" if count == minimum else ("ABOVE minimum" if count > minimum else "below minimum?")
        notes = f"{verdict}; +{extra} extra poll(s); {step.token_requests} token request(s)"
        if not stable:
            notes += f"; count varied across runs: {sorted(set(others + [count]))}"
        section.rows.append(Row(f"2. requests: {step.name}", str(count), str(minimum), f"{count / minimum:.2f}", notes))
        section.details.append(f"- **{step.name}** ({count}; minimum {minimum}: {why}): " + ", ".join(f"`{c}`" for c in calls))
        if count > minimum:
            section.problems.append(f"`{step.name}` makes {count} ARM requests, the minimum is {minimum} ({why})")
    return section
