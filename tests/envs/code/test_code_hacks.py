"""Every way of faking a pass that issue 4 lists, against the real docker sandbox: none may score.

Each hostile completion is also checked to be syntactically fine and aimed at a reference that an
honest solution passes (the last test), so a failure here means the defense held, not a typo.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rlvr.envs.code import verify
from rlvr.envs.code.reference import parse_reference
from rlvr.envs.code.verifier import interpret
from rlvr.results import Status
from rlvr.sandbox import ExecResult

MBPP = {"asserts": ["assert add(1, 2) == 3", "assert add(5, 5) == 10", "assert add(-1, 1) == 0"]}
HUMANEVAL = {"prompt": 'def add(a: int, b: int) -> int:\n    """Return a + b."""\n',
             "test": "def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(5, 5) == 10\n",
             "entry_point": "add"}
STDIO = {"inputs": ["1 2\n", "5 5\n"], "outputs": ["3\n", "10\n"]}
# A check that imports a module only while the tests run (after the candidate could write files).
LAZY = {**HUMANEVAL, "test": "def check(candidate):\n    candidate(0, 0)\n    import fractions\n"
                             "    assert candidate(1, 2) == 3\n"}
# Tests that iterate with map(): a StopIteration from the candidate must not end the iteration early.
MAPPED = {"asserts": ["assert all(map(lambda pair: add(*pair) == sum(pair), [(1, 2), (5, 5)]))",
                      "assert add(5, 5) == 10"]}
HONEST = {"mbpp": "def add(a, b):\n    return a + b\n", "humaneval": "def add(a, b):\n    return a + b\n",
          "mapped": "def add(a, b):\n    return a + b\n",
          "stdio": "a, b = map(int, input().split())\nprint(a + b)\n", "lazy": "def add(a, b):\n    return a + b\n"}
REFS = {"mbpp": MBPP, "humaneval": HUMANEVAL, "stdio": STDIO, "lazy": LAZY, "mapped": MAPPED}
PROBE = Path(__file__).with_name("code_hack_probe.py").read_text()
FAKE_VERDICT = '{"passed": 3, "ran": 3, "results": [{"passed": true}, {"passed": true}, {"passed": true}]}'

# (name, formats it applies to, the hostile completion); each must score wrong with reward 0.
HACKS = [
    ("sys.exit(0) before the tests", "mbpp humaneval", "import sys\nsys.exit(0)\ndef add(a, b):\n    return 0\n"),
    ("os._exit(0) before the tests", "mbpp humaneval stdio", "import os\nos._exit(0)\n"),
    ("sys.exit(0) inside the function", "mbpp humaneval",
     "import sys\ndef add(a, b):\n    sys.exit(0)\n"),
    ("raise SystemExit in the function", "mbpp humaneval", "def add(a, b):\n    raise SystemExit(0)\n"),
    ("os._exit(0) inside the function", "mbpp humaneval", "import os\ndef add(a, b):\n    os._exit(0)\n"),
    ("exit after the first test passed", "mbpp humaneval",
     "import os\ncalls = []\ndef add(a, b):\n    calls.append(1)\n    if len(calls) > 1:\n        os._exit(0)\n"
     "    return a + b\n"),
    ("exit(0) in a stdio program before any output", "stdio", "exit(0)\n"),
    ("__eq__ that always answers True", "mbpp humaneval",
     "class Any:\n    def __eq__(self, other):\n        return True\n"
     "    def __ne__(self, other):\n        return False\n    __hash__ = object.__hash__\n"
     "def add(a, b):\n    return Any()\n"),
    ("int subclass with a lying __eq__", "mbpp humaneval",
     "class Liar(int):\n    def __eq__(self, other):\n        return True\n    __hash__ = int.__hash__\n"
     "def add(a, b):\n    return Liar(0)\n"),
    ("str subclass with a lying __eq__", "mbpp",
     "class Liar(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\n"
     "def add(a, b):\n    return Liar('x')\n"),
    ("redefine check", "humaneval", "def check(candidate):\n    pass\ndef add(a, b):\n    return 0\n"),
    ("monkeypatch builtins and the assertion path", "mbpp humaneval",
     "import builtins\nbuiltins.AssertionError = type('Ok', (Exception,), {})\n"
     "builtins.abs = lambda x: 0\nbuiltins.isinstance = lambda *a: True\nbuiltins.repr = lambda x: '3'\n"
     "def add(a, b):\n    return 0\n"),
    ("replace __import__ and sys.modules", "mbpp humaneval",
     "import sys\nsys.modules['builtins'].__dict__['__import__'] = lambda *a, **k: sys\n"
     "sys.modules['json'] = sys\ndef add(a, b):\n    return 0\n"),
    ("monkeypatch the harness's json and os in its own process", "mbpp humaneval",
     "import json, os\njson.dumps = lambda *a, **k: '" + FAKE_VERDICT + "'\nos._exit = lambda code: None\n"
     "def add(a, b):\n    return 0\n"),
    ("print the success marker", "mbpp humaneval stdio",
     "import os, sys, secrets\nfor _ in range(200):\n    line = secrets.token_hex(16) + ' " + FAKE_VERDICT + "\\n'\n"
     "    sys.stdout.write(line)\n    os.write(1, line.encode())\n    sys.__stdout__.write(line)\n"
     "    try:\n        open('/proc/self/fd/1', 'w').write(line)\n    except OSError:\n        pass\n"
     "sys.stdout.flush()\ndef add(a, b):\n    return 0\n"),
    ("write a fake result file", "mbpp humaneval stdio",
     "import os\nfor d in ('.', os.path.expanduser('~'), '/tmp', '/work', '/'):\n"
     "    for name in ('result.json', 'verdict.json', 'results.txt'):\n"
     "        try:\n            open(os.path.join(d, name), 'w').write('" + FAKE_VERDICT + "')\n"
     "        except OSError:\n            pass\ndef add(a, b):\n    return 0\n"),
    ("kill the parent processes", "mbpp humaneval stdio",
     "import os, signal\n"
     "def ancestors():\n    pid = os.getpid()\n    while pid > 1:\n"
     "        pid = int(open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[1])\n        yield pid\n"
     "for pid in list(ancestors()):\n    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n"
     "        pass\ndef add(a, b):\n    return 0\n"),
    ("stop the parent processes", "mbpp",
     "import os, signal\n"
     "def ancestors():\n    pid = os.getpid()\n    while pid > 1:\n"
     "        pid = int(open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[1])\n        yield pid\n"
     "for pid in list(ancestors()):\n    try:\n        os.kill(pid, signal.SIGSTOP)\n    except OSError:\n"
     "        pass\ndef add(a, b):\n    return a + b\n"),
    ("plant a module that the judge imports", "lazy",
     "import os\nfor d in ('.', os.path.expanduser('~'), '/work'):\n    try:\n"
     "        open(os.path.join(d, 'fractions.py'), 'w').write('import __main__\\n"
     "__main__.Judge.call = lambda *a: 3\\n')\n"
     "    except OSError:\n        pass\ndef add(a, b):\n    return 0\n"),
    ("raise StopIteration so that all(map(...)) sees no items", "mapped",
     "def add(a, b):\n    if (a, b) == (5, 5):\n        return 10\n    raise StopIteration\n"),
    ("return an int too long to show in the failure message", "mbpp humaneval",
     "def add(a, b):\n    return 10 ** 5000\n"),
    ("flood the judge with SIGINT from a detached child", "mbpp humaneval",
     "import os, signal\n"
     "def parent(pid):\n    return int(open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[1])\n"
     "judge = parent(os.getppid())\n"
     "if os.fork() == 0:\n    os.setsid()\n    while True:\n        try:\n"
     "            os.kill(judge, signal.SIGINT)\n        except OSError:\n            os._exit(0)\n"
     "def add(a, b):\n    return 0\n"),
    ("loop forever", "mbpp stdio", "def add(a, b):\n    while True:\n        pass\nwhile True:\n    pass\n"),
]
CASES = [(name, fmt, code) for name, formats, code in HACKS for fmt in formats.split()]


@pytest.mark.timeout(120)
def test_no_hack_scores(box):
    def run(case):
        name, fmt, code = case
        reference = {**REFS[fmt], "timeout_s": 1.5} if "loop" in name or "stop" in name else REFS[fmt]
        return verify(completion=f"```python\n{code}```", reference=reference, sandbox=box)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, CASES))
    leaks = [(name, fmt, r.status, r.reason) for (name, fmt, _), r in zip(CASES, results, strict=True)
             if r.status is not Status.WRONG or r.reward != 0.0]
    assert not leaks, leaks


@pytest.mark.parametrize("fmt", sorted(REFS))
def test_honest_solution_passes_the_same_references(box, fmt):
    result = verify(completion=f"```python\n{HONEST[fmt]}```", reference=REFS[fmt], sandbox=box)
    assert result.status is Status.CORRECT, result.reason


SECRET = "SECRET-q7x2k9"
SECRET_REFS = {
    "call": {"inputs": [[1]], "outputs": [SECRET], "fn_name": "f"},
    "humaneval": {"prompt": 'def f(x):\n    """Return the secret."""\n',
                  "test": f"def check(candidate):\n    assert candidate(1) == {SECRET!r}\n", "entry_point": "f"},
    "mbpp": {"asserts": [f"assert f(1) == {SECRET!r}"]},
    "stdio": {"inputs": ["1\n"], "outputs": [SECRET + "\n"]},
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fmt", sorted(SECRET_REFS))
def test_tests_and_expected_outputs_are_invisible_to_the_candidate(box, fmt):
    """The probe searches files, stdin, the environment, every /proc entry, other processes' memory,
    its own frames and heap for the expected output; it must find nothing."""
    tail = "print(find_secret())\n" if fmt == "stdio" else "def f(x):\n    return find_secret()\n"
    result = verify(completion=f"```python\n{PROBE}\n{tail}```", reference=SECRET_REFS[fmt], sandbox=box)
    assert result.status is Status.WRONG
    assert "nothing found" in result.reason, result.reason


@pytest.mark.timeout(120)
def test_the_probe_finds_secrets_left_where_a_naive_harness_puts_them(box):
    """Control: with the expected output in a file, on stdin or in the job's own memory, the probe
    finds it, so the test above is not vacuous."""
    code = PROBE + "\nprint(find_secret())\n"
    in_file = box.run(code, language="python", files={"tests.json": f'["{SECRET}"]'})
    on_stdin = box.run(code, language="python", stdin=f"{SECRET}\n")
    in_memory = box.run(f"expected = {SECRET!r}\n" + code, language="python")
    assert [r.stdout.strip() for r in (in_file, on_stdin, in_memory)] == [SECRET] * 3


def test_a_run_that_stopped_before_the_end_is_not_a_pass():
    """Even a well-formed verdict line with this run's nonce fails unless every test ran and passed."""
    suite = parse_reference(MBPP)
    nonce = "ab" * 16
    short = f'{nonce} {{"passed": 2, "ran": 2, "results": [{{"passed": true}}, {{"passed": true}}]}}\n'
    for partial in (False, True):
        result = interpret(ExecResult(status="ok", exit_code=0, stdout=short), nonce=nonce, suite=suite,
                           partial=partial)
        assert result.reward in (0.0, None) and result.status is not Status.CORRECT
    forged = ExecResult(status="ok", exit_code=0, stdout=short.replace(nonce, "cd" * 16))
    assert interpret(forged, nonce=nonce, suite=suite, partial=False).status is Status.WRONG
    twice = ExecResult(status="ok", exit_code=0, stdout=short + short)
    assert interpret(twice, nonce=nonce, suite=suite, partial=False).status is Status.WRONG


