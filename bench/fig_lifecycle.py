"""Figures 2 and 3 share one set of lifecycle runs (bench/scenario.py) against one emulator."""
from __future__ import annotations

from pathlib import Path

from bench import fig_lro, fig_requests
from bench.common import Emulator, Section, temp_workdir
from bench.scenario import collect


def run(quick: bool = False) -> list[Section]:
    with temp_workdir("lifecycle") as tmp, Emulator(Path(tmp), "--extension-install-delay", "0.5") as emu:
        runs = collect(emu, max_runs=1 if quick else 4, budget_s=30 if quick else 150)
    return [fig_requests.build(runs), fig_lro.build(runs)]
