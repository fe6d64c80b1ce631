"""A FastAPI test double of kimina-lean-server's documented API (`POST /api/check`, legacy `POST /verify`).

It splits a snippet into its import header and body as the server does, runs the body through the
toy Lean of `lean_fake_repl` and reports positions relative to the body. `FAKE_SLEEP` yields the
server's timeout error; `api_key` makes it demand `Authorization: Bearer <key>`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Header, HTTPException
from lean_fake_repl import run_lean
from pydantic import BaseModel


class Snippet(BaseModel):
    id: str
    code: str


class CheckRequest(BaseModel):
    snippet: Snippet
    timeout: int = 30
    debug: bool = False
    reuse: bool = True


class Code(BaseModel):
    custom_id: str
    proof: str


class VerifyRequest(BaseModel):
    codes: list[Code]
    timeout: int = 300


def split_snippet(code: str) -> tuple[str, str]:
    lines = code.splitlines()
    first_body = next((i for i, line in enumerate(lines)
                       if line.strip() and not line.strip().startswith("import ")), len(lines))
    return "\n".join(lines[:first_body]), "\n".join(lines[first_body:])


def check_code(code: str, timeout: int) -> dict[str, Any]:
    """One snippet's result in the server's shape: `{"time", "error"}` or `{"time", "response"}`."""
    if "FAKE_SLEEP" in code:
        return {"time": float(timeout), "error": f"Lean REPL command timed out in {timeout} seconds"}
    _, body = split_snippet(code)
    messages, sorries = run_lean(body, {})
    response: dict[str, Any] = {"env": 0}
    if messages:
        response["messages"] = messages
    if sorries:
        response["sorries"] = sorries
    return {"time": 0.01, "response": response}


def create_app(api_key: str | None = None) -> FastAPI:
    app = FastAPI()
    app.state.requests = []

    def authorize(authorization: str | None) -> None:
        if api_key is not None and (authorization or "").removeprefix("Bearer ").strip() != api_key:
            raise HTTPException(401, "Invalid API key")

    @app.post("/api/check")
    def check(request: CheckRequest, authorization: str | None = Header(None)) -> dict:
        authorize(authorization)
        app.state.requests.append(request.model_dump())
        return {"id": request.snippet.id, **check_code(request.snippet.code, request.timeout)}

    @app.post("/verify")
    def verify(request: VerifyRequest, authorization: str | None = Header(None)) -> dict:
        authorize(authorization)
        app.state.requests.append(request.model_dump())
        results = []
        for code in request.codes:
            result = check_code(code.proof, request.timeout)
            results.append({"custom_id": code.custom_id, "error": result.get("error"),
                            "response": result.get("response")})
        return {"results": results}

    return app
