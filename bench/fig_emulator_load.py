"""Figure 4: the emulator under a bounded load from a second process on 127.0.0.1.

GET/PUT latency p50/p99 at 1, 10 and 50 concurrent clients; listing 5,000 configurations through
nextLink paging; resident memory after 10,000 PUT/DELETE cycles against after 100.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.common import (
    REPO,
    Emulator,
    Row,
    Section,
    median,
    ms,
    percentile,
    ratio,
    temp_workdir,
)

LEVELS = (1, 10, 50)


def _cluster_id(emu: Emulator) -> str:
    """A fresh cluster with the microsoft.flux extension installed (the emulator, like the service, takes flux
    configurations only there)."""
    import time

    from k8sconfig_emulator.admin_client import EmulatorClient
    from k8sconfig_emulator.tokens import SUBSCRIPTION_ID
    c = emu.add_cluster()
    cluster = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{c['group']}/providers/Microsoft.Kubernetes/connectedClusters/{c['name']}"
    client, extension = EmulatorClient(emu.data_dir), f"{cluster}/providers/Microsoft.KubernetesConfiguration/extensions/flux"
    client.arm("PUT", extension, "2025-03-01", {"properties": {"extensionType": "microsoft.flux"}})
    deadline = time.monotonic() + 60
    while client.arm("GET", extension, "2025-03-01")["properties"]["provisioningState"] != "Succeeded":
        if time.monotonic() > deadline:
            raise RuntimeError("the microsoft.flux extension did not install within 60 s")
        time.sleep(0.05)
    return cluster


def load(emu: Emulator, mode: str, cluster: str, **options) -> dict:
    argv = [sys.executable, "-m", "bench.load_client", mode, "--data-dir", str(emu.data_dir), "--cluster", cluster]
    for key, value in options.items():
        argv += [f"--{key.replace('_', '-')}", str(value)]
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=str(REPO), timeout=900, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"load client {mode} failed: {proc.stderr.strip()[-800:]}")
    result = json.loads(proc.stdout)
    if result.get("error_count"):
        raise RuntimeError(f"load client {mode}: {result['error_count']} failed requests, e.g. {result['errors']}")
    return result


def latency_rows(emu: Emulator, total: int) -> list[Row]:
    cluster = _cluster_id(emu)
    load(emu, "put", cluster, clients=10, per_client=2)  # creates load-0..9 and warms the server up
    load(emu, "get", cluster, clients=10, per_client=5, names=10)
    rows, base = [], {}
    for method in ("get", "put"):
        for level in LEVELS:
            per_client = max(1, total // level)
            lat = load(emu, method, cluster, clients=level, per_client=per_client, names=10)["latencies"]
            p50, p99 = percentile(lat, 50), percentile(lat, 99)
            base.setdefault(method, p50)
            rows.append(Row(f"4. emulator {method.upper()} p50 / p99, {level} client(s), {len(lat)} requests",
                            f"{ms(p50)} / {ms(p99)}", f"{ms(base[method])} (p50, 1 client)",
                            ratio(p50, base[method]), "closed loop, keep-alive HTTPS, second process"))
    return rows


def list_rows(emu: Emulator, count: int, runs: int) -> tuple[list[Row], list[str]]:
    page_size = 100
    big, small = _cluster_id(emu), _cluster_id(emu)
    load(emu, "fill", big, clients=10, count=count)
    load(emu, "fill", small, clients=10, count=page_size)
    load(emu, "list", big, per_client=1)  # warm-up
    many = load(emu, "list", big, per_client=runs)
    one = load(emu, "list", small, per_client=runs)
    t_many, t_one = median(many["times"]), median(one["times"])
    expected = t_one * many["pages"]
    problems = []
    if many["items"] != count:
        problems.append(f"listing returned {many['items']} of {count} configurations")
    r = t_many / expected if expected else float("inf")
    if r > 1.5:
        problems.append(f"listing {count} configurations takes {r:.1f}x the time of {many['pages']} single pages: "
                        "every page re-reads the whole collection (store.children + paged slice in the emulator)")
    return [Row(f"4. list {count} configurations, {many['pages']} pages (median of {runs})", ms(t_many),
                f"{ms(expected)} ({many['pages']} × one {page_size}-item list)", f"{r:.2f}",
                f"{many['items']} items; ratio > 1 means paging is worse than linear")], problems


def rss_rows(emu: Emulator, small: int, large: int) -> tuple[list[Row], list[str]]:
    cluster = _cluster_id(emu)
    clients = 10
    load(emu, "cycle", cluster, clients=clients, per_client=max(1, small // clients))
    rss_small = emu.rss_kib()
    load(emu, "cycle", cluster, clients=clients, per_client=max(1, (large - small) // clients))
    rss_large = emu.rss_kib()
    r = rss_large / rss_small
    problems = [] if r <= 1.10 else [f"emulator RSS grew {r:.2f}x between {small} and {large} PUT/DELETE cycles"]
    return [Row(f"4. emulator RSS after {large} PUT/DELETE cycles", f"{rss_large / 1024:.1f} MiB",
                f"{rss_small / 1024:.1f} MiB (after {small})", f"{r:.2f}",
                "flat" if r <= 1.10 else "GROWS")], problems


def run(quick: bool = False) -> Section:
    section = Section("4. Emulator under load")
    with temp_workdir("load") as tmp, Emulator(Path(tmp)) as emu:
        section.rows += latency_rows(emu, 50 if quick else 400)
        rows, problems = list_rows(emu, 300 if quick else 5000, 1 if quick else 3)
        section.rows += rows
        section.problems += problems
        rows, problems = rss_rows(emu, 20 if quick else 100, 200 if quick else 10000)
        section.rows += rows
        section.problems += problems
    return section
