"""The layers, read from the source's imports (AST; nothing is imported), at module level and inside functions.

- the verification core (rlvr/ but the face) imports no family, no server, no trainer and no face;
- the face (`rlvr/__init__.py`, the CLI, the HTTP client, the adapters, `rlvr qa`, `rlvr eval`) may import anything;
- envs/ imports neither server/ nor trainer/ nor the face;
- sandbox/ imports from rlvr only `rlvr.errors` and itself;
- server/ and trainer/ know each other only over HTTP.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAPPED = {"rlvr": "rlvr", "envs": "rlvr.envs", "sandbox": "rlvr.sandbox", "server": "rlvr.server",
          "trainer": "rlvr.trainer"}
FACE = ("rlvr", "rlvr.__main__", "rlvr.cli", "rlvr.cli_verify", "rlvr.client", "rlvr.adapters", "rlvr.qa",
        "rlvr.evaluation")
# layer: the layers it must not import
FORBIDDEN = {
    "core": {"envs", "server", "trainer", "face"},
    "envs": {"server", "trainer", "face"},
    "sandbox": {"core", "envs", "server", "trainer", "face"},
    "server": {"trainer"},
    "trainer": {"server"},
    "face": set(),
}
SANDBOX_MAY_IMPORT = {"rlvr.errors"}
# Violations that the Runtime work of issue 12 is removing; empty this as they go ("file:line imports module").
ALLOWED: set[str] = set()


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def layer(module: str) -> str:
    for name in ("envs", "sandbox", "server", "trainer"):
        if within(module, f"rlvr.{name}"):
            return name
    if module == "rlvr" or any(within(module, face) for face in FACE[1:]):
        return "face"
    return "core"


def source_modules() -> dict[str, Path]:
    """Every module of the project by its installed name (rlvr.envs.math.verifier for envs/math/verifier.py)."""
    modules = {}
    for folder, package in MAPPED.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            parts = parts[:-1] if parts[-1] == "__init__" else parts
            modules[".".join((package, *parts))] = path
    return modules


def imported(module: str, is_package: bool, tree: ast.AST, known: set[str]) -> list[tuple[int, str]]:
    """(line, module) for each import in the tree, relative ones resolved; `from pkg import name` counts as
    pkg.name when that is a module, else as pkg; `importlib.import_module("literal")` counts too."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")[: None if is_package else -1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, *([base] if base else [])])
            found += [(node.lineno, f"{base}.{a.name}" if f"{base}.{a.name}" in known else base) for a in node.names]
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None))
              in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def violations(module: str, path: Path, known: set[str], source: str | None = None) -> list[str]:
    """"file:line imports module" for each import of `path` (or of `source`, read as that file) that its layer
    forbids."""
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source, filename=str(path))
    own = layer(module)
    bad = []
    for line, target in imported(module, path.name == "__init__.py", tree, known):
        if not within(target, "rlvr") or (own == "sandbox" and target in SANDBOX_MAY_IMPORT):
            continue
        if layer(target) in FORBIDDEN[own]:
            bad.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return bad


def all_violations() -> set[str]:
    modules = source_modules()
    return {v for module, path in modules.items() for v in violations(module, path, set(modules))}


def test_the_layers_hold() -> None:
    assert sorted(all_violations() - ALLOWED) == []


def test_the_allowed_list_has_no_fixed_entries() -> None:
    assert sorted(ALLOWED - all_violations()) == []


@pytest.mark.parametrize(("module", "code", "found"), [
    ("rlvr.dispatch", "from rlvr.envs.base import TextEnv", ["rlvr/dispatch.py:1 imports rlvr.envs.base"]),
    ("rlvr.dispatch", "def f():\n    from rlvr import server", ["rlvr/dispatch.py:2 imports rlvr.server"]),
    ("rlvr.dispatch", "import rlvr.trainer.loop", ["rlvr/dispatch.py:1 imports rlvr.trainer.loop"]),
    ("rlvr.dispatch", "from rlvr import verify", ["rlvr/dispatch.py:1 imports rlvr"]),
    ("rlvr.dispatch", "from rlvr.registry import ENVS\nfrom rlvr.sandbox import Sandbox", []),
    ("rlvr.envs.math.env", "from ...server import app", ["envs/math/env.py:1 imports rlvr.server.app"]),
    ("rlvr.envs.math.env", "from ..base import TextEnv\nfrom rlvr.dispatch import run_verifier", []),
    ("rlvr.envs.math.env", "import importlib\nimportlib.import_module('rlvr.trainer')",
     ["envs/math/env.py:2 imports rlvr.trainer"]),
    ("rlvr.sandbox.local", "from rlvr.errors import RlvrError\nfrom . import limits", []),
    ("rlvr.sandbox.local", "from rlvr.results import Status", ["sandbox/local.py:1 imports rlvr.results"]),
    ("rlvr.server.app", "from rlvr.trainer import grpo", ["server/app.py:1 imports rlvr.trainer.grpo"]),
    ("rlvr.trainer.rewards", "from rlvr.client import RewardClient\nfrom rlvr.envs.base import Task", []),
    ("rlvr.trainer.rewards", "from rlvr.server.models import VerifyIn",
     ["trainer/rewards.py:1 imports rlvr.server.models"]),
    ("rlvr.qa.runner", "from rlvr.server import create_app\nfrom rlvr.envs import base", []),
])
def test_the_checker_reads_imports(module: str, code: str, found: list[str]) -> None:
    modules = source_modules()
    assert violations(module, modules[module], set(modules), source=code) == found
