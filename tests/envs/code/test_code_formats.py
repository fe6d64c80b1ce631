"""The reference formats, the comparison policy and partial credit, against the real docker sandbox."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from rlvr.envs.code import CodeConfig, verify
from rlvr.results import Status

HUMANEVAL = {"prompt": 'from typing import List\n\n\ndef total(xs: List[int]) -> int:\n    """Sum of xs."""\n',
             "test": "METADATA = {}\n\n\ndef check(candidate):\n    assert candidate([1, 2, 3]) == 6\n"
                     "    assert candidate([]) == 0\n",
             "entry_point": "total"}
MBPP = {"test_list": ["assert square(2) == 4", "assert square(-3) == 9", "assert square(0) == 0",
                      "assert math.isclose(square(0.5), 0.25)"],
        "test_imports": ["import math"]}
STDIO = {"inputs": ["2\n3 4\n", "1\n10\n"], "outputs": ["7\n", "10\n"]}
APPS_CALL = {"input_output": json.dumps({"inputs": [[[1, 2]], [[5]]], "outputs": [[3], [5]], "fn_name": "total"})}
FLOATS = {"inputs": ["3\n"], "outputs": ["0.333333333\n"], "float_tol": 1e-6}
CPP = {"language": "cpp", "inputs": ["2\n3 4\n", "1\n10\n"], "outputs": ["7\n", "10\n"]}

STDIO_SUM = "n = int(input())\nprint(sum(map(int, input().split())))\n"
CPP_SUM = ("#include <iostream>\nint main() { long n, x, s = 0; std::cin >> n;\n"
           "  for (long i = 0; i < n; ++i) { std::cin >> x; s += x; }\n  std::cout << s << std::endl; }\n")

# (case, completion, reference, expected status, expected reward)
TABLE = [
    ("humaneval body only", "Here you go:\n```python\n    return sum(xs)\n```", HUMANEVAL, "correct", 1.0),
    ("humaneval body written flush left", "```python\nreturn sum(xs)\n```", HUMANEVAL, "correct", 1.0),
    ("humaneval whole function", "```python\ndef total(xs):\n    return sum(xs)\n```", HUMANEVAL, "correct", 1.0),
    ("humaneval wrong", "```python\ndef total(xs):\n    return len(xs)\n```", HUMANEVAL, "wrong", 0.0),
    ("humaneval unfenced body", "    return sum(xs)\n", HUMANEVAL, "correct", 1.0),
    ("mbpp names and imports", "```python\ndef square(x):\n    return x * x\n```", MBPP, "correct", 1.0),
    ("mbpp wrong stops at first failure", "```python\ndef square(x):\n    return 2 * x\n```", MBPP, "wrong", 0.0),
    ("mbpp partial credit", "```python\ndef square(x):\n    return x * x if x >= 0 else x\n```",
     {**MBPP, "partial_credit": True}, "partial", 0.75),
    ("mbpp program relies on the reference's imports", "```python\ndef square(x):\n    return math.pow(x, 2)\n```",
     MBPP, "correct", 1.0),
    ("mbpp missing function", "```python\ndef sq(x):\n    return x * x\n```", MBPP, "wrong", 0.0),
    ("mbpp syntax error", "```python\ndef square(x) return x\n```", MBPP, "wrong", 0.0),
    ("mbpp runtime error", "```python\ndef square(x):\n    return x / 0\n```", MBPP, "wrong", 0.0),
    ("stdio", f"```python\n{STDIO_SUM}```", STDIO, "correct", 1.0),
    ("stdio trailing spaces and CRLF", "```python\nn = int(input())\n"
     "print(str(sum(map(int, input().split()))) + '   ', end='\\r\\n\\n')\n```", STDIO, "correct", 1.0),
    ("stdio wrong", "```python\nprint(7)\n```", STDIO, "wrong", 0.0),
    ("stdio main in a thread, not joined", "```python\nimport threading\ndef main():\n"
     "    n = int(input())\n    print(sum(map(int, input().split())))\n"
     "threading.Thread(target=main).start()\n```", STDIO, "correct", 1.0),
    ("stdio output from an atexit handler", "```python\nimport atexit\nn = int(input())\n"
     "total = sum(map(int, input().split()))\natexit.register(lambda: print(total))\n```", STDIO, "correct", 1.0),
    ("stdio float within tolerance", "```python\nprint(1 / int(input()))\n```", FLOATS, "correct", 1.0),
    ("stdio float outside tolerance", "```python\nprint(0.3334)\n```", FLOATS, "wrong", 0.0),
    ("stdio float without tolerance", "```python\nprint(1 / int(input()))\n```",
     {**FLOATS, "float_tol": None}, "wrong", 0.0),
    ("apps call-based", "```python\ndef total(xs):\n    return sum(xs)\n```", APPS_CALL, "correct", 1.0),
    ("call-based LeetCode class Solution", "```python\nclass Solution:\n    def total(self, xs):\n"
     "        return sum(xs)\n```", APPS_CALL, "correct", 1.0),
    ("call-based strict types: True is not 1", "```python\ndef total(xs):\n    return True if sum(xs) == 1 else "
     "float(sum(xs))\n```", APPS_CALL, "wrong", 0.0),
    ("c++ stdio", f"```cpp\n{CPP_SUM}```", CPP, "correct", 1.0),
    ("c++ compile error", "```cpp\nint main() { return x; }\n```", CPP, "wrong", 0.0),
    ("c++ wanted, python given", f"```python\n{STDIO_SUM}```", CPP, "no_answer", 0.0),
    ("no code at all", "I am not sure how to solve this.", MBPP, "no_answer", 0.0),
    ("last python block wins", "```python\ndef square(x):\n    return 0\n```\nBetter:\n```python\n"
     "def square(x):\n    return x ** 2\n```", MBPP, "correct", 1.0),
]


@pytest.mark.timeout(180)
def test_formats_table(box):
    def run(row):
        return verify(completion=row[1], reference=row[2], sandbox=box)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, TABLE))
    mismatches = [(case, r.status.value, r.reward, r.reason) for (case, _, _, status, reward), r
                  in zip(TABLE, results, strict=True) if (r.status.value, r.reward) != (status, reward)]
    assert not mismatches, mismatches


def test_details_say_how_many_tests_ran_and_passed(box):
    result = verify(completion="```python\ndef square(x):\n    return x * x if x >= 0 else x\n```",
                    reference=MBPP, sandbox=box, config=CodeConfig(partial_credit=True))
    assert (result.details["tests_total"], result.details["tests_run"], result.details["tests_passed"]) == (4, 4, 3)
    assert result.details["failures"][0]["test"] == 1
    assert "square(-3)" in result.reason and "-3" in result.details["failures"][0]["message"]


def test_timeouts_are_the_candidates_fault(box):
    slow = "```python\ndef square(x):\n    import time\n    time.sleep(30)\n```"
    result = verify(completion=slow, reference=MBPP, sandbox=box, config=CodeConfig(test_timeout_s=1.0))
    assert result.status is Status.WRONG and "time limit" in result.reason


def test_builtin_problems_accept_their_solutions_and_reject_known_wrong_ones(box):
    from rlvr.envs.code import builtin_records, builtin_tasks

    tasks = builtin_tasks()
    jobs = []
    for record in builtin_records():
        reference = tasks.by_id(record["id"]).reference
        jobs.append((record["id"], record["solution"], reference, "correct"))
        jobs += [(record["id"], wrong, reference, "wrong") for wrong in record["wrong"]]
    assert len(tasks) >= 50 and all(record["wrong"] for record in builtin_records())

    def run(job):
        return verify(completion=f"```python\n{job[1]}```", reference=job[2], sandbox=box).status.value

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(run, jobs))
    mismatches = [(job[0], job[3], status) for job, status in zip(jobs, statuses, strict=True) if status != job[3]]
    assert not mismatches, mismatches


def test_values_that_cannot_cross_are_the_references_problem_or_the_candidates(box):
    """A test that passes a function cannot be checked (error, reward None); a candidate that returns
    something odd (a deeply nested list, an exception that needs special arguments) just fails."""
    callback = verify(completion="```python\ndef apply(f, x):\n    return f(x)\n```",
                      reference={"asserts": ["assert apply(lambda x: x + 1, 1) == 2"]}, sandbox=box)
    assert callback.status is Status.ERROR and callback.reward is None and "cannot cross" in callback.reason
    deep = verify(completion="```python\ndef nest(n):\n    x = []\n    for _ in range(n):\n        x = [x]\n"
                             "    return x\n```", reference={"asserts": ["assert nest(100000) == []"]}, sandbox=box)
    assert deep.status is Status.WRONG
    odd = verify(completion="```python\ndef f(x):\n    raise UnicodeDecodeError('utf-8', b'x', 0, 1, 'bad')\n```",
                 reference={"asserts": ["assert f(1) == 1"]}, sandbox=box)
    assert odd.status is Status.WRONG and "UnicodeDecodeError" in odd.reason
