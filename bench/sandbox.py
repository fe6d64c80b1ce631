"""Sandbox throughput and latency: the docker pool vs the local backend vs `docker run --rm` per job.

A trivial Python job (a function and three asserts) at concurrency 1, 4 and 16 (closed loop: each client
sends its next job when the previous one returns). Prints jobs/s and p50/p99 latency side by side, and
the ratios the issue sets goals for: pool >= 50x `docker run`, pool >= 0.5x local.

    .venv/bin/python bench/sandbox.py [--jobs 400] [--docker-run-jobs 24] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from docker_cpu import container_cpu_s

from rlvr.sandbox import ExecStatus, Sandbox
from rlvr.sandbox.docker_pool import DEFAULT_IMAGE

JOB = "def f(x):\n    return x + 1\n\nassert f(1) == 2\nassert f(2) == 3\nassert f(3) == 4\n"
CONCURRENCY = (1, 4, 16)


def measure(run_one: Callable[[], bool], jobs: int, concurrency: int) -> dict[str, float]:
    """Run `jobs` jobs from `concurrency` client threads; every job must succeed."""
    latencies: list[float] = []

    def client(count: int) -> None:
        for _ in range(count):
            started = time.perf_counter()
            if not run_one():
                raise RuntimeError("a benchmark job failed")
            latencies.append(time.perf_counter() - started)

    shares = [jobs // concurrency + (i < jobs % concurrency) for i in range(concurrency)]
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(client, shares))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "jobs": jobs,
        "jobs_per_s": jobs / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
    }


def cpu_per_job(box: Sandbox, jobs: int) -> tuple[float | None, float]:
    """Machine CPU per job at concurrency 4: (inside the containers, in this client process), in ms.
    Unlike latency, this hardly depends on what else the machine is doing."""
    client_before, box_before = time.process_time(), container_cpu_s(box)
    box.run_many([{"code": JOB}] * jobs)
    client = (time.process_time() - client_before) * 1000 / jobs
    box_after = container_cpu_s(box)
    inside = None if box_before is None or box_after is None else (box_after - box_before) * 1000 / jobs
    return inside, client


def sandbox_runner(box: Sandbox) -> Callable[[], bool]:
    return lambda: box.run(JOB).status is ExecStatus.OK


def docker_run_runner(image: str) -> Callable[[], bool]:
    argv = [
        "docker",
        "run",
        "--rm",
        "--network",
        "none",
        "--read-only",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--user",
        "65534",
        "--pids-limit",
        "64",
        "--memory",
        "512m",
        image,
        "/usr/bin/python3",
        "-I",
        "-S",
        "-c",
        JOB,
    ]
    return lambda: subprocess.run(argv, capture_output=True).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=400, help="jobs per concurrency level (pool, local)")
    parser.add_argument("--docker-run-jobs", type=int, default=24, help="jobs per level for docker run")
    parser.add_argument("--executors", type=int, default=2)
    parser.add_argument("--image", default=DEFAULT_IMAGE)
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args()

    slots = max(CONCURRENCY)
    results: dict[str, dict[int, dict[str, float]]] = {}
    per_executor = -(-slots // args.executors)
    with Sandbox("docker", executors=args.executors, slots=per_executor, image=args.image) as box:
        box.run_many([{"code": JOB}] * 50)  # warm up
        results["docker pool"] = {c: measure(sandbox_runner(box), args.jobs, c) for c in CONCURRENCY}
        inside, client = cpu_per_job(box, args.jobs)
    with Sandbox("local", slots=slots) as box:
        box.run_many([{"code": JOB}] * 50)
        results["local"] = {c: measure(sandbox_runner(box), args.jobs, c) for c in CONCURRENCY}
    run = docker_run_runner(args.image)
    run()
    results["docker run --rm"] = {c: measure(run, max(args.docker_run_jobs, c), c) for c in CONCURRENCY}

    print(f"trivial Python job, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    print(f"{'backend':<16} {'clients':>7} {'jobs':>6} {'jobs/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for name, levels in results.items():
        for c, row in levels.items():
            print(
                f"{name:<16} {c:>7} {row['jobs']:>6} {row['jobs_per_s']:>8.1f} {row['p50_ms']:>8.2f} "
                f"{row['p99_ms']:>8.2f}"
            )
    print("ratios (jobs/s)             " + "  ".join(f"c={c:<3}" for c in CONCURRENCY))
    pool, local, cold = results["docker pool"], results["local"], results["docker run --rm"]
    print(
        "pool / docker run (>= 50)   "
        + "  ".join(f"{pool[c]['jobs_per_s'] / cold[c]['jobs_per_s']:<5.0f}" for c in CONCURRENCY)
    )
    print(
        "pool / local      (>= 0.5)  "
        + "  ".join(f"{pool[c]['jobs_per_s'] / local[c]['jobs_per_s']:<5.2f}" for c in CONCURRENCY)
    )
    inside_text = "unknown" if inside is None else f"{inside:.2f} ms"
    print(f"docker pool CPU per job: {inside_text} in the executor containers, {client:.2f} ms in the client")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(
                {name: {str(c): row for c, row in levels.items()} for name, levels in results.items()},
                handle,
                indent=2,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
