"""Scoring `{"env", "completion", "reference"}` items with today's verifiers: in-process on a `Runtime` (the path
`rlvr.verify_batch` takes) or through a reward server (`rlvr.client.RewardClient`), as `rlvr train` can."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from rlvr.results import VerifyResult
from rlvr.runtime import Runtime


class Scorer:
    """One result per item, in order, broken checks included (reward None). Owns what it opens; close it, or use
    it as a context manager. The server's bearer key comes from `api_key` or RLVR_API_KEY."""

    def __init__(self, server: str | None = None, *, api_key: str | None = None):
        from rlvr.client import RewardClient

        self.server = server
        key = api_key if api_key is not None else os.environ.get("RLVR_API_KEY") or None
        self._backend: RewardClient | Runtime = RewardClient(server, api_key=key) if server else Runtime()

    def score(self, items: Sequence[Mapping[str, Any]]) -> list[VerifyResult]:
        return self._backend.verify_batch(items)

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> Scorer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