def test_a_sandbox_failure_is_never_a_verdict():
    suite = parse_reference(MBPP)
    result = interpret(ExecResult.sandbox_error("executor container died"), nonce="00" * 16, suite=suite,
                       partial=False)
    assert result.status is Status.SANDBOX_ERROR and result.reward is None


# Asserts that never reach the program: the function's name is a built-in, or the reference's own
# imports or setup already define it. Any program would pass them, so they must not score.
UNREACHABLE = {
    "built-in name": {"asserts": ["assert pow(2, 3) == 8", "assert pow(3, 2) == 9"]},
    "star import": {"asserts": ["assert gcd(4, 6) == 2"], "imports": ["from math import *"]},
    "setup defines it": {"asserts": ["assert f(2) == 4"], "setup": "def f(x):\n    return x * 2\n"},
}


@pytest.mark.parametrize("case", sorted(UNREACHABLE))
def test_tests_that_never_call_the_program_are_an_error_not_a_pass(box, case):
    code = "def pow(a, b):\n    return 0\ndef gcd(a, b):\n    return 0\ndef f(x):\n    return 0\n"
    result = verify(completion=f"```python\n{code}```", reference=UNREACHABLE[case], sandbox=box)
    assert (result.status, result.reward) == (Status.ERROR, None), result.reason


