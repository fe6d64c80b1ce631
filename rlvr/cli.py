"""The `rlvr` command. Each subcommand lives beside the code it drives and is listed in COMMANDS.

A command module exposes `add_parser(subparsers)`, which adds its parser and sets `func(args) -> int`.
Modules are imported only to build the parser, so heavy imports belong inside `func`.

Exit codes, for every command: 0 done; 1 done, and what was checked failed (a check with no verdict, a failing
audit, a failing program); 2 the command could not run as asked (a usage error, bad input, a missing file or
service). An error is one line on stderr, `rlvr: error: ...`, that says what to do: commands raise
`RlvrError` (usage errors as `ConfigError`) and `main` prints it, so no command prints a traceback for a
mistake of its caller.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

COMMANDS: tuple[str, ...] = (
    "rlvr.cli_verify",
    "rlvr.qa.cli",
    "rlvr.evaluation.cli",
    "rlvr.server.cli",
    "rlvr.trainer.cli",
    "rlvr.sandbox.cli",
)


USAGE_ERROR = 2


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line that points at `--help` (subcommands inherit it)."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}; see `{self.prog} --help`\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="rlvr", description="Reinforcement learning with verifiable rewards.",
                    epilog="Exit codes: 0 done; 1 done, and what was checked failed; 2 the command could not run "
                    "(the one-line error on stderr says why).")
    parser.add_argument("--version", action="version", version=f"rlvr {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    envs = subparsers.add_parser("envs", help="list the registered environments",
                                 description="Print one JSON object per registered env: its id, family, "
                                 "description, reference format, origin and difficulty levels (`set_difficulty`).")
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
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Run a parsed command: its exit code, or the one-line error and 2 when it raised an `RlvrError`."""
    from rlvr.errors import RlvrError

    try:
        return int(args.func(args) or 0)
    except RlvrError as exc:
        print(f"rlvr: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return USAGE_ERROR


def env_hint(env_id: str) -> str:
    """The error for an env id that is not registered, with the close ones (never a dump of every id)."""
    from rlvr.reasoning_gym_catalog import LEFT_OUT
    from rlvr.reasoning_gym_catalog import env_id as reasoning_gym_id
    from rlvr.registry import ENVS

    left_out = next((name for name in LEFT_OUT if reasoning_gym_id(name) == env_id), None)
    if left_out is not None:
        return f"unknown env {env_id!r}: reasoning-gym's {left_out} is not served ({LEFT_OUT[left_out]})"
    close = difflib.get_close_matches(env_id, ENVS, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "`rlvr envs` lists the registered ids"
    return f"unknown env {env_id!r}; {hint}"


def parse_env_kwargs(items: list[str]) -> dict[str, dict[str, Any]]:
    """`--env-kwargs ENV=YAML` items as {env: kwargs}; a malformed one is a usage error that shows the form."""
    import yaml

    from rlvr.errors import ConfigError

    found: dict[str, dict[str, Any]] = {}
    for item in items:
        env, sep, text = item.partition("=")
        try:
            value = yaml.safe_load(text) if sep else None
        except yaml.YAMLError:
            value = None
        if not env or not isinstance(value, Mapping):
            raise ConfigError(f"--env-kwargs takes ENV=YAML mapping, e.g. 'rlvr/Math-v1={{level: 2}}'; got {item!r}")
        found.setdefault(env.strip(), {}).update(value)
    return found


def _list_envs(args: argparse.Namespace) -> int:
    from rlvr.registry import ENVS, FAMILIES, ORIGIN, difficulty_levels

    for entry in ENVS.values():
        print(json.dumps({"id": entry.id, "family": entry.family, "description": entry.description,
                          "reference_format": FAMILIES[entry.family].reference_format,
                          "origin": ORIGIN[entry.id], "levels": difficulty_levels(entry.id)}))
    return 0


def _version() -> str:
    from rlvr import __version__

    return __version__


if __name__ == "__main__":
    sys.exit(main())
