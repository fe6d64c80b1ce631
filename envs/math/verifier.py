"""The math verifier: extract the final answer, then decide equivalence with the gold.

`verify` is pure and may run long on pathological input (`9^{9^{9^9}}`); call it through `rlvr.verify`,
which runs it in the killable worker pool with a hard timeout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rlvr.envs.math.compare import (
    GoldUnreadable,
    NumericPolicy,
    Undecidable,
    Unreadable,
    answers_equal,
    unevaluated_operators,
)
from rlvr.envs.math.extract import (
    EXTRACTION_METHODS,
    EXTRACTION_MODES,
    Extraction,
    extract_answer,
    has_box,
    normalize_reference,
)
from rlvr.envs.math.grammar import Group, parse_answer
from rlvr.errors import ConfigError, InvalidReferenceError
from rlvr.results import Status, VerifyResult

__all__ = ["MathConfig", "verify"]

MAX_COMPARED_CANDIDATES = 4  # more distinct final answers than this is a hedge without comparing each


@dataclass(frozen=True)
class MathConfig:
    """How answers are found and compared. See docs/envs/math.md for the policy and its reasons.

    `extraction` is a mode, `"strict"` (a box, `#### 42` or "the answer is ...": the format is part of what is
    rewarded) or `"lenient"` (also the last math piece or number, as Math-Verify reads models that do not box
    their answer; for evaluation), or the methods themselves, in order.
    """

    extraction: str | Sequence[str] = "strict"
    rel_tol: float = 1e-6
    min_significant_digits: int = 6
    max_answer_chars: int = 1_000

    def __post_init__(self) -> None:
        if isinstance(self.extraction, str):
            if self.extraction not in EXTRACTION_MODES:
                raise ConfigError(f"extraction must be one of {sorted(EXTRACTION_MODES)} or a sequence of methods "
                                  f"from {EXTRACTION_METHODS}, got {self.extraction!r}")
            object.__setattr__(self, "extraction", EXTRACTION_MODES[self.extraction])
        unknown = [m for m in self.extraction if m not in EXTRACTION_METHODS]
        if unknown or not self.extraction:
            raise ConfigError(f"extraction must be a non-empty subset of {EXTRACTION_METHODS}, got {unknown}")
        if not 0 <= self.rel_tol < 1:
            raise ConfigError(f"rel_tol must be in [0, 1), got {self.rel_tol}")
        if self.min_significant_digits < 1:
            raise ConfigError(f"min_significant_digits must be >= 1, got {self.min_significant_digits}")
        if self.max_answer_chars < 1:
            raise ConfigError(f"max_answer_chars must be >= 1, got {self.max_answer_chars}")

    @property
    def policy(self) -> NumericPolicy:
        return NumericPolicy(rel_tol=self.rel_tol, min_significant_digits=self.min_significant_digits)


DEFAULT_CONFIG = MathConfig()


def verify(*, completion: str, reference: Mapping[str, Any], config: MathConfig | None = None) -> VerifyResult:
    """Reward 1.0 when the completion's final answer equals `reference["answer"]`, else 0.0 with why."""
    config = config or DEFAULT_CONFIG
    gold = _gold(reference)
    methods = _methods(reference, config)
    found = extract_answer(completion, methods)
    if found.answer is None or not found.answer:
        return VerifyResult.no_answer(f"no final answer found (looked for: {', '.join(methods)})")
    if _boxes_list_the_gold(found, gold):
        found = Extraction(answer=", ".join(found.row), method=found.method)
    details = {"extracted": found.answer[:200], "method": found.method, "gold": gold}
    if _hedged(found, gold, config.policy):
        return VerifyResult.wrong("hedged: the completion gives several different final answers", **details,
                                  candidates=list(found.candidates[:5]))
    if found.refused:
        return VerifyResult.no_answer(f"{found.refused}: a final answer is boxed on its own", **details)
    if has_box(found.answer):
        return VerifyResult.wrong("a box inside the final answer: which one is the answer?", **details)
    if len(found.answer) > config.max_answer_chars:
        return VerifyResult.wrong(f"final answer longer than {config.max_answer_chars} characters", **details)
    if operators := unevaluated_operators(gold, found.answer):
        return VerifyResult.wrong(f"unevaluated: the final answer applies {', '.join(operators)}, which the reference "
                                  "does not; it restates what to compute instead of the result", **details)
    try:
        equal = answers_equal(gold, found.answer, config.policy)
    except Unreadable as exc:
        return VerifyResult.no_answer(f"{exc}: the final answer must be read whole (docs/envs/math.md)", **details)
    except GoldUnreadable as exc:
        return VerifyResult.broken(Status.UNVERIFIED, str(exc), **details)
    except Undecidable as exc:
        return VerifyResult.wrong(f"undecided: {exc}; unsure is not correct", **details)
    if equal:
        return VerifyResult.correct("the final answer equals the reference", **details)
    return VerifyResult.wrong("the final answer differs from the reference", **details)


