"""Settings of the code verifier: how candidates are run and scored."""

from __future__ import annotations

from dataclasses import dataclass

from rlvr.errors import ConfigError


@dataclass(frozen=True)
class CodeConfig:
    """How candidates are run and scored.

    partial_credit: reward the fraction of tests passed (and run every test) instead of 1/0 with a
        stop at the first failure; a reference's own `partial_credit` field overrides it.
    test_timeout_s: wall time for one test (one `check(candidate)`, one assert, one stdin case).
    total_timeout_s: cap on the whole job, whatever the number of tests.
    memory_mb: memory limit of each test's process (address space, or private memory for the JVM, Go and
        Node: see rlvr.sandbox.languages); compilers get their language's own limits.
    output_bytes: the most a test's program may print (more: verdict output_limit).
    max_test_timeout_s, max_memory_mb, max_output_bytes: the most a reference's own `timeout_s`,
        `memory_mb` and `output_bytes` may ask for (larger values are clamped to these).
    max_tests: references with more tests are refused (they would not fit the time budget).
    """

    partial_credit: bool = False
    test_timeout_s: float = 6.0
    total_timeout_s: float = 60.0
    memory_mb: int = 1024
    output_bytes: int = 4 << 20
    max_test_timeout_s: float = 60.0
    max_memory_mb: int = 2048
    max_output_bytes: int = 16 << 20
    max_tests: int = 500

    def __post_init__(self) -> None:
        if not 0 < self.test_timeout_s <= 600:
            raise ConfigError(f"test_timeout_s must be in (0, 600], got {self.test_timeout_s}")
        if not self.test_timeout_s <= self.total_timeout_s <= 3600:
            raise ConfigError(f"total_timeout_s must be in [test_timeout_s, 3600], got {self.total_timeout_s}")
        if not 64 <= self.memory_mb <= self.max_memory_mb:
            raise ConfigError(f"memory_mb must be in [64, max_memory_mb], got {self.memory_mb}")
        if not 0 < self.test_timeout_s <= self.max_test_timeout_s:
            raise ConfigError(f"max_test_timeout_s must be >= test_timeout_s, got {self.max_test_timeout_s}")
        if not 1 <= self.output_bytes <= self.max_output_bytes:
            raise ConfigError(f"output_bytes must be in [1, max_output_bytes], got {self.output_bytes}")
        if self.max_tests < 1:
            raise ConfigError(f"max_tests must be >= 1, got {self.max_tests}")
