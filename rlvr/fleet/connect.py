"""Reaching a Ray cluster, placing verifier actors on its nodes, and Ray as the dispatcher's transport.

A cluster that cannot be reached is one clear `FleetUnavailable` at construction, after `connect_timeout_s`,
never a hang: the address is probed over TCP before Ray is asked to join it (Ray itself retries for a minute).
"""

from __future__ import annotations

import logging
import socket
import time
from concurrent.futures import Future
from typing import Any

from rlvr.fleet.actor import ActorInfo, VerifierActor
from rlvr.fleet.errors import FleetUnavailable
from rlvr.fleet.members import Member
from rlvr.fleet.options import FleetOptions

log = logging.getLogger(__name__)
_CLOSE_S = 30.0
_CLIENT_ATTEMPTS = 3
_EXTRA_CALLS = 4  # warm-ups and close beside `max_inflight` chunks on an actor's event loop


def connect(address: str | None, timeout_s: float) -> bool:
    """Join the cluster at `address` (None: start a local one, unless `RAY_ADDRESS` names one; "auto": the one
    this machine runs; "ray://host:port": Ray Client; "host:port": the head's GCS). True when this call made the
    connection, so the verifier ends it at close; False when the process was already connected (inside a Ray job
    such as verl's), whose connection it leaves alone."""
    import ray

    if address not in (None, "auto"):
        _probe(address, timeout_s)
    if ray.is_initialized():
        _check_same(address)
        return False
    attempts = _CLIENT_ATTEMPTS if address and address.startswith("ray://") else 1
    for attempt in range(attempts):
        try:
            if address is None:
                ray.init(log_to_driver=False, include_dashboard=False, configure_logging=False)
            else:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
            return True
        except (ConnectionError, RuntimeError, ValueError) as exc:
            failure = exc
            # The head starts a server process per Ray Client connection, and that start fails now and then on a
            # busy head (its log says no more than that it exited): a second connection gets a fresh one.
            if attempt + 1 < attempts:
                log.warning("joining the Ray cluster at %s failed (attempt %d): %s", address, attempt + 1, exc)
                time.sleep(1.0)
    raise FleetUnavailable(f"cannot join the Ray cluster at {address or 'a new local cluster'}: {failure}") from None


def _probe(address: str, timeout_s: float) -> None:
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
            pass
    except ValueError:
        raise FleetUnavailable(f"Ray address {address!r} is not host:port, ray://host:port or 'auto'") from None
    except OSError as exc:
        raise FleetUnavailable(f"no Ray cluster answers at {address} ({exc.strerror or type(exc).__name__}); "
                               "start one (`ray start --head`) or pass the head's address") from None


def _check_same(address: str | None) -> None:
    """A process joins one cluster: asking for another while connected is a mistake, said at once."""
    import ray

    if address is None or address == "auto" or address.startswith("ray://"):
        return
    current = ray.get_runtime_context().gcs_address
    if current and current != address:
        raise FleetUnavailable(f"this process is already connected to the Ray cluster at {current}, not {address}")


def place(options: FleetOptions) -> list[Member]:
    """Start `actors_per_node` actors on each live node with the CPUs for them. Each is pinned softly to its node
    (Ray restarts it elsewhere, or when a node with free CPUs joins, after its node dies)."""
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    actor_class = ray.remote(VerifierActor)
    members: list[Member] = []
    for node in sorted(ray.nodes(), key=lambda n: n["NodeID"]):
        cpus = node["Resources"].get("CPU", 0.0) if node["Alive"] else 0.0
        for _ in range(min(options.actors_per_node, int(cpus // options.num_cpus))):
            handle = actor_class.options(
                num_cpus=options.num_cpus, max_restarts=-1, max_task_retries=0,
                max_concurrency=options.max_inflight + _EXTRA_CALLS,
                scheduling_strategy=NodeAffinitySchedulingStrategy(node["NodeID"], soft=True),
                runtime_env=dict(options.runtime_env) if options.runtime_env else None,
            ).remote(options)
            members.append(Member(len(members), handle, options.code_slots, node_id=node["NodeID"]))
    if not members:
        raise FleetUnavailable(f"no live node of the Ray cluster has {options.num_cpus} CPUs for a verifier actor")
    return members


def warm(members: list[Member], timeout_s: float) -> None:
    """Wait for every actor's warm-up (worker pool and sandbox started) up to `timeout_s`; those that answer are
    live. Raises FleetUnavailable, after freeing them all, when none does."""
    import ray

    refs = {member.handle.warm.remote(): member for member in members}
    ready, _ = ray.wait(list(refs), num_returns=len(refs), timeout=timeout_s)
    for ref in ready:
        try:
            info: ActorInfo = ray.get(ref)
        except ray.exceptions.RayError as exc:
            log.error("verifier actor %d failed to start: %s", refs[ref].index, exc)
            continue
        member = refs[ref]
        member.node_id, member.code_slots, member.alive = info.node_id, info.sandbox_slots or member.code_slots, True
    if not any(m.alive for m in members):
        release(members)
        raise FleetUnavailable(f"no verifier actor became ready within {timeout_s:.0f} s; see the actors' logs")


def release(members: list[Member]) -> None:
    """Close every actor's runtime (its executor containers go with it), then end the actors for good."""
    import ray

    if not ray.is_initialized():  # the driver already left: its actors ended with it
        return
    refs = [member.handle.close.remote() for member in members]
    ray.wait(refs, num_returns=len(refs), timeout=_CLOSE_S)
    for member in members:
        ray.kill(member.handle, no_restart=True)


def disconnect() -> None:
    import ray

    ray.shutdown()


class RayTransport:
    """The dispatcher's calls as Ray actor calls; their futures resolve off the dispatcher's loop."""

    def call(self, member: Member, chunk: list[tuple[str, str, dict[str, Any]]]) -> Future:
        return member.handle.verify.remote(chunk).future()

    def warm(self, member: Member) -> Future:
        return member.handle.warm.remote().future()

    def died(self, exc: BaseException) -> bool:
        from ray.exceptions import RayError, RayTaskError

        return isinstance(exc, RayError) and not isinstance(exc, RayTaskError)
