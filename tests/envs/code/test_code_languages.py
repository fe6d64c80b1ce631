"""Every sandbox language through `rlvr.verify("rlvr/Code-v1", ...)` on stdin/stdout references that carry
`language`: A+B passes, a wrong program is wrong_answer, a loop time_limit, a syntax error compile_error;
per-test verdicts, per-task limits, checker programs, and the built-in problems' C++ and Java solutions."""

from __future__ import annotations

import pytest

from rlvr.envs.code import CodeConfig
from rlvr.envs.code.reference import LANGUAGES, parse_reference
from rlvr.envs.code.tasks import builtin_records, builtin_tasks
from rlvr.envs.code.verifier import build_job

ENV = "rlvr/Code-v1"

# language: (A+B, a wrong program that prints a-b, an endless loop, a program that does not compile)
PROGRAMS = {
    "python": ("a, b = map(int, input().split())\nprint(a + b)\n",
               "a, b = map(int, input().split())\nprint(a - b)\n",
               "while True:\n    pass\n",
               "def main(:\n    pass\n"),
    "c": ("#include <stdio.h>\nint main(void) { long long a, b; scanf(\"%lld %lld\", &a, &b);\n"
          "  printf(\"%lld\\n\", a + b); return 0; }\n",
          "#include <stdio.h>\nint main(void) { long long a, b; scanf(\"%lld %lld\", &a, &b);\n"
          "  printf(\"%lld\\n\", a - b); return 0; }\n",
          "int main(void) { volatile int x = 0; for (;;) x++; }\n",
          "int main(void) { return 0 }\n"),
    "cpp": ("#include <iostream>\nint main() { long long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }\n",
            "#include <iostream>\nint main() { long long a, b; std::cin >> a >> b; std::cout << a - b << '\\n'; }\n",
            "int main() { volatile int x = 0; for (;;) x++; }\n",
            "int main() { undeclared(); }\n"),
    "java": ("import java.util.*;\npublic class Main { public static void main(String[] args) {\n"
             "  Scanner in = new Scanner(System.in); long a = in.nextLong(), b = in.nextLong();\n"
             "  System.out.println(a + b); } }\n",
             "import java.util.*;\npublic class Main { public static void main(String[] args) {\n"
             "  Scanner in = new Scanner(System.in); long a = in.nextLong(), b = in.nextLong();\n"
             "  System.out.println(a - b); } }\n",
             "public class Main { public static void main(String[] args) { while (true) {} } }\n",
             "public class Main { public static void main(String[] args) { int x = } }\n"),
    "javascript": ("const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(BigInt);\n"
                   "console.log((a + b).toString());\n",
                   "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(BigInt);\n"
                   "console.log((a - b).toString());\n",
                   "for (;;) {}\n",
                   "const x = ;\n"),
    "typescript": ("const [a, b]: bigint[] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(BigInt);\n"
                   "console.log((a + b).toString());\n",
                   "const [a, b]: bigint[] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(BigInt);\n"
                   "console.log((a - b).toString());\n",
                   "let spins: number = 0;\nwhile (true) { spins++; }\n",
                   "function f(: number {}\n"),
    "go": ("package main\nimport \"fmt\"\nfunc main() { var a, b int64; fmt.Scan(&a, &b); fmt.Println(a + b) }\n",
           "package main\nimport \"fmt\"\nfunc main() { var a, b int64; fmt.Scan(&a, &b); fmt.Println(a - b) }\n",
           "package main\nfunc main() { for {} }\n",
           "package main\nfunc main() { x := }\n"),
    "rust": ("use std::io::Read;\nfn main() { let mut s = String::new();\n"
             "  std::io::stdin().read_to_string(&mut s).unwrap();\n"
             "  let v: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect();\n"
             "  println!(\"{}\", v[0] + v[1]); }\n",
             "use std::io::Read;\nfn main() { let mut s = String::new();\n"
             "  std::io::stdin().read_to_string(&mut s).unwrap();\n"
             "  let v: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect();\n"
             "  println!(\"{}\", v[0] - v[1]); }\n",
             "fn main() { loop {} }\n",
             "fn main() { let x: i32 = \"text\"; }\n"),
    "bash": ("read a b\necho $((a + b))\n",
             "read a b\necho $((a - b))\n",
             "while :; do :; done\n",
             "if then fi\n"),
    "ruby": ("a, b = gets.split.map(&:to_i)\nputs a + b\n",
             "a, b = gets.split.map(&:to_i)\nputs a - b\n",
             "loop { }\n",
             "def f(\n"),
}
AB = {"inputs": ["1 2\n", "40 2\n", "-5 12\n", "123456789012 987654321098\n"],
      "outputs": ["3\n", "42\n", "7\n", "1111111110110\n"]}


