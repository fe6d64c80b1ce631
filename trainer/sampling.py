"""A step's batch: scored rollouts, DAPO's dynamic sampling over rounds, and DAPO's overlong shaping.

Dynamic sampling (Yu et al. 2025, DAPO, arXiv:2503.14476) keeps drawing prompts until the step holds
`groups` groups whose rewards differ (a group of equal rewards has advantage 0 and teaches nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from rlvr.results import VerifyResult
from rlvr.trainer.generation import Rollout
from rlvr.trainer.grpo import informative_groups
from rlvr.trainer.tasks import Prompt


@dataclass
class Batch:
    """One step's scored rollout, ready for the optimiser.

    `results` are the verifier's; `rewards` are what the policy is trained on (after a reward control and
    overlong shaping, when configured).
    """

    rollout: Rollout
    prompts: list[Prompt]  # (B,) each prompt repeated G times
    results: list[VerifyResult]  # (B,)
    rewards: torch.Tensor  # (B,) NaN where masked
    advantages: torch.Tensor  # (B,)
    mask: torch.Tensor  # (B, C) completion tokens that count in the loss
    reward_seconds: float = 0.0
    rounds: int = 1  # sampling rounds spent on this step
    generations: int = 0  # completions generated for this step, kept or not


def signal_groups(rewards: torch.Tensor, group_size: int) -> list[int]:
    """Indexes of the groups whose scored rewards are not all equal (they carry a learning signal)."""
    return informative_groups(rewards, group_size).nonzero().squeeze(1).tolist()


def fill_with_signal(draw: Callable[[int], Batch], groups: int, group_size: int, rounds: int,
                     pad_id: int) -> Batch:
    """Call `draw(round)` until `groups` groups with signal are collected or `rounds` rounds are spent.

    The batch holds at most `groups` groups; with fewer found, it holds what was found (and, if nothing was,
    the last round's batch, which then trains nothing). With `rounds == 1` the first draw is returned whole.
    """
    kept: list[Batch] = []
    found = generations = 0
    for round_index in range(rounds):
        batch = draw(round_index)
        generations += len(batch.results)
        if rounds == 1:
            break
        wanted = signal_groups(batch.rewards, group_size)[:groups - found]
        if wanted:
            kept.append(take_groups(batch, wanted, group_size))
            found += len(wanted)
        if found >= groups:
            break
    result = concat(kept, pad_id) if kept else batch
    result.rounds, result.generations = round_index + 1, generations
    return result


def take_groups(batch: Batch, groups: Sequence[int], group_size: int) -> Batch:
    """The rows of `groups` (prompt-major), as a batch of their own."""
    rows = [g * group_size + i for g in groups for i in range(group_size)]
    index = torch.tensor(rows, dtype=torch.long)
    r = batch.rollout
    rollout = Rollout(r.prompt_ids[index], r.prompt_mask[index], r.completion_ids[index],
                      r.completion_mask[index], [r.texts[i] for i in rows], r.seconds, r.finished[index],
                      r.loss_mask[index], r.last_turn_tokens[index])
    return Batch(rollout, [batch.prompts[i] for i in rows], [batch.results[i] for i in rows],
                 batch.rewards[index], batch.advantages[index], batch.mask[index], batch.reward_seconds)


def concat(batches: Sequence[Batch], pad_id: int) -> Batch:
    """Batches of different padded widths as one (prompts stay left-padded, completions right-padded)."""
    if len(batches) == 1:
        return batches[0]
    rs = [b.rollout for b in batches]
    rollout = Rollout(
        _pad([r.prompt_ids for r in rs], pad_id, left=True), _pad([r.prompt_mask for r in rs], 0, left=True),
        _pad([r.completion_ids for r in rs], pad_id), _pad([r.completion_mask for r in rs], 0),
        [t for r in rs for t in r.texts], sum(r.seconds for r in rs), torch.cat([r.finished for r in rs]),
        _pad([r.loss_mask for r in rs], 0), torch.cat([r.last_turn_tokens for r in rs]))
    return Batch(rollout, [p for b in batches for p in b.prompts], [x for b in batches for x in b.results],
                 torch.cat([b.rewards for b in batches]), torch.cat([b.advantages for b in batches]),
                 _pad([b.mask for b in batches], 0), sum(b.reward_seconds for b in batches))


def _pad(tensors: Sequence[torch.Tensor], value: int, left: bool = False) -> torch.Tensor:
    """Stack (n_i, W_i) tensors into (sum n_i, max W_i), padding on the left or right."""
    width = max(t.shape[1] for t in tensors)
    padded = []
    for t in tensors:
        fill = torch.full((t.shape[0], width - t.shape[1]), value, dtype=t.dtype, device=t.device)
        padded.append(torch.cat([fill, t] if left else [t, fill], dim=1))
    return torch.cat(padded)


def overlong_penalties(lengths: torch.Tensor, max_tokens: int, buffer: int, penalty: float) -> torch.Tensor:
    """DAPO's soft overlong punishment: 0 up to `max_tokens - buffer`, then a linear ramp to `-penalty` at
    `max_tokens` (a completion cut at the budget gets the whole penalty).

    With max_tokens 10, buffer 4, penalty 1: lengths 6, 8, 10 -> 0, -0.5, -1.
    """
    if buffer == 0:
        return torch.zeros_like(lengths, dtype=torch.float)
    over = (lengths.float() - (max_tokens - buffer)).clamp(min=0, max=buffer)  # (B,)
    return -penalty * over / buffer  # (B,)
