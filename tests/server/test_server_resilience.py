"""Shutdown and overload with real sockets (issue 13): SIGTERM mid-batch loses nothing, idle and slow-loris
connections cannot starve a client or flood the log, the key is checked before a body is read and on every
route but the probes, results never echo a huge reference, and the compose file's curl works as written."""

from __future__ import annotations

import logging
import os
import re
import resource
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rlvr.results import MAX_ECHO_CHARS

ROOT = Path(__file__).resolve().parents[2]
MATH = "rlvr/Math-v1"
EASY = {"env": MATH, "completion": "so \\boxed{4}", "reference": {"answer": "4"}}
# A check that runs to the verify timeout (sympy expands the power); see test_server_faults.py.
HANG = {"env": MATH, "completion": "Clearly, it is \\boxed{(a+b+c+d+e)^{40}}", "reference": {"answer": "\\sqrt{2}"}}


class Served:
    """A real `rlvr serve` subprocess with its log in a file."""

    def __init__(self, tmp_path: Path, env: dict[str, str], nofile: int | None = None):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "serve.log"

        def limit_files() -> None:
            if nofile is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "rlvr", "serve", "--port", str(self.port)],
                env={**os.environ, "RLVR_WORKERS": "1", **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=limit_files,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-3000:]
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("rlvr serve did not become ready in 90 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


@pytest.fixture()
def serve(tmp_path: Path) -> Iterator:
    started: list[Served] = []

    def start(env: dict[str, str], nofile: int | None = None) -> Served:
        started.append(Served(tmp_path, env, nofile))
        return started[-1]

    yield start
    for served in started:
        served.stop()


def _post_in_thread(url: str, body: dict, timeout_s: float) -> tuple[threading.Thread, dict]:
    out: dict = {}

    def post() -> None:
        try:
            out["reply"] = httpx.post(url, json=body, timeout=timeout_s)
        except httpx.HTTPError as exc:
            out["error"] = repr(exc)

    thread = threading.Thread(target=post)
    thread.start()
    return thread, out


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return True
    return False


def test_sigterm_lets_a_batch_longer_than_uvicorns_10_s_finish_within_the_grace(serve) -> None:
    served = serve({"RLVR_VERIFY_TIMEOUT_S": "2", "RLVR_SHUTDOWN_GRACE_S": "60"})
    batch = [EASY, *[HANG] * 8, EASY]  # 8 checks of 2 s on one worker: about 16 s
    thread, out = _post_in_thread(served.url + "/verify/batch", {"items": batch}, 60)
    time.sleep(1.0)
    served.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    assert _refused(served.port)  # no new connections once the drain began
    thread.join(timeout=60)
    reply = out["reply"]
    assert reply.status_code == 200, reply.text[:300]
    statuses = [r["status"] for r in reply.json()["results"]]
    assert statuses == ["correct", *["timeout"] * 8, "correct"]
    assert served.proc.wait(timeout=30) in (0, -signal.SIGTERM)


def test_sigterm_past_the_grace_answers_json_503_with_retry_after(serve) -> None:
    served = serve({"RLVR_VERIFY_TIMEOUT_S": "2", "RLVR_SHUTDOWN_GRACE_S": "2", "RLVR_RETRY_AFTER_S": "3"})
    thread, out = _post_in_thread(served.url + "/verify/batch", {"items": [HANG] * 8}, 60)
    time.sleep(1.0)
    signalled = time.monotonic()
    served.proc.send_signal(signal.SIGTERM)
    thread.join(timeout=60)
    reply = out["reply"]
    assert time.monotonic() - signalled < 6  # the 2 s grace, not uvicorn's 10 s
    assert reply.status_code == 503 and reply.headers["retry-after"] == "3"
    assert reply.headers["content-type"] == "application/json"
    body = reply.json()
    assert body["error"] == "shutting_down" and "RLVR_SHUTDOWN_GRACE_S" in body["message"]
    assert served.proc.wait(timeout=30) in (0, -signal.SIGTERM)
    assert "Exception in ASGI application" not in served.log.read_text()


def _raise_own_file_limit(n: int) -> None:
    """The test's own sockets need `n` files; CI runs as root, which may raise the hard limit too."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        raised_hard = hard if hard == resource.RLIM_INFINITY or hard >= n else n
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, raised_hard))


def test_idle_and_slow_loris_sockets_cannot_starve_a_client_or_flood_the_log(serve) -> None:
    _raise_own_file_limit(4096)
    # The numbers: a 1,024-file limit and 1,100 idle sockets (plus 50 that trickle a header).
    served = serve({"RLVR_HEADER_TIMEOUT_S": "3"}, nofile=1024)
    idle = []
    for _ in range(1100):
        sock = socket.socket()
        sock.settimeout(10)
        sock.connect(("127.0.0.1", served.port))
        idle.append(sock)
    slow = []
    for _ in range(50):
        sock = socket.create_connection(("127.0.0.1", served.port), timeout=10)
        sock.sendall(b"POST /verify HTTP/1.1\r\nHost: x\r\n")
        slow.append(sock)
    stop = threading.Event()

    def trickle() -> None:  # a header byte every half second: an old-style slow-loris
        while not stop.wait(0.5):
            for sock in slow:
                try:
                    sock.sendall(b"X")
                except OSError:
                    pass

    trickler = threading.Thread(target=trickle)
    trickler.start()
    try:
        took = []
        for _ in range(5):
            started = time.monotonic()
            reply = httpx.post(served.url + "/verify", json=EASY, timeout=15)
            took.append(time.monotonic() - started)
            assert reply.json()["status"] == "correct"
            time.sleep(1.0)
        assert max(took) < 3, took
        time.sleep(3)  # past the 3 s header deadline: the server has closed every idle and slow socket
        closed = sum(_closed_by_server(sock) for sock in idle + slow)
        assert closed == len(idle) + len(slow)
    finally:
        stop.set()
        trickler.join()
        for sock in idle + slow:
            sock.close()
    assert served.log.stat().st_size < 20_000, served.log.read_text()[-2000:]


def test_at_the_connection_cap_with_every_connection_busy_a_newcomer_gets_429(serve) -> None:
    served = serve({"RLVR_MAX_CONNECTIONS": "2", "RLVR_VERIFY_TIMEOUT_S": "3", "RLVR_RETRY_AFTER_S": "4"})
    busy = [_post_in_thread(served.url + "/verify/batch", {"items": [HANG] * 2}, 60) for _ in range(2)]
    time.sleep(1.0)
    reply = httpx.post(served.url + "/verify", json=EASY, timeout=10)
    assert reply.status_code == 429 and reply.headers["retry-after"] == "4"
    assert reply.json()["error"] == "busy" and "RLVR_MAX_CONNECTIONS" in reply.json()["message"]
    for thread, out in busy:
        thread.join(timeout=60)
        assert out["reply"].status_code == 200
    assert httpx.post(served.url + "/verify", json=EASY, timeout=10).json()["status"] == "correct"


def _closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(2)
    try:
        return sock.recv(4096) == b""
    except ConnectionResetError:
        return True
    except OSError:
        return False


def test_a_request_without_the_key_is_refused_before_its_body_is_read(server) -> None:
    for auth in (b"", b"Authorization: Bearer wrong\r\n"):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"POST /verify/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 200000\r\n" + auth + b"\r\n")  # and no body at all
            head = sock.recv(4096)
        assert head.startswith(b"HTTP/1.1 401"), head[:200]
        assert b"www-authenticate: bearer" in head.lower()


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc", "/no-such-route"])
def test_every_route_but_the_probes_needs_the_key(server, path: str) -> None:
    assert httpx.get(server.url + path, timeout=10).status_code == 401
    if path != "/no-such-route":
        assert httpx.get(server.url + path, headers={"Authorization": "Bearer test-key-123"}).status_code == 200
    for probe in ("/healthz", "/readyz"):
        assert httpx.get(server.url + probe, timeout=10).status_code == 200


def test_a_huge_gold_is_not_echoed_back(http: httpx.Client) -> None:
    gold = "a" * 100_000
    reply = http.post("/verify", json={"env": MATH, "completion": "\\boxed{b}", "reference": {"answer": gold}})
    body = reply.json()
    assert body["status"] == "wrong"
    assert len(reply.content) < 2 * MAX_ECHO_CHARS
    assert body["details"]["gold"].endswith(f"… [{100_000 - MAX_ECHO_CHARS} more characters]")


def test_the_curl_in_the_compose_file_works_as_written(tight_server) -> None:
    comment = (ROOT / "docker" / "compose.yaml").read_text()
    line = next(line for line in comment.splitlines() if line.startswith("#") and "curl " in line)
    command = shlex.split(re.sub(r"localhost:8000", f"127.0.0.1:{tight_server.port}", line.lstrip("# ")))
    assert command[0] == "curl"
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert '"status":"correct"' in done.stdout.replace(" ", ""), done.stdout + done.stderr


def test_the_log_keeps_a_few_of_each_repeated_message_and_counts_the_rest(monkeypatch) -> None:
    from rlvr.server import serving

    clock = [100.0]
    monkeypatch.setattr(serving.time, "monotonic", lambda: clock[0])
    limit = serving.RateLimit(burst=3, window_s=10)

    def record(msg: str) -> logging.LogRecord:
        return logging.LogRecord("uvicorn.error", logging.WARNING, __file__, 1, msg, None, None)

    kept = [limit.filter(record("Invalid HTTP request received.")) for _ in range(1000)]
    assert kept.count(True) == 3 and limit.filter(record("another message"))
    clock[0] += 10
    later = record("Invalid HTTP request received.")
    assert limit.filter(later) and "[997 more like this in the last 10 s not logged]" in later.getMessage()