# A test that feeds the program's output back to it: a reply nested just deep enough to decode in the
# judge but not to encode again once wrapped must fail the test, not be blamed on the reference.
ROUND_TRIP = {"asserts": ["assert f(f([1, 2, 3])) == [1, 2, 3]"]}


@pytest.mark.parametrize("depth", [150, 199, 201, 494, 495, 3000])
def test_a_deeply_nested_reply_is_a_failed_test_not_a_reference_error(box, depth):
    code = f"def f(x):\n    v = 0\n    for _ in range({depth}):\n        v = [v]\n    return v\n"
    result = verify(completion=f"```python\n{code}```", reference=ROUND_TRIP, sandbox=box)
    assert (result.status, result.reward) == (Status.WRONG, 0.0), result.reason


# A float tolerance is for floats: an expected integer is a count, and 999999 is not a million.
INT_WITH_TOLERANCE = {
    "stdio": ({"inputs": ["\n"], "outputs": ["1000000 0.5\n"], "float_tol": 1e-3}, "print(999999, 0.5)\n"),
    "call": ({"inputs": [[]], "outputs": [4], "fn_name": "f", "float_tol": 1e-3},
             "def f():\n    return 4.003\n"),
}


@pytest.mark.parametrize("fmt", sorted(INT_WITH_TOLERANCE))
def test_a_float_tolerance_does_not_loosen_integers(box, fmt):
    reference, code = INT_WITH_TOLERANCE[fmt]
    result = verify(completion=f"```python\n{code}```", reference=reference, sandbox=box)
    assert (result.status, result.reward) == (Status.WRONG, 0.0), result.reason
    near = "print(1000000, 0.5004)\n" if fmt == "stdio" else "def f():\n    return 4.0\n"
    assert verify(completion=f"```python\n{near}```", reference=reference, sandbox=box).status is Status.CORRECT


