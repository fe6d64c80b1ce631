"""The end-of-run picture: reward, pass rate, KL, entropy, response length and wasted groups vs step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rlvr.trainer.metrics import read_metrics

PANELS = (
    ("reward_mean", "mean reward", "higher is better; masked (null) rewards excluded"),
    ("pass_rate", "pass rate", "share judged correct among completions that were judged"),
    ("kl", "KL to reference (k3)", "how far the policy moved; 0 when beta = 0 and no reference"),
    ("entropy", "token entropy", "exploration left (groups with signal only); ~0 means the policy stopped exploring"),
    ("completion_len", "response length (tokens)", "mean completion length"),
    ("zero_signal_frac", "groups without signal", "share of groups whose rewards were all equal"),
)


def plot_run(metrics_path: str | Path, out_path: str | Path | None = None) -> Path:
    """Draw the six panels (raw points and a moving average) into one PNG and return its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    records = read_metrics(metrics_path)
    out = Path(out_path) if out_path else Path(metrics_path).with_name("training.png")
    fig, axes = plt.subplots(2, 3, figsize=(15, 8), constrained_layout=True)
    for ax, (key, title, note) in zip(axes.flat, PANELS, strict=True):
        steps = [r["step"] for r in records if _number(r.get(key))]
        values = [float(r[key]) for r in records if _number(r.get(key))]
        ax.plot(steps, values, "o", ms=3, alpha=0.35, color="tab:blue")
        if values:
            ax.plot(steps, _smooth(values), "-", lw=2, color="tab:blue")
        else:  # entropy is measured only on groups with signal: a run without any has none to show
            ax.text(0.5, 0.5, "no data in this run", transform=ax.transAxes, ha="center", color="0.4")
        ax.set_title(title)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
        ax.text(0.01, 0.01, note, transform=ax.transAxes, fontsize=7, color="0.4", va="bottom")
    fig.suptitle(f"GRPO run: {Path(metrics_path).parent.name} ({len(records)} steps)")
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and value == value


def _smooth(values: list[float]) -> list[float]:
    """Trailing moving average over a window of about a tenth of the run."""
    window = max(1, len(values) // 10)
    return [sum(values[max(0, i - window + 1):i + 1]) / (i + 1 - max(0, i - window + 1))
            for i in range(len(values))]
