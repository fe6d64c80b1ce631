"""RayVerifier on a real two-node Ray cluster with Docker executors per actor: a node removed in the middle of a
batch loses no item and reorders none, and every verdict is the one in-process verification gives; Ray restarts
the lost actor, which warms up again and serves; closing (twice) frees every actor and executor container."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import ray

from rlvr.fleet.errors import FleetUnavailable
from rlvr.ray import RayVerifier
from rlvr.runtime import Runtime
from tests.fleet.conftest import NODE_CPUS, LocalCluster, executor_names, executors_of

TESTS = {"asserts": ["assert add(1, 2) == 3", "assert add(-4, 4) == 0"]}
SLOW = "import time\ntime.sleep(0.3)\n"  # code items stay in flight long enough for the node to go under them


def _code(body: str) -> dict:
    return {"env": "rlvr/Code-v1", "completion": f"```python\n{SLOW}{body}\n```", "reference": TESTS}


def _math(i: int) -> dict:
    answer = ("\\frac{1}{2}", "0.5", "x^2", "7", "\\sqrt{2}")[i % 5]
    gold = ("1/2", "1/2", "x**2", "8", "sqrt(2)")[i % 5]
    return {"env": "rlvr/Math-v1", "completion": f"so \\boxed{{{answer}}}", "reference": {"answer": gold}}


def _items() -> list[dict]:
    code = [_code("def add(a, b):\n    return a + b"), _code("def add(a, b):\n    return a - b")]
    items = [code[i % 2] if i % 8 == 0 else _math(i) for i in range(320)]
    items[5] = {"env": "rlvr/Nope-v1", "completion": "x", "reference": {}}
    return items


def _busy_node(cluster: LocalCluster, fleet: RayVerifier) -> object:
    """The worker node whose actor holds the most items in flight, once one holds some."""
    nodes = {node.node_id: node for node in cluster.worker_nodes()}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        by_node = {node: n for node, n in fleet.load().by_node.items() if node in nodes and n >= 2}
        if by_node:
            return nodes[max(by_node, key=by_node.__getitem__)]
        time.sleep(0.01)
    raise AssertionError(f"no actor took work in 60 s: {fleet.load()}")


def _wait(predicate, what: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.2)


def test_a_node_lost_mid_batch_loses_no_item(ray_cluster: LocalCluster) -> None:
    items = _items()
    with Runtime() as local:
        expected = local.verify_batch(items)
    fleet = RayVerifier(ray_cluster.address, sandbox_slots=4, chunk=8, code_chunk=1)
    try:
        started = fleet.load()
        assert (started.actors, started.actors_alive, started.nodes, started.sandbox_slots) == (2, 2, 2, 8)
        ours = executors_of(ray_cluster.raylet_pids())
        assert len(ours) == 2  # one warm executor per actor
        with ThreadPoolExecutor(1) as thread:
            batch = thread.submit(fleet.verify_batch, items)
            ray_cluster.cluster.remove_node(_busy_node(ray_cluster, fleet))
            results = batch.result(timeout=180)
        load = fleet.load()
        assert load.retried > 0, "the node went after the batch: nothing was in flight on it"
        assert load.lost == 0  # a live actor was left for every retry
        assert len(results) == len(items)
        assert [(r.status, r.reward) for r in results] == [(r.status, r.reward) for r in expected]
        assert results[5].reason.startswith("unknown env 'rlvr/Nope-v1'")

        ray_cluster.add_node()  # Ray restarts the lost actor (its CPUs are free here, or on the new node)
        _wait(lambda: fleet.load().actors_alive == 2, "the lost actor is restarted and warm")
        again = fleet.verify_batch(items[:48])
        assert [(r.status, r.reward) for r in again] == [(r.status, r.reward) for r in expected[:48]]
    finally:
        fleet.close()
        fleet.close()
    # The lost node's executors too (the restarted actor's sandbox reaps them); Docker removes a container a moment
    # after it is stopped, so the check waits for it.
    _wait(lambda: not ours & executor_names(), "every executor of the fleet is gone", timeout_s=30)
    workers = len(ray_cluster.worker_nodes())
    _wait(lambda: ray.available_resources().get("CPU") == workers * NODE_CPUS, "the actors' CPUs are free", 30)


def test_an_unreachable_cluster_is_one_clear_error_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(FleetUnavailable, match="no Ray cluster answers at 127.0.0.1:1"):
        RayVerifier("127.0.0.1:1", connect_timeout_s=2)
    with pytest.raises(FleetUnavailable, match="not host:port"):
        RayVerifier("nowhere")
    assert time.monotonic() - started < 5
