"""Per language: the warm pool against one `docker run` per job, for a trivial program and for a 10-test A+B.

- trivial: one job that compiles (where the language compiles) and runs a program that prints one line;
  jobs/s through the pool (`Sandbox.run`) and through `docker run --rm` (a fresh container per job).
- A+B, 10 tests: one `rlvr/Code-v1` check (the harness compiles once and runs the 10 tests) against ten
  `docker run --rm`, each compiling and running one test, as a harness without a warm pool must.
- compile: the trivial job's wall time less one of its test runs (the A+B check's median test time).

Not a test: it prints its figures and the ratios. One client, one job at a time.

    .venv/bin/python bench/languages.py [--languages c,go] [--jobs 5] [--checks 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from rlvr.runtime import Runtime
from rlvr.sandbox import LANGUAGES, ExecStatus, Limits, Sandbox
from rlvr.sandbox.docker_pool import DEFAULT_IMAGE

sys.path.insert(0, "tests/envs/code")
from test_code_languages import PROGRAMS  # noqa: E402 - the A+B programs of the language tests

TESTS = {"inputs": [f"{i} {i * 7}\n" for i in range(10)], "outputs": [f"{i * 8}\n" for i in range(10)]}


def timed(run: Callable[[], bool], count: int) -> float:
    """Median seconds of `count` calls; every call must succeed."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        if not run():
            raise RuntimeError("a benchmark job failed")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def docker_run(image: str, language: str, code: str, stdin: str) -> bool:
    """One fresh container that writes the code, compiles it and runs it on `stdin`, as the pool would."""
    spec = LANGUAGES[language]
    steps = [f"printf %s {shlex.quote(code)} > {spec.source}"]
    if spec.compile:
        steps.append(shlex.join(spec.compile))
    steps.append(f"printf %s {shlex.quote(stdin)} | {shlex.join(spec.run_argv(Limits()))}")
    argv = ["docker", "run", "--rm", "--network", "none", "--read-only", "--tmpfs", "/w:exec,size=256m", "-w", "/w",
            "-e", "HOME=/w", "-e", "TMPDIR=/w", "--pids-limit", "256", "--memory", "2g", image,
            "/bin/bash", "-c", " && ".join(steps)]
    return subprocess.run(argv, capture_output=True).returncode == 0


def measure(box: Sandbox, runtime: Runtime, image: str, language: str, jobs: int, checks: int) -> dict[str, float]:
    code = PROGRAMS[language][0]
    reference = {**TESTS, "language": language}
    completion = f"```{language}\n{code}```"
    trivial_s = timed(lambda: box.run(code, language=language, stdin="1 2\n").status is ExecStatus.OK, jobs)
    results = []

    def check() -> bool:
        results.append(runtime.verify("rlvr/Code-v1", completion=completion, reference=reference))
        return results[-1].status == "correct"

    ab_s = timed(check, checks)
    test_s = statistics.median(test["time_s"] for result in results for test in result.details["tests"])
    cold_s = timed(lambda: docker_run(image, language, code, "1 2\n"), max(1, jobs // 2))
    cold_ab_s = timed(lambda: all(docker_run(image, language, code, stdin) for stdin in TESTS["inputs"]), 1)
    return {"compile_s": max(0.0, trivial_s - test_s), "trivial_jobs_per_s": 1 / trivial_s,
            "docker_run_jobs_per_s": 1 / cold_s, "ab10_s": ab_s, "docker_run_ab10_s": cold_ab_s,
            "test_run_s": test_s}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--languages", default=",".join(PROGRAMS), help="comma-separated (default: all ten)")
    parser.add_argument("--jobs", type=int, default=5, help="trivial jobs per language (median)")
    parser.add_argument("--checks", type=int, default=3, help="A+B checks per language (median)")
    parser.add_argument("--image", default=DEFAULT_IMAGE)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    figures = {}
    with Sandbox("docker", executors=1, slots=2, image=args.image) as box, Runtime(sandbox=box) as runtime:
        for language in args.languages.split(","):
            box.run(PROGRAMS[language][0], language=language, stdin="1 2\n")  # warm: the page cache, the pool
            figures[language] = row = measure(box, runtime, args.image, language, args.jobs, args.checks)
            print(f"{language:<11} compile {row['compile_s']:5.2f}s  run {row['test_run_s'] * 1000:6.1f}ms | trivial "
                  f"{row['trivial_jobs_per_s']:6.2f} jobs/s vs docker run {row['docker_run_jobs_per_s']:5.2f} "
                  f"({row['trivial_jobs_per_s'] / row['docker_run_jobs_per_s']:4.1f}x) | A+B 10 tests "
                  f"{row['ab10_s']:5.2f}s vs docker run {row['docker_run_ab10_s']:6.2f}s "
                  f"({row['docker_run_ab10_s'] / row['ab10_s']:4.1f}x)", flush=True)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(figures, handle, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
