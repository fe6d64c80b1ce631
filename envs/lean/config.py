"""`LeanConfig`: which checker backend runs, and its limits. Settings come from `RLVR_LEAN_*` env vars."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Literal

from rlvr.errors import ConfigError

Backend = Literal["static", "repl", "kimina"]
DEFAULT_AXIOMS = frozenset({"propext", "Classical.choice", "Quot.sound"})
# The header DeepSeek-Prover and Kimina-Prover use for miniF2F.
DEFAULT_HEADER = ("import Mathlib\nimport Aesop\n\nset_option maxHeartbeats 400000\n\n"
                  "open BigOperators Real Nat Topology Rat")


@dataclass(frozen=True)
class LeanConfig:
    """How Lean proofs are checked.

    Args:
        backend: `static` (no Lean: refutes certain non-proofs, otherwise `unverified`), `repl` (a pool
            of leanprover-community `repl` processes) or `kimina` (a kimina-lean-server over HTTP).
        repl_cmd: the command that starts a REPL, e.g. `("lake", "exe", "repl")`, run in `repl_cwd`
            (a Lake project that has Mathlib built).
        timeout_s: wall-clock limit for checking one proof (all of its REPL commands or its HTTP call).
        header_timeout_s: limit for loading a header (`import Mathlib` takes tens of seconds).
        queue_timeout_s: how long a check may wait for a free REPL process (batches queue here).
        max_processes: REPL processes alive at once, across headers.
        max_uses: proofs one REPL process checks before it is replaced (REPL memory grows per command).
        memory_limit_mb: a REPL process whose resident memory exceeds this after a proof is replaced.
        address_space_limit_mb: optional hard RLIMIT_AS on each REPL process (Lean maps .olean files
            into memory, so set it well above the size of Mathlib's oleans, or leave it None).
        allowed_axioms: the axioms a proof may depend on.
        max_code_chars: Lean code (after taking the last fenced block) longer than this is refused as
            `wrong` before any parsing; it bounds the static scan's cost (about 0.5 ms per KB).
    """

    backend: Backend = "static"
    repl_cmd: tuple[str, ...] = ()
    repl_cwd: str | None = None
    kimina_url: str | None = None
    kimina_api_key: str | None = None
    kimina_endpoint: Literal["api/check", "verify"] = "api/check"
    timeout_s: float = 60.0
    header_timeout_s: float = 600.0
    queue_timeout_s: float = 600.0
    max_processes: int = 2
    max_uses: int = 200
    memory_limit_mb: int = 16_384
    address_space_limit_mb: int | None = None
    allowed_axioms: frozenset[str] = DEFAULT_AXIOMS
    max_code_chars: int = 100_000

    def __post_init__(self) -> None:
        object.__setattr__(self, "repl_cmd", tuple(self.repl_cmd))
        object.__setattr__(self, "allowed_axioms", frozenset(self.allowed_axioms))
        if self.backend not in ("static", "repl", "kimina"):
            raise ConfigError(f"backend must be 'static', 'repl' or 'kimina', got {self.backend!r}")
        if self.backend == "repl" and not self.repl_cmd:
            raise ConfigError("the repl backend needs repl_cmd (RLVR_LEAN_REPL_CMD), e.g. 'lake exe repl' "
                              "run in a Lake project with Mathlib (RLVR_LEAN_REPL_CWD)")
        if self.backend == "kimina" and not self.kimina_url:
            raise ConfigError("the kimina backend needs kimina_url (RLVR_LEAN_KIMINA_URL), "
                              "e.g. http://localhost:8000")
        if self.kimina_endpoint not in ("api/check", "verify"):
            raise ConfigError(f"kimina_endpoint must be 'api/check' or 'verify', "
                              f"got {self.kimina_endpoint!r}")
        for name in ("timeout_s", "header_timeout_s", "queue_timeout_s"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be > 0, got {getattr(self, name)}")
        for name in ("max_processes", "max_uses", "memory_limit_mb", "max_code_chars"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LeanConfig:
        """Read `RLVR_LEAN_BACKEND`, `RLVR_LEAN_REPL_CMD` (shell-quoted), `RLVR_LEAN_KIMINA_URL` and the
        other fields as `RLVR_LEAN_<FIELD>`; unset ones keep their defaults."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(f"RLVR_LEAN_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, raw)
        return cls(**values)  # type: ignore[arg-type]


_INT_FIELDS = ("max_processes", "max_uses", "memory_limit_mb", "address_space_limit_mb", "max_code_chars")


def _convert(name: str, raw: str) -> object:
    try:
        if name == "repl_cmd":
            return tuple(shlex.split(raw))
        if name == "allowed_axioms":
            return frozenset(part.strip() for part in raw.split(",") if part.strip())
        if name in ("timeout_s", "header_timeout_s", "queue_timeout_s"):
            return float(raw)
        if name in _INT_FIELDS:
            return int(raw)
    except ValueError:
        raise ConfigError(f"RLVR_LEAN_{name.upper()}={raw!r} is not a valid {name}") from None
    return raw
