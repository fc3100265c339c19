"""Figure 6: `k8sconfig-emulator check-repo` wall time, end to end through the console script.

* the tutorial-shaped demo repository (2 kustomizations, both `kubectl kustomize` builds) against the floor of
  any tool doing the same work: the two `kubectl kustomize` runs one after the other (target: under 1 s);
* 10 / 100 / 1,000 kustomizations of two ConfigMaps each (generated kustomizations), with and without
  `--diff-from HEAD~1`: time per kustomization at each size against the time per kustomization at the size
  before it, measured in the same run (ratio <= LINEAR_LIMIT counts as linear; as in figure 5). The process
  start-up is included, so small sizes look dearer per kustomization than they are.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.common import (
    BIN,
    LINEAR_LIMIT,
    Row,
    Section,
    commit_all,
    growth_verdict,
    median,
    timed_runs,
)
from bench.reconcile_case import demo_repo, kustomizations_repo

FULL = {"demo_runs": 5, "sizes": [(10, 5), (100, 3), (1000, 2)]}
QUICK = {"demo_runs": 1, "sizes": [(2, 1), (6, 1)]}
DEMO_TARGET_S = 1.0
CLI = BIN / "k8sconfig-emulator"


def _config(path: Path, kustomizations: dict, namespace: str) -> Path:
    path.write_text(yaml.safe_dump({"name": "bench", "namespace": namespace, "kustomizations": kustomizations}))
    return path


def _check(repo: Path, config: Path, *extra: str) -> None:
    proc = subprocess.run([str(CLI), "check-repo", str(repo), "--config-file", str(config), "-o", "json", *extra],
                          capture_output=True, text=True, timeout=1800, check=False, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise RuntimeError(f"check-repo exited {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-800:]}")


def _kubectl_floor(repo: Path) -> None:
    for path in ("infrastructure", "apps/staging"):
        subprocess.run(["kubectl", "kustomize", str(repo / path)], capture_output=True, check=True, timeout=300)


def demo_row(root: Path, runs: int) -> Row:
    repo, kustomizations = demo_repo(root)
    config = _config(root / "demo.yaml", kustomizations, "cluster-config")
    ours = median(timed_runs(lambda: _check(repo, config), runs))
    floor = median(timed_runs(lambda: _kubectl_floor(repo), runs))
    verdict = "under the 1 s target" if ours < DEMO_TARGET_S else "OVER the 1 s target"
    return Row(f"6. check-repo demo repository (2 kustomizations), median of {runs}", f"{ours:.2f} s",
               f"{floor:.2f} s", f"{ours / floor:.2f}",
               f"{verdict}; baseline: the two `kubectl kustomize` builds run one after the other")


def _size_case(root: Path, count: int, runs: int) -> tuple[float, float]:
    repo, kustomizations = kustomizations_repo(root / f"k{count}", count)
    first = repo / "k0" / "cm0.yaml"
    first.write_text(first.read_text().replace('key: "k0-cm0"', 'key: "changed"'))
    commit_all(repo, "one change")
    config = _config(root / f"k{count}.yaml", kustomizations, "bench")
    plain = median(timed_runs(lambda: _check(repo, config), runs))
    diff = median(timed_runs(lambda: _check(repo, config, "--diff-from", "HEAD~1"), runs))
    return plain, diff


def _growth(section: Section, label: str, points: list[tuple[int, int, float]]) -> None:
    """Time per kustomization at each size against the size before it (the first against itself)."""
    for (n0, _, t0), (n1, runs, t1) in zip([points[0], *points[:-1]], points, strict=True):
        per_item, base_item = t1 / n1, t0 / n0
        factor = per_item / base_item
        verdict = growth_verdict(factor)
        section.rows.append(Row(f"6. check-repo {n1} kustomizations{label}, median of {runs}: per kustomization",
                                f"{per_item * 1000:.2f} ms", f"{base_item * 1000:.2f} ms", f"{factor:.2f}",
                                f"total {t1:.2f} s (start-up included); baseline: per kustomization at {n0} in this "
                                f"run; {verdict}"))
        if factor > LINEAR_LIMIT:
            section.problems.append(f"check-repo{label} time per kustomization grows {factor:.1f}x from {n0} to {n1}")


def run(quick: bool = False) -> Section:
    plan = QUICK if quick else FULL
    section = Section("6. check-repo")
    with tempfile.TemporaryDirectory(prefix="k8sconfig-bench-check-repo-") as tmp:
        root = Path(tmp)
        demo = demo_row(root / "demo", plan["demo_runs"])
        section.rows.append(demo)
        if not demo.notes.startswith("under"):
            section.problems.append(f"check-repo of the demo repository takes {demo.ours}, target under 1 s")
        points = [(count, runs, *_size_case(root, count, runs)) for count, runs in plan["sizes"]]
    _growth(section, "", [(n, runs, plain) for n, runs, plain, _ in points])
    _growth(section, " --diff-from HEAD~1", [(n, runs, diff) for n, runs, _, diff in points])
    return section


if __name__ == "__main__":
    started = time.monotonic()
    for row in run(quick="--quick" in sys.argv).rows:
        print(f"{row.figure}: {row.ours} (baseline {row.baseline}, ratio {row.ratio}) {row.notes}")
    print(f"{time.monotonic() - started:.0f} s", file=sys.stderr)
