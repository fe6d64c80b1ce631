"""Each inline family has its own lane: a cheap check never waits behind a backlog of expensive ones.

With one shared thread pool, 8 logic checks that take 0.07 s on an idle server took 20.6 s behind 256 queued code
checks (issue 13). Here they run while 256 slow code checks are queued, and /metrics shows the code lane's depth.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import gymnasium
import httpx
import pytest

import rlvr  # noqa: F401  (registers the envs)
from rlvr.server.settings import Settings
from tests.server.conftest import LiveServer

SLOW_CODE = {
    "env": "rlvr/Code-v1",
    "completion": "```python\nimport time\ntime.sleep(0.3)\ndef add(a, b):\n    return a + b\n```",
    "reference": {"asserts": ["assert add(1, 2) == 3"]},
}


def logic_items(count: int) -> list[dict]:
    env = gymnasium.make("rlvr/Sudoku-v1").unwrapped
    items = []
    for index in range(count):
        _, info = env.reset(options={"index": index})
        items.append({"env": "rlvr/Sudoku-v1", "completion": env.reference_completion(env.task),
                      "reference": info["reference"]})
    return items


def _post_batch(live: LiveServer, items: list[dict]) -> list[dict]:
    with httpx.Client(base_url=live.url, timeout=180) as http:
        return http.post("/verify/batch", json={"items": items}).json()["results"]


def _gauge(text: str, name: str, lane: str) -> float:
    match = re.search(rf'^{name}{{lane="{lane}"}} (\S+)$', text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


@pytest.mark.timeout(300)
def test_logic_checks_do_not_wait_behind_queued_code_checks() -> None:
    live = LiveServer(Settings(workers=1, max_batch=64, max_pending=1024)).start()
    try:
        with live.client() as http, ThreadPoolExecutor(4) as senders:
            assert http.post("/verify", json=SLOW_CODE).json()["status"] == "correct"  # executors are up
            backlog = [senders.submit(_post_batch, live, [SLOW_CODE] * 64) for _ in range(4)]
            deadline = time.monotonic() + 30
            depth = 0.0
            while depth < 100 and time.monotonic() < deadline:  # the backlog is queued on the code lane
                depth = _gauge(http.get("/metrics").text, "rlvr_lane_queue_depth", "code")
                time.sleep(0.05)
            assert depth >= 100
            started = time.monotonic()
            logic = http.post("/verify/batch", json={"items": logic_items(8)}).json()["results"]
            took = time.monotonic() - started
            assert [r["status"] for r in logic] == ["correct"] * 8
            assert took < 3.0, f"8 logic checks took {took:.1f} s behind the code backlog"
            assert not all(future.done() for future in backlog)  # they really ran while code was queued
            codes = [r["status"] for future in backlog for r in future.result()]
            assert codes == ["correct"] * 256
            metrics = http.get("/metrics").text
            assert _gauge(metrics, "rlvr_lane_threads", "code") == 32
            assert _gauge(metrics, "rlvr_lane_threads", "sudoku") == 4
    finally:
        live.stop()
