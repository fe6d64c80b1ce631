"""The end-of-run picture: reward, pass rate, KL, entropy, response length and wasted groups vs step, plus a
panel for each method the run used (sampling rounds, curriculum levels, update sparsity, ...)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rlvr.trainer.metrics import read_metrics


@dataclass(frozen=True)
class Panel:
    """One subplot: the metrics it draws (a name ending in "/" draws every metric under that prefix)."""

    keys: tuple[str, ...]
    title: str
    note: str
    always: bool = False  # drawn even when the run logged none of its keys


PANELS = (
    Panel(("reward_mean", "verifier_reward_mean"), "mean reward",
          "higher is better; masked (null) rewards excluded", True),
    Panel(("pass_rate",), "pass rate", "share judged correct among completions that were judged", True),
    Panel(("kl",), "KL to reference (k3)", "how far the policy moved; 0 when beta = 0 and no reference", True),
    Panel(("entropy",), "token entropy",
          "exploration left (groups with signal only); ~0 means the policy stopped exploring", True),
    Panel(("completion_len",), "response length (tokens)", "mean completion length", True),
    Panel(("zero_signal_frac",), "groups without signal", "share of groups whose rewards were all equal", True),
    Panel(("sampling_rounds", "generations"), "dynamic sampling", "rounds and completions spent per step"),
    Panel(("overlong_penalty",), "overlong penalty", "mean shaping penalty near the token budget"),
    Panel(("entropy_selected", "entropy_target", "entropy_reg_coef"), "entropy regulariser",
          "selected entropy, its anchor, the coefficient"),
    Panel(("level/",), "curriculum level", "difficulty level per env"),
    Panel(("sparsity", "sparsity/"), "update sparsity", "share of parameters unchanged in bf16 since start"),
    Panel(("eval/",), "periodic evaluation", "held-out pass@k per env"),
)


def plot_run(metrics_path: str | Path, out_path: str | Path | None = None) -> Path:
    """Draw the panels (raw points and a moving average per metric) into one PNG and return its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    records = read_metrics(metrics_path)
    out = Path(out_path) if out_path else Path(metrics_path).with_name("training.png")
    panels = [(panel, keys) for panel in PANELS if (keys := _keys(panel, records)) or panel.always]
    rows = math.ceil(len(panels) / 3)
    fig, axes = plt.subplots(rows, 3, figsize=(15, 4 * rows), constrained_layout=True, squeeze=False)
    steps = [r["step"] for r in records] or [0]
    for ax, (panel, keys) in zip(axes.flat, panels, strict=False):
        _draw(ax, panel, keys, records)
        ax.set_xlim(min(steps) - 0.5, max(steps) + 0.5)  # one step range for every panel, sparse ones too
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps are whole numbers
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.suptitle(f"GRPO run: {Path(metrics_path).parent.name} ({len(records)} steps)")
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def _keys(panel: Panel, records: list[dict[str, Any]]) -> list[str]:
    """The metrics of `panel` that the run logged, in a stable order."""
    logged = sorted({key for record in records for key, value in record.items() if _number(value)})
    return [key for want in panel.keys for key in logged
            if (key.startswith(want) if want.endswith("/") else key == want)]


def _draw(ax: Any, panel: Panel, keys: list[str], records: list[dict[str, Any]]) -> None:
    for index, key in enumerate(keys):
        steps = [r["step"] for r in records if _number(r.get(key))]
        values = [float(r[key]) for r in records if _number(r.get(key))]
        color = f"C{index}"
        ax.plot(steps, values, "o", ms=3, alpha=0.35, color=color)
        ax.plot(steps, _smooth(values), "-", lw=2, color=color, label=key)
    if not keys:  # entropy is measured only on groups with signal: a run without any has none to show
        ax.text(0.5, 0.5, "no data in this run", transform=ax.transAxes, ha="center", color="0.4")
    elif len(keys) > 1:
        ax.legend(fontsize=7)
    ax.set_title(panel.title)
    ax.set_xlabel("step")
    ax.grid(alpha=0.3)
    ax.text(0.01, 0.01, panel.note, transform=ax.transAxes, fontsize=7, color="0.4", va="bottom")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _smooth(values: list[float]) -> list[float]:
    """Trailing moving average over a window of about a tenth of the run."""
    window = max(1, len(values) // 10)
    return [sum(values[max(0, i - window + 1):i + 1]) / (i + 1 - max(0, i - window + 1))
            for i in range(len(values))]