def fenced(language: str, code: str) -> str:
    return f"Here is my solution.\n\n```{language}\n{code}```\n"


def test_the_table_covers_the_ten_languages():
    assert set(PROGRAMS) == set(LANGUAGES)
    assert len(LANGUAGES) >= 10


@pytest.mark.parametrize("language", sorted(PROGRAMS))
def test_a_plus_b_wrong_loop_and_syntax_error(runtime, language):
    good, wrong, loop, broken = PROGRAMS[language]
    reference = {**AB, "language": language, "timeout_s": 2}

    passed = runtime.verify(ENV, completion=fenced(language, good), reference=reference)
    assert passed.status == "correct" and passed.reward == 1.0, (language, passed.reason)
    tests = passed.details["tests"]
    assert [test["verdict"] for test in tests] == ["accepted"] * 4 and passed.details["verdict"] == "accepted"
    assert all(test["time_s"] > 0 and test["memory_bytes"] > 0 for test in tests)

    failed = runtime.verify(ENV, completion=fenced(language, wrong), reference={**reference, "partial_credit": True})
    assert failed.status == "wrong" and failed.reward == 0.0, (language, failed.reason)
    assert [test["verdict"] for test in failed.details["tests"]] == ["wrong_answer"] * 4

    looped = runtime.verify(ENV, completion=fenced(language, loop), reference=reference)
    assert looped.status == "wrong" and looped.details["verdict"] == "time_limit", (language, looped.reason)
    assert len(looped.details["tests"]) == 1  # binary reward: the first failure ends the run

    refused = runtime.verify(ENV, completion=fenced(language, broken), reference=reference)
    assert refused.status == "wrong" and refused.details["verdict"] == "compile_error", (language, refused.reason)
    assert refused.details["tests"] == [] and len(refused.reason) < 1600


def test_a_fence_of_another_language_is_not_the_answer(runtime):
    reference = {**AB, "language": "cpp"}
    result = runtime.verify(ENV, completion=fenced("python", PROGRAMS["python"][0]), reference=reference)
    assert result.status == "no_answer" and result.reward == 0.0
    both = fenced("python", PROGRAMS["python"][0]) + fenced("c++", PROGRAMS["cpp"][0])
    assert runtime.verify(ENV, completion=both, reference=reference).status == "correct"


def test_partial_credit_is_passed_over_total_with_a_verdict_per_test(runtime):
    code = "a, b = map(int, input().split())\nprint(a + b if a > 0 else 0)\n"
    reference = {**AB, "language": "python", "partial_credit": True}
    result = runtime.verify(ENV, completion=fenced("python", code), reference=reference)
    assert result.status == "partial" and result.reward == 0.75
    assert [test["verdict"] for test in result.details["tests"]] == ["accepted", "accepted", "wrong_answer",
                                                                      "accepted"]


VERDICTS = [
    ("python", "import sys\nsys.exit(3)\n", "runtime_error"),
    ("python", "x = bytearray(1 << 30)\n", "memory_limit"),
    ("python", "while True:\n    print('y' * 1000)\n", "output_limit"),
    ("cpp", "#include <vector>\nint main() { std::vector<char> v(1ull << 31, 1); return v[7]; }\n", "memory_limit"),
    ("cpp", "int main() { volatile int *p = nullptr; return *p; }\n", "runtime_error"),
    ("java", "public class Main { public static void main(String[] a) { long[] x = new long[1 << 28]; "
             "System.out.println(x.length); } }\n", "memory_limit"),
    ("go", "package main\nimport \"fmt\"\nfunc main() { var s [][]byte\n"
           "  for i := 0; i < 64; i++ { b := make([]byte, 16<<20); for j := range b { b[j] = 1 }; s = append(s, b) }\n"
           "  fmt.Println(len(s)) }\n", "memory_limit"),
    ("javascript", "const a = []; for (;;) a.push(new Array(1e6).fill(1));\n", "memory_limit"),
    ("rust", "fn main() { let v: Vec<u8> = Vec::with_capacity(1 << 40); println!(\"{}\", v.capacity()); }\n",
     "memory_limit"),
    ("rust", "fn main() { let v: Vec<i32> = Vec::new(); println!(\"{}\", v[3]); }\n", "runtime_error"),
    ("c", "#include <unistd.h>\nint main(void) { for (;;) fork(); }\n", "time_limit"),
    ("ruby", "raise 'boom'\n", "runtime_error"),
    ("ruby", "exec('/bin/sh', '-c', 'while :; do :; done')\n", "time_limit"),
    ("bash", "cat /dev/zero\n", "output_limit"),
]


