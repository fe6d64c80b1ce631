"""The one result type every verifier returns, and the statuses that say whose fault a low reward was."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any


class Status(str, enum.Enum):
    """Why a completion got its reward.

    `correct`, `wrong` and `no_answer` judge the model. `unverified`, `timeout`, `error` and
    `sandbox_error` mean the check itself did not reach a verdict: their reward is None so that a
    trainer masks them instead of learning from a 0 the model did not earn.
    """

    CORRECT = "correct"
    PARTIAL = "partial"
    WRONG = "wrong"
    NO_ANSWER = "no_answer"
    UNVERIFIED = "unverified"
    TIMEOUT = "timeout"
    ERROR = "error"
    SANDBOX_ERROR = "sandbox_error"

    @property
    def is_verdict(self) -> bool:
        """True when the status judges the completion rather than reporting a broken check."""
        return self in _VERDICTS

    def __str__(self) -> str:
        return self.value


def _is_finite_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


_VERDICTS = frozenset({Status.CORRECT, Status.PARTIAL, Status.WRONG, Status.NO_ANSWER})


MAX_ECHO_CHARS = 1_000  # longest string a result carries (a 10 MB gold once came back whole in `details`)


def capped(value: Any) -> Any:
    """`value` with every string (in lists and dicts too) cut to MAX_ECHO_CHARS and marked as cut, so that no
    result, its HTTP answer or a log line repeats a huge reference or completion back whole.

    >>> capped("9" * 1_005)[-40:]
    '9999999999999999999… [5 more characters]'
    """
    if isinstance(value, str):
        if len(value) <= MAX_ECHO_CHARS:
            return value
        return f"{value[:MAX_ECHO_CHARS]}… [{len(value) - MAX_ECHO_CHARS} more characters]"
    if isinstance(value, dict):
        return {key: capped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [capped(item) for item in value]
    if isinstance(value, tuple):
        return tuple(capped(item) for item in value)
    return value


@dataclass(frozen=True)
class VerifyResult:
    """A reward with its reason. `reward` is None exactly when the check reached no verdict.

    `details` is a plain dict (results cross process boundaries, so it must pickle); treat it as read-only.
    Strings in it and the reason are capped at MAX_ECHO_CHARS (`capped`).
    """

    reward: float | None
    status: Status
    reason: str
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        if self.status.is_verdict and self.reward is None:
            raise ValueError(f"status {self.status} needs a numeric reward")
        if not self.status.is_verdict and self.reward is not None:
            raise ValueError(f"status {self.status} is not a verdict; its reward must be None")
        if self.reward is not None:
            if not _is_finite_number(self.reward):
                raise ValueError(f"reward must be a finite number, got {self.reward!r}")
            object.__setattr__(self, "reward", float(self.reward))
        object.__setattr__(self, "reason", capped(self.reason))
        object.__setattr__(self, "details", {key: capped(value) for key, value in self.details.items()})

    @classmethod
    def correct(cls, reason: str = "matches the reference", **details: Any) -> VerifyResult:
        return cls(1.0, Status.CORRECT, reason, details)

    @classmethod
    def wrong(cls, reason: str, **details: Any) -> VerifyResult:
        return cls(0.0, Status.WRONG, reason, details)

    @classmethod
    def no_answer(cls, reason: str, **details: Any) -> VerifyResult:
        return cls(0.0, Status.NO_ANSWER, reason, details)

    @classmethod
    def broken(cls, status: Status, reason: str, **details: Any) -> VerifyResult:
        """A check that reached no verdict (timeout, error, sandbox_error, unverified)."""
        return cls(None, status, reason, details)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the shape the HTTP API returns."""
        return {"reward": self.reward, "status": self.status.value, "reason": self.reason,
                "details": dict(self.details)}
