"""The docker backend against a real daemon: the issue's "must hold" list, concurrency and self-healing.

Needs the executor image (.ci/setup-docker.sh builds it). Hostile jobs run on one module-wide pool;
tests that break containers on purpose start their own small pool.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from docker.errors import NotFound

from rlvr.sandbox import ExecStatus, Limits, Sandbox
from rlvr.sandbox.docker_pool import ContainerSpec, docker_client

FAST = Limits(wall_time_s=2, cpu_time_s=2)
SECRET = "sk-rlvr-test-3c2a9f"


@pytest.fixture(scope="module")
def box():
    os.environ["RLVR_TEST_API_KEY"] = SECRET  # a host secret that must not reach any job
    with Sandbox("docker", executors=2, slots=4, limits=FAST) as sandbox:
        yield sandbox
    os.environ.pop("RLVR_TEST_API_KEY", None)


def assert_healthy(box, heals_before=None):
    """The next job runs normally and quickly, on every slot."""
    results = box.run_many([{"code": "print(6 * 7)"}] * box.capacity)
    assert all(r.status is ExecStatus.OK and r.stdout == "42\n" for r in results), results
    assert max(r.wall_time_s for r in results) < 1.5
    if heals_before is not None:
        assert box.heals == heals_before, "an executor had to be replaced"


def test_containers_are_hardened(box):
    for index in range(len(box.provider.socket_paths)):
        attrs = box.provider.container(index).attrs
        host = attrs["HostConfig"]
        assert host["NetworkMode"] == "none" and host["ReadonlyRootfs"] is True
        assert host["CapDrop"] == ["ALL"] and set(host["CapAdd"]) == {"SETUID", "SETGID", "KILL", "CHOWN"}
        assert "no-new-privileges" in host["SecurityOpt"] and not host["Privileged"]
        assert not any("seccomp" in opt and "unconfined" in opt for opt in host["SecurityOpt"])
        assert host["PidsLimit"] > 0 and host["Memory"] > 0 and host["NanoCpus"] > 0 and host["IpcMode"] == "none"
        assert host["Sysctls"]["kernel.shmmax"] == "0" and host["Sysctls"]["fs.mqueue.queues_max"] == "0"
        assert "/work/s0" in host["Tmpfs"] and "size=" in host["Tmpfs"]["/work/s0"]
        mounts = [m["Destination"] for m in attrs["Mounts"]]
        assert mounts == ["/run/rlvr/sock"] and not any("docker.sock" in m["Source"] for m in attrs["Mounts"])


IPC_PROBE = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
rt = ctypes.CDLL("librt.so.1", use_errno=True)
made = {"shm": libc.shmget(0x5EC, 4096, 0o1000 | 0o666), "msg": libc.msgget(0x5ED, 0o1000 | 0o666),
        "sem": libc.semget(0x5EE, 1, 0o1000 | 0o666),
        "mq": rt.mq_open(b"/leak", os.O_CREAT | os.O_RDWR, 0o600, None)}
print(sorted(kind for kind, handle in made.items() if handle >= 0))
"""


def test_jobs_cannot_leave_ipc_objects_behind(box):
    """SysV segments and message queues outlive a job: a later job could read them, and segments hold
    memory no sweep frees. The executor's IPC namespace allows none."""
    assert box.run(IPC_PROBE).stdout == "[]\n"


def test_runs_python_and_cpp(box):
    result = box.run("import sys\nprint(sys.stdin.read().upper())", stdin="hi")
    assert result.status is ExecStatus.OK and result.stdout == "HI\n"
    cpp = box.run("#include <cstdio>\nint main(){int a,b;scanf(\"%d %d\",&a,&b);printf(\"%d\\n\",a+b);}",
                  language="cpp", stdin="40 2")
    assert cpp.status is ExecStatus.OK and cpp.stdout == "42\n", cpp.stderr


def test_harness_files_and_subprocess_python(box):
    files = {"solution.py": "def f(x):\n    return x + 1\n"}
    for language in ("python", "python-subprocess"):
        result = box.run("from solution import f\nassert f(1) == 2\nprint('pass')", files=files,
                         language=language)
        assert result.stdout == "pass\n", (language, result.stderr)


