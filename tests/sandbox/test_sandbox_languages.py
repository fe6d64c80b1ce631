"""Every language of the table on the real docker backend: it runs, and its hostile programs (fork bombs,
memory, threads, panics, exec, loops) meet the same limits while the pool stays healthy.

Needs the executor image with the toolchains (.ci/setup-docker.sh builds it)."""

from __future__ import annotations

import pytest

from rlvr.sandbox import LANGUAGES, ExecStatus, Limits, Sandbox

LIMITS = Limits(wall_time_s=4, cpu_time_s=4, memory_bytes=256 << 20, processes=32, output_bytes=64 << 10)

HELLO = {
    "python": "print(input() * 2)",
    "python-subprocess": "print(input() * 2)",
    "c": '#include <stdio.h>\nint main(void) { char s[8]; scanf("%7s", s); printf("%s%s\\n", s, s); }\n',
    "cpp": "#include <iostream>\n#include <string>\n"
           "int main() { std::string s; std::cin >> s; std::cout << s + s << '\\n'; }\n",
    "java": "public class Main { public static void main(String[] a) {\n"
            "  String s = new java.util.Scanner(System.in).next(); System.out.println(s + s); } }\n",
    "javascript": "const s = require('fs').readFileSync(0, 'utf8').trim(); console.log(s + s);\n",
    "typescript": "const s: string = require('fs').readFileSync(0, 'utf8').trim();\nconsole.log(s + s);\n",
    "go": 'package main\nimport "fmt"\nfunc main() { var s string; fmt.Scan(&s); fmt.Println(s + s) }\n',
    "rust": "fn main() { let mut s = String::new(); std::io::stdin().read_line(&mut s).unwrap();\n"
            "  let s = s.trim(); println!(\"{}{}\", s, s); }\n",
    "bash": 'read s\necho "$s$s"\n',
    "ruby": "s = gets.strip\nputs s + s\n",
}

# (language, program, the statuses it may end with): each must end within the limits, never ok.
HOSTILE = [
    ("c", "#include <unistd.h>\nint main(void) { for (;;) fork(); }\n", {"timeout"}),
    ("c", "#include <stdlib.h>\n#include <string.h>\nint main(void) { for (;;) { char *p = malloc(1 << 20);"
          " if (!p) return 1; memset(p, 1, 1 << 20); } }\n", {"runtime_error", "memory_limit"}),
    ("cpp", "#include <thread>\n#include <vector>\nint main() { std::vector<std::thread> t;"
            " for (;;) t.emplace_back([] { for (;;) {} }); }\n", {"runtime_error", "timeout", "memory_limit"}),
    ("java", "public class Main { public static void main(String[] a) {\n"
             "  java.util.List<long[]> l = new java.util.ArrayList<>(); for (;;) l.add(new long[1 << 20]); } }\n",
     {"memory_limit"}),
    ("java", "public class Main { public static void main(String[] a) { for (;;) new Thread(() -> {"
             " try { Thread.sleep(100000); } catch (Exception e) {} }).start(); } }\n",
     {"runtime_error", "memory_limit", "timeout"}),
    ("go", 'package main\nimport "fmt"\nfunc main() { var s [][]byte\n'
           "  for { b := make([]byte, 16<<20); for i := range b { b[i] = 1 }; s = append(s, b); fmt.Print(\"\") } }\n",
     {"memory_limit"}),
    ("go", "package main\nimport \"time\"\n"
           "func main() { for { go func() { for {} }(); time.Sleep(0) } }\n",
     {"timeout", "runtime_error", "memory_limit"}),
    ("javascript", "const { Worker } = require('worker_threads');\n"
                   "for (;;) new Worker('for (;;) {}', { eval: true });\n",
     {"runtime_error", "memory_limit", "timeout"}),
    ("javascript", "const a = []; for (;;) a.push(new Array(1e6).fill(1));\n", {"memory_limit"}),
    ("typescript", "const a: number[][] = []; for (;;) a.push(new Array(1e6).fill(1));\n", {"memory_limit"}),
    ("rust", "fn main() { let v: Vec<i32> = Vec::new(); println!(\"{}\", v[1]); }\n", {"runtime_error"}),
    ("rust", "fn main() { let mut v = Vec::new(); loop { v.push(vec![1u8; 1 << 20]); } }\n", {"memory_limit"}),
    ("rust", "fn main() { loop { std::thread::spawn(|| loop {}); } }\n", {"runtime_error", "timeout"}),
    ("ruby", "exec('/bin/sh', '-c', 'while :; do :; done')\n", {"timeout"}),
    ("ruby", "loop { fork { sleep } }\n", {"runtime_error", "timeout"}),
    ("ruby", "a = []; loop { a << ('x' * (1 << 20)) }\n", {"memory_limit", "runtime_error"}),
    ("bash", "while :; do :; done\n", {"timeout"}),
    ("bash", ":(){ :|:& };:\n", {"timeout", "ok", "runtime_error"}),
    ("bash", "yes\n", {"output_limit"}),
]


@pytest.fixture(scope="module")
def box():
    with Sandbox("docker", executors=1, slots=4, limits=LIMITS) as sandbox:
        yield sandbox


def test_every_language_in_the_table_runs(box):
    names = sorted({spec.name for spec in LANGUAGES.values()})
    assert len(names) >= 11  # ten languages, and python-subprocess
    results = box.run_many([{"code": HELLO[name], "language": name, "stdin": "ab\n"} for name in names])
    for name, result in zip(names, results, strict=True):
        assert result.status is ExecStatus.OK and result.stdout == "abab\n", (name, result)


def test_a_compile_error_is_the_compile_phase(box):
    result = box.run("int main() { return }", language="c")
    assert result.status is ExecStatus.RUNTIME_ERROR and result.phase == "compile" and "error" in result.stderr


@pytest.mark.parametrize(("language", "code", "statuses"), HOSTILE,
                         ids=[f"{language}-{index}" for index, (language, _, _) in enumerate(HOSTILE)])
def test_hostile_programs_meet_the_limits(box, language, code, statuses):
    heals = box.heals
    result = box.run(code, language=language)
    assert result.status.value in statuses, (language, result.status, result.reason, result.stderr[-500:])
    assert result.phase == "run", result.stderr  # it compiled: the program itself met the limit
    assert result.wall_time_s < LIMITS.wall_time_s + 2
    # The pool stays healthy: the next job on the same executor runs normally, nothing was replaced.
    after = box.run_many([{"code": HELLO[language], "language": language, "stdin": "ok\n"}] * 2)
    assert all(r.status is ExecStatus.OK and r.stdout == "okok\n" for r in after), after
    assert box.heals == heals
