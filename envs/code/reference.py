"""Read a code reference (HumanEval, MBPP-style asserts, or stdin/stdout cases) into one test suite.

Parsing only: nothing here runs code. `Suite.program(code)` composes what the sandbox runs and
`Suite.payload(...)` what the harness reads from its stdin.
"""

from __future__ import annotations

import builtins
import json
import keyword
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rlvr.errors import InvalidReferenceError
from rlvr.sandbox.languages import ALIASES
from rlvr.sandbox.languages import LANGUAGES as SANDBOX_LANGUAGES

Mode = Literal["call", "stdio"]
# Every language of the sandbox's table (python-subprocess is how the harness itself runs, not a task's).
LANGUAGES = tuple(name for name, spec in SANDBOX_LANGUAGES.items() if name == spec.name != "python-subprocess")
# A checker must be kept out of the candidate's reach once built: a Python code object, or one executable.
CHECKER_LANGUAGES = tuple(name for name in LANGUAGES if name == "python" or SANDBOX_LANGUAGES[name].native)
_CALLED = re.compile(r"(?<![.\w])([A-Za-z_]\w*)\s*\(")
_IDENT = re.compile(r"^[A-Za-z_]\w*$")


@dataclass(frozen=True)
class Suite:
    """The tests of one reference, in the shape the harness runs them.

    mode "call": `setup` (trusted reference code) runs in the judge process, `names` are bound there to
    proxies of the candidate's functions, and each test is test code (`{"code"}`) or a call with its
    expected value (`{"args", "expected"}`). mode "stdio": each test is `{"stdin", "expected"}`, judged by
    comparing outputs or by the `checker` program ({"language", "code"}). `test_timeout_s`, `memory_mb`
    and `output_bytes` are the reference's own limits (None: the verifier's; clamped to its maxima).
    """

    format: str
    mode: Mode
    tests: tuple[dict[str, Any], ...]
    language: str = "python"
    setup: str = ""
    names: tuple[str, ...] = ()
    replace_names: bool = False
    float_tol: float | None = None
    partial_credit: bool | None = None
    test_timeout_s: float | None = None
    memory_mb: int | None = None
    output_bytes: int | None = None
    checker: dict[str, str] | None = None
    prompt: str = ""
    entry_point: str = ""
    imports: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def defect(self) -> str | None:
        """Why these tests would pass a program that does nothing, read from the data alone (the judge
        finds the rest while it runs: a test that never calls the program, or one that checks nothing
        about what it returns). None when the data shows no such defect."""
        if self.mode == "stdio" and not self.checker and all(not test["expected"].strip() for test in self.tests):
            return "every expected output is empty, so a program that prints nothing passes"
        if self.format == "call" and all(test["expected"] in (None, [None]) for test in self.tests):
            return "every expected value is None, so a function that returns nothing passes"
        return None

    def program(self, code: str) -> str:
        """The candidate program: for HumanEval the prompt is prepended (a completion may be the body); an
        assert-style reference's imports too, as MBPP's own harness runs them with the program."""
        if self.format == "asserts":
            return "\n".join([*self.imports, code]) if self.imports else code
        if self.format != "humaneval":
            return code
        defines = re.search(rf"^(?:async\s+)?def\s+{re.escape(self.entry_point)}\s*\(", code, re.M)
        if not defines:
            lines = code.splitlines()
            first = next((line for line in lines if line.strip()), "")
            if first and not first[0].isspace():  # a body written flush left
                code = "\n".join("    " + line if line.strip() else line for line in lines)
        prompt = self.prompt if self.prompt.endswith("\n") else self.prompt + "\n"
        return prompt + ("\n" if defines else "") + code + "\n"


def parse_reference(reference: Mapping[str, Any]) -> Suite:
    """Recognise the reference's format by its fields; raise InvalidReferenceError when it has none."""
    if not isinstance(reference, Mapping):
        raise InvalidReferenceError(f"a code reference must be an object, got {type(reference).__name__}")
    if "test" in reference and "entry_point" in reference:
        suite = _humaneval(reference)
    elif "asserts" in reference or "test_list" in reference:
        suite = _asserts(reference)
    elif any(key in reference for key in ("inputs", "input_output", "tests")):
        suite = _io(reference)
    else:
        raise InvalidReferenceError(
            "a code reference needs HumanEval fields {prompt, test, entry_point}, MBPP asserts {asserts} "
            "(or test_list), or stdin/stdout cases {inputs, outputs} (optionally with fn_name)")
    if not suite.tests:
        raise InvalidReferenceError("the reference has no tests")
    return suite


def language_name(value: Any) -> str:
    """The table's name for a language tag (`py`, `c++`, `js`, ...); InvalidReferenceError when unknown."""
    name = str(value or "python").lower()
    name = ALIASES.get(name, name)
    if name not in LANGUAGES:
        raise InvalidReferenceError(f"language must be one of {', '.join(LANGUAGES)}, got {name!r}")
    return name


