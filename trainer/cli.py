"""`rlvr train --config train.yaml [--server URL | --ray ADDRESS] [--set key=value ...]`."""

from __future__ import annotations

import argparse
import json
from typing import Any

import yaml


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("train", help="train a model with GRPO against rlvr envs",
                                   description="Run GRPO; docs/training.md documents every config field.")
    parser.add_argument("--config", required=True, help="YAML file of TrainConfig fields")
    parser.add_argument("--server", help="score through a reward server at URL instead of in-process")
    parser.add_argument("--ray", metavar="ADDRESS", help="score on a verification fleet on the Ray cluster at "
                        "ADDRESS (auto, host:port or ray://host:port), in-cluster with no HTTP hop")
    parser.add_argument("--output-dir", help="override output_dir")
    parser.add_argument("--steps", type=int, help="override steps")
    parser.add_argument("--resume", metavar="CHECKPOINT", help="a checkpoint folder, or 'latest'")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override any field; VALUE is parsed as YAML (repeatable)")
    parser.set_defaults(func=run)


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The command-line overrides of the YAML config, as TrainConfig fields."""
    from rlvr.trainer.errors import ConfigError

    found: dict[str, Any] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"--set takes KEY=VALUE, got {item!r}")
        found[key.strip()] = yaml.safe_load(value)
    for key, value in (("server", args.server), ("ray", args.ray), ("output_dir", args.output_dir),
                       ("steps", args.steps), ("resume_from", args.resume)):
        if value is not None:
            found[key] = value
    return found


def run(args: argparse.Namespace) -> int:
    from rlvr.trainer.config import TrainConfig
    from rlvr.trainer.loop import train

    result = train(TrainConfig.from_yaml(args.config, overrides(args)))
    last = result.history[-1] if result.history else {}
    plot = str(result.plot) if result.plot else None
    print(json.dumps({"output_dir": str(result.output_dir), "steps": result.steps,
                      "steps_this_call": len(result.history), "reward_mean": last.get("reward_mean"),
                      "plot": plot}))
    return 0
