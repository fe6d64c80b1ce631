"""`Lane`: a family's own thread pool, and the counts /metrics reads from it."""

from __future__ import annotations

import threading

import pytest

from rlvr.errors import RuntimeClosed
from rlvr.lanes import Lane, LaneLoad


def test_a_lane_counts_what_waits_and_what_runs() -> None:
    lane = Lane("toy", threads=1)
    release = threading.Event()
    running = lane.submit(release.wait, 10)
    while lane.load().running != 1:
        release.wait(0.01)
    waiting = [lane.submit(lambda: None) for _ in range(3)]
    assert lane.load() == LaneLoad(threads=1, queued=3, running=1)
    assert waiting[0].cancel()  # a check whose client went away leaves the queue at once
    assert lane.load() == LaneLoad(threads=1, queued=2, running=1)
    release.set()
    running.result(timeout=5)
    for future in waiting[1:]:
        future.result(timeout=5)
    assert lane.load() == LaneLoad(threads=1, queued=0, running=0)
    lane.shutdown()


def test_a_shut_lane_refuses_work() -> None:
    lane = Lane("toy", threads=1)
    lane.shutdown()
    with pytest.raises(RuntimeClosed, match="toy lane"):
        lane.submit(lambda: None)
    assert lane.load().queued == 0
