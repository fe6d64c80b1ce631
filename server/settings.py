"""Server settings: one frozen dataclass, read from `RLVR_*` environment variables."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

from rlvr.errors import ConfigError
from rlvr.registry import FAMILIES

PREFIX = "RLVR_"
# The longest check the server admits by default: a code job's wall limit (rlvr/Code-v1's total_timeout_s, 60 s,
# plus 5 s of set-up and up to 5 s for the judge's null run). Math and logic checks stop at RLVR_VERIFY_TIMEOUT_S.
DEFAULT_CODE_JOB_S = 70.0


@dataclass(frozen=True)
class Settings:
    """Limits and wiring of one server process. Every field can be set as `RLVR_<FIELD>` (upper case).

    `max_pending` bounds the items admitted but not yet verified (queued or running); a request that
    would exceed it gets 429 with `Retry-After`. `api_key` switches on bearer auth when non-empty.
    `sandbox_socket_dir` is a directory of sandbox executor sockets (the compose volume); when set,
    /readyz also needs an executor there to answer a ping, and the server's Runtime runs code on those executors
    (`sandbox_slots` connections each: at most the executors' RLVR_SLOTS).
    `warm_families` (comma-separated) are the worker families every worker imports before /readyz says ready, and
    again when it is replaced, so no check waits for an import (about 1 s for math); a family not named is imported
    by a worker at its first check of it (reasoning-gym's take seconds and most servers never see one).
    `ray_address` makes the server a stateless front for a verification fleet on that Ray cluster (docs/scaling.md):
    `ray_actors_per_node` verifier actors on each node, `sandbox_slots` code jobs per actor executor.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    api_key: str = ""
    workers: int = max(1, os.cpu_count() or 1)
    verify_timeout_s: float = 5.0
    max_body_bytes: int = 16 << 20
    max_batch: int = 1024
    max_completion_chars: int = 100_000
    max_pending: int = 4096
    retry_after_s: int = 1
    max_sessions: int = 1024
    session_ttl_s: float = 600.0
    default_env: str = "rlvr/Math-v1"
    sandbox_socket_dir: str = ""
    sandbox_slots: int = 8
    shutdown_grace_s: float = 0.0
    max_connections: int = 0
    header_timeout_s: float = 10.0
    ray_address: str = ""
    ray_actors_per_node: int = 1
    warm_families: str = "math"

    def __post_init__(self) -> None:
        for name in (
            "port",
            "workers",
            "max_body_bytes",
            "max_batch",
            "max_completion_chars",
            "max_pending",
            "retry_after_s",
            "sandbox_slots",
            "max_sessions",
            "ray_actors_per_node",
        ):
            if getattr(self, name) < 1:
                raise ConfigError(f"{PREFIX}{name.upper()} must be >= 1, got {getattr(self, name)}")
        for name in ("verify_timeout_s", "session_ttl_s", "header_timeout_s"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{PREFIX}{name.upper()} must be > 0, got {getattr(self, name)}")
        if self.max_batch > self.max_pending:
            raise ConfigError(
                f"{PREFIX}MAX_BATCH ({self.max_batch}) must not exceed {PREFIX}MAX_PENDING "
                f"({self.max_pending}), or a full-size batch could never be admitted"
            )
        for name in ("shutdown_grace_s", "max_connections"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{PREFIX}{name.upper()} must be >= 0 (0 derives it), got {getattr(self, name)}")
        unknown = sorted(set(self.warm_family_names) - set(FAMILIES))
        if unknown:
            raise ConfigError(f"{PREFIX}WARM_FAMILIES names unknown families {unknown}; the families are "
                              f"{', '.join(FAMILIES)}")
        if not self.shutdown_grace_s:
            object.__setattr__(self, "shutdown_grace_s", max(self.verify_timeout_s, DEFAULT_CODE_JOB_S) + 5.0)

    @property
    def warm_family_names(self) -> list[str]:
        return [name.strip() for name in self.warm_families.split(",") if name.strip()]

    @property
    def worker_preloads(self) -> tuple[str, ...]:
        """The verifier modules each worker imports at start (`warm_families` that run in workers)."""
        families = (FAMILIES[name] for name in self.warm_family_names)
        return tuple(family.verifier_module for family in families if family.runs_in == "worker")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read `RLVR_<FIELD>` variables; keyword overrides (e.g. from CLI flags) win."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in dataclasses.fields(cls):
            raw = environ.get(PREFIX + field.name.upper())
            if raw is not None:
                values[field.name] = _parse(field.name, raw, type(field.default))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _parse(name: str, raw: str, kind: type) -> object:
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name.upper()}={raw!r} is not a valid {kind.__name__}") from None
