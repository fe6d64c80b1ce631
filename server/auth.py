"""Optional bearer-key auth: on when `RLVR_API_KEY` is set; the key is compared in constant time."""

from __future__ import annotations

import hmac

from fastapi import Request

from rlvr.server.errors import Unauthorized


def require_key(request: Request) -> None:
    """Router dependency: 401 for a missing or wrong key when a key is configured."""
    expected: bytes = request.app.state.api_key
    if not expected:
        return
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
        raise Unauthorized()
