"""Checkpoint folders on disk: writing, finding the newest cheaply, rotating, linking `final`, fresh run dirs.

A checkpoint is a `save_pretrained` folder plus `trainer_state.pt` (step, schedule, RNG, controllers),
`optimizer.pt` (AdamW moments: twice the model's size, so kept only where a resume needs it) and
`checkpoint.json` (the step, so `--resume latest` reads a few bytes per candidate instead of every state).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from rlvr.trainer.errors import CheckpointError

log = logging.getLogger(__name__)

STATE_FILE = "trainer_state.pt"
OPTIMIZER_FILE = "optimizer.pt"
INFO_FILE = "checkpoint.json"
RUN_FILES = ("metrics.jsonl", "final")


def write(path: Path, save_model: Callable[[Path], None], state: dict[str, Any],
          optimizer: dict[str, Any] | None) -> Path:
    """Write one checkpoint folder; `optimizer` None leaves the AdamW moments out."""
    remove(path)
    save_model(path)
    torch.save(state, path / STATE_FILE)
    if optimizer is not None:
        torch.save(optimizer, path / OPTIMIZER_FILE)
    (path / INFO_FILE).write_text(json.dumps({"step": int(state["step"]), "optimizer": optimizer is not None}))
    return path


def step_of(path: Path) -> int:
    """The step a checkpoint was saved at, from its small JSON file."""
    try:
        return int(json.loads((path / INFO_FILE).read_text())["step"])
    except (OSError, ValueError, KeyError) as exc:
        raise CheckpointError(f"{path} has no readable {INFO_FILE} ({exc}); pass a checkpoint-N folder") from None


def numbered(out_dir: Path) -> list[Path]:
    """The checkpoint-N folders of a run, oldest first."""
    found = [p for p in out_dir.glob("checkpoint-*") if p.name.rsplit("-", 1)[1].isdigit()]
    return sorted(found, key=lambda p: int(p.name.rsplit("-", 1)[1]))


def find(out_dir: Path, where: str) -> Path:
    """`where` is a checkpoint folder, or "latest" for the newest checkpoint-N (or final) in out_dir."""
    if where == "latest":
        candidates = [p for p in [*numbered(out_dir), out_dir / "final"] if (p / INFO_FILE).exists()]
        if not candidates:
            raise CheckpointError(f"no checkpoint with {INFO_FILE} in {out_dir}")
        return max(candidates, key=step_of)
    path = Path(where)
    if not (path / STATE_FILE).exists():
        raise CheckpointError(f"{path} is not a trainer checkpoint (no {STATE_FILE}); "
                              "pass a checkpoint-N folder or 'latest'")
    return path


def load(path: Path, device: torch.device) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The trainer state and, when the checkpoint kept it, the optimiser state."""
    state = torch.load(path / STATE_FILE, map_location=device, weights_only=False)
    opt_path = path / OPTIMIZER_FILE
    optimizer = torch.load(opt_path, map_location=device, weights_only=False) if opt_path.exists() else None
    return state, optimizer


def prune(out_dir: Path, keep: int, keep_optimizer_of: Path | None) -> list[Path]:
    """Delete all but the newest `keep` checkpoint-N folders (0: keep all), and the optimiser state of every
    checkpoint but `keep_optimizer_of` when it is given. A folder that `final` links to is never deleted."""
    protected = (out_dir / "final").resolve() if (out_dir / "final").is_symlink() else None
    existing = numbered(out_dir)
    doomed = [p for p in existing[:-keep] if p.resolve() != protected] if keep else []
    for path in doomed:
        shutil.rmtree(path)
    if keep_optimizer_of is not None:
        for path in existing:
            if path not in doomed and path != keep_optimizer_of:
                (path / OPTIMIZER_FILE).unlink(missing_ok=True)
    return doomed


def link_final(out_dir: Path, checkpoint: Path) -> Path:
    """Point `final` at `checkpoint` (same step, same weights) instead of writing a second copy."""
    final = out_dir / "final"
    remove(final)
    final.symlink_to(checkpoint.name, target_is_directory=True)
    return final


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def fresh_output_dir(path: Path) -> Path:
    """`path`, or the first free `path-2`, `path-3`, ... when `path` already holds a run: a new run never
    appends to an old run's metrics or overwrites its checkpoints."""
    if not _holds_run(path):
        return path
    number = 2
    while _holds_run(path.with_name(f"{path.name}-{number}")):
        number += 1
    fresh = path.with_name(f"{path.name}-{number}")
    log.warning("output_dir %s holds an earlier run; this run writes to %s "
                "(pass --resume latest to continue the earlier one)", path, fresh)
    return fresh


def _holds_run(path: Path) -> bool:
    return any((path / name).exists() for name in RUN_FILES) or bool(numbered(path))
