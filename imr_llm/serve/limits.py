"""Bounds on the work one server takes on: body size (while it streams in), letters at once,
letters waiting, and time per request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from imr_llm.ocr import OcrTimeLimitError, time_limit
from imr_llm.reading import MAX_BYTES
from imr_llm.serve.problems import BodyTooLarge, Busy, TimedOut

RETRY_AFTER_SECONDS = 5


class Gate:
    """At most `slots` letters processed at once and `queue` more waiting; past that a request
    is refused at once (503 + Retry-After), before its body is read. Every admitted request
    must finish within `timeout` seconds, upload included; OCR started for it stops at that
    limit too (`ocr.time_limit`: the letter threads run with the request's context)."""

    def __init__(self, slots: int, queue: int, timeout: float) -> None:
        self.slots = slots
        self.capacity = slots + queue
        self.timeout = timeout
        self.admitted = 0
        self._slot = asyncio.Semaphore(slots)

    @asynccontextmanager
    async def admit(self) -> AsyncIterator[None]:
        if self.admitted >= self.capacity:
            raise Busy(
                f"the server is processing {self.slots} letters and {self.capacity - self.slots} "
                f"more are waiting; retry in {RETRY_AFTER_SECONDS} seconds"
            )
        self.admitted += 1
        try:
            with time_limit(self.timeout):
                async with asyncio.timeout(self.timeout):
                    yield
        except (TimeoutError, OcrTimeLimitError) as exc:
            raise TimedOut(
                f"the letter took longer than the {self.timeout:g} s limit; retry later"
            ) from exc
        finally:
            self.admitted -= 1

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._slot:
            yield


Scope = dict[str, Any]
Message = dict[str, Any]


class BodyLimit:
    """ASGI middleware: refuse a body larger than `max_bytes` from its Content-Length, before
    reading it; for a body without one, stop reading the moment it passes the limit."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> BodyTooLarge:
        return BodyTooLarge(
            f"the upload is larger than the {MAX_BYTES // 1_048_576} MiB limit for one letter; "
            "upload a single letter"
        )

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            state["body_error"] = self._too_large()
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if "body_error" in state:
                raise state["body_error"]
            message: Message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                state["body_bytes"] = received
                if received > self.max_bytes:
                    state["body_error"] = self._too_large()
                    raise state["body_error"]
            return message

        await self.app(scope, limited_receive, send)
