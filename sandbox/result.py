"""What happened to a job, and whose fault it was."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class ExecStatus(str, enum.Enum):
    """`ok`, `runtime_error`, `timeout`, `memory_limit` and `output_limit` describe the program.
    `sandbox_error` means the sandbox broke, not the program: never score it as the model's fault."""

    OK = "ok"
    RUNTIME_ERROR = "runtime_error"
    TIMEOUT = "timeout"
    MEMORY_LIMIT = "memory_limit"
    OUTPUT_LIMIT = "output_limit"
    SANDBOX_ERROR = "sandbox_error"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ExecResult:
    """The outcome of one job.

    stdout/stderr hold at most Limits.output_bytes each; `*_truncated` says when more was produced.
    `phase` is "compile" when a compiled language failed to build (status runtime_error, compiler
    messages in stderr), else "run". `reason` explains a non-ok status in a short sentence.
    """

    status: ExecStatus
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    wall_time_s: float = 0.0
    cpu_time_s: float = 0.0
    signal: int | None = None
    phase: str = "run"
    reason: str = ""
    max_rss_bytes: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", ExecStatus(self.status))

    @property
    def ok(self) -> bool:
        return self.status is ExecStatus.OK

    @property
    def truncated(self) -> bool:
        return self.stdout_truncated or self.stderr_truncated

    @classmethod
    def sandbox_error(cls, reason: str) -> ExecResult:
        return cls(status=ExecStatus.SANDBOX_ERROR, reason=reason)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> ExecResult:
        fields = cls.__dataclass_fields__
        return cls(**{key: value for key, value in data.items() if key in fields})

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["status"] = self.status.value
        return data
