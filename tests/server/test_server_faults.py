"""Load and faults: a checker that hangs, concurrent clients, a full queue (429), auth (401)."""

from __future__ import annotations

import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from rlvr.client import RemoteError, RetryPolicy, RewardClient

MATH = "rlvr/Math-v1"
# A check that runs past any limit: sympy expands the polynomial to compare it with the gold (a power tower
# such as 9^{9^{9^9}} is refused by its size at once, "undecided").
HANG = {"env": MATH, "completion": "Clearly, it is \\boxed{(a+b+c+d+e)^{40}}", "reference": {"answer": "\\sqrt{2}"}}


def test_hanging_checker_times_out_with_null_reward_and_server_keeps_serving(http: httpx.Client, server) -> None:
    started = time.monotonic()
    body = http.post("/verify", json=HANG).json()
    assert body["status"] == "timeout" and body["reward"] is None
    assert time.monotonic() - started < server.settings.verify_timeout_s + 5  # limit + kill grace + load
    ok = http.post("/verify", json={"env": MATH, "completion": "\\boxed{4}", "reference": {"answer": "4"}})
    assert ok.json()["status"] == "correct"


def test_concurrent_clients_get_their_own_results_in_order(server) -> None:
    def one_client(k: int) -> None:
        items = [
            {
                "env": MATH,
                "completion": f"so \\boxed{{{k * 100 + i}}}",
                "reference": {"answer": str(k * 100 + i + i % 2)},
            }
            for i in range(20)
        ]
        with server.client() as http:
            for _ in range(3):
                results = http.post("/verify/batch", json={"items": items}).json()["results"]
                assert [r["status"] for r in results] == ["correct", "wrong"] * 10

    with ThreadPoolExecutor(16) as pool:
        for future in [pool.submit(one_client, k) for k in range(16)]:
            future.result()


def test_full_queue_answers_429_with_retry_after_then_recovers(tight_server) -> None:
    with tight_server.client() as http:
        blocker = threading.Thread(target=http.post, args=("/verify/batch",), kwargs={"json": {"items": [HANG, HANG]}})
        blocker.start()
        deadline = time.monotonic() + 5
        while tight_server.app.state.scorer.admission.pending < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        reply = http.post("/verify", json={"env": MATH, "completion": "\\boxed{1}", "reference": {"answer": "1"}})
        assert reply.status_code == 429
        assert reply.headers["retry-after"] == "2" and "queue is full" in reply.json()["message"]
        # The client library honours Retry-After and gets through once the hangers are killed.
        with RewardClient(tight_server.url, retry=RetryPolicy(attempts=6, backoff_s=0.5)) as client:
            assert client.verify(MATH, completion="\\boxed{1}", reference={"answer": "1"}).status == "correct"
        blocker.join(timeout=20)
        metrics = http.get("/metrics").text
        rejected = re.search(r"^rlvr_rejected_requests_total (\S+)$", metrics, re.MULTILINE)
        assert rejected and float(rejected.group(1)) >= 1


def test_client_gives_up_on_429_after_its_attempts(tight_server) -> None:
    with tight_server.client() as http:
        blocker = threading.Thread(target=http.post, args=("/verify/batch",), kwargs={"json": {"items": [HANG, HANG]}})
        blocker.start()
        deadline = time.monotonic() + 5
        while tight_server.app.state.scorer.admission.pending < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        with (
            RewardClient(tight_server.url, retry=RetryPolicy(attempts=1)) as client,
            pytest.raises(RemoteError) as err,
        ):
            client.verify(MATH, completion="\\boxed{1}", reference={"answer": "1"})
        assert err.value.status == 429 and err.value.code == "busy"
        blocker.join(timeout=20)


def test_a_step_needs_a_queue_slot_like_verify(tight_server) -> None:
    with tight_server.client() as http:
        session = http.post("/envs/rlvr/Math-v1/reset", json={"seed": 1}).json()["session_id"]
        blocker = threading.Thread(target=http.post, args=("/verify/batch",), kwargs={"json": {"items": [HANG, HANG]}})
        blocker.start()
        deadline = time.monotonic() + 5
        while tight_server.app.state.scorer.admission.pending < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        reply = http.post(f"/sessions/{session}/step", json={"action": "\\boxed{11}"})
        assert reply.status_code == 429, reply.text
        assert reply.headers["retry-after"] == "2" and reply.json()["error"] == "busy"
        blocker.join(timeout=20)
        step = http.post(f"/sessions/{session}/step", json={"action": "\\boxed{11}"})
        assert step.status_code == 200 and step.json()["terminated"] is True  # the refused step used nothing up
        assert tight_server.app.state.scorer.admission.pending == 0


@pytest.mark.parametrize("header", [None, "Bearer wrong-key", "Basic dGVzdA==", "Bearer", "test-key-123"])
def test_missing_or_wrong_key_is_401(server, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    for method, path in (
        ("POST", "/verify"),
        ("POST", "/verify/batch"),
        ("GET", "/envs"),
        ("GET", "/metrics"),
        ("POST", "/openrlhf/reward"),
        ("POST", "/envs/rlvr/Math-v1/reset"),
    ):
        reply = httpx.request(method, server.url + path, headers=headers, json={})
        assert reply.status_code == 401, (method, path)
        assert reply.headers["www-authenticate"] == "Bearer" and reply.json()["error"] == "unauthorized"


def test_probes_need_no_key(server) -> None:
    assert httpx.get(server.url + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(server.url + "/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["worker_pool"] is True


def test_client_retries_connection_errors_then_raises() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: connections are refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    client = RewardClient(f"http://127.0.0.1:{port}", retry=RetryPolicy(attempts=3, backoff_s=0.1))
    with pytest.raises(RemoteError, match="ConnectError"):
        client.verify(MATH, completion="x", reference={})
    assert time.monotonic() - started >= 0.1 * (0.5 + 1.0)  # it waited between its three attempts
