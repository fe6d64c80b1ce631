"""Where step metrics go: a JSONL file always, TensorBoard and W&B when asked for and installed."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class MetricsLogger:
    """Appends one JSON object per step to `<out>/metrics.jsonl` and mirrors scalars to the sinks."""

    def __init__(self, out_dir: str | Path, *, tensorboard: bool = True, wandb_project: str | None = None,
                 config: Mapping[str, Any] | None = None):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.out_dir / "metrics.jsonl"
        self._file = self.path.open("a")
        self._tb = _tensorboard(self.out_dir / "tensorboard") if tensorboard else None
        self._wandb = _wandb(wandb_project, dict(config or {})) if wandb_project else None

    def log(self, step: int, metrics: Mapping[str, Any]) -> None:
        record = {"step": step, **{k: None if _nan(v) else v for k, v in metrics.items()}}  # JSON has no NaN
        self._file.write(json.dumps(record) + "\n")
        self._file.flush()
        scalars = {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float)) and v == v}
        if self._tb is not None:
            for key, value in scalars.items():
                self._tb.add_scalar(key, value, step)
        if self._wandb is not None:
            self._wandb.log(scalars, step=step)

    def text(self, step: int, tag: str, text: str) -> None:
        """A block of text (sample completions) for TensorBoard's text tab."""
        if self._tb is not None:
            self._tb.add_text(tag, text.replace("\n", "  \n"), step)  # markdown: two spaces keep line breaks

    def close(self) -> None:
        self._file.close()
        if self._tb is not None:
            self._tb.close()
        if self._wandb is not None:
            self._wandb.finish()


def _nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def read_metrics(path: str | Path) -> list[dict[str, Any]]:
    """The records of a metrics.jsonl; a resumed run's repeated steps keep their latest record."""
    by_step: dict[int, dict[str, Any]] = {}
    for line in Path(path).read_text().splitlines():
        if line.strip():
            record = json.loads(line)
            by_step[int(record["step"])] = record
    return [by_step[k] for k in sorted(by_step)]


def _tensorboard(folder: Path) -> Any:
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        log.warning("tensorboard is not installed; metrics go to metrics.jsonl only "
                    "(pip install tensorboard)")
        return None
    return SummaryWriter(str(folder))


def _wandb(project: str, config: dict[str, Any]) -> Any:
    try:
        import wandb
    except ImportError:
        log.warning("wandb_project is set but wandb is not installed (pip install wandb); skipping W&B")
        return None
    return wandb.init(project=project, config=config)
