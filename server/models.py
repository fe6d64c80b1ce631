"""Pydantic models of the HTTP edge. Inside the server, results stay `rlvr.VerifyResult`. The item model, `VerifyIn`,
lives in `rlvr.items`: the Ray fleet's driver checks items with it too."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from rlvr.results import Status


def utf8_safe(value: Any) -> Any:
    """`value` with every string (keys too, at any depth) encodable as UTF-8: a lone surrogate becomes
    U+FFFD. Python strings may hold them (a JSON `\\ud800` escape decodes to one, and a verifier may
    quote a program's message); JSON text may not, so one of them would fail a whole response."""
    if isinstance(value, str):
        if value.isascii():
            return value
        # UTF-16 round trip: a split but valid pair becomes its character; a lone half becomes U+FFFD.
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if isinstance(value, dict):
        return {utf8_safe(key): utf8_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [utf8_safe(item) for item in value]
    return value


# Free text of responses (verifier messages, observations, info) is made valid UTF-8 on the way out.
SafeStr = Annotated[str, PlainSerializer(utf8_safe, return_type=str)]
SafeDict = Annotated[dict[str, Any], PlainSerializer(utf8_safe, return_type=dict[str, Any])]


def _integral(value: Any) -> Any:
    """An integral float (`3.0`) is the integer JSON Schema says it is; anything else is left to strict
    validation, so `1.5`, `true` and `"3"` are still refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# For an integer field: strict, but `198387.0` counts (JSON Schema's `integer` includes it). Put it on
# the field's whole type (`Annotated[int | None, Integral]`): inside a union next to a bound like `ge=0`
# pydantic writes a bare "ge" into the JSON Schema instead of "minimum".
Integral = BeforeValidator(_integral)


class VerifyOut(BaseModel):
    """`reward` is null exactly when the check reached no verdict (timeout, error, sandbox_error)."""

    reward: float | None
    status: Status
    reason: SafeStr
    details: SafeDict = Field(default_factory=dict)


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
    levels: list[int] | None = Field(description="difficulty levels, easiest first (reset's `level`); null when "
                                     "the env does not say")
    kwargs: list[str] = Field(description="constructor kwargs a client may set (reset's `kwargs`)")


class EnvsOut(BaseModel):
    envs: list[EnvOut]


class ResetIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    seed: Annotated[int | None, Integral] = Field(
        default=None, ge=0, description="a non-negative integer (5.0 counts as 5), as Gymnasium requires"
    )
    options: dict[str, Any] | None = Field(default=None, description='e.g. {"index": 3} or {"task_id": "..."}')
    kwargs: dict[str, Any] | None = Field(
        default=None, description='the env\'s constructor kwargs, as `gym.make(id, **kwargs)` takes them, e.g. '
        '{"kinds": ["word"]}; only those GET /envs lists for the env'
    )
    level: Annotated[int | None, Integral] = Field(
        default=None, ge=0, description="difficulty level (`set_difficulty`), one of the env's `levels` in GET /envs"
    )


class ResetOut(BaseModel):
    session_id: str
    observation: SafeStr
    info: SafeDict
    expires_in_s: float


class StepIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    action: str = Field(description="the completion text")


class StepOut(BaseModel):
    """Gymnasium's five-tuple. `reward` is a float as Gymnasium requires; for a check with no verdict it
    is 0.0 and `info.status` says why (`info.reward` is then null): mask those steps."""

    observation: SafeStr
    reward: float
    terminated: bool
    truncated: bool
    info: SafeDict


class OpenRLHFIn(BaseModel):
    """OpenRLHF's remote reward request: `query` holds prompt + response, `labels` the references."""

    query: list[str]
    prompts: list[str] | None = None
    labels: list[Any] | None = None


class OpenRLHFOut(BaseModel):
    rewards: list[float]
    scores: list[float]
    extra_logs: dict[str, list[float]]


class SandboxCapacity(BaseModel):
    executors: int = Field(description="executors in rotation now")
    slots: int = Field(description="sandbox jobs that can run at once on them")
    lost: int = Field(description="executors taken out of rotation because they stopped answering (compose)")


class FleetCapacity(BaseModel):
    actors: int = Field(description="verifier actors this front started on the Ray cluster")
    actors_alive: int = Field(description="verifier actors live now")
    nodes: int = Field(description="Ray nodes with a live verifier actor")
    sandbox_slots: int = Field(description="code jobs the live actors' sandboxes can run at once")
    queue_depth: int = Field(description="items waiting in this front for room on an actor")
    in_flight: int = Field(description="items sent to actors and not yet answered")
    retried: int = Field(description="items sent again because their actor or node died before a verdict")
    lost: int = Field(description="items answered error because no live actor could verify them")


class ReadyOut(BaseModel):
    status: str = Field(description="ready or not_ready")
    checks: dict[str, bool] = Field(description="each pool (worker_pool, sandbox) and whether it is ready")
    not_ready: list[str] = Field(description="the pools that are not ready")
    sandbox: SandboxCapacity | None = Field(None, description="the code sandbox's live capacity, once there is one")
    fleet: FleetCapacity | None = Field(None, description="the Ray fleet's capacity (`rlvr serve --ray` only)")


class ErrorOut(BaseModel):
    error: str = Field(description="stable error code, e.g. invalid_json, too_large, busy")
    message: str
