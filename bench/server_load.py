"""Reward server under load: HTTP throughput against in-process `rlvr` batch verification, same items.

    .venv/bin/python bench/server_load.py [--items 4096] [--batch 32] [--clients 64] [--workers 2]

Runs the in-process Runtime (before and after the HTTP run; the ratio uses the faster run), then
starts `python -m rlvr.server` with the same number of workers and sends the same items from
`--clients` concurrent asyncio clients, in batches. Prints items/s, per-request p50/p99 latency,
errors, lost or mismatched items, and the ratio HTTP / in-process (goal: >= 0.8).
A benchmark, not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time

import httpx

from rlvr.runtime import Runtime
from rlvr.workers import PoolConfig, WorkerPool

ENV = "rlvr/Math-v1"


def make_items(n: int, seed: int) -> list[dict]:
    """Realistic completions: integers, fractions, decimals, LaTeX, equations; right, wrong and no answer."""
    rng = random.Random(seed)
    items = []
    for i in range(n):
        a, b = rng.randint(1, 999), rng.randint(2, 97)
        kind = i % 8
        if kind == 0:
            gold, said = str(a), f"Adding the parts gives {a}. \\boxed{{{a}}}"
        elif kind == 1:
            gold, said = f"{a}/{b}", f"So the ratio is \\boxed{{\\frac{{{a}}}{{{b}}}}}."
        elif kind == 2:
            gold, said = f"{a / 4:g}", f"Each share is {a}/4 = \\boxed{{{a / 4:g}}}"
        elif kind == 3:
            gold, said = str(a), f"Solving 2x = {2 * a} gives \\boxed{{x = {a}}}"
        elif kind == 4:
            gold, said = str(a), f"I get \\boxed{{{a + 1}}}."
        elif kind == 5:
            gold, said = f"\\sqrt{{{b}}}", f"The side is \\boxed{{\\sqrt{{{b}}}}}"
        elif kind == 6:
            gold, said = f"{a}", f"Answer: {a - 1} apples, I think, but I am not certain of it."
        else:
            gold, said = (
                f"{a}/{b}",
                f"$\\frac{{{2 * a}}}{{{2 * b}}}$ simplifies, final answer \\boxed{{{a}/{b}}}",
            )
        items.append({"env": ENV, "completion": said, "reference": {"answer": gold}})
    return items


def run_in_process(items: list[dict], workers: int) -> tuple[float, list[dict]]:
    verifier = Runtime(WorkerPool(PoolConfig(workers=workers)))
    try:
        verifier.verify_batch(items[: workers * 8])  # warm the workers (imports), as the server's lifespan does
        started = time.perf_counter()
        results = verifier.verify_batch(items)
        return time.perf_counter() - started, [r.to_dict() for r in results]
    finally:
        verifier.close()


def start_server(workers: int, batch: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "RLVR_WORKERS": str(workers),
        "RLVR_MAX_BATCH": str(max(batch, 1024)),
        "RLVR_MAX_PENDING": "100000",
        "RLVR_PORT": str(port),
    }
    proc = subprocess.Popen([sys.executable, "-m", "rlvr.server", "--log-level", "warning"], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not become ready")


async def run_http(url: str, items: list[dict], batch: int, clients: int) -> tuple[float, list, list[float], int]:
    batches = [(i, items[i : i + batch]) for i in range(0, len(items), batch)]
    queue: asyncio.Queue = asyncio.Queue()
    for entry in batches:
        queue.put_nowait(entry)
    results: list = [None] * len(items)
    latencies: list[float] = []
    errors = 0

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while not queue.empty():
            start, part = queue.get_nowait()
            sent = time.perf_counter()
            try:
                reply = await http.post("/verify/batch", json={"items": part})
                reply.raise_for_status()
            except httpx.HTTPError:
                errors += 1
                continue
            latencies.append(time.perf_counter() - sent)
            for offset, result in enumerate(reply.json()["results"]):
                results[start + offset] = result

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as http:
        await http.post("/verify/batch", json={"items": items[:batch]})  # warm connection and workers
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        return time.perf_counter() - started, results, latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    items = make_items(args.items, args.seed)
    load_before = os.getloadavg()[0]

    before_s, local = run_in_process(items, args.workers)
    proc, url = start_server(args.workers, args.batch)
    try:
        http_s, remote, latencies, errors = asyncio.run(run_http(url, items, args.batch, args.clients))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    after_s, _ = run_in_process(items, args.workers)  # again, so drift in machine load shows up
    local_s = min(before_s, after_s)  # the ratio is taken against the faster in-process run

    lost = sum(r is None for r in remote)
    key = ("status", "reward")
    mismatched = sum(r is not None and any(r[k] != mine[k] for k in key) for r, mine in zip(remote, local, strict=True))
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    report = {
        "items": len(items),
        "batch": args.batch,
        "clients": args.clients,
        "workers": args.workers,
        "in_process_items_per_s": [round(len(items) / before_s, 1), round(len(items) / after_s, 1)],
        "http_items_per_s": round(len(items) / http_s, 1),
        "ratio_http_over_in_process": round(local_s / http_s, 3),
        "http_request_p50_ms": round(quantiles[49] * 1000, 1),
        "http_request_p99_ms": round(quantiles[98] * 1000, 1),
        "http_errors": errors,
        "lost_items": lost,
        "mismatched_items": mismatched,
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "statuses": {s: sum(r["status"] == s for r in local) for s in sorted({r["status"] for r in local})},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
