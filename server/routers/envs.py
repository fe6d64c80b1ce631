"""GET /envs, and remote env sessions: POST /envs/{id}/reset, POST /sessions/{sid}/step."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.encoders import jsonable_encoder

from rlvr.registry import ENVS, FAMILIES, difficulty_levels, remote_kwargs
from rlvr.server.contract import errors, require_json
from rlvr.server.errors import TooLarge
from rlvr.server.models import EnvsOut, ResetIn, ResetOut, StepIn, StepOut
from rlvr.server.scoring import Scorer
from rlvr.server.sessions import SessionStore

router = APIRouter(tags=["envs"])
_JSON = [Depends(require_json)]
_SESSION = errors(400, 404, 422, 429)  # a body route that may start a check or a session


@router.get("/envs", response_model=EnvsOut)
async def list_envs() -> dict:
    """The registered envs: the reference format each expects, its difficulty levels and the kwargs a client may
    set at reset."""
    return {
        "envs": [
            {
                "id": e.id,
                "family": e.family,
                "description": e.description,
                "reference_format": FAMILIES[e.family].reference_format,
                "runs_in": FAMILIES[e.family].runs_in,
                "levels": difficulty_levels(e.id),
                "kwargs": remote_kwargs(e.id),
            }
            for e in ENVS.values()
        ]
    }


@router.post(
    "/envs/{env_id:path}/reset", response_model=ResetOut, dependencies=_JSON, responses={**_SESSION, **errors(500)}
)
async def reset(env_id: str, request: Request, body: ResetIn | None = None) -> dict:
    """Start a session: `gym.make(id, **kwargs)`, `set_difficulty(level)`, `reset(seed, options)`; returns its id
    with the first observation and info."""
    body = body or ResetIn()
    store: SessionStore = request.app.state.sessions
    session_id, observation, info = await store.reset(env_id, body.seed, body.options, kwargs=body.kwargs,
                                                      level=body.level)
    return {
        "session_id": session_id,
        "observation": observation,
        "info": jsonable_encoder(info),
        "expires_in_s": store.expires_in(session_id),
    }


@router.post("/sessions/{session_id}/step", response_model=StepOut, dependencies=_JSON, responses=_SESSION)
async def step(session_id: str, body: StepIn, request: Request) -> dict:
    """`env.step(action)`: Gymnasium's five-tuple. After `terminated` or `truncated` the session is done."""
    limit = request.app.state.settings.max_completion_chars
    if len(body.action) > limit:
        raise TooLarge(f"action has {len(body.action)} characters; the limit is {limit} (RLVR_MAX_COMPLETION_CHARS)")
    scorer: Scorer = request.app.state.scorer
    sessions: SessionStore = request.app.state.sessions
    scorer.admit(1)  # a step's check takes a queue slot like a /verify item, and gets 429 when none is free
    try:
        observation, reward, terminated, truncated, info = await sessions.step(session_id, body.action)
    finally:  # the step's thread is not abandoned on cancellation, so its check has finished here
        scorer.admission.release()
    return {
        "observation": observation,
        "reward": float(reward),
        "terminated": terminated,
        "truncated": truncated,
        "info": jsonable_encoder(info),
    }


@router.delete("/sessions/{session_id}", status_code=204, responses=errors(404, 422))
async def close(session_id: str, request: Request) -> Response:
    """Close a session early (sessions also expire after RLVR_SESSION_TTL_S idle seconds)."""
    request.app.state.sessions.close(session_id)
    return Response(status_code=204)
