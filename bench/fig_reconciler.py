"""Figure 5: reconciler time and memory for the demo repository, 10/100/1,000 kustomizations of plain manifests,
10/100 kustomizations built by the kustomize binary and a repository of 10,000 manifests. Every row says how
many times the kustomize binary (`kubectl kustomize`) ran. Each case runs in its own process (bench/reconcile_case.py), so the
peak RSS is that case's alone; growth factors say whether cost per item stays flat (linear).
"""
from __future__ import annotations

import itertools
import json
import subprocess
import sys
import tempfile

from bench.common import LINEAR_LIMIT, REPO, Row, Section, growth_verdict, median

# kustomizations: directories of plain manifests (the reconciler writes their kustomization and builds it itself,
# as kustomize would); kustomize: the same with a kustomization.yaml in each, so the kustomize binary runs once
# per kustomization; manifests: one kustomization over many plain files.
FULL = {"demo": [(0, 5)], "kustomizations": [(10, 3), (100, 2), (1000, 1)], "kustomize": [(10, 3), (100, 1)],
        "manifests": [(1000, 3), (10000, 1)]}
QUICK = {"demo": [(0, 1)], "kustomizations": [(2, 1), (6, 1)], "kustomize": [(2, 1), (4, 1)],
         "manifests": [(20, 1), (60, 1)]}
LABELS = {"kustomizations": "kustomizations of plain manifests",
          "kustomize": "kustomizations with their own kustomization.yaml", "manifests": "manifest files"}


def measure(case: str, size: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="k8sconfig-bench-reconcile-") as tmp:
        argv = [sys.executable, "-m", "bench.reconcile_case", case, str(size), "--workdir", tmp, "--runs", str(runs)]
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=str(REPO), timeout=1800, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"reconcile case {case} {size} failed: {proc.stderr.strip()[-800:]}")
    result = json.loads(proc.stdout)
    if result["compliance"] != "Compliant":
        raise RuntimeError(f"reconcile case {case} {size} is {result['compliance']}: {result['error']}")
    return result


def _growth(section: Section, case: str, points: list[tuple[int, dict]]) -> None:
    for (n0, r0), (n1, r1) in itertools.pairwise(points):
        t0, t1 = median(r0["times"]), median(r1["times"])
        factor = (t1 / n1) / (t0 / n0)
        mem0 = max(1, r0["peak_rss_kib"] - r0["baseline_rss_kib"])
        mem1 = max(1, r1["peak_rss_kib"] - r1["baseline_rss_kib"])
        verdict = growth_verdict(factor)
        section.rows.append(Row(f"5. growth {LABELS[case]} {n0} -> {n1}: time per item", f"{t1 / n1 * 1000:.2f} ms",
                                f"{t0 / n0 * 1000:.2f} ms", f"{factor:.2f}",
                                f"{verdict}; peak-RSS growth {mem0 / 1024:.1f} -> {mem1 / 1024:.1f} MiB"))
        if factor > LINEAR_LIMIT:
            section.problems.append(f"reconcile time per {case[:-1]} grows {factor:.1f}x from {n0} to {n1}")


def run(quick: bool = False) -> Section:
    plan = QUICK if quick else FULL
    section = Section("5. Reconciler")
    for case, sizes in plan.items():
        points = []
        for size, runs in sizes:
            result = measure(case, size, runs)
            points.append((size, result))
            label = "demo repository (2 kustomizations)" if case == "demo" else f"{size} {LABELS[case]}"
            built = (f"`{result['kustomize_tool']}` ran {result['kustomize_runs']}x per reconcile"
                     if result["kustomize_runs"] else "kustomize binary not run (plain manifests built in-process)")
            section.rows.append(Row(f"5. reconcile {label}, median of {runs}", f"{median(result['times']):.2f} s",
                                    notes=f"{built}; {result['objects']} objects; peak RSS "
                                          f"{result['peak_rss_kib'] / 1024:.1f} MiB "
                                          f"(+{(result['peak_rss_kib'] - result['baseline_rss_kib']) / 1024:.1f} MiB "
                                          "during the measured runs); git cache warm"))
            if case == "kustomize" and not result["kustomize_runs"]:
                section.problems.append(f"the kustomize case of {size} ran no kustomize build")
        if case != "demo":
            _growth(section, case, points)
    return section
