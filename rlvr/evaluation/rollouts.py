"""The rollout record: one scored completion as a JSONL line, written by `rlvr eval` (and the trainer when asked)
and read back by `rlvr reverify`, which re-scores `completion` against `reference` with today's verifiers.

A line holds everything a re-score needs (env, reference, completion) and what the old score was (reward,
status, reason, env_version), so a file stays meaningful after the code that wrote it has changed.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rlvr.errors import ConfigError
from rlvr.evaluation.metrics import Sample, summarize
from rlvr.results import Status, VerifyResult

REQUIRED = ("env", "task_id", "reference", "completion", "reward", "status")


@dataclass(frozen=True)
class RolloutRecord:
    """One completion with its score. `sample` numbers the completions of one task (0..K-1); keys a reader does
    not know are kept in `extra` and written back, so a re-scored file loses nothing."""

    env: str
    task_id: str
    reference: Mapping[str, Any]
    completion: str
    reward: float | None
    status: str
    prompt: str = ""
    reason: str = ""
    env_version: str | None = None
    sample: int = 0
    completion_tokens: int | None = None
    truncated: bool | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    vote: str | None = None  # the answer's class among its task's samples (rlvr.evaluation.votes), when known
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def scored(cls, *, env: str, task_id: str, reference: Mapping[str, Any], prompt: str, completion: str,
               result: VerifyResult, **fields: Any) -> RolloutRecord:
        """A record of `completion` as `result` scored it; `fields` are the optional ones (sample, ...)."""
        return cls(env=env, task_id=task_id, reference=dict(reference), prompt=prompt, completion=completion,
                   reward=result.reward, status=result.status.value, reason=result.reason,
                   env_version=env_version(env), details=dict(result.details), **fields)

    def rescored(self, result: VerifyResult) -> RolloutRecord:
        """This completion as a new check scored it."""
        return dataclasses.replace(self, reward=result.reward, status=result.status.value, reason=result.reason,
                                   env_version=env_version(self.env), details=dict(result.details), vote=None)

    @property
    def answer(self) -> str | None:
        """The majority-vote key: the answer's class (`vote`, when the verifier compared the task's answers),
        else the verifier's extracted answer, else the completion's last non-empty line; None when the verdict
        was `no_answer` or there was none."""
        if self.reward is None or self.status == Status.NO_ANSWER.value:
            return None
        if self.vote is not None:
            return self.vote
        extracted = self.details.get("extracted")
        if isinstance(extracted, str) and extracted.strip():
            return extracted.strip()
        lines = [line.strip() for line in self.completion.splitlines() if line.strip()]
        return lines[-1] if lines else None

    def as_sample(self) -> Sample:
        return Sample(reward=self.reward, answer=self.answer, length=self.completion_tokens,
                      truncated=self.truncated, status=self.status)

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "extra"}
        return {**self.extra, **data, "reference": dict(self.reference), "details": dict(self.details)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RolloutRecord:
        missing = [key for key in REQUIRED if key not in data]
        if missing:
            raise ConfigError(f"a rollout record lacks {', '.join(missing)}")
        names = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        known = {key: value for key, value in data.items() if key in names}
        return cls(**known, extra={key: value for key, value in data.items() if key not in names})


def env_version(env: str) -> str | None:
    """The version of a Gymnasium id (`rlvr/Math-v1` -> `v1`): bumped whenever a reward's meaning changes."""
    head, sep, version = env.rpartition("-v")
    return f"v{version}" if sep and head and version.isdigit() else None


def write_rollouts(path: str | Path, records: Iterable[RolloutRecord], *, append: bool = False) -> Path:
    """Write (or append) one JSON line per record; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a" if append else "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
    return path


def read_rollouts(path: str | Path) -> list[RolloutRecord]:
    """The records of a rollouts JSONL file; a bad line is an error that names it."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read rollouts {path}: {exc.strerror or exc}") from None
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ConfigError("a rollout record must be a JSON object")
            records.append(RolloutRecord.from_dict(data))
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"{path}:{number}: not a rollout record: {exc}") from None
    return records


def summarize_rollouts(records: Iterable[RolloutRecord]) -> dict[str, dict[str, Any]]:
    """`metrics.summarize` per env, tasks grouped by task_id: the numbers report.json holds for these records."""
    by_env: dict[str, dict[str, list[Sample]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        by_env[record.env][record.task_id].append(record.as_sample())
    return {env: summarize(tasks) for env, tasks in by_env.items()}
