"""Load generator for figure 4, run as a second process: `python -m bench.load_client MODE ...`.

Each client is a thread with its own keep-alive HTTPS connection; the load is bounded (a fixed number
of requests per client). Prints one JSON object on stdout.
"""
from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

API = "api-version=2025-04-01"


def flux_body() -> dict:
    """A small valid configuration; suspended, so the reconciler leaves it alone."""
    return {"properties": {"scope": "cluster", "namespace": "bench", "sourceKind": "GitRepository", "suspend": True,
                           "gitRepository": {"url": "https://github.com/Azure/gitops-flux2-kustomize-helm-mt",
                                             "repositoryRef": {"branch": "main"}},
                           "kustomizations": {"infra": {"path": "./infrastructure"}}}}


class Client:
    def __init__(self, url: str, context, token: str):
        parts = urlsplit(url)
        self._conn = http.client.HTTPSConnection(parts.hostname, parts.port, context=context, timeout=60)
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        self._conn.request(method, path, body=data, headers=self._headers)
        response = self._conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self._conn.close()


def _collection(cluster: str) -> str:
    return f"{cluster}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations"


def _in_threads(clients: int, work) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        local, bad = work(index)
        with lock:
            latencies.extend(local)
            errors.extend(bad)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors


def run_requests(args, make_client) -> dict:
    """get/put: each client sends --per-client requests; latency of each in seconds."""
    collection = _collection(args.cluster)

    def work(index: int):
        client = make_client()
        local, bad = [], []
        try:
            for i in range(args.per_client):
                name = f"load-{index % args.names}" if args.mode == "get" else f"load-{index}"
                path = f"{collection}/{name}?{API}"
                start = time.perf_counter()
                status, raw = client.call("GET" if args.mode == "get" else "PUT", path,
                                          None if args.mode == "get" else flux_body())
                local.append(time.perf_counter() - start)
                if status not in (200, 201):
                    bad.append(f"{status}: {raw[:200]!r}")
        finally:
            client.close()
        return local, bad

    start = time.perf_counter()
    latencies, errors = _in_threads(args.clients, work)
    return {"latencies": latencies, "errors": errors[:5], "error_count": len(errors),
            "seconds": time.perf_counter() - start}


def run_fill(args, make_client) -> dict:
    """PUT --count configurations named f-0..f-N-1, spread over the clients."""
    collection = _collection(args.cluster)

    def work(index: int):
        client = make_client()
        bad = []
        try:
            for i in range(index, args.count, args.clients):
                status, raw = client.call("PUT", f"{collection}/f-{i}?{API}", flux_body())
                if status not in (200, 201):
                    bad.append(f"{status}: {raw[:200]!r}")
        finally:
            client.close()
        return [], bad

    _, errors = _in_threads(args.clients, work)
    return {"error_count": len(errors), "errors": errors[:5]}


def run_cycles(args, make_client) -> dict:
    """PUT then synchronous DELETE (forceDelete=true) of a per-client name, --per-client times."""
    collection = _collection(args.cluster)

    def work(index: int):
        client = make_client()
        bad = []
        try:
            for _ in range(args.per_client):
                path = f"{collection}/cycle-{index}"
                for method, query, ok in (("PUT", API, (200, 201)), ("DELETE", f"{API}&forceDelete=true", (200, 204))):
                    status, raw = client.call(method, f"{path}?{query}", flux_body() if method == "PUT" else None)
                    if status not in ok:
                        bad.append(f"{method} {status}: {raw[:200]!r}")
        finally:
            client.close()
        return [], bad

    start = time.perf_counter()
    _, errors = _in_threads(args.clients, work)
    return {"error_count": len(errors), "errors": errors[:5], "seconds": time.perf_counter() - start}


def run_list(args, make_client) -> dict:
    """GET the collection following nextLink; --per-client repetitions, one client."""
    client = make_client()
    times, items, pages = [], 0, 0
    try:
        for _ in range(args.per_client):
            items = pages = 0
            path = f"{_collection(args.cluster)}?{API}"
            start = time.perf_counter()
            while path:
                status, raw = client.call("GET", path)
                if status != 200:
                    return {"error_count": 1, "errors": [f"{status}: {raw[:200]!r}"]}
                body = json.loads(raw)
                items += len(body.get("value") or [])
                pages += 1
                link = body.get("nextLink")
                path = f"{urlsplit(link).path}?{urlsplit(link).query}" if link else None
            times.append(time.perf_counter() - start)
    finally:
        client.close()
    return {"times": times, "items": items, "pages": pages, "error_count": 0}


MODES = {"get": run_requests, "put": run_requests, "fill": run_fill, "cycle": run_cycles, "list": run_list}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.load_client")
    parser.add_argument("mode", choices=sorted(MODES))
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--cluster", required=True, help="ARM id of the cluster")
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--per-client", type=int, default=10)
    parser.add_argument("--names", type=int, default=1, help="get: number of distinct configurations read")
    parser.add_argument("--count", type=int, default=0, help="fill: configurations to create")
    args = parser.parse_args(argv)

    from k8sconfig_emulator.admin_client import EmulatorClient
    from k8sconfig_emulator.server import ssl_context

    emulator = EmulatorClient(args.data_dir)
    token, context = emulator.token(), ssl_context(args.data_dir)
    result = MODES[args.mode](args, lambda: Client(emulator.url, context, token))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
