"""The long fuzz run: 10,000 generated inputs per parser and 1,000 random `flux create` flag combinations
(in process, --dry-run, offline). Prints what was tried and every crash; exits 1 if anything crashed.

    .venv/bin/python bench/fuzz_long.py [--examples 10000] [--combos 1000]

The same targets run in the test suite with a few hundred inputs (tests/reliability/test_fuzz_parsers.py);
`K8SCONFIG_SLOW=1 make test` runs the long versions there too, including update combinations against the
emulator.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from hypothesis import HealthCheck, given, settings
from reliability import inproc
from reliability.flag_combos import combos, make_files
from reliability.fuzz_targets import TARGETS

SETTINGS = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}


def fuzz_parser(name: str, examples: int) -> dict:
    target = TARGETS[name]
    counts = {"accepted": 0, "rejected": 0}

    @settings(max_examples=examples, **SETTINGS)
    @given(target.strategy)
    def body(value):
        counts[target.check(value)] += 1

    body()
    return counts


def fuzz_flags(examples: int, workdir: Path) -> dict:
    files = make_files(workdir)
    env = inproc.offline_env(workdir / "azconfig")
    cluster = ["-g", "rg1", "-c", "arc1", "-t", "connectedClusters"]
    counts = {"ok": 0, "az-error": 0}

    @settings(max_examples=examples, **SETTINGS)
    @given(combos("create", files))
    def body(tail):
        argv = ["k8s-configuration", "flux", "create", *cluster, *tail, "--dry-run"]
        outcome = inproc.run(argv, env)
        assert outcome.kind in counts and "Traceback" not in outcome.stderr, outcome.describe(argv)
        counts[outcome.kind] += 1

    body()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000, help="inputs per parser")
    parser.add_argument("--combos", type=int, default=1_000, help="flag combinations")
    args = parser.parse_args(argv)
    crashes, total = [], 0
    with tempfile.TemporaryDirectory(prefix="fuzz-long-") as tmp:
        jobs = [(name, lambda n=name: fuzz_parser(n, args.examples)) for name in sorted(TARGETS)]
        jobs.append(("flux create flags", lambda: fuzz_flags(args.combos, Path(tmp))))
        for label, job in jobs:
            started = time.monotonic()
            try:
                counts = job()
            except Exception:  # noqa: BLE001 - report every crash, then go on with the next target
                crashes.append(label)
                print(f"{label:20} CRASH\n{traceback.format_exc(limit=-3)}")
                continue
            total += sum(counts.values())
            print(f"{label:20} {sum(counts.values()):6} inputs  {counts}  ({time.monotonic() - started:.0f} s)")
    print(f"total inputs: {total}; crashes: {len(crashes)} {crashes if crashes else ''}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
