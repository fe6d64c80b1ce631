"""Optional bearer-key auth: on when `RLVR_API_KEY` is set; the key is compared in constant time."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rlvr.server.errors import Unauthorized

# Declares the bearer scheme in OpenAPI; auto_error=False leaves the decision (and the 401 body) to us.
bearer = HTTPBearer(auto_error=False, description="the server's RLVR_API_KEY; required only when it is set")


def require_key(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    """Router dependency: 401 for a missing or wrong key when a key is configured."""
    expected: bytes = request.app.state.api_key
    if not expected:
        return
    token = credentials.credentials if credentials else ""
    if not hmac.compare_digest(token.encode(), expected):
        raise Unauthorized()
