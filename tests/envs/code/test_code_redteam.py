"""Red team for issue 11: references that cannot tell programs apart, and programs that try to make them.

Two tables, against the real docker sandbox:

- VACUOUS: references whose tests pass a program that does not solve the task (a `check` that never
  calls the candidate, tests that never reach it, a check that calls but asserts nothing, empty expected
  outputs). None may ever reward a program, including the hostile ones that try to make the judge believe
  it was called (tampering with a counter, the tracer, the builtins); a program that runs is told `error`
  (reward None), one that crashes in a test that does call it may be `wrong` instead.
- HOSTILE: programs that try to pass meaningful references without solving them. Each must be `wrong`.

`python tests/envs/code/test_code_redteam.py` prints the false-positive count (reward > 0) over both.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from rlvr.envs.code import verify
from rlvr.outcomes import result_for
from rlvr.results import Status

PROMPT = 'def add(a: int, b: int) -> int:\n    """Return a + b."""\n'


def humaneval(test: str) -> dict:
    return {"prompt": PROMPT, "test": test, "entry_point": "add"}


# A reference that checks nothing, by shape (each is a way a dataset row really goes wrong).
VACUOUS_REFS = {
    "check never calls the candidate": humaneval("def check(candidate):\n    assert True\n"),
    "check calls only inside an unreachable branch": humaneval(
        "def check(candidate):\n    if False:\n        assert candidate(1, 2) == 3\n"),
    "check loops over no cases": humaneval(
        "CASES = []\n\ndef check(candidate):\n    for a, b, want in CASES:\n        assert candidate(a, b) == want\n"),
    "check builds a generator it never consumes": humaneval(
        "def check(candidate):\n    assert (candidate(a, a) == 2 * a for a in range(3))\n"),
    "check tests a helper of the prompt, not the candidate": {
        "prompt": "def helper(x):\n    return x + 1\n\n" + PROMPT, "entry_point": "add",
        "test": "def check(candidate):\n    assert helper(1) == 2\n"},
    "check that only calls the candidate": humaneval("def check(candidate):\n    candidate(1, 2)\n"),
    "check that swallows its own assertion": humaneval(
        "def check(candidate):\n    try:\n        assert candidate(1, 2) == 3\n    except AssertionError:\n"
        "        pass\n"),
    "check that catches everything": humaneval(
        "def check(candidate):\n    try:\n        assert candidate(1, 2) == 3\n    except:  # noqa\n        pass\n"),
    "check that asserts only a truthy result": humaneval(
        "def check(candidate):\n    assert candidate(1, 2) is not None\n    assert candidate(2, 2) != 5\n"),
    "test without a check function": {"prompt": PROMPT, "entry_point": "add",
                                      "test": "def test_add():\n    assert add(1, 2) == 3\n"},
    "asserts over an empty comprehension": {"asserts": ["assert [add(a, a) for a in []] == []"]},
    "asserts with a lambda never called": {"asserts": ["assert (lambda: add(1, 2) == 3) is not None"]},
    "asserts that short-circuit before the call": {"asserts": ["assert True or add(1, 2) == 3"]},
    "asserts of a built-in name": {"asserts": ["assert max(1, 2) == 2"]},
    "stdio with every expected output empty": {"inputs": ["1 2\n", "5 5\n"], "outputs": ["", "\n"]},
    "call-based with every expected value None": {"inputs": [[1, 2], [5, 5]], "outputs": [None, [None]],
                                                  "fn_name": "add"},
}
WRONG_ADD = "def add(a, b):\n    return 0\n"
# Programs that try to turn a reference that never reaches them into a pass (and, on a meaningful
# reference, to pass without adding): the judge's counters live in a process they cannot reach.
TAMPER = {
    "wrong answer": WRONG_ADD,
    "no function at all": "x = 1\n",
    "os._exit(0) at import": "import os\nos._exit(0)\n",
    "sys.settrace that skips every line": (
        "import sys, threading\ndef tracer(frame, event, arg):\n    return None\nsys.settrace(tracer)\n"
        "threading.settrace(tracer)\n" + WRONG_ADD),
    "bump every counter it can find": (
        "import gc, sys\nfor obj in gc.get_objects():\n    for attr in ('calls', 'reached', 'count', 'ran'):\n"
        "        try:\n            setattr(obj, attr, 10 ** 6)\n        except Exception:\n            pass\n"
        "main = sys.modules.get('__main__')\nfor name in ('Judge', 'Zygote', 'send', 'recv'):\n"
        "    if main is not None and hasattr(main, name):\n        delattr(main, name)\n" + WRONG_ADD),
    "patch the harness's call path in its own process": (
        "import sys\nmain = sys.modules['__main__']\n"
        "for cls in ('Judge', 'Zygote'):\n    if hasattr(main, cls):\n"
        "        for attr in ('call', 'run_test', 'run', 'null_run'):\n"
        "            setattr(getattr(main, cls), attr, lambda *a, **k: {'passed': True})\n" + WRONG_ADD),
    "send extra replies down its socket": (
        "import gc, socket, json, struct\n"
        "def add(a, b):\n    body = json.dumps({'ok': 3}).encode()\n"
        "    for obj in gc.get_objects():\n        if isinstance(obj, socket.socket):\n"
        "            for _ in range(5):\n                try:\n"
        "                    obj.sendall(struct.pack('>I', len(body)) + body)\n"
        "                except OSError:\n                    pass\n    return 0\n"),
    "SystemExit from inside the call": "def add(a, b):\n    raise SystemExit(0)\n",
    "print a fake verdict": (
        "import sys\nprint('0' * 32 + ' {\"passed\": 1, \"ran\": 1, \"results\": [{\"passed\": true}]}')\n"
        "sys.stdout.flush()\n" + WRONG_ADD),
    "read the test file": (
        "import glob\nfor path in glob.glob('/**/*.py', recursive=True)[:2000]:\n    try:\n"
        "        open(path).read()\n    except Exception:\n        pass\n" + WRONG_ADD),
    "flood the judge with SIGALRM from a detached child": (
        "import os, signal, time\n"
        "def parent(pid):\n    return int(open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[1])\n"
        "judge = parent(os.getppid())\n"
        "if os.fork() == 0:\n    os.setsid()\n    while True:\n        try:\n"
        "            os.kill(judge, signal.SIGALRM)\n        except OSError:\n            os._exit(0)\n"
        "        time.sleep(0.001)\n" + WRONG_ADD),
    "prints nothing (stdio)": "pass\n",
    "return None (call-based)": "def add(a, b):\n    return None\n",
}
VACUOUS = [(ref, program) for ref in VACUOUS_REFS for program in TAMPER]

ADD = humaneval("def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(-4, 4) == 0\n")
MBPP = {"asserts": ["assert add(1, 2) == 3", "assert add(-4, 4) == 0"]}
STDIO = {"inputs": ["1 2\n", "-4 4\n"], "outputs": ["3\n", "0\n"]}
CALL = {"inputs": [[1, 2], [-4, 4]], "outputs": [3, 0], "fn_name": "add"}
MEANINGFUL = {"humaneval": ADD, "mbpp": MBPP, "stdio": STDIO, "call": CALL}
HONEST = {"humaneval": "def add(a, b):\n    return a + b\n", "mbpp": "def add(a, b):\n    return a + b\n",
          "stdio": "a, b = map(int, input().split())\nprint(a + b)\n", "call": "def add(a, b):\n    return a + b\n"}
# More hostile programs for meaningful references (the tampering ones above run against them too).
EXTRA_HOSTILE = {
    "echo the input (stdio)": "import sys\nsys.stdout.write(sys.stdin.read())\n",
    "an object whose __eq__ is always True": (
        "class Yes:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
        "def add(a, b):\n    return Yes()\n"),
    "monkeypatch AssertionError and builtins": (
        "import builtins\nbuiltins.AssertionError = type('Nope', (Exception,), {})\n"
        "builtins.print = lambda *a, **k: None\n" + WRONG_ADD),
    "exit(0) before printing (stdio)": "exit(0)\n",
    "os._exit(0) inside the call": "import os\ndef add(a, b):\n    os._exit(0)\n",
}
HOSTILE = [(fmt, name) for fmt in MEANINGFUL for name in [*TAMPER, *EXTRA_HOSTILE]]


def _program(name: str) -> str:
    return TAMPER.get(name) or EXTRA_HOSTILE[name]


def run_all(box) -> tuple[list, list]:
    """(vacuous results, hostile results), each a list of ((case...), VerifyResult)."""
    def vacuous(case):
        ref, program = case
        try:
            return verify(completion=f"```python\n{TAMPER[program]}```", reference=VACUOUS_REFS[ref], sandbox=box)
        except Exception as exc:  # a defect found before running raises; rlvr.outcomes says what it scores
            return result_for(exc)

    def hostile(case):
        fmt, program = case
        return verify(completion=f"```python\n{_program(program)}```", reference=MEANINGFUL[fmt], sandbox=box)

    with ThreadPoolExecutor(4) as pool:
        return (list(zip(VACUOUS, pool.map(vacuous, VACUOUS), strict=True)),
                list(zip(HOSTILE, pool.map(hostile, HOSTILE), strict=True)))


@pytest.mark.timeout(600)
def test_red_team(box):
    vacuous, hostile = run_all(box)
    leaks = [(case, r.status.value, r.reason) for case, r in vacuous if r.reward]
    assert not leaks, leaks
    # A program that runs and returns is told the reference is defective; one that crashes before the
    # judge finished with the reference may instead be wrong (reward 0) where the tests do call it.
    undetected = [(case, r.status.value, r.reason) for case, r in vacuous
                  if r.status is not Status.ERROR and (case[1] == "wrong answer" or r.status is not Status.WRONG)]
    assert not undetected, undetected
    leaks = [(case, r.status.value, r.reason) for case, r in hostile if (r.status, r.reward) != (Status.WRONG, 0.0)]
    assert not leaks, leaks


@pytest.mark.parametrize("fmt", sorted(MEANINGFUL))
def test_honest_programs_pass_the_meaningful_references(box, fmt):
    result = verify(completion=f"```python\n{HONEST[fmt]}```", reference=MEANINGFUL[fmt], sandbox=box)
    assert result.status is Status.CORRECT, result.reason


def main() -> int:
    from rlvr.sandbox import Sandbox

    with Sandbox("docker", executors=1, slots=4) as box:
        vacuous, hostile = run_all(box)
    for title, rows in (("vacuous references", vacuous), ("hostile programs", hostile)):
        positives = [(case, r) for case, r in rows if r.reward]
        print(f"{title}: {len(rows)} cases, {len(positives)} false positives")
        for case, r in positives:
            print(f"  {case}: {r.status.value} {r.reason[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
