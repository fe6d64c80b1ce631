"""How `rlvr serve` runs the app on uvicorn so that overload and shutdown stay bounded.

- Connections: at most `max_connections` sockets (0: the open-file limit, raised to its hard limit, less a
  reserve for workers, sandbox sockets and logs). At the cap the connection idle longest is closed to make
  room; when none is idle, the newcomer's request is answered 429 `busy` with `Retry-After`.
- A connection must deliver a complete request head within `header_timeout_s` of opening or of its last
  response (uvicorn's h11 protocol has no header timeout, and its keep-alive timer restarts on every byte,
  so a slow-loris client could hold a socket forever). The same deadline ends idle keep-alive.
- Logs: each repeated message of uvicorn and asyncio is kept to a few per interval (a flood of bad or
  refused connections once grew the log by 62 MB in 10 s).
- Shutdown: SIGTERM starts the app's `Drain` (server/shutdown.py); uvicorn's own deadline is a backstop
  beyond it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import resource
import sys
import time
from collections import OrderedDict
from typing import Any

import uvicorn
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send
from uvicorn.config import STARTUP_FAILURE

from rlvr.server.errors import Busy, answer
from rlvr.server.settings import Settings
from rlvr.server.shutdown import Drain

FD_RESERVE = 256  # file descriptors kept for everything but client sockets
# The listen backlog, which is also how many connections asyncio accepts in one go; it accepts a few such rounds
# before the first of them is counted against the cap. A quarter of the reserve keeps a flood of connections from
# running the process out of file descriptors (with 128, 1,100 sockets under a 1,024 limit still hit EMFILE); a
# burst beyond it waits for the kernel's SYN retry.
BACKLOG = FD_RESERVE // 4
MIN_CONNECTIONS = 16
LOG_BURST = 5  # records of one message per LOG_WINDOW_S, then a count of the rest
LOG_WINDOW_S = 10.0


def serve(app: FastAPI, settings: Settings, *, log_level: str = "info") -> None:
    """Run `app` (from `create_app(settings)`) until SIGTERM or Ctrl-C, then drain it."""
    files = raise_file_limit()
    max_connections = settings.max_connections or max(MIN_CONNECTIONS, files - FD_RESERVE)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        access_log=False,
        http=guarded_protocol(ConnectionGuard(max_connections, settings.header_timeout_s, settings.retry_after_s)),
        timeout_keep_alive=max(1, math.ceil(settings.header_timeout_s)),
        backlog=BACKLOG,
        # A backstop only: the drain answers every request by the end of its grace.
        timeout_graceful_shutdown=math.ceil(settings.shutdown_grace_s) + 5,
    )
    limiter = RateLimit(LOG_BURST, LOG_WINDOW_S)
    for name in ("uvicorn.error", "asyncio"):
        logging.getLogger(name).addFilter(limiter)
    server = DrainingServer(config, app.state.drain)
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it handled once it has shut down
        pass
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def raise_file_limit() -> int:
    """Raise the soft open-file limit to the hard one (sockets are files); returns the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = 1 << 20 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass  # keep the limit we have
    return soft


class DrainingServer(uvicorn.Server):
    """uvicorn's server, which tells the app's drain when shutdown begins (uvicorn itself only tells the
    app after every connection has closed, too late to answer the ones it cut off)."""

    def __init__(self, config: uvicorn.Config, drain: Drain):
        super().__init__(config)
        self.drain = drain

    async def shutdown(self, sockets: Any = None) -> None:
        self.drain.begin()
        await super().shutdown(sockets=sockets)


class ConnectionGuard:
    """The server's connections that are waiting for a request head (idle ones first) and the count of all.

    A protocol registers itself when it opens, marks itself idle (waiting for a head, timer armed) or busy
    (a request in flight), and unregisters when it closes.
    """

    def __init__(self, limit: int, header_timeout_s: float, retry_after_s: int):
        self.limit = limit
        self.header_timeout_s = header_timeout_s
        self.retry_after_s = retry_after_s
        self.open = 0
        self.idle: OrderedDict[Any, None] = OrderedDict()  # oldest first

    def admit(self) -> bool:
        """Make room for one more connection: close the one idle longest when at the cap. False when every
        connection has a request in flight (the newcomer's request is then answered 429)."""
        while self.open >= self.limit and self.idle:
            oldest, _ = self.idle.popitem(last=False)
            oldest.close_idle()
        self.open += 1
        return self.open <= self.limit

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI app of a connection admitted over the cap: 429 busy, and the connection closes."""
        await answer(send, Busy(f"the server holds its limit of {self.limit} connections, each with a request "
                                "in flight (RLVR_MAX_CONNECTIONS); retry later", retry_after_s=self.retry_after_s))


def guarded_protocol(guard: ConnectionGuard) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol (httptools when installed, else h11) with the connection cap and the header
    deadline of `guard`. It relies on what both implementations share: `cycle` (the current request, with
    `response_complete`), `on_response_complete` and `transport`."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    base: Any = AutoHTTPProtocol

    class GuardedProtocol(base):
        _deadline: asyncio.TimerHandle | None = None
        _seen: Any = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if not guard.admit():
                self.app = guard.refuse  # its request gets 429 and the connection closes
            self._wait_for_head()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._track()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._track()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_deadline()
            guard.idle.pop(self, None)
            guard.open -= 1
            super().connection_lost(exc)

        def close_idle(self) -> None:
            self._stop_deadline()
            if not self.transport.is_closing():
                self.transport.close()

        def _track(self) -> None:
            """After bytes arrive or a response ends: a new request head means busy; a finished one, idle."""
            cycle = self.cycle
            if cycle is not None and cycle is not self._seen and not cycle.response_complete:
                self._seen = cycle
                self._stop_deadline()
                guard.idle.pop(self, None)
            elif self._deadline is None and (cycle is None or cycle.response_complete):
                self._wait_for_head()

        def _wait_for_head(self) -> None:
            if self.transport.is_closing():
                return
            self._deadline = self.loop.call_later(guard.header_timeout_s, self.close_idle)
            guard.idle[self] = None

        def _stop_deadline(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

    return GuardedProtocol


class RateLimit(logging.Filter):
    """Passes the first `burst` records of each message (its unformatted text) per `window_s`, then drops
    the rest and, in the next window, logs how many it dropped."""

    def __init__(self, burst: int, window_s: float):
        super().__init__()
        self.burst = burst
        self.window_s = window_s
        self._seen: dict[tuple[str, str], list[float | int]] = {}  # key -> [window start, count]

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = time.monotonic()
        start, count = self._seen.get(key, (now, 0))
        if now - start >= self.window_s:
            dropped = max(0, int(count) - self.burst)
            if dropped:
                record.msg = f"{record.msg} [{dropped} more like this in the last {self.window_s:.0f} s not logged]"
            start, count = now, 0
        self._seen[key] = [start, int(count) + 1]
        if len(self._seen) > 1000:  # messages with their values inside: keep the table small
            self._seen.clear()
        return count < self.burst
