"""Where adapters send items: a reward server when a URL is known, else the in-process Verifier."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from rlvr.results import VerifyResult

_clients: dict[tuple[str, str | None], Any] = {}
_lock = threading.Lock()


def score_batch(items: Sequence[Mapping[str, Any]], *, url: str | None, api_key: str | None) -> list[VerifyResult]:
    if not url:
        from rlvr.dispatch import verify_batch

        return verify_batch(items)
    return _client(url, api_key).verify_batch(items)


async def ascore_batch(
    items: Sequence[Mapping[str, Any]], *, url: str | None, api_key: str | None
) -> list[VerifyResult]:
    if not url:
        from rlvr.dispatch import default_verifier

        return await default_verifier().averify_batch(items)
    from rlvr.client import AsyncRewardClient

    async with AsyncRewardClient(url, api_key=api_key) as client:  # an async client is bound to its loop
        return await client.verify_batch(items)


def as_reference(value: Any) -> dict[str, Any]:
    """A dict or JSON-object string is a full reference; anything else is the bare answer."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return {"answer": value}
        return decoded if isinstance(decoded, dict) else {"answer": value}
    return {"answer": str(value)}


def _client(url: str, api_key: str | None) -> Any:
    from rlvr.client import RewardClient

    with _lock:
        key = (url, api_key)
        if key not in _clients:
            _clients[key] = RewardClient(url, api_key=api_key)
        return _clients[key]
