"""Sampling G completions per prompt behind one interface: transformers `generate` (KV cache) or vLLM."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import torch

from rlvr.envs.base import Task


@dataclass
class Rollout:
    """A batch of completions, prompt-major: rows g*G .. g*G+G-1 answer prompt g.

    `completion_mask` covers each completion's tokens up to and including its first EOS.
    """

    prompt_ids: torch.Tensor  # (B, P) left-padded
    prompt_mask: torch.Tensor  # (B, P)
    completion_ids: torch.Tensor  # (B, C) right-padded
    completion_mask: torch.Tensor  # (B, C)
    texts: list[str]
    seconds: float
    finished: torch.Tensor  # (B,) True where the completion ended with EOS, False where it ran out of tokens
    loss_mask: torch.Tensor | None = None  # (B, C) tokens the policy wrote; None: completion_mask
    last_turn_tokens: torch.Tensor | None = None  # (B,) tokens of the final turn; None: all completion tokens

    def __post_init__(self) -> None:
        if self.loss_mask is None:  # multi-turn rollouts mask the env's feedback turns out of the loss
            self.loss_mask = self.completion_mask
        if self.last_turn_tokens is None:
            self.last_turn_tokens = self.completion_mask.sum(dim=1)

    @property
    def completion_tokens(self) -> int:
        return int(self.loss_mask.sum())  # generated tokens, not a multi-turn env's feedback


@dataclass(frozen=True)
class SamplingConfig:
    max_prompt_tokens: int = 512
    max_new_tokens: int = 128
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0


class Generator(Protocol):
    def generate(self, prompts: Sequence[str], group_size: int) -> Rollout: ...

    def continue_ids(self, sequences: Sequence[Sequence[int]]) -> Rollout:
        """One completion for each token sequence, taken as it is (a multi-turn episode's history)."""
        ...

    def sync_weights(self, model: torch.nn.Module) -> None: ...


def render_prompt(tokenizer: Any, task: Task) -> str:
    """The text the model sees: the chat template when the tokenizer has one, else the plain prompt."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(task.messages, tokenize=False, add_generation_prompt=True)
    system = f"{task.system_prompt}\n\n" if task.system_prompt else ""
    return f"{system}{task.prompt}"


def encode_prompts(tokenizer: Any, prompts: Sequence[str], max_tokens: int, device: torch.device,
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """Left-padded ids and mask (N, P); over-long prompts lose their beginning, never their question."""
    special = not getattr(tokenizer, "chat_template", None)  # a chat template already carries BOS
    tokenizer.truncation_side = "left"
    enc = tokenizer(list(prompts), return_tensors="pt", padding=True, padding_side="left", truncation=True,
                    max_length=max_tokens, add_special_tokens=special)
    return enc["input_ids"].to(device), enc["attention_mask"].to(device)


def left_pad(sequences: Sequence[Sequence[int]], pad_id: int, device: torch.device,
             ) -> tuple[torch.Tensor, torch.Tensor]:
    """Token lists as left-padded ids and mask (N, P)."""
    width = max(len(s) for s in sequences)
    ids = torch.tensor([[pad_id] * (width - len(s)) + list(s) for s in sequences], device=device)  # (N, P)
    mask = torch.tensor([[0] * (width - len(s)) + [1] * len(s) for s in sequences], device=device)  # (N, P)
    return ids, mask


def completion_mask(ids: torch.Tensor, eos_ids: Sequence[int]) -> torch.Tensor:
    """1 for tokens up to and including the first EOS of each row, 0 after it."""
    is_eos = torch.isin(ids, torch.tensor(list(eos_ids), device=ids.device))  # (B, C)
    eos_before = is_eos.long().cumsum(dim=1) - is_eos.long()  # (B, C): EOS strictly before each position
    return (eos_before == 0).long()  # (B, C)


def ended(ids: torch.Tensor, eos_ids: Sequence[int]) -> torch.Tensor:
    """(B,) True for rows that contain an EOS (finished), False for rows cut at the token budget."""
    return torch.isin(ids, torch.tensor(list(eos_ids), device=ids.device)).any(dim=1)


def eos_token_ids(model: Any, tokenizer: Any) -> list[int]:
    ids = getattr(model.generation_config, "eos_token_id", None)
    ids = [ids] if isinstance(ids, int) else list(ids or [])
    if tokenizer.eos_token_id is not None and tokenizer.eos_token_id not in ids:
        ids.append(tokenizer.eos_token_id)
    return ids


class TransformersGenerator:
    """`model.generate` with a KV cache, one batched call per step (all prompts x G samples)."""

    def __init__(self, model: Any, tokenizer: Any, sampling: SamplingConfig, autocast: Any):
        from transformers import GenerationConfig

        self.model = model
        self.tokenizer = tokenizer
        self.sampling = sampling
        self.autocast = autocast
        self.eos = eos_token_ids(model, tokenizer)
        self.config = GenerationConfig(
            do_sample=True, temperature=sampling.temperature, top_p=sampling.top_p,
            top_k=sampling.top_k, max_new_tokens=sampling.max_new_tokens, use_cache=True,
            eos_token_id=self.eos, pad_token_id=tokenizer.pad_token_id)

    def generate(self, prompts: Sequence[str], group_size: int) -> Rollout:
        device = next(self.model.parameters()).device
        ids, mask = encode_prompts(self.tokenizer, prompts, self.sampling.max_prompt_tokens, device)
        return self._sample(ids.repeat_interleave(group_size, dim=0), mask.repeat_interleave(group_size, dim=0))

    def continue_ids(self, sequences: Sequence[Sequence[int]]) -> Rollout:
        device = next(self.model.parameters()).device
        return self._sample(*left_pad(sequences, self.tokenizer.pad_token_id, device))

    @torch.no_grad()
    def _sample(self, ids: torch.Tensor, mask: torch.Tensor) -> Rollout:
        """One sampled completion per row of the left-padded (B, P) `ids`."""
        start = time.perf_counter()
        was_training = self.model.training
        self.model.eval()
        with self.autocast():
            out = self.model.generate(input_ids=ids, attention_mask=mask, generation_config=self.config)
        self.model.train(was_training)
        completion = out[:, ids.shape[1]:]  # (B, C)
        cmask = completion_mask(completion, self.eos)  # (B, C)
        texts = self.tokenizer.batch_decode(completion * cmask + self.tokenizer.pad_token_id * (1 - cmask),
                                            skip_special_tokens=True)
        return Rollout(ids, mask, completion, cmask, texts, time.perf_counter() - start, ended(completion, self.eos))

    def sync_weights(self, model: torch.nn.Module) -> None:
        return None  # generates with the training model itself


class VLLMGenerator:
    """vLLM sampling on a GPU, weights pushed from the training model after each optimisation step.

    Experimental: written against vLLM's `LLM.generate` / `LLM.apply_model` API and not exercised on
    CPU CI (vLLM needs a GPU).
    """

    def __init__(self, model_path: str, tokenizer: Any, sampling: SamplingConfig, device: torch.device, *,
                 seed: int, gpu_memory_utilization: float = 0.3):
        from vllm import LLM, SamplingParams

        self.tokenizer = tokenizer
        self.sampling = sampling
        self.device = device
        self.llm = LLM(model=model_path, gpu_memory_utilization=gpu_memory_utilization, dtype="bfloat16",
                       enable_prefix_caching=True, seed=seed)
        self._params = lambda n: SamplingParams(
            n=n, temperature=sampling.temperature, top_p=sampling.top_p, top_k=sampling.top_k or -1,
            max_tokens=sampling.max_new_tokens)

    def generate(self, prompts: Sequence[str], group_size: int) -> Rollout:
        ids, mask = encode_prompts(self.tokenizer, prompts, self.sampling.max_prompt_tokens, self.device)
        return self._sample(ids, mask, group_size)

    def continue_ids(self, sequences: Sequence[Sequence[int]]) -> Rollout:
        return self._sample(*left_pad(sequences, self.tokenizer.pad_token_id, self.device), 1)

    def _sample(self, ids: torch.Tensor, mask: torch.Tensor, group_size: int) -> Rollout:
        start = time.perf_counter()
        token_prompts = [{"prompt_token_ids": row[m.bool()].tolist()}
                         for row, m in zip(ids, mask, strict=True)]
        outputs = self.llm.generate(token_prompts, self._params(group_size), use_tqdm=False)
        seqs = [list(o.token_ids) for out in outputs for o in out.outputs]
        width = max(1, max(len(s) for s in seqs))
        pad = self.tokenizer.pad_token_id
        completion = torch.tensor([s + [pad] * (width - len(s)) for s in seqs], device=self.device)  # (B, C)
        cmask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in seqs], device=self.device)
        texts = self.tokenizer.batch_decode(seqs, skip_special_tokens=True)
        finished = torch.tensor([o.finish_reason == "stop" for out in outputs for o in out.outputs])
        return Rollout(ids.repeat_interleave(group_size, dim=0), mask.repeat_interleave(group_size, dim=0),
                       completion, cmask, texts, time.perf_counter() - start, finished)

    def sync_weights(self, model: torch.nn.Module) -> None:
        weights = [(name, p.detach()) for name, p in model.state_dict().items()]
        self.llm.apply_model(lambda m: m.load_weights(weights))
