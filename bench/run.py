"""`make bench`: run every figure and write bench/RESULTS.md.

Usage: python bench/run.py [--quick] [--only cost,lifecycle,load,reconciler,check-repo] [--output PATH]
"""
from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import (
    fig_check_repo,
    fig_command_cost,
    fig_emulator_load,
    fig_lifecycle,
    fig_reconciler,
)
from bench.common import Row, Section, machine_notes
from bench.results import render

FIGURES = {
    "cost": fig_command_cost.run,        # figure 1
    "lifecycle": fig_lifecycle.run,      # figures 2 and 3
    "load": fig_emulator_load.run,       # figure 4
    "reconciler": fig_reconciler.run,    # figure 5
    "check-repo": fig_check_repo.run,    # figure 6
}


def run_all(names: list[str], quick: bool) -> list[Section]:
    sections: list[Section] = []
    for name in names:
        started = time.monotonic()
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        try:
            produced = FIGURES[name](quick=quick)
        except Exception as exc:  # noqa: BLE001 - one broken figure must not hide the others
            traceback.print_exc()
            produced = Section(f"{name} (failed)", [Row(f"{name}: failed", "n/a", notes=str(exc)[:300])],
                               problems=[f"figure '{name}' failed: {str(exc)[:300]}"])
        sections += produced if isinstance(produced, list) else [produced]
        print(f"bench: {name} done in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return sections


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and few runs (a smoke test, not figures)")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(FIGURES)}")
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent / "RESULTS.md")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else list(FIGURES)
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(FIGURES)}")
    started = time.monotonic()
    notes = machine_notes()
    sections = run_all(names, args.quick)
    previous = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    args.output.write_text(render(sections, notes, time.monotonic() - started, args.quick, previous),
                           encoding="utf-8")
    print(f"bench: wrote {args.output}", file=sys.stderr)
    failed = [p for s in sections for p in s.problems if p.startswith("figure '")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
