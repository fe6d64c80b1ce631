"""A few completions per step with their rewards and statuses, so a flat reward curve can be read.

With the reward at 0 for eight steps, the numbers alone cannot say whether every answer was wrong, unparsed
or cut at the token budget; the completions can. They are written as `rlvr.evaluation` rollout records (the
format of `rlvr eval`), so `rlvr reverify` can re-score a run's samples with today's verifiers.
"""

from __future__ import annotations

from pathlib import Path

from rlvr.evaluation.rollouts import RolloutRecord, write_rollouts
from rlvr.trainer.sampling import Batch


def pick_rows(rows: int, group_size: int, n: int) -> list[int]:
    """`n` rows spread over the groups: the first member of each group, then the second, and so on."""
    order = [g * group_size + i for i in range(group_size) for g in range(rows // group_size)]
    return order[:n]


def sample_records(step: int, batch: Batch, group_size: int, n: int) -> list[RolloutRecord]:
    """Up to `n` of the batch's completions; `extra` holds the step and the reward trained on (which differs
    from the verifier's `reward` under a reward control or overlong shaping)."""
    lengths = batch.rollout.loss_mask.sum(dim=1).tolist()
    records = []
    for row in pick_rows(len(batch.results), group_size, n):
        prompt = batch.prompts[row]
        trained = float(batch.rewards[row])
        records.append(RolloutRecord.scored(
            env=prompt.env_id, task_id=prompt.task.id, reference=prompt.task.reference, prompt=prompt.task.prompt,
            completion=batch.rollout.texts[row], result=batch.results[row], sample=row % group_size,
            completion_tokens=int(lengths[row]), truncated=not bool(batch.rollout.finished[row]),
            extra={"step": step, "trained_reward": None if trained != trained else trained}))
    return records


def render(record: RolloutRecord, width: int = 300) -> str:
    """One record as a short block of text for the progress output and TensorBoard."""
    cut = "; cut at the token budget" if record.truncated else ""
    completion = record.completion[:width] + ("…" if len(record.completion) > width else "")
    return (f"[step {record.extra.get('step')}] {record.env} {record.task_id}: reward {record.reward}, "
            f"{record.status} ({record.reason}; {record.completion_tokens} tokens{cut})\n{completion}")


class SampleLog:
    """Appends the records of each step to `<out>/samples.jsonl`."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / "samples.jsonl"

    def write(self, records: list[RolloutRecord]) -> None:
        write_rollouts(self.path, records, append=True)
