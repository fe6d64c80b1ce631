"""The test harness that runs inside the sandbox (standard library only; never imported by rlvr).

Three processes, so the candidate never shares memory, file descriptors or output with the judge:

- P, the judge (this script's first process): forks Z *before* it reads anything, makes itself
  non-dumpable (no ptrace, no /proc/P/mem, /proc/P/fd or /proc/P/environ for processes of the same
  uid), then reads the payload (tests, expected outputs, the nonce) from stdin. It runs the trusted
  test code itself, with each candidate function replaced by a proxy that asks Z for a call and decodes
  the reply into plain built-in values (so `__eq__` overrides cannot survive), and prints one verdict
  line that starts with the nonce. Only P ever writes to the job's stdout.
- Z, the zygote: clean (forked before P read the payload; stdin and stdout replaced by /dev/null),
  it compiles the candidate once and forks a fresh worker W whenever one is needed, relays calls and
  enforces the per-test time limit by killing W.
- W, the worker: runs the candidate's code with stdin/stdout/stderr of its own (memfds or /dev/null)
  and no other file descriptor than its socket to Z.

Messages are 4-byte big-endian lengths followed by UTF-8 JSON.
"""

import builtins
import json
import math
import os
import select
import signal
import socket
import struct
import sys
import time
import types

MAX_REPLY = 16 << 20
MAX_DEPTH = 200  # nesting of a value crossing between the tests and the program
HEADER = struct.Struct(">I")
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
# The work dir (the script's dir) is writable by the candidate: never import from it.
_HERE = os.path.dirname(os.path.abspath(globals().get("__file__", "main.py")))  # run with -c: the cwd
sys.path[:] = [entry for entry in sys.path if entry not in ("", ".", _HERE, os.getcwd())]


# ---- framing ---------------------------------------------------------------------------------------

def send(sock, obj):
    body = json.dumps(obj).encode()
    sock.sendall(HEADER.pack(len(body)) + body)


def recv_exact(sock, size):
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def recv_raw(sock, limit=MAX_REPLY):
    header = recv_exact(sock, 4)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > limit:
        raise ValueError(f"a reply of {size} bytes is over the limit")
    return recv_exact(sock, size)


def recv(sock, limit=MAX_REPLY):
    body = recv_raw(sock, limit)
    return None if body is None else json.loads(body)


# ---- values across the process boundary ----------------------------------------------------------

