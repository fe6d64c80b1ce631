"""What the routes promise beyond their models: the error responses OpenAPI declares, JSON bodies in, and
JSON bodies out without a second validation on the hot path.

Routers declare their errors with `errors(...)` once per router (or per route where a router mixes
bodies and none); the app adds the ones every route shares (413 from the body limit, 401 from auth).
"""

from __future__ import annotations

import email.message
import functools
from typing import Any

import orjson
from fastapi import Request, Response
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from rlvr.server.errors import BadJson
from rlvr.server.models import ErrorOut

_WHEN = {
    400: "invalid_json: the body is not JSON, not sent as application/json, or JSON the parser cannot take",
    401: "unauthorized: RLVR_API_KEY is set and 'Authorization: Bearer <key>' is missing or wrong",
    404: "not_found: unknown env or session",
    413: "too_large: body over RLVR_MAX_BODY_BYTES, batch over RLVR_MAX_BATCH, or text over "
    "RLVR_MAX_COMPLETION_CHARS",
    422: "invalid_request: the JSON has the wrong shape or types; the message names the field",
    429: "busy: the bounded queue or the session table is full; retry after Retry-After seconds",
    500: "internal_error: a bug or an env that failed to start; see the server log",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries with the `{"error", "message"}` body for each status code."""
    return {code: {"model": ErrorOut, "description": _WHEN[code]} for code in codes}


async def require_json(request: Request) -> None:
    """Dependency of body routes: a body not sent as JSON is 400 invalid_json, not a 422 that says the
    body is no object (FastAPI only parses `application/json` and `application/*+json` bodies)."""
    content_type = request.headers.get("content-type", "")
    if not await request.body() or _is_json(content_type):
        return
    got = f"content-type {content_type[:60]!r}" if content_type else "no content-type"
    raise BadJson(f"the request body must be JSON sent with 'content-type: application/json' (got {got})")


@functools.lru_cache(maxsize=64)
def _is_json(content_type: str) -> bool:
    """FastAPI's own test, so that whatever passes here is parsed as JSON."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


def json_response(body: dict[str, Any], model: type[BaseModel]) -> Response:
    """`body` as a JSON response, written by orjson without FastAPI's re-validation against `model` (the
    route's `response_model`, still what OpenAPI shows). Anything orjson will not write as-is (a lone
    surrogate, an integer past 64 bits) takes the model's own path, which makes it valid JSON (`SafeStr`)."""
    try:
        content = orjson.dumps(body, default=to_jsonable_python, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        content = model.model_validate(body).model_dump_json().encode()
    return Response(content, media_type="application/json")