@pytest.mark.parametrize("code", [
    "while True: pass",
    "import time\ntime.sleep(1000)",
    "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True: pass",
])
def test_timeouts(box, code):
    heals = box.heals
    result = box.run(code, limits=Limits(wall_time_s=1, cpu_time_s=1))
    assert result.status is ExecStatus.TIMEOUT and result.wall_time_s < 2.5
    assert_healthy(box, heals)


@pytest.mark.parametrize("code", [
    "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
    "import threading, time\nwhile True:\n    threading.Thread(target=time.sleep, args=(100,)).start()",
])
def test_fork_and_thread_bombs_are_contained(box, code):
    heals = box.heals
    result = box.run(code, limits=Limits(wall_time_s=1.5, cpu_time_s=1.5))
    assert result.status in (ExecStatus.TIMEOUT, ExecStatus.RUNTIME_ERROR), result
    assert_healthy(box, heals)


@pytest.mark.parametrize("code", ["x = bytearray(10 ** 11)",
                                  "l = []\nwhile True:\n    l.append(' ' * 10 ** 6)"])
def test_memory_limit(box, code):
    result = box.run(code, limits=FAST.replace(memory_bytes=256 << 20))
    assert result.status is ExecStatus.MEMORY_LIMIT, result
    assert_healthy(box)


def test_cpp_memory_limit_and_segfault(box):
    grow = "#include <vector>\nint main(){std::vector<std::vector<char>> v; while(true) v.emplace_back(1<<20, 1);}"
    result = box.run(grow, language="cpp", limits=FAST.replace(memory_bytes=256 << 20))
    assert result.status is ExecStatus.MEMORY_LIMIT and result.phase == "run", result
    crash = box.run("int main(){volatile int *p = nullptr; return *p;}", language="cpp")
    assert crash.status is ExecStatus.RUNTIME_ERROR and crash.signal == 11, crash


def test_output_flood_is_truncated_and_flagged(box):
    flood = "import sys\nwhile True:\n    sys.stdout.write('y' * 4096)"
    result = box.run(flood, limits=FAST.replace(output_bytes=50_000))
    assert result.status is ExecStatus.OUTPUT_LIMIT and result.stdout_truncated
    assert result.stdout == "y" * 50_000
    assert_healthy(box)


def test_disk_fill_is_bounded(box):
    big_file = box.run("f = open('big', 'wb')\nwhile True:\n    f.write(b'x' * 2**20)")
    assert big_file.status is ExecStatus.RUNTIME_ERROR and "File too large" in big_file.stderr
    many_files = box.run("i = 0\nwhile True:\n    open(f'f{i}', 'wb').write(b'x' * 2**20)\n    i += 1",
                         limits=FAST.replace(wall_time_s=10, cpu_time_s=10))
    assert many_files.status is ExecStatus.RUNTIME_ERROR and "No space left" in many_files.stderr
    write_one = "import os\nopen('f', 'wb').write(b'x' * 2**20)\nprint(sorted(os.listdir()))"
    after = box.run_many([{"code": write_one}] * box.capacity)
    assert all(r.stdout == "['f', 'main.py']\n" for r in after), after



@pytest.mark.parametrize("code", [
    "import os\nfor _ in range(1500):\n    os.mkdir('d')\n    os.chdir('d')",  # deeper than any recursion
    "import os\nfor _ in range(40):\n    os.mkdir('n' * 250)\n    os.chdir('n' * 250)",  # past PATH_MAX
])
def test_a_deep_tree_is_wiped_and_costs_no_executor(box, code):
    heals = box.heals
    assert box.run(code, limits=FAST.replace(wall_time_s=10, cpu_time_s=10)).status is ExecStatus.OK
    assert_healthy(box, heals)
    after = box.run_many([{"code": "import os\nprint(os.listdir())"}] * box.capacity)
    assert all(r.stdout == "['main.py']\n" for r in after), after


