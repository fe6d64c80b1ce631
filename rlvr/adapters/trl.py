"""A TRL `reward_funcs` entry: `(prompts, completions, **columns) -> list[float | None]`.

TRL passes the dataset's other columns as keyword lists; the reference of row i is `reference[i]`
when the dataset has a `reference` column (a dict or JSON string), else built from `reference_columns`
(default: `answer`). An `env` column overrides the env per row. None marks a check with no verdict,
which TRL masks.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from rlvr.adapters._backend import ascore_batch, score_batch
from rlvr.labels import reference_from_label


def make_trl_reward(
    env: str = "rlvr/Math-v1",
    *,
    url: str | None = None,
    api_key: str | None = None,
    reference_columns: Sequence[str] = ("answer",),
    asynchronous: bool = False,
) -> Callable:
    """Build the reward function. `url` defaults to `RLVR_URL`; with neither, it scores in-process."""
    url = url if url is not None else os.environ.get("RLVR_URL") or None
    api_key = api_key if api_key is not None else os.environ.get("RLVR_API_KEY") or None

    def items(completions: Sequence[Any], columns: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {
                "env": _column(columns, "env", i) or env,
                "completion": _text(completion),
                "reference": _row_reference(columns, i, reference_columns),
            }
            for i, completion in enumerate(completions)
        ]

    def rewards(results: list) -> list[float | None]:
        return [r.reward for r in results]

    if asynchronous:

        async def reward_func(prompts: Sequence[Any], completions: Sequence[Any], **columns: Any) -> list:
            return rewards(await ascore_batch(items(completions, columns), url=url, api_key=api_key))
    else:

        def reward_func(prompts: Sequence[Any], completions: Sequence[Any], **columns: Any) -> list:
            return rewards(score_batch(items(completions, columns), url=url, api_key=api_key))

    reward_func.__name__ = reward_func.__qualname__ = "rlvr_" + env.split("/")[-1].replace("-", "_").lower()
    return reward_func


def _text(completion: Any) -> Any:
    """A conversational completion is a list of messages; score the last assistant message."""
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        return completion[-1].get("content", "")
    return completion


def _column(columns: dict[str, Any], name: str, i: int) -> Any:
    values = columns.get(name)
    return values[i] if isinstance(values, (list, tuple)) and i < len(values) else None


def _row_reference(columns: dict[str, Any], i: int, names: Sequence[str]) -> dict[str, Any]:
    if (reference := _column(columns, "reference", i)) is not None:
        return reference_from_label(reference)
    return {name: value for name in names if (value := _column(columns, name, i)) is not None}