def encode(value):
    """Plain data only: anything else is refused, so a reply can never carry behaviour."""
    if value is None or isinstance(value, bool):
        return None if value is None else bool(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        value = int.__index__(value)
        return value if -(1 << 53) < value < (1 << 53) else {"$": "int", "v": hex(value)}
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"$": "dict", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        return {"$": "frozenset" if isinstance(value, frozenset) else "set", "v": [encode(v) for v in value]}
    if isinstance(value, (bytes, bytearray)):
        import base64

        return {"$": "bytes", "v": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, complex):
        return {"$": "complex", "v": [value.real, value.imag]}
    raise TypeError(f"a value of type {type(value).__name__} cannot cross to the tests (plain data only)")


def decode(data, depth=0):
    """Rebuild exact built-in objects from `encode`'s JSON (P never holds a candidate-made object).

    Nesting is capped well below the recursion limit: a value that P could decode but not encode again
    (a test that passes the program's output back to it) would fail inside the judge, where a failure
    is blamed on the reference and masked instead of scored."""
    if depth > MAX_DEPTH:
        raise ValueError(f"a value nested deeper than {MAX_DEPTH} levels")
    if data is None or type(data) in (bool, int, float, str):
        return data
    depth += 1
    if type(data) is list:
        return [decode(item, depth) for item in data]
    if type(data) is not dict or set(data) != {"$", "v"}:
        raise ValueError("malformed value")
    tag, payload = data["$"], data["v"]
    if tag == "int" and type(payload) is str:
        return int(payload, 16)
    if tag == "tuple" and type(payload) is list:
        return tuple(decode(item, depth) for item in payload)
    if tag == "dict" and type(payload) is list:
        return {decode(k, depth): decode(v, depth) for k, v in (_pair(item) for item in payload)}
    if tag in ("set", "frozenset") and type(payload) is list:
        items = (decode(item, depth) for item in payload)
        return set(items) if tag == "set" else frozenset(items)
    if tag == "bytes" and type(payload) is str:
        import base64

        return base64.b64decode(payload.encode(), validate=True)
    if tag == "complex" and type(payload) is list and len(payload) == 2:
        return complex(float(payload[0]), float(payload[1]))
    raise ValueError(f"malformed value tagged {str(tag)[:20]!r}")


def _pair(item):
    if type(item) is not list or len(item) != 2:
        raise ValueError("malformed dict item")
    return item


def strict_equal(got, want, tol):
    """Type-aware equality: True is not 1, 1 is not 1.0 (unless a float tolerance is set), a list and a
    tuple are the same sequence (JSON has no tuples), floats compare within `tol` when it is set."""
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is bool and type(want) is bool and got == want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        if type(got) is not type(want) and not tol:
            return False
        if tol and isinstance(want, float):  # an int is a count: no tolerance makes 999999 a million
            return math.isclose(got, want, rel_tol=tol, abs_tol=tol)
        return got == want
    if isinstance(want, (list, tuple)) and isinstance(got, (list, tuple)):
        return len(got) == len(want) and all(strict_equal(g, w, tol) for g, w in zip(got, want, strict=False))
    if isinstance(want, dict) and isinstance(got, dict):
        return got.keys() == want.keys() and all(strict_equal(got[k], want[k], tol) for k in want)
    return type(got) is type(want) and got == want


# ---- W: the worker that runs candidate code -------------------------------------------------------

def _confine_fds(keep, stdin_fd, stdout_fd, stderr_fd):
    os.setpgid(0, 0)
    for target, fd in ((0, stdin_fd), (1, stdout_fd), (2, stderr_fd)):
        os.dup2(fd, target)
    keep = sorted(set(keep) | {0, 1, 2})
    for low, high in zip(keep, keep[1:] + [65536], strict=False):
        os.closerange(low + 1, high)
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", closefd=False)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it: past the output cap, die like a C program


def call_worker(code, sock):
    """Load the candidate as module `solution`, then answer calls until Z hangs up."""
    null = os.open(os.devnull, os.O_RDWR)
    _confine_fds([sock.fileno()], null, null, null)
    module = types.ModuleType("solution")
    sys.modules["solution"] = module
    try:
        exec(code, module.__dict__)
    except BaseException as exc:  # noqa: B036 - any failure while loading is the candidate's
        send(sock, {"load_error": describe(exc)})
        os._exit(0)
    send(sock, {"loaded": True})
    while True:
        message = recv(sock)
        if message is None:
            os._exit(0)
        try:
            function = module.__dict__.get(message["name"])
            if function is None:
                function = _solution_method(module, message["name"])
            if function is None:
                raise NameError(f"name {message['name']!r} is not defined")
            result = function(*decode(message["args"]), **decode(message["kwargs"]))
            reply = {"ok": encode(result)}
        except BaseException as exc:  # noqa: B036 - SystemExit inside a call is a failed call
            text = describe(exc) if isinstance(exc, SystemExit) else str(exc)[-1000:]
            reply = {"raise": [type(exc).__name__, text]}
        send(sock, reply)


def _solution_method(module, name):
    """LeetCode's shape: `class Solution` with the function as a method (a fresh instance per call)."""
    solution = module.__dict__.get("Solution")
    if isinstance(solution, type) and callable(getattr(solution, name, None)):
        return getattr(solution(), name)
    return None


def describe(exc):
    if isinstance(exc, SystemExit):
        return f"the program exited (SystemExit {exc.code!r})"
    import traceback

    lines = traceback.format_exception_only(type(exc), exc)
    return "".join(lines).strip()[-1000:]


def stdio_worker(program, stdin_fd, stdout_fd, stderr_fd, keep=()):
    """Run a built program once on this test's stdin: exec its argv (or its memfd), or a Python code object
    in this process as `python3 main.py` would run it."""
    _confine_fds(keep, stdin_fd, stdout_fd, stderr_fd)
    for fd in keep:
        os.set_inheritable(fd, True)
    if program.code is None:
        os.execve(program.memfd if program.memfd is not None else program.argv[0], program.argv, os.environ)
    module = types.ModuleType("__main__")
    module.__file__ = "main.py"
    sys.modules["__main__"] = module
    sys.argv = list(program.argv)
    status = 0
    try:
        exec(program.code, module.__dict__)
    except SystemExit as exc:
        status = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: B036 - reported like the interpreter does
        import traceback

        traceback.print_exc()
        status = program.crash_status
    try:  # as the interpreter does at exit: `threading.Thread(target=main).start()` is a common idiom
        if "threading" in sys.modules:
            sys.modules["threading"]._shutdown()
        import atexit

        atexit._run_exitfuncs()
    except BaseException:  # noqa: B036
        status = status or 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: B036
            pass
    os._exit(status & 0xFF)


class Program:
    """A built program: a Python code object run in a fork of Z, an argv to exec in the work dir, or (a
    checker) a sealed memfd holding its executable, which nothing the candidate runs can reach or change.
    `crash_status` is the exit status of Python code that raises: 1 as in the interpreter, 3 for a checker
    (testlib's "the checker failed", where 1 would mean "wrong answer")."""

    def __init__(self, argv, code=None, memfd=None, crash_status=1):
        self.argv, self.code, self.memfd, self.crash_status = list(argv), code, memfd, crash_status


def sealed_memfd(path):
    """The file's bytes in a memfd that can never be written again (the checker's executable)."""
    import fcntl

    fd = os.memfd_create("checker", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    with open(path, "rb") as handle:
        data = handle.read()
    while data:
        data = data[os.write(fd, data):]
    fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW |
                fcntl.F_SEAL_SEAL)
    return fd


def missing_tool(specs):
    """The first compiler or interpreter of these languages that this sandbox does not have, or None."""
    for spec in specs:
        tools = [] if spec.get("inprocess") else [spec["run"][0]]
        for tool in tools + list(spec.get("compile") or ())[:1]:
            if not tool.startswith("./") and not os.access(tool, os.X_OK):
                return tool
    return None


def remove_tree(path):
    for root, dirs, files in os.walk(path, topdown=False):
        for name in files:
            os.unlink(os.path.join(root, name))
        for name in dirs:
            os.rmdir(os.path.join(root, name))
    os.rmdir(path)


# ---- Z: the zygote ---------------------------------------------------------------------------------

class Zygote:
    def __init__(self, sock):
        self.sock = sock
        self.code = None
        self.program = None
        self.checker = None
        self.limits = {}
        self.oom_markers = []
        self.output = b""  # the last run's stdout, for the checker
        self.worker = None  # (pid, socket)
        self.load_error = None

    def serve(self):
        init = recv(self.sock)
        if init is None:
            return
        self.limits = init["run_limits"]
        self.oom_markers = [marker.encode() for marker in init.get("oom_markers") or ()]
        reply = {"ok": True}
        tool = missing_tool([init["spec"], *([init["checker"]["spec"]] if init.get("checker") else [])])
        if tool:  # the sandbox lacks a toolchain: not the program's fault
            reply = {"missing_tool": f"{tool} is not installed in the sandbox"}
        elif init.get("checker"):
            checker = init["checker"]
            self.checker, error = self.build(checker["spec"], checker["source"], "checker", init["compile_limits"])
            reply = {"checker_error": error} if error else reply
        if reply.get("ok"):
            self.program, error = self.build(init["spec"], init["source"], ".", init["compile_limits"])
            self.code = self.program.code if self.program else None
            reply = {"compile_error": error} if error else reply
        send(self.sock, reply)
        while True:
            message = recv(self.sock)
            if message is None:
                return
            if message["op"] == "call":
                send(self.sock, self.call(message))
            elif message["op"] == "run":
                send(self.sock, self.run(message))
            elif message["op"] == "check":
                send(self.sock, self.check(message))
            elif message["op"] == "reset":
                self.stop_worker()
                send(self.sock, {"ok": True})

    def build(self, spec, source, where, limits):
        """Compile once: (Program, None), or (None, the compiler's message). A checker (`where` its own
        directory) is kept as a sealed memfd or a code object, and its files are removed before the
        candidate's program is even written."""
        if spec.get("inprocess"):
            try:
                return Program(["main.py"], code=compile(source, "solution.py", "exec")), None
            except (SyntaxError, ValueError) as exc:  # ValueError: NUL bytes in the source
                return None, describe(exc)
        if where != ".":
            os.mkdir(where, 0o700)
        with open(os.path.join(where, spec["source"]), "w", encoding="utf-8") as handle:
            handle.write(source)
        if spec.get("compile"):
            argv = spec["compile"]
            result, _ = self.spawn(Program(argv), "", float(limits["wall_time_s"]), limits, cwd=where)
            if result["timed_out"]:
                return None, f"compilation took longer than {float(limits['wall_time_s']):g}s"
            if result["exit_code"] != 0:
                why = f"exit code {result['exit_code']}" if result["signal"] is None else f"signal {result['signal']}"
                return None, f"compilation failed ({why}):\n" + (result["stderr"] or result["stdout"])[-2000:]
        if where == ".":
            return Program(spec["run"]), None
        program = Program(spec["run"], memfd=sealed_memfd(os.path.join(where, "main")))
        remove_tree(where)
        return program, None

    # call mode: one worker answers many calls until it dies or a test times out
    def call(self, message):
        deadline = time.monotonic() + float(message["timeout_s"])
        if self.load_error:
            return {"dead": self.load_error}
        if self.worker is None:
            failure = self.start_worker(deadline)
            if failure:
                return {"dead": failure}
        pid, wsock = self.worker
        try:
            send(wsock, {"name": message["name"], "args": message["args"], "kwargs": message["kwargs"]})
            body = self.receive(wsock, deadline)
        except (OSError, ValueError) as exc:
            self.stop_worker()
            return {"dead": f"the program stopped answering ({exc})"}
        if body is None:
            self.stop_worker()
            return {"dead": "the program exited or was killed during a call"}
        if body == "timeout":
            self.stop_worker()
            return {"dead": "time limit exceeded for this test", "timeout": True}
        return {"reply": body.decode("utf-8", "replace")}

    def start_worker(self, deadline):
        zsock, wsock = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            zsock.close()
            self.sock.close()
            try:
                lower_limits(self.limits)
                call_worker(self.code, wsock)
            finally:
                os._exit(1)
        wsock.close()
        self.worker = (pid, zsock)
        try:
            first = self.receive(zsock, deadline)
        except (OSError, ValueError):
            first = None
        if first == "timeout":
            self.stop_worker()
            return "time limit exceeded while loading the program"
        try:
            loaded = json.loads(first) if isinstance(first, bytes) else {}
        except ValueError:
            loaded = {}
        if type(loaded) is dict and loaded.get("loaded") is True:
            return None
        self.stop_worker()
        if type(loaded) is dict and isinstance(loaded.get("load_error"), str):
            self.load_error = "the program failed while loading: " + loaded["load_error"][-1000:]
        else:
            self.load_error = "the program exited or was killed before the tests ran"
        return self.load_error

    def receive(self, wsock, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout"
        ready, _, _ = select.select([wsock], [], [], remaining)
        if not ready:
            return "timeout"
        wsock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            return recv_raw(wsock)
        except TimeoutError:
            return "timeout"

    def stop_worker(self):
        if self.worker is None:
            return
        pid, wsock = self.worker
        self.worker = None
        wsock.close()
        kill_group(pid)

    # stdio mode: a fresh process per test
    def run(self, message):
        result, self.output = self.spawn(self.program, message["stdin"], float(message["timeout_s"]), self.limits)
        return result

    def check(self, message):
        """Run the checker on (input, the last run's output, the expected answer), testlib's argument order,
        each a memfd it reads as /dev/fd/N. Nothing of the candidate's is alive meanwhile (reap_strays).
        The judge's null check sends the output to use instead ("output")."""
        if not self.reap_strays():
            return {"timed_out": False, "exit_code": None, "signal": None, "stderr": "", "stray": True}
        output = self.output if message.get("output") is None else message["output"].encode()
        fds = []
        try:
            for data in (message["input"].encode(), output, message["answer"].encode()):
                fds.append(memfd_with(data))
            program = Program([self.checker.argv[0], *(f"/dev/fd/{fd}" for fd in fds)], code=self.checker.code,
                              memfd=self.checker.memfd, crash_status=3)
            limits = {**self.limits, "memory_bytes": max(int(self.limits["memory_bytes"]), 256 << 20)}
            keep = fds if self.checker.memfd is None else [*fds, self.checker.memfd]
            return self.spawn(program, "", float(message["timeout_s"]), limits, keep=keep)[0]
        finally:
            for fd in fds:
                os.close(fd)

    def spawn(self, program, stdin, timeout_s, limits, cwd=".", keep=()):
        """Fork, confine (rlimits: memory of the limits' kind, file size at the output cap) and start the
        program; wait for it within `timeout_s`; kill its group and anything it left (reap_strays). Returns
        the result and the raw stdout. The file size limit sits one byte past the output cap: a program that
        reaches it printed too much."""
        stdin_fd, out_fd, err_fd = (os.memfd_create(name) for name in ("stdin", "stdout", "stderr"))
        os.write(stdin_fd, stdin.encode())
        os.lseek(stdin_fd, 0, os.SEEK_SET)
        output_bytes = int(limits["output_bytes"])
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                self.sock.close()
                os.chdir(cwd)
                lower_limits(limits)
                stdio_worker(program, stdin_fd, out_fd, err_fd, keep)
            finally:
                os._exit(127)
        timed_out, status, usage = wait_for(pid, timeout_s)
        wall = time.monotonic() - started
        self.reap_strays()
        raw, out_cut = read_memfd(out_fd, output_bytes)
        err, _ = read_memfd(err_fd, 64 * 1024)
        out_of_memory = any(marker in err for marker in self.oom_markers)
        for fd in (stdin_fd, out_fd, err_fd):
            os.close(fd)
        signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        return {"timed_out": timed_out, "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                "signal": signum, "stdout": raw.decode("utf-8", "replace"),
                "stderr": err.decode("utf-8", "replace")[-4000:], "out_of_memory": out_of_memory,
                "truncated": out_cut or signum == signal.SIGXFSZ, "wall_s": round(wall, 4),
                "memory_bytes": usage.ru_maxrss * 1024}, raw

    def reap_strays(self):
        """Kill whatever the program left behind: Z is a child subreaper, so every orphan of a test (a
        daemon that left its process group) is Z's child now. False when something would not die."""
        for _ in range(100):
            children = own_children()
            if self.worker is not None:
                children = [pid for pid in children if pid != self.worker[0]]
            if not children:
                return True
            for pid in children:
                kill_group(pid)
        return False


def memfd_with(data):
    fd = os.memfd_create("data")
    while data:
        data = data[os.write(fd, data):]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def lower_limits(limits):
    """In the test's process: its memory limit (RLIMIT_AS, or RLIMIT_DATA for runtimes that reserve more
    address space than they use) and its file size limit, each only ever lowered."""
    import resource

    kind = resource.RLIMIT_DATA if limits.get("memory_rlimit") == "data" else resource.RLIMIT_AS
    size = int(limits.get("file_size_bytes") or limits["output_bytes"]) + 1
    for which, value in ((kind, int(limits["memory_bytes"])), (resource.RLIMIT_FSIZE, size)):
        hard = resource.getrlimit(which)[1]
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, hard))


