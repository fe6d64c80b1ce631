"""GET /healthz (the process answers), GET /readyz (pools up), GET /metrics (Prometheus)."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request, Response

from rlvr.server.metrics import CONTENT_TYPE
from rlvr.server.models import ReadyOut

router = APIRouter(tags=["health"])
metrics_router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=ReadyOut,
    response_model_exclude_none=True,
    responses={503: {"model": ReadyOut, "description": "a pool is not ready; `not_ready` names it"}},
)
async def readyz(request: Request, response: Response) -> dict:
    """200 once every math worker has answered a warm-up job and, when the server has a code sandbox,
    one of its executors answers a ping; else 503, and `not_ready` names the pools that are not. `sandbox` says
    how much of the code sandbox is alive (executors and slots in rotation, executors lost). A front for a Ray
    fleet (`rlvr serve --ray`) is ready while one verifier actor is live, and `fleet` says how much of it is."""
    checks = await anyio.to_thread.run_sync(request.app.state.readiness)
    not_ready = [name for name, ok in checks.items() if not ok]
    response.status_code = 503 if not_ready else 200
    capacity = getattr(request.app.state, "capacity", lambda: None)()
    fleet = getattr(request.app.state, "fleet", lambda: None)()
    return {"status": "not_ready" if not_ready else "ready", "checks": checks, "not_ready": not_ready,
            "sandbox": capacity, "fleet": fleet}


@metrics_router.get("/metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)
