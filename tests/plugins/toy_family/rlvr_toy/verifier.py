"""The toy verifier: `parse` reads the answer (the last non-empty line), `verify` compares it with the gold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlvr.errors import InvalidReferenceError
from rlvr.results import VerifyResult


@dataclass(frozen=True)
class EchoConfig:
    """How strictly the echo is compared."""

    ignore_case: bool = False


def parse(completion: str) -> str | None:
    """The answer: the completion's last non-empty line, stripped; None when there is none."""
    lines = [line.strip() for line in completion.splitlines() if line.strip()]
    return lines[-1] if lines else None


def verify(*, completion: str, reference: Mapping[str, Any], config: EchoConfig | None = None) -> VerifyResult:
    """1.0 when the last line is the reference's word: `verify(completion="Sure:\\napple",
    reference={"answer": "apple"})` is correct, `"pear"` is wrong and `""` has no answer."""
    config = config or EchoConfig()
    gold = reference.get("answer")
    if not isinstance(gold, str) or not gold:
        raise InvalidReferenceError(f'the toy reference is {{"answer": "<word>"}}, got {dict(reference)!r}')
    answer = parse(completion)
    if answer is None:
        return VerifyResult.no_answer("the completion is empty")
    if answer == gold or (config.ignore_case and answer.casefold() == gold.casefold()):
        return VerifyResult.correct(answer=answer)
    return VerifyResult.wrong(f"expected {gold!r}, got {answer!r}", answer=answer)
