"""Scoring completions: in-process through each env's verifier, through the reward server over HTTP, or on a
verification fleet on a Ray cluster (`rlvr.ray.RayVerifier`).

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
from rlvr.outcomes import result_for
from rlvr.results import VerifyResult
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
            return result_for(exc, where=f"env {prompt.env_id}")

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)


class HttpRewards:
    """Scores through the reward server's `POST /verify/batch` with `rlvr.client.AsyncRewardClient`.

    Chunks of `batch_size` items go out concurrently (at most `concurrency` connections); the client
    retries connection errors, 5xx and 429 (after `Retry-After`). The bearer key comes from `api_key` or
    `RLVR_API_KEY`. Any failure that remains is a `RewardServerError`: the run stops rather than
    training on rewards it does not have. `transport` is injectable (an `httpx.AsyncBaseTransport`).
    """

    def __init__(self, url: str, *, timeout_s: float = 120.0, batch_size: int = 256, concurrency: int = 4,
                 retries: int = 5, api_key: str | None = None,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.url = url.rstrip("/")
        self.timeout = httpx.Timeout(timeout_s, connect=min(10.0, timeout_s))
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.retries = retries
        self.api_key = api_key if api_key is not None else os.environ.get("RLVR_API_KEY") or None
        self.transport = transport

    def score(self, prompts: Sequence[Prompt], completions: Sequence[str]) -> list[VerifyResult]:
        items = _items(prompts, completions)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.ascore(items))
        with ThreadPoolExecutor(max_workers=1) as thread:  # called from async code (a notebook): own loop
            return thread.submit(asyncio.run, self.ascore(items)).result()

    async def ascore(self, items: list[dict[str, Any]]) -> list[VerifyResult]:
        from rlvr.client import AsyncRewardClient, RemoteError, RetryPolicy

        client = AsyncRewardClient(self.url, api_key=self.api_key, timeout=self.timeout,
                                   retry=RetryPolicy(attempts=self.retries), max_connections=self.concurrency,
                                   transport=self.transport)
        try:
            async with client:
                results = await client.verify_batch(items, chunk=self.batch_size)
        except RemoteError as exc:
            raise RewardServerError(f"reward server {self.url} failed after retries: {exc}") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise RewardServerError(f"reward server answer breaks the contract: {exc!r}") from None
        if len(results) != len(items):
            raise RewardServerError(f"reward server returned {len(results)} results for {len(items)} items")
        return results

    def close(self) -> None:
        return None


class FleetRewards:
    """Scores on the verification fleet of the Ray cluster at `address` (`RayVerifier`): a trainer on that cluster
    verifies on it with no HTTP hop. Items whose actor died are retried once; what stays unverified comes back
    with reward None and is masked. The fleet's actors live until `close()`."""

    def __init__(self, address: str):
        from rlvr.ray import RayVerifier

        self.fleet = RayVerifier(address)

    def score(self, prompts: Sequence[Prompt], completions: Sequence[str]) -> list[VerifyResult]:
        return self.fleet.verify_batch(_items(prompts, completions))

    def close(self) -> None:
        self.fleet.close()


def _items(prompts: Sequence[Prompt], completions: Sequence[str]) -> list[dict[str, Any]]:
    return [{"env": p.env_id, "completion": c, "reference": dict(p.task.reference)}
            for p, c in zip(prompts, completions, strict=True)]
