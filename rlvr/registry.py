"""The one table of task families and their envs: it drives Gymnasium registration, `rlvr.verify`'s dispatch,
`rlvr envs` and `GET /envs`.

Entry points are strings (`"module:attribute"`), as in `gymnasium/envs/registration.py`, so the core imports
no family at import time: an env's module is imported by `gym.make`, a verifier's by its first check.
Other packages add rows through the `rlvr.envs` entry-point group (see `load_plugins` and docs/contributing.md).
"""

from __future__ import annotations

import importlib
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Literal

from rlvr import reasoning_gym_catalog
from rlvr.errors import ConfigError, UnknownEnvError

RunsIn = Literal["worker", "inline"]
PLUGIN_GROUP = "rlvr.envs"
_IMPORTING = threading.RLock()


def _require_entry_point(spec: str, what: str) -> None:
    module, colon, attr = spec.partition(":")
    if not (module and colon and attr.isidentifier()):
        raise ConfigError(f"{what}: entry point must be 'module:attribute', got {spec!r}")


@dataclass(frozen=True)
class Family:
    """A task family: one verifier function shared by its envs, the server and the trainer.

    `runs_in="worker"` sends checks to the killable process pool (CPU-bound checks that can hang, such as
    symbolic math); `"inline"` runs them on a thread lane, for verifiers that bound their own work (string
    checks, or code that the sandbox limits), each inline family on a lane of its own `lane_threads` threads, so
    its checks never wait behind another family's. `uses_runtime` verifiers get the `Runtime` as a keyword, for
    the live resources it owns (the sandbox, Lean backends); they must run inline.
    """

    name: str
    verifier: str
    runs_in: RunsIn
    reference_format: str
    uses_runtime: bool = False
    lane_threads: int = 8

    def __post_init__(self) -> None:
        if self.runs_in not in ("worker", "inline"):
            raise ConfigError(f"family {self.name!r}: runs_in must be 'worker' or 'inline', got {self.runs_in!r}")
        if self.uses_runtime and self.runs_in != "inline":
            raise ConfigError(f"family {self.name!r}: a verifier that uses the runtime must run inline")
        if not isinstance(self.lane_threads, int) or self.lane_threads < 1:
            raise ConfigError(f"family {self.name!r}: lane_threads must be an int >= 1, got {self.lane_threads!r}")
        _require_entry_point(self.verifier, f"family {self.name!r} verifier")

    @property
    def verifier_module(self) -> str:
        """The module a worker imports (once, outside any check's deadline) before its first check of this family."""
        return self.verifier.partition(":")[0]


@dataclass(frozen=True)
class EnvEntry:
    """One Gymnasium id: the env class that serves it, its family, and the kwargs it is made with."""

    id: str
    entry_point: str
    family: str
    description: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if "/" not in self.id:
            raise ConfigError(f"env id {self.id!r} needs a namespace, as in 'yourpkg/Name-v0'")
        _require_entry_point(self.entry_point, f"env {self.id!r}")


Row = Family | EnvEntry


def logic_kind(name: str, env_id: str, env_class: str, description: str) -> tuple[Family, EnvEntry]:
    """The row of one logic puzzle kind: its module `rlvr.envs.logic.<name>` holds the env and the verifier."""
    module = f"rlvr.envs.logic.{name}"
    return (Family(name, f"{module}:verify", "inline",
                   f'{{"kind": "{name}", ...the generated instance; see docs/envs/logic.md}}', lane_threads=4),
            EnvEntry(env_id, f"{module}:{env_class}", name, description))