def own_children():
    """The pids of this (single-threaded) process's children, from the kernel's own list."""
    with open(f"/proc/self/task/{os.getpid()}/children") as handle:
        return [int(pid) for pid in handle.read().split()]


def wait_for(pid, timeout_s):
    """(timed out, wait status, rusage) of the child `pid`, killed with its process group at `timeout_s` or
    when it exits."""
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout_s)
    finally:
        os.close(pidfd)
    # Unreaped, the child keeps its pid and process group, so this kills what is left of the group and
    # nothing else (kill_group would also reap it, taking the status and rusage that wait4 reads here).
    signal_group(pid)
    _, status, usage = os.wait4(pid, 0)
    return not ready, status, usage


def signal_group(pid):
    for target in (-pid, pid):
        try:
            os.kill(target, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def kill_group(pid):
    signal_group(pid)
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def read_memfd(fd, limit):
    os.lseek(fd, 0, os.SEEK_SET)
    data = os.read(fd, limit + 1) if limit else b""
    return data[:limit], len(data) > limit


# ---- P: the judge ----------------------------------------------------------------------------------

class CandidateDied(BaseException):
    """The candidate's process died or overran during a test (a BaseException, so that test code's
    `except Exception` cannot swallow it)."""


class CandidateError(Exception):
    """The candidate raised an exception that is not a built-in one."""


class UnsupportedTest(BaseException):
    """The test passes the candidate a value that is not plain data (a function, an object): the
    reference cannot be checked this way, which is not the candidate's fault."""


class ReferenceDefect(BaseException):
    """The reference cannot tell programs apart (a test never reached the program, or the tests pass
    whatever the program returns): no verdict on the candidate can come of it."""


class CheckerFailed(BaseException):
    """The checker itself failed (crashed, timed out, exited with a code testlib reserves for a failure):
    no verdict on the candidate can come of it."""


class NullOverrun(BaseException):
    """The null run (see Judge.null_run) went past its time budget."""


class Opaque:
    """What every call returns in the null run: equal to nothing but itself, with no other behaviour."""

    __slots__ = ()

    def __repr__(self):
        return "<opaque>"


OPAQUE = Opaque()


class Judge:
    def __init__(self, zsock, payload):
        self.zsock = zsock
        self.payload = payload
        self.deadline = 0.0
        self.test_timeout_s = float(payload["test_timeout_s"])
        self.crashed = None
        self.calls = []
        # Calls into the program by the running test. Only this process (the judge) counts them, and
        # the program never runs here: it cannot raise the count, only answer the calls it gets.
        self.reached = 0
        self.null_deadline = None  # set while the null run answers calls in place of the program
        self.null_overran = False
        # Z's replies carry the program's output (or its call's reply) JSON-escaped: a control character or
        # a byte that is not UTF-8 takes 6 bytes there, a quote 2. Room for the most a program can print.
        self.reply_limit = 2 * MAX_REPLY + 6 * int(payload["run_limits"]["output_bytes"]) + (1 << 20)

    def call(self, name, args, kwargs):
        self.reached += 1
        if self.null_deadline is not None:
            if time.monotonic() > self.null_deadline:
                self.null_overran = True
                raise NullOverrun()
            return OPAQUE
        remaining = max(0.001, self.deadline - time.monotonic())
        try:
            args_data, kwargs_data = encode(list(args)), encode(kwargs)
        except (TypeError, ValueError, RecursionError) as exc:
            raise UnsupportedTest(f"a test calls {name} with a value that cannot cross to the program: {exc}") \
                from None
        send(self.zsock, {"op": "call", "name": name, "args": args_data, "kwargs": kwargs_data,
                          "timeout_s": remaining})
        reply = recv(self.zsock, self.reply_limit)
        if reply is None:
            raise CandidateDied("the zygote stopped (killed by the program?)")
        if "dead" in reply:
            self.crashed = reply["dead"]
            raise CandidateDied(reply["dead"])
        try:
            body = json.loads(reply["reply"])
            if type(body) is not dict:
                raise ValueError("not an object")
            if "ok" in body:
                value = decode(body["ok"])
            else:
                kind, text = body["raise"]
                kind, text = str(kind)[:100], str(text)[:1000]
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            self.crashed = f"the program sent a malformed reply ({type(exc).__name__})"
            raise CandidateDied(self.crashed) from None
        if "ok" not in body:
            self.calls.append((name, args, f"raised {text}"))
            builtin = getattr(builtins, kind, None)
            error = CandidateError(f"{kind}: {text}")
            # StopIteration is control flow, not an error: raised inside `all(map(candidate, xs))` it ends
            # the iteration, and all() of nothing is True. It reaches the tests as a plain error.
            iteration_end = isinstance(builtin, type) and issubclass(builtin, (StopIteration, StopAsyncIteration))
            if isinstance(builtin, type) and issubclass(builtin, Exception) and not iteration_end:
                try:
                    error = builtin(text)
                except Exception:  # noqa: BLE001 - e.g. UnicodeDecodeError needs five arguments
                    pass
            raise error
        self.calls.append((name, args, value))
        return value

    def proxy(self, name):
        def candidate(*args, **kwargs):
            return self.call(name, args, kwargs)

        candidate.__name__ = candidate.__qualname__ = name
        return candidate

    def run(self):
        payload = self.payload
        send(self.zsock, {key: payload.get(key) for key in ("spec", "source", "compile_limits", "run_limits",
                                                             "checker", "oom_markers")})
        compiled = recv(self.zsock, self.reply_limit)
        if compiled is None:
            return {"harness_error": "the zygote stopped while compiling"}
        if "missing_tool" in compiled:
            return {"harness_error": compiled["missing_tool"]}
        if "checker_error" in compiled:
            return {"checker_error": f"the checker does not compile: {compiled['checker_error']}"}
        if "compile_error" in compiled:
            return {"compile_error": compiled["compile_error"], "passed": 0, "ran": 0, "results": []}
        namespace = {"__name__": "__tests__"}
        if payload["mode"] == "call":
            setup_error = self.setup(namespace)
            if setup_error:
                return {"setup_error": setup_error}
        results = []
        for index, test in enumerate(payload["tests"]):
            try:
                results.append(self.run_test(index, test, namespace))
            except UnsupportedTest as exc:
                return {"setup_error": str(exc)[:1000]}
            except ReferenceDefect as exc:
                return {"defect": str(exc)[:1000]}
            except CheckerFailed as exc:
                return {"checker_error": str(exc)[:1000]}
            if not results[-1]["passed"] and payload["stop_on_fail"]:
                break
        if all(r["passed"] for r in results) and len(results) == len(payload["tests"]):
            defect = self.null_run()
            if defect:
                return {"defect": defect}
        for number, result in enumerate(r for r in results if not r["passed"]):
            if number >= 20:  # keep the verdict line short: the host reports the first failures only
                result["message"] = None
        return {"passed": sum(r["passed"] for r in results), "ran": len(results), "results": results}

    def setup(self, namespace):
        try:
            exec(compile(self.payload.get("setup") or "", "<setup>", "exec"), namespace)
        except BaseException as exc:  # noqa: B036 - a broken reference is reported, not scored
            return describe(exc)
        bound = [name for name in self.payload["names"]
                 if self.payload.get("replace_names") or (name not in namespace and not hasattr(builtins, name))]
        if not bound:  # every test would pass whatever the program does
            return ("the tests call no function of the program (each name they call is a built-in or is "
                    "defined by the reference's own setup)")
        for name in bound:
            namespace[name] = self.proxy(name)
        return None

    def run_test(self, index, test, namespace):
        """{passed, message, verdict, time_s, memory_bytes} of one test (memory in stdio mode only)."""
        started = time.monotonic()
        self.deadline = started + self.test_timeout_s
        self.crashed = None
        self.calls = []
        self.reached = 0
        if "stdin" in test:
            self.reached += 1
            try:
                return self.check_stdio(test)
            except (CandidateDied, OSError) as exc:  # the program killed Z (a broken pipe once Z is gone)
                return {"passed": False, "message": str(exc) or "the zygote stopped", "verdict": "runtime_error",
                        "time_s": round(time.monotonic() - started, 4), "memory_bytes": 0}
        verdict = "wrong_answer"
        try:
            if "code" in test:
                exec(compile(test["code"], f"<test {index}>", "exec"), namespace)
                message = None
            else:
                message = self.check_call(test)
        except CandidateDied as exc:
            message = str(exc)
            verdict = "time_limit" if "time limit" in message else "runtime_error"
        except (UnsupportedTest, CheckerFailed):
            raise
        except BaseException as exc:  # noqa: B036 - an assertion or an error in a test is a failed test
            message = self.failure_message(test, exc)
        if self.crashed and message is None:
            message = self.crashed
        if not self.reached:  # it would pass (or fail) any program alike
            ended = "" if message is None else f"; it ended with {message[:300]}"
            raise ReferenceDefect(f"test {index + 1} never called the program (a test that never reaches the "
                                  f"program passes or fails every program alike{ended})")
        return {"passed": message is None, "message": message, "verdict": "accepted" if message is None else verdict,
                "time_s": round(time.monotonic() - started, 4), "memory_bytes": 0}

    def null_run(self):
        """Run the reference again, from its setup, with every call answered by OPAQUE instead of the
        program. Tests that still all pass check nothing about what the program returns (a check that
        only calls the candidate, or catches its own assertion): the reference is defective. Returns the
        defect or None.

        Only the judge runs this, with trusted code, in a fresh namespace (nothing the program returned
        earlier is in it); the program is not asked anything. A run that goes past its budget (test code
        looping on a value it never gets) or whose setup fails is a defect too: the judge cannot tell, and
        an unknown is never a pass."""
        if self.payload["mode"] == "stdio":
            return self.null_check() if self.payload.get("checker") else None
        tests = [test for test in self.payload["tests"] if "code" in test]
        if not tests:  # call-based tests compare in the judge: OPAQUE equals no expected value
            return None
        namespace = {"__name__": "__tests__"}
        if self.setup(namespace):
            return "the reference's setup failed when it was run a second time"
        budget = float(self.payload.get("null_budget_s", 5.0))
        self.null_deadline = time.monotonic() + budget

        def overrun(signum, frame):
            self.null_overran = True
            raise NullOverrun()

        signal.signal(signal.SIGALRM, overrun)  # the judge's main thread; for code that loops without calls
        signal.setitimer(signal.ITIMER_REAL, budget)
        failed = False
        try:
            for index, test in enumerate(tests):
                try:
                    exec(compile(test["code"], f"<test {index}>", "exec"), namespace)
                except NullOverrun:
                    raise
                except BaseException:  # noqa: B036 - the tests can fail: they check something
                    failed = True
                    break
        except NullOverrun:
            self.null_overran = True
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            self.null_deadline = None
        if self.null_overran:
            return (f"the tests did not finish within {budget:g}s when every call into the program returned a "
                    "value equal to nothing, so whether they check the program's results is unknown")
        if failed:
            return None
        return ("every test passes even when every call into the program returns a value equal to nothing: "
                "the tests check nothing about what the program returns")

    def null_check(self):
        """stdio's null run: ask the checker about an empty output on each test. A checker that accepts it on
        every test passes a program that prints nothing: the reference is defective (as when every expected
        output is empty). Any other answer (a rejection, a crash, a timeout) is not an acceptance; past the
        budget with every answer so far an acceptance, whether it checks anything is unknown: a defect."""
        deadline = time.monotonic() + float(self.payload.get("null_budget_s", 5.0))
        for test in self.payload["tests"]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "the checker accepted an empty output on every test it was asked about within the time " \
                       "budget, so whether it checks the program's output is unknown"
            send(self.zsock, {"op": "check", "input": test["stdin"], "answer": test["expected"], "output": "",
                              "timeout_s": min(self.test_timeout_s, remaining)})
            result = recv(self.zsock, self.reply_limit)
            if result is None:
                raise CandidateDied("the zygote stopped (killed by the program?)")
            if result.get("stray") or result["timed_out"] or result["exit_code"] != 0:
                return None
        return "the checker accepts an empty output on every test, so a program that prints nothing passes"

    def check_call(self, test):
        got = self.call(self.payload["names"][0], test["args"], test.get("kwargs") or {})
        want, tol = test["expected"], self.payload.get("float_tol")
        # APPS wraps a call's expected value in a one-element list: accept either reading.
        if strict_equal(got, want, tol) or (type(want) is list and len(want) == 1 and strict_equal(got, want[0], tol)):
            return None
        return f"{self.payload['names'][0]}{_args(test['args'])} returned {_short(got)}, expected " \
               f"{_short(test['expected'])}"

    def check_stdio(self, test):
        """Run the program on the test's input and judge it: the verdict, and a message for a failure."""
        send(self.zsock, {"op": "run", "stdin": test["stdin"], "timeout_s": self.test_timeout_s})
        result = recv(self.zsock, self.reply_limit)
        if result is None:
            raise CandidateDied("the zygote stopped (killed by the program?)")
        shown = _short(test["stdin"], 200)
        verdict, message = self.classify(result, shown)
        if verdict is None and self.payload.get("checker"):
            verdict, message = self.check_with_checker(test, shown)
        elif verdict is None:
            verdict = "accepted" if same_output(result["stdout"], test["expected"], self.payload.get("float_tol")) \
                else "wrong_answer"
            message = None if verdict == "accepted" else \
                f"wrong output on input {shown}: got {_short(result['stdout'], 200)}, expected " \
                f"{_short(test['expected'], 200)}"
        return {"passed": verdict == "accepted", "message": message, "verdict": verdict,
                "time_s": result["wall_s"], "memory_bytes": result["memory_bytes"]}

    def classify(self, result, shown):
        """(verdict, message) of a run that failed on its own; (None, None) when it exited 0 within limits."""
        if result["timed_out"]:
            return "time_limit", f"time limit exceeded ({self.test_timeout_s:g}s) on input {shown}"
        if result["truncated"]:
            return "output_limit", f"too much output on input {shown}"
        if result["exit_code"] == 0:
            return None, None
        why = f"exit code {result['exit_code']}" if result["signal"] is None else f"signal {result['signal']}"
        tail = result["stderr"].strip().splitlines()[-1:] or [""]
        if result["out_of_memory"]:
            return "memory_limit", f"memory limit exceeded ({why}) on input {shown}: {tail[0][:300]}"
        return "runtime_error", f"runtime error ({why}) on input {shown}: {tail[0][:300]}"

    def check_with_checker(self, test, shown):
        """testlib's convention: exit 0 accepted, 1 wrong answer, 2 presentation error (wrong); anything else
        (another code, a signal, a timeout) is the checker's failure: CheckerFailed, never a pass."""
        send(self.zsock, {"op": "check", "input": test["stdin"], "answer": test["expected"],
                          "timeout_s": self.test_timeout_s})
        result = recv(self.zsock, self.reply_limit)
        if result is None:
            raise CandidateDied("the zygote stopped (killed by the program?)")
        if result.get("stray"):
            raise CheckerFailed("a process the program left behind would not die, so the checker was not run")
        if not result["timed_out"] and result["exit_code"] == 0:
            return "accepted", None
        if not result["timed_out"] and result["exit_code"] in (1, 2):
            said = result["stderr"].strip()[:300] or result["stdout"].strip()[:300]
            return "wrong_answer", f"the checker rejected the output on input {shown}: {said}"
        how = "timed out" if result["timed_out"] else f"exit code {result['exit_code']}" \
            if result["signal"] is None else f"signal {result['signal']}"
        raise CheckerFailed(f"the checker failed ({how}) on input {shown}: {result['stderr'].strip()[-300:]}")

    def failure_message(self, test, exc):
        import traceback

        source = test.get("code", "")
        line = ""
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.startswith("<test") or frame.filename == "<setup>":
                text = (source if frame.filename.startswith("<test") else self.payload.get("setup") or "")
                lines = text.splitlines()
                if 0 < (frame.lineno or 0) <= len(lines):
                    line = lines[frame.lineno - 1].strip()
                break
        message = f"{type(exc).__name__}: {exc}".rstrip(": ") if str(exc) else type(exc).__name__
        if line:
            message = f"{message} at `{line[:300]}`"
        if self.calls:
            name, args, value = self.calls[-1]
            shown = value if isinstance(value, str) and value.startswith("raised ") else _short(value)
            message += f" (last call: {name}{_args(args)} -> {shown})"
        return message[:2000]


def same_output(got, want, tol):
    """Lines compared after normalising line endings and trailing whitespace, trailing blank lines
    ignored; with `tol`, tokens that both parse as floats compare within it (integers exactly)."""
    got_lines, want_lines = _lines(got), _lines(want)
    if got_lines == want_lines:
        return True
    if not tol or len(got_lines) != len(want_lines):
        return False
    for g, w in zip(got_lines, want_lines, strict=False):
        g_tokens, w_tokens = g.split(), w.split()
        if len(g_tokens) != len(w_tokens):
            return False
        for a, b in zip(g_tokens, w_tokens, strict=False):
            if a != b and not _close(a, b, tol):
                return False
    return True


def _lines(text):
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _close(a, b, tol):
    """`a` (printed) is within `tol` of `b` (expected); an integer token is a count and must be exact. Only
    ASCII decimal numbers count: a printed token must never crash the judge (int() of `²`, `-+3` or of
    5,000 digits raises), and no other spelling (`３`, `1_0`, `infinity`) is a number."""
    if _is_integer(b):
        return _is_integer(a) and _int_key(a) == _int_key(b)
    if not (set(a) <= _DECIMAL_CHARS and set(b) <= _DECIMAL_CHARS):
        return False
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isfinite(x) and math.isfinite(y) and math.isclose(x, y, rel_tol=tol, abs_tol=tol)


_DECIMAL_CHARS = frozenset("0123456789+-.eE")


def _is_integer(token):
    digits = token[1:] if token[:1] in ("+", "-") else token
    return digits.isascii() and digits.isdigit()


def _int_key(token):
    """An integer token's value as text (`+007` is `7`, `-0` is `0`), without int()'s 4,300-digit limit."""
    digits = token.lstrip("+-").lstrip("0")
    return ("-" if token.startswith("-") and digits else "") + digits


def _short(value, limit=120):
    try:
        text = repr(value)
    except RecursionError:
        return "<a deeply nested value>"
    except ValueError:  # an int past sys.get_int_max_str_digits(): a failed test all the same
        return f"<an integer of about {int(value.bit_length() * 0.30103) + 1} digits>" \
            if isinstance(value, int) else "<a value too large to show>"
    return text if len(text) <= limit else text[:limit] + "..."


def _args(args):
    return "(" + ", ".join(_short(a, 60) for a in args) + ")"


def prctl(option, value):
    """prctl(option, value) through _ctypes (the ctypes package costs ~10 ms to import)."""
    import _ctypes

    class Int(_ctypes._SimpleCData):
        _type_ = "i"

    class Function(_ctypes.CFuncPtr):
        _flags_ = _ctypes.FUNCFLAG_CDECL
        _restype_ = Int

    function = Function(_ctypes.dlsym(_ctypes.dlopen(None, os.RTLD_NOW), "prctl"))
    if function(option, value, 0, 0, 0) != 0:
        raise OSError(f"prctl({option}, {value}) failed")


def main():
    # From now on processes of the same uid cannot ptrace the judge or open its /proc files (mem, fd,
    # environ); Z, forked next, inherits this.
    prctl(PR_SET_DUMPABLE, 0)
    psock, zsock = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        psock.close()
        prctl(PR_SET_CHILD_SUBREAPER, 1)  # a test's orphans come back to Z, which kills them (reap_strays)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        for low, high in ((2, zsock.fileno()), (zsock.fileno(), 65536)):
            os.closerange(low + 1, high)
        code = 0
        try:
            Zygote(zsock).serve()
        except BaseException:  # noqa: B036
            import traceback

            traceback.print_exc()
            code = 1
        os._exit(code)
    zsock.close()
    # The program's processes share this uid, so they may signal the judge. Termination ends the run
    # without a verdict (scored wrong); SIGINT would raise KeyboardInterrupt inside the judge's own
    # code and turn a failed test into a harness error, which is masked rather than scored: ignore it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    payload = json.loads(sys.stdin.buffer.read())
    nonce = payload.pop("nonce")
    try:
        verdict = Judge(psock, payload).run()
    except BaseException as exc:  # noqa: B036 - a harness failure is reported, never a pass
        verdict = {"harness_error": f"{type(exc).__name__}: {exc}"[:1000]}
    psock.close()
    sys.stdout.write(f"\n{nonce} {json.dumps(verdict)}\n")
    sys.stdout.flush()
    kill_group(pid)
    os._exit(0)


if __name__ == "__main__":
    main()
