"""`rlvr qa ENV_ID ...`: run the reference solutions and the attack battery; exit 1 when the verifier fails."""

from __future__ import annotations

import argparse
import json

from rlvr.qa.runner import DEFAULT_TASKS, DEFAULT_TIME_BOUND_S


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "qa", help="audit env verifiers: reference solutions must score 1, every attack 0",
        description="Exit 0 when every env passes, 1 when an attack earns reward, a reference solution "
        "misses or a huge input overruns the time bound, 2 on a usage error.")
    parser.add_argument("envs", nargs="*", metavar="ENV_ID", help="env ids, e.g. rlvr/Math-v1")
    parser.add_argument("--all", action="store_true", help="every registered env")
    parser.add_argument("--tasks", type=_positive, default=DEFAULT_TASKS, help="tasks per env (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="which tasks are drawn (default 0)")
    parser.add_argument("--time-bound", type=float, default=DEFAULT_TIME_BOUND_S, metavar="S",
                        help=f"most seconds one huge completion may take (default {DEFAULT_TIME_BOUND_S:g})")
    parser.add_argument("--env-kwargs", action="append", default=[], metavar="ENV=YAML",
                        help="constructor kwargs of one env, e.g. 'rlvr/Code-v1={language: cpp}' (repeatable): "
                        "audit the verifier on that language, level or data file")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.set_defaults(func=_run)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _run(args: argparse.Namespace) -> int:
    from rlvr.cli import env_hint, parse_env_kwargs
    from rlvr.errors import ConfigError
    from rlvr.qa.report import render
    from rlvr.qa.runner import run_qa
    from rlvr.registry import ENVS
    from rlvr.runtime import Runtime

    env_ids = list(ENVS) if args.all else args.envs
    if not env_ids:
        raise ConfigError("name at least one env id, or pass --all (`rlvr envs` lists them)")
    unknown = [env_id for env_id in env_ids if env_id not in ENVS]
    if unknown:
        raise ConfigError("; ".join(env_hint(env_id) for env_id in unknown))
    kwargs = parse_env_kwargs(args.env_kwargs)
    stray = sorted(set(kwargs) - set(env_ids))
    if stray:
        raise ConfigError(f"--env-kwargs names envs not audited: {', '.join(stray)}")
    with Runtime() as runtime:  # its pool and any sandbox it starts end with the command
        reports = [run_qa(env_id, tasks=args.tasks, seed=args.seed, time_bound_s=args.time_bound,
                          env_kwargs=kwargs.get(env_id), runtime=runtime) for env_id in env_ids]
    passed = all(report.passed for report in reports)
    if args.json:
        print(json.dumps({"passed": passed, "envs": [report.to_dict() for report in reports]}))
    else:
        print("\n\n".join(render(report) for report in reports))
    return 0 if passed else 1
