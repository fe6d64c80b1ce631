"""Entropy regularisation: the classic bonus over every token, or SIREN's selective, self-anchored form.

SIREN (Jiang et al. 2025, "Rethinking Entropy Regularization in Large Reasoning Models", arXiv:2509.25133)
finds that a plain entropy bonus over a vocabulary of 10^5 tokens and long answers makes entropy explode. It
measures entropy only over each position's top-p nucleus, applies the term only at the positions of peak
entropy (the forks of a reasoning chain), and anchors it: the coefficient's sign and size follow the gap to a
target entropy, so the term pulls entropy toward the target instead of pushing it up without bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch

from rlvr.trainer.grpo import token_entropy


def nucleus_entropy(logits: torch.Tensor, top_p: float, temperature: float = 1.0) -> torch.Tensor:
    """(B, T) entropy of each position's top-p nucleus (the fewest most likely tokens whose probability reaches
    `top_p`), renormalised. Probabilities [0.5, 0.3, 0.2] with top_p 0.7 keep [0.5, 0.3] -> [0.625, 0.375]."""
    probs = (logits.float() / temperature).softmax(dim=-1)  # (B, T, V)
    ranked, _ = probs.sort(dim=-1, descending=True)  # (B, T, V)
    inside = (ranked.cumsum(dim=-1) - ranked) < top_p  # (B, T, V): mass before the token is short of top_p
    kept = ranked * inside  # (B, T, V)
    kept = kept / kept.sum(dim=-1, keepdim=True)  # (B, T, V)
    return -(kept * kept.clamp(min=1e-30).log()).sum(dim=-1)  # (B, T)


def peak_positions(entropy: torch.Tensor, mask: torch.Tensor, quantile: float) -> torch.Tensor:
    """(B, T) the masked positions whose entropy is at or above the `quantile` of the masked entropies."""
    valid = mask.bool()  # (B, T)
    if quantile == 0 or not valid.any():
        return valid
    threshold = torch.quantile(entropy.detach()[valid].float(), quantile)
    return valid & (entropy.detach() >= threshold)  # (B, T)


def anchored_coefficient(coef: float, current: float, target: float) -> float:
    """`coef` scaled by the relative gap to the target, in [-coef, coef]: positive (raise entropy) below the
    target, negative (lower it) above. coef 0.01, target 1.0: current 0.5 -> 0.005, 1.5 -> -0.005, 3 -> -0.01."""
    return coef * max(-1.0, min(1.0, (target - current) / target))


@dataclass
class EntropyRegulariser:
    """The entropy term of the loss and the state it anchors on (saved with checkpoints).

    `mode` "all" is the classic bonus (anchored only when `target` is set); "siren" masks to the top-p
    nucleus and the peak positions and is always anchored, at `target` or, unset, at the first step's entropy.
    """

    coef: float
    mode: str
    top_p: float
    quantile: float
    target: float | None = None
    last: float | None = None  # the selected entropy measured at the previous step

    @property
    def anchored(self) -> bool:
        return self.mode == "siren" or self.target is not None

    def coefficient(self) -> float:
        """The coefficient for this step; 0 on a first anchored step, which only measures the anchor."""
        if not self.anchored:
            return self.coef
        if self.last is None or self.target is None:
            return 0.0
        return anchored_coefficient(self.coef, self.last, self.target)

    def term(self, logits: torch.Tensor, mask: torch.Tensor, coefficient: float, temperature: float,
             denominator: float) -> tuple[torch.Tensor, float, float]:
        """The loss term `-coefficient * selected entropy / denominator` for one micro-batch, the selected
        entropy's sum (no grad) and the number of positions selected."""
        if self.mode == "siren":
            entropy = nucleus_entropy(logits, self.top_p, temperature)  # (b, C)
            selected = peak_positions(entropy, mask, self.quantile).to(entropy.dtype)  # (b, C)
        else:
            entropy = token_entropy(logits, temperature)  # (b, C)
            selected = mask.to(entropy.dtype)  # (b, C)
        total = (entropy * selected).sum()
        return -coefficient * total / max(denominator, 1.0), float(total.detach()), float(selected.sum())

    def observe(self, selected_entropy: float) -> None:
        """Record a step's selected entropy; the first one becomes the anchor when no target was given."""
        if math.isnan(selected_entropy):
            return
        if self.anchored and self.target is None:
            self.target = selected_entropy
        self.last = selected_entropy

    def state_dict(self) -> dict[str, Any]:
        return {"target": self.target, "last": self.last}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.target, self.last = state["target"], state["last"]
