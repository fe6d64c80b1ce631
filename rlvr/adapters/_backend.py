"""Where adapters send items: a Ray verification fleet when an address is known (in-cluster, no HTTP hop), a
reward server when a URL is known, else the in-process default Runtime."""

from __future__ import annotations

import asyncio
import atexit
import logging
import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from rlvr.results import VerifyResult

log = logging.getLogger(__name__)
_clients: dict[tuple[str, str | None], Any] = {}
# One AsyncRewardClient per (event loop, url, key): an httpx AsyncClient is bound to the loop it first
# ran on, so a client is pooled across the calls made on one loop, never shared between loops. The value
# keeps the client's closer (see `_close_with_loop`) alive.
_async_clients: dict[tuple[asyncio.AbstractEventLoop, str, str | None], tuple[Any, AsyncIterator[None]]] = {}
_lock = threading.Lock()
_EXIT_CLOSE_S = 5.0
# One RayVerifier per cluster address, made on first use: its actors stay warm across a trainer's steps.
_fleets: dict[str, Any] = {}


def score_batch(items: Sequence[Mapping[str, Any]], *, url: str | None, api_key: str | None,
                ray_address: str | None = None) -> list[VerifyResult]:
    if ray_address:
        return fleet(ray_address).verify_batch(items)
    if not url:
        from rlvr.runtime import verify_batch

        return verify_batch(items)
    return _client(url, api_key).verify_batch(items)


async def ascore_batch(
    items: Sequence[Mapping[str, Any]], *, url: str | None, api_key: str | None
) -> list[VerifyResult]:
    if not url:
        from rlvr.runtime import default_runtime

        return await default_runtime().averify_batch(items)
    client = await _async_client(url, api_key)
    return await client.verify_batch(items)


def fleet(address: str) -> Any:
    """This process's RayVerifier for the cluster at `address` ("auto" inside a Ray job such as verl's)."""
    from rlvr.ray import RayVerifier

    with _lock:
        if address not in _fleets:
            _fleets[address] = RayVerifier(address)
        return _fleets[address]


@atexit.register
def close_fleets() -> None:
    """Free the fleets' actors and executors (at exit, or when a caller is done with them)."""
    with _lock:
        fleets = list(_fleets.values())
        _fleets.clear()
    for verifier in fleets:
        verifier.close()


def _client(url: str, api_key: str | None) -> Any:
    from rlvr.client import RewardClient

    with _lock:
        key = (url, api_key)
        if key not in _clients:
            _clients[key] = RewardClient(url, api_key=api_key)
        return _clients[key]


async def _async_client(url: str, api_key: str | None) -> Any:
    """This loop's client for `url`, made on first use and closed when the loop shuts down."""
    from rlvr.client import AsyncRewardClient

    key = (asyncio.get_running_loop(), url, api_key)
    with _lock:
        _forget_closed_loops()
        if key in _async_clients:
            return _async_clients[key][0]
        client = AsyncRewardClient(url, api_key=api_key)
        closer = _close_with_loop(key, client)
        _async_clients[key] = (client, closer)
    await closer.asend(None)  # started: the loop now finalizes it in shutdown_asyncgens
    return client


async def _close_with_loop(key: tuple[Any, ...], client: Any) -> AsyncIterator[None]:
    """Closes `client` on its own loop when that loop shuts down. asyncio has no "loop closing" hook, but
    `asyncio.run` (and `Runner`, and anyone who calls `loop.shutdown_asyncgens()`) closes every async
    generator still suspended on the loop, and so runs this `finally` there."""
    try:
        yield
    finally:
        with _lock:
            if _async_clients.get(key, (None,))[0] is client:
                del _async_clients[key]
        await client.aclose()


def _forget_closed_loops() -> None:
    """Drop clients of loops closed without `shutdown_asyncgens`: nothing can run on those loops now."""
    for key in [key for key in _async_clients if key[0].is_closed()]:
        del _async_clients[key]


@atexit.register
def _close_async_clients() -> None:
    """At exit, close the clients of loops that are still open (a trainer's loop thread, say)."""
    with _lock:
        entries = [(key[0], closer) for key, (_, closer) in _async_clients.items()]
        _async_clients.clear()
    for loop, closer in entries:
        if loop.is_closed():
            continue
        try:
            if loop.is_running():
                asyncio.run_coroutine_threadsafe(closer.aclose(), loop).result(timeout=_EXIT_CLOSE_S)
            else:
                loop.run_until_complete(closer.aclose())
        except (RuntimeError, OSError, TimeoutError) as exc:
            log.debug("could not close a reward client at exit: %s", exc)
