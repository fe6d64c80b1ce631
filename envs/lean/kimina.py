"""The `kimina` backend: an httpx client for a kimina-lean-server the user already runs.

The server takes a whole Lean file, so the four check stages (see `plan`) go in one snippet and its
messages are assigned back to stages by line. `POST /api/check` (current API) sends
`{"snippet": {"id", "code"}, "timeout", "debug", "reuse"}` and gets `{"id", "time", "error",
"response": {"env", "messages", "sorries"}}`; the legacy `POST /verify` sends `{"codes": [{"custom_id",
"proof"}], "timeout", ...}` and gets `{"results": [{"custom_id", "error", "response"}]}`.
"""

from __future__ import annotations

import math
import secrets
from typing import Any

import httpx

from rlvr.envs.lean.config import LeanConfig
from rlvr.envs.lean.errors import KiminaError, LeanTimeout
from rlvr.envs.lean.plan import assemble, build_plan, judge_all, split_by_stage
from rlvr.envs.lean.source import Candidate, Reference
from rlvr.results import VerifyResult

# Extra seconds the HTTP call may take beyond the server-side Lean timeout (queueing, transfer).
HTTP_SLACK_S = 10.0


class KiminaClient:
    """A synchronous client for one kimina-lean-server; `transport` is injectable for tests."""

    def __init__(self, url: str, *, api_key: str | None = None, endpoint: str = "api/check",
                 transport: httpx.BaseTransport | None = None):
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.endpoint = endpoint
        self._http = httpx.Client(base_url=url.rstrip("/") + "/", headers=headers, transport=transport)

    def check(self, code: str, timeout_s: float) -> dict[str, Any]:
        """The REPL-style response (`messages`, `sorries`, `env`) for one Lean file."""
        snippet_id = secrets.token_hex(8)
        seconds = max(1, math.ceil(timeout_s))
        if self.endpoint == "verify":
            body: dict[str, Any] = {"codes": [{"custom_id": snippet_id, "proof": code}], "timeout": seconds,
                                    "infotree_type": None, "disable_cache": False}
        else:
            body = {"snippet": {"id": snippet_id, "code": code}, "timeout": seconds, "debug": False,
                    "reuse": True}
        try:
            reply = self._http.post(self.endpoint, json=body, timeout=httpx.Timeout(timeout_s + HTTP_SLACK_S,
                                                                                    connect=5.0))
        except httpx.TimeoutException:
            raise LeanTimeout("kimina-lean-server did not answer in time") from None
        except httpx.HTTPError as exc:
            raise KiminaError(f"kimina-lean-server is unreachable: {exc.__class__.__name__}") from None
        if reply.status_code != 200:
            raise KiminaError(f"kimina-lean-server answered HTTP {reply.status_code}")
        return _unwrap(reply, self.endpoint, snippet_id)

    def close(self) -> None:
        self._http.close()


def _unwrap(reply: httpx.Response, endpoint: str, snippet_id: str) -> dict[str, Any]:
    try:
        data = reply.json()
        item = data["results"][0] if endpoint == "verify" else data
        returned_id = item.get("custom_id") if endpoint == "verify" else item.get("id")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise KiminaError("kimina-lean-server answered outside its documented API") from None
    if returned_id != snippet_id:
        raise KiminaError("kimina-lean-server answered for a different snippet")
    error = item.get("error")
    if error:
        if "timed out" in str(error) or "timeout" in str(error).lower():
            raise LeanTimeout("Lean timed out on kimina-lean-server")
        raise KiminaError(f"kimina-lean-server could not check the proof: {str(error)[:300]}")
    response = item.get("response")
    if not isinstance(response, dict):
        raise KiminaError("kimina-lean-server returned no Lean response")
    return response


def check_with_kimina(candidate: Candidate, reference: Reference, config: LeanConfig,
                      client: KiminaClient) -> VerifyResult:
    """Send all check stages as one file and judge the messages stage by stage. A broken check raises
    LeanError (LeanTimeout when it overran), which `rlvr.outcomes` turns into `error` or `timeout`."""
    plan = build_plan(candidate, reference)
    code, ranges = assemble(plan, reference.header)
    try:
        response = client.check(code, config.timeout_s)
    except LeanTimeout as exc:
        raise LeanTimeout(f"{exc} (limit {config.timeout_s:g}s)") from None
    return judge_all(split_by_stage(response, ranges, plan), plan, config.allowed_axioms)


def client_for(config: LeanConfig) -> KiminaClient:
    """A client (one connection pool) for `config`'s server; a Runtime keeps one per config."""
    return KiminaClient(config.kimina_url or "", api_key=config.kimina_api_key, endpoint=config.kimina_endpoint)
