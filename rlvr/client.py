"""HTTP clients for the reward server, and `RemoteEnv`: a Gymnasium env whose episodes run on a server.

Pooled httpx connections, explicit timeouts, an injectable transport (tests, proxies), and retries with
jittered backoff on connection errors, 5xx and 429 (honouring `Retry-After`) only: any other 4xx is the
caller's mistake and raises `RemoteError` at once. A session step is not idempotent, so it is retried
only when the request never reached the server.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import gymnasium
import httpx

from rlvr.envs.base import MAX_TEXT_CHARS, UnicodeText
from rlvr.errors import ConfigError, RlvrError
from rlvr.results import VerifyResult

DEFAULT_TIMEOUT = httpx.Timeout(120.0, connect=5.0)
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class RemoteError(RlvrError):
    """The server refused a request (4xx) or kept failing after the retries; `status` is the HTTP code."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` tries in all; the n-th wait is `backoff_s * 2**n` times a random factor in [0.5, 1.5]."""

    attempts: int = 4
    backoff_s: float = 0.25
    max_wait_s: float = 10.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ConfigError(f"attempts must be >= 1, got {self.attempts}")

    def wait(self, attempt: int, response: httpx.Response | None) -> float:
        delay = self.backoff_s * 2**attempt * random.uniform(0.5, 1.5)
        retry_after = response.headers.get("retry-after", "") if response is not None else ""
        if retry_after.isdigit():
            delay = max(delay, float(retry_after) * random.uniform(1.0, 1.25))
        return min(delay, self.max_wait_s)


@dataclass(frozen=True)
class _Call:
    method: str
    path: str
    body: Any = None
    idempotent: bool = True


class _Base:
    def __init__(self, url: str, *, api_key: str | None, retry: RetryPolicy | None):
        self.url = url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}

    def _outcome(
        self, call: _Call, attempt: int, response: httpx.Response | None, error: httpx.TransportError | None
    ) -> tuple[bool, Any]:
        """(True, wait) to retry, else (False, decoded body); raises RemoteError for a final failure."""
        last = attempt + 1 >= self.retry.attempts
        if error is not None:
            unsent = isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
            if last or not (call.idempotent or unsent):
                raise RemoteError(f"{call.method} {call.path} failed: {type(error).__name__}") from error
            return True, self.retry.wait(attempt, None)
        assert response is not None
        if response.status_code in _RETRY_STATUSES and call.idempotent and not last:
            return True, self.retry.wait(attempt, response)
        if response.status_code >= 400:
            raise _remote_error(call, response)
        return False, response.json() if response.content else None


class RewardClient(_Base):
    """Synchronous client; thread-safe (one pooled httpx.Client). Use as a context manager or close()."""

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        max_connections: int = 64,
        transport: httpx.BaseTransport | None = None,
    ):
        super().__init__(url, api_key=api_key, retry=retry)
        self._http = httpx.Client(
            base_url=self.url,
            headers=self._headers,
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=max_connections),
        )

    def verify(self, env: str, *, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
        body = {"env": env, "completion": completion, "reference": dict(reference)}
        return _result(self._call(_Call("POST", "/verify", body)))

    def verify_batch(self, items: Iterable[Mapping[str, Any]], *, chunk: int = 256) -> list[VerifyResult]:
        """One result per item, in order; large inputs go in chunks of `chunk` items."""
        results: list[VerifyResult] = []
        for part in _chunks(list(items), chunk):
            results += [_result(r) for r in self._call(_Call("POST", "/verify/batch", {"items": part}))["results"]]
        return results

    def envs(self) -> list[dict[str, Any]]:
        return self._call(_Call("GET", "/envs"))["envs"]

    def reset(self, env_id: str, *, seed: int | None = None, options: Mapping[str, Any] | None = None,
              kwargs: Mapping[str, Any] | None = None, level: int | None = None) -> dict:
        """Start a session of `env_id` made with `kwargs` (those GET /envs lists for it) at `level`."""
        body = {"seed": seed, "options": _plain(options), "kwargs": _plain(kwargs), "level": level}
        return self._call(_Call("POST", f"/envs/{env_id}/reset", body, idempotent=False))

    def step(self, session_id: str, action: str) -> dict:
        return self._call(_Call("POST", f"/sessions/{session_id}/step", {"action": action}, idempotent=False))

    def close_session(self, session_id: str) -> None:
        self._call(_Call("DELETE", f"/sessions/{session_id}"))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RewardClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, call: _Call) -> Any:
        attempt = 0
        while True:
            response, error = None, None
            try:
                response = self._http.request(call.method, call.path, json=call.body)
            except httpx.TransportError as exc:
                error = exc
            retry, value = self._outcome(call, attempt, response, error)
            if not retry:
                return value
            time.sleep(value)
            attempt += 1