def _common(reference: Mapping[str, Any]) -> dict[str, Any]:
    partial = reference.get("partial_credit")
    language = language_name(reference.get("language"))
    try:
        return {"language": language,
                "partial_credit": None if partial is None else bool(partial),
                "test_timeout_s": _number(reference.get("timeout_s"), float),
                "memory_mb": _number(reference.get("memory_mb"), int),
                "output_bytes": _number(reference.get("output_bytes"), int),
                "float_tol": _number(reference.get("float_tol"), float)}
    except (TypeError, ValueError):
        raise InvalidReferenceError("timeout_s, memory_mb, output_bytes and float_tol must be numbers") from None


def _number(value: Any, kind: type) -> Any:
    if value is None:
        return None
    number = float(value)
    if isinstance(value, bool) or not 0 <= number < math.inf:  # inf: no limit, and a tolerance equal to all
        raise ValueError(value)
    return kind(number)


def _checker(value: Any) -> dict[str, str] | None:
    """A reference's checker: {"language", "code"} (a bare string is Python)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = {"language": "python", "code": value}
    if not isinstance(value, Mapping) or not isinstance(value.get("code"), str) or not value["code"].strip():
        raise InvalidReferenceError("checker must be {language, code} (or a Python program as a string)")
    language = language_name(value.get("language"))
    if language not in CHECKER_LANGUAGES:
        raise InvalidReferenceError(f"a checker's language must be one of {', '.join(CHECKER_LANGUAGES)}, "
                                    f"got {language!r}")
    return {"language": language, "code": value["code"]}


def _humaneval(reference: Mapping[str, Any]) -> Suite:
    entry_point = _identifier(reference["entry_point"], "entry_point")
    test, prompt = _text(reference["test"], "test"), _text(reference.get("prompt", ""), "prompt")
    common = _common(reference)
    if common["language"] != "python":
        raise InvalidReferenceError("HumanEval-style references are Python only")
    return Suite(format="humaneval", mode="call", tests=({"code": f"check({entry_point})"},),
                 setup=f"{prompt}\n\n{test}\n", names=(entry_point,), replace_names=True, prompt=prompt,
                 entry_point=entry_point, **common)


def _asserts(reference: Mapping[str, Any]) -> Suite:
    asserts = reference.get("asserts", reference.get("test_list"))
    if not isinstance(asserts, Sequence) or isinstance(asserts, str) or not all(isinstance(a, str) for a in asserts):
        raise InvalidReferenceError("asserts must be a list of strings (Python statements)")
    imports = reference.get("imports", reference.get("test_imports")) or []
    if isinstance(imports, str):
        imports = [imports]
    setup = "\n".join([*map(str, imports), _text(reference.get("setup", reference.get("test_setup_code")) or "",
                                                     "setup")])
    names = []
    for statement in asserts:
        for name in _CALLED.findall(statement):
            if name not in names and not keyword.iskeyword(name) and not hasattr(builtins, name):
                names.append(name)
    common = _common(reference)
    if common["language"] != "python":
        raise InvalidReferenceError("assert-style references are Python only")
    return Suite(format="asserts", mode="call", tests=tuple({"code": a} for a in asserts), setup=setup,
                 names=tuple(names), entry_point=str(reference.get("entry_point") or ""),
                 imports=tuple(map(str, imports)), **common)


def _io(reference: Mapping[str, Any]) -> Suite:
    cases = reference.get("input_output", reference)
    if isinstance(cases, str):
        try:
            cases = json.loads(cases)
        except ValueError:
            raise InvalidReferenceError("input_output must be JSON") from None
    if not isinstance(cases, Mapping):
        raise InvalidReferenceError("input_output must be an object with inputs and outputs")
    if "tests" in cases and "inputs" not in cases:
        tests = cases["tests"]
        if not isinstance(tests, list) or not all(isinstance(t, Mapping) for t in tests):
            raise InvalidReferenceError("tests must be a list of {input, output} objects")
        inputs, outputs = [t.get("input") for t in tests], [t.get("output") for t in tests]
    else:
        inputs, outputs = cases.get("inputs"), cases.get("outputs")
    if not isinstance(inputs, list) or not isinstance(outputs, list) or len(inputs) != len(outputs):
        raise InvalidReferenceError("inputs and outputs must be lists of the same length")
    fn_name = cases.get("fn_name") or reference.get("fn_name")
    common = _common({**cases, **reference})
    if fn_name:
        if common["language"] != "python":
            raise InvalidReferenceError("call-based (fn_name) tests are Python only")
        name = _identifier(fn_name, "fn_name")
        tests = tuple({"args": list(i) if isinstance(i, (list, tuple)) else [i], "expected": o}
                      for i, o in zip(inputs, outputs, strict=True))
        return Suite(format="call", mode="call", tests=tests, names=(name,), replace_names=True,
                     entry_point=name, **common)
    tests = tuple({"stdin": _lines(i, "input"), "expected": _lines(o, "output")}
                  for i, o in zip(inputs, outputs, strict=True))
    return Suite(format="stdio", mode="stdio", tests=tests, checker=_checker(reference.get("checker")), **common)


def _lines(value: Any, what: str) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value) + "\n"
    if not isinstance(value, str):
        raise InvalidReferenceError(f"every {what} must be a string (or a list of lines)")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidReferenceError(f"{what} must be a string, got {type(value).__name__}")
    return value


def _identifier(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _IDENT.match(value) or keyword.iskeyword(value):
        raise InvalidReferenceError(f"{what} must be a Python identifier, got {value!r}")
    return value
