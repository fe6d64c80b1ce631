"""GET /metrics: Prometheus text with latency per family, statuses, pool saturation and queue depth."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from prometheus_client.parser import text_string_to_metric_families

from rlvr.server import Settings
from rlvr.server import app as app_module
from tests.server.conftest import LiveServer


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_count_results_by_family_and_status(http) -> None:
    before = _samples(http.get("/metrics").text)
    items = [{"env": "rlvr/Math-v1", "completion": "\\boxed{1}", "reference": {"answer": a}} for a in ("1", "2", "1")]
    items += [{"env": "rlvr/Nope-v0", "completion": "x"}, {"env": "rlvr/Math-v1", "completion": 3}]
    http.post("/verify/batch", json={"items": items})
    reply = http.get("/metrics")
    assert reply.headers["content-type"].startswith("text/plain")
    after = _samples(reply.text)

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert grew("rlvr_verify_results_total", family="math", status="correct") == 2
    assert grew("rlvr_verify_results_total", family="math", status="wrong") == 1
    assert grew("rlvr_verify_results_total", family="unknown", status="error") == 1
    assert grew("rlvr_verify_results_total", family="invalid", status="error") == 1
    assert grew("rlvr_verify_latency_seconds_count", family="math") == 3
    for gauge in (
        "rlvr_pool_workers",
        "rlvr_pool_busy_workers",
        "rlvr_pool_queue_depth",
        "rlvr_pending_items",
        "rlvr_sessions_live",
        "rlvr_pool_restarts",
    ):
        assert (gauge, ()) in after
    assert after[("rlvr_pool_workers", ())] == 2
    assert not re.search(r"Traceback|Exception", reply.text)


SLOW_CODE = {
    "env": "rlvr/Code-v1",
    "completion": "```python\nimport time\ntime.sleep(1.0)\ndef add(a, b):\n    return a + b\n```",
    "reference": {"asserts": ["assert add(1, 2) == 3"]},
}


def test_metrics_and_readyz_cover_the_code_sandbox(server) -> None:
    """Embedded mode: once a code check has started the sandbox, /metrics has its gauges (a slot is busy
    while the check runs) and /readyz checks it."""
    with server.client() as http, ThreadPoolExecutor(1) as threads:
        assert http.post("/verify", json=SLOW_CODE).json()["status"] == "correct"  # the sandbox is up now
        running = threads.submit(lambda: server.client().post("/verify", json=SLOW_CODE).json())
        busy = 0.0
        deadline = time.monotonic() + 30
        while not busy and not running.done() and time.monotonic() < deadline:
            busy = _samples(http.get("/metrics").text).get(("rlvr_sandbox_busy_slots", ()), 0.0)
            time.sleep(0.02)
        assert running.result()["status"] == "correct"
        assert busy >= 1
        after = _samples(http.get("/metrics").text)
    sandbox = server.app.state.scorer.runtime.current_sandbox  # the one the server's runtime started
    assert sandbox is not None
    assert after[("rlvr_sandbox_slots", ())] == sandbox.capacity > 0
    assert after[("rlvr_sandbox_busy_slots", ())] == 0 and after[("rlvr_sandbox_queue_depth", ())] == 0
    assert after[("rlvr_sandbox_heals", ())] == sandbox.heals
    ready = httpx.get(server.url + "/readyz", timeout=5)
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"worker_pool": True, "sandbox": True}, "not_ready": [],
                            "sandbox": {"executors": 2, "slots": sandbox.capacity, "lost": 0}}
    assert after[("rlvr_sandbox_executors", ())] == 2 and after[("rlvr_sandbox_executors_lost", ())] == 0


def test_readyz_names_the_sandbox_when_no_executor_answers(tmp_path, monkeypatch) -> None:
    """RLVR_SANDBOX_SOCKET_DIR with no live executor: the worker pool comes up, the sandbox has nothing alive
    (tests/server/test_server_sandbox.py sees executors join later)."""
    monkeypatch.setattr(app_module, "_SANDBOX_WAIT_S", 0.2)
    live = LiveServer(Settings(workers=1, sandbox_socket_dir=str(tmp_path)))
    live._thread.start()
    try:
        deadline = time.monotonic() + 60
        body: dict = {}
        while time.monotonic() < deadline and not body.get("checks", {}).get("worker_pool"):
            try:
                reply = httpx.get(live.url + "/readyz", timeout=5)
                body = reply.json()
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        assert reply.status_code == 503
        assert body == {"status": "not_ready", "checks": {"worker_pool": True, "sandbox": False},
                        "not_ready": ["sandbox"], "sandbox": {"executors": 0, "slots": 0, "lost": 0}}
        gauges = _samples(httpx.get(live.url + "/metrics", timeout=5).text)
        assert gauges[("rlvr_sandbox_executors", ())] == 0 and gauges[("rlvr_sandbox_slots", ())] == 0
    finally:
        live.stop()
