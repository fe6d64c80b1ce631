"""report.html opened in a real browser (headless Chromium): it renders, logs nothing to the console, fetches
nothing, and shows what the model wrote as text, never as markup."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from rlvr.evaluation.rollouts import summarize_rollouts
from rlvr.evaluation.run import Evaluation, write_outputs
from tests.evaluation.conftest import open_in_chromium


def build_report(records: list, out: Path) -> Path:
    # one check that reached no verdict, as a crashed sandbox would leave it
    broken = dataclasses.replace(records[0], task_id="t3", reward=None, status="timeout", reason="check overran")
    records = [*records, broken]
    envs = {env: {**s, "timing": {"generate_s": 2.0, "score_s": 0.5, "s_per_completion": 0.15, "score_share": 0.2}}
            for env, s in summarize_rollouts(records).items()}
    report = {"model": "tiny <model>", "rlvr_version": "0.1.0", "seed": 1, "samples": 4,
              "sampling": {"temperature": 1.0}, "scored_by": "in-process", "envs": envs}
    return write_outputs(Evaluation(report, records), out) / "report.html"


def test_report_html_is_one_self_contained_page(math_rollouts: list, tmp_path: Path) -> None:
    html = build_report(math_rollouts, tmp_path).read_text()
    assert "<script" not in html  # the model's <script> is shown escaped, and the page has none of its own
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "url(" not in html and "@import" not in html
    assert "&lt;script&gt;console.error(&#x27;xss&#x27;)&lt;/script&gt;" in html
    assert html.count("<svg") == 3  # pass@k curves, then a reward histogram and length against reward


def test_report_html_renders_in_chromium_without_console_errors(math_rollouts: list, tmp_path_factory) -> None:
    out = tmp_path_factory.mktemp("report-html")  # pytest keeps the last runs' folders: the screenshot stays
    page = build_report(math_rollouts, out)
    screenshot = out / "report.png"
    dom, console = open_in_chromium(page, screenshot)
    assert console == []
    assert "<svg" in dom and "rlvr/Math-v1" in dom and "pass@k against k" in dom
    assert "<img" not in dom  # the completion's <img onerror> stayed text
    assert screenshot.stat().st_size > 10_000, f"screenshot at {screenshot}"
    print(f"report screenshot: {screenshot}")


def test_the_console_check_sees_errors(tmp_path: Path) -> None:
    """The check above would catch a broken page: a console error and an uncaught exception are both seen."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><head><link rel=\"icon\" href=\"data:,\"></head><body>"
                    "<script>console.error('seen'); notDefined();</script></body></html>")
    _, console = open_in_chromium(page, tmp_path / "bad.png")
    assert any("seen" in line for line in console) and any("notDefined" in line for line in console)
