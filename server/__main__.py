"""`python -m rlvr.server [--host H] [--port P]`: `rlvr serve` without the other subcommands' imports."""

import sys

from rlvr.cli import Parser, run
from rlvr.server.cli import add_parser

_parser = Parser(prog="python -m rlvr.server")
add_parser(_parser.add_subparsers(dest="command"))
_args = _parser.parse_args(["serve", *sys.argv[1:]])
sys.exit(run(_args))