LOGIC_ROWS: tuple[tuple[Family, EnvEntry], ...] = (
    logic_kind("sudoku", "rlvr/Sudoku-v1", "SudokuEnv", "Sudoku (4x4 to 9x9) with a unique solution."),
    logic_kind("countdown", "rlvr/Countdown-v1", "CountdownEnv", "Reach a target with the given numbers and + - * /."),
    logic_kind("knights_knaves", "rlvr/KnightsKnaves-v1", "KnightsKnavesEnv",
               "Knights always tell the truth, knaves always lie: say who is which (unique)."),
    logic_kind("zebra", "rlvr/Zebra-v1", "ZebraEnv", "Zebra puzzles: place attributes in houses from clues (unique)."),
    logic_kind("nqueens", "rlvr/NQueens-v1", "NQueensEnv", "Complete a partial n-queens placement."),
    logic_kind("graph_coloring", "rlvr/GraphColoring-v1", "GraphColoringEnv", "Color a graph properly with k colors."),
    logic_kind("maze", "rlvr/Maze-v1", "MazeEnv", "Walk a grid maze from S to G with U/D/L/R moves."),
    logic_kind("cryptarithm", "rlvr/Cryptarithm-v1", "CryptarithmEnv", "Letter-for-digit word additions (unique)."),
)
# The kinds `rlvr/Logic-v1` mixes and its verifier routes to (built-in ones only: a mix must not change with
# whatever plugins happen to be installed).
LOGIC_KINDS: tuple[str, ...] = tuple(family.name for family, _ in LOGIC_ROWS)
REASONING_GYM_ENV = "rlvr.envs.reasoning_gym:ReasoningGymEnv"

TABLE: tuple[Row, ...] = (
    Family("math", "rlvr.envs.math.verifier:verify", "worker",
           '{"answer": "<gold: plain, LaTeX, $...$ or \\\\boxed{...}>"}'),
    EnvEntry("rlvr/Math-v1", "rlvr.envs.math:MathEnv", "math",
             "Procedural arithmetic, fractions, linear equations and word problems, "
             "or the user's own JSONL/Parquet/datasets files."),
    EnvEntry("rlvr/GSMSymbolic-v1", "rlvr.envs.math:MathEnv", "math",
             "GSM8K-style word problems with fresh numbers from reasoning-gym's gsm_symbolic generator "
             "(offline, endless).", kwargs={"reasoning_gym": "gsm_symbolic"}),
    Family("lean", "rlvr.envs.lean.verifier:verify", "inline",
           '{"statement": "theorem name (binders) : type := by sorry", '
           '"header": "<imports and options; default: import Mathlib ...>"}', uses_runtime=True),
    EnvEntry("rlvr/Lean-v0", "rlvr.envs.lean:LeanEnv", "lean",
             "Lean 4 + Mathlib theorem proving (38 built-in statements or miniF2F-style JSONL); "
             "checked by a Lean REPL or kimina-lean-server, else only statically (status unverified)."),
    *(row for kind in LOGIC_ROWS for row in kind),
    Family("code", "rlvr.envs.code.verifier:verify", "inline",
           '{"prompt", "test", "entry_point"} (HumanEval) | {"asserts": [...]} (MBPP) | '
           '{"inputs": [...], "outputs": [...], "fn_name"?: ...} (stdin/stdout); see docs/envs/code.md',
           uses_runtime=True, lane_threads=32),  # a code check mostly waits on a sandbox slot
    EnvEntry("rlvr/Code-v1", "rlvr.envs.code:CodeEnv", "code",
             "Python functions and stdin/stdout programs checked by unit tests in the sandbox "
             "(71 built-in problems, or HumanEval/MBPP/stdin-stdout JSONL)."),
    EnvEntry("rlvr/CodeRepair-v1", "rlvr.envs.code:CodeRepairEnv", "code",
             "Multi-turn Code-v1: a failed attempt gets the failing test's message back, up to 3 turns."),
    Family("reasoning_gym", "rlvr.envs.reasoning_gym.verifier:verify", "worker",
           '{"dataset": "<reasoning-gym dataset>", "entry": {"question", "answer", "metadata"}, '
           '"partial_credit"?: bool}; see docs/envs/reasoning_gym.md'),
    EnvEntry(reasoning_gym_catalog.GENERIC_ID, REASONING_GYM_ENV, "reasoning_gym",
             "Any reasoning-gym dataset (dataset=NAME, level, knobs), scored strictly by its own checker."),
    *(EnvEntry(reasoning_gym_catalog.env_id(name), REASONING_GYM_ENV, "reasoning_gym",
               f"reasoning-gym's {name}, scored strictly by its own checker.", kwargs={"dataset": name})
      for name in reasoning_gym_catalog.CURRICULUM_LEVELS),
    Family("logic", "rlvr.envs.logic.mix:verify", "inline",
           '{"kind": "<sudoku|countdown|...>", ...; see docs/envs/logic.md}', lane_threads=4),
    EnvEntry("rlvr/Logic-v1", "rlvr.envs.logic:LogicMixEnv", "logic",
             "All eight logic puzzle families mixed by weight (equal by default)."),
)

