"""OpenRLHF's remote reward protocol (`--remote_rm_url http://host:8000/openrlhf/reward`).

OpenRLHF posts `{"query": [...], "prompts": [...], "labels": [...]}` where a query is the prompt plus
the response, and needs a number for every item: an item whose check reached no verdict scores
`unscored` (default 0.0) and is flagged in `extra_logs.rlvr_unscored` so it can be filtered.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from rlvr.results import Status, VerifyResult
from rlvr.server.contract import errors, require_json
from rlvr.server.errors import Invalid, TooLarge
from rlvr.server.models import OpenRLHFIn, OpenRLHFOut
from rlvr.server.scoring import Item, Scorer

router = APIRouter(tags=["trainers"], dependencies=[Depends(require_json)], responses=errors(400, 422, 429))


@router.post("/openrlhf/reward", response_model=OpenRLHFOut)
async def openrlhf_reward(
    body: OpenRLHFIn,
    request: Request,
    env: str | None = Query(None, description="env for labels that name none"),
    unscored: float = Query(0.0, allow_inf_nan=False, description="reward for items with no verdict (finite)"),
) -> dict:
    """Score OpenRLHF queries; a label is a reference object (JSON, may hold "env") or a bare answer."""
    scorer: Scorer = request.app.state.scorer
    n = len(body.query)
    if n > scorer.settings.max_batch:
        raise TooLarge(f"batch has {n} items; the limit is {scorer.settings.max_batch} (RLVR_MAX_BATCH)")
    for name, values in (("prompts", body.prompts), ("labels", body.labels)):
        if values is not None and len(values) != n:
            raise Invalid(f"{name} has {len(values)} entries but query has {n}")
    default_env = env or scorer.settings.default_env
    items = [_item(body, i, default_env) for i in range(n)]
    items = [item if isinstance(item, VerifyResult) else scorer.check_limits(item) for item in items]
    results = await scorer.score(items, gone=request.is_disconnected)
    rewards = [unscored if r.reward is None else r.reward for r in results]
    return {
        "rewards": rewards,
        "scores": rewards,
        "extra_logs": {
            "rlvr_correct": [float(r.status == "correct") for r in results],
            "rlvr_unscored": [float(r.reward is None) for r in results],
        },
    }


def _item(body: OpenRLHFIn, i: int, default_env: str) -> Item | VerifyResult:
    query = body.query[i]
    prompt = body.prompts[i] if body.prompts else ""
    completion = query[len(prompt) :] if prompt and query.startswith(prompt) else query
    reference = _reference(body.labels[i] if body.labels else None)
    env = reference.pop("env", None)
    env = default_env if env is None else env  # a null env (a dataset row without one) names none
    if not isinstance(env, str):  # a label that names its env wrongly must not be scored by another env
        return VerifyResult.broken(Status.ERROR, f"label env must be an env id string, got {type(env).__name__}")
    return Item(env, completion, reference)


def _reference(label: Any) -> dict[str, Any]:
    """A dict or a JSON object string is the reference; anything else is the answer itself."""
    if isinstance(label, dict):
        return dict(label)
    if isinstance(label, str):
        try:
            decoded = json.loads(label)
        except (ValueError, RecursionError):  # not JSON, or nested past what the parser can take
            return {"answer": label}
        if isinstance(decoded, dict):
            return decoded
    return {} if label is None else {"answer": label if isinstance(label, str) else json.dumps(label)}
