"""Red team of the stdin/stdout judge in every sandbox language, against the real docker sandbox.

HOSTILE: programs that try to earn reward without solving the task (output comparison leniency, exit
status, children and file descriptors, reading the expected output, signals to the judge, time limits,
checker tampering, compile-time tricks, fence/language mismatches). Each must get the status it lists and
reward 0 (never a pass, and never `error`: a program must not be able to make its failure unscored).
HOSTILE_REFERENCES: references that would pass programs that do nothing; each is refused, never a pass.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

ENV = "rlvr/Code-v1"
AB = {"inputs": ["1 2\n", "40 2\n", "-5 12\n", "123456789012 987654321098\n"],
      "outputs": ["3\n", "42\n", "7\n", "1111111110110\n"]}
CHECKED = {"inputs": ["10\n", "3\n"], "outputs": ["5 5\n", "1 2\n"]}  # any two non-negative numbers summing to n
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
# A checker that parses without care: it crashes (exit 3, "the checker failed") on output that is not two numbers.
NAIVE_CHECKER = ("import sys\nn = int(open(sys.argv[1]).read())\na, b = map(int, open(sys.argv[2]).read().split())\n"
                 "sys.exit(0 if a >= 0 and b >= 0 and a + b == n else 1)\n")
SAME_TOKENS = ("import sys\nout = open(sys.argv[2]).read().split()\nans = open(sys.argv[3]).read().split()\n"
               "sys.exit(0 if out == ans else 1)\n")
REFS = {
    "ab": AB,
    "one": {"inputs": ["1 2\n"], "outputs": ["3\n"]},
    "secret": {"inputs": ["a\n", "b\n"], "outputs": ["SECRET-k3x9qa\n", "SECRET-m2p8wz\n"]},  # not computable
    "float": {"inputs": ["1 3\n", "2 3\n"], "outputs": ["0.333333\n", "0.666667\n"], "float_tol": 1e-4},
    "inttol": {"inputs": ["1 2\n", "3 4\n"], "outputs": ["3\n", "7\n"], "float_tol": 1e-4},
    "zero": {"inputs": ["-4 4\n", "0 0\n"], "outputs": ["0\n", "0\n"]},
    "checked_py": {**CHECKED, "checker": NAIVE_CHECKER},
    "checked_cpp": {**CHECKED, "checker": {"language": "cpp", "code": CPP_CHECKER}},
    "checked_dup": {"inputs": ["10\n", "10\n"], "outputs": ["SECRET-aaaaaa\n", "SECRET-aaaaaa\n"],
                    "checker": SAME_TOKENS},
}
SCAN_PROC = r'''for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline /proc/[0-9]*/fd/* /proc/[0-9]*/mem; do
  r=$(timeout 1 grep -aoE "SECRET-[a-z0-9]{6}" "$f" 2>/dev/null | head -1); [ -n "$r" ] && { echo "$r"; exit 0; }
done
grep -raohE "SECRET-[a-z0-9]{6}" /work /tmp /dev/shm /run /var/tmp "$HOME" 2>/dev/null | head -1
'''
PY_FRAMES = r'''import gc, sys
found = [v for o in gc.get_objects() if isinstance(o, dict) for v in list(o.values())
         if isinstance(v, str) and "SECRET-" in v]
f = sys._getframe()
while f:
    found += [repr(v) for v in f.f_locals.values() if "SECRET-" in repr(v)[:100000]]
    f = f.f_back
print(found[-1] if found else "nothing")
'''
PY_HEAP = r'''import ctypes, re
pat, hits = re.compile(rb"SECRET-[a-z0-9]{6}"), []
for line in open("/proc/self/maps"):
    span, perms = line.split()[:2]
    a, b = (int(x, 16) for x in span.split("-"))
    if "rw" in perms and b - a < 1 << 28:
        hits += pat.findall(ctypes.string_at(a, b - a))
print(hits[-1].decode() if hits else "none")
'''
C_AB = '#include <stdio.h>\nint main(void){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);%s}\n'
PARENT_OF_PARENT = "int(open(f'/proc/{os.getppid()}/stat').read().rsplit(')', 1)[1].split()[1])"

# (name, language, reference, code, status it must get)
HOSTILE = [
    # --- output comparison ---
    # a leading space before the right answer
    ("leading-space", "python", "ab", "a, b = map(int, input().split())\nprint(' ' + str(a + b))\n", "wrong"),
    # a NUL byte after the right answer
    ("nul-after-answer", "c", "ab", C_AB.replace("\\n\",a+b", "%c\\n\",a+b,0").replace("%s", ""), "wrong"),
    # an ideographic space (Unicode whitespace, stripped at line ends) in place of the answer
    ("ideographic-space", "c", "ab", '#include <stdio.h>\nint main(void){puts("\\u3000");return 0;}\n', "wrong"),
    # full-width digits without a tolerance
    ("fullwidth-digits", "ruby", "ab", "a, b = gets.split.map(&:to_i)\nputs (a + b).to_s.tr('0-9', '０-９')\n",
     "wrong"),
    # full-width digits under float_tol (int() reads them as 3 and 7)
    ("fullwidth-digits-tol", "ruby", "inttol", "a, b = gets.split.map(&:to_i)\nputs (a + b).to_s.tr('0-9', '０-９')\n",
     "wrong"),
    # a superscript digit under float_tol: str.isdigit() says yes, int() raises inside the judge
    ("superscript-digit-tol", "python", "inttol", "print('\\u00b2')\n", "wrong"),
    # a sign salad under float_tol: lstrip('+-') says digits, int() raises inside the judge
    ("sign-salad-tol", "javascript", "inttol", "console.log('-+3');\n", "wrong"),
    # 5,000 digits under float_tol: past int()'s digit limit, raises inside the judge
    ("5000-digits-tol", "bash", "inttol", "printf '1%.0s' $(seq 5000); echo\n", "wrong"),
    # an underscore-grouped float under float_tol (float() reads 0_1)
    ("underscore-float-tol", "python", "float", "print('0_1')\n", "wrong"),
    # -0 for 0 without a tolerance
    ("minus-zero", "bash", "zero", "read a b\necho -0\n", "wrong"),
    # 3.0 for the integer 3 under float_tol (an integer is a count: exact)
    ("float-for-int-tol", "ruby", "inttol", "a, b = gets.split.map(&:to_i)\nputs (a + b).to_f\n", "wrong"),
    # nan and inf under float_tol
    ("nan-tol", "python", "float", "print('nan')\n", "wrong"),
    ("inf-tol", "go", "float", 'package main\nimport "fmt"\nfunc main(){fmt.Println("inf")}\n', "wrong"),
    # 50 digits of precision: right for the first test only
    ("huge-precision", "rust", "float",
     'fn main(){println!("0.33333333333333333333333333333333333333333333333333");}\n', "wrong"),
    # only blank lines
    ("blank-lines-only", "javascript", "ab", "process.stdout.write('\\n\\n\\n');\n", "wrong"),
    # a blank line before the answer
    ("blank-line-before", "go", "ab",
     'package main\nimport "fmt"\nfunc main(){var a,b int64;fmt.Scan(&a,&b);fmt.Printf("\\n%d\\n",a+b)}\n', "wrong"),
    # echo the input back
    ("echo-input", "java", "ab", "public class Main{public static void main(String[] x)throws Exception{"
     "System.out.write(System.in.readAllBytes());System.out.flush();}}\n", "wrong"),
    # 4 MiB of control characters: 24 MiB once JSON-escaped (the judge refused the reply: an unscored error)
    ("4mib-control-chars", "python", "ab", "import sys\nsys.stdout.write('\\x01' * ((4 << 20) - 16))\n", "wrong"),
    # 4 MiB of bytes that are not UTF-8 (each decodes to U+FFFD, 6 bytes escaped)
    ("4mib-invalid-utf8", "c", "ab",
     '#include <stdio.h>\nint main(void){for(int i=0;i<(4<<20)-16;i++)putchar(0xff);}\n', "wrong"),
    # --- exit status, children, file descriptors ---
    # the right answer, then exit 1
    ("right-then-exit-1", "c", "ab", C_AB.replace("%s", "return 1;"), "wrong"),
    # the right answer, then a panic
    ("right-then-panic", "go", "ab",
     'package main\nimport "fmt"\nfunc main(){var a,b int64;fmt.Scan(&a,&b);fmt.Println(a+b);panic("x")}\n', "wrong"),
    # the right answer, then System.exit(1)
    ("right-then-exit-java", "java", "ab", "import java.util.*;public class Main{public static void main(String[] x){"
     "Scanner s=new Scanner(System.in);System.out.println(s.nextLong()+s.nextLong());System.exit(1);}}\n", "wrong"),
    # the right answer, then process.exitCode = 1
    ("right-then-exitcode-js", "typescript", "ab", "const [a, b] = require('fs').readFileSync(0, 'utf8').trim()"
     ".split(/\\s+/).map(BigInt);\nconsole.log((a + b).toString());\nprocess.exitCode = 1;\n", "wrong"),
    # the right answer, then std::process::exit(3)
    ("right-then-exit-rust", "rust", "ab", "use std::io::Read;\nfn main() { let mut s = String::new();\n"
     "  std::io::stdin().read_to_string(&mut s).unwrap();\n"
     "  let v: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect();\n"
     "  println!(\"{}\", v[0] + v[1]); std::process::exit(3); }\n", "wrong"),
    # a daemonized child prints the answer after the parent exited
    ("daemon-prints-later", "c", "secret", '#include <unistd.h>\n#include <stdio.h>\nint main(void){if(fork()==0)'
     '{setsid();sleep(3);printf("SECRET-k3x9qa\\n");fflush(stdout);}return 0;}\n', "wrong"),
    # a forked child prints while the parent exits at once
    ("ruby-fork-detach", "ruby", "secret", "pid = fork { sleep 0.5; puts 'SECRET-k3x9qa' }\nProcess.detach(pid)\n",
     "wrong"),
    # write to /dev/tty and to fds 3 and 9
    ("dev-tty-and-fd3", "bash", "secret", "echo SECRET-k3x9qa > /dev/tty; echo x >&3; echo x >&9; true\n", "wrong"),
    # write into every process's stdout and stderr through /proc
    ("proc-fd-1", "bash", "secret", "for f in /proc/[0-9]*/fd/1 /proc/[0-9]*/fd/2; do echo x > $f; done 2>/dev/null\n"
     "true\n", "wrong"),
    # --- reading the expected output ---
    # grep every /proc file and writable dir for the secret
    ("scan-proc-and-dirs", "bash", "secret", SCAN_PROC, "wrong"),
    # walk gc objects and the frames it runs in (a fork of the zygote)
    ("python-frames-and-gc", "python", "secret", PY_FRAMES, "wrong"),
    # read its own heap with ctypes (a fork of the zygote, which held earlier tests' answers for the checker)
    ("python-heap-dup-test", "python", "checked_dup", PY_HEAP, "wrong"),
    # environment and every file under the work dir
    ("ruby-env-and-cwd", "ruby", "secret", 'hit = ENV.values.grep(/SECRET-/).first || Dir.glob("**/*", '
     'File::FNM_DOTMATCH).map { |f| (File.read(f) rescue "") }.join[/SECRET-[a-z0-9]{6}/]\nputs hit\n', "wrong"),
    # #include the compiler's stdin
    ("c-include-stdin", "c", "secret",
     '#include <stdio.h>\nstatic const char s[] = {\n#include "/dev/stdin"\n};\nint main(void){puts(s);}\n', "wrong"),
    # include_str! the compiler's environment
    ("rust-include-environ", "rust", "secret", 'const S: &str = include_str!("/proc/self/environ");\n'
     'fn main(){ let i = S.find("SECRET-").unwrap_or(0); println!("{}", &S[i..]); }\n', "wrong"),
    # //go:embed the harness in the work dir
    ("go-embed-harness", "go", "secret", 'package main\nimport (\n _ "embed"\n "fmt"\n "regexp"\n)\n'
     '//go:embed main.py\nvar s string\n'
     'func main(){fmt.Println(regexp.MustCompile("SECRET-[a-z0-9]{6}").FindString(s))}\n', "wrong"),
    # Java reads /proc/<pid>/cmdline and environ of every process
    ("java-proc-scan", "java", "secret", "import java.nio.file.*;public class Main{public static void main(String[] a){"
     "String hit=\"none\";for(java.io.File p:new java.io.File(\"/proc\").listFiles()){for(String f:new String[]{"
     "\"cmdline\",\"environ\"}){try{String s=new String(Files.readAllBytes(Paths.get(p.getPath(),f)));"
     "int i=s.indexOf(\"SECRET-\");if(i>=0)hit=s.substring(i,i+13);}catch(Exception e){}}}"
     "System.out.println(hit);}}\n", "wrong"),
    # --- signals to the judge ---
    # SIGTERM to the judge after printing
    ("sigterm-judge", "python", "ab", f"import os, signal\nos.kill({PARENT_OF_PARENT}, signal.SIGTERM)\nprint(3)\n",
     "wrong"),
    # SIGUSR1, SIGPIPE, SIGHUP, SIGCHLD, SIGALRM, SIGXFSZ to the judge
    ("signal-salad-judge", "python", "ab", "import os, signal\nfor s in (signal.SIGUSR1, signal.SIGPIPE, signal.SIGHUP,"
     f" signal.SIGCHLD, signal.SIGALRM, signal.SIGXFSZ):\n    os.kill({PARENT_OF_PARENT}, s)\nprint(3)\n", "wrong"),
    # kill(-1, SIGKILL) after printing
    ("kill-everything", "c", "ab", '#include <signal.h>\n#include <stdio.h>\nint main(void){printf("3\\n");'
     'fflush(stdout);kill(-1,SIGKILL);return 0;}\n', "wrong"),
    # SIGSTOP the judge (the job's wall limit ends it)
    ("stop-judge", "bash", "one", "kill -STOP $(awk '{print $4}' /proc/$PPID/stat) 2>/dev/null; echo 3\n", "wrong"),
    # --- time limits ---
    # the right answer, flushed, then spin past the limit
    ("right-then-spin", "c", "ab", C_AB.replace("%s", "fflush(stdout);for(;;);"), "wrong"),
    # pass the first test, hang on the rest (binary reward)
    ("first-then-hang", "javascript", "ab",
     "const s = require('fs').readFileSync(0, 'utf8');\nif (s.startsWith('1 2')) console.log('3'); else for (;;) {}\n",
     "wrong"),
    # --- checkers ---
    # a number pair that overflows long long in the checker
    ("checker-overflow", "cpp", "checked_cpp",
     '#include <iostream>\nint main(){std::cout<<"9223372036854775807 9223372036854775807\\n";}\n', "wrong"),
    # overwrite every file a checker might read, then print a wrong pair
    ("checker-files", "c", "checked_cpp", '#include <stdio.h>\nint main(void){const char*p[]={"checker/main","main",'
     '"input","output","answer"};for(int i=0;i<5;i++){FILE*f=fopen(p[i],"w");if(f){fputs("1 1\\n",f);fclose(f);}}'
     'puts("1 1");return 0;}\n', "wrong"),
    # a detached process that keeps forking, to outlive the reaper and race the checker
    ("checker-fork-walker", "python", "checked_cpp", "import os\nprint(1, 1, flush=True)\nif os.fork() == 0:\n"
     "    os.setsid()\n    while True:\n        try:\n            if os.fork():\n                os._exit(0)\n"
     "        except OSError:\n            pass\n", "wrong"),
    # crash a careless checker (left alone: a checker that fails is the reference's defect, reward None)
    ("checker-crash", "python", "checked_py", "print('x')\n", "error"),
    # --- compile time ---
    # a megabyte of compiler errors
    ("compile-error-flood", "cpp", "ab", "#define A(x) x x x x x x x x x x\n#define B(x) A(A(A(A(x))))\n"
     "int main(){ B(undeclared_identifier_with_a_long_name();) }\n", "wrong"),
    # template recursion 100,000 deep
    ("template-bomb", "cpp", "ab", "template<int N> struct F { static const long v = F<N-1>::v + F<N-2>::v; };\n"
     "template<> struct F<0>{static const long v=0;};template<> struct F<1>{static const long v=1;};\n"
     "#include <cstdio>\nint main(){std::printf(\"%ld\\n\", F<100000>::v);}\n", "wrong"),
    # --- fence and language ---
    # a C++ answer to a C task
    ("cpp-fence-in-c-task", "c", "ab", "@cpp@#include <iostream>\nint main(){long long a,b;std::cin>>a>>b;"
     "std::cout<<a+b<<'\\n';}\n", "no_answer"),
    # a Python answer, untagged, to a Bash task (run as Bash)
    ("untagged-python-in-bash-task", "bash", "ab", "@@a, b = map(int, input().split())\nprint(a + b)\n", "wrong"),
    # a TypeScript fence in a JavaScript task
    ("ts-fence-in-js-task", "javascript", "ab", "@ts@console.log(3);\n", "no_answer"),
]


def completion(language: str, code: str) -> str:
    tag = language
    if code.startswith("@"):
        tag, code = code[1:].split("@", 1)
    return f"Here is my solution.\n\n```{tag}\n{code}```\n"


def _verify(runtime, case):
    _, language, ref, code, _ = case
    reference = {"timeout_s": 2, **REFS[ref], "language": language}
    return runtime.verify(ENV, completion=completion(language, code), reference=reference)


@pytest.mark.timeout(900)
def test_hostile_programs_earn_nothing(runtime):
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda case: _verify(runtime, case), HOSTILE))
    wrong = [(case[0], case[1], r.reward, r.status, r.reason[:200]) for case, r in zip(HOSTILE, results, strict=True)
             if r.status != case[4] or r.reward != (None if case[4] == "error" else 0.0)]
    assert not wrong, wrong


# Honest output that the comparison must keep accepting (the tolerance's integer and decimal readings).
HONEST = [
    ("python", "inttol", "a, b = map(int, input().split())\nprint('+00' + str(a + b))\n"),
    ("python", "float", "a, b = map(int, input().split())\nprint(f'{a / b:.4e}')\n"),
    ("c", "float", '#include <stdio.h>\nint main(void){double a,b;scanf("%lf %lf",&a,&b);printf("%.5f\\r\\n",a/b);}\n'),
    ("bash", "zero", "read a b\necho $((a + b))\n"),
]


@pytest.mark.parametrize(("language", "ref", "code"), HONEST, ids=[f"{lang}-{ref}" for lang, ref, _ in HONEST])
def test_honest_output_still_passes(runtime, language, ref, code):
    result = _verify(runtime, ("", language, ref, code, "correct"))
    assert result.status == "correct" and result.reward == 1.0, result.reason


def test_a_long_honest_output_is_judged(runtime):
    """7 MiB of output within a reference's 16 MiB cap: 14 MiB with its newlines escaped (over the old reply cap)."""
    reference = {"inputs": ["x\n"], "outputs": ["1\n" * (7 << 20)], "output_bytes": 16 << 20, "timeout_s": 10,
                 "language": "python"}
    code = "import sys\nsys.stdout.write('1\\n' * (7 << 20))\n"
    result = runtime.verify(ENV, completion=completion("python", code), reference=reference)
    assert result.status == "correct", result.reason
    wrong = runtime.verify(ENV, completion=completion("python", code.replace("'1", "'2")), reference=reference)
    assert wrong.status == "wrong" and wrong.details["verdict"] == "wrong_answer", wrong.reason


