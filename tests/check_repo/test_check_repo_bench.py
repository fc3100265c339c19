"""Smoke test of bench/fig_check_repo.py: its tiny mode runs the real console script and yields numbers
(no timing assertions)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench import fig_check_repo


def test_check_repo_figure_quick_mode_produces_numbers():
    section = fig_check_repo.run(quick=True)
    assert [r.figure.split(",")[0] for r in section.rows] == [
        "6. check-repo demo repository (2 kustomizations)",
        "6. check-repo 2 kustomizations", "6. check-repo 6 kustomizations",
        "6. check-repo 2 kustomizations --diff-from HEAD~1", "6. check-repo 6 kustomizations --diff-from HEAD~1"]
    for row in section.rows:
        assert re.fullmatch(r"\d+\.\d+ m?s", row.ours), row
        assert re.fullmatch(r"\d+\.\d+", row.ratio), row
    assert not [p for p in section.problems if p.startswith("figure '")]
