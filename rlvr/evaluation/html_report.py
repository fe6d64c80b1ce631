"""report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) with a table per env,
the pass@k curves, a reward histogram and length against reward, and a sample of completions per status."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from rlvr.evaluation.rollouts import RolloutRecord
from rlvr.evaluation.svg import bar_chart, line_chart, scatter

EXAMPLES_PER_STATUS = 3
HISTOGRAM_BINS = 10
STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { display: inline-block; margin: 0.5em 1em 0.5em 0; }
figcaption { font-size: 0.85em; color: #555; text-align: center; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 0.5em; max-height: 20em; overflow: auto; }
.status { font-weight: bold; }
"""


def render(report: Mapping[str, Any], records: Sequence[RolloutRecord]) -> str:
    """The whole page for a report.json and its rollouts."""
    by_env: dict[str, list[RolloutRecord]] = defaultdict(list)
    for record in records:
        by_env[record.env].append(record)
    envs = report["envs"]
    body = [f"<h1>rlvr eval: {escape(str(report['model']))}</h1>", _run_line(report), _summary_table(envs),
            _pass_curves(envs)]
    for env, summary in envs.items():
        body.append(_env_section(env, summary, by_env.get(env, [])))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<link rel=\"icon\" href=\"data:,\">"
            f"<title>rlvr eval: {escape(str(report['model']))}</title><style>{STYLE}</style></head>\n"
            f"<body>\n{chr(10).join(body)}\n</body></html>\n")


def _run_line(report: Mapping[str, Any]) -> str:
    sampling = ", ".join(f"{k}={v}" for k, v in report.get("sampling", {}).items())
    return (f"<p>rlvr {escape(str(report['rlvr_version']))}; seed {escape(str(report['seed']))}; "
            f"{escape(str(report['samples']))} samples per task; {escape(sampling)}; "
            f"scored {escape(str(report.get('scored_by', '')))}</p>")


def _summary_table(envs: Mapping[str, Mapping[str, Any]]) -> str:
    rows = []
    for env, s in envs.items():
        k = s["samples"]
        timing = s.get("timing", {})
        cells = [str(s["n"]), str(k), _pm(s, "mean_reward"), _pm(s, "pass@1"), _pm(s, f"pass@{k}"),
                 _pm(s, f"maj@{k}"), _num(s["null_rate"]), _num(s["mean_length"], "{:.1f}"),
                 _num(s["truncated_frac"]), _num(timing.get("s_per_completion"), "{:.3f}"),
                 _num(timing.get("score_share"))]
        rows.append(f"<tr><td>{escape(env)}</td>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = ("env", "tasks", "K", "mean reward", "pass@1", "pass@K", "maj@K", "null rate", "mean length",
            "truncated", "s / completion", "scoring share")
    return ("<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>\n" + "\n".join(rows) + "</table>"
            "<p>± is the standard error over tasks. pass@k is the unbiased estimator (Chen et al. 2021) over the "
            "completions that got a verdict; the null rate counts checks that reached none.</p>")


def _pass_curves(envs: Mapping[str, Mapping[str, Any]]) -> str:
    series = {env: [(float(k), s[f"pass@{k}"]) for k in range(1, s["samples"] + 1) if s.get(f"pass@{k}") is not None]
              for env, s in envs.items()}
    return line_chart(series, x_label="k", y_label="pass@k", title="pass@k against k")


def _env_section(env: str, summary: Mapping[str, Any], records: Sequence[RolloutRecord]) -> str:
    statuses = "".join(f"<tr><td>{escape(status)}</td><td>{count}</td></tr>"
                       for status, count in summary.get("statuses", {}).items())
    rewards = [r.reward for r in records]
    lengths = [(float(r.completion_tokens), r.reward) for r in records
               if r.reward is not None and r.completion_tokens is not None]
    plots = [bar_chart(_histogram(rewards), x_label="reward", y_label="completions", title=f"{env}: rewards"),
             scatter(lengths, x_label="completion tokens", y_label="reward", title=f"{env}: length against reward")]
    return (f"<h2>{escape(env)}</h2>\n<table><tr><th>status</th><th>completions</th></tr>{statuses}</table>\n"
            + "\n".join(plots) + "\n" + _examples(env, records))


def _histogram(rewards: Sequence[float | None]) -> list[tuple[str, float]]:
    """Counts per reward bin, with the checks that reached no verdict as a bar of their own."""
    bins = [0] * HISTOGRAM_BINS
    for reward in rewards:
        if reward is not None:
            bins[min(int(reward * HISTOGRAM_BINS), HISTOGRAM_BINS - 1)] += 1
    labels = [f"{i / HISTOGRAM_BINS:.1f}" for i in range(HISTOGRAM_BINS - 1)] + ["0.9-1"]
    return [("null", float(sum(r is None for r in rewards))), *zip(labels, map(float, bins), strict=True)]


def _examples(env: str, records: Sequence[RolloutRecord]) -> str:
    """Up to EXAMPLES_PER_STATUS completions of each status, drawn at a fixed seed (the page is reproducible)."""
    by_status: dict[str, list[RolloutRecord]] = defaultdict(list)
    for record in records:
        by_status[record.status].append(record)
    rng = random.Random(f"rlvr-eval-report/{env}")
    parts = []
    for status in sorted(by_status):
        chosen = rng.sample(by_status[status], min(EXAMPLES_PER_STATUS, len(by_status[status])))
        parts += [_example(record) for record in chosen]
    return "<h3>Completions by status</h3>\n" + "\n".join(parts)


def _example(record: RolloutRecord) -> str:
    return (f"<details><summary><span class=\"status\">{escape(record.status)}</span> "
            f"(reward {escape(str(record.reward))}) task {escape(record.task_id)}, sample {record.sample}: "
            f"{escape(record.reason)}</summary>\n<p>prompt</p><pre>{escape(record.prompt)}</pre>\n"
            f"<p>completion</p><pre>{escape(record.completion)}</pre></details>")


def _pm(summary: Mapping[str, Any], key: str) -> str:
    value, se = summary.get(key), summary.get(f"{key}_se")
    if value is None:
        return "–"
    return f"{value:.3f}" + (f" ± {se:.3f}" if se is not None else "")


def _num(value: float | None, fmt: str = "{:.3f}") -> str:
    return "–" if value is None else fmt.format(value)