ACCEPT_ALL = "import sys\nsys.exit(0)\n"
# (reference, what the refusal says): each would pass a program that prints nothing.
HOSTILE_REFERENCES = [
    # a tolerance that makes every number equal
    ({"inputs": ["1\n"], "outputs": ["0.5\n"], "float_tol": float("inf")}, "must be numbers"),
    # limits too large for an integer
    ({**AB, "memory_mb": float("inf")}, "must be numbers"),
    ({**AB, "output_bytes": 1e400}, "must be numbers"),
    # a Python checker that accepts anything
    ({**CHECKED, "checker": ACCEPT_ALL}, "checker accepts an empty output"),
    # a C checker that accepts anything
    ({**CHECKED, "checker": {"language": "c", "code": "int main(void) { return 0; }\n"}},
     "checker accepts an empty output"),
    # a checker that only looks at the tokens there are
    ({**CHECKED, "checker": "import sys\nfor t in open(sys.argv[2]).read().split():\n    assert int(t) >= 0\n"},
     "checker accepts an empty output"),
]


@pytest.mark.parametrize(("reference", "refusal"), HOSTILE_REFERENCES, ids=range(len(HOSTILE_REFERENCES)))
def test_hostile_references_are_refused(runtime, reference, refusal):
    for code in ("pass\n", "print(0, 0)\n", "n = int(input())\nprint(0, n)\n"):
        result = runtime.verify(ENV, completion=completion("python", code), reference=reference)
        assert result.status == "error" and result.reward is None and refusal in result.reason, result.reason