NETWORK_PROBE = """
import socket, sys
targets = [("1.1.1.1", 80), ("8.8.8.8", 53), (sys.argv_gateway, {port}), ("127.0.0.1", {port})]
for host, port in targets:
    try:
        socket.create_connection((host, port), timeout=2).close()
        print("CONNECTED", host)
    except OSError:
        print("blocked", host)
try:
    socket.getaddrinfo("deb.debian.org", 80)
    print("RESOLVED")
except OSError:
    print("blocked dns")
"""


def test_network_is_refused(box):
    ipam = docker_client().networks.get("bridge").attrs["IPAM"]["Config"][0]
    gateway = ipam.get("Gateway") or str(next(ipaddress.ip_network(ipam["Subnet"]).hosts()))
    server = socket.create_server(("0.0.0.0", 0))  # stands in for the reward server's own port
    port = server.getsockname()[1]
    try:
        code = NETWORK_PROBE.replace("sys.argv_gateway", repr(gateway)).replace("{port}", str(port))
        result = box.run(code, limits=FAST.replace(wall_time_s=10))
    finally:
        server.close()
    assert result.status is ExecStatus.OK, result.stderr
    assert "CONNECTED" not in result.stdout and "RESOLVED" not in result.stdout
    assert result.stdout.count("blocked") == 5


@pytest.mark.parametrize("code", [
    "import os, signal\nos.kill(-1, signal.SIGKILL)",
    "import os, signal\nfor pid in (os.getppid(), 1):\n    try:\n        os.kill(pid, signal.SIGKILL)\n"
    "    except OSError as e:\n        print(e.errno)",
    "import ctypes\nctypes.string_at(0)",
])
def test_executor_survives_kill_and_segfault(box, code):
    heals = box.heals
    result = box.run(code)
    assert result.status is not ExecStatus.SANDBOX_ERROR, result
    assert_healthy(box, heals)


