"""GET /metrics: Prometheus text with latency per family, statuses, pool saturation and queue depth."""

from __future__ import annotations

import re

from prometheus_client.parser import text_string_to_metric_families


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_count_results_by_family_and_status(http) -> None:
    before = _samples(http.get("/metrics").text)
    items = [{"env": "rlvr/Math-v0", "completion": "\\boxed{1}", "reference": {"answer": a}} for a in ("1", "2", "1")]
    items += [{"env": "rlvr/Nope-v0", "completion": "x"}, {"env": "rlvr/Math-v0", "completion": 3}]
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