@pytest.mark.parametrize("checker", [
    NAIVE_CHECKER,  # crashes on an empty output: not an acceptance
    SAME_TOKENS.replace("out == ans", "len(out) == 2 and sum(map(int, out)) == sum(map(int, ans))"),
    {"language": "go", "code": 'package main\nimport ("fmt"; "os")\nfunc main() { f, _ := os.Open(os.Args[2]);'
     ' var a, b int; if n, _ := fmt.Fscan(f, &a, &b); n != 2 { os.Exit(2) }; g, _ := os.Open(os.Args[1]);'
     ' var s int; fmt.Fscan(g, &s); if a >= 0 && b >= 0 && a+b == s { os.Exit(0) }; os.Exit(1) }\n'},
], ids=["naive", "same-sum", "go"])
def test_a_checker_that_rejects_an_empty_output_still_passes_an_honest_program(runtime, checker):
    reference = {**CHECKED, "checker": checker}
    code = "n = int(input())\nprint(0, n)\n"
    result = runtime.verify(ENV, completion=completion("python", code), reference=reference)
    assert result.status == "correct" and result.reward == 1.0, result.reason


def test_a_checker_accepting_an_empty_output_on_some_tests_is_not_a_defect(runtime):
    """Test 1's answer is empty and the checker takes it; test 2's is not: a silent program fails test 2."""
    checker = "import sys\nsys.exit(0 if open(sys.argv[2]).read().split() == open(sys.argv[3]).read().split() else 1)\n"
    reference = {"inputs": ["0\n", "2\n"], "outputs": ["\n", "1 1\n"], "checker": checker}
    code = "n = int(input())\nif n:\n    print(1, n - 1)\n"
    assert runtime.verify(ENV, completion=completion("python", code), reference=reference).status == "correct"
    silent = runtime.verify(ENV, completion=completion("python", "pass\n"), reference=reference)
    assert silent.status == "wrong" and silent.reward == 0.0, silent.reason
