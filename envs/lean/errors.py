"""Errors of the Lean checkers; a broken check becomes a result with status `error` or `timeout`."""

from __future__ import annotations

from rlvr.errors import CheckFailed, CheckTimeout, InvalidReferenceError


class LeanError(CheckFailed):
    """A Lean checker could not reach a verdict."""


class LeanTimeout(LeanError, CheckTimeout):
    """A check overran its deadline (a REPL process that overruns is killed)."""


class ReplCrashed(LeanError):
    """The REPL process died, closed its output or wrote something that is not the protocol."""


class KiminaError(LeanError):
    """kimina-lean-server could not be reached or answered outside its documented API."""


class UntokenizableSource(InvalidReferenceError):
    """Lean source that the lexer cannot split into code, comments and literals with certainty
    (a candidate's is refused, a reference's is invalid)."""
