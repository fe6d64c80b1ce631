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
    memory_mb: address-space limit of each process of the job (C++ compilation needs about 512).
    max_tests: references with more tests are refused (they would not fit the time budget).
    """

    partial_credit: bool = False
    test_timeout_s: float = 6.0
    total_timeout_s: float = 60.0
    memory_mb: int = 1024
    max_tests: int = 500

    def __post_init__(self) -> None:
        if not 0 < self.test_timeout_s <= 600:
            raise ConfigError(f"test_timeout_s must be in (0, 600], got {self.test_timeout_s}")
        if not self.test_timeout_s <= self.total_timeout_s <= 3600:
            raise ConfigError(f"total_timeout_s must be in [test_timeout_s, 3600], got {self.total_timeout_s}")
        if self.memory_mb < 64:
            raise ConfigError(f"memory_mb must be >= 64, got {self.memory_mb}")
        if self.max_tests < 1:
            raise ConfigError(f"max_tests must be >= 1, got {self.max_tests}")
