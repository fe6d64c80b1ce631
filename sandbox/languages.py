"""Languages are a table: what file the code goes in, how it is compiled (once per job) and run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rlvr.sandbox.limits import Limits, MiB


@dataclass(frozen=True)
class LanguageSpec:
    """How to run one language. Argument vectors use absolute paths and never go through a shell.

    `limit_overrides` apply on top of the caller's Limits for the run step; `compile_limits` bound the
    compiler (which needs far more memory than the program it builds).
    """

    name: str
    source: str
    run: tuple[str, ...]
    compile: tuple[str, ...] | None = None
    compile_limits: Limits | None = None
    limit_overrides: dict[str, Any] = field(default_factory=dict)
    inprocess: bool = False

    def limits_for(self, limits: Limits) -> Limits:
        return limits.replace(**self.limit_overrides) if self.limit_overrides else limits

    def to_wire(self, *, python: str | None = None) -> dict[str, Any]:
        """The dict the executor reads; `python` replaces the interpreter path (local backend)."""
        run = list(self.run)
        if python and run[0].endswith("/python3"):
            run[0] = python
        return {"source": self.source, "run": run, "compile": list(self.compile) if self.compile else None,
                "inprocess": self.inprocess}


# Python runs in a forked copy of the executor's own warm interpreter (no interpreter start per job:
# about 1 ms instead of 10), set up to look like `python3 main.py` run in the work dir: `__main__`,
# sys.argv, the work dir first on sys.path (so a harness passed in `files` can `import solution`), exit().
# PYTHON_SUBPROCESS starts a fresh interpreter instead (-E: ignore PYTHON* variables, -s: no user site).
PYTHON = LanguageSpec(name="python", source="main.py", run=("/usr/bin/python3", "-E", "-s", "-B", "main.py"),
                      inprocess=True)
PYTHON_SUBPROCESS = LanguageSpec(name="python-subprocess", source="main.py",
                                 run=("/usr/bin/python3", "-E", "-s", "-B", "main.py"))

CPP = LanguageSpec(
    name="cpp",
    source="main.cpp",
    compile=("/usr/bin/g++", "-std=c++17", "-O2", "-pipe", "-o", "main", "main.cpp"),
    compile_limits=Limits(wall_time_s=30, cpu_time_s=30, memory_bytes=2048 * MiB, processes=16,
                          output_bytes=64 * 1024, file_size_bytes=64 * MiB),
    run=("./main",),
)

LANGUAGES: dict[str, LanguageSpec] = {"python": PYTHON, "python-subprocess": PYTHON_SUBPROCESS, "cpp": CPP}
LANGUAGES["python3"] = PYTHON
LANGUAGES["c++"] = CPP
