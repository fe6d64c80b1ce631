"""pass@k, maj@k and the per-env summary, as pure functions over scored samples (no torch, no I/O).

`rlvr eval` and the trainer's periodic evaluation both call `summarize`, so a number in a report means the same
thing wherever it was measured. A sample *passes* when it earned the full reward (1.0): partial credit is not a
pass. A sample whose check reached no verdict (reward None) is neither a pass nor a failure: it is left out of
pass@k and maj@k and counted in `null_rate`, so a broken verifier never reads as a weaker model.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rlvr.errors import ConfigError

FULL_REWARD = 1.0


@dataclass(frozen=True)
class Sample:
    """One scored completion as the metrics see it.

    reward: None when the check reached no verdict.
    answer: the key majority voting groups by (the extracted final answer); None abstains from the vote.
    length: completion tokens, when known; truncated: True when it ran out of tokens, when known.
    status: the verifier's status, counted in the summary when given.
    """

    reward: float | None
    answer: str | None = None
    length: int | None = None
    truncated: bool | None = None
    status: str | None = None

    @property
    def passed(self) -> bool:
        return self.reward is not None and self.reward >= FULL_REWARD


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased chance that at least one of k samples drawn from n (c of them correct) is correct.

    Chen et al. 2021, eq. 1: 1 - C(n-c, k) / C(n, k), computed as a product so that large n cannot overflow.
    >>> pass_at_k(4, 1, 2)  # 1 - C(3,2)/C(4,2) = 1 - 3/6
    0.5
    """
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ConfigError(f"pass@k needs 0 <= c <= n and 1 <= k <= n; got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def maj_at_k(votes: Sequence[tuple[str | None, bool]]) -> float:
    """Majority voting over one task's samples, each an (answer key, passed) pair: whether the most common
    answer is a correct one. Ties are broken uniformly at random in expectation (the mean over the tied
    answers), so the result does not depend on sample order; None abstains; no vote at all scores 0.

    >>> maj_at_k([("4", True), ("5", False), ("4", True), (None, False)])
    1.0
    >>> maj_at_k([("4", True), ("5", False)])  # a tie: half the time the vote picks 4
    0.5
    """
    counts = Counter(answer for answer, _ in votes if answer is not None)
    if not counts:
        return 0.0
    top = max(counts.values())
    winners = [answer for answer, count in counts.items() if count == top]
    right = {answer for answer, passed in votes if passed}
    return sum(answer in right for answer in winners) / len(winners)


def summarize(tasks: Mapping[str, Sequence[Sample]] | Iterable[Sequence[Sample]]) -> dict[str, Any]:
    """The env summary of per-task sample lists: pass@k for every k up to the samples per task, maj@K, mean
    reward, each with its standard error over tasks (samples of one task are not independent), plus null_rate,
    mean_length, truncated_frac and status counts. Undefined values are None (JSON has no NaN)."""
    groups = [list(samples) for samples in (tasks.values() if isinstance(tasks, Mapping) else tasks)]
    flat = [s for samples in groups for s in samples]
    judged = [[s for s in samples if s.reward is not None] for samples in groups]
    judged = [samples for samples in judged if samples]
    k_max = max((len(samples) for samples in groups), default=0)
    summary: dict[str, Any] = {"n": len(groups), "samples": k_max, "completions": len(flat)}
    summary.update(_mean_se("mean_reward", [_mean([float(s.reward) for s in samples]) for samples in judged]))
    for k in range(1, k_max + 1):
        summary.update(_mean_se(f"pass@{k}", [pass_at_k(len(samples), sum(s.passed for s in samples), k)
                                             for samples in judged if len(samples) >= k]))
    if k_max:
        summary.update(_mean_se(f"maj@{k_max}", [maj_at_k([(_vote(s), s.passed) for s in samples])
                                                for samples in judged]))
    summary["null_rate"] = _mean([float(s.reward is None) for s in flat])
    summary["mean_length"] = _mean([float(s.length) for s in flat if s.length is not None])
    summary["truncated_frac"] = _mean([float(s.truncated) for s in flat if s.truncated is not None])
    summary["statuses"] = dict(sorted(Counter(s.status for s in flat if s.status is not None).items()))
    return summary


def _vote(sample: Sample) -> str | None:
    return sample.answer if sample.reward is not None else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _mean_se(name: str, values: Sequence[float]) -> dict[str, float | None]:
    """`name` (the mean) and `name_se` (its standard error; None below two values)."""
    mean = _mean(values)
    se = None
    if mean is not None and len(values) > 1:
        se = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1) / len(values))
    return {name: mean, f"{name}_se": se}
