"""The `rlvr` command. Each subcommand lives beside the code it drives and is listed in COMMANDS.

A command module exposes `add_parser(subparsers)`, which adds its parser and sets `func(args) -> int`.
Modules are imported only to build the parser, so heavy imports belong inside `func`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence

COMMANDS: tuple[str, ...] = (
    "rlvr.cli_verify",
    "rlvr.qa.cli",
    "rlvr.server.cli",
    "rlvr.trainer.cli",
    "rlvr.sandbox.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rlvr", description="Reinforcement learning with verifiable rewards.")
    parser.add_argument("--version", action="version", version=f"rlvr {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    envs = subparsers.add_parser("envs", help="list the registered environments")
    envs.set_defaults(func=_list_envs)
    for module in COMMANDS:
        importlib.import_module(module).add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 0
    return int(args.func(args) or 0)


def _list_envs(args: argparse.Namespace) -> int:
    from rlvr.registry import ENVS, FAMILIES, ORIGIN

    for entry in ENVS.values():
        print(json.dumps({"id": entry.id, "family": entry.family, "description": entry.description,
                          "reference_format": FAMILIES[entry.family].reference_format,
                          "origin": ORIGIN[entry.id]}))
    return 0


def _version() -> str:
    from rlvr import __version__

    return __version__


if __name__ == "__main__":
    sys.exit(main())
