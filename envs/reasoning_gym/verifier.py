"""The reasoning-gym verifier: the dataset's own checker, behind rlvr's answer convention, strict by default.

Reference: `{"dataset": NAME, "entry": {"question", "answer", "metadata"}, "partial_credit"?: bool}`, the item
exactly as the dataset made it (as JSON holds it), so any item scores without being made again.

1. Read the final answer with the logic families' convention (`rlvr.envs.logic.answer.extract_answer`: the last
   `<answer>` block, hedges refused, `<think>` drafts skipped).
2. `strict.refusal`: the answer must be whole in the dataset's format, and safe for checkers that evaluate it.
3. Score it with the dataset's `score_answer` (of a default-config instance, as reasoning-gym's own
   `get_score_answer_fn` does) on a copy of the entry (knight_swap's checker writes into it).
4. Strict (default): 1.0 only when the checker gives full marks, else 0.0 (`wrong`) with the checker's score in
   `details`. `partial_credit`: the checker's score, status `partial` when it is between 0 and 1.

The checkers evaluate expressions and simulate games, so the family runs on the killable worker pool; a worker
imports this module (and reasoning-gym with it) at its first check of the family, outside the check's deadline.
"""

from __future__ import annotations

import copy
import math
import threading
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from rlvr.envs.logic.answer import extract_answer
from rlvr.envs.reasoning_gym import strict
from rlvr.envs.reasoning_gym.entries import load
from rlvr.errors import CheckFailed, ConfigError, InvalidReferenceError
from rlvr.results import Status, VerifyResult

try:  # a worker imports every worker family's verifier; without the data extra the others still work
    import reasoning_gym.factory as factory
except ImportError:  # pragma: no cover - the data extra is installed wherever the family is used
    factory = None

MAX_COMPLETION_CHARS = 400_000
# Checkers that read their instance's config: word_ladder looks words up in the lengths its config loads.
CHECKER_CONFIG: dict[str, dict[str, Any]] = {"word_ladder": {"min_word_length": 3, "max_word_length": 5}}
_LOCK = threading.Lock()


def verify(*, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
    """Score `completion` on the reference's item (see the module docstring for the steps)."""
    dataset, entry, partial = load(reference)
    if len(completion) > MAX_COMPLETION_CHARS:
        return VerifyResult.wrong(f"the completion is over {MAX_COMPLETION_CHARS:,} characters", dataset=dataset)
    text = extract_answer(completion)
    if isinstance(text, VerifyResult):
        return replace(text, details={**text.details, "dataset": dataset})
    try:
        why = strict.refusal(dataset, text, entry)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidReferenceError(f"{dataset} reference lacks what its answer rules read ({exc!r:.80})") from None
    if why is not None:
        return VerifyResult.wrong(f"{why} (rlvr's strict reading of {dataset})", dataset=dataset)
    score = _score(dataset, text, entry)
    if score >= 1.0:
        return VerifyResult.correct(f"{dataset}'s checker gives full marks", dataset=dataset, score=1.0)
    if partial and score > 0.0:
        return VerifyResult(score, Status.PARTIAL, f"{dataset}'s checker gives {score:.3g}", {"dataset": dataset,
                                                                                           "score": score})
    return VerifyResult.wrong(f"{dataset}'s checker gives {score:.3g}, not full marks", dataset=dataset,
                              score=score)


def _score(dataset: str, answer: str, entry: dict[str, Any]) -> float:
    """The dataset checker's score in [0, 1]; a checker that raises or answers something else broke the check."""
    try:
        score = checker(dataset)(answer, copy.deepcopy(entry))
    except Exception as exc:  # noqa: BLE001 - a third-party checker's crash is a broken check, never a 0
        raise CheckFailed(f"{dataset}'s checker raised {type(exc).__name__}") from None
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
        raise CheckFailed(f"{dataset}'s checker returned {type(score).__name__}, not a score")
    if not 0.0 <= score <= 1.0:
        raise CheckFailed(f"{dataset}'s checker returned {score}, outside [0, 1]")
    return float(score)


@cache
def checker(dataset: str) -> Any:
    """The `score_answer` of a default-config instance of `dataset` (made once per process), as reasoning-gym's
    `get_score_answer_fn` gives it, with `CHECKER_CONFIG` set where the default would not cover every level."""
    if factory is None:
        raise ConfigError("reasoning-gym tasks need the package: pip install 'rlvr[data]'")
    with _LOCK:
        return factory.create_dataset(dataset, **CHECKER_CONFIG.get(dataset, {})).score_answer
