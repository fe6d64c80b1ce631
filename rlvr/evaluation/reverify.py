"""Re-scoring stored rollouts with today's verifiers: which rewards would a verifier change flip?

This is how a verifier change is judged before an env version bump: run it over rollouts scored by the old
code and read the flips, per env and per (old status -> new status), with examples.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rlvr.evaluation.rollouts import RolloutRecord
from rlvr.evaluation.scoring import Scorer

EXAMPLES_PER_TRANSITION = 3


@dataclass
class Reverified:
    """The re-scored records, in order, and the indices of those whose reward changed."""

    old: list[RolloutRecord]
    new: list[RolloutRecord]
    flipped: list[int] = field(default_factory=list)

    def flips_per_env(self) -> dict[str, tuple[int, int]]:
        """env -> (flips, records)."""
        total = Counter(r.env for r in self.old)
        flips = Counter(self.old[i].env for i in self.flipped)
        return {env: (flips[env], count) for env, count in sorted(total.items())}

    def transitions(self) -> dict[tuple[str, str], list[int]]:
        """(old status, new status) -> indices of the flipped records that moved so."""
        moves: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i in self.flipped:
            moves[(self.old[i].status, self.new[i].status)].append(i)
        return dict(sorted(moves.items()))


def reverify(records: Sequence[RolloutRecord], scorer: Scorer) -> Reverified:
    """Score every record's completion against its reference again; a flip is a reward that changed (a verdict
    that became no verdict counts)."""
    results = scorer.score([{"env": r.env, "completion": r.completion, "reference": dict(r.reference)}
                            for r in records])
    new = [record.rescored(result) for record, result in zip(records, results, strict=True)]
    flipped = [i for i, (a, b) in enumerate(zip(records, new, strict=True)) if not same_reward(a.reward, b.reward)]
    return Reverified(list(records), new, flipped)


def same_reward(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=0.0, abs_tol=1e-9)


def describe(result: Reverified) -> str:
    """The human summary `rlvr reverify` prints: flips per env, then per transition with examples."""
    lines = [f"{len(result.flipped)} of {len(result.old)} rewards flipped"]
    lines += [f"  {env}: {flips} of {count}" for env, (flips, count) in result.flips_per_env().items()]
    for (before, after), indices in result.transitions().items():
        lines.append(f"{before} -> {after}: {len(indices)}")
        for i in indices[:EXAMPLES_PER_TRANSITION]:
            old, new = result.old[i], result.new[i]
            snippet = " ".join(old.completion.split())[:80]
            lines.append(f"    {old.env} {old.task_id}#{old.sample}: {old.reward} -> {new.reward} "
                         f"({new.reason[:100]}) completion: {snippet!r}")
    return "\n".join(lines)
