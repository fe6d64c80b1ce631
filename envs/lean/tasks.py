"""Lean tasks: the built-in statements and a loader for miniF2F-style JSONL.

A record holds `name`, `formal_statement` (a Lean 4 theorem, usually ending in `:= by sorry` or
`:= by`) and optionally `header` (imports and options; the Mathlib default otherwise),
`informal_statement` and any other fields, which go to the task's metadata.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from rlvr.envs.base import Task, TaskList
from rlvr.envs.lean.config import DEFAULT_HEADER
from rlvr.errors import InvalidReferenceError

SYSTEM_PROMPT = ("You are an expert in Lean 4 and Mathlib. Prove the theorem. Reply with the complete "
                 "theorem in a ```lean block, or with only the tactic proof that follows `:= by`.")
_TRAILING_PROOF = re.compile(r":=\s*(?:by)?\s*(?:sorry)?\s*$")


def statement_stub(formal_statement: str) -> str:
    """The statement as shown to the model: ends in `:= by`, with any placeholder `sorry` removed."""
    return _TRAILING_PROOF.sub("", formal_statement.rstrip()).rstrip() + " := by"


def task_from_record(record: Mapping[str, Any]) -> Task:
    """One Lean task from a miniF2F-style record."""
    missing = [key for key in ("name", "formal_statement") if not record.get(key)]
    if missing:
        raise InvalidReferenceError(f"Lean record lacks {', '.join(missing)}: {str(dict(record))[:200]}")
    header = str(record.get("header") or DEFAULT_HEADER).strip()
    statement = str(record["formal_statement"])
    prompt = f"Complete the following Lean 4 proof.\n\n```lean\n{header}\n\n{statement_stub(statement)}\n```"
    informal = record.get("informal_statement") or record.get("informal_prefix")
    if informal:
        prompt = f"{str(informal).strip()}\n\n{prompt}"
    extra = {k: v for k, v in record.items() if k not in ("name", "formal_statement", "header")}
    return Task(id=str(record["name"]), prompt=prompt, system_prompt=SYSTEM_PROMPT,
                reference={"statement": statement, "header": header, "name": str(record["name"])},
                metadata=extra)


LeanTasks = TaskList  # the Lean tasks of an env; a task's id is its record's `name`, unique in the set


def load_jsonl(path: str | Path, *, split: str | None = None) -> LeanTasks:
    """Tasks from a miniF2F-style JSONL file; `split` keeps only records whose `split` field matches."""
    return LeanTasks(_read(Path(path).read_text(encoding="utf-8"), str(path), split), name=_set_name(str(path), split))


def builtin_tasks(*, split: str | None = None) -> LeanTasks:
    """The statements shipped with rlvr (algebra, number theory, inequalities, counting)."""
    text = resources.files("rlvr.envs.lean").joinpath("data/statements.jsonl").read_text(encoding="utf-8")
    return LeanTasks(_read(text, "builtin statements", split), name=_set_name("the built-in statements", split))


def _set_name(origin: str, split: str | None) -> str:
    return origin if split is None else f"{origin} (split {split!r})"


def _read(text: str, origin: str, split: str | None) -> list[Task]:
    tasks = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise InvalidReferenceError(f"{origin}:{number} is not JSON") from None
        if split is None or record.get("split") == split:
            tasks.append(task_from_record(record))
    return tasks