FAMILIES: dict[str, Family] = {}
ENVS: dict[str, EnvEntry] = {}
# An id whose reward changed meaning moves to the next version (CHANGELOG.md, docs/contributing.md); the old id
# stays for one release, warns, and is scored as the new one (its old verdicts included false positives).
DEPRECATED: dict[str, str] = {}
# Where each row came from ("rlvr" or the plugin's distribution), for `rlvr envs` and error messages.
ORIGIN: dict[str, str] = {}
# The plugin entry points `load_plugins` has tried: (distribution, name, value).
_TRIED: set[tuple[str, str, str]] = set()


def add_rows(rows: Iterable[Row], *, origin: str) -> None:
    """Add families and envs to the table; every row is checked before any is added, and a name or id that is
    taken is refused (a plugin cannot replace a built-in env or another plugin's)."""
    rows = list(rows)
    families = {row.name: row for row in rows if isinstance(row, Family)}
    envs = {row.id: row for row in rows if isinstance(row, EnvEntry)}
    strays = [row for row in rows if not isinstance(row, (Family, EnvEntry))]
    if strays:
        raise ConfigError(f"{origin}: rows must be rlvr.registry.Family or EnvEntry, got {type(strays[0]).__name__}")
    for name in families:
        if name in FAMILIES:
            raise ConfigError(f"{origin}: family {name!r} is already registered by {ORIGIN[name]}")
    for env_id, entry in envs.items():
        if env_id in ENVS or env_id in DEPRECATED:
            raise ConfigError(f"{origin}: env {env_id!r} is already registered by {ORIGIN.get(env_id, 'rlvr')}")
        if entry.family not in families and entry.family not in FAMILIES:
            raise ConfigError(f"{origin}: env {env_id!r} names family {entry.family!r}, which no row defines")
    FAMILIES.update(families)
    ENVS.update(envs)
    ORIGIN.update(dict.fromkeys([*families, *envs], origin))


add_rows(TABLE, origin="rlvr")
DEPRECATED.update({
    entry.id.replace(f"-v{version}", f"-v{version - 1}"): entry.id
    for entry in ENVS.values()
    if (version := int(entry.id.rsplit("-v", 1)[1])) > 0
})


def load_plugins() -> list[str]:
    """Add the rows of every installed `rlvr.envs` entry point; returns the problems, one line each (each is
    also warned).

    An entry point names a sequence of rows (`Family` and `EnvEntry`) or a function returning one; a plugin's
    pyproject.toml says `[project.entry-points."rlvr.envs"]` then `toy = "rlvr_toy:ROWS"`. A plugin that fails
    to import, names something else, or claims a taken name or id is left out whole, with a warning: one
    broken package must not break `import rlvr`. Each entry point is tried once per process, so calling this
    again only picks up what was installed since; call `register_all()` after it for Gymnasium.
    """
    problems = []
    for point in entry_points(group=PLUGIN_GROUP):
        origin = _distribution(point)
        if (origin, point.name, point.value) in _TRIED:
            continue
        _TRIED.add((origin, point.name, point.value))
        try:
            add_rows(_rows_of(point.load()), origin=origin)
        except Exception as exc:  # noqa: BLE001 - any failure of a third-party package is reported, not raised
            problems.append(f"rlvr plugin {point.name} = {point.value!r} from {origin} was not loaded "
                            f"({type(exc).__name__}: {exc}); fix or uninstall {origin}")
    for problem in problems:
        warnings.warn(problem, RuntimeWarning, stacklevel=2)
    return problems


