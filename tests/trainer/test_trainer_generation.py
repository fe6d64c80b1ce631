"""Rollout plumbing: prompt rendering, left padding, completion masks, sampling with a KV cache."""

from __future__ import annotations

import contextlib

import torch
from conftest import char_tokenizer, tiny_model

from rlvr.envs.base import Task
from rlvr.trainer.generation import (
    SamplingConfig,
    TransformersGenerator,
    completion_mask,
    encode_prompts,
    render_prompt,
)

TASK = Task(id="t", prompt="What is 2+2?", reference={"answer": "4"}, system_prompt="Be brief.")


def test_completion_mask_stops_after_the_first_eos():
    ids = torch.tensor([[5, 6, 1, 0, 0], [5, 1, 7, 1, 0], [5, 6, 7, 8, 9]])
    assert completion_mask(ids, [1]).tolist() == [[1, 1, 1, 0, 0], [1, 1, 0, 0, 0], [1, 1, 1, 1, 1]]


def test_plain_prompt_without_a_chat_template():
    assert render_prompt(char_tokenizer(), TASK) == "Be brief.\n\nWhat is 2+2?"


def test_chat_template_is_applied_when_the_tokenizer_has_one():
    tokenizer = char_tokenizer()
    tokenizer.chat_template = ("{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}{% endfor %}"
                               "{% if add_generation_prompt %}<assistant>{% endif %}")
    assert render_prompt(tokenizer, TASK) == "<system>Be brief.<user>What is 2+2?<assistant>"


def test_prompts_are_left_padded_and_left_truncated():
    tokenizer = char_tokenizer()
    ids, mask = encode_prompts(tokenizer, ["ab", "abcdef"], max_tokens=4, device=torch.device("cpu"))
    pad = tokenizer.pad_token_id
    assert tokenizer.batch_decode(ids[:, 2:]) == ["ab", "ef"]
    assert ids[0, :2].tolist() == [pad, pad] and mask.tolist() == [[0, 0, 1, 1], [1, 1, 1, 1]]


def test_generator_samples_group_size_completions_per_prompt():
    tokenizer = char_tokenizer()
    generator = TransformersGenerator(tiny_model(tokenizer), tokenizer, SamplingConfig(max_new_tokens=5),
                                      contextlib.nullcontext)
    rollout = generator.generate(["abc:", "a:"], group_size=3)
    assert rollout.prompt_ids.shape[0] == rollout.completion_ids.shape[0] == 6
    assert rollout.completion_ids.shape[1] <= 5 and len(rollout.texts) == 6
    assert rollout.prompt_ids[0].tolist() == rollout.prompt_ids[2].tolist()
    assert rollout.completion_tokens == int(rollout.completion_mask.sum())


def test_rows_without_eos_are_reported_as_cut_at_the_budget():
    from rlvr.trainer.generation import ended

    assert ended(torch.tensor([[5, 1, 0], [5, 6, 7]]), [1]).tolist() == [True, False]
