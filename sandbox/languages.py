"""Languages are a table: what file the code goes in, how it is compiled (once per job) and run.

Every toolchain is a Debian package of the executor image (docker/Dockerfile); docs/sandbox.md lists the
versions. Argument vectors use absolute paths and never go through a shell; `/usr/bin/env NAME=value`
sets a variable for one tool without a shell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rlvr.sandbox.limits import Limits, MiB

HEAP = "{heap_mb}"  # in a run argv: the heap a managed runtime may grow to (half the memory limit), in MiB


@dataclass(frozen=True)
class LanguageSpec:
    """How to run one language.

    `limit_overrides` apply on top of the caller's Limits for the run step; `compile_limits` bound the
    compiler (which needs far more memory than the program it builds). `run` may hold HEAP, replaced by
    half the run's memory limit: a runtime that knows its heap limit fails with its own out-of-memory
    error instead of a failed allocation somewhere inside it. Half: the JVM's RLIMIT_DATA also counts its
    code cache, metaspace and every thread's stack (which is why -Xss stays at 8 MiB: the JVM gives that
    stack to each of its own threads too).
    """

    name: str
    source: str
    run: tuple[str, ...]
    compile: tuple[str, ...] | None = None
    compile_limits: Limits | None = None
    limit_overrides: dict[str, Any] = field(default_factory=dict)
    inprocess: bool = False

    @property
    def native(self) -> bool:
        """The build is one self-contained executable, `main` (so it can run from anywhere)."""
        return self.run == ("./main",)

    def limits_for(self, limits: Limits) -> Limits:
        return limits.replace(**self.limit_overrides) if self.limit_overrides else limits

    def run_argv(self, limits: Limits) -> list[str]:
        heap = str(max(16, limits.memory_bytes // 2 // MiB))
        return [arg.replace(HEAP, heap) for arg in self.run]

    def to_wire(self, *, python: str | None = None, limits: Limits | None = None) -> dict[str, Any]:
        """The dict the executor reads; `python` replaces the interpreter path (local backend); `limits` (the
        run's) fill in HEAP."""
        run = self.run_argv(limits or Limits())
        if python and run[0].endswith("/python3"):
            run[0] = python
        return {"source": self.source, "run": run, "compile": list(self.compile) if self.compile else None,
                "inprocess": self.inprocess}


def _compile_limits(memory_rlimit: str = "as", processes: int = 64) -> Limits:
    return Limits(wall_time_s=30, cpu_time_s=60, memory_bytes=2048 * MiB, processes=processes,
                  output_bytes=64 * 1024, file_size_bytes=128 * MiB, memory_rlimit=memory_rlimit)


# The JVM, Go's runtime and V8 reserve far more address space than they use (the JVM alone gigabytes for
# its heap, code cache and class space), so RLIMIT_AS would stop them at start: their memory limit is
# RLIMIT_DATA (private writable memory, what they really use) and, for the JVM and V8, a heap cap.
REAL_MEMORY = {"memory_rlimit": "data"}
# TypeScript is transpiled (types stripped, syntax checked), not type-checked: Debian carries no type
# declarations for Node, so a full `tsc` check would refuse every program that reads its input (esbuild,
# Bun and ts-node --transpile-only do the same). The script runs in `node -e`: no file of ours to plant.
TS_TRANSPILE = (
    "const fs=require('fs'),ts=require('typescript');"
    "const out=ts.transpileModule(fs.readFileSync('main.ts','utf8'),{reportDiagnostics:true,fileName:'main.ts',"
    "compilerOptions:{target:ts.ScriptTarget.ES2020,module:ts.ModuleKind.CommonJS}});"
    "const errors=(out.diagnostics||[]).filter(d=>d.category===ts.DiagnosticCategory.Error);"
    "for(const d of errors){const at=d.file?d.file.getLineAndCharacterOfPosition(d.start):null;"
    "console.error((at?`main.ts(${at.line+1},${at.character+1}): `:'')"
    "+ts.flattenDiagnosticMessageText(d.messageText,'\\n'))}"
    "if(errors.length)process.exit(1);fs.writeFileSync('main.js',out.outputText);"
)
NODE_RUN = ("/usr/bin/node", f"--max-old-space-size={HEAP}", "--stack-size=65500")

# Python runs in a forked copy of the executor's own warm interpreter (no interpreter start per job:
# about 1 ms instead of 10), set up to look like `python3 main.py` run in the work dir: `__main__`,
# sys.argv, the work dir first on sys.path (so a harness passed in `files` can `import solution`), exit().
# PYTHON_SUBPROCESS starts a fresh interpreter instead (-E: ignore PYTHON* variables, -s: no user site).
PYTHON = LanguageSpec(name="python", source="main.py", run=("/usr/bin/python3", "-E", "-s", "-B", "main.py"),
                      inprocess=True)
PYTHON_SUBPROCESS = LanguageSpec(name="python-subprocess", source="main.py",
                                 run=("/usr/bin/python3", "-E", "-s", "-B", "main.py"))
C = LanguageSpec(name="c", source="main.c", run=("./main",), compile_limits=_compile_limits(),
                 compile=("/usr/bin/gcc", "-std=gnu17", "-O2", "-pipe", "-o", "main", "main.c", "-lm"))
CPP = LanguageSpec(name="cpp", source="main.cpp", run=("./main",), compile_limits=_compile_limits(),
                   compile=("/usr/bin/g++", "-std=c++17", "-O2", "-pipe", "-o", "main", "main.cpp"))
JAVA = LanguageSpec(
    name="java", source="Main.java",
    compile=("/usr/bin/javac", "-J-XX:+UseSerialGC", "-J-XX:TieredStopAtLevel=1", "-J-Xss16m",
             "-encoding", "UTF-8", "-nowarn", "Main.java"),
    compile_limits=_compile_limits("data"),
    run=("/usr/bin/java", "-XX:+UseSerialGC", f"-Xmx{HEAP}m", "-Xss8m", "-XX:ErrorFile=/dev/null", "Main"),
    limit_overrides=REAL_MEMORY,
)
# Interpreted languages get a syntax check as their compile step, so that a syntax error is a compile error
# in every language (Python's is found when the code is compiled in the forked interpreter).
JAVASCRIPT = LanguageSpec(name="javascript", source="main.js", run=(*NODE_RUN, "main.js"),
                          compile=("/usr/bin/node", "--check", "main.js"), compile_limits=_compile_limits("data"),
                          limit_overrides=REAL_MEMORY)
TYPESCRIPT = LanguageSpec(name="typescript", source="main.ts", run=(*NODE_RUN, "main.js"),
                          compile=("/usr/bin/node", "-e", TS_TRANSPILE), compile_limits=_compile_limits("data"),
                          limit_overrides=REAL_MEMORY)
# `go build` finds its build cache under HOME (the job's work dir); cgo off: no C compiler per build.
GO = LanguageSpec(name="go", source="main.go", run=("./main",),
                  compile=("/usr/bin/env", "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false", "/usr/bin/go", "build",
                           "-o", "main", "main.go"),
                  compile_limits=_compile_limits("data", processes=128), limit_overrides=REAL_MEMORY)
RUST = LanguageSpec(name="rust", source="main.rs", run=("./main",), compile_limits=_compile_limits(),
                    compile=("/usr/bin/rustc", "--edition", "2021", "-O", "-o", "main", "main.rs"))
BASH = LanguageSpec(name="bash", source="main.sh", run=("/bin/bash", "main.sh"), compile=("/bin/bash", "-n", "main.sh"),
                    compile_limits=_compile_limits())
RUBY = LanguageSpec(name="ruby", source="main.rb", run=("/usr/bin/ruby", "main.rb"),
                    compile=("/usr/bin/ruby", "-c", "main.rb"), compile_limits=_compile_limits())

LANGUAGES: dict[str, LanguageSpec] = {spec.name: spec for spec in (
    PYTHON, PYTHON_SUBPROCESS, C, CPP, JAVA, JAVASCRIPT, TYPESCRIPT, GO, RUST, BASH, RUBY)}
ALIASES = {"python3": "python", "py": "python", "c++": "cpp", "js": "javascript", "node": "javascript",
           "ts": "typescript", "golang": "go", "rs": "rust", "sh": "bash", "rb": "ruby"}
LANGUAGES.update({alias: LANGUAGES[name] for alias, name in ALIASES.items()})
