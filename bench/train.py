"""Benchmark: the bundled GRPO trainer vs TRL's GRPOTrainer, SmolLM2-135M on CPU, same data and settings.

    python bench/train.py                 # both trainers, 8 steps each (about 5-10 minutes on 2 cores)
    python bench/train.py --skip-trl      # only ours
    python bench/train.py --skip-trl --dynamic-sampling   # ours with DAPO dynamic sampling off and on

Prints reward at start and end, generation and training tokens/s, wall time per step of each trainer
and their ratio (TRL / ours: above 1 means ours is faster), and writes the figures to <out>/bench.json.
The env is easy addition scored by rlvr's math verifier, shaped so that a well-formed wrong answer earns
0.2 (a 135M model rarely answers right at first, and GRPO needs some spread within a group). TRL scores the
same through rlvr's TRL adapter (`make_trl_reward`, weight 0.8) plus a format reward (weight 0.2): 1.0, 0.2, 0.
The dynamic-sampling arm reports wall time per group with signal: what a step of learning costs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

import gymnasium
import torch

from rlvr.envs.base import Task, TextEnv
from rlvr.results import Status, VerifyResult

ENV_ID = "rlvr-bench/Add-v0"
PROMPT = "What is {a} + {b}? Reply with 'The answer is N.'"


class AddTasks:
    """Single-digit additions, a pure function of the index."""

    def __len__(self) -> int:
        return 100_000

    def __getitem__(self, index: int) -> Task:
        rng = random.Random(index)
        a, b = rng.randint(1, 9), rng.randint(1, 9)
        return Task(id=f"add-{index}", prompt=PROMPT.format(a=a, b=b), reference={"answer": str(a + b)})


class AddEnv(TextEnv):
    """Scored by the math family's verifier (worker pool), then shaped: wrong-but-answered earns 0.2."""

    family = "math"

    def __init__(self, **kwargs: Any):
        super().__init__(AddTasks(), **kwargs)

    def score(self, completion: str, task: Task) -> VerifyResult:
        result = super().score(completion, task)
        if result.status == Status.WRONG:
            return VerifyResult(0.2, Status.PARTIAL, "an answer in the asked form, but wrong", result.details)
        return result


def register() -> None:
    if ENV_ID not in gymnasium.registry:
        gymnasium.register(id=ENV_ID, entry_point=AddEnv)


def run_ours(args: argparse.Namespace, model_path: str, out: Path, name: str = "ours",
             **changes: Any) -> dict[str, Any]:
    from rlvr.trainer import GRPOTrainer, TrainConfig

    cfg = TrainConfig(
        model=model_path,
        envs={ENV_ID: 1.0},
        steps=args.steps,
        prompts_per_step=args.prompts,
        group_size=args.group,
        max_new_tokens=args.max_new_tokens,
        temperature=args.temperature,
        lr=args.lr,
        micro_batch_size=args.prompts * args.group,
        seed=args.seed,
        output_dir=str(out / name),
        tensorboard=False,
        progress=False,
        log_samples=0,
        update_sparsity=False,
        **changes,
    )
    trainer = GRPOTrainer(cfg)
    cpu: list[float] = []
    mark = [time.process_time()]

    def on_step(step: int, metrics: dict[str, Any]) -> None:
        now = time.process_time()
        cpu.append(now - mark[0])
        mark[0] = now

    history = trainer.train(callback=on_step).history
    trainer.close()
    steps = [h["step_seconds"] for h in history]
    return {
        "rewards": [h["reward_mean"] for h in history],
        "step_seconds": steps,
        "step_cpu_seconds": cpu,
        "gen_tokens_per_s": _total(history, "gen_tokens_per_s", "gen_seconds"),
        "train_tokens_per_s": _total(history, "train_tokens_per_s", "train_seconds"),
        "gen_seconds": sum(h["gen_seconds"] for h in history),
        "train_seconds": sum(h["train_seconds"] for h in history),
        "signal_groups": [args.prompts - h["zero_signal_groups"] for h in history],
        "generations": [h["generations"] for h in history],
    }


