"""One dataclass for every limit a job runs under."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from rlvr.sandbox.errors import LimitsError

MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What one job may use. Defaults suit a short competitive-programming style program.

    wall_time_s: wall-clock limit; the whole process group is killed when it runs out (status timeout).
    cpu_time_s: CPU seconds (RLIMIT_CPU; status timeout).
    memory_bytes: memory per process (status memory_limit): its address space (RLIMIT_AS), or with
        memory_rlimit="data" its private writable memory (RLIMIT_DATA), for runtimes that reserve far more
        address space than they use (the JVM, Go, V8); the container's memory cgroup bounds both.
    processes: processes and threads of the job's uid at once (RLIMIT_NPROC, docker backend only).
    output_bytes: bytes kept per stream (stdout, stderr); more kills the job (status output_limit).
    file_size_bytes: largest file the job may write (RLIMIT_FSIZE).
    open_files: file descriptors per process (RLIMIT_NOFILE).
    network: must stay False: executors have no network at all (`--network none`).
    """

    wall_time_s: float = 10.0
    cpu_time_s: float = 10.0
    memory_bytes: int = 512 * MiB
    processes: int = 64
    output_bytes: int = 1 * MiB
    file_size_bytes: int = 16 * MiB
    open_files: int = 64
    network: bool = False
    memory_rlimit: str = "as"

    def __post_init__(self) -> None:
        for name in ("wall_time_s", "cpu_time_s"):
            if not 0 < getattr(self, name) <= 3600:
                raise LimitsError(f"Limits.{name} must be in (0, 3600] seconds, got {getattr(self, name)}")
        for name, least in (("memory_bytes", 16 * MiB), ("processes", 1), ("output_bytes", 1),
                            ("file_size_bytes", 0), ("open_files", 4)):
            if int(getattr(self, name)) < least:
                raise LimitsError(f"Limits.{name} must be >= {least}, got {getattr(self, name)}")
        if self.memory_rlimit not in ("as", "data"):
            raise LimitsError(f"Limits.memory_rlimit must be 'as' or 'data', got {self.memory_rlimit!r}")
        if self.network:
            raise LimitsError("Limits.network=True is not supported: executors run with no network at all")

    def replace(self, **changes: Any) -> Limits:
        return dataclasses.replace(self, **changes)

    def to_wire(self) -> dict[str, Any]:
        """The dict the executor reads."""
        return {"wall_time_s": float(self.wall_time_s), "cpu_time_s": float(self.cpu_time_s),
                "memory_bytes": int(self.memory_bytes), "processes": int(self.processes),
                "output_bytes": int(self.output_bytes), "file_size_bytes": int(self.file_size_bytes),
                "open_files": int(self.open_files), "memory_rlimit": self.memory_rlimit}
