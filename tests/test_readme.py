"""The README's ten-line example runs as written and prints what its comments promise."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_runs_and_scores_the_completion() -> None:
    example = re.search(r"## In ten lines\n\n```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert example, "README lost its ten-line example"
    run = subprocess.run([sys.executable, "-c", example.group(1)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("1.0 correct")