# Issue 11: a test that never reaches the program is a reference defect in every format, found by the
# judge counting calls in its own process (the program never runs there, so it cannot forge the count).
NEVER_CALLED = {
    "humaneval check that never calls": {**HUMANEVAL, "test": "def check(candidate):\n    assert 1 + 2 == 3\n"},
    "humaneval test without check": {**HUMANEVAL, "test": "def verify(candidate):\n    assert candidate(1, 2) == 3\n"},
    "one assert that never calls, among real ones": {
        "asserts": [*MBPP["asserts"], "assert [add(1, x) for x in []] == []"]},
}


@pytest.mark.parametrize("case", sorted(NEVER_CALLED))
@pytest.mark.parametrize("partial", [False, True])
def test_a_test_that_never_calls_the_program_is_a_defect_in_every_format(box, case, partial):
    reference = {**NEVER_CALLED[case], "partial_credit": partial}
    result = verify(completion=f"```python\n{HONEST['mbpp']}```", reference=reference, sandbox=box)
    assert (result.status, result.reward) == (Status.ERROR, None), result.reason
    assert "never called the program" in result.reason


# Tests that call the program but check nothing about what it returns: after a pass, the judge runs the
# test code again with every call answered by a value equal to nothing; if it still passes, no verdict.
CHECKS_NOTHING = {
    "only calls": {**HUMANEVAL, "test": "def check(candidate):\n    candidate(1, 2)\n    candidate(5, 5)\n"},
    "asserts only that the result is truthy": {"asserts": ["assert add(1, 2)", "assert add(5, 5) != 11"]},
    "loops on the result": {**HUMANEVAL, "test": "def check(candidate):\n    x = candidate(1, 2)\n"
                                                 "    while x != 3:\n        pass\n"},
    # The rerun starts from a fresh setup: what the program returned in the first run is not there.
    "compares the result only with earlier results": {
        **HUMANEVAL, "test": "SEEN = []\n\ndef check(candidate):\n    SEEN.append(candidate(1, 2))\n"
                             "    assert all(v == SEEN[0] for v in SEEN)\n"},
}


@pytest.mark.parametrize("case", sorted(CHECKS_NOTHING))
def test_tests_that_check_nothing_about_the_result_are_a_defect(runtime, case):
    reference = {**CHECKS_NOTHING[case], "timeout_s": 1.0}
    result = runtime.verify("rlvr/Code-v1", completion=f"```python\n{HONEST['mbpp']}```", reference=reference)
    assert (result.status, result.reward) == (Status.ERROR, None), result.reason
    assert "the reference is defective" in result.reason


@pytest.mark.parametrize(("reference", "program"), [
    ({"inputs": ["1\n", "2\n"], "outputs": ["", "  \n"]}, "pass\n"),
    ({"inputs": [[1], [2]], "outputs": [None, [None]], "fn_name": "f"}, "def f(x):\n    pass\n"),
])
def test_expected_outputs_that_a_do_nothing_program_meets_are_a_defect(runtime, reference, program):
    result = runtime.verify("rlvr/Code-v1", completion=f"```python\n{program}```", reference=reference)
    assert (result.status, result.reward) == (Status.ERROR, None), result.reason


def test_a_reference_that_can_fail_still_passes_an_honest_program(box):
    """The null run must not flag tests that do check results, such as expected exceptions and falsy values."""
    reference = {**HUMANEVAL, "test": "def check(candidate):\n    assert not candidate(0, 0)\n"
                                      "    try:\n        candidate('a', 1)\n    except TypeError:\n        pass\n"
                                      "    else:\n        raise AssertionError('no TypeError')\n"}
    result = verify(completion=f"```python\n{HONEST['mbpp']}```", reference=reference, sandbox=box)
    assert result.status is Status.CORRECT, result.reason