def _distribution(point: EntryPoint) -> str:
    """The name of the package that declares an entry point (its module when the metadata does not say)."""
    dist = getattr(point, "dist", None)
    return dist.name if dist is not None else point.value.partition(":")[0]


def _rows_of(loaded: Any) -> list[Row]:
    rows = loaded() if callable(loaded) else loaded
    if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Iterable):
        raise ConfigError(f"an {PLUGIN_GROUP} entry point must name a sequence of rlvr.registry.Family and "
                          f"EnvEntry rows or a function returning one, got {type(rows).__name__}")
    return list(rows)


def env_entry(env_id: str) -> EnvEntry:
    """The entry of a registered id; a deprecated id warns and gives its successor's entry."""
    if env_id in DEPRECATED:
        warnings.warn(f"{env_id} is deprecated and scored as {DEPRECATED[env_id]}, whose reward differs "
                      "(CHANGELOG.md); it will be removed in the next release", DeprecationWarning, stacklevel=3)
        env_id = DEPRECATED[env_id]
    try:
        return ENVS[env_id]
    except KeyError:
        known = ", ".join(sorted(ENVS))
        raise UnknownEnvError(f"unknown env {env_id!r}; registered envs: {known}") from None


def is_registered(env_id: str) -> bool:
    """A current or a deprecated id."""
    return env_id in ENVS or env_id in DEPRECATED


def family_of(env_id: str) -> Family:
    return FAMILIES[env_entry(env_id).family]


def load_verifier(family: str) -> Callable[..., Any]:
    """Import a family's verifier function from its `module:function` string."""
    return load_entry_point(FAMILIES[family].verifier)


def env_class(env_id: str) -> Any:
    """The class behind `env_id`, imported now rather than when the registry is; None, with a warning, when it
    does not import (listing the envs must survive one broken package, as `import rlvr` does)."""
    entry = env_entry(env_id)
    try:
        return load_entry_point(entry.entry_point)
    except (ImportError, AttributeError) as exc:
        warnings.warn(f"env {env_id}: cannot import {entry.entry_point} ({exc})", RuntimeWarning, stacklevel=2)
        return None


def difficulty_levels(env_id: str) -> list[int] | None:
    """The levels `set_difficulty` takes for `env_id` as registered (easiest first); None when its class does not
    say (a plugin's env that is no `TextEnv`)."""
    levels = getattr(env_class(env_id), "difficulty_levels", None)
    return list(levels(**env_entry(env_id).kwargs)) if levels is not None else None


def remote_kwargs(env_id: str) -> list[str]:
    """The constructor kwargs a client may set through the server for `env_id` (none when its class does not
    say: a kwarg may name a file of the server's, so only what the env declares safe is taken)."""
    allowed = getattr(env_class(env_id), "remote_kwargs", None)
    return sorted(allowed()) if allowed is not None else []


@cache
def load_entry_point(spec: str) -> Any:
    """The object a `module:attribute` string names, imported on first use. Imports take one lock: lanes start
    their families' first checks on threads of their own, and two threads importing modules that import each
    other (the logic mix and its kinds) raise `_DeadlockError` in one of them."""
    module_name, _, attr = spec.partition(":")
    with _IMPORTING:
        return getattr(importlib.import_module(module_name), attr)


def register_all() -> None:
    """Register every env with Gymnasium, deprecated ids too (Gymnasium warns that they are out of date);
    safe to call more than once."""
    import gymnasium

    ids = {entry.id: entry for entry in ENVS.values()} | {old: ENVS[new] for old, new in DEPRECATED.items()}
    for env_id, entry in ids.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point=entry.entry_point, kwargs=dict(entry.kwargs))
