"""`create_app(settings)`: the FastAPI reward server. The lifespan owns the one Runtime and its pools."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator
from concurrent.futures import Future

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from rlvr import __version__
from rlvr.registry import FAMILIES, load_entry_point
from rlvr.runtime import Runtime
from rlvr.sandbox import Sandbox
from rlvr.server.auth import KeyGuard, require_key
from rlvr.server.contract import errors
from rlvr.server.errors import ApiError
from rlvr.server.limits import BodyLimit
from rlvr.server.metrics import Metrics
from rlvr.server.models import utf8_safe
from rlvr.server.routers import envs, health, openrlhf, verify
from rlvr.server.sandbox import attach, embedded
from rlvr.server.scoring import Scorer
from rlvr.server.sessions import SessionStore
from rlvr.server.settings import Settings
from rlvr.server.shutdown import Drain, DrainGuard
from rlvr.workers import PoolConfig, WorkerPool

log = logging.getLogger(__name__)
_WARMUP_TIMEOUT_S = 60.0
_SANDBOX_WAIT_S = 30.0
_PING_S = 0.5


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; pools start in the lifespan, so building is cheap and side-effect free."""
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="rlvr reward server",
        version=__version__,
        lifespan=_lifespan,
        description="Verifiable rewards over HTTP. See docs/api.md.",
    )
    app.state.settings = settings
    app.state.api_key = settings.api_key.encode()
    app.state.metrics = Metrics()
    app.state.readiness = lambda: {"worker_pool": False}  # until the lifespan has started the pools
    guarded = [Depends(require_key)]
    # The body limit answers 413 on every route; the key guard 401 on all but /healthz and /readyz (KeyGuard
    # enforces it before the body is read; the dependency declares it in OpenAPI).
    for router in (verify.router, envs.router, openrlhf.router, health.metrics_router):
        app.include_router(router, dependencies=guarded, responses=errors(401, 413))
    app.include_router(health.router, responses=errors(413))
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
    # Outermost last: the drain sees every request, the key is checked before the body limit reads a byte.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(KeyGuard, key=app.state.api_key)
    app.state.drain = Drain(grace_s=settings.shutdown_grace_s, retry_after_s=settings.retry_after_s)
    app.add_middleware(DrainGuard, drain=app.state.drain)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    if settings.ray_address:  # a front for the Ray fleet: checks run on its actors, not here
        from rlvr.server.fleet import fleet_front

        async with fleet_front(app):
            yield
        return
    # Each worker imports the warm families before it takes a job; any other family at its first check of it.
    pool = WorkerPool(PoolConfig(workers=settings.workers, preload=settings.worker_preloads))
    warmup = [pool.submit(os.getpid, timeout_s=_WARMUP_TIMEOUT_S) for _ in range(settings.workers)]
    # Import every inline verifier before the first request: no check pays for it, and no request thread imports a
    # family package while a lane imports one of its modules. (Worker families run in the workers: see above.)
    await anyio.to_thread.run_sync(_import_inline_verifiers)
    socket_dir = settings.sandbox_socket_dir
    if socket_dir:
        sandbox = await anyio.to_thread.run_sync(
            lambda: attach(socket_dir, slots=settings.sandbox_slots, wait_s=_SANDBOX_WAIT_S)
        )
    else:
        sandbox = await anyio.to_thread.run_sync(embedded)
    # Compose: the executors attached now, or none. Embedded: the local fallback, or the Docker executors the
    # runtime starts at the first code check.
    runtime = Runtime(pool, timeout_s=settings.verify_timeout_s, sandbox=sandbox)
    app.state.scorer = scorer = Scorer(runtime, settings, app.state.metrics)
    app.state.sessions = sessions = SessionStore(
        runtime,
        max_sessions=settings.max_sessions,
        ttl_s=settings.session_ttl_s,
        retry_after_s=settings.retry_after_s,
    )
    app.state.readiness = lambda: _readiness(warmup, runtime.current_sandbox, required=bool(socket_dir))
    app.state.capacity = lambda: sandbox_capacity(runtime.current_sandbox)
    app.state.metrics.add_gauges(lambda: _gauges(pool, scorer, sessions, runtime.current_sandbox))
    app.state.metrics.add_lanes(runtime.lane_loads)
    sweeper = asyncio.create_task(_sweep(sessions, min(60.0, settings.session_ttl_s / 2)))
    # What is alive now (the app, every verifier's modules) lives as long as the server: keep the collector off
    # it. Without this each full collection walks ~170k objects (about 0.1 s) and a busy server runs many.
    gc.freeze()
    try:
        yield
    finally:
        sweeper.cancel()
        sessions.close_all()
        runtime.close()
        if sandbox is not None:
            sandbox.close()


