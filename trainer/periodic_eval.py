"""Periodic evaluation during training: pass@k on held-out prompts, scored and summarised by `rlvr eval`'s code.

The prompts come from the eval envs through a sampler in its own namespace (`rlvr-eval/<env>`), so they are
drawn apart from the training prompts and are the same at every evaluation: the curve compares like with like.
The eval envs are instances of their own, at their made level, so a curriculum never moves the yardstick.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rlvr.envs.base import TextEnv
from rlvr.evaluation.rollouts import RolloutRecord, summarize_rollouts, write_rollouts
from rlvr.runtime import Runtime
from rlvr.trainer.generation import Rollout
from rlvr.trainer.rewards import RewardClient
from rlvr.trainer.tasks import Prompt, TaskSampler

REPORTED = ("mean_reward", "pass@1")  # plus pass@k at the largest k


class PeriodicEval:
    """`prompts` tasks per env in `env_ids`, `k` completions each, every time `run` is called."""

    def __init__(self, env_ids: Sequence[str], env_kwargs: Mapping[str, Mapping[str, Any]], *, seed: int,
                 prompts: int, k: int, runtime: Runtime | None):
        self.k = k
        self.samplers = {env_id: TaskSampler({env_id: 1.0}, {env_id: env_kwargs.get(env_id, {})}, seed=seed,
                                             runtime=runtime, namespace=f"rlvr-eval/{env_id}")
                         for env_id in env_ids}
        self.prompts = [p for sampler in self.samplers.values() for p in sampler.sample(0, prompts)]

    @property
    def envs(self) -> dict[str, TextEnv]:
        """The eval envs (instances of their own), to score on in-process."""
        return {env_id: env for sampler in self.samplers.values() for env_id, env in sampler.envs.items()}

    def run(self, generate: Callable[[list[Prompt]], Rollout], rewards: RewardClient, step: int,
            out_dir: Path, chunk: int) -> dict[str, float]:
        """Roll out and score every prompt `k` times (`chunk` prompts per generate call), write the records to
        `eval/step-<step>.jsonl`, and return `eval/<env>/<metric>` for mean reward, pass@1 and pass@k."""
        records: list[RolloutRecord] = []
        for start in range(0, len(self.prompts), chunk):
            prompts = self.prompts[start:start + chunk]
            rollout = generate(prompts)
            expanded = [p for p in prompts for _ in range(self.k)]
            results = rewards.score(expanded, rollout.texts)
            lengths = rollout.completion_mask.sum(dim=1).tolist()
            records += [RolloutRecord.scored(
                env=p.env_id, task_id=p.task.id, reference=p.task.reference, prompt=p.task.prompt,
                completion=rollout.texts[row], result=results[row], sample=row % self.k,
                completion_tokens=int(lengths[row]), truncated=not bool(rollout.finished[row]),
                extra={"step": step}) for row, p in enumerate(expanded)]
        write_rollouts(out_dir / "eval" / f"step-{step}.jsonl", records)
        wanted = (*REPORTED, f"pass@{self.k}")
        return {f"eval/{env}/{name}": summary[name] for env, summary in summarize_rollouts(records).items()
                for name in wanted if summary.get(name) is not None}

    def close(self) -> None:
        for sampler in self.samplers.values():
            sampler.close()
