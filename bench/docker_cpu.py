"""Shared by the sandbox benchmarks: CPU used inside the pool's containers, which load elsewhere does not skew."""

from __future__ import annotations

from rlvr.sandbox import Sandbox


def container_cpu_s(box: Sandbox) -> float | None:
    """CPU seconds used so far by the pool's containers (cgroup v1 cpuacct), or None if unreadable."""
    total = 0.0
    for index in range(len(box.provider.socket_paths)):
        path = f"/sys/fs/cgroup/cpuacct/docker/{box.provider.container(index).id}/cpuacct.usage"
        try:
            with open(path) as handle:
                total += int(handle.read()) / 1e9
        except OSError:
            return None
    return total