class AsyncRewardClient(_Base):
    """The asyncio twin of RewardClient (verify, verify_batch, envs)."""

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        max_connections: int = 64,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        super().__init__(url, api_key=api_key, retry=retry)
        self._http = httpx.AsyncClient(
            base_url=self.url,
            headers=self._headers,
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=max_connections),
        )

    async def verify(self, env: str, *, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
        body = {"env": env, "completion": completion, "reference": dict(reference)}
        return _result(await self._call(_Call("POST", "/verify", body)))

    async def verify_batch(self, items: Iterable[Mapping[str, Any]], *, chunk: int = 256) -> list[VerifyResult]:
        parts = _chunks(list(items), chunk)
        replies = await asyncio.gather(*(self._call(_Call("POST", "/verify/batch", {"items": p})) for p in parts))
        return [_result(r) for reply in replies for r in reply["results"]]

    async def envs(self) -> list[dict[str, Any]]:
        return (await self._call(_Call("GET", "/envs")))["envs"]

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    async def __aenter__(self) -> AsyncRewardClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _call(self, call: _Call) -> Any:
        attempt = 0
        while True:
            response, error = None, None
            try:
                response = await self._http.request(call.method, call.path, json=call.body)
            except httpx.TransportError as exc:
                error = exc
            retry, value = self._outcome(call, attempt, response, error)
            if not retry:
                return value
            await asyncio.sleep(value)
            attempt += 1


class RemoteEnv(gymnasium.Env[str, str]):
    """A registered rlvr env served by a reward server, through the usual Gymnasium API.

    `reset` opens a server session (closing the previous one); `step` sends the completion. As with
    local envs, a check with no verdict has reward 0.0 and `info["status"]` says why: mask those steps.
    `env_kwargs` are the env's constructor kwargs (`gym.make(env_id, **env_kwargs)` on the server; GET /envs
    lists which it takes); `set_difficulty(level)` applies from the next reset, as a local env's does.
    """

    metadata = {"render_modes": []}

    def __init__(
        self,
        env_id: str,
        url: str | None = None,
        *,
        api_key: str | None = None,
        client: RewardClient | None = None,
        max_action_chars: int = 100_000,
        env_kwargs: Mapping[str, Any] | None = None,
        level: int | None = None,
    ):
        if client is None and url is None:
            raise ConfigError("RemoteEnv needs the server's url (or a RewardClient)")
        self.env_id = env_id
        self.env_kwargs = dict(env_kwargs or {})
        self.level = level
        self._owns_client = client is None
        self.client = client or RewardClient(url or "", api_key=api_key)
        self.observation_space = UnicodeText(max_length=MAX_TEXT_CHARS)
        self.action_space = UnicodeText(max_length=max_action_chars)  # the server's RLVR_MAX_COMPLETION_CHARS
        self.session_id: str | None = None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict]:
        super().reset(seed=seed)
        self._close_session()
        reply = self.client.reset(self.env_id, seed=seed, options=options, kwargs=self.env_kwargs, level=self.level)
        self.session_id = reply["session_id"]
        return reply["observation"], reply["info"]

    def set_difficulty(self, level: int) -> None:
        """Curriculum hook: the next reset's session starts at `level` (the server checks it against the env's)."""
        self.level = level

    def step(self, action: str) -> tuple[str, float, bool, bool, dict]:
        if self.session_id is None:
            raise gymnasium.error.ResetNeeded("call reset() before step()")
        reply = self.client.step(self.session_id, action)
        if reply["terminated"] or reply["truncated"]:
            self.session_id = None  # the server has ended the episode; nothing to close
        return (
            reply["observation"],
            float(reply["reward"]),
            reply["terminated"],
            reply["truncated"],
            reply["info"],
        )

    def close(self) -> None:
        self._close_session()
        if self._owns_client:
            self.client.close()

    def _close_session(self) -> None:
        if self.session_id is not None:
            session_id, self.session_id = self.session_id, None
            try:
                self.client.close_session(session_id)
            except RemoteError as exc:
                if exc.status != 404:  # already expired: fine
                    raise


def _plain(mapping: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return dict(mapping) if mapping is not None else None


def _result(data: Mapping[str, Any]) -> VerifyResult:
    return VerifyResult(data["reward"], data["status"], data["reason"], data.get("details") or {})


def _chunks(items: Sequence[Any], size: int) -> list[list[Any]]:
    if size < 1:
        raise ConfigError(f"chunk must be >= 1, got {size}")
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _remote_error(call: _Call, response: httpx.Response) -> RemoteError:
    try:
        body = response.json()
        code, message = body.get("error"), body.get("message", "")
    except (ValueError, AttributeError):
        code, message = None, response.text[:200]
    return RemoteError(
        f"{call.method} {call.path}: HTTP {response.status_code}: {message}",
        status=response.status_code,
        code=code,
    )
