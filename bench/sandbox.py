"""Sandbox throughput and latency: the docker pool vs the fork floor (and the local backend and
`docker run --rm` per job).

A trivial Python job (a function and three asserts) from 1 to 16 concurrent clients (closed loop: each
client sends its next job when the previous one returns). The floor is what no sandbox can beat on this
machine: one lean Python parent per CPU forking a child per job that runs the same code, no isolation,
no IPC. Each round measures the floor and the pool side by side; the ratios printed are the goals of
issue 13: pool >= 0.75x the floor at its best concurrency and >= 0.5x at one client. With --rounds N the
table is the median of N rounds.

    .venv/bin/python bench/sandbox.py [--jobs 800] [--rounds 3] [--others] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from docker_cpu import container_cpu_s

from rlvr.sandbox import ExecStatus, Sandbox
from rlvr.sandbox.docker_pool import DEFAULT_IMAGE

JOB = "def f(x):\n    return x + 1\n\nassert f(1) == 2\nassert f(2) == 3\nassert f(3) == 4\n"
CONCURRENCY = (1, 2, 4, 8, 16)

# One lean parent (`python -I -S`, nothing imported): fork a child per job that compiles and runs JOB
# and exits; check its status. Prints its elapsed seconds once every parent was told to start.
FLOOR_PARENT = """
import os, sys, time
job, jobs = sys.argv[1], int(sys.argv[2])
sys.stdin.readline()
started = time.perf_counter()
for _ in range(jobs):
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            exec(compile(job, "main.py", "exec"), {"__name__": "__main__"})
            code = 0
        finally:
            os._exit(code)
    if os.waitpid(pid, 0)[1] != 0:
        raise SystemExit("a floor job failed")
print(time.perf_counter() - started, flush=True)
"""


def floor(jobs: int, parents: int) -> dict[str, float]:
    """Jobs/s of `parents` lean parents forking one child per job, all started at once."""
    shares = [jobs // parents + (i < jobs % parents) for i in range(parents)]
    procs = [subprocess.Popen([sys.executable, "-I", "-S", "-c", FLOOR_PARENT, JOB, str(share)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for share in shares]
    time.sleep(0.2)  # every parent started and waiting
    started = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = [proc.communicate()[0] for proc in procs]
    elapsed = time.perf_counter() - started
    if any(proc.returncode for proc in procs):
        raise RuntimeError("a floor parent failed")
    return {"jobs": jobs, "jobs_per_s": jobs / elapsed, "p50_ms": 1000 * max(map(float, outputs)) / max(shares),
            "p99_ms": float("nan")}


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
    argv = ["docker", "run", "--rm", "--network", "none", "--read-only", "--cap-drop", "ALL",
            "--security-opt", "no-new-privileges", "--user", "65534", "--pids-limit", "64",
            "--memory", "512m", image, "/usr/bin/python3", "-I", "-S", "-c", JOB]
    return lambda: subprocess.run(argv, capture_output=True).returncode == 0


Table = dict[str, dict[int, dict[str, float]]]


def one_round(box: Sandbox, jobs: int) -> Table:
    """The floor and the pool, side by side (the floor between pool levels, so both see the same load)."""
    parents = os.cpu_count() or 1
    floors, pool = [], {}
    for c in CONCURRENCY:
        floors.append(floor(jobs, parents)["jobs_per_s"])
        pool[c] = measure(sandbox_runner(box), jobs, c)
    floors.append(floor(jobs, parents)["jobs_per_s"])
    return {"floor": {parents: {"jobs": jobs, "jobs_per_s": statistics.median(floors),
                                "p50_ms": float("nan"), "p99_ms": float("nan")}},
            "docker pool": pool}


def median_table(rounds: list[Table]) -> Table:
    return {name: {c: {key: statistics.median(r[name][c][key] for r in rounds) for key in row}
                   for c, row in levels.items()}
            for name, levels in rounds[0].items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=800, help="jobs per concurrency level (floor, pool, local)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of floor + pool; medians printed")
    parser.add_argument("--others", action="store_true", help="also the local backend and docker run --rm")
    parser.add_argument("--docker-run-jobs", type=int, default=24, help="jobs per level for docker run")
    parser.add_argument("--executors", type=int, default=2)
    parser.add_argument("--image", default=DEFAULT_IMAGE)
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args()

    slots = max(CONCURRENCY)
    per_executor = -(-slots // args.executors)
    with Sandbox("docker", executors=args.executors, slots=per_executor, image=args.image) as box:
        box.run_many([{"code": JOB}] * 100)  # warm up
        rounds = [one_round(box, args.jobs) for _ in range(args.rounds)]
        inside, client = cpu_per_job(box, args.jobs)
    results = median_table(rounds)
    if args.others:
        with Sandbox("local", slots=slots) as box:
            box.run_many([{"code": JOB}] * 50)
            results["local"] = {c: measure(sandbox_runner(box), args.jobs, c) for c in CONCURRENCY}
        run = docker_run_runner(args.image)
        run()
        results["docker run --rm"] = {c: measure(run, max(args.docker_run_jobs, c), c) for c in CONCURRENCY}

    print(f"trivial Python job, {os.cpu_count()} CPUs, {args.rounds} round(s) (medians), "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    print(f"{'backend':<16} {'clients':>7} {'jobs':>6} {'jobs/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for name, levels in results.items():
        for c, row in levels.items():
            print(f"{name:<16} {c:>7} {row['jobs']:>6.0f} {row['jobs_per_s']:>8.1f} {row['p50_ms']:>8.2f} "
                  f"{row['p99_ms']:>8.2f}")
    pool = results["docker pool"]
    floor_rate = next(iter(results["floor"].values()))["jobs_per_s"]
    ratios = {c: statistics.median(r["docker pool"][c]["jobs_per_s"] / next(iter(r["floor"].values()))["jobs_per_s"]
                                   for r in rounds) for c in CONCURRENCY}
    best = max(ratios, key=ratios.__getitem__)
    print(f"floor {floor_rate:.0f} jobs/s ({os.cpu_count()} lean parents, one fork per job)")
    print("pool / floor (per round)    " + "  ".join(f"c={c:<4}" for c in CONCURRENCY))
    print("                            " + "  ".join(f"{ratios[c]:<6.2f}" for c in CONCURRENCY))
    print(f"pool / floor at one client: {ratios[1]:.2f} (goal >= 0.5); at its best ({best} clients): "
          f"{ratios[best]:.2f} (goal >= 0.75)")
    if args.others:
        local, cold = results["local"], results["docker run --rm"]
        print("pool / docker run          " + "  ".join(
            f"{pool[c]['jobs_per_s'] / cold[c]['jobs_per_s']:<6.0f}" for c in CONCURRENCY))
        print("pool / local               " + "  ".join(
            f"{pool[c]['jobs_per_s'] / local[c]['jobs_per_s']:<6.2f}" for c in CONCURRENCY))
    inside_text = "unknown" if inside is None else f"{inside:.2f} ms"
    print(f"docker pool CPU per job: {inside_text} in the executor containers, {client:.2f} ms in the client")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"ratios": {str(c): r for c, r in ratios.items()},
                       "results": {name: {str(c): row for c, row in levels.items()}
                                   for name, levels in results.items()}}, handle, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
