"""The methods beyond plain GRPO, as pure functions, against values computed by hand."""

from __future__ import annotations

import math
import random

import pytest
import torch

from rlvr.results import Status, VerifyResult
from rlvr.trainer.controls import controlled_reward, training_rewards
from rlvr.trainer.curriculum import LevelController
from rlvr.trainer.entropy import EntropyRegulariser, anchored_coefficient, nucleus_entropy, peak_positions
from rlvr.trainer.generation import Rollout
from rlvr.trainer.samples import pick_rows
from rlvr.trainer.sampling import Batch, fill_with_signal, overlong_penalties, signal_groups
from rlvr.trainer.sparsity import UpdateSparsity, layer_type

NAN = math.nan


def test_overlong_penalty_ramps_linearly_over_the_buffer():
    # budget 10, buffer 4: free up to 6 tokens, then -1/4 per token up to -1 at 10
    lengths = torch.tensor([3, 6, 7, 8, 10])
    assert overlong_penalties(lengths, 10, 4, 1.0).tolist() == pytest.approx([0, 0, -0.25, -0.5, -1.0])
    assert overlong_penalties(lengths, 10, 4, 0.5).tolist() == pytest.approx([0, 0, -0.125, -0.25, -0.5])
    assert overlong_penalties(lengths, 10, 0, 1.0).tolist() == [0.0] * 5


def test_signal_groups_skip_equal_and_unscored_groups():
    rewards = torch.tensor([1.0, 0.0, 0.5, 0.5, NAN, 1.0, 0.2, NAN])  # G = 2
    assert signal_groups(rewards, 2) == [0]
    assert signal_groups(torch.tensor([0.0, 1.0, 0.2, 0.0]), 2) == [0, 1]


def _batch(rewards: list[float], width: int) -> Batch:
    """A batch of len(rewards) rows whose completions are `width` tokens; token ids encode the reward."""
    n = len(rewards)
    ids = torch.tensor([[int(r * 10)] * width for r in rewards])
    rollout = Rollout(torch.ones(n, 2, dtype=torch.long), torch.ones(n, 2, dtype=torch.long), ids,
                      torch.ones(n, width, dtype=torch.long), [str(r) for r in rewards], 1.0,
                      torch.ones(n, dtype=torch.bool))
    results = [VerifyResult(r, Status.PARTIAL, "") for r in rewards]
    values = torch.tensor(rewards, dtype=torch.float)
    return Batch(rollout, [None] * n, results, values, values - 0.5, torch.ones(n, width), 0.5)


def test_dynamic_sampling_keeps_drawing_until_the_batch_has_enough_groups_with_signal():
    draws = {0: _batch([1, 1, 0, 1], width=2), 1: _batch([0, 0, 1, 0], width=3), 2: _batch([0, 1, 1, 0], width=1)}
    calls = []

    def draw(round_index: int) -> Batch:
        calls.append(round_index)
        return draws[round_index]

    # want 2 groups of G=2: round 0 gives group 1, round 1 group 1, so round 2 is never drawn
    batch = fill_with_signal(draw, groups=2, group_size=2, rounds=3, pad_id=0)
    assert calls == [0, 1]
    assert (batch.rounds, batch.generations) == (2, 8)
    assert batch.rewards.tolist() == [0, 1, 1, 0]
    assert batch.rollout.completion_ids.shape == (4, 3)  # right-padded to the widest round
    assert batch.rollout.completion_mask.sum(dim=1).tolist() == [2, 2, 3, 3]
    assert batch.mask.sum(dim=1).tolist() == [2, 2, 3, 3]


def test_dynamic_sampling_stops_after_max_rounds_with_what_it_found():
    # one group with signal per round, four wanted: three rounds find three
    batch = fill_with_signal(lambda r: _batch([1, 1, 0, 1], 2), groups=4, group_size=2, rounds=3, pad_id=0)
    assert (batch.rounds, batch.generations) == (3, 12)
    assert batch.rewards.tolist() == [0, 1, 0, 1, 0, 1]
    empty = fill_with_signal(lambda r: _batch([1, 1, 0, 0], 2), groups=2, group_size=2, rounds=2, pad_id=0)
    assert empty.rewards.tolist() == [1, 1, 0, 0] and empty.rounds == 2  # nothing found: the last draw


def test_without_dynamic_sampling_the_first_draw_is_kept_whole():
    batch = fill_with_signal(lambda r: _batch([1, 1, 0, 1], 2), groups=2, group_size=2, rounds=1, pad_id=0)
    assert batch.rewards.tolist() == [1, 1, 0, 1] and (batch.rounds, batch.generations) == (1, 4)


def test_nucleus_entropy_renormalises_the_top_p_tokens():
    logits = torch.tensor([0.5, 0.3, 0.2]).log().view(1, 1, 3)
    # top_p 0.7 keeps 0.5 and 0.3 -> [0.625, 0.375]: H = -(0.625 ln 0.625 + 0.375 ln 0.375) = 0.66156
    assert nucleus_entropy(logits, 0.7).item() == pytest.approx(0.66156, abs=1e-4)
    # top_p 1 is the full entropy: 1.02965
    assert nucleus_entropy(logits, 1.0).item() == pytest.approx(1.02965, abs=1e-4)
    # top_p 0.5 keeps only the argmax: entropy 0
    assert nucleus_entropy(logits, 0.5).item() == pytest.approx(0.0, abs=1e-6)


def test_peak_positions_are_the_top_quantile_of_masked_entropies():
    entropy = torch.tensor([[0.1, 0.9, 0.5, 2.0], [0.3, 0.7, 0.8, 5.0]])
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])  # 5.0 is padding and must not set the threshold
    # masked values 0.1 0.3 0.5 0.7 0.8 0.9 2.0: the 0.5 quantile is 0.7
    assert peak_positions(entropy, mask, 0.5).int().tolist() == [[0, 1, 0, 1], [0, 1, 1, 0]]
    assert peak_positions(entropy, mask, 0.0).int().tolist() == mask.tolist()