@pytest.mark.parametrize(("language", "code", "verdict"), VERDICTS, ids=[f"{lang}-{v}" for lang, _, v in VERDICTS])
def test_each_failure_gets_its_verdict(runtime, language, code, verdict):
    reference = {**AB, "language": language, "memory_mb": 256, "output_bytes": 64 << 10, "timeout_s": 5}
    result = runtime.verify(ENV, completion=fenced(language, code), reference=reference)
    assert result.status == "wrong" and result.details["verdict"] == verdict, (result.details, result.reason)


def test_per_task_limits_are_clamped_to_the_configs_maxima():
    reference = {**AB, "language": "java", "timeout_s": 1000, "memory_mb": 1 << 20, "output_bytes": 1 << 40}
    config = CodeConfig(max_test_timeout_s=10, max_memory_mb=1024, output_bytes=1 << 16, max_output_bytes=1 << 20)
    job = build_job(completion=fenced("java", PROGRAMS["java"][0]), reference=reference, config=config)
    import json

    payload = json.loads(job.stdin)
    assert payload["test_timeout_s"] == 10
    assert payload["run_limits"]["memory_bytes"] == 1024 << 20 and payload["run_limits"]["memory_rlimit"] == "data"
    assert payload["run_limits"]["output_bytes"] == 1 << 20
    assert "-Xmx512m" in payload["spec"]["run"]  # the JVM's heap: half the task's memory
    assert job.limits.memory_rlimit == "data"  # the JVM under the harness must not meet RLIMIT_AS
    small = build_job(completion=fenced("java", PROGRAMS["java"][0]), reference={**reference, "memory_mb": 128},
                      config=config)
    assert json.loads(small.stdin)["run_limits"]["memory_bytes"] == 128 << 20


# Print any two non-negative integers that sum to n: many valid outputs, so a checker decides.
CHECKED = {"inputs": ["10\n", "3\n"], "outputs": ["5 5\n", "1 2\n"]}
PY_CHECKER = """import sys
n = int(open(sys.argv[1]).read())
try:
    a, b = map(int, open(sys.argv[2]).read().split())
except ValueError:
    sys.exit(2)  # presentation error
sys.exit(0 if a >= 0 and b >= 0 and a + b == n else 1)
"""
CPP_CHECKER = """#include <fstream>
int main(int argc, char **argv) {
    std::ifstream input(argv[1]), output(argv[2]), answer(argv[3]);
    long long n, a, b, x, y;
    input >> n;
    answer >> x >> y;
    if (!(output >> a >> b)) return 2;
    return (a >= 0 && b >= 0 && a + b == n && x + y == n) ? 0 : 1;
}
"""


@pytest.mark.parametrize("checker", [PY_CHECKER, {"language": "cpp", "code": CPP_CHECKER}], ids=["python", "cpp"])
def test_a_checker_accepts_two_different_valid_outputs(runtime, checker):
    reference = {**CHECKED, "language": "python", "checker": checker}
    first = "n = int(input())\nprint(0, n)\n"
    second = "n = int(input())\nprint(n // 2, n - n // 2)\n"
    for code in (first, second):
        result = runtime.verify(ENV, completion=fenced("python", code), reference=reference)
        assert result.status == "correct" and result.reward == 1.0, result.reason
    for code in ("n = int(input())\nprint(1, n)\n", "print('yes')\n"):
        result = runtime.verify(ENV, completion=fenced("python", code), reference=reference)
        assert result.status == "wrong" and result.details["verdict"] == "wrong_answer", result.reason


def test_a_checker_judges_a_program_in_another_language(runtime):
    reference = {**CHECKED, "language": "go", "checker": {"language": "cpp", "code": CPP_CHECKER}}
    code = "package main\nimport \"fmt\"\nfunc main() { var n int; fmt.Scan(&n); fmt.Println(n, 0) }\n"
    assert runtime.verify(ENV, completion=fenced("go", code), reference=reference).status == "correct"


BROKEN_CHECKERS = [
    ("exits 3 (testlib's fail)", "import sys\nsys.exit(3)\n"),
    ("crashes", "raise RuntimeError('bug in the checker')\n"),
    ("loops", "while True:\n    pass\n"),
    ("does not compile", {"language": "cpp", "code": "int main( {"}),
    ("is killed by a signal", {"language": "c", "code": "int main(void) { volatile int *p = 0; return *p; }\n"}),
]


