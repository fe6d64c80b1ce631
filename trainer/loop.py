"""The GRPO loop: sample prompts, roll out G completions each, score them, and take clipped policy steps.

`GRPOTrainer` composes the pure functions of `rlvr.trainer.grpo` with a generator, a reward client
and a task sampler; every piece can be passed in (tests pass a tiny model and a toy env).
"""

from __future__ import annotations

import contextlib
import copy
import logging
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml

from rlvr.envs.base import TextEnv
from rlvr.runtime import Runtime
from rlvr.trainer import checkpoints
from rlvr.trainer.config import TrainConfig
from rlvr.trainer.controls import banner, training_rewards
from rlvr.trainer.curriculum import Curriculum
from rlvr.trainer.entropy import EntropyRegulariser
from rlvr.trainer.generation import (
    Generator,
    SamplingConfig,
    TransformersGenerator,
    VLLMGenerator,
    render_prompt,
)
from rlvr.trainer.grpo import (
    LossConfig,
    group_advantages,
    grpo_loss,
    token_entropy,
    token_logprobs,
)
from rlvr.trainer.metrics import MetricsLogger
from rlvr.trainer.models import load_model, prepare_tokenizer, resolve_model
from rlvr.trainer.multiturn import run_episodes
from rlvr.trainer.periodic_eval import PeriodicEval
from rlvr.trainer.rewards import FleetRewards, HttpRewards, LocalRewards, RewardClient
from rlvr.trainer.samples import SampleLog, render, sample_records
from rlvr.trainer.sampling import Batch, fill_with_signal, overlong_penalties
from rlvr.trainer.sparsity import UpdateSparsity
from rlvr.trainer.step_metrics import batch_metrics
from rlvr.trainer.tasks import TaskSampler

log = logging.getLogger(__name__)

EVAL_SEED = 0x5EED  # added to the run's seed for the sampling of periodic evaluations, apart from training's


@dataclass
class TrainResult:
    history: list[dict[str, Any]] = field(default_factory=list)  # the steps of this call
    output_dir: Path | None = None
    plot: Path | None = None
    steps: int = 0  # the run's step count at the end, resumed steps included


@dataclass
class _Work:
    """The optimiser's view of a batch: full sequences, the rows worth computing, global denominators.

    With beta = 0 a completion whose advantage is 0 contributes exactly zero gradient, so its rows are
    skipped (they still count in the denominators, so the gradient is the full batch's).
    """

    ids: torch.Tensor  # (B, P+C)
    attn: torch.Tensor  # (B, P+C)
    completion: torch.Tensor  # (B, C)
    mask: torch.Tensor  # (B, C)
    advantages: torch.Tensor  # (B,)
    chunks: list[list[int]]
    num_tokens: float
    num_seqs: float
    active: int
    active_tokens: float
    tokens: int

    @classmethod
    def of(cls, batch: Batch, micro_batch_size: int, *, skip_zero_advantage: bool) -> _Work:
        r = batch.rollout
        keep = batch.mask.sum(dim=1) > 0  # (B,)
        if skip_zero_advantage:
            keep &= batch.advantages != 0
        rows = keep.nonzero().squeeze(1).tolist()
        attn = torch.cat([r.prompt_mask, r.completion_mask], dim=1)  # (B, P+C)
        ids = torch.cat([r.prompt_ids, r.completion_ids], dim=1)  # (B, P+C)
        return cls(ids=ids, attn=attn, completion=r.completion_ids,
                   mask=batch.mask, advantages=batch.advantages,
                   chunks=[rows[i:i + micro_batch_size] for i in range(0, len(rows), micro_batch_size)],
                   num_tokens=float(batch.mask.sum()), num_seqs=float((batch.mask.sum(dim=1) > 0).sum()),
                   active=len(rows), active_tokens=max(float(batch.mask[rows].sum()), 1.0),
                   tokens=int(attn[rows].sum()))


