"""The user's own math problems: JSONL, Parquet, or a Hugging Face `datasets` object from local files.

No data is fetched from a hub. GSM8K-style golds (`...reasoning...\\n#### 72`) keep only what follows ####.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rlvr.envs.base import Task, TaskList
from rlvr.envs.math.generator import INSTRUCTION
from rlvr.errors import ConfigError


class MathDataset(TaskList):
    """The rows of the user's file as tasks; a row's id is its `id` column, else `<file name>-<row number>`."""

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]], *, name: str = "data", question_key: str = "question",
                  answer_key: str = "answer", id_key: str = "id") -> MathDataset:
        tasks = []
        for number, row in enumerate(rows):
            if question_key not in row or answer_key not in row:
                raise ConfigError(f"row {number} of {name} lacks {question_key!r} or {answer_key!r}; "
                                  "pass question_key=/answer_key= to name your columns")
            row_id = row.get(id_key)
            tasks.append(Task(
                id=f"{name}-{number}" if row_id is None or row_id == "" else str(row_id),
                prompt=f"{row[question_key]}\n\n{INSTRUCTION}",
                reference={"answer": gold_from_solution(str(row[answer_key]))},
                metadata={"source": name},
            ))
        if not tasks:
            raise ConfigError(f"{name} has no rows")
        return cls(tasks, name=name)

    @classmethod
    def from_file(cls, path: str | Path, **keys: str) -> MathDataset:
        """Load `.jsonl` (one object per line) or `.parquet` (needs pyarrow)."""
        path = Path(path)
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            return cls.from_rows(pq.read_table(path).to_pylist(), name=path.stem, **keys)
        if path.suffix in (".jsonl", ".json"):
            with path.open(encoding="utf-8") as lines:
                rows = [json.loads(line) for line in lines if line.strip()]
            return cls.from_rows(rows, name=path.stem, **keys)
        raise ConfigError(f"unsupported data file {path.name}: use .jsonl or .parquet")

    @classmethod
    def from_hf(cls, dataset: Any, **keys: str) -> MathDataset:
        """From a `datasets.Dataset` the caller loaded from local files (any iterable of dict rows works)."""
        return cls.from_rows(iter(dataset), name=getattr(dataset, "info", None) and dataset.info.dataset_name
                             or "hf", **keys)


def gold_from_solution(answer: str) -> str:
    """GSM8K writes the reasoning then `#### 72`; the gold is what follows the last ####."""
    if "####" in answer:
        answer = answer.rsplit("####", 1)[1]
    return answer.strip().replace(",", "") if answer.strip().replace(",", "").isdigit() else answer.strip()
