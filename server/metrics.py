"""Prometheus metrics: verify latency per family, results by status, pool saturation and queue depth.

Each app has its own registry, so several apps in one process (tests) never collide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from rlvr.lanes import LaneLoad

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "rlvr_verify_latency_seconds",
            "Time from admission to result, per item.",
            ["family"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.results = Counter(
            "rlvr_verify_results",
            "Verified items by family and status.",
            ["family", "status"],
            registry=self.registry,
        )
        self.rejected = Counter(
            "rlvr_rejected_requests", "Requests refused with 429 (queue full).", registry=self.registry
        )
        self._children: dict[tuple[str, str], tuple[Any, Any]] = {}

    def observe(self, family: str, status: str, seconds: float) -> None:
        """One verified item (called per item from the threads that finish checks: the labelled children are
        looked up once, `labels()` costs more than the observation itself)."""
        children = self._children.get((family, status))
        if children is None:
            children = (self.latency.labels(family), self.results.labels(family, status))
            self._children[family, status] = children
        latency, results = children
        latency.observe(seconds)
        results.inc()

    def add_gauges(self, read: Callable[[], dict[str, tuple[str, float]]]) -> None:
        """Expose live values read at scrape time: name -> (help, value)."""
        self.registry.register(_LiveGauges(read))

    def add_lanes(self, read: Callable[[], Mapping[str, LaneLoad]]) -> None:
        """Expose each family lane's threads, queue depth and running checks, labelled by lane, at scrape time."""
        self.registry.register(_LaneGauges(read))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _LaneGauges(Collector):
    def __init__(self, read: Callable[[], Mapping[str, LaneLoad]]):
        self._read = read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        loads = self._read()
        for name, help_text, field in _LANE_GAUGES:
            gauge = GaugeMetricFamily(name, help_text, labels=["lane"])
            for lane, load in sorted(loads.items()):
                gauge.add_metric([lane], getattr(load, field))
            yield gauge


_LANE_GAUGES = (
    ("rlvr_lane_threads", "Threads of an inline family's lane (each family has its own).", "threads"),
    ("rlvr_lane_queue_depth", "Checks waiting for a thread of the family's lane.", "queued"),
    ("rlvr_lane_busy", "Checks running on the family's lane now.", "running"),
)


class _LiveGauges(Collector):
    def __init__(self, read: Callable[[], dict[str, tuple[str, float]]]):
        self._read = read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, (help_text, value) in self._read().items():
            yield GaugeMetricFamily(name, help_text, value=value)
