"""The local backend: the same executor as a host process tree (development only, no isolation)."""

from __future__ import annotations

import asyncio

import pytest

from rlvr.sandbox import ExecStatus, Job, Limits, LimitsError, Sandbox

FAST = Limits(wall_time_s=2, cpu_time_s=2)


@pytest.fixture(scope="module")
def box():
    with Sandbox("local", slots=4, limits=FAST) as sandbox:
        yield sandbox


def test_runs_python_with_stdin(box):
    result = box.run("import sys\nprint(sys.stdin.read()[::-1])", stdin="olleh")
    assert result.status is ExecStatus.OK and result.stdout == "hello\n" and result.exit_code == 0
    assert result.wall_time_s > 0 and result.phase == "run"


def test_looks_like_a_fresh_script(box):
    code = ("import sys, os\nprint(__name__, sys.argv, os.path.basename(__file__))\n"
            "print(sys.path[0] == os.getcwd(), os.environ['HOME'] == os.getcwd())\nexit(3)")
    result = box.run(code)
    assert result.stdout == "__main__ ['main.py'] main.py\nTrue True\n"
    assert result.status is ExecStatus.RUNTIME_ERROR and result.exit_code == 3


def test_files_are_importable_from_the_work_dir(box):
    files = {"solution.py": "def f(x):\n    return x + 1\n", "data/in.bin": b"\x00\x01"}
    result = box.run("import solution\nprint(solution.f(1), open('data/in.bin','rb').read())", files=files)
    assert result.stdout == "2 b'\\x00\\x01'\n", result.stderr


def test_uncaught_exception_is_a_runtime_error_with_traceback(box):
    result = box.run("def f():\n    raise ValueError('boom')\nf()")
    assert result.status is ExecStatus.RUNTIME_ERROR and result.exit_code == 1
    assert "Traceback" in result.stderr and "ValueError: boom" in result.stderr


@pytest.mark.parametrize("code", ["while True: pass", "import time\ntime.sleep(100)"])
def test_timeout(box, code):
    result = box.run(code, limits=Limits(wall_time_s=1, cpu_time_s=1))
    assert result.status is ExecStatus.TIMEOUT and result.wall_time_s < 2.5


def test_memory_limit(box):
    assert box.run("x = bytearray(10**10)").status is ExecStatus.MEMORY_LIMIT


def test_output_limit_truncates_and_flags(box):
    result = box.run("while True: print('x' * 1000)", limits=FAST.replace(output_bytes=10_000))
    assert result.status is ExecStatus.OUTPUT_LIMIT and result.stdout_truncated
    assert len(result.stdout) == 10_000


def test_cpp_compiles_once_and_runs(box):
    code = "#include <iostream>\nint main(){long a,b; std::cin>>a>>b; std::cout<<a*b<<std::endl;}"
    result = box.run(code, language="cpp", stdin="6 7")
    assert result.status is ExecStatus.OK and result.stdout == "42\n", result.stderr
    broken = box.run("int main( {", language="cpp")
    assert broken.status is ExecStatus.RUNTIME_ERROR and broken.phase == "compile"
    assert "error" in broken.stderr


def test_batch_results_keep_input_order(box):
    jobs = [Job(code=f"print({i})") for i in range(40)] + [{"code": "print('dict')"}]
    results = box.run_many(jobs)
    assert [r.stdout for r in results] == [f"{i}\n" for i in range(40)] + ["dict\n"]


def test_async_api(box):
    async def main():
        single = await box.arun("print('a')")
        many = await box.arun_many([{"code": f"print({i})"} for i in range(10)])
        return single, many

    single, many = asyncio.run(main())
    assert single.stdout == "a\n" and [r.stdout for r in many] == [f"{i}\n" for i in range(10)]


def test_bad_arguments_raise(box):
    with pytest.raises(LimitsError, match="unknown language"):
        box.run("x", language="cobol")
    with pytest.raises(LimitsError, match="relative paths"):
        box.run("x", files={"../escape.py": "x"})


def test_a_program_that_cannot_start_is_a_sandbox_error(box, monkeypatch):
    from rlvr.sandbox import LANGUAGES, LanguageSpec

    monkeypatch.setitem(LANGUAGES, "missing", LanguageSpec(name="missing", source="x", run=("/nonexistent/bin",)))
    result = box.run("x", language="missing")
    assert result.status is ExecStatus.SANDBOX_ERROR and "cannot start /nonexistent/bin" in result.reason
    assert box.run("print('still fine')").stdout == "still fine\n"


def test_a_client_of_another_protocol_version_is_refused_clearly(box):
    from rlvr.sandbox.client import PROTOCOL, Channel

    channel = Channel(box.provider.socket_paths[0])
    try:
        old_style = {"code": "print(1)", "stdin": "", "files": {}}  # protocol 1 sent stdin inside the JSON
        reply = channel.request(old_style, timeout_s=5)
    finally:
        channel.close()
    assert reply["status"] == "sandbox_error" and f"protocol {PROTOCOL}" in reply["reason"]
    assert box.run("print('fine')").stdout == "fine\n"


def _copies_in_memory(pid: int, tokens: list[bytes]) -> list[int]:
    counts = [0] * len(tokens)
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for line in maps:
            bounds, perms = line.split()[:2]
            if "r" not in perms or "[v" in line:
                continue
            low, high = (int(x, 16) for x in bounds.split("-"))
            try:
                mem.seek(low)
                data = mem.read(high - low)
            except (OSError, ValueError, OverflowError):
                continue
            counts = [count + data.count(token) for count, token in zip(counts, tokens, strict=True)]
    return counts


def test_the_handler_keeps_nothing_of_a_job_in_its_memory():
    """Every job is forked from its connection's handler, which also writes the job's code, stdin and
    files out and relays its output: all of that is zeroed before the next fork, so the next job (a
    copy of the handler's memory) cannot find it. Read the handler's memory from outside after a job."""
    import os
    import subprocess
    import time

    secrets = [os.urandom(8).hex() for _ in range(5)]
    code, stdin, file, out, err = secrets
    pad = "-" * 3000  # not at a buffer's start, where a freed block's first bytes are the allocator's
    program = f"import sys\n# {code}\nprint('{pad}{out}')\nprint('{pad}{err}', file=sys.stderr)"
    with Sandbox("local", slots=1) as one_slot:
        result = one_slot.run(program, stdin=pad + stdin, files={"data.txt": pad + file})
        assert result.stdout == f"{pad}{out}\n" and result.stderr == f"{pad}{err}\n", result
        server = one_slot.provider._process.pid
        deadline = time.monotonic() + 10
        while True:  # a ping's connection has a handler of its own for a moment: wait for the job's alone
            handlers = subprocess.run(["pgrep", "-P", str(server)], capture_output=True, text=True).stdout.split()
            if len(handlers) == 1 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert len(handlers) == 1, handlers
        assert _copies_in_memory(int(handlers[0]), [s.encode() for s in secrets]) == [0] * 5
