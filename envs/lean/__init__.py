"""`rlvr/Lean-v0`: Lean 4 theorem proving (see docs/envs/lean.md)."""

from rlvr.envs.lean.env import LeanEnv
from rlvr.envs.lean.tasks import LeanTasks, builtin_tasks, load_jsonl, task_from_record

__all__ = ["LeanEnv", "LeanTasks", "builtin_tasks", "load_jsonl", "task_from_record"]
