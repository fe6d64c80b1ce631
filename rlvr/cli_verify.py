"""`rlvr verify`: score one completion from the command line (handy for checking a reference format)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_CODES = ("Exit codes: 0 the check reached a verdict (correct, partial, wrong or no_answer: read `status`); "
              "1 it reached none (error, timeout, sandbox_error or unverified: the JSON says why); 2 the command "
              "could not run (bad JSON, an unknown env).")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("verify", help="verify one completion against a reference",
                                   description="Score one completion and print the result as JSON.",
                                   epilog=EXIT_CODES)
    parser.add_argument("env", help="env id, e.g. rlvr/Math-v1 (`rlvr envs` lists them)")
    parser.add_argument("--reference", required=True, help='reference as a JSON object, e.g. \'{"answer": "1/2"}\'')
    parser.add_argument("--completion", help="completion text (default: read stdin)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    import rlvr
    from rlvr.cli import env_hint
    from rlvr.errors import ConfigError
    from rlvr.registry import is_registered

    if not is_registered(args.env):
        raise ConfigError(env_hint(args.env))
    reference = _reference(args.reference)
    completion = args.completion if args.completion is not None else sys.stdin.read()
    result = rlvr.verify(args.env, completion=completion, reference=reference)
    print(json.dumps(result.to_dict()))
    return 0 if result.status.is_verdict else 1


def _reference(text: str) -> dict[str, Any]:
    from rlvr.errors import ConfigError

    try:
        reference = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"--reference is not JSON ({exc}); pass an object such as '{{\"answer\": \"1/2\"}}' "
                          "(`rlvr envs` shows each env's reference format)") from None
    if not isinstance(reference, dict):
        raise ConfigError(f"--reference must be a JSON object, got {type(reference).__name__}; "
                          "`rlvr envs` shows each env's reference format")
    return reference
