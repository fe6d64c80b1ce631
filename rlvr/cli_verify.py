"""`rlvr verify`: score one completion from the command line (handy for checking a reference format)."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("verify", help="verify one completion against a reference")
    parser.add_argument("env", help="env id, e.g. rlvr/Math-v1")
    parser.add_argument("--reference", required=True, help='reference as JSON, e.g. \'{"answer": "1/2"}\'')
    parser.add_argument("--completion", help="completion text (default: read stdin)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    import rlvr

    completion = args.completion if args.completion is not None else sys.stdin.read()
    result = rlvr.verify(args.env, completion=completion, reference=json.loads(args.reference))
    print(json.dumps(result.to_dict()))
    return 0
