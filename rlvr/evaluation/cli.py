"""`rlvr eval` (measure a model: pass@k, maj@k, an HTML report) and `rlvr reverify` (re-score stored rollouts).

Exit codes follow rlvr/cli.py: `eval` 0 when the report is written; `reverify` 0, or 1 with --fail-on-flip when a
reward changed; 2 for a usage error, a missing file or an unreachable server.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from rlvr.cli import parse_env_kwargs
from rlvr.evaluation.tasks import EVAL_SEED


def add_parser(subparsers: Any) -> None:
    _add_eval(subparsers)
    _add_reverify(subparsers)


def _add_eval(subparsers: Any) -> None:
    p = subparsers.add_parser("eval", help="measure a model on rlvr envs: pass@k, maj@k and an HTML report",
                              description="Sample K completions for N fresh tasks of each env, score them and "
                              "write DIR/report.json, DIR/rollouts.jsonl and DIR/report.html (docs/eval.md).")
    p.add_argument("--model", required=True, help="what `rlvr train` accepts (a local folder, smollm2-135m, a hub "
                   "id), or with --endpoint the model name the server knows")
    p.add_argument("--env", action="append", required=True, metavar="ENV", help="an env id (repeatable)")
    p.add_argument("--n", type=int, default=50, help="tasks per env (default 50)")
    p.add_argument("--samples", type=int, default=4, metavar="K", help="completions per task (default 4)")
    p.add_argument("--output", default="runs/eval", metavar="DIR", help="where the report goes (default runs/eval)")
    p.add_argument("--max-new-tokens", type=int, default=256, metavar="N", help="per completion (default 256)")
    p.add_argument("--max-prompt-tokens", type=int, default=512, metavar="N",
                   help="local model: longer prompts lose their beginning (default 512)")
    p.add_argument("--temperature", type=float, default=1.0, metavar="T", help="sampling temperature, > 0 (default 1)")
    p.add_argument("--top-p", type=float, default=1.0, metavar="P", help="nucleus sampling (default 1)")
    p.add_argument("--seed", type=int, default=EVAL_SEED,
                   help=f"draws the tasks and seeds sampling (default {EVAL_SEED}, not training's default 0)")
    p.add_argument("--batch-size", type=int, default=32, metavar="N",
                   help="local model: completions per generate call, whole prompts (default 32)")
    p.add_argument("--device", default="auto", help="local model: cpu, cuda, ... (default auto)")
    p.add_argument("--server", metavar="URL", help="score through the reward server at URL instead of in-process")
    p.add_argument("--env-kwargs", action="append", default=[], metavar="ENV=YAML",
                   help="constructor kwargs of one env, e.g. 'rlvr/Math-v1={level: 2}' (repeatable)")
    p.add_argument("--endpoint", metavar="URL", help="an OpenAI-compatible API base (http://host:8000/v1) to sample "
                   "from instead of loading the model")
    p.add_argument("--api", choices=("chat", "completions"), default="chat",
                   help="endpoint: chat (the server applies the chat template) or completions (plain prompt)")
    p.add_argument("--concurrency", type=int, default=8, metavar="N", help="endpoint: requests in flight (default 8)")
    p.add_argument("--retries", type=int, default=4, metavar="N", help="endpoint: tries per request (default 4)")
    p.add_argument("--api-key-env", default="OPENAI_API_KEY", metavar="NAME",
                   help="endpoint: the environment variable holding its bearer key (default OPENAI_API_KEY)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run_eval)


def _add_reverify(subparsers: Any) -> None:
    p = subparsers.add_parser("reverify", help="re-score stored rollouts with today's verifiers and show the flips",
                              description="Re-score a rollouts.jsonl (from rlvr eval or the trainer) and print "
                              "the rewards that changed, per env and per (old status -> new status).")
    p.add_argument("rollouts", metavar="ROLLOUTS.jsonl")
    p.add_argument("--output", metavar="FILE", help="write the re-scored rollouts here")
    p.add_argument("--server", metavar="URL", help="score through the reward server at URL instead of in-process")
    p.add_argument("--fail-on-flip", action="store_true", help="exit 1 when any reward changed")
    p.set_defaults(func=run_reverify)


def run_eval(args: argparse.Namespace) -> int:
    from rlvr.evaluation.run import EvalConfig, evaluate, write_outputs

    cfg = EvalConfig(envs=args.env, n=args.n, samples=args.samples, seed=args.seed,
                     env_kwargs=parse_env_kwargs(args.env_kwargs), server=args.server, progress=not args.no_progress)
    sampling = _sampling(args)
    evaluation = evaluate(cfg, _backend(args, sampling), sampling=vars(sampling))
    out = write_outputs(evaluation, args.output)
    k = args.samples
    headline = {env: {key: s.get(key) for key in ("pass@1", f"pass@{k}", f"maj@{k}", "null_rate")}
                for env, s in evaluation.report["envs"].items()}
    print(json.dumps({"output": str(out), "envs": headline}))
    return 0


def run_reverify(args: argparse.Namespace) -> int:
    from rlvr.evaluation.reverify import describe, reverify
    from rlvr.evaluation.rollouts import read_rollouts, write_rollouts
    from rlvr.evaluation.scoring import Scorer

    records = read_rollouts(args.rollouts)
    with Scorer(args.server) as scorer:
        result = reverify(records, scorer)
    print(describe(result))
    if args.output:
        write_rollouts(args.output, result.new)
    return 1 if args.fail_on_flip and result.flipped else 0


def _sampling(args: argparse.Namespace) -> Any:
    from rlvr.errors import ConfigError
    from rlvr.trainer.generation import SamplingConfig

    if not args.temperature > 0 or not 0 < args.top_p <= 1:
        raise ConfigError(f"temperature must be > 0 and top_p in (0, 1]; got {args.temperature}, {args.top_p}")
    if args.max_new_tokens < 1 or args.max_prompt_tokens < 1:
        raise ConfigError("--max-new-tokens and --max-prompt-tokens must be >= 1")
    return SamplingConfig(max_prompt_tokens=args.max_prompt_tokens, max_new_tokens=args.max_new_tokens,
                          temperature=args.temperature, top_p=args.top_p)


def _backend(args: argparse.Namespace, sampling: Any) -> Any:
    if args.endpoint:
        from rlvr.client import RetryPolicy
        from rlvr.evaluation.endpoint import Endpoint

        return Endpoint(args.endpoint, args.model, sampling, api=args.api, concurrency=args.concurrency,
                        retry=RetryPolicy(attempts=args.retries), api_key=os.environ.get(args.api_key_env) or None)
    from rlvr.evaluation.backends import LocalModel

    return LocalModel(args.model, sampling, batch_size=args.batch_size, device=args.device)
