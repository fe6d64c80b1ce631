"""Throughput of `rlvr.verify_batch` against calling math-verify's parse+verify directly in one process.

    python bench/math_verify.py [--pairs 600] [--workers 2] [--timeout 5]

Prints items/s for both on the same realistic pairs and the ratio, how often each agrees with the
expected verdict, then p50/p99 per-item latency of rlvr when 5% of the pairs are pathological.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import threading
import time

# Run as a script, this file's folder comes first on sys.path and its name would shadow the math_verify
# package; take the folder off the path and load the shared pairs module by file location instead.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != HERE]
_spec = importlib.util.spec_from_file_location("math_pairs", os.path.join(HERE, "math_pairs.py"))
math_pairs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(math_pairs)
make_pairs = math_pairs.make_pairs

from rlvr import Runtime, VerifyRequest  # noqa: E402
from rlvr.workers import PoolConfig, WorkerPool  # noqa: E402


def baseline(pairs: list[tuple[str, str, bool | None]]) -> tuple[float, list[bool]]:
    """math-verify as its README shows it: parse both sides, verify, in the main thread."""
    from math_verify import parse, verify

    started = time.perf_counter()
    verdicts = [bool(verify(parse(gold), parse(completion))) for completion, gold, _ in pairs]
    return time.perf_counter() - started, verdicts


def ours(verifier: Runtime, pairs: list[tuple[str, str, bool | None]]) -> tuple[float, list[bool]]:
    items = [VerifyRequest("rlvr/Math-v1", completion, {"answer": gold}) for completion, gold, _ in pairs]
    started = time.perf_counter()
    results = verifier.verify_batch(items)
    return time.perf_counter() - started, [r.reward == 1.0 for r in results]


def latencies(verifier: Runtime, pairs: list[tuple[str, str, bool | None]], clients: int) -> list[float]:
    """Per-item latency with `clients` callers each verifying one item at a time (no queueing)."""
    times: list[float] = []
    chunks = [pairs[i::clients] for i in range(clients)]

    def client(chunk: list[tuple[str, str, bool | None]]) -> None:
        for completion, gold, _ in chunk:
            started = time.perf_counter()
            verifier.verify("rlvr/Math-v1", completion=completion, reference={"answer": gold})
            times.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=600)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()

    pairs = make_pairs(args.pairs, seed=1)
    expected = [e for _, _, e in pairs]
    pool = WorkerPool(PoolConfig(workers=args.workers, preload=("rlvr.envs.math.verifier",)))
    verifier = Runtime(pool, timeout_s=args.timeout)
    ours(verifier, pairs[:20])  # start the workers before timing

    base_s, base_verdicts = baseline(pairs)
    our_s, our_verdicts = ours(verifier, pairs)
    base_rate, our_rate = len(pairs) / base_s, len(pairs) / our_s
    print(f"pairs: {len(pairs)} (long CoT, {sum(not e for e in expected)} wrong), workers: {args.workers}")
    print(f"{'':28}{'items/s':>10}{'agrees with expected':>24}")
    print(f"{'math-verify parse+verify':28}{base_rate:>10.1f}{_agreement(base_verdicts, expected):>24}")
    print(f"{'rlvr.verify_batch':28}{our_rate:>10.1f}{_agreement(our_verdicts, expected):>24}")
    print(f"ratio rlvr / math-verify: {our_rate / base_rate:.2f}x")

    mixed = make_pairs(args.pairs // 2, seed=2, pathological_share=0.05)
    times = sorted(latencies(verifier, mixed, clients=args.workers))
    bad = sum(e is None for _, _, e in mixed)
    p50, p99 = statistics.median(times), times[int(0.99 * (len(times) - 1))]
    print(f"with {bad}/{len(mixed)} pathological items: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.0f} ms, "
          f"max {times[-1] * 1000:.0f} ms (timeout {args.timeout:g} s + grace {pool.config.grace_s:g} s), "
          f"worker restarts {pool.restarts}")
    verifier.close()


def _agreement(verdicts: list[bool], expected: list[bool | None]) -> str:
    hits = sum(v == e for v, e in zip(verdicts, expected, strict=True))
    false_positives = sum(v and e is False for v, e in zip(verdicts, expected, strict=True))
    return f"{hits}/{len(expected)} (false +: {false_positives})"


if __name__ == "__main__":
    main()
