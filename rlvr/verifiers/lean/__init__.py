"""Lean 4 theorem proving: one `verify`, three checker backends (`static`, `repl`, `kimina`).

See docs/envs/lean.md for what each backend guarantees and the exploits the static scan refuses.
"""

from rlvr.verifiers.lean.config import LeanConfig
from rlvr.verifiers.lean.verifier import verify

__all__ = ["LeanConfig", "verify"]