def test_anchored_coefficient_pulls_toward_the_target_and_is_bounded():
    assert anchored_coefficient(0.01, 0.5, 1.0) == pytest.approx(0.005)
    assert anchored_coefficient(0.01, 1.5, 1.0) == pytest.approx(-0.005)
    assert anchored_coefficient(0.01, 3.0, 1.0) == pytest.approx(-0.01)
    assert anchored_coefficient(0.01, 1.0, 1.0) == 0.0


def test_siren_anchors_at_the_first_step_then_follows_the_gap():
    reg = EntropyRegulariser(coef=0.01, mode="siren", top_p=0.9, quantile=0.8)
    assert reg.coefficient() == 0.0  # the first step only measures the anchor
    reg.observe(2.0)
    assert reg.target == 2.0 and reg.coefficient() == 0.0
    reg.observe(1.0)  # entropy fell by half: push it back up
    assert reg.coefficient() == pytest.approx(0.005)
    plain = EntropyRegulariser(coef=0.01, mode="all", top_p=1.0, quantile=0.0)
    plain.observe(3.0)
    assert plain.coefficient() == 0.01 and plain.target is None  # the classic bonus is not anchored


def test_entropy_term_is_minus_coefficient_times_selected_entropy_over_the_denominator():
    logits = torch.log(torch.tensor([[[0.5, 0.5], [1.0, 1e-9]]]))  # entropies ln 2 and ~0
    reg = EntropyRegulariser(coef=0.1, mode="all", top_p=1.0, quantile=0.0)
    term, total, count = reg.term(logits, torch.ones(1, 2), 0.1, 1.0, denominator=2.0)
    assert total == pytest.approx(math.log(2), abs=1e-6) and count == 2
    assert term.item() == pytest.approx(-0.1 * math.log(2) / 2, abs=1e-6)


def test_curriculum_level_moves_only_after_patience_steps_outside_the_band():
    c = LevelController(levels=(0, 1, 2), band=(0.2, 0.8), patience=2)
    assert [c.update(x) for x in (0.9, 0.5, 0.9, 0.9)] == [None, None, None, 1]  # 0.5 broke the streak
    assert [c.update(x) for x in (0.9, 0.9, 0.9, 0.9)] == [None, 2, None, None]  # top level: stays
    assert [c.update(x) for x in (0.1, NAN, 0.1)] == [None, None, 1]  # an unjudged step is no evidence
    assert [c.update(x) for x in (0.5, 0.2, 0.8)] == [None, None, None]  # the band's edges are inside


@pytest.mark.parametrize(("control", "result", "expected"), [
    ("incorrect", VerifyResult.correct(), 0.0),
    ("incorrect", VerifyResult(0.0, Status.WRONG, "wrong"), 1.0),
    ("incorrect", VerifyResult(0.25, Status.PARTIAL, "quarter"), 0.75),
    ("format", VerifyResult(0.0, Status.WRONG, "an answer, but wrong"), 1.0),
    ("format", VerifyResult.no_answer("no boxed answer"), 0.0),
    ("format", VerifyResult.correct(), 1.0),
    ("random", VerifyResult.broken(Status.TIMEOUT, "slow"), None),
    ("format", VerifyResult.broken(Status.ERROR, "crashed"), None),
])
def test_reward_controls(control, result, expected):
    assert controlled_reward(control, result, random.Random(0)) == expected


def test_random_control_is_a_fair_coin_that_repeats_per_seed_and_step():
    results = [VerifyResult.correct()] * 400
    flips = training_rewards(results, "random", seed=0, draw="3/0")
    assert set(flips) == {0.0, 1.0} and 150 < sum(flips) < 250
    assert flips == training_rewards(results, "random", seed=0, draw="3/0")
    assert flips != training_rewards(results, "random", seed=0, draw="4/0")
    assert training_rewards(results[:2], None, seed=0, draw="0/0") == [1.0, 1.0]


@pytest.mark.parametrize(("name", "kind"), [
    ("model.embed_tokens.weight", "embedding"),
    ("model.layers.0.self_attn.q_proj.weight", "attention"),
    ("model.layers.1.mlp.down_proj.weight", "mlp"),
    ("model.layers.1.post_attention_layernorm.weight", "norm"),
    ("model.norm.weight", "norm"),
    ("lm_head.weight", "lm_head"),
    ("transformer.h.0.attn.c_attn.weight", "attention"),
])
def test_layer_types(name, kind):
    assert layer_type(name) == kind


def test_update_sparsity_counts_parameters_unchanged_in_bf16():
    model = torch.nn.Sequential()
    model.add_module("mlp", torch.nn.Linear(2, 2, bias=False))  # 4 parameters
    model.add_module("norm", torch.nn.Linear(2, 1, bias=False))  # 2 parameters
    tracker = UpdateSparsity(model)
    with torch.no_grad():
        model.mlp.weight[0, 0] += 1.0  # a real change
        model.mlp.weight[0, 1] += 1e-6  # float dust below bf16's resolution: unchanged
        model.norm.weight.mul_(2)  # both change
    assert tracker.measure(model) == pytest.approx({"sparsity": 3 / 6, "sparsity/mlp": 3 / 4, "sparsity/norm": 0.0})


def test_sample_rows_spread_over_groups():
    assert pick_rows(rows=12, group_size=4, n=4) == [0, 4, 8, 1]
    assert pick_rows(rows=4, group_size=2, n=10) == [0, 2, 1, 3]
