"""The GRPO math against values computed by hand."""

from __future__ import annotations

import math

import pytest
import torch

from rlvr.trainer.grpo import (
    LossConfig,
    aggregate,
    group_advantages,
    grpo_loss,
    kl_k3,
    token_entropy,
    token_logprobs,
    zero_signal_groups,
)

NAN = math.nan


def close(actual: torch.Tensor, expected: list[float], tol: float = 1e-5) -> None:
    assert actual.flatten().tolist() == pytest.approx(expected, abs=tol)


def test_advantages_of_a_split_group_are_plus_minus_sqrt3_over_2():
    # mean 0.5, sample std sqrt(1/3): (1 - 0.5) / 0.57735 = 0.86603
    rewards = torch.tensor([1.0, 0.0, 0.0, 1.0])
    close(group_advantages(rewards, 4, eps=0), [0.86603, -0.86603, -0.86603, 0.86603])


def test_groups_are_normalised_independently():
    rewards = torch.tensor([1.0, 0.0, 0.5, 0.5, 0.2, 0.0])
    # group 2: [0.5, 0.5] carries no signal; group 3: mean 0.1, std sqrt(0.02) = 0.141421
    close(group_advantages(rewards, 2, eps=0), [0.70711, -0.70711, 0.0, 0.0, 0.70711, -0.70711])


def test_null_rewards_are_left_out_of_mean_and_std_and_get_zero_advantage():
    # scored [1, 0, 0]: mean 1/3, sample std sqrt(1/3); a 0 in place of the null would give mean 1/4
    close(group_advantages(torch.tensor([1.0, NAN, 0.0, 0.0]), 4, eps=0), [1.15470, 0.0, -0.57735, -0.57735])


def test_groups_without_signal_yield_zeros_and_are_counted():
    rewards = torch.tensor([1.0, 1.0, 1.0, NAN, NAN, NAN, 0.0, 1.0, 0.0])
    close(group_advantages(rewards, 3), [0.0] * 6 + [-0.57735, 1.15470, -0.57735], tol=1e-3)
    assert zero_signal_groups(rewards, 3) == 2  # all equal; only one scored


def test_unscaled_advantages_are_centred_rewards():
    close(group_advantages(torch.tensor([1.0, 0.0, 0.0, 1.0]), 4, scale="none"), [0.5, -0.5, -0.5, 0.5])


def test_advantages_reject_a_batch_that_is_not_whole_groups():
    with pytest.raises(ValueError, match="multiple of 4"):
        group_advantages(torch.zeros(6), 4)


def test_k3_is_zero_at_equality_and_matches_the_formula():
    logp = torch.log(torch.tensor([[0.5, 0.3]]))
    ref = torch.log(torch.tensor([[0.25, 0.3]]))
    # delta = log 0.5: exp(delta) - delta - 1 = 0.5 + 0.693147 - 1
    close(kl_k3(logp, ref)[0], [0.193147, 0.0])


# Ratios [[1.5, 0.5], [0.5, 1.5]] with advantages [+1, -1] and eps 0.2 give per-token losses
# [[-1.2 (clipped), -0.5], [0.8 (clipped), 1.5]].
RATIOS = torch.tensor([[1.5, 0.5], [0.5, 1.5]])
ADV = torch.tensor([1.0, -1.0])


def loss_of(cfg: LossConfig, mask: torch.Tensor, ref: torch.Tensor | None = None):
    logp = torch.log(RATIOS)
    return grpo_loss(logp, torch.zeros_like(logp), ref, ADV, mask, cfg)


def test_clipped_surrogate_token_mean_and_clip_fraction():
    loss, metrics = loss_of(LossConfig(), torch.ones(2, 2))
    assert float(loss) == pytest.approx((-1.2 - 0.5 + 0.8 + 1.5) / 4)
    assert metrics["clip_frac"] == pytest.approx(0.5)
    assert metrics["kl"] == 0.0


@pytest.mark.parametrize(("aggregation", "expected"), [
    ("token_mean", (-1.2 + 0.8 + 1.5) / 3),  # DAPO: every counted token weighs the same
    ("seq_mean", (-1.2 + (0.8 + 1.5) / 2) / 2),  # GRPO: mean per sequence, then over sequences
    ("dr_grpo", (-1.2 + 0.8 + 1.5) / (2 * 4)),  # Dr. GRPO: token sum over B x max_tokens (4)
])
def test_aggregation_variants_with_a_masked_token(aggregation, expected):
    loss, _ = loss_of(LossConfig(aggregation=aggregation, max_tokens=4), torch.tensor([[1, 0], [1, 1]]))
    assert float(loss) == pytest.approx(expected, abs=1e-6)


def test_clip_higher_lets_a_positive_ratio_rise_further():
    loss, _ = loss_of(LossConfig(clip_eps_high=0.6), torch.ones(2, 2))
    assert float(loss) == pytest.approx((-1.5 - 0.5 + 0.8 + 1.5) / 4)


def test_kl_penalty_adds_beta_times_k3():
    ref = torch.log(RATIOS) + math.log(0.5)  # delta = log 0.5 everywhere: k3 = 0.193147
    loss, metrics = loss_of(LossConfig(beta=0.1), torch.ones(2, 2), ref=ref)
    assert float(loss) == pytest.approx(0.15 + 0.1 * 0.193147, abs=1e-6)
    assert metrics["kl"] == pytest.approx(0.193147, abs=1e-6)


def test_on_policy_gradient_is_minus_advantage_over_token_count():
    logp = torch.zeros(2, 3, requires_grad=True)
    mask = torch.tensor([[1, 1, 0], [1, 1, 1]])
    loss, _ = grpo_loss(logp, logp.detach(), None, ADV, mask, LossConfig())
    loss.backward()
    close(logp.grad, [-0.2, -0.2, 0.0, 0.2, 0.2, 0.2])


@pytest.mark.parametrize("aggregation", ["token_mean", "seq_mean", "dr_grpo"])
def test_micro_batches_with_global_denominators_sum_to_the_full_batch_loss(aggregation):
    torch.manual_seed(0)
    per_token = torch.randn(6, 5)
    mask = (torch.rand(6, 5) > 0.3).long()
    cfg = LossConfig(aggregation=aggregation, max_tokens=5)
    full = aggregate(per_token, mask, cfg)
    parts = sum(aggregate(per_token[i:i + 2], mask[i:i + 2], cfg, num_tokens=float(mask.sum()), num_seqs=6)
                for i in range(0, 6, 2))
    assert float(parts) == pytest.approx(float(full))


def test_token_logprobs_apply_the_sampling_temperature():
    logits = torch.tensor([[[0.0, math.log(3.0)]]])
    tokens = torch.tensor([[1]])
    close(token_logprobs(logits, tokens)[0], [math.log(0.75)])
    s3 = math.sqrt(3.0)
    close(token_logprobs(logits, tokens, temperature=2.0)[0], [math.log(s3 / (1 + s3))])


def test_entropy_of_a_uniform_distribution_is_log_v():
    close(token_entropy(torch.zeros(1, 2, 4))[0], [math.log(4)] * 2)


def test_equal_rewards_whose_mean_is_inexact_still_give_exactly_zero():
    rewards = torch.full((8,), 0.2)  # float32 mean of eight 0.2s is not exactly 0.2
    assert torch.equal(group_advantages(rewards, 8), torch.zeros(8))
    assert zero_signal_groups(rewards, 8) == 1
