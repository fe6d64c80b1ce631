"""Completions from any OpenAI-compatible server (vLLM, SGLang, llama.cpp, `transformers serve`) over httpx.

One request per completion (`n` is not honoured everywhere), at most `concurrency` in flight, each retried on a
lost connection, 429 and 5xx with `rlvr.client.RetryPolicy`'s backoff. A request that still fails stops the run
with an `EndpointError`: an evaluation with holes in it would report a number nobody measured.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx

from rlvr.client import RetryPolicy
from rlvr.envs.base import Task
from rlvr.errors import ConfigError, RlvrError
from rlvr.evaluation.backends import Advance, Completion

APIS = ("chat", "completions")
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class EndpointError(RlvrError):
    """The model server refused a request or kept failing after the retries."""


class Endpoint:
    """url: the API base, as OpenAI clients take it (`http://host:8000/v1`); model: the name the server knows.
    api: "chat" (`/chat/completions`, the server applies the chat template) or "completions" (`/completions`
    with the plain prompt, for models without a chat template). `transport` is injectable."""

    def __init__(self, url: str, model: str, sampling: Any, *, api: str = "chat", concurrency: int = 8,
                 retry: RetryPolicy | None = None, timeout_s: float = 300.0, api_key: str | None = None,
                 transport: httpx.AsyncBaseTransport | None = None):
        if api not in APIS:
            raise ConfigError(f"api must be one of {', '.join(APIS)}, got {api!r}")
        if concurrency < 1:
            raise ConfigError(f"concurrency must be >= 1, got {concurrency}")
        self.name = model
        self.url = url.rstrip("/")
        self.sampling = sampling
        self.api = api
        self.concurrency = concurrency
        self.retry = retry or RetryPolicy()
        self.timeout = httpx.Timeout(timeout_s, connect=min(10.0, timeout_s))
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.transport = transport

    def complete(self, tasks: Sequence[Task], samples: int, seed: int, advance: Advance) -> list[list[Completion]]:
        return asyncio.run(self._complete(tasks, samples, seed, advance))

    async def _complete(self, tasks: Sequence[Task], samples: int, seed: int,
                        advance: Advance) -> list[list[Completion]]:
        gate = asyncio.Semaphore(self.concurrency)
        limits = httpx.Limits(max_connections=self.concurrency)
        async with httpx.AsyncClient(base_url=self.url, headers=self.headers, timeout=self.timeout, limits=limits,
                                     transport=self.transport) as http:

            async def one(task: Task, request_seed: int) -> Completion:
                async with gate:
                    completion = await self._request(http, self.body(task, request_seed))
                advance(1)
                return completion

            jobs = [one(task, seed + index * samples + sample)
                    for index, task in enumerate(tasks) for sample in range(samples)]
            flat = await asyncio.gather(*jobs)
        return [list(flat[i:i + samples]) for i in range(0, len(flat), samples)]

    def body(self, task: Task, seed: int) -> dict[str, Any]:
        """The request for one completion; `seed` makes a server that honours it reproducible."""
        from rlvr.trainer.generation import render_prompt

        body: dict[str, Any] = {"model": self.name, "max_tokens": self.sampling.max_new_tokens,
                                "temperature": self.sampling.temperature, "top_p": self.sampling.top_p,
                                "seed": seed}
        if self.api == "chat":
            return {**body, "messages": task.messages}
        return {**body, "prompt": render_prompt(None, task)}

    async def _request(self, http: httpx.AsyncClient, body: dict[str, Any]) -> Completion:
        path = "/chat/completions" if self.api == "chat" else "/completions"
        response: httpx.Response | None = None
        for attempt in range(self.retry.attempts):
            try:
                response, error = await http.post(path, json=body), None
            except httpx.TransportError as exc:
                response, error = None, exc
            retriable = response is None or response.status_code in _RETRY_STATUSES
            if not retriable or attempt + 1 == self.retry.attempts:
                break
            await asyncio.sleep(self.retry.wait(attempt, response))
        if response is None:
            raise EndpointError(f"{self.url}{path}: {type(error).__name__} after {self.retry.attempts} tries")
        return _completion(f"{self.url}{path}", response)


def _completion(where: str, response: httpx.Response) -> Completion:
    """The first choice of an OpenAI answer; anything else is an EndpointError that quotes the server briefly."""
    if response.status_code >= 400:
        raise EndpointError(f"{where} answered {response.status_code}: {response.text[:200]}")
    try:
        data = response.json()
        choice = data["choices"][0]
        text = choice["message"]["content"] if "message" in choice else choice["text"]
        tokens = (data.get("usage") or {}).get("completion_tokens")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise EndpointError(f"{where} answered something that is not an OpenAI completion ({exc!r})") from None
    finish = choice.get("finish_reason")
    return Completion(text or "", tokens if isinstance(tokens, int) else None,
                      None if finish is None else finish == "length")
