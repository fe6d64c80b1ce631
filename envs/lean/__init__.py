"""`rlvr/Lean-v0`: Lean 4 theorem proving, and its verifier with three checker backends (`static`, `repl`,
`kimina`). See docs/envs/lean.md for what each backend guarantees and the exploits the static scan refuses."""

from rlvr.envs.lean.config import LeanConfig
from rlvr.envs.lean.env import LeanEnv
from rlvr.envs.lean.tasks import LeanTasks, builtin_tasks, load_jsonl, task_from_record
from rlvr.envs.lean.verifier import verify

__all__ = ["LeanConfig", "LeanEnv", "LeanTasks", "builtin_tasks", "load_jsonl", "task_from_record", "verify"]
