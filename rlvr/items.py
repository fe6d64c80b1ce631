"""One item to verify, read from untrusted input: the model of `POST /verify` (the server's OpenAPI shows this
class) and the check every batch item passes, in the HTTP server's Scorer and in the Ray fleet's driver, so that
`RayVerifier` refuses what `POST /verify/batch` refuses, per item and with the same reason
(tests/fleet/test_fleet_items.py holds the two equal) and never ships a refused item to an actor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from rlvr.dispatch import VerifyRequest
from rlvr.results import Status, VerifyResult


class VerifyIn(BaseModel):
    """One completion to score. Types are strict: a number is not a completion."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "env": "rlvr/Math-v1",
                    "completion": "... so the answer is \\boxed{42}.",
                    "reference": {"answer": "42"},
                }
            ]
        },
    )

    env: str = Field(description="registered env id, e.g. rlvr/Math-v1 (see GET /envs)")
    completion: str = Field(description="the model's completion text")
    reference: dict[str, Any] = Field(default_factory=dict, description="the env's reference, see GET /envs")


_ITEM = TypeAdapter(VerifyIn)
_FIELDS = frozenset(VerifyIn.model_fields)


def checked(raw: Any, *, max_completion_chars: int) -> VerifyRequest | VerifyResult:
    """The item as a request, or the `error` result the server would answer for it.

    >>> checked({"env": "rlvr/Math-v1", "completion": 7}, max_completion_chars=10).reason
    'invalid item: completion: Input should be a valid string'
    """
    if (type(raw) is dict and _FIELDS.issuperset(raw) and type(raw.get("env")) is str
            and type(raw.get("completion")) is str and type(reference := raw.get("reference", {})) is dict):
        return within_limit(VerifyRequest(raw["env"], raw["completion"], reference), max_completion_chars)
    if isinstance(raw, VerifyRequest):
        raw = {"env": raw.env, "completion": raw.completion, "reference": dict(raw.reference)}
    elif isinstance(raw, Mapping) and not isinstance(raw, dict):
        raw = dict(raw)
    try:
        item = _ITEM.validate_python(raw, strict=True)
    except ValidationError as exc:
        return VerifyResult.broken(Status.ERROR, f"invalid item: {_describe(exc)}")
    return within_limit(VerifyRequest(item.env, item.completion, item.reference), max_completion_chars)


def within_limit(request: VerifyRequest, limit: int) -> VerifyRequest | VerifyResult:
    """The request, or the `error` result for a completion over `limit` characters."""
    if len(request.completion) > limit:
        return VerifyResult.broken(Status.ERROR, f"completion has {len(request.completion)} characters; the limit is "
                                   f"{limit} (RLVR_MAX_COMPLETION_CHARS)")
    return request


def _describe(exc: ValidationError) -> str:
    """Pydantic's messages name the field and the expected type; the input itself is not echoed."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False)[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "item"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
