"""Errors the server answers with. Each carries its HTTP status and a message written for the client.

They derive from Starlette's HTTPException so that FastAPI passes them through untouched while it
parses a body (it turns any other exception there into a vague 400), and from RlvrError like every
error rlvr raises on purpose.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import Send

from rlvr.errors import RlvrError


class ApiError(HTTPException, RlvrError):
    """An error with a stable machine-readable `code` and a message that never quotes internals."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None):
        super().__init__(status_code=self.status, detail=message, headers=headers)


class BadJson(ApiError):
    code = "invalid_json"


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"

    def __init__(self, message: str = "missing or wrong API key; send 'Authorization: Bearer <key>'"):
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class NotFound(ApiError):
    status = 404
    code = "not_found"


class TooLarge(ApiError):
    status = 413
    code = "too_large"


class Invalid(ApiError):
    status = 422
    code = "invalid_request"


class Busy(ApiError):
    """Backpressure: the bounded queue (or the session table) is full; retry after a moment."""

    status = 429
    code = "busy"

    def __init__(self, message: str, *, retry_after_s: int):
        super().__init__(message, headers={"Retry-After": str(retry_after_s)})


class NotReady(ApiError):
    status = 503
    code = "not_ready"


class ShuttingDown(ApiError):
    """The server is stopping: a request it could not finish within the shutdown grace, or one that arrived
    after the drain began. Nothing of it was kept; retry, on another replica if there is one."""

    status = 503
    code = "shutting_down"

    def __init__(self, message: str, *, retry_after_s: int):
        super().__init__(message, headers={"Retry-After": str(retry_after_s), "Connection": "close"})


class Internal(ApiError):
    """Our fault (a bug, or an env that failed to start); the details go to the server log only."""

    status = 500
    code = "internal_error"


async def answer(send: Send, error: ApiError) -> None:
    """Send `error` as the whole response from ASGI middleware (outside FastAPI's exception handlers), with
    `connection: close`: the middleware answers before reading the body, so the connection cannot be reused."""
    body = json.dumps({"error": error.code, "message": error.detail}).encode()
    headers = {k.lower(): v for k, v in (error.headers or {}).items()}
    headers.update({"content-type": "application/json", "content-length": str(len(body)), "connection": "close"})
    await send({"type": "http.response.start", "status": error.status,
                "headers": [(k.encode(), v.encode()) for k, v in headers.items()]})
    await send({"type": "http.response.body", "body": body})
