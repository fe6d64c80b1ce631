"""The Ray verification fleet on one machine: items/s for 1, 2 and 3 Ray nodes, against in-process verification.

    .venv/bin/python bench/fleet.py [--load math|mixed] [--items 4096] [--workers 2] [--rounds 3] [--nodes 3]
        [--front]

Starts a real multi-node cluster here (`ray.cluster_utils.Cluster`: a head with no CPUs and 1..N worker nodes,
every process on 127.0.0.1), places one `RayVerifier` actor per node (each a Runtime with `--workers` math worker
processes and one Docker executor), and times `verify_batch` over the same items as bench/server_load.py makes
(math: Math-v1 completions; mixed: math, seven logic envs and Code-v1). In-process is a Runtime with the same
workers in this process. Prints the median items/s of `--rounds` runs per size, the ratio to in-process, and
whether every fleet result equals the in-process one. All nodes share this machine's cores, so more nodes add
Ray's processes, not CPU: on 2 cores the curve is flat by construction; the ratio at one node is the overhead
of the Ray path (goal: >= 0.8). `--front` then starts `rlvr serve --ray` on the largest cluster and sends the
items over HTTP (batches of 64 from 8 threads), printing items/s and the front's CPU per item: what one front
core can carry. A benchmark, not a test: numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # every Ray process on loopback
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import ray  # noqa: E402 - after the variables above
from ray.cluster_utils import Cluster  # noqa: E402
from server_load import cpu_seconds, make_items, make_mixed, start_server  # noqa: E402

from rlvr.ray import RayVerifier  # noqa: E402
from rlvr.runtime import Runtime  # noqa: E402
from rlvr.workers import PoolConfig  # noqa: E402

STORE_BYTES = 100 << 20


def run(verify, items: list[dict]) -> tuple[float, float, list]:
    """items/s, this process's CPU seconds per item, and the results of one run."""
    started, cpu = time.perf_counter(), time.process_time()
    results = verify(items)
    return len(items) / (time.perf_counter() - started), (time.process_time() - cpu) / len(items), results


def same(a: list, b: list) -> bool:
    return [(r.status, r.reward) for r in a] == [(r.status, r.reward) for r in b]


def measure(local: Runtime, fleet: RayVerifier, items: list[dict], rounds: int) -> dict:
    """Rounds alternate in-process and fleet runs, so a busy neighbour on a shared machine slows both alike."""
    local.verify_batch(items[:256])
    fleet.verify_batch(items[:256])
    base, rates, cpu, agree = [], [], [], True
    for _ in range(rounds):
        base.append(run(local.verify_batch, items)[0])
        rate, per_item, results = run(fleet.verify_batch, items)
        expected = local.verify_batch(items)
        rates.append(rate)
        cpu.append(per_item)
        agree = agree and same(results, expected)
    return {"base": statistics.median(base), "rate": statistics.median(rates), "cpu": statistics.median(cpu),
            "agree": agree}


def through_front(address: str, items: list[dict], batch: int = 64, clients: int = 8) -> tuple[float, float]:
    """items/s through `rlvr serve --ray` and the front process's CPU seconds per item."""
    os.environ["RLVR_RAY_ADDRESS"] = address
    proc, url = start_server(1, batch)
    try:
        chunks = [items[i:i + batch] for i in range(0, len(items), batch)]
        with httpx.Client(base_url=url, timeout=120) as client, ThreadPoolExecutor(clients) as pool:
            def post(chunk: list[dict]) -> int:
                return len(client.post("/verify/batch", json={"items": chunk}).json()["results"])

            list(pool.map(post, chunks[:clients]))
            started, cpu = time.perf_counter(), cpu_seconds(proc.pid)
            answered = sum(pool.map(post, chunks))
            elapsed, spent = time.perf_counter() - started, cpu_seconds(proc.pid) - cpu
        assert answered == len(items)
        return len(items) / elapsed, spent / len(items)
    finally:
        proc.terminate()
        proc.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--load", choices=["math", "mixed"], default="math")
    parser.add_argument("--items", type=int, default=4096)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="math workers per actor")
    parser.add_argument("--chunk", type=int, default=64, help="items per actor call")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--front", action="store_true", help="also measure rlvr serve --ray on the largest cluster")
    args = parser.parse_args()
    items = (make_items if args.load == "math" else make_mixed)(args.items, args.seed)

    print(f"{args.load}: {len(items)} items, {args.workers} math workers per Runtime, {os.cpu_count()} cores, "
          f"median of {args.rounds} alternating rounds")
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "object_store_memory": STORE_BYTES,
                                                            "include_dashboard": False})
    try:
        ray.init(address=cluster.address, log_to_driver=False)
        with Runtime(PoolConfig(workers=args.workers)) as local:
            for nodes in range(1, args.nodes + 1):
                cluster.add_node(num_cpus=1, object_store_memory=STORE_BYTES)
                cluster.wait_for_nodes()
                with RayVerifier(cluster.address, workers=args.workers, chunk=args.chunk) as fleet:
                    m = measure(local, fleet, items, args.rounds)
                print(f"{nodes} node(s): fleet {m['rate']:6.0f} items/s, in-process {m['base']:6.0f} items/s, "
                      f"{m['rate'] / m['base']:4.2f}x; driver CPU {m['cpu'] * 1e3:.3f} ms/item; "
                      f"{'same verdicts' if m['agree'] else 'VERDICTS DIFFER'}")
        if args.front:
            rate, per_item = through_front(cluster.address, items)
            print(f"front: rlvr serve --ray on {args.nodes} node(s): {rate:6.0f} items/s over HTTP, front CPU "
                  f"{per_item * 1e3:.3f} ms/item")
    finally:
        ray.shutdown()
        cluster.shutdown()

if __name__ == "__main__":
    main()
