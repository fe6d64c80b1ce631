"""Graceful shutdown that loses nothing: admitted requests run on for a grace period, and whatever is still
running when it ends gets a JSON 503 with `Retry-After` (never uvicorn's text/plain 500).

`rlvr serve` calls `Drain.begin` when SIGTERM (or Ctrl-C) arrives, as uvicorn stops accepting; `DrainGuard`
is the ASGI middleware that knows each request's task, answers requests that arrive during the drain, and
turns the cancellation at the deadline into the 503. A request therefore either completes or gets the 503.
"""

from __future__ import annotations

import asyncio
import math

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rlvr.server.errors import ShuttingDown, answer


class Drain:
    """The shutdown state of one app: running requests, and whether the drain began or its grace ended."""

    def __init__(self, *, grace_s: float, retry_after_s: int):
        self.grace_s = grace_s
        self.retry_after_s = retry_after_s
        self.draining = False
        self.expired = False
        self.running: set[asyncio.Task] = set()

    def begin(self) -> None:
        """Start the drain (from the event loop): at the end of the grace, cut off what still runs."""
        if not self.draining:
            self.draining = True
            asyncio.get_running_loop().call_later(self.grace_s, self._expire)

    def _expire(self) -> None:
        self.expired = True
        for task in list(self.running):
            task.cancel("rlvr: shutdown grace over")

    def refusal(self) -> ShuttingDown:
        if self.expired:
            why = f"did not finish within the shutdown grace ({math.ceil(self.grace_s)} s, RLVR_SHUTDOWN_GRACE_S)"
        else:
            why = "is draining and admits no new requests"
        return ShuttingDown(f"the server is shutting down and {why}; nothing of this request was kept: retry "
                            "(another replica can take it)", retry_after_s=self.retry_after_s)


class DrainGuard:
    def __init__(self, app: ASGIApp, *, drain: Drain):
        self.app = app
        self.drain = drain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        drain = self.drain
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if drain.draining:
            await answer(send, drain.refusal())
            return
        task = asyncio.current_task()
        assert task is not None  # an ASGI app always runs in a task
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        drain.running.add(task)
        try:
            await self.app(scope, receive, tracked_send)
        except asyncio.CancelledError:
            if not drain.expired or started:
                raise
            if hasattr(task, "uncancel"):  # Python 3.11+: this cancellation is handled here
                task.uncancel()
            await answer(send, drain.refusal())
        finally:
            drain.running.discard(task)
