"""Pydantic models of the HTTP edge. Inside the server, results stay `rlvr.VerifyResult`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rlvr.results import Status


class VerifyIn(BaseModel):
    """One completion to score. Types are strict: a number is not a completion."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "env": "rlvr/Math-v0",
                    "completion": "... so the answer is \\boxed{42}.",
                    "reference": {"answer": "42"},
                }
            ]
        },
    )

    env: str = Field(description="registered env id, e.g. rlvr/Math-v0 (see GET /envs)")
    completion: str = Field(description="the model's completion text")
    reference: dict[str, Any] = Field(default_factory=dict, description="the env's reference, see GET /envs")


class VerifyOut(BaseModel):
    """`reward` is null exactly when the check reached no verdict (timeout, error, sandbox_error)."""

    reward: float | None
    status: Status
    reason: str
    details: dict[str, Any] = Field(default_factory=dict)


class BatchIn(BaseModel):
    """Items are checked one by one, so a malformed item fails alone, never the batch."""

    model_config = ConfigDict(extra="forbid")

    items: list[Any] = Field(description="objects shaped like POST /verify bodies")


class BatchOut(BaseModel):
    results: list[VerifyOut] = Field(description="one result per item, in the order of `items`")


class EnvOut(BaseModel):
    id: str
    family: str
    description: str
    reference_format: str
    runs_in: str


class EnvsOut(BaseModel):
    envs: list[EnvOut]


class ResetIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    seed: int | None = None
    options: dict[str, Any] | None = Field(default=None, description='e.g. {"index": 3} or {"task_id": "..."}')


class ResetOut(BaseModel):
    session_id: str
    observation: str
    info: dict[str, Any]
    expires_in_s: float


class StepIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    action: str = Field(description="the completion text")


class StepOut(BaseModel):
    """Gymnasium's five-tuple. `reward` is a float as Gymnasium requires; for a check with no verdict it
    is 0.0 and `info.status` says why (`info.reward` is then null): mask those steps."""

    observation: str
    reward: float
    terminated: bool
    truncated: bool
    info: dict[str, Any]


class OpenRLHFIn(BaseModel):
    """OpenRLHF's remote reward request: `query` holds prompt + response, `labels` the references."""

    query: list[str]
    prompts: list[str] | None = None
    labels: list[Any] | None = None


class OpenRLHFOut(BaseModel):
    rewards: list[float]
    scores: list[float]
    extra_logs: dict[str, list[float]]


class ErrorOut(BaseModel):
    error: str = Field(description="stable error code, e.g. invalid_json, too_large, busy")
    message: str