def _import_inline_verifiers() -> None:
    for family in FAMILIES.values():
        if family.runs_in != "inline":
            continue
        try:
            load_entry_point(family.verifier)
        except Exception:  # a family that cannot import answers its checks with the error, as without warm-up
            log.exception("importing the verifier of family %r failed", family.name)


def _gauges(
    pool: WorkerPool, scorer: Scorer, sessions: SessionStore, sandbox: Sandbox | None
) -> dict[str, tuple[str, float]]:
    return {
        "rlvr_pool_workers": ("Verification worker processes.", pool.config.workers),
        "rlvr_pool_busy_workers": ("Workers running a check now (saturation = busy / workers).", pool.busy),
        "rlvr_pool_queue_depth": ("Checks queued for a worker.", pool.queue_depth),
        "rlvr_pool_restarts": (
            "Workers killed and replaced: they crashed or ignored their deadline (a check that stops at its "
            "deadline is a timeout and its worker lives on).",
            pool.restarts,
        ),
        "rlvr_pending_items": (
            "Items admitted and not yet verified (RLVR_MAX_PENDING bounds it).",
            scorer.admission.pending,
        ),
        "rlvr_sessions_live": ("Live remote env sessions.", len(sessions)),
        **_sandbox_gauges(sandbox),
    }


def _sandbox_gauges(sandbox: Sandbox | None) -> dict[str, tuple[str, float]]:
    """The code sandbox's counters, once there is one (compose's executors, the local fallback, or the
    Docker executors the runtime starts on first use). Counters only: a scrape never pings."""
    if sandbox is None:
        return {}
    return {
        "rlvr_sandbox_slots": ("Sandbox jobs that can run at once (executors x slots).", sandbox.capacity),
        "rlvr_sandbox_busy_slots": ("Sandbox slots running a job now (saturation = busy / slots).", sandbox.busy),
        "rlvr_sandbox_queue_depth": ("Sandbox jobs waiting for a free slot.", sandbox.waiting),
        "rlvr_sandbox_heals": ("Times a sandbox executor was found broken and healed or replaced.", sandbox.heals),
        "rlvr_sandbox_executors": ("Sandbox executors in rotation now (compose: the live ones).", sandbox.executors),
        "rlvr_sandbox_executors_lost": (
            "Sandbox executors taken out of rotation because they stopped answering (compose only; the Docker "
            "backend replaces its own).",
            sandbox.lost,
        ),
    }


def sandbox_capacity(sandbox: Sandbox | None) -> dict[str, int] | None:
    """How much of the code sandbox is alive, for /readyz: executors and slots in rotation, executors lost."""
    if sandbox is None:
        return None
    return {"executors": sandbox.executors, "slots": sandbox.capacity, "lost": sandbox.lost}


async def _sweep(sessions: SessionStore, every_s: float) -> None:
    while True:
        await asyncio.sleep(every_s)
        sessions.sweep()


def _readiness(warmup: list[Future], sandbox: Sandbox | None, *, required: bool) -> dict[str, bool]:
    """Checks run in a thread at each probe: every worker answered its warm-up, and, when the server has a
    sandbox (or `required` one), one of its executors answers (`Sandbox.answers`). Compose's sandbox always
    exists: it has no executor until one answers in the socket directory."""
    checks = {"worker_pool": all(f.done() and f.exception() is None for f in warmup)}
    if sandbox is not None:
        checks["sandbox"] = sandbox.answers(_PING_S)
    elif required:
        checks["sandbox"] = False
    return checks


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    code = exc.code if isinstance(exc, ApiError) else _CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc, ApiError) else _MESSAGES.get(exc.status_code, "request failed")
    body = utf8_safe({"error": code, "message": message})
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse({"error": "invalid_json", "message": "the request body is not valid JSON"}, status_code=400)
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors[:5]]
    return JSONResponse(utf8_safe({"error": "invalid_request", "message": "; ".join(parts)}), status_code=422)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug: Starlette logs the traceback; the client gets a fixed message."""
    return JSONResponse({"error": "internal_error", "message": "internal error; see the server log"}, status_code=500)


# FastAPI answers a body it cannot decode (not UTF-8, nested past the parser, an int over 4,300 digits, a
# content-encoding) with a bare 400: it is a JSON problem like any other, so say so.
_CODES = {400: "invalid_json", 404: "not_found", 405: "method_not_allowed"}
_MESSAGES = {400: "the request body could not be read as JSON (UTF-8, nested under 1,000 levels, integers "
                  "under 4,300 digits, no content-encoding)",
             404: "no such route; see /docs", 405: "method not allowed on this route"}
