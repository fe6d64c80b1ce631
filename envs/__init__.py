"""Gymnasium text environments. Importing `rlvr` registers them all (see `registry.ENVS`)."""

from rlvr.envs.base import Task, TaskSource, TextEnv, UnicodeText
from rlvr.envs.registry import ENVS, FAMILIES, register_all

__all__ = ["ENVS", "FAMILIES", "Task", "TaskSource", "TextEnv", "UnicodeText", "register_all"]
