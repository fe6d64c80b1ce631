"""`rlvr/Code-v1` and `rlvr/CodeRepair-v1`: code with unit tests, run in the sandbox by a harness the candidate
cannot fool. See docs/envs/code.md for the reference formats, the comparison policy and the defenses."""

from rlvr.envs.code.config import CodeConfig
from rlvr.envs.code.env import CodeEnv, CodeRepairEnv
from rlvr.envs.code.extract import extract_code
from rlvr.envs.code.reference import Suite, parse_reference
from rlvr.envs.code.tasks import (
    CodeTasks,
    builtin_records,
    builtin_tasks,
    humaneval_task,
    load_jsonl,
    mbpp_task,
    stdio_task,
)
from rlvr.envs.code.verifier import verify

__all__ = ["CodeConfig", "CodeEnv", "CodeRepairEnv", "CodeTasks", "Suite", "builtin_records", "builtin_tasks",
           "extract_code", "humaneval_task", "load_jsonl", "mbpp_task", "parse_reference", "stdio_task", "verify"]
