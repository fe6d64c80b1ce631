"""Optional bearer-key auth: on when `RLVR_API_KEY` is set; the key is compared in constant time.

`KeyGuard` enforces it as ASGI middleware, before routing and before a byte of the body is read (FastAPI
reads a body before it runs a route's dependencies), on every path but the probes: default-deny, so a route
added later, `/openapi.json` and `/docs` are guarded too. `require_key` only declares the scheme in OpenAPI.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Receive, Scope, Send

from rlvr.server.errors import Unauthorized, answer

OPEN_PATHS = frozenset({"/healthz", "/readyz"})  # probes: an orchestrator has no key

# Declares the bearer scheme in OpenAPI; auto_error=False leaves the decision (and the 401 body) to KeyGuard.
bearer = HTTPBearer(auto_error=False, description="the server's RLVR_API_KEY; required only when it is set")


async def require_key(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    """Router dependency that puts the bearer scheme and the 401 into OpenAPI; KeyGuard has already checked.
    `async`: FastAPI runs a plain `def` dependency on its thread pool, a thread hop per request (issue 13)."""


class KeyGuard:
    """401 for a missing or wrong key when one is configured, answered from the request head alone."""

    def __init__(self, app: ASGIApp, *, key: bytes):
        self.app = app
        self.key = key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.key or scope["type"] != "http" or scope["path"] in OPEN_PATHS or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        await answer(send, Unauthorized())

    def _allowed(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.partition(b" ")
                return scheme.lower() == b"bearer" and hmac.compare_digest(token.strip(), self.key)
        return False