def _boxes_list_the_gold(found: Extraction, gold: str) -> bool:
    """`\\boxed{(2, 2)} and \\boxed{(6, 2)}` for the gold `(2, 2), (6, 2)`: one box per element of a gold that lists
    exactly that many, boxed in a row (nothing but commas and `and` between them); read as the list, each element
    must match its own gold element."""
    if found.method != "boxed" or len(found.row) < 2 or found.refused:
        return False
    try:
        tree = parse_answer(gold)
    except Unreadable:
        return False
    return isinstance(tree, Group) and tree.kind in ("list", "set") and len(tree.items) == len(found.row)


def _methods(reference: Mapping[str, Any], config: MathConfig) -> tuple[str, ...]:
    """The reference's own `extraction` mode where it names one (the server and envs send it), else the config's."""
    mode = reference.get("extraction")
    if mode is None:
        return tuple(config.extraction)
    if mode not in EXTRACTION_MODES:
        raise InvalidReferenceError(f'"extraction" must be one of {sorted(EXTRACTION_MODES)}, got {mode!r}')
    return EXTRACTION_MODES[mode]


def _gold(reference: Mapping[str, Any]) -> str:
    answer = reference.get("answer")
    if isinstance(answer, float):
        answer = format(Decimal(repr(answer)), "f")  # 1e-07 is no answer a model writes; 0.0000001 is
    elif isinstance(answer, int) and not isinstance(answer, bool):
        answer = str(answer)
    if not isinstance(answer, str) or not answer.strip():
        raise InvalidReferenceError('the math reference must be {"answer": "<non-empty gold answer>"}')
    return normalize_reference(answer)


def _hedged(found: Extraction, gold: str, policy: NumericPolicy) -> bool:
    """Several final answers, or one that offers alternatives, where the gold offers none. Several are fine
    only when each is right and says what the last says (`\\boxed{\\frac12}` so `\\boxed{0.5}`; not `x=5`, `y=5`):
    compared only with one another, tolerance and percent readings would let `\\boxed{0.5000004}` so
    `\\boxed{0.5}` pass for 1/2."""
    if not found.hedged or _gold_offers_alternatives(gold):
        return False
    if found.offers_alternatives or len(found.candidates) > MAX_COMPARED_CANDIDATES:
        return True
    return not all(_equal_or_false(gold, candidate, policy) and _equal_or_false(found.answer, candidate, policy)
                   for candidate in found.candidates)


def _equal_or_false(gold: str, answer: str, policy: NumericPolicy) -> bool:
    try:
        return answers_equal(gold, answer, policy)
    except (Unreadable, GoldUnreadable, Undecidable):
        return False


def _gold_offers_alternatives(gold: str) -> bool:
    return extract_answer(f"\\boxed{{{gold}}}").hedged
