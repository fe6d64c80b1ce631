"""Where completions come from: a local transformers model (the trainer's generator) or an OpenAI-compatible
server (`rlvr.evaluation.endpoint`). Both answer `complete(tasks, samples, seed, advance)` with K completions per
task, in task order."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rlvr.envs.base import Task
from rlvr.errors import ConfigError

Advance = Callable[[int], object]  # called with the number of completions just finished (a progress bar's update)


@dataclass(frozen=True)
class Completion:
    """One sampled completion; `tokens` and `truncated` are None when the backend does not say."""

    text: str
    tokens: int | None = None
    truncated: bool | None = None


class Backend(Protocol):
    name: str

    def complete(self, tasks: Sequence[Task], samples: int, seed: int, advance: Advance) -> list[list[Completion]]:
        ...


class LocalModel:
    """Samples with `rlvr.trainer.generation.TransformersGenerator`, so an evaluation sees a model exactly as
    training samples it (prompt rendering, left truncation, EOS handling).

    model: anything `rlvr train` accepts (a `save_pretrained` folder, `smollm2-135m`, a hub id), or pass
        `parts=(model, tokenizer)` already loaded (tests pass a tiny model).
    batch_size: completions per `generate` call, rounded to whole prompts (at least one prompt's K).
    """

    def __init__(self, model: str, sampling: Any, *, batch_size: int = 32, device: str = "auto",
                 parts: tuple[Any, Any] | None = None):
        from rlvr.trainer.generation import TransformersGenerator
        from rlvr.trainer.loop import resolve_device
        from rlvr.trainer.models import load_model, prepare_tokenizer

        if batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {batch_size}")
        self.name = model
        self.batch_size = batch_size
        try:
            loaded, tokenizer = parts or load_model(model)
        except OSError as exc:
            raise ConfigError(f"cannot load model {model!r}: {exc}") from None
        self.device = resolve_device(device)
        self.tokenizer = prepare_tokenizer(tokenizer)
        self.model = loaded.to(self.device)
        self.generator = TransformersGenerator(self.model, self.tokenizer, sampling, self._autocast)

    def complete(self, tasks: Sequence[Task], samples: int, seed: int, advance: Advance) -> list[list[Completion]]:
        from rlvr.trainer.generation import render_prompt
        from rlvr.trainer.loop import seed_everything

        seed_everything(seed)
        per_call = max(1, self.batch_size // samples)
        out: list[list[Completion]] = []
        for start in range(0, len(tasks), per_call):
            chunk = tasks[start:start + per_call]
            rollout = self.generator.generate([render_prompt(self.tokenizer, task) for task in chunk], samples)
            lengths = rollout.completion_mask.sum(dim=1).tolist()  # (B,)
            finished = rollout.finished.tolist()  # (B,)
            rows = [Completion(text, int(length), not done)
                    for text, length, done in zip(rollout.texts, lengths, finished, strict=True)]
            out += [rows[i:i + samples] for i in range(0, len(rows), samples)]
            advance(len(rows))
        return out

    def _autocast(self) -> contextlib.AbstractContextManager:
        import torch

        if self.device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
        return contextlib.nullcontext()
