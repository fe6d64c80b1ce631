"""ASGI middleware that bounds a request body before anyone buffers it: 413 with a message."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rlvr.server.errors import TooLarge, answer


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await answer(send, TooLarge(self._message(int(length))))
            return
        seen = 0

        async def bounded_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:  # chunked bodies carry no length; count as they stream in
                raise TooLarge(self._message(seen))
            return message

        await self.app(scope, bounded_receive, send)

    def _message(self, size: int) -> str:
        return f"request body has {size}+ bytes; the limit is {self.max_bytes} (RLVR_MAX_BODY_BYTES)"

