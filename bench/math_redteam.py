"""Run the math red-team set through the verifier and count its mistakes.

    python bench/math_redteam.py [--data tests/envs/math/data/math_redteam.jsonl] [--timeout 5] [--slowest 10]
                                 [--only CLASS_PREFIX]

Each item goes through `Runtime.verify` (what `rlvr.verify` calls), one at a time, in a killable worker with
the real timeout. A false positive is reward 1.0 where the case expects `not_correct`; a false negative is
anything but reward 1.0 where it expects `correct`. An item with reward None (timeout, error) is counted as
unscored as well: never a false positive, but a false negative when the case expects `correct`. Prints a
table per class, the totals, every miss with the verifier's reason, and the slowest items.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import rlvr
from rlvr import Runtime, VerifyResult
from rlvr.workers import PoolConfig, WorkerPool

DATA = Path(__file__).resolve().parent.parent / "tests" / "envs" / "math" / "data" / "math_redteam.jsonl"
ENV = "rlvr/Math-v1"


@dataclass(frozen=True)
class Outcome:
    """One case, what the verifier said, and how long it took."""

    case: dict
    result: VerifyResult
    seconds: float

    @property
    def false_positive(self) -> bool:
        return self.case["expect"] == "not_correct" and self.result.reward == 1.0

    @property
    def false_negative(self) -> bool:
        return self.case["expect"] == "correct" and self.result.reward != 1.0

    @property
    def unscored(self) -> bool:
        return self.result.reward is None


def load(path: Path, only: str | None) -> list[dict]:
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [case for case in cases if only is None or case["class"].startswith(only)]


def run(verifier: Runtime, cases: list[dict]) -> list[Outcome]:
    outcomes = []
    for case in cases:
        started = time.perf_counter()
        result = verifier.verify(ENV, completion=case["completion"], reference={"answer": case["gold"]})
        outcomes.append(Outcome(case, result, time.perf_counter() - started))
    return outcomes


def report(outcomes: list[Outcome], slowest: int) -> None:
    by_class: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_class[outcome.case["class"]].append(outcome)
    print(f"{'class':28}{'cases':>6}{'expect ok':>10}{'FP':>5}{'FN':>5}{'unscored':>10}")
    for name, group in sorted(by_class.items()):
        _row(name, group)
    _row("TOTAL", outcomes)
    misses = [o for o in outcomes if o.false_positive or o.false_negative]
    print(f"\nmisses ({len(misses)}):")
    for outcome in misses:
        kind = "FP" if outcome.false_positive else "FN"
        print(f"  {kind} {outcome.case['id']:30} {outcome.result.status!s:9} gold {outcome.case['gold'][:30]!r}: "
              f"{outcome.result.reason[:90]}")
    print(f"\nslowest {slowest}:")
    for outcome in sorted(outcomes, key=lambda o: o.seconds, reverse=True)[:slowest]:
        print(f"  {outcome.seconds:7.3f} s  {outcome.case['id']:30} {outcome.result.status!s:9} "
              f"({outcome.case['why'][:60]})")


def _row(name: str, group: list[Outcome]) -> None:
    expect_ok = sum(o.case["expect"] == "correct" for o in group)
    false_pos = sum(o.false_positive for o in group)
    false_neg = sum(o.false_negative for o in group)
    print(f"{name:28}{len(group):>6}{expect_ok:>10}{false_pos:>5}{false_neg:>5}{sum(o.unscored for o in group):>10}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--timeout", type=float, default=5.0, help="per item, seconds (rlvr.verify's default)")
    parser.add_argument("--slowest", type=int, default=10)
    parser.add_argument("--only", help="run only the classes whose name starts with this")
    args = parser.parse_args()

    cases = load(args.data, args.only)
    pool = WorkerPool(PoolConfig(workers=1, preload=("rlvr.envs.math.verifier",)))
    verifier = Runtime(pool, timeout_s=args.timeout)
    try:
        verifier.verify(ENV, completion="\\boxed{1}", reference={"answer": "1"})  # start the worker first
        started = time.perf_counter()
        outcomes = run(verifier, cases)
        elapsed = time.perf_counter() - started
    finally:
        verifier.close()
    print(f"{len(cases)} cases from {args.data.name} in {elapsed:.1f} s (timeout {args.timeout:g} s per item, "
          f"worker restarts {pool.restarts}); rlvr from {Path(rlvr.__file__).parent}\n")
    report(outcomes, args.slowest)


if __name__ == "__main__":
    main()