def trl_rewards() -> tuple[list[Any], list[float]]:
    """TRL's reward functions and weights: the verifier through rlvr's adapter, plus the bench's format credit,
    so that TRL trains on what `AddEnv` gives ours (correct 1.0, a wrong answer in the asked form 0.2, else 0)."""
    from rlvr import verify
    from rlvr.adapters import make_trl_reward

    def answered(prompts: list, completions: list, answer: list[str], **_: Any) -> list[float]:
        texts = [c[-1]["content"] if isinstance(c, list) else c for c in completions]
        return [float(verify("rlvr/Math-v1", completion=t, reference={"answer": a}).status != Status.NO_ANSWER)
                for t, a in zip(texts, answer, strict=True)]

    return [make_trl_reward("rlvr/Math-v1", url=""), answered], [0.8, 0.2]


def run_trl(args: argparse.Namespace, model_path: str, out: Path) -> dict[str, Any]:
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl import GRPOConfig, GRPOTrainer

    from rlvr.trainer.tasks import TaskSampler

    sampler = TaskSampler({ENV_ID: 1.0}, seed=args.seed)  # the same prompts, in the same order, as ours
    prompts = [p for step in range(args.steps) for p in sampler.sample(step, args.prompts)]
    data = Dataset.from_list([{"prompt": list(p.task.messages), "answer": p.task.reference["answer"]}
                              for p in prompts])
    reward_funcs, reward_weights = trl_rewards()
    tokenizer = AutoTokenizer.from_pretrained(model_path, padding_side="left")
    model = AutoModelForCausalLM.from_pretrained(model_path, dtype=torch.float32)
    timer = _GenerateTimer(model, tokenizer)
    batch = args.prompts * args.group
    config = GRPOConfig(
        output_dir=str(out / "trl"),
        max_steps=args.steps,
        per_device_train_batch_size=batch,
        gradient_accumulation_steps=1,
        num_generations=args.group,
        reward_weights=reward_weights,
        max_completion_length=args.max_new_tokens,
        temperature=args.temperature,
        top_k=0,
        top_p=1.0,
        learning_rate=args.lr,
        lr_scheduler_type="constant",
        beta=0.0,
        loss_type="dapo",
        num_iterations=1,
        epsilon=0.2,
        max_grad_norm=1.0,
        weight_decay=0.0,
        use_cpu=True,
        bf16=False,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        seed=args.seed,
        shuffle_dataset=False,
        disable_tqdm=True,
    )

    class StepTimer(TrainerCallback):
        def __init__(self) -> None:
            self.seconds: list[float] = []
            self.cpu: list[float] = []

        def on_step_begin(self, *a: Any, **k: Any) -> None:
            self._start = time.perf_counter()
            self._cpu = time.process_time()

        def on_step_end(self, *a: Any, **k: Any) -> None:
            self.seconds.append(time.perf_counter() - self._start)
            self.cpu.append(time.process_time() - self._cpu)

    steps = StepTimer()
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=reward_funcs,
        args=config,
        train_dataset=data,
        processing_class=tokenizer,
        callbacks=[steps],
    )
    trainer.train()
    logs = [entry for entry in trainer.state.log_history if "reward" in entry]
    tokens = float(logs[-1].get("num_tokens", 0)) if logs else 0.0  # prompt + completion tokens trained on
    train_seconds = sum(steps.seconds) - timer.seconds
    sampler.close()
    return {
        "rewards": [entry["reward"] for entry in logs],
        "step_seconds": steps.seconds,
        "step_cpu_seconds": steps.cpu,
        "gen_tokens_per_s": timer.tokens / max(timer.seconds, 1e-9),
        "gen_seconds": timer.seconds,
        "train_seconds": train_seconds,
        "train_tokens_per_s": tokens / max(train_seconds, 1e-9),
    }


