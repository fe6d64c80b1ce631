"""A real multi-node Ray cluster on this machine (`ray.cluster_utils.Cluster`): a head with no CPUs, so that
verifier actors run only on the worker nodes, and two worker nodes with 3 CPUs each (Ray's accounting, not
cores: a test fleet, the server's fleet and a restart all find room). Every Ray process binds 127.0.0.1; the
object stores are small; the head also serves Ray Client (`ray://`), the address a Kubernetes front uses. The
test process is the cluster's driver; the cluster and its processes end with the session."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import docker

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # loopback only
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import ray  # noqa: E402 - after the variables above
from ray.cluster_utils import Cluster  # noqa: E402

from rlvr.sandbox.docker_pool import LABEL, OWNER_LABEL  # noqa: E402

NODE_CPUS = 3
STORE_BYTES = 80 << 20


@dataclass
class LocalCluster:
    cluster: Cluster
    client_port: int

    @property
    def address(self) -> str:
        return self.cluster.address

    @property
    def client_address(self) -> str:
        return f"ray://127.0.0.1:{self.client_port}"

    def add_node(self) -> object:
        node = self.cluster.add_node(num_cpus=NODE_CPUS, object_store_memory=STORE_BYTES)
        self.cluster.wait_for_nodes()
        return node

    def worker_nodes(self) -> list:
        return [node for node in self.cluster.list_all_nodes() if node is not self.cluster.head_node]

    def raylet_pids(self) -> set[int]:
        return {node.all_processes["raylet"][0].process.pid for node in self.cluster.list_all_nodes()}


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[LocalCluster]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        client_port = sock.getsockname()[1]
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "object_store_memory": STORE_BYTES,
                                                            "include_dashboard": False,
                                                            "ray_client_server_port": client_port})
    test_cluster = LocalCluster(cluster, client_port)
    try:
        for _ in range(2):
            test_cluster.add_node()
        ray.init(address=cluster.address, log_to_driver=False)
        yield test_cluster
    finally:
        ray.shutdown()
        cluster.shutdown()


def executors_of(pids: set[int]) -> set[str]:
    """Names of the executor containers whose owner process descends from one of `pids` (the cluster's raylets:
    Ray workers are their children), so other sessions' executors on this shared machine never count."""
    client = docker.from_env()
    try:
        containers = client.containers.list(all=True, filters={"label": LABEL}, ignore_removed=True)
        return {c.name for c in containers if _descends(_owner_pid(c.labels.get(OWNER_LABEL, "")), pids)}
    finally:
        client.close()


def executor_names() -> set[str]:
    client = docker.from_env()
    try:
        return {c.name for c in client.containers.list(all=True, filters={"label": LABEL}, ignore_removed=True)}
    finally:
        client.close()


def _owner_pid(owner: str) -> int:
    parts = owner.split(":")
    return int(parts[2]) if len(parts) == 4 and parts[2].isdigit() else 0


def _descends(pid: int, ancestors: set[int]) -> bool:
    for _ in range(6):
        if pid in ancestors:
            return True
        try:
            with open(f"/proc/{pid}/stat") as stat:
                pid = int(stat.read().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            return False
    return False
