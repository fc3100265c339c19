"""Smoke test of the benchmarks: each figure module runs in its tiny mode and yields numbers.

No timing assertions: only that every figure produced a row with a numeric value and that the
rendered RESULTS table has the required columns.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench import fig_command_cost, fig_emulator_load, fig_lifecycle, fig_reconciler
from bench.common import percentile
from bench.fig_command_cost import extension_cost, parse_importtime
from bench.results import render

NUMBER = re.compile(r"\d+(\.\d+)?")


def _numeric(section) -> None:
    assert section.rows, f"{section.title} produced no rows"
    for row in section.rows:
        assert NUMBER.search(row.ours), f"{row.figure}: no number in {row.ours!r}"
    assert not [p for p in section.problems if p.startswith("figure '")]


def test_percentile_and_importtime_parsing() -> None:
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile(list(range(1, 101)), 99) == 99
    text = ("import time: self [us] | cumulative | imported package\n"
            "import time:       100 |        100 |   azext_k8s_configuration._help\n"
            "import time:        50 |        150 | azext_k8s_configuration\n"
            "import time:       999 |        999 | json\n")
    total, top = extension_cost(parse_importtime(text))
    assert total == 150
    assert top[0] == (100, "azext_k8s_configuration._help")


def test_command_cost_quick() -> None:
    _numeric(fig_command_cost.run(quick=True))


def test_lifecycle_quick_counts_requests_and_latency() -> None:
    requests, lro = fig_lifecycle.run(quick=True)
    _numeric(requests)
    _numeric(lro)
    counted = {row.figure.split(": ", 1)[1].removesuffix(" (calls, polls apart)"): row for row in requests.rows}
    assert {"create (extension absent)", "update", "delete", "show", "list", "check"} <= set(counted)
    assert counted["create (extension absent)"].ours == "4"  # list + PUT extension + PUT + GET, polls apart
    assert "polls " in counted["delete"].notes


def test_polls_are_counted_apart_not_folded() -> None:
    from bench.fig_requests import summarize
    from bench.scenario import StepResult
    op = "/operations/0f8fad5b-d9cb-469f-a165-70867728950e"
    cfg = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c/providers/" \
          "Microsoft.KubernetesConfiguration/fluxConfigurations/x"
    requests = [{"method": "PUT", "path": cfg}, {"method": "GET", "path": cfg + op},
                {"method": "GET", "path": cfg + op}, {"method": "GET", "path": cfg},
                {"method": "POST", "path": "/msi/token"}]
    step = StepResult("create (extension present)", requests, 0.0, 1.0)
    calls, polls, labels = summarize(step)
    assert (calls, polls, step.token_requests) == (2, 2, 1)
    assert labels == ["PUT fluxConfigurations/{name}", "GET fluxConfigurations/{name}/operations/{op} ×2",
                      "GET fluxConfigurations/{name}"]


def test_emulator_load_quick() -> None:
    _numeric(fig_emulator_load.run(quick=True))


def test_reconciler_quick_and_render() -> None:
    section = fig_reconciler.run(quick=True)
    _numeric(section)
    built = [row for row in section.rows if "with their own kustomization.yaml" in row.figure and "reconcile" in row.figure]
    assert built and all("kustomize` ran" in row.notes for row in built)
    text = render([section], "test machine", 1.0, quick=True)
    assert "| figure | ours | baseline | ratio | machine notes |" in text
    assert text.count("| 5. ") == len(section.rows)


def test_render_keeps_the_test_suite_time_section() -> None:
    previous = "# Benchmark results\n\n## Open problems\n\n- old\n\n## Test suite time\n\nwall 5 min\n\n## 2. old\n"
    text = render([], "test machine", 1.0, quick=True, previous=previous)
    assert text.rstrip().endswith("## Test suite time\n\nwall 5 min") and "- old" not in text