class _GenerateTimer:
    """Wraps `model.generate` to time TRL's generation and count the completion tokens it produced."""

    def __init__(self, model: Any, tokenizer: Any):
        self.seconds, self.tokens = 0.0, 0
        original = model.generate
        eos = {tokenizer.eos_token_id, tokenizer.pad_token_id}

        def generate(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            result = original(*args, **kwargs)
            self.seconds += time.perf_counter() - start
            prompt = kwargs["input_ids"].shape[1] if "input_ids" in kwargs else args[0].shape[1]
            sequences = result if isinstance(result, torch.Tensor) else result.sequences
            completion = sequences[:, prompt:]
            self.tokens += int(sum(_length(row, eos) for row in completion.tolist()))
            return result

        model.generate = generate


def _length(row: list[int], eos: set[int]) -> int:
    for index, token in enumerate(row):
        if token in eos:
            return index + 1
    return len(row)


def _total(history: list[dict[str, Any]], rate: str, seconds: str) -> float:
    work = sum(h[rate] * h[seconds] for h in history)
    return work / max(sum(h[seconds] for h in history), 1e-9)


def summary(name: str, run: dict[str, Any], edge: int) -> dict[str, Any]:
    rewards = run["rewards"]
    signal = run.get("signal_groups")
    per_signal = {"signal_groups": sum(signal), "generations": sum(run["generations"]),
                  "seconds_per_signal_group": sum(run["step_seconds"]) / max(sum(signal), 1)} if signal else {}
    return {
        **per_signal,
        "trainer": name,
        "reward_start": statistics.fmean(rewards[:edge]),
        "reward_end": statistics.fmean(rewards[-edge:]),
        "median_step_s": statistics.median(run["step_seconds"]),
        "mean_step_s": statistics.fmean(run["step_seconds"]),
        "median_step_cpu_s": statistics.median(run["step_cpu_seconds"]),
        "gen_tokens_per_s": run["gen_tokens_per_s"],
        "train_tokens_per_s": run.get("train_tokens_per_s"),
        "gen_seconds": run["gen_seconds"],
        "train_seconds": run["train_seconds"],
        "rewards": rewards,
        "step_seconds": run["step_seconds"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--prompts", type=int, default=2, help="prompts per step")
    parser.add_argument("--group", type=int, default=8, help="completions per prompt")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=1e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default="runs/bench-train")
    parser.add_argument("--skip-trl", action="store_true")
    parser.add_argument("--dynamic-sampling", action="store_true",
                        help="also run ours with DAPO dynamic sampling (3 rounds at most): time per signal group")
    args = parser.parse_args()

    import rlvr  # noqa: F401
    from rlvr.trainer.models import resolve_model

    torch.set_num_threads(args.threads)
    register()
    out = Path(args.out)
    model_path = resolve_model("smollm2-135m")
    edge = max(1, args.steps // 4)
    results = [summary("rlvr", run_ours(args, model_path, out), edge)]
    if args.dynamic_sampling:
        ds = run_ours(args, model_path, out, "ours-ds", dynamic_sampling=True, max_sampling_rounds=3)
        results.append(summary("rlvr+ds", ds, edge))
    if not args.skip_trl:
        results.append(summary("trl", run_trl(args, model_path, out), edge))
    report = {
        "settings": vars(args),
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "torch_threads": torch.get_num_threads(),
        "load_average_at_end": os.getloadavg(),
        "results": results,
    }
    if results[-1]["trainer"] == "trl":
        report["trl_over_rlvr_step_time"] = results[-1]["median_step_s"] / results[0]["median_step_s"]
        report["trl_over_rlvr_step_cpu"] = results[-1]["median_step_cpu_s"] / results[0]["median_step_cpu_s"]
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(report, indent=2))
    _print(report)


def _print(report: dict[str, Any]) -> None:
    settings = report["settings"]
    print(f"\nSmolLM2-135M, {report['device']}, {settings['steps']} steps of {settings['prompts']} prompts x "
          f"{settings['group']} completions x <= {settings['max_new_tokens']} tokens; "
          f"load average at end {report['load_average_at_end'][0]:.1f}")
    print(f"{'trainer':8} {'reward start':>12} {'reward end':>10} {'step s mean':>11} {'step s median':>13} "
          f"{'step cpu-s median':>17} {'gen tok/s':>9} {'train tok/s':>11}")
    for r in report["results"]:
        print(f"{r['trainer']:8} {r['reward_start']:12.3f} {r['reward_end']:10.3f} {r['mean_step_s']:11.2f} "
              f"{r['median_step_s']:13.2f} {r['median_step_cpu_s']:17.2f} {r['gen_tokens_per_s']:9.1f} "
              f"{r['train_tokens_per_s']:11.1f}")
    for r in report["results"]:
        if "seconds_per_signal_group" in r:
            print(f"{r['trainer']:8} {r['signal_groups']} groups with signal from {r['generations']} completions: "
                  f"{r['seconds_per_signal_group']:.2f} s per group with signal")
    if "trl_over_rlvr_step_time" in report:
        print(f"TRL / rlvr per step: wall {report['trl_over_rlvr_step_time']:.2f}x (median), "
              f"CPU {report['trl_over_rlvr_step_cpu']:.2f}x (median); above 1 means rlvr is faster")


if __name__ == "__main__":
    main()
