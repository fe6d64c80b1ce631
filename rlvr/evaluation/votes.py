"""Majority-vote classes that follow the verifier's equality, not the text: `4/3` and `\\frac{4}{3}` are one vote.

Answers that earned the full reward all equal the gold, so they are one class. Wrong answers of one task are
compared pairwise by the env's own verifier, each as the gold of the other, through the scorer, so a comparison
that hangs is killed and bounded like any check (and one that reaches no verdict keeps the two apart). Only
families whose reference is one gold answer (`{"answer": ...}`: math) are compared; the others keep text keys.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rlvr.evaluation.rollouts import RolloutRecord
from rlvr.registry import DEPRECATED, ENVS
from rlvr.results import VerifyResult

COMPARED_FAMILIES = frozenset({"math"})
MOST_COMPARED = 32  # distinct wrong answers of one task compared (496 pairs); past it, the rest keep text keys

Score = Callable[[Sequence[Mapping[str, Any]]], list[VerifyResult]]


def with_votes(records: Sequence[RolloutRecord], score: Score) -> list[RolloutRecord]:
    """`records` with `vote` set to their answer's class where the env's family can compare answers."""
    tasks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        if _compared(record.env) and record.answer is not None:
            tasks[record.env, record.task_id].append(index)
    votes: dict[int, str] = {}
    first: dict[int, int] = {}  # a wrong answer's record -> the first record of its task with the same text
    pairs: list[tuple[str, str, int, int]] = []  # (gold text, answer text, its first record, an earlier one)
    for indices in tasks.values():
        passed = [i for i in indices if records[i].reward == 1.0]
        if passed:
            votes.update(dict.fromkeys(passed, str(records[passed[0]].answer)))
        distinct: dict[str, int] = {}
        for i in indices:
            if i not in votes:
                first[i] = distinct.setdefault(str(records[i].answer), i)
        compared = list(distinct.items())[:MOST_COMPARED]
        pairs += [(gold, answer, j, i) for n, (answer, j) in enumerate(compared) for gold, i in compared[:n]]
    results = score([{"env": records[j].env, "completion": f"\\boxed{{{answer}}}",
                      "reference": {**records[j].reference, "answer": gold}} for gold, answer, j, _ in pairs])
    joined: dict[int, int] = {}  # a first record -> the earliest earlier first record equal to it
    for (_, _, j, i), result in zip(pairs, results, strict=True):
        if result.reward == 1.0 and j not in joined:
            joined[j] = i
    for i, root in first.items():
        while root in joined:
            root = joined[root]
        votes[i] = str(records[root].answer)
    return [dataclasses.replace(record, vote=votes[i]) if i in votes else record for i, record in enumerate(records)]


def _compared(env: str) -> bool:
    entry = ENVS.get(DEPRECATED.get(env, env))
    return entry is not None and entry.family in COMPARED_FAMILIES
