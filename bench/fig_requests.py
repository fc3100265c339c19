"""Figure 2: ARM requests per command, read from the emulator's request log, next to the minimum the API needs.

Three counts per command, never folded into one another: calls (every ARM request except operation-status
polls and token requests), polls (GETs of an operation's status: one per Retry-After while it runs, so they
measure time, not design) and token requests (az's token cache). Only calls are compared with the minimum.
"""
from __future__ import annotations

import re

from bench.common import Row, Section
from bench.scenario import OP_RE, StepResult

KC = "/providers/microsoft.kubernetesconfiguration/"

# The fewest calls (polls apart) each command line of bench/scenario.py can make, from what ARM requires and what
# the command must print — not from what we send. The reasons are in bench/README.md ("Minimum requests").
MINIMUM = {
    "create (extension absent)": (4, ("list extensions (microsoft.flux may exist under any name), PUT extension, "
                                     "PUT configuration, GET configuration (the output)")),
    "create (extension present)": (3, "list extensions, PUT configuration, GET configuration (the output)"),
    "update": (3, "GET (--interval belongs to the current source kind's object), PATCH, GET (the output)"),
    "kustomization create": (3, "GET (the kustomization must not exist yet), PATCH, GET (the output)"),
    "kustomization update": (3, "GET (the kustomization must exist), PATCH, GET (the output)"),
    "kustomization delete": (3, "GET (the kustomization must exist), PATCH with null, GET (the output)"),
    "show": (1, "GET"),
    "list": (1, "GET of one page"),
    "check": (4, "one read per check: provider registration, cluster resource, extensions list, Flux v1 list"),
    "delete": (1, "DELETE (with --yes nothing is read first; the operation's end says it is gone)"),
}


def is_poll(entry: dict) -> bool:
    return entry["method"] == "GET" and OP_RE.search(entry["path"]) is not None


def call_label(entry: dict) -> str:
    path = entry["path"]
    low = path.lower()
    if KC in low:
        rest = path[low.index(KC) + len(KC):]
        rest = OP_RE.sub("/operations/{op}", rest)
        rest = re.sub(r"^(fluxConfigurations|extensions)/[^/]+", r"\1/{name}", rest, flags=re.IGNORECASE)
        return f"{entry['method']} {rest}"
    path = re.sub(r"/resourceGroups/[^/]+", "/resourceGroups/{rg}", path, flags=re.IGNORECASE)
    path = re.sub(r"/(connectedClusters)/[^/]+", r"/\1/{cluster}", path, flags=re.IGNORECASE)
    return f"{entry['method']} {re.sub(r'^/subscriptions/[^/]+', '', path)}"


def summarize(step: StepResult) -> tuple[int, int, list[str]]:
    """(calls, polls, request labels in order with consecutive repeats shown as ×n)."""
    polls = sum(1 for r in step.arm_requests if is_poll(r))
    calls = len(step.arm_requests) - polls
    return calls, polls, [label + (f" ×{n}" if n > 1 else "") for label, n in _consecutive(step)]


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
    section.details += ["| command | calls | minimum | ratio | polls (median) | token requests | requests in order |",
                        "|---|---|---|---|---|---|---|"]
    for step in runs[0]:
        calls, _, labels = summarize(step)
        same = [s for run in runs for s in run if s.name == step.name]
        all_calls = sorted({summarize(s)[0] for s in same})
        polls = sorted(summarize(s)[1] for s in same)
        poll_median = polls[len(polls) // 2]
        minimum, why = MINIMUM[step.name]
        verdict = "at minimum" if calls == minimum else ("ABOVE minimum" if calls > minimum else "below minimum?")
        notes = (f"{verdict}; polls {poll_median} (runs: {', '.join(map(str, polls))}); "
                 f"{step.token_requests} token request(s)")
        if len(all_calls) > 1:
            notes += f"; calls varied across runs: {all_calls}"
        section.rows.append(Row(f"2. requests: {step.name} (calls, polls apart)", str(calls), str(minimum),
                                f"{calls / minimum:.2f}", notes))
        section.details.append(f"| {step.name} | {calls} | {minimum}: {why} | {calls / minimum:.2f} | {poll_median} "
                               f"| {step.token_requests} | " + ", ".join(f"`{c}`" for c in labels) + " |")
        if max(all_calls) > minimum:
            section.problems.append(f"`{step.name}` makes {max(all_calls)} ARM calls besides polls, the minimum is "
                                    f"{minimum} ({why})")
    return section
