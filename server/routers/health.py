"""GET /healthz (the process answers), GET /readyz (pools up), GET /metrics (Prometheus)."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request, Response

from rlvr.server.metrics import CONTENT_TYPE

router = APIRouter(tags=["health"])
metrics_router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request, response: Response) -> dict:
    """200 once every pool worker has answered a warm-up job (and, with RLVR_SANDBOX_SOCKET_DIR, an
    executor answers a ping); 503 before that."""
    checks = await anyio.to_thread.run_sync(request.app.state.readiness)
    ready = all(checks.values())
    response.status_code = 200 if ready else 503
    return {"status": "ready" if ready else "not_ready", "checks": checks}


@metrics_router.get("/metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)
