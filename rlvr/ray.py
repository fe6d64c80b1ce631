"""`RayVerifier`: `rlvr.verify_batch` on a Ray cluster. Verifier actors, each holding one `Runtime`, are spread
over the cluster's nodes; items go to them in chunks and come back in order (extra `ray`).

    with RayVerifier("auto", actors_per_node=2) as fleet:
        results = fleet.verify_batch([{"env": "rlvr/Math-v1", "completion": "\\\\boxed{4}",
                                       "reference": {"answer": "4"}}])

Verification is stateless, so an item whose actor or node dies before a verdict is sent once more, to another
live actor; when none is live or that one dies too, the item comes back with reward None and a reason, never 0.
Items the HTTP server refuses are refused here the same way, per item, before anything is sent. See
docs/scaling.md for sizes and measurements.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import replace
from typing import Any

from rlvr.dispatch import VerifyRequest, done
from rlvr.errors import UnknownEnvError
from rlvr.fleet import connect as cluster
from rlvr.fleet.dispatch import Dispatcher, Load
from rlvr.fleet.errors import ActorLost, FleetUnavailable
from rlvr.fleet.options import FleetOptions
from rlvr.items import checked
from rlvr.registry import ENVS, family_of
from rlvr.results import VerifyResult

__all__ = ["ActorLost", "FleetOptions", "FleetUnavailable", "Load", "RayVerifier"]


class RayVerifier:
    """A verification fleet on the Ray cluster at `address`; use as a context manager or call `close()`.

    address: None (a new local cluster, or the one `RAY_ADDRESS` names), "auto" (the one this machine runs),
        "ray://host:port" (Ray Client) or "host:port" (the head). In a process already connected to Ray (a verl
        job), that connection is used and left open at close.
    options / keyword options: `FleetOptions` (actors per node, CPUs and sandbox slots each, chunk sizes, bounds).
    Raises FleetUnavailable when the cluster cannot be reached or no actor starts.
    """

    def __init__(self, address: str | None = None, *, options: FleetOptions | None = None, **fields: Any):
        self.options = replace(options or FleetOptions(), **fields)
        self.address = address
        self._owns_connection = cluster.connect(address, self.options.connect_timeout_s)
        try:
            self._members = cluster.place(self.options)
            cluster.warm(self._members, self.options.ready_timeout_s)
        except BaseException:
            if self._owns_connection:
                cluster.disconnect()
            raise
        self._dispatcher = Dispatcher(self._members, self.options, cluster.RayTransport())
        for member in self._members:
            if not member.alive:
                self._dispatcher.revive(member)
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, env: str, *, completion: str, reference: Mapping[str, Any]) -> Future:
        """Start one check (the `Runtime.submit` shape, so the server can front the fleet); blocks while
        `max_pending` items are pending. The future always resolves to a VerifyResult."""
        return self._submit_all([{"env": env, "completion": completion, "reference": reference}])[0]

    def verify(self, env: str, *, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
        return self.submit(env, completion=completion, reference=reference).result()

    def verify_family(self, family: str, *, completion: str, reference: Mapping[str, Any]) -> VerifyResult:
        """Score by family (what an env's `score` calls, so envs and server sessions run on the fleet too): any
        env of the family names its verifier."""
        env = next((entry.id for entry in ENVS.values() if entry.family == family), family)
        return self.verify(env, completion=completion, reference=reference)

    def verify_batch(self, items: Sequence[Any]) -> list[VerifyResult]:
        """One result per item, in order, failures included."""
        return [future.result() for future in self._submit_all(items)]

    async def averify_batch(self, items: Sequence[Any]) -> list[VerifyResult]:
        """`verify_batch` for an event loop: handing items over (which may wait for room) runs on a thread."""
        futures = await asyncio.to_thread(self._submit_all, items)
        return list(await asyncio.gather(*(asyncio.wrap_future(f) for f in futures)))

    def load(self) -> Load:
        """Actors alive, nodes, sandbox slots, items queued and in flight, retries and losses so far."""
        return self._dispatcher.load()

    def close(self) -> None:
        """Answer what is pending, close every actor's runtime and executors, end the actors; safe twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self._dispatcher.close()
            cluster.release(self._members)
        finally:
            if self._owns_connection:
                cluster.disconnect()

    def __enter__(self) -> RayVerifier:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _submit_all(self, items: Sequence[Any]) -> list[Future]:
        """Refused items answered here; the rest handed over in one go, so they travel in full chunks."""
        checked_items = [checked(item, max_completion_chars=self.options.max_completion_chars) for item in items]
        sent = iter(self._dispatcher.submit([(r, _heavy(r)) for r in checked_items if isinstance(r, VerifyRequest)]))
        return [done(r) if isinstance(r, VerifyResult) else next(sent) for r in checked_items]


def _heavy(request: VerifyRequest) -> bool:
    """Families that use the runtime (the sandbox, Lean backends) go where sandbox slots are free, in small
    chunks; an unknown env is cheap (its actor answers the same error as in-process)."""
    try:
        return family_of(request.env).uses_runtime
    except UnknownEnvError:  # the actor's Runtime says so, per item
        return False


