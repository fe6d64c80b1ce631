"""What a step's batch is summarised by in metrics.jsonl: rewards, pass rates per env, signal, lengths, sampling."""

from __future__ import annotations

import math
from typing import Any

import torch

from rlvr.results import Status, VerifyResult
from rlvr.trainer.config import TrainConfig
from rlvr.trainer.grpo import zero_signal_groups
from rlvr.trainer.sampling import Batch, overlong_penalties


def batch_metrics(batch: Batch, cfg: TrainConfig) -> dict[str, Any]:
    """Reward, pass rate, signal, length and sampling figures of a step's batch (docs/training.md, Outputs)."""
    scored = ~torch.isnan(batch.rewards)
    values = batch.rewards[scored]
    groups = batch.rewards.numel() // cfg.group_size
    zero = zero_signal_groups(batch.rewards, cfg.group_size)
    lengths = batch.rollout.loss_mask.sum(dim=1).float()  # the policy's tokens (not a multi-turn env's feedback)
    metrics: dict[str, Any] = {
        "reward_mean": float(values.mean()) if values.numel() else math.nan,
        "reward_std": float(values.std()) if values.numel() > 1 else 0.0,
        "pass_rate": _pass_rate(batch.results),
        "masked": int((~scored).sum()), "zero_signal_groups": zero, "zero_signal_frac": zero / groups,
        "completion_len": float(lengths.mean()), "completion_len_max": int(lengths.max()),
        "truncated_frac": float((~batch.rollout.finished).float().mean()),
        "sampling_rounds": batch.rounds, "generations": batch.generations,
    }
    if cfg.reward_control or cfg.overlong_buffer:
        verified = [r.reward for r in batch.results if r.reward is not None]
        metrics["verifier_reward_mean"] = sum(verified) / len(verified) if verified else math.nan
    if cfg.overlong_buffer:
        penalties = overlong_penalties(batch.rollout.last_turn_tokens.cpu(), cfg.max_new_tokens, cfg.overlong_buffer,
                                       cfg.overlong_penalty)
        metrics["overlong_penalty"] = float(penalties.mean())
    for env_id in sorted({p.env_id for p in batch.prompts}):
        own = torch.tensor([p.env_id == env_id for p in batch.prompts])
        if (own & scored).any():
            metrics[f"reward/{env_id}"] = float(batch.rewards[own & scored].mean())
        metrics[f"pass_rate/{env_id}"] = _pass_rate([r for r, o in zip(batch.results, own, strict=True) if o])
    return metrics


def _pass_rate(results: list[VerifyResult]) -> float:
    """The share judged correct among completions that were judged: a broken check is no failure."""
    judged = [r for r in results if r.reward is not None]
    return sum(r.status == Status.CORRECT for r in judged) / len(judged) if judged else math.nan
