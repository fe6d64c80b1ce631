"""`rlvr/Code-v1` and `rlvr/CodeRepair-v1`: code with unit tests, verified in the sandbox (docs/envs/code.md)."""

from rlvr.envs.code.env import CodeEnv, CodeRepairEnv
from rlvr.envs.code.tasks import (
    CodeTasks,
    builtin_records,
    builtin_tasks,
    humaneval_task,
    load_jsonl,
    mbpp_task,
    stdio_task,
)

__all__ = ["CodeEnv", "CodeRepairEnv", "CodeTasks", "builtin_records", "builtin_tasks", "humaneval_task",
           "load_jsonl", "mbpp_task", "stdio_task"]
