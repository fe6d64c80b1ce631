"""One evaluation: draw each env's tasks, sample K completions per task, score them, and write report.json,
rollouts.jsonl and report.html. Generation and scoring are timed apart, so a report says what scoring cost."""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rlvr.errors import ConfigError
from rlvr.evaluation.backends import Backend
from rlvr.evaluation.rollouts import RolloutRecord, summarize_rollouts, write_rollouts
from rlvr.evaluation.scoring import Scorer
from rlvr.evaluation.tasks import EVAL_SEED, draw_tasks
from rlvr.evaluation.votes import with_votes


@dataclass(frozen=True)
class EvalConfig:
    """What to evaluate on: `n` tasks of each env in `envs`, `samples` (K) completions per task."""

    envs: Sequence[str]
    n: int = 50
    samples: int = 4
    seed: int = EVAL_SEED
    env_kwargs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    server: str | None = None
    progress: bool = True

    def __post_init__(self) -> None:
        from rlvr.cli import env_hint
        from rlvr.registry import ENVS

        object.__setattr__(self, "envs", tuple(dict.fromkeys(self.envs)))  # an env named twice is evaluated once
        if not self.envs:
            raise ConfigError("name at least one env to evaluate on (--env rlvr/Math-v1)")
        for env in self.envs:
            if env not in ENVS:
                raise ConfigError(env_hint(env))
        if self.n < 1 or self.samples < 1:
            raise ConfigError(f"n and samples must be >= 1, got n={self.n}, samples={self.samples}")
        unknown = sorted(set(self.env_kwargs) - set(self.envs))
        if unknown:
            raise ConfigError(f"env kwargs name envs that are not evaluated: {unknown}")


@dataclass
class Evaluation:
    """What a run found: report.json's content and one record per completion."""

    report: dict[str, Any]
    records: list[RolloutRecord]


def evaluate(cfg: EvalConfig, backend: Backend, sampling: Mapping[str, Any] | None = None) -> Evaluation:
    """Run every env in turn; `sampling` (temperature, ...) is recorded in the report as given."""
    from rlvr import __version__

    tasks = {env: draw_tasks(env, cfg.n, cfg.seed, cfg.env_kwargs.get(env)) for env in cfg.envs}
    bar = _progress(cfg, sum(len(t) for t in tasks.values()) * cfg.samples)
    records: list[RolloutRecord] = []
    timing: dict[str, dict[str, float]] = {}
    try:
        with Scorer(cfg.server) as scorer:
            for env, env_tasks in tasks.items():
                bar.set_description(env)
                env_records, timing[env] = _run_env(env, env_tasks, cfg, backend, scorer, bar.update)
                records += env_records
    finally:
        bar.close()
    envs = {env: {**summary, "timing": timing[env]} for env, summary in summarize_rollouts(records).items()}
    report = {"model": backend.name, "rlvr_version": __version__, "seed": cfg.seed, "samples": cfg.samples,
              "sampling": dict(sampling or {}), "scored_by": cfg.server or "in-process", "envs": envs}
    return Evaluation(report, records)


def _run_env(env: str, tasks: Sequence[Any], cfg: EvalConfig, backend: Backend, scorer: Scorer,
             advance: Any) -> tuple[list[RolloutRecord], dict[str, float]]:
    start = time.perf_counter()
    env_seed = zlib.crc32(f"rlvr-eval/{cfg.seed}/{env}".encode())  # an env's samples do not depend on the others
    completions = backend.complete(tasks, cfg.samples, env_seed, advance)
    generated = time.perf_counter()
    pairs = [(task, sample, c) for task, group in zip(tasks, completions, strict=True)
             for sample, c in enumerate(group)]
    results = scorer.score([{"env": env, "completion": c.text, "reference": dict(task.reference)}
                            for task, _, c in pairs])
    records = with_votes([RolloutRecord.scored(env=env, task_id=task.id, reference=task.reference,
                                               prompt=task.prompt, completion=c.text, result=result, sample=sample,
                                               completion_tokens=c.tokens, truncated=c.truncated)
                          for (task, sample, c), result in zip(pairs, results, strict=True)], scorer.score)
    scored = time.perf_counter()
    gen_s, score_s = generated - start, scored - generated
    return records, {"generate_s": gen_s, "score_s": score_s, "s_per_completion": gen_s / max(len(pairs), 1),
                     "score_share": score_s / max(gen_s + score_s, 1e-9)}


def write_outputs(evaluation: Evaluation, out_dir: str | Path) -> Path:
    """report.json, rollouts.jsonl and report.html in `out_dir`; returns the folder."""
    from rlvr.evaluation.html_report import render

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(evaluation.report, indent=2) + "\n", encoding="utf-8")
    write_rollouts(out / "rollouts.jsonl", evaluation.records)
    (out / "report.html").write_text(render(evaluation.report, evaluation.records), encoding="utf-8")
    return out


def _progress(cfg: EvalConfig, total: int) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="completion", disable=not cfg.progress)
