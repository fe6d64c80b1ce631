"""Sandboxed execution of untrusted code.

    from rlvr.sandbox import Sandbox, Limits
    with Sandbox(backend="docker") as box:
        result = box.run("print(input())", stdin="hi", limits=Limits(wall_time_s=2))
        assert result.status == "ok" and result.stdout == "hi\\n"

See docs/sandbox.md for the threat model, the limits and how to build the executor image.
"""

from __future__ import annotations

from rlvr.sandbox.errors import (
    DockerUnavailable,
    ExecutorStartError,
    ImageNotFound,
    LimitsError,
    SandboxClosed,
    SandboxError,
)
from rlvr.sandbox.languages import LANGUAGES, LanguageSpec
from rlvr.sandbox.limits import Limits
from rlvr.sandbox.result import ExecResult, ExecStatus
from rlvr.sandbox.sandbox import Job, Sandbox
from rlvr.sandbox.settings import SandboxSettings

__all__ = [
    "LANGUAGES",
    "DockerUnavailable",
    "ExecResult",
    "ExecStatus",
    "ExecutorStartError",
    "ImageNotFound",
    "Job",
    "LanguageSpec",
    "Limits",
    "LimitsError",
    "Sandbox",
    "SandboxClosed",
    "SandboxError",
    "SandboxSettings",
]
