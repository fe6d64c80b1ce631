"""The server as a stateless front for a Ray verification fleet (`rlvr serve --ray ADDRESS`, RLVR_RAY_ADDRESS).

The front keeps what belongs to HTTP (admission, limits, auth, drain, sessions' state) and sends every check to
the fleet's actors, which hold the worker pools and sandboxes on the cluster's nodes: a front needs no Docker and
no worker processes, so several can sit behind any load balancer. /readyz is ready while one actor is live and
reports the fleet's capacity; /metrics adds its gauges.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

import anyio
from fastapi import FastAPI

from rlvr.ray import Load, RayVerifier
from rlvr.server.scoring import Scorer
from rlvr.server.sessions import SessionStore
from rlvr.server.settings import Settings


@contextlib.asynccontextmanager
async def fleet_front(app: FastAPI) -> AsyncIterator[None]:
    """Join the fleet (FleetUnavailable stops the server at startup, with the reason), serve, then free it."""
    settings: Settings = app.state.settings
    fleet = await anyio.to_thread.run_sync(lambda: RayVerifier(
        settings.ray_address, max_pending=settings.max_pending, max_completion_chars=settings.max_completion_chars,
        actors_per_node=settings.ray_actors_per_node, sandbox_slots=settings.sandbox_slots))
    app.state.scorer = scorer = Scorer(fleet, settings, app.state.metrics)  # type: ignore[arg-type]
    app.state.sessions = sessions = SessionStore(fleet, max_sessions=settings.max_sessions,  # type: ignore[arg-type]
                                                 ttl_s=settings.session_ttl_s, retry_after_s=settings.retry_after_s)
    app.state.readiness = lambda: {"fleet": fleet.load().actors_alive > 0}
    app.state.fleet = lambda: fleet_capacity(fleet.load())
    app.state.metrics.add_gauges(lambda: _gauges(fleet.load(), scorer, sessions))
    try:
        yield
    finally:
        sessions.close_all()
        await anyio.to_thread.run_sync(fleet.close)


def fleet_capacity(load: Load) -> dict[str, Any]:
    """The fleet's part of /readyz: actors alive, nodes, sandbox slots, queue depth and items in flight."""
    return {key: value for key, value in asdict(load).items() if key != "by_node"}


def _gauges(load: Load, scorer: Scorer, sessions: SessionStore) -> dict[str, tuple[str, float]]:
    return {
        "rlvr_pending_items": ("Items admitted and not yet verified (RLVR_MAX_PENDING bounds it).",
                               scorer.admission.pending),
        "rlvr_sessions_live": ("Live remote env sessions.", len(sessions)),
        "rlvr_fleet_actors": ("Verifier actors the front started on the Ray cluster.", load.actors),
        "rlvr_fleet_actors_alive": ("Verifier actors live now (a lost one is retried until Ray restarts it).",
                                    load.actors_alive),
        "rlvr_fleet_nodes": ("Ray nodes with a live verifier actor.", load.nodes),
        "rlvr_fleet_sandbox_slots": ("Code jobs the live actors' sandboxes can run at once.", load.sandbox_slots),
        "rlvr_fleet_queue_depth": ("Items waiting in the front for room on an actor (backpressure).",
                                   load.queue_depth),
        "rlvr_fleet_in_flight": ("Items sent to actors and not yet answered.", load.in_flight),
        "rlvr_fleet_retried": ("Items sent again because their actor or node died before a verdict.", load.retried),
        "rlvr_fleet_lost": ("Items answered error because no live actor could verify them.", load.lost),
    }
