"""The user's own math problems: JSONL, Parquet, or a Hugging Face `datasets` object from local files.

No data is fetched from a hub. GSM8K-style golds (`...reasoning...\\n#### 72`) keep only what follows ####.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rlvr.envs.base import Task
from rlvr.envs.math.generator import INSTRUCTION
from rlvr.errors import ConfigError


@dataclass(frozen=True)
class MathDataset:
    """A fixed list of tasks; `len()` is the number of rows."""

    tasks: Sequence[Task]

    def __len__(self) -> int:
        return len(self.tasks)

    def __getitem__(self, index: int) -> Task:
        return self.tasks[index]

    def by_id(self, task_id: str) -> Task:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(f"no task with id {task_id!r}")

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]], *, name: str = "data", question_key: str = "question",
                  answer_key: str = "answer", id_key: str = "id") -> MathDataset:
        tasks = []
        for number, row in enumerate(rows):
            if question_key not in row or answer_key not in row:
                raise ConfigError(f"row {number} of {name} lacks {question_key!r} or {answer_key!r}; "
                                  "pass question_key=/answer_key= to name your columns")
            tasks.append(Task(
                id=str(row.get(id_key, f"{name}-{number}")),
                prompt=f"{row[question_key]}\n\n{INSTRUCTION}",
                reference={"answer": gold_from_solution(str(row[answer_key]))},
                metadata={"source": name},
            ))
        if not tasks:
            raise ConfigError(f"{name} has no rows")
        return cls(tasks)

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