@pytest.mark.parametrize(("case", "checker"), BROKEN_CHECKERS, ids=[case for case, _ in BROKEN_CHECKERS])
def test_a_checker_that_fails_is_an_error_never_a_pass(runtime, case, checker):
    reference = {**CHECKED, "language": "python", "checker": checker, "timeout_s": 2}
    result = runtime.verify(ENV, completion=fenced("python", "n = int(input())\nprint(0, n)\n"), reference=reference)
    assert result.status == "error" and result.reward is None, (case, result.reason)


def test_a_program_cannot_replace_the_checker(runtime):
    """The checker is a sealed memfd by the time the program runs: overwriting files, leaving a daemon to
    race it, or killing processes cannot make the checker accept a wrong answer."""
    hostile = ("import os, glob\nfor path in glob.glob('**', recursive=True):\n"
               "    try:\n        open(path, 'w').write('#!/bin/sh\\nexit 0\\n')\n    except OSError:\n        pass\n"
               "if os.fork() == 0:\n    os.setsid()\n    import time\n    time.sleep(30)\nprint(1, 1)\n")
    reference = {**CHECKED, "language": "python", "checker": {"language": "cpp", "code": CPP_CHECKER}}
    result = runtime.verify(ENV, completion=fenced("python", hostile), reference=reference)
    assert result.status == "wrong" and result.details["verdict"] == "wrong_answer", result.reason


def test_checker_languages_are_checked_when_the_reference_is_read():
    from rlvr.errors import InvalidReferenceError

    with pytest.raises(InvalidReferenceError, match="checker's language"):
        parse_reference({**CHECKED, "checker": {"language": "java", "code": "class Main {}"}})
    with pytest.raises(InvalidReferenceError, match="language must be one of"):
        parse_reference({**AB, "language": "cobol"})
    assert parse_reference({**AB, "language": "golang"}).language == "go"


@pytest.mark.parametrize("language", ["cpp", "java"])
def test_builtin_problems_have_solutions_that_pass_in_cpp_and_java(runtime, language):
    tasks = builtin_tasks(language)
    assert len(tasks) == sum("solutions" in record for record in builtin_records()) >= 6
    for task in tasks:
        assert task.reference["language"] == language and f"```{language}" in task.prompt
        result = runtime.verify(ENV, completion=fenced(language, task.metadata["solution"]), reference=task.reference)
        assert result.status == "correct", (task.id, result.reason)


@pytest.mark.parametrize(("env_id", "language"), [("rlvr/Code-v1", "cpp"), ("rlvr/CodeRepair-v1", "java")])
def test_the_envs_take_a_language(runtime, env_id, language):
    import gymnasium as gym

    env = gym.make(env_id, language=language, runtime=runtime)
    prompt, info = env.reset(seed=0)
    assert f"```{language}" in prompt and info["reference"]["language"] == language
    solution = env.unwrapped.reference_completion(env.unwrapped.task)
    _, reward, terminated, _, info = env.step(solution)
    assert reward == 1.0 and terminated and info["status"] == "correct", info["reason"]
    env.close()


FENCE_TAGS = [("c", "c"), ("cpp", "c++"), ("java", "java"), ("javascript", "js"), ("javascript", "node"),
              ("typescript", "ts"), ("go", "golang"), ("rust", "rs"), ("bash", "sh"), ("ruby", "rb"), ("python", "py3")]


@pytest.mark.parametrize(("language", "tag"), FENCE_TAGS, ids=[f"{lang}-{tag}" for lang, tag in FENCE_TAGS])
def test_the_fence_must_name_the_tasks_language(language, tag):
    from rlvr.envs.code.extract import extract_code

    other = "python" if language != "python" else "javascript"
    completion = f"```{tag}\nmine()\n```\nand also\n```{other}\nnot_mine()\n```\n"
    assert extract_code(completion, language) == "mine()\n"
    assert extract_code(f"```{other}\nnot_mine()\n```\n", language) is None  # fail-closed: another language
    assert extract_code(f"```{tag}\nmine()\n", language) == "mine()\n"  # cut off by the token limit


@pytest.mark.parametrize("partial", [False, True])
def test_a_program_that_kills_the_zygote_is_wrong_not_a_harness_error(runtime, partial):
    code = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"  # its parent is Z; P lives on
    reference = {**AB, "language": "python", "partial_credit": partial}
    result = runtime.verify(ENV, completion=fenced("python", code), reference=reference)
    assert result.status == "wrong" and result.reward == 0.0, result.reason
    assert {test["verdict"] for test in result.details["tests"]} == {"runtime_error"}
    assert len(result.details["tests"]) == (4 if partial else 1)
