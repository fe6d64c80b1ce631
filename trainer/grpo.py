"""The GRPO math as pure functions: group advantages, the clipped surrogate, k3 KL and loss aggregation.

Shapes: B = completions in the batch (prompts x group size), T = completion tokens (padded).
The loop in `rlvr.trainer.loop` composes these; nothing here touches a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

LossAggregation = Literal["token_mean", "seq_mean", "dr_grpo"]
AdvantageScale = Literal["std", "none"]


@dataclass(frozen=True)
class LossConfig:
    """The knobs of `grpo_loss`.

    `clip_eps_high` > `clip_eps` is DAPO's clip-higher; `aggregation` picks how token losses become one
    number: "token_mean" (DAPO: every token in the batch weighs the same), "seq_mean" (original GRPO:
    mean over each sequence, then over sequences), "dr_grpo" (Dr. GRPO: token sum over a constant,
    `max_tokens`, so length does not rescale the gradient).
    """

    clip_eps: float = 0.2
    clip_eps_high: float | None = None
    beta: float = 0.0
    aggregation: LossAggregation = "token_mean"
    max_tokens: int = 256

    @property
    def eps_high(self) -> float:
        return self.clip_eps if self.clip_eps_high is None else self.clip_eps_high


def group_advantages(rewards: torch.Tensor, group_size: int, scale: AdvantageScale = "std",
                     eps: float = 1e-4) -> torch.Tensor:
    """Reward minus its group's mean (over the group's scored members), divided by the group's std.

    `rewards` is (B,) with NaN where the check reached no verdict: those completions are left out of
    their group's mean and std and get advantage 0, so a broken check never counts as a reward of 0.
    The std is the sample std (as TRL); `scale="none"` is Dr. GRPO's unscaled variant. A group whose
    scored rewards are all equal (or that has fewer than two) yields zeros: it carries no signal.
    """
    if rewards.dim() != 1 or rewards.numel() % group_size:
        raise ValueError(f"rewards must be 1-D with a multiple of {group_size} items, "
                         f"got shape {tuple(rewards.shape)}")
    grouped = rewards.reshape(-1, group_size)  # (B/G, G)
    valid = ~torch.isnan(grouped)  # (B/G, G)
    count = valid.sum(dim=1, keepdim=True)  # (B/G, 1)
    filled = torch.where(valid, grouped, torch.zeros_like(grouped))  # (B/G, G)
    mean = filled.sum(dim=1, keepdim=True) / count.clamp(min=1)  # (B/G, 1)
    centred = torch.where(valid, grouped - mean, torch.zeros_like(grouped))  # (B/G, G)
    var = (centred**2).sum(dim=1, keepdim=True) / (count - 1).clamp(min=1)  # (B/G, 1)
    advantages = centred / (var.sqrt() + eps) if scale == "std" else centred  # (B/G, G)
    # Equal rewards must give exactly 0 (not float dust from the mean), so the loop can skip them.
    informative = _informative(grouped, valid).unsqueeze(1)  # (B/G, 1)
    return torch.where(informative & valid, advantages, torch.zeros_like(advantages)).reshape(-1)  # (B,)


def zero_signal_groups(rewards: torch.Tensor, group_size: int) -> int:
    """How many groups carry no learning signal: all scored rewards equal, or fewer than two scored."""
    return int((~informative_groups(rewards, group_size)).sum())


def informative_groups(rewards: torch.Tensor, group_size: int) -> torch.Tensor:
    """(B/G,) True for the groups of `rewards` (B,) that carry a learning signal."""
    grouped = rewards.reshape(-1, group_size)  # (B/G, G)
    return _informative(grouped, ~torch.isnan(grouped))


def _informative(grouped: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """(B/G,) True for groups with at least two scored rewards that are not all equal."""
    high = torch.where(valid, grouped, torch.full_like(grouped, -torch.inf)).amax(dim=1)  # (B/G,)
    low = torch.where(valid, grouped, torch.full_like(grouped, torch.inf)).amin(dim=1)  # (B/G,)
    return (valid.sum(dim=1) >= 2) & (high > low)


def kl_k3(logp: torch.Tensor, ref_logp: torch.Tensor) -> torch.Tensor:
    """Per-token k3 estimator of KL(policy || reference): exp(r - p) - (r - p) - 1, always >= 0."""
    delta = ref_logp - logp  # (B, T)
    return torch.exp(delta) - delta - 1  # (B, T)


def aggregate(per_token: torch.Tensor, mask: torch.Tensor, cfg: LossConfig, *,
              num_tokens: float | None = None, num_seqs: float | None = None) -> torch.Tensor:
    """Reduce (B, T) token losses to a scalar with `cfg.aggregation`.

    `num_tokens` / `num_seqs` are the denominators of the whole optimisation batch; pass them when this
    is one micro-batch of several so that accumulated gradients equal the full-batch gradient.
    """
    mask = mask.to(per_token.dtype)  # (B, T)
    seqs = float(num_seqs if num_seqs is not None else per_token.shape[0])
    if cfg.aggregation == "token_mean":
        tokens = float(num_tokens if num_tokens is not None else mask.sum().clamp(min=1).item())
        return (per_token * mask).sum() / max(tokens, 1.0)
    if cfg.aggregation == "seq_mean":
        per_seq = (per_token * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)  # (B,)
        return per_seq.sum() / max(seqs, 1.0)
    if cfg.aggregation == "dr_grpo":
        return (per_token * mask).sum() / (max(seqs, 1.0) * cfg.max_tokens)
    raise ValueError(f"unknown aggregation {cfg.aggregation!r}")


def grpo_loss(logp: torch.Tensor, old_logp: torch.Tensor, ref_logp: torch.Tensor | None,
              advantages: torch.Tensor, mask: torch.Tensor, cfg: LossConfig, *,
              num_tokens: float | None = None, num_seqs: float | None = None,
              ) -> tuple[torch.Tensor, dict[str, float]]:
    """The clipped policy-ratio loss with an optional k3 KL penalty, aggregated per `cfg`.

    Args:
        logp: (B, T) log-probs of the sampled tokens under the policy being trained (with grad).
        old_logp: (B, T) the same under the policy that sampled them (no grad).
        ref_logp: (B, T) under the frozen reference, or None when `cfg.beta == 0`.
        advantages: (B,) one advantage per completion, broadcast over its tokens.
        mask: (B, T) 1 for completion tokens that count, 0 for padding and masked completions.
    Returns:
        The scalar loss and float metrics (kl, clip fraction, mean ratio) over the masked tokens.
    """
    ratio = torch.exp(logp - old_logp)  # (B, T)
    adv = advantages.unsqueeze(1)  # (B, 1)
    unclipped = ratio * adv  # (B, T)
    clipped = torch.clamp(ratio, 1 - cfg.clip_eps, 1 + cfg.eps_high) * adv  # (B, T)
    per_token = -torch.minimum(unclipped, clipped)  # (B, T)
    kl = kl_k3(logp, ref_logp) if ref_logp is not None else torch.zeros_like(logp)  # (B, T)
    if cfg.beta:
        per_token = per_token + cfg.beta * kl  # (B, T)
    loss = aggregate(per_token, mask, cfg, num_tokens=num_tokens, num_seqs=num_seqs)
    with torch.no_grad():
        m = mask.to(logp.dtype)  # (B, T)
        n = m.sum().clamp(min=1)
        was_clipped = (clipped < unclipped).to(logp.dtype)  # (B, T): min() took the clipped term
        metrics = {"kl": float((kl * m).sum() / n), "clip_frac": float((was_clipped * m).sum() / n),
                   "ratio_mean": float((ratio * m).sum() / n)}
    return loss, metrics


def token_logprobs(logits: torch.Tensor, tokens: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """Log-probs of `tokens` (B, T) under `logits` (B, T, V) scaled by the sampling temperature."""
    logits = logits.float() / temperature  # (B, T, V)
    picked = torch.gather(logits, 2, tokens.unsqueeze(-1)).squeeze(-1)  # (B, T)
    return picked - torch.logsumexp(logits, dim=-1)  # (B, T)


def token_entropy(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """Per-token entropy (B, T) of the sampling distribution, a sign of exploration left."""
    logp = (logits.float() / temperature).log_softmax(dim=-1)  # (B, T, V)
    return -(logp.exp() * logp).sum(dim=-1)  # (B, T)
