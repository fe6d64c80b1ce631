"""POST /verify and POST /verify/batch."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from rlvr.dispatch import VerifyRequest
from rlvr.items import VerifyIn
from rlvr.results import VerifyResult
from rlvr.server.contract import errors, json_response, require_json
from rlvr.server.errors import TooLarge
from rlvr.server.models import BatchIn, BatchOut, VerifyOut
from rlvr.server.scoring import Scorer

router = APIRouter(tags=["verify"], dependencies=[Depends(require_json)], responses=errors(400, 422, 429))


@router.post("/verify", response_model=VerifyOut)
async def verify(body: VerifyIn, request: Request) -> Response:
    """Score one completion. An unknown env or a broken check is a 200 whose `status` says so."""
    scorer: Scorer = request.app.state.scorer
    item = scorer.check_limits(VerifyRequest(body.env, body.completion, body.reference))
    if isinstance(item, VerifyResult):
        raise TooLarge(item.reason)
    (result,) = await scorer.score([item], receive=request.receive)
    return json_response(result.to_dict(), VerifyOut)


@router.post("/verify/batch", response_model=BatchOut)
async def verify_batch(body: BatchIn, request: Request) -> Response:
    """Score many items; one result per item in order. A malformed item gets its own `error` result."""
    scorer: Scorer = request.app.state.scorer
    limit = scorer.settings.max_batch
    if len(body.items) > limit:
        raise TooLarge(f"batch has {len(body.items)} items; the limit is {limit} (RLVR_MAX_BATCH)")
    results = await scorer.score([scorer.parse(raw) for raw in body.items], receive=request.receive)
    return json_response({"results": [result.to_dict() for result in results]}, BatchOut)
