"""Update sparsity: the share of parameters whose bf16 value has not changed since the start of training.

Mukherjee et al. 2025 ("Reinforcement Learning Finetunes Small Subnetworks in Large Language Models",
arXiv:2505.11711) find RL updates touch a small subnetwork (70-95% of parameters unchanged in bf16) where
SFT moves most of them. Comparing in bf16 ignores float dust below what a bf16 checkpoint would store.
"""

from __future__ import annotations

import torch

LAYER_TYPES = (  # (type, name fragments), first match wins
    ("embedding", ("embed", "wte", "wpe")),
    ("lm_head", ("lm_head",)),
    ("norm", ("norm", "ln_")),
    ("attention", ("attn", "q_proj", "k_proj", "v_proj", "o_proj")),
    ("mlp", ("mlp", "gate_proj", "up_proj", "down_proj", "fc")),
)


def layer_type(name: str) -> str:
    """The layer type of a parameter name: model.layers.0.self_attn.q_proj.weight -> attention."""
    for kind, fragments in LAYER_TYPES:
        if any(fragment in name for fragment in fragments):
            return kind
    return "other"


class UpdateSparsity:
    """A bf16 snapshot of the starting weights (on CPU, 2 bytes a parameter) to compare later weights with."""

    def __init__(self, model: torch.nn.Module):
        self.start = {name: p.detach().to("cpu", torch.bfloat16).clone() for name, p in model.named_parameters()}

    def measure(self, model: torch.nn.Module) -> dict[str, float]:
        """`sparsity` (share unchanged over all parameters) and `sparsity/<layer type>`."""
        same: dict[str, int] = {}
        total: dict[str, int] = {}
        for name, p in model.named_parameters():
            kind = layer_type(name)
            now = p.detach().to("cpu", torch.bfloat16)
            same[kind] = same.get(kind, 0) + int((now == self.start[name]).sum())
            total[kind] = total.get(kind, 0) + now.numel()
        metrics = {"sparsity": sum(same.values()) / max(sum(total.values()), 1)}
        metrics.update({f"sparsity/{kind}": same[kind] / total[kind] for kind in sorted(total)})
        return metrics