class GRPOTrainer:
    """GRPO with a frozen reference (when beta > 0), gradient accumulation, clipping and an LR schedule, plus
    the methods of docs/training.md "Methods" (dynamic sampling, entropy, curriculum, controls, resets)."""

    def __init__(self, cfg: TrainConfig, *, model: Any = None, tokenizer: Any = None,
                 rewards: RewardClient | None = None, sampler: TaskSampler | None = None):
        if not cfg.resume_from:  # a new run never appends to an earlier run's metrics and checkpoints
            cfg = cfg.replace(output_dir=str(checkpoints.fresh_output_dir(Path(cfg.output_dir))))
        self.cfg = cfg
        self.device = resolve_device(cfg.device)
        cuda = self.device.type == "cuda"
        self.use_bf16 = cuda and cfg.bf16 is not False and torch.cuda.is_bf16_supported()
        if cfg.bf16 is True and not self.use_bf16:
            log.warning("bf16: true, but %s has no bf16 support: training in float32", self.device)
        if model is None:
            model, tokenizer = load_model(cfg.model, cfg.tokenizer)
        # Seeded after loading: a first load converts the GGUF and draws random numbers, a cached one does not.
        seed_everything(cfg.seed)
        self.model = model.to(self.device)
        self.tokenizer = prepare_tokenizer(tokenizer)
        if cfg.gradient_checkpointing:
            self.model.gradient_checkpointing_enable()
        disable_dropout(self.model)
        self.ref_model = copy.deepcopy(self.model).eval().requires_grad_(False) if cfg.beta > 0 else None
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        self.scheduler = _scheduler(cfg, self.optimizer)
        self.loss_cfg: LossConfig = cfg.loss_config()
        self.sparsity = UpdateSparsity(self.model) if cfg.update_sparsity else None
        self.entropy = EntropyRegulariser(cfg.entropy_coef, cfg.entropy_mode, cfg.entropy_top_p,
                                          cfg.entropy_peak_quantile, cfg.entropy_target) if cfg.entropy_coef else None
        self.step = 0
        self.last_batch: Batch | None = None  # the batch of the latest step, for inspection
        # Local rewards run on a runtime of the trainer's own (worker pool, sandbox), closed with the trainer.
        self.runtime = Runtime() if sampler is None and rewards is None and not (cfg.server or cfg.ray) else None
        self.sampler = sampler or TaskSampler(cfg.envs, cfg.env_kwargs, seed=cfg.seed, runtime=self.runtime)
        self.rewards = rewards or _reward_client(cfg, self.sampler.envs)
        self.evaluator = (PeriodicEval(cfg.eval_envs or tuple(cfg.envs), cfg.env_kwargs, seed=cfg.seed,
                                       prompts=cfg.eval_prompts, k=cfg.eval_k, runtime=self.runtime)
                          if cfg.eval_every else None)
        self.eval_rewards = (rewards or _reward_client(cfg, self.evaluator.envs)) if self.evaluator else None
        self.curriculum = (Curriculum(self.sampler.envs, cfg.curriculum_band, cfg.curriculum_patience)
                           if cfg.curriculum == "adaptive" else None)
        if cfg.resume_from:
            self._resume(cfg.resume_from)
        self.generator = self._generator()

    def train(self, callback: Callable[[int, dict[str, Any]], None] | None = None) -> TrainResult:
        """Run the remaining steps; metrics go to JSONL/TensorBoard, checkpoints and a PNG to output_dir."""
        out = Path(self.cfg.output_dir)
        logger = MetricsLogger(out, tensorboard=self.cfg.tensorboard, wandb_project=self.cfg.wandb_project,
                               config=self.cfg.to_dict())
        self._write_config(out)
        samples = SampleLog(out) if self.cfg.log_samples else None
        result = TrainResult(output_dir=out)
        bar = _progress(self.cfg, self.step)
        try:
            while self.step < self.cfg.steps:
                metrics = self.train_step()
                self._record(out, metrics, logger, samples, bar)
                result.history.append({"step": self.step, **metrics})
                if callback is not None:
                    callback(self.step, metrics)
            if not (out / "final").exists():  # resumed at the last step: the loop saved nothing
                self.save_final(out)
        finally:
            if bar is not None:
                bar.close()
            logger.close()
        result.steps = self.step
        if self.cfg.plots:
            from rlvr.trainer.plots import plot_run

            result.plot = plot_run(logger.path, out / "training.png")
        return result

    def _record(self, out: Path, metrics: dict[str, Any], logger: MetricsLogger, samples: SampleLog | None,
                bar: Any) -> None:
        """After a step: save (sparsity is measured at each save), log metrics and samples, show progress."""
        if self.cfg.save_every and self.step % self.cfg.save_every == 0:
            metrics.update(self.save_checkpoint(out))
        if self.step == self.cfg.steps:
            metrics.update(self.save_final(out))
        if self.evaluator is not None and self.step % self.cfg.eval_every == 0:
            metrics.update(self.evaluate(out))
        if samples is not None and self.last_batch is not None:
            records = sample_records(self.step, self.last_batch, self.cfg.group_size, self.cfg.log_samples)
            samples.write(records)
            logger.text(self.step, "samples", "\n\n".join(render(r) for r in records))
            every = self.cfg.print_sample_every
            if every and (self.step % every == 0 or self.step == 1):
                _say(bar, render(records[0]))
        if self.step % self.cfg.log_every == 0 or self.step == self.cfg.steps:
            logger.log(self.step, metrics)
        if bar is not None:
            bar.update(1)
            bar.set_postfix(reward=f"{metrics['reward_mean']:.3f}", kl=f"{metrics['kl']:.3g}",
                            len=f"{metrics['completion_len']:.0f}")

    def train_step(self) -> dict[str, Any]:
        """One GRPO step: roll out, score, then `inner_steps` optimiser steps on the batch."""
        start = time.perf_counter()
        batch = self.rollout()
        train_start = time.perf_counter()
        opt_metrics = self.optimise(batch)
        self.generator.sync_weights(self.model)
        self.step += 1
        self.last_batch = batch
        train_seconds = time.perf_counter() - train_start
        metrics = batch_metrics(batch, self.cfg)
        metrics.update(opt_metrics)
        metrics.update(self._after_step(metrics))
        metrics.update(
            lr=self.scheduler.get_last_lr()[0],
            gen_seconds=batch.rollout.seconds, reward_seconds=batch.reward_seconds,
            train_seconds=train_seconds,
            step_seconds=time.perf_counter() - start,
            gen_tokens_per_s=batch.rollout.completion_tokens / max(batch.rollout.seconds, 1e-9),
            train_tokens_per_s=opt_metrics["train_tokens"] / max(train_seconds, 1e-9))
        return metrics

    def _after_step(self, metrics: dict[str, Any]) -> dict[str, Any]:
        """The controllers that act between steps: curriculum levels and ProRL reference resets."""
        extra: dict[str, Any] = {}
        if self.curriculum is not None:
            moved = self.curriculum.update({env_id: metrics.get(f"pass_rate/{env_id}", math.nan)
                                            for env_id in self.sampler.envs})
            for env_id, level in moved.items():
                log.info("curriculum: %s moves to level %d at step %d", env_id, level, self.step)
            extra.update(self.curriculum.metrics())
        if self.cfg.ref_reset_every and self.step % self.cfg.ref_reset_every == 0:
            self.reset_reference()
            extra["ref_reset"] = 1
        return extra

    def evaluate(self, out: Path) -> dict[str, float]:
        """Periodic evaluation (`eval_every`): pass@k per eval env, rollouts written to `out/eval/`. The sampling
        runs on a forked RNG seeded apart from training, so evaluating never changes the training run."""
        if self.evaluator is None or self.eval_rewards is None:
            return {}
        devices = list(range(torch.cuda.device_count())) if self.device.type == "cuda" else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(self.cfg.seed + EVAL_SEED)
            return self.evaluator.run(
                lambda prompts: self.generator.generate([render_prompt(self.tokenizer, p.task) for p in prompts],
                                                        self.cfg.eval_k),
                self.eval_rewards, self.step, out, chunk=self.cfg.prompts_per_step)

    def reset_reference(self) -> None:
        """ProRL's reset: the KL reference becomes the current policy and AdamW's moments start afresh."""
        if self.ref_model is not None:
            self.ref_model.load_state_dict(self.model.state_dict())
        self.optimizer.state.clear()

    def rollout(self) -> Batch:
        """The step's batch: one draw, or with dynamic sampling as many as it takes to fill it with signal."""
        rounds = self.cfg.max_sampling_rounds if self.cfg.dynamic_sampling else 1
        return fill_with_signal(self._draw, self.cfg.prompts_per_step, self.cfg.group_size, rounds,
                                self.tokenizer.pad_token_id)

    def _draw(self, round_index: int) -> Batch:
        """Sample `prompts_per_step` prompts, roll out G completions each, score and shape the rewards."""
        prompts = self.sampler.sample(self.step, self.cfg.prompts_per_step, round_index)
        texts = [render_prompt(self.tokenizer, p.task) for p in prompts]
        rollout = self.generator.generate(texts, self.cfg.group_size)
        expanded = [p for p in prompts for _ in range(self.cfg.group_size)]  # (B,)
        reward_start = time.perf_counter()
        results = self.rewards.score(expanded, rollout.texts)
        reward_seconds = time.perf_counter() - reward_start
        if any(self.sampler.envs[p.env_id].max_turns > 1 for p in prompts):
            rollout, results = run_episodes(rollout, expanded, results, envs=self.sampler.envs,
                                            tokenizer=self.tokenizer, generator=self.generator,
                                            score=self.rewards.score)
        trained = training_rewards(results, self.cfg.reward_control, self.cfg.seed, f"{self.step}/{round_index}")
        rewards = torch.tensor([math.nan if r is None else float(r) for r in trained])  # (B,)
        rewards += overlong_penalties(rollout.last_turn_tokens.cpu(), self.cfg.max_new_tokens,
                                      self.cfg.overlong_buffer, self.cfg.overlong_penalty)  # (B,) NaN stays NaN
        advantages = group_advantages(rewards, self.cfg.group_size, self.cfg.advantage_scale)  # (B,)
        scored = (~torch.isnan(rewards)).to(rollout.completion_mask.device)  # (B,)
        mask = rollout.loss_mask * scored.unsqueeze(1)  # (B, C): masked rewards drop out entirely
        return Batch(rollout, expanded, results, rewards, advantages.to(mask.device), mask, reward_seconds)

    def optimise(self, batch: Batch) -> dict[str, Any]:
        """`inner_steps` optimiser steps over the batch, each accumulating gradients over micro-batches."""
        work = _Work.of(batch, self.cfg.micro_batch_size, skip_zero_advantage=self.cfg.beta == 0)
        stats: dict[str, Any] = {"loss": 0.0, "kl": 0.0, "clip_frac": 0.0, "entropy": math.nan,
                                 "grad_norm": 0.0, "active_completions": work.active, "train_tokens": 0}
        if not work.chunks:  # no signal: keep the schedule in step without moving any weight
            for _ in range(self.cfg.inner_steps):
                self.optimizer.zero_grad(set_to_none=True)
                self.optimizer.step()
                self.scheduler.step()
            return stats
        ref_logp = self._logprobs(self.ref_model, work) if self.ref_model is not None else None
        old_logp = self._logprobs(self.model, work) if self.cfg.inner_steps > 1 else None
        coefficient = self.entropy.coefficient() if self.entropy is not None else 0.0
        self.model.train()
        for inner in range(self.cfg.inner_steps):
            stats.update(self._inner_step(work, old_logp, ref_logp, coefficient, first=inner == 0))
            stats["train_tokens"] += work.tokens
        if self.entropy is not None:
            self.entropy.observe(stats["entropy_selected"])
            stats.update(entropy_reg_coef=coefficient, entropy_target=self.entropy.target)
        return stats

    def _inner_step(self, work: _Work, old_logp: list[torch.Tensor] | None,
                    ref_logp: list[torch.Tensor] | None, coefficient: float, first: bool) -> dict[str, float]:
        """One optimiser step: accumulate every micro-batch's gradient, clip, step, advance the schedule."""
        self.optimizer.zero_grad(set_to_none=True)
        sums = {"loss": 0.0, "kl": 0.0, "clip_frac": 0.0, "entropy": 0.0, "selected": 0.0, "count": 0.0}
        for index, chunk in enumerate(work.chunks):
            logits, logp = self._forward(self.model, work, chunk)  # (b, C, V), (b, C)
            mask = work.mask[chunk]  # (b, C)
            old = old_logp[index] if old_logp is not None else logp.detach()  # (b, C)
            ref = ref_logp[index] if ref_logp is not None else None  # (b, C)
            loss, m = grpo_loss(logp, old, ref, work.advantages[chunk], mask, self.loss_cfg,
                                num_tokens=work.num_tokens, num_seqs=work.num_seqs)
            if self.entropy is not None:
                term, selected, count = self.entropy.term(logits, mask, coefficient, self.cfg.temperature,
                                                          self._entropy_denominator(work))
                loss = loss + term
                sums["selected"] += selected
                sums["count"] += count
            loss.backward()
            share = float(mask.sum()) / work.active_tokens
            sums["loss"] += float(loss.detach())
            sums["kl"] += m["kl"] * share
            sums["clip_frac"] += m["clip_frac"] * share
            if first:
                with torch.no_grad():
                    entropy = token_entropy(logits.detach(), self.cfg.temperature)  # (b, C)
                    sums["entropy"] += float((entropy * mask).sum()) / work.active_tokens
            del logits, logp, loss
        grad_norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.max_grad_norm)
        self.optimizer.step()
        self.scheduler.step()
        selected, count = sums.pop("selected"), sums.pop("count")
        if not first:
            del sums["entropy"]
        elif self.entropy is not None:
            sums["entropy_selected"] = selected / count if count else math.nan
        return {**sums, "grad_norm": float(grad_norm)}

    def _entropy_denominator(self, work: _Work) -> float:
        """Positions the entropy term averages over, batch-wide: every active token, or SIREN's peak share."""
        if self.cfg.entropy_mode == "all":
            return work.active_tokens
        return work.active_tokens * (1 - self.cfg.entropy_peak_quantile)

    def _forward(self, model: Any, work: _Work, rows: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits and log-probs of the completion tokens of `rows`; prompt padding shared by all is cut."""
        ids, attn = work.ids[rows], work.attn[rows]  # (b, L)
        completion = work.completion[rows]  # (b, C)
        first = int(attn.any(dim=0).nonzero()[0])  # leading columns that are padding in every row
        ids, attn = ids[:, first:], attn[:, first:]  # (b, L')
        positions = (attn.cumsum(dim=1) - 1).clamp(min=0)  # (b, L') left padding must not shift positions
        width = completion.shape[1]
        with self._autocast():
            out = model(input_ids=ids, attention_mask=attn, position_ids=positions, logits_to_keep=width + 1,
                        use_cache=False)
        logits = out.logits[:, :-1]  # (b, C, V): the logit at t predicts token t+1
        return logits, token_logprobs(logits, completion, self.cfg.temperature)  # (b, C, V), (b, C)

    @torch.no_grad()
    def _logprobs(self, model: Any, work: _Work) -> list[torch.Tensor]:
        return [self._forward(model, work, chunk)[1] for chunk in work.chunks]

    def save(self, path: str | Path) -> Path:
        """A loadable model folder (`save_pretrained`) plus the schedule, step, RNG and controller states, and
        the optimiser state unless `save_optimizer: none`."""
        state = {"step": self.step, "rng": _rng_state(), "scheduler": self.scheduler.state_dict(),
                 "config": self.cfg.to_dict(),
                 "curriculum": self.curriculum.state_dict() if self.curriculum is not None else None,
                 "entropy": self.entropy.state_dict() if self.entropy is not None else None}
        optimizer = self.optimizer.state_dict() if self.cfg.save_optimizer != "none" else None
        return checkpoints.write(Path(path), self._save_model, state, optimizer)

    def _save_model(self, path: Path) -> None:
        self.model.save_pretrained(path)
        self.tokenizer.save_pretrained(path)

    def save_checkpoint(self, out: Path) -> dict[str, float]:
        """`checkpoint-N`, then rotation (`save_total_limit`, `save_optimizer`); returns the update sparsity."""
        path = self.save(out / f"checkpoint-{self.step}")
        latest = path if self.cfg.save_optimizer == "latest" else None
        for gone in checkpoints.prune(out, self.cfg.save_total_limit, latest):
            log.info("removed %s (save_total_limit %d)", gone, self.cfg.save_total_limit)
        return self.sparsity.measure(self.model) if self.sparsity is not None else {}

    def save_final(self, out: Path) -> dict[str, float]:
        """`final`: a link to `checkpoint-N` when that holds this very step, else a checkpoint of its own."""
        same = out / f"checkpoint-{self.step}"
        if (same / checkpoints.INFO_FILE).exists() and checkpoints.step_of(same) == self.step:
            checkpoints.link_final(out, same)
            return {}
        path = self.save(out / "final")
        checkpoints.prune(out, 0, path if self.cfg.save_optimizer == "latest" else None)
        return self.sparsity.measure(self.model) if self.sparsity is not None else {}

    def _resume(self, where: str) -> None:
        path = checkpoints.find(Path(self.cfg.output_dir), where)
        from transformers import AutoModelForCausalLM

        saved = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
        self.model.load_state_dict(saved.state_dict())
        state, optimizer = checkpoints.load(path, self.device)
        if optimizer is None:
            log.warning("%s holds no optimiser state (save_optimizer): AdamW's moments restart from zero", path)
        else:
            self.optimizer.load_state_dict(optimizer)
        self.scheduler.load_state_dict(state["scheduler"])
        self.step = int(state["step"])
        _set_rng_state(state["rng"])
        if self.curriculum is not None and state.get("curriculum"):
            self.curriculum.load_state_dict(state["curriculum"])
        if self.entropy is not None and state.get("entropy"):
            self.entropy.load_state_dict(state["entropy"])
        if self.ref_model is not None and self.cfg.ref_reset_every:  # exact when the step is a reset step
            self.ref_model.load_state_dict(self.model.state_dict())
        log.info("resumed from %s at step %d", path, self.step)

    def _write_config(self, out: Path) -> None:
        """The run's config beside its metrics; a reward control says so in the file's first line."""
        head = f"# {banner(self.cfg.reward_control)}\n" if self.cfg.reward_control else ""
        (out / "config.yaml").write_text(head + yaml.safe_dump(self.cfg.to_dict(), sort_keys=False))
        if self.cfg.reward_control:
            log.warning(banner(self.cfg.reward_control))
            print(banner(self.cfg.reward_control), file=sys.stderr)

    def _generator(self) -> Generator:
        sampling = SamplingConfig(self.cfg.max_prompt_tokens, self.cfg.max_new_tokens, self.cfg.temperature,
                                  self.cfg.top_p, self.cfg.top_k)
        if self.cfg.backend == "vllm":
            generator = VLLMGenerator(resolve_model(self.cfg.model), self.tokenizer, sampling, self.device,
                                      seed=self.cfg.seed)
            generator.sync_weights(self.model)  # a resumed run must not sample from the initial weights
            return generator
        return TransformersGenerator(self.model, self.tokenizer, sampling, self._autocast)

    def _autocast(self) -> contextlib.AbstractContextManager:
        if self.use_bf16:
            return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def close(self) -> None:
        self.rewards.close()
        self.sampler.close()
        if self.evaluator is not None:
            self.evaluator.close()
            if self.eval_rewards is not self.rewards:
                self.eval_rewards.close()
        if self.runtime is not None:
            self.runtime.close()


def train(cfg: TrainConfig, **parts: Any) -> TrainResult:
    """Build a `GRPOTrainer` from `cfg` (parts such as model/tokenizer/rewards may be passed) and run it."""
    trainer = GRPOTrainer(cfg, **parts)
    try:
        return trainer.train()
    finally:
        trainer.close()


def _reward_client(cfg: TrainConfig, envs: dict[str, TextEnv]) -> RewardClient:
    if cfg.ray:
        return FleetRewards(cfg.ray)
    if cfg.server:
        return HttpRewards(cfg.server, timeout_s=cfg.server_timeout_s, batch_size=cfg.server_batch_size,
                           concurrency=cfg.server_concurrency, api_key=cfg.server_api_key)
    return LocalRewards(envs)


def _scheduler(cfg: TrainConfig, optimizer: torch.optim.Optimizer) -> Any:
    from transformers import get_scheduler

    return get_scheduler(cfg.lr_schedule, optimizer, num_warmup_steps=cfg.warmup_steps * cfg.inner_steps,
                         num_training_steps=cfg.steps * cfg.inner_steps)


def _say(bar: Any, text: str) -> None:
    """A line in the progress output (above the bar when there is one)."""
    if bar is not None:
        bar.write(text)
    else:
        print(text, file=sys.stderr)


def _progress(cfg: TrainConfig, start: int) -> Any:
    if not cfg.progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=cfg.steps, initial=start, desc="grpo", unit="step")


def disable_dropout(model: torch.nn.Module) -> None:
    """Dropout would make the sampling policy and the trained one differ by noise (ratio != 1 on-policy)."""
    for module in model.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _rng_state() -> dict[str, Any]:
    state = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"].cpu())
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])

