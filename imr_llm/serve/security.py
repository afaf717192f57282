"""ASGI middleware for privacy and safety: security headers on every response, an optional
shared password (HTTP Basic, so no cookie is ever set), and a request log that holds only
sizes, timings and error codes - never a letter's text, a name, a number or a query string."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import time
from typing import Any

from imr_llm.serve.limits import Message, Scope

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
    "data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""No remote loads of any kind. Inline styles are allowed because the claimant page carries its
stylesheet inside it (so that a downloaded copy is self-contained); scripts only from /static."""

HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

OPEN_PATHS = ("/api/health",)
"""Reachable without the password: a monitor needs it, and it tells nothing about a letter."""

access_log = logging.getLogger("imr_llm.serve.access")


class SecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"set-cookie"
                ]
                message["headers"] = headers + HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _password_ok(header: bytes | None, password: str) -> bool:
    if not header or not header.lower().startswith(b"basic "):
        return False
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    _, _, given = decoded.partition(":")
    return hmac.compare_digest(given.encode(), password.encode())


class SharedPassword:
    """HTTP Basic authentication with one shared password (any user name)."""

    def __init__(self, app: Any, password: str | None) -> None:
        self.app = app
        self.password = password

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if (
            scope["type"] != "http"
            or not self.password
            or scope["path"] in OPEN_PATHS
            or _password_ok(dict(scope["headers"]).get(b"authorization"), self.password)
        ):
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})["error_code"] = "unauthorized"
        body = json.dumps(
            {
                "code": "unauthorized",
                "message": "this server needs the shared password (HTTP Basic, any user name)",
                "exit_code": 2,
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", b'Basic realm="imr-llm", charset="UTF-8"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class AccessLog:
    """One line per request in Common Log Format, extended with the time taken, the request
    body's size and the error code: `host - - [date] "METHOD /path HTTP/1.1" status bytes
    in=BYTES ms=MS code=CODE`. Only known paths are logged, and never a query string."""

    def __init__(self, app: Any, paths: tuple[str, ...]) -> None:
        self.app = app
        self.paths = paths

    def _path(self, path: str) -> str:
        """A path the server knows, or "-": any other path is whatever a client typed."""
        return path if path in self.paths or path.startswith("/static/") else "-"

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0
        sent = 0

        async def counting_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            state = scope.get("state", {})
            client = scope.get("client")
            access_log.info(
                '%s - - [%s] "%s %s HTTP/%s" %d %d in=%d ms=%.1f code=%s',
                client[0] if client else "-",
                time.strftime("%d/%b/%Y:%H:%M:%S %z"),
                scope["method"],
                self._path(scope["path"]),
                scope.get("http_version", "1.1"),
                status or 500,
                sent,
                state.get("body_bytes", 0),
                (time.perf_counter() - start) * 1000,
                state.get("error_code", "-"),
            )
