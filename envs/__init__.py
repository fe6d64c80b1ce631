"""Gymnasium text environments, one folder per family (env, verifier, grammar, generators, data).

Importing `rlvr` registers them all from the core table, `rlvr.registry`.
"""

from rlvr.envs.base import Task, TaskSource, TextEnv, UnicodeText

__all__ = ["Task", "TaskSource", "TextEnv", "UnicodeText"]
