"""A few completions per step with their rewards and statuses, so a flat reward curve can be read.

With the reward at 0 for eight steps, the numbers alone cannot say whether every answer was wrong, unparsed
or cut at the token budget; the completions can.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rlvr.trainer.sampling import Batch


def pick_rows(rows: int, group_size: int, n: int) -> list[int]:
    """`n` rows spread over the groups: the first member of each group, then the second, and so on."""
    order = [g * group_size + i for i in range(group_size) for g in range(rows // group_size)]
    return order[:n]


def sample_records(step: int, batch: Batch, group_size: int, n: int) -> list[dict[str, Any]]:
    """Up to `n` of the batch's completions as plain records (prompt, completion, reward, status, reason)."""
    lengths = batch.rollout.completion_mask.sum(dim=1).tolist()
    records = []
    for row in pick_rows(len(batch.results), group_size, n):
        prompt, result = batch.prompts[row], batch.results[row]
        reward = float(batch.rewards[row])
        records.append({
            "step": step, "env": prompt.env_id, "task_id": prompt.task.id, "prompt": prompt.task.prompt,
            "completion": batch.rollout.texts[row], "reward": None if reward != reward else reward,
            "verifier_reward": result.reward, "status": str(result.status), "reason": result.reason,
            "tokens": int(lengths[row]), "truncated": not bool(batch.rollout.finished[row]),
        })
    return records


def render(record: dict[str, Any], width: int = 300) -> str:
    """One record as a short block of text for the progress output and TensorBoard."""
    cut = "; cut at the token budget" if record["truncated"] else ""
    completion = record["completion"][:width] + ("…" if len(record["completion"]) > width else "")
    return (f"[step {record['step']}] {record['env']} {record['task_id']}: reward {record['reward']}, "
            f"{record['status']} ({record['reason']}; {record['tokens']} tokens{cut})\n{completion}")


class SampleLog:
    """Appends the records of each step to `<out>/samples.jsonl`."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / "samples.jsonl"
        self._file = self.path.open("a")

    def write(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            self._file.write(json.dumps(record) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()
