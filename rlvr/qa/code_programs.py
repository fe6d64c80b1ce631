"""Tiny programs in every sandbox language, for the code attacks on stdin/stdout tasks: one that prints
nothing, one that prints a given text (to stdout or stderr), and a reference solution that prints one line more.

The extra line is printed at exit where the language has a hook for it (an ELF destructor, a Bash trap, Node's
`exit` event, Ruby's `at_exit`), so a solution that ends with `exit` cannot drop it. Python appends a `print`:
its in-process runner may leave without running `atexit`. Java, Go and Rust have no hook that fits around an
unknown `main`, so they get no such attack.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass


def _literal(text: str) -> str:
    """A double-quoted string literal for C, C++, Java, JavaScript, Go, Rust, Python and Ruby (ASCII text)."""
    if not text.isascii() or "#{" in text:
        raise ValueError(f"attack text must be plain ASCII without interpolation, got {text!r}")
    return json.dumps(text)


def _bash_printf(text: str) -> str:
    if "'" in text:
        raise ValueError(f"attack text for Bash must hold no single quote, got {text!r}")
    return "printf '%s\\n' " + " ".join(f"'{line}'" for line in text.split("\n"))


@dataclass(frozen=True)
class Dialect:
    """`prints(text, stderr)` is a whole program; `then_prints(solution, text)` the solution printing one more
    line (None: the language cannot)."""

    silent: str
    prints: Callable[[str, bool], str]
    then_prints: Callable[[str, str], str] | None


def _c_family(header: str) -> Dialect:
    def prints(text: str, stderr: bool) -> str:
        return f"{header}\nint main(void) {{ fputs({_literal(text)} \"\\n\", {'stderr' if stderr else 'stdout'}); " \
               "return 0; }\n"

    def then_prints(solution: str, text: str) -> str:
        return (f"#include <stdio.h>\n__attribute__((destructor)) static void rlvr_one_more_line(void) "
                f"{{ fputs({_literal(text)} \"\\n\", stdout); fflush(stdout); }}\n{solution}")

    return Dialect("int main(void) { return 0; }\n", prints, then_prints)


def _node(silent: str) -> Dialect:
    def prints(text: str, stderr: bool) -> str:
        return f"console.{'error' if stderr else 'log'}({_literal(text)});\n"

    def then_prints(solution: str, text: str) -> str:
        return f"process.on(\"exit\", () => {{ process.stdout.write({_literal(text)} + \"\\n\"); }});\n{solution}"

    return Dialect(silent, prints, then_prints)


def _python_prints(text: str, stderr: bool) -> str:
    return f"import sys\nprint({_literal(text)}, file=sys.{'stderr' if stderr else 'stdout'})\n"


def _java_prints(text: str, stderr: bool) -> str:
    return (f"public class Main {{\n    public static void main(String[] args) {{\n"
            f"        System.{'err' if stderr else 'out'}.println({_literal(text)});\n    }}\n}}\n")


def _go_prints(text: str, stderr: bool) -> str:
    return (f"package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\n"
            f"func main() {{ fmt.Fprintln(os.{'Stderr' if stderr else 'Stdout'}, {_literal(text)}) }}\n")


def _rust_prints(text: str, stderr: bool) -> str:
    return f"fn main() {{ {'eprintln' if stderr else 'println'}!(\"{{}}\", {_literal(text)}); }}\n"


def _bash_prints(text: str, stderr: bool) -> str:
    return _bash_printf(text) + (" >&2\n" if stderr else "\n")


def _ruby_prints(text: str, stderr: bool) -> str:
    return f"{'$stderr' if stderr else '$stdout'}.puts {_literal(text)}\n"


DIALECTS: dict[str, Dialect] = {
    "python": Dialect("import sys\nsys.stdin.read()\n", _python_prints,
                      lambda solution, text: f"{solution.rstrip()}\nprint({_literal(text)})\n"),
    "c": _c_family("#include <stdio.h>"),
    "cpp": _c_family("#include <cstdio>"),
    "java": Dialect("public class Main {\n    public static void main(String[] args) {\n    }\n}\n", _java_prints,
                    None),
    "javascript": _node("const nothing = 0;\n"),
    "typescript": _node("const nothing: number = 0;\n"),
    "go": Dialect("package main\n\nfunc main() {}\n", _go_prints, None),
    "rust": Dialect("fn main() {}\n", _rust_prints, None),
    "bash": Dialect("exit 0\n", _bash_prints,
                    lambda solution, text: f"trap \"{_bash_printf(text)}\" EXIT\n{solution}"),
    "ruby": Dialect("STDIN.read\n", _ruby_prints,
                    lambda solution, text: f"at_exit {{ $stdout.puts {_literal(text)} }}\n{solution}"),
}
