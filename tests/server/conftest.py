"""A real uvicorn server on loopback, in a thread of the test process, with the real worker pool."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from rlvr.server import Settings, create_app

API_KEY = "test-key-123"


class LiveServer:
    def __init__(self, settings: Settings):
        self.app = create_app(settings)
        self.settings = settings
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", access_log=False))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 60
        last = "no answer"
        while time.monotonic() < deadline:
            try:
                reply = httpx.get(self.url + "/readyz", timeout=2)
                if reply.status_code == 200:
                    return self
                last = f"{reply.status_code} {reply.text[:300]}"
            except httpx.TransportError as exc:
                last = repr(exc)
            time.sleep(0.05)
        raise RuntimeError(f"the test server did not become ready in 60 s (last /readyz: {last})")

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=20)
        self._sock.close()

    def client(self, **kwargs: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.settings.api_key}"} if self.settings.api_key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)


@pytest.fixture(scope="session")
def server() -> Iterator[LiveServer]:
    """Two workers, a 1.5 s check limit, small limits, and an API key."""
    settings = Settings(
        api_key=API_KEY,
        workers=2,
        verify_timeout_s=1.5,
        max_body_bytes=256 * 1024,
        max_batch=64,
        max_completion_chars=20_000,
        max_pending=512,
        max_sessions=8,
        session_ttl_s=30,
    )
    live = LiveServer(settings).start()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def tight_server() -> Iterator[LiveServer]:
    """One worker and room for two pending items: easy to fill, to see 429."""
    settings = Settings(workers=1, verify_timeout_s=2.0, max_batch=2, max_pending=2, retry_after_s=2)
    live = LiveServer(settings).start()
    yield live
    live.stop()


@pytest.fixture()
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "compose: brings the docker compose stack up (slow; CI runs it last)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("compose") is not None)


def wait_for_executors(url: str, executors: int, within_s: float) -> dict:
    """The /readyz body once it reports `executors` live sandbox executors; fails after `within_s`."""
    deadline = time.monotonic() + within_s
    body: dict = {}
    while time.monotonic() < deadline:
        body = httpx.get(url + "/readyz", timeout=5).json()
        if body.get("sandbox", {}).get("executors") == executors:
            return body
        time.sleep(0.1)
    raise AssertionError(f"{url}/readyz never reported {executors} executors: {body}")
