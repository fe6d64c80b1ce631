"""verl custom reward functions, configured by environment variables (verl imports them by path).

    custom_reward_function.path=<site-packages>/rlvr/adapters/verl.py
    custom_reward_function.name=compute_score

`RLVR_RAY_ADDRESS` (or the reward kwarg `ray_address`, e.g. "auto" in a verl job on a Ray cluster) scores on a
verification fleet on that cluster (`rlvr.ray.RayVerifier`, no HTTP hop); else `RLVR_URL` picks the server (unset:
in-process), `RLVR_API_KEY` its key. `RLVR_ENV` is the env for rows whose `data_source` is not a registered env
id. verl needs a number, so a check with no verdict scores 0.0 and is flagged by `rlvr_unscored` (verl logs the
extra keys); `compute_score_batch` is the batched form for verl's batch reward manager.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from rlvr.adapters._backend import score_batch
from rlvr.labels import reference_from_label
from rlvr.registry import is_registered
from rlvr.results import VerifyResult


def compute_score(
    data_source: str, solution_str: str, ground_truth: Any, extra_info: Any = None, **kwargs: Any
) -> dict[str, float]:
    """Score one rollout; returns {"score", "rlvr_correct", "rlvr_unscored"}."""
    return compute_score_batch([data_source], [solution_str], [ground_truth], [extra_info])[0]


def compute_score_batch(
    data_sources: Sequence[str],
    solution_strs: Sequence[str],
    ground_truths: Sequence[Any],
    extra_infos: Sequence[Any] | None = None,
    ray_address: str | None = None,
    **kwargs: Any,
) -> list[dict[str, float]]:
    default_env = os.environ.get("RLVR_ENV", "rlvr/Math-v1")
    items = [
        {
            "env": source if is_registered(source) else default_env,
            "completion": solution,
            "reference": reference_from_label(truth),
        }
        for source, solution, truth in zip(data_sources, solution_strs, ground_truths, strict=True)
    ]
    results = score_batch(items, url=os.environ.get("RLVR_URL") or None, api_key=os.environ.get("RLVR_API_KEY") or None,
                          ray_address=ray_address or os.environ.get("RLVR_RAY_ADDRESS") or None)
    return [_scored(result) for result in results]


def _scored(result: VerifyResult) -> dict[str, float]:
    return {
        "score": 0.0 if result.reward is None else float(result.reward),
        "rlvr_correct": float(result.status == "correct"),
        "rlvr_unscored": float(result.reward is None),
    }
