"""The one table of environments: it drives Gymnasium registration, `rlvr.verify` dispatch and `GET /envs`.

Entry points are strings, as in `gymnasium/envs/registration.py`, so `import rlvr` stays cheap: an env's
module is imported by `gym.make`, a verifier's module by its first use.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import gymnasium

from rlvr.errors import UnknownEnvError

RunsIn = Literal["worker", "inline"]


@dataclass(frozen=True)
class Family:
    """A task family: one pure verifier function shared by its envs and the server.

    `runs_in="worker"` sends checks to the killable process pool (CPU-bound checks that can hang, such
    as symbolic math); `"inline"` runs them in the caller, for verifiers that bound their own work
    (string checks, or code that the sandbox limits).
    """

    name: str
    verifier: str
    runs_in: RunsIn
    reference_format: str


@dataclass(frozen=True)
class EnvEntry:
    id: str
    entry_point: str
    family: str
    description: str
    kwargs: dict[str, Any] = field(default_factory=dict)


# Logic puzzles: one inline family per kind (constraint checks are cheap and bounded) and one env per kind.
LOGIC_ENVS: tuple[tuple[str, str, str, str], ...] = (
    ("rlvr/Sudoku-v1", "SudokuEnv", "sudoku", "Sudoku (4x4 to 9x9) with a unique solution."),
    ("rlvr/Countdown-v1", "CountdownEnv", "countdown", "Reach a target with the given numbers and + - * /."),
    ("rlvr/KnightsKnaves-v1", "KnightsKnavesEnv", "knights_knaves",
     "Knights always tell the truth, knaves always lie: say who is which (unique)."),
    ("rlvr/Zebra-v1", "ZebraEnv", "zebra", "Zebra puzzles: place attributes in houses from clues (unique)."),
    ("rlvr/NQueens-v1", "NQueensEnv", "nqueens", "Complete a partial n-queens placement."),
    ("rlvr/GraphColoring-v1", "GraphColoringEnv", "graph_coloring", "Color a graph properly with k colors."),
    ("rlvr/Maze-v1", "MazeEnv", "maze", "Walk a grid maze from S to G with U/D/L/R moves."),
    ("rlvr/Cryptarithm-v1", "CryptarithmEnv", "cryptarithm", "Letter-for-digit word additions (unique)."),
)
LOGIC_KINDS = tuple(kind for _, _, kind, _ in LOGIC_ENVS)

FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        Family(
            name="math",
            verifier="rlvr.verifiers.math:verify",
            runs_in="worker",
            reference_format='{"answer": "<gold: plain, LaTeX, $...$ or \\\\boxed{...}>"}',
        ),
        Family(
            name="lean",
            verifier="rlvr.verifiers.lean:verify",
            runs_in="inline",
            reference_format='{"statement": "theorem name (binders) : type := by sorry", '
            '"header": "<imports and options; default: import Mathlib ...>"}',
        ),
        *(
            Family(
                name=kind,
                verifier=f"rlvr.verifiers.logic.{kind}:verify",
                runs_in="inline",
                reference_format=f'{{"kind": "{kind}", ...the generated instance; see docs/envs/logic.md}}',
            )
            for kind in LOGIC_KINDS
        ),
        Family(
            name="code",
            verifier="rlvr.verifiers.code:verify",
            runs_in="inline",
            reference_format='{"prompt", "test", "entry_point"} (HumanEval) | {"asserts": [...]} (MBPP) | '
            '{"inputs": [...], "outputs": [...], "fn_name"?: ...} (stdin/stdout); see docs/envs/code.md',
        ),
        Family(
            name="logic",
            verifier="rlvr.verifiers.logic:verify",
            runs_in="inline",
            reference_format='{"kind": "<sudoku|countdown|...>", ...; see docs/envs/logic.md}',
        ),
    )
}

ENVS: dict[str, EnvEntry] = {
    entry.id: entry
    for entry in (
        EnvEntry(
            id="rlvr/Math-v1",
            entry_point="rlvr.envs.math:MathEnv",
            family="math",
            description="Procedural arithmetic, fractions, linear equations and word problems, "
            "or the user's own JSONL/Parquet/datasets files.",
        ),
        EnvEntry(
            id="rlvr/GSMSymbolic-v1",
            entry_point="rlvr.envs.math:MathEnv",
            family="math",
            description="GSM8K-style word problems with fresh numbers from reasoning-gym's gsm_symbolic "
            "generator (offline, endless).",
            kwargs={"reasoning_gym": "gsm_symbolic"},
        ),
        EnvEntry(
            id="rlvr/Lean-v0",
            entry_point="rlvr.envs.lean:LeanEnv",
            family="lean",
            description="Lean 4 + Mathlib theorem proving (38 built-in statements or miniF2F-style JSONL); "
            "checked by a Lean REPL or kimina-lean-server, else only statically (status unverified).",
        ),
        *(
            EnvEntry(id=env_id, entry_point=f"rlvr.envs.logic:{cls}", family=kind, description=text)
            for env_id, cls, kind, text in LOGIC_ENVS
        ),
        EnvEntry(
            id="rlvr/Code-v1",
            entry_point="rlvr.envs.code:CodeEnv",
            family="code",
            description="Python functions and stdin/stdout programs checked by unit tests in the sandbox "
            "(71 built-in problems, or HumanEval/MBPP/stdin-stdout JSONL).",
        ),
        EnvEntry(
            id="rlvr/CodeRepair-v1",
            entry_point="rlvr.envs.code:CodeRepairEnv",
            family="code",
            description="Multi-turn Code-v1: a failed attempt gets the failing test's message back, up to 3 turns.",
        ),
        EnvEntry(
            id="rlvr/Logic-v1",
            entry_point="rlvr.envs.logic:LogicMixEnv",
            family="logic",
            description="All eight logic puzzle families mixed by weight (equal by default).",
        ),
    )
}


# An id whose reward changed meaning moves to the next version (CHANGELOG.md, docs/contributing.md); the old id
# stays for one release, warns, and is scored as the new one (its old verdicts included false positives).
DEPRECATED: dict[str, str] = {
    entry.id.replace(f"-v{version}", f"-v{version - 1}"): entry.id
    for entry in ENVS.values()
    if (version := int(entry.id.rsplit("-v", 1)[1])) > 0
}


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


@cache
def load_verifier(family: str) -> Callable[..., Any]:
    """Import a family's verifier function from its `module:function` string."""
    module_name, _, attr = FAMILIES[family].verifier.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def register_all() -> None:
    """Register every env with Gymnasium, deprecated ids too (Gymnasium warns that they are out of date);
    safe to call more than once."""
    ids = {entry.id: entry for entry in ENVS.values()} | {old: ENVS[new] for old, new in DEPRECATED.items()}
    for env_id, entry in ids.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point=entry.entry_point, kwargs=dict(entry.kwargs))