def test_a_job_killed_by_a_signal_is_not_blamed_on_memory(box):
    result = box.run("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    assert (result.status, result.reason) == (ExecStatus.RUNTIME_ERROR, "killed by signal 9")


DAEMON = """
import os
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "777"])
    os._exit(0)
print("parent done")
"""
FIND_DAEMON = """
import os
found = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if b"777" in open(f"/proc/{pid}/cmdline", "rb").read():
            found.append(pid)
    except OSError:
        pass
print(found)
"""


def test_daemonised_grandchild_does_not_outlive_its_job(box):
    result = box.run(DAEMON)
    assert result.status is ExecStatus.OK and result.stdout == "parent done\n"
    survivors = box.run_many([{"code": FIND_DAEMON}] * box.capacity)
    assert all(r.stdout == "[]\n" for r in survivors), survivors


def test_host_environment_is_not_visible(box):
    code = ("import os\nprint(sorted(os.environ))\n"
            "for path in ('/proc/1/environ', '/proc/self/environ'):\n"
            "    try:\n        print(open(path).read())\n    except OSError:\n        pass")
    result = box.run(code)
    assert result.status is ExecStatus.OK
    assert SECRET not in result.stdout and "RLVR_TEST_API_KEY" not in result.stdout
    assert result.stdout.splitlines()[0] == "['HOME', 'LANG', 'PATH', 'TMPDIR']"


def test_jobs_are_unprivileged_and_private(box):
    probe = ("import os\n"
             "print(os.getuid() != 0, open('/proc/self/status').read().split('CapEff:')[1].split()[0])\n"
             "for path in ('/work', '/run/rlvr', '/tmp/x'):\n"
             "    try:\n"
             "        os.listdir(path) if path != '/tmp/x' else open(path, 'w')\n"
             "        print('open', path)\n"
             "    except OSError:\n"
             "        print('denied', path)")
    result = box.run(probe)
    assert result.stdout.split() == ["True", "0000000000000000", "denied", "/work", "denied", "/run/rlvr",
                                     "denied", "/tmp/x"]
    box.run("open('leak.txt', 'w').write('secret')\nimport os\nos.mkdir('d')")
    later = box.run_many([{"code": "import os\nprint(sorted(os.listdir()))"}] * (2 * box.capacity))
    assert all(r.stdout == "['main.py']\n" for r in later)


def test_concurrent_jobs_get_their_own_uid(box):
    results = box.run_many([{"code": "import os, time\ntime.sleep(0.3)\nprint(os.getuid())"}] * box.capacity)
    uids = [r.stdout for r in results]
    assert len(set(uids)) == box.capacity


def test_many_clients_at_once_each_get_their_own_result(box):
    def client(n):
        return [box.run(f"print({n} * 1000 + {i})").stdout for i in range(8)]

    with ThreadPoolExecutor(16) as pool:
        outputs = list(pool.map(client, range(16)))
    assert outputs == [[f"{n * 1000 + i}\n" for i in range(8)] for n in range(16)]
    batch = box.run_many([{"code": f"print({i})"} for i in range(300)])
    assert [r.stdout for r in batch] == [f"{i}\n" for i in range(300)]


def test_connect_to_existing_executor_sockets(box):
    with Sandbox("sockets", sockets=box.provider.socket_paths, slots=1) as client:
        assert client.run("print('via socket')").stdout == "via socket\n"


@pytest.fixture
def small_box():
    with Sandbox("docker", executors=1, slots=2, limits=FAST, grace_s=1.0) as sandbox:
        yield sandbox


def _in_flight(box, code, action, delay=0.5):
    future = box.submit(code)
    time.sleep(delay)
    action()
    return future.result(timeout=30)


def test_dead_container_is_replaced(small_box):
    container = small_box.provider.container(0)
    result = _in_flight(small_box, "import time\ntime.sleep(10)", lambda: container.kill())
    assert result.status is ExecStatus.SANDBOX_ERROR
    assert small_box.heals >= 1 and small_box.provider.container(0).id != container.id
    assert_healthy(small_box)


def test_container_that_died_between_jobs_costs_no_job(small_box):
    assert_healthy(small_box)  # every slot now holds a connection to the container
    container = small_box.provider.container(0)
    container.kill()
    try:
        container.wait(timeout=10)  # dead, not just signalled: the failure is found when sending
    except NotFound:
        pass  # already dead and removed (auto_remove)
    results = small_box.run_many([{"code": "print('retried')"}] * small_box.capacity)
    assert all(r.status is ExecStatus.OK and r.stdout == "retried\n" for r in results), results
    assert small_box.heals == 1


def test_wedged_container_is_replaced(small_box):
    container = small_box.provider.container(0)
    started = time.monotonic()
    # The job outlasts the pause by seconds: on a loaded machine the pause itself can take most of a second.
    result = _in_flight(small_box, "import time\ntime.sleep(5)\nprint('late')", lambda: container.pause())
    assert result.status is ExecStatus.SANDBOX_ERROR and time.monotonic() - started < 15
    assert small_box.provider.container(0).id != container.id
    assert_healthy(small_box)


def test_close_removes_containers():
    box = Sandbox("docker", executors=1, slots=1)
    name = box.provider.container(0).name
    box.close()
    assert not docker_client().containers.list(all=True, sparse=True, filters={"name": name})


def test_close_reaps_the_executors_of_an_owner_that_died_after_we_started():
    """A Ray actor can restart while its lost predecessor is still exiting, so starting finds that owner alive;
    closing, later, finds it dead and removes what it left."""
    owner = subprocess.Popen([sys.executable, "-c", DYING_OWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        name = owner.stdout.readline().strip()
        assert name, "the owner process did not start its executor"
        with Sandbox("docker", executors=1, slots=1):
            owner.kill()  # SIGKILL: the owner cleans up nothing
            owner.wait()
            assert _containers_named(name), "the dead owner's executor went before anyone reaped it"
        assert not _containers_named(name), "closing left the dead owner's executor behind"
    finally:
        owner.kill()
        owner.wait()


DYING_OWNER = """
import sys
from rlvr.sandbox import Sandbox
box = Sandbox("docker", executors=1, slots=1)
print(box.provider.container(0).name, flush=True)
sys.stdin.read()
"""


def _containers_named(name: str) -> list:
    return docker_client().containers.list(all=True, sparse=True, filters={"name": name})


def test_threads_are_not_leaked_by_close():
    before = threading.active_count()
    with Sandbox("docker", executors=1, slots=2) as sandbox:
        sandbox.run_many([{"code": "pass"}] * 4)
    assert threading.active_count() <= before


def test_idle_executor_exits_and_is_replaced_on_demand():
    """An executor nobody is connected to exits (and Docker removes it), so a client that died
    leaks no containers; a live client just gets a fresh one, the job is retried, not lost."""
    spec = ContainerSpec(slots=2, idle_exit_s=0.5)
    with Sandbox("docker", executors=1, slots=1, container=spec) as sandbox:
        name = sandbox.provider.container(0).name
        deadline = time.monotonic() + 15
        while docker_client().containers.list(all=True, sparse=True, filters={"name": name}):
            assert time.monotonic() < deadline, "the idle executor did not exit"
            time.sleep(0.2)
        result = sandbox.run("print('fresh')")
        assert result.stdout == "fresh\n" and sandbox.heals == 1


HOSTILE_NEIGHBOURS = [
    "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
    "l = []\nwhile True:\n    l.append(' ' * 10 ** 6)",
    "while True:\n    print('x' * 1000)",
    "i = 0\nwhile True:\n    open(f'f{i}', 'wb').write(b'x' * 10 ** 6)\n    i += 1",
    "import os, signal\nos.kill(-1, signal.SIGKILL)",
    # A detached child that keeps killing its uid: it races the sweep's helper, which shares that uid.
    "import os\nif os.fork() == 0:\n    os.setsid()\n    while True:\n        try:\n            os.kill(-1, 9)\n"
    "        except OSError:\n            pass",
]


def test_normal_jobs_are_unaffected_by_hostile_neighbours(box):
    jobs, expected = [], []
    for i in range(120):
        if i % 12 == 0:
            jobs.append({"code": HOSTILE_NEIGHBOURS[(i // 12) % len(HOSTILE_NEIGHBOURS)],
                         "limits": Limits(wall_time_s=1.5, cpu_time_s=1.5)})
            expected.append(None)
        else:
            jobs.append({"code": f"import os\nprint({i}, sorted(os.listdir()))"})
            expected.append(f"{i} ['main.py']\n")
    heals = box.heals
    results = box.run_many(jobs)
    assert box.heals == heals, "a hostile job cost an executor"
    for want, result in zip(expected, results, strict=True):
        if want is None:
            assert result.status is not ExecStatus.SANDBOX_ERROR, result
        else:
            assert result.status is ExecStatus.OK and result.stdout == want, result


# Counts the copies of a 16-byte token in the job's own memory without ever building the token:
# the job knows it only masked (xor KEY), and matches the first 4 bytes, then the rest byte by byte.
MEMORY_SCAN = """
import sys
masked, key = bytes.fromhex("{masked}"), bytes.fromhex("{key}")
{read}
prefix = bytes(a ^ b for a, b in zip(masked[:4], key[:4]))
found = 0
with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", buffering=0) as mem:
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
        at = data.find(prefix)
        while at >= 0:
            if at + 16 <= len(data) and all(data[at + j] ^ key[j] == masked[j] for j in range(16)):
                found += 1
            at = data.find(prefix, at + 1)
print(found)
"""


def _scan(token: bytes, read: str) -> str:
    key = os.urandom(16)
    masked = bytes(a ^ b for a, b in zip(token, key, strict=True))
    return MEMORY_SCAN.format(masked=masked.hex(), key=key.hex(), read=read)


def test_no_job_finds_another_jobs_inputs_in_its_memory():
    secret, harness = os.urandom(8).hex(), os.urandom(8).hex()
    with Sandbox("docker", executors=1, slots=1) as one_slot:
        control = one_slot.run(_scan(secret.encode(), "kept = sys.stdin.read()"), stdin=secret)
        assert control.stdout.strip() not in ("", "0"), control  # the scanner finds what is there
        own = one_slot.run(_scan(secret.encode(), "pass"), stdin=secret, files={"tests.txt": harness})
        assert own.stdout == "0\n", own  # unread stdin and files are not in the job's memory
        later = one_slot.run_many([{"code": _scan(token.encode(), "pass")} for token in (secret, harness)])
        assert [r.stdout for r in later] == ["0\n", "0\n"], later
