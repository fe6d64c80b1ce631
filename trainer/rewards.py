"""Scoring completions: in-process through each env's verifier, or through the reward server over HTTP.

Both return one `VerifyResult` per completion, in order; a result whose reward is None (the check
reached no verdict) is masked by the trainer, never read as 0.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import httpx

from rlvr.envs.base import TextEnv
from rlvr.results import Status, VerifyResult
from rlvr.trainer.errors import RewardServerError
from rlvr.trainer.tasks import Prompt


class RewardClient(Protocol):
    def score(self, prompts: Sequence[Prompt], completions: Sequence[str]) -> list[VerifyResult]: ...

    def close(self) -> None: ...


class LocalRewards:
    """Calls `env.score(completion, task)` for each item; threads overlap the verifier's worker pool."""

    def __init__(self, envs: dict[str, TextEnv], threads: int = 8):
        self.envs = envs
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="rlvr-reward")

    def score(self, prompts: Sequence[Prompt], completions: Sequence[str]) -> list[VerifyResult]:
        pairs = zip(prompts, completions, strict=True)
        futures = [self._threads.submit(self._score_one, p, c) for p, c in pairs]
        return [f.result() for f in futures]

    def _score_one(self, prompt: Prompt, completion: str) -> VerifyResult:
        try:
            return self.envs[prompt.env_id].score(completion, prompt.task)
        except Exception as exc:  # an env's own bug must mask the item, not stop the run or score it 0
            reason = f"env {prompt.env_id} failed to score: {type(exc).__name__}"
            return VerifyResult.broken(Status.ERROR, reason)

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)


class HttpRewards:
    """Client of the reward server's `POST /verify/batch`: chunks sent concurrently, retried on failure.

    Connection errors and 5xx are retried with backoff, 429 after its `Retry-After`; the bearer key
    comes from `api_key` or `RLVR_API_KEY`. `transport` is injectable (an `httpx.AsyncBaseTransport`).
    """

    def __init__(self, url: str, *, timeout_s: float = 120.0, batch_size: int = 256, concurrency: int = 4,
                 retries: int = 5, api_key: str | None = None,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.url = url.rstrip("/")
        key = api_key if api_key is not None else os.environ.get("RLVR_API_KEY", "")
        self.headers = {"authorization": f"Bearer {key}"} if key else {}
        self.timeout = httpx.Timeout(timeout_s, connect=min(10.0, timeout_s))
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.retries = retries
        self.transport = transport

    def score(self, prompts: Sequence[Prompt], completions: Sequence[str]) -> list[VerifyResult]:
        items = [{"env": p.env_id, "completion": c, "reference": dict(p.task.reference)}
                 for p, c in zip(prompts, completions, strict=True)]
        return asyncio.run(self.ascore(items))

    async def ascore(self, items: list[dict[str, Any]]) -> list[VerifyResult]:
        chunks = [items[i:i + self.batch_size] for i in range(0, len(items), self.batch_size)]
        limit = asyncio.Semaphore(self.concurrency)
        client = httpx.AsyncClient(base_url=self.url, timeout=self.timeout, transport=self.transport,
                                   headers=self.headers)
        async with client:
            async def send(chunk: list[dict[str, Any]]) -> list[VerifyResult]:
                async with limit:
                    return await self._post(client, chunk)

            parts = await asyncio.gather(*(send(chunk) for chunk in chunks))
        return [result for part in parts for result in part]

    async def _post(self, client: httpx.AsyncClient, chunk: list[dict[str, Any]]) -> list[VerifyResult]:
        problem = ""
        for attempt in range(self.retries):
            wait = 0.25 * 2**attempt
            try:
                response = await client.post("/verify/batch", json={"items": chunk})
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code == 429:
                    wait = _retry_after(response, wait)
                elif response.status_code < 500:
                    return _parse(response, len(chunk))
                problem = f"HTTP {response.status_code}"
            await asyncio.sleep(wait)
        raise RewardServerError(f"reward server {self.url} failed after {self.retries} tries ({problem})")

    def close(self) -> None:
        return None


def _retry_after(response: httpx.Response, default: float) -> float:
    try:
        return min(float(response.headers.get("retry-after", default)), 30.0)
    except ValueError:
        return default


def _parse(response: httpx.Response, expected: int) -> list[VerifyResult]:
    if response.status_code != 200:
        raise RewardServerError(f"reward server answered HTTP {response.status_code}: {response.text[:300]}")
    try:
        results = response.json()["results"]
        parsed = [VerifyResult(r["reward"], r["status"], r.get("reason", ""), r.get("details") or {})
                  for r in results]
    except (ValueError, KeyError, TypeError) as exc:
        raise RewardServerError(f"reward server answer breaks the contract: {exc}") from None
    if len(parsed) != expected:
        raise RewardServerError(f"reward server returned {len(parsed)} results for {expected} items")
    return parsed
