"""A scriptable fake OpenAI-compatible HTTP server for tests (stdlib only).

The server is a real HTTP/1.1 server on 127.0.0.1 (``ThreadingHTTPServer``,
one thread per connection), so the real ``openai`` client (sync and async)
and ``instructor`` talk to it over the loopback network; nothing is patched.

Quick start (``tests/`` has no ``__init__.py`` and pytest puts it on
``sys.path``; note that ``import tests`` finds a stray ``tests`` package that
textstat installs into site-packages, so do not import ``tests.*``)::

    from fake_openai_server import FakeOpenAIServer, Reply

    with FakeOpenAIServer() as server:
        server.script(
            Reply.tool_call({"name": "Ann", "age": 31}),
            Reply.error(429, headers={"Retry-After": "1"}),
        )
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test",
                               max_retries=0)
        ...
        assert server.request_count == 2
        assert server.chat_requests[0].json["model"] == "gpt-4o-mini"

Chat completions (``POST /v1/chat/completions``)
    Each request is answered by the next scripted reply (``server.script``,
    FIFO).  When the queue is empty the ``responder`` (a callable receiving the
    parsed request JSON and returning a :class:`Reply`) is asked; with neither,
    the answer is a 500 "fake server: script exhausted".  Requests without a
    string ``model`` or a non-empty ``messages`` list get a 400 (like the real
    API) and do not consume a scripted reply.  ``server.latency`` seconds are
    added to every chat reply; waits never block other requests.  With
    ``"stream": true`` content and tool-call replies are sent as a
    server-sent-event stream of ``chat.completion.chunk`` objects (plus a
    usage chunk when ``stream_options.include_usage`` is set).

    Reply factories: ``Reply.tool_call``, ``Reply.content``, ``Reply.json``,
    ``Reply.error``, ``Reply.delay``, ``Reply.drop``, ``Reply.raw``.  Content
    and tool-call replies accept ``usage=(prompt_tokens, completion_tokens)``;
    otherwise usage is a deterministic estimate (about 4 characters a token)
    from the request and the reply text.

Recording
    Every HTTP request is recorded as a :class:`RecordedRequest` (method,
    path, query, headers with lower-cased names, raw body text, parsed JSON or
    ``None``).  ``server.requests`` (all), ``server.chat_requests``,
    ``server.request_count`` (chat completion requests), ``server.last_request``,
    ``server.pending_replies``, ``server.responder_errors`` and ``reset()``.

Other endpoints
    ``GET /v1/models`` (one model, ``server.model``), ``GET /v1/models/{id}``.
    If ``api_key`` is given, requests without ``Authorization: Bearer <key>``
    get a 401.  Unknown routes get a 404 with an OpenAI-style error body.

Batch API subset
    ``POST /v1/files`` (multipart: ``purpose``, ``file``), ``GET /v1/files``,
    ``GET /v1/files/{id}``, ``GET /v1/files/{id}/content``,
    ``DELETE /v1/files/{id}``, ``POST /v1/batches``, ``GET /v1/batches``,
    ``GET /v1/batches/{id}``, ``POST /v1/batches/{id}/cancel``.

    Batch progress is driven by polling.  A new batch takes its plan from the
    queue filled by ``server.script_batches(*plans)``, else from
    ``server.batch_plan`` (default ``BatchPlan()``).  ``BatchPlan.statuses``
    (default ``("validating", "in_progress", "completed")``): ``create``
    returns the first status and every ``GET /v1/batches/{id}`` advances one
    step; the last status sticks (a non-terminal last status never finishes,
    which is handy for polling-timeout tests).  When a terminal status is
    reached:

    * ``"completed"``: every input line's ``body`` is answered by the same
      logic as ``/v1/chat/completions`` (script queue, then responder, in file
      order; delays, latency and streaming are ignored).  Successful lines go
      to the output file (``{"id", "custom_id", "response": {"status_code",
      "request_id", "body"}, "error": null}``), error replies to the error file
      (same shape, ``status_code`` >= 400 and an error ``body``); a
      ``Reply.drop()`` becomes an error-file line with ``response: null``.
      If ``complete_first_n`` is set, only the first N lines are executed and
      the others are silently missing (a lossy provider).
    * ``"expired"``: only the first ``complete_first_n`` lines (default 0)
      are executed; the others go to the error file with
      ``{"response": null, "error": {"code": "batch_expired", ...}}``.
    * ``"failed"``: no line is executed; ``errors.data`` carries
      ``failure_message``.  Input files with invalid lines (not JSON, missing
      ``custom_id``/``body``, duplicate ``custom_id``, ``url`` not matching the
      endpoint) always end ``"failed"`` after ``"validating"``.

    ``POST /v1/batches/{id}/cancel`` returns ``"cancelling"``; the next poll
    returns ``"cancelled"`` with the first ``complete_first_n`` lines (default
    0) executed and the others in the error file (code ``batch_cancelled``).
    ``request_counts`` and ``usage`` are filled when the batch finishes.

Standalone use (a demo)::

    python tests/fake_openai_server.py --port 8765 --latency 0.2 \\
        --responder package.module:function

prints the base URL and serves until Ctrl-C (SIGINT) or SIGTERM.  Without ``--responder`` the
built-in :func:`schema_example_responder` answers with schema-valid
placeholder objects.  A responder module should ``from fake_openai_server
import Reply`` (that name resolves to the running script; a ``Reply`` from a
second copy of this module is accepted too).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import email.parser
import email.policy
import importlib
import importlib.util
import itertools
import json
import math
import os
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final, Literal, cast
from urllib.parse import urlsplit

__all__ = [
    "BatchPlan",
    "FakeOpenAIServer",
    "RecordedRequest",
    "Reply",
    "Responder",
    "main",
    "schema_example_responder",
]

HOST: Final = "127.0.0.1"
DEFAULT_MODEL: Final = "fake-model"
BATCH_TERMINAL_STATUSES: Final = frozenset({"completed", "expired", "failed", "cancelled"})
BATCH_STATUSES: Final = frozenset(
    {"validating", "in_progress", "finalizing", "cancelling"} | BATCH_TERMINAL_STATUSES
)

ReplyKind = Literal["tool_call", "content", "error", "delay", "drop", "raw"]

_ERROR_TYPES: Final[Mapping[int, str]] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    409: "conflict_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}
_ERROR_CODES: Final[Mapping[int, str]] = {
    401: "invalid_api_key",
    404: "not_found",
    429: "rate_limit_exceeded",
}
_DEFAULT_MESSAGES: Final[Mapping[int, str]] = {
    400: "fake server: bad request",
    401: "fake server: incorrect API key provided",
    403: "fake server: permission denied",
    404: "fake server: not found",
    429: "fake server: rate limit reached, please retry later",
    500: "fake server: internal server error",
    502: "fake server: bad gateway",
    503: "fake server: the engine is currently overloaded, please try again later",
}


# --------------------------------------------------------------------------- replies


@dataclass(frozen=True)
class Reply:
    """One scripted answer to a chat completion request (build it with the factories)."""

    kind: ReplyKind
    text: str | None = None
    """Message content (``content``), tool arguments (``tool_call``) or raw body."""
    name: str | None = None
    """Tool/function name; ``None``: taken from the request's tool_choice/tools[0]."""
    finish_reason: str = "stop"
    status: int = 200
    message: str | None = None
    error_type: str | None = None
    error_code: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"
    seconds: float = 0.0
    then: Reply | None = None
    usage: tuple[int, int] | None = None

    @classmethod
    def tool_call(
        cls,
        arguments: Mapping[str, Any] | str,
        name: str | None = None,
        finish_reason: str = "tool_calls",
        *,
        usage: tuple[int, int] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """An assistant message with one tool call.

        A ``str`` ``arguments`` is sent verbatim (use it for malformed JSON);
        anything else is ``json.dumps``-ed.  ``name`` defaults to the function
        named by the request's ``tool_choice``, else ``tools[0]``.
        """
        text = arguments if isinstance(arguments, str) else json.dumps(arguments)
        return cls(
            "tool_call",
            text=text,
            name=name,
            finish_reason=finish_reason,
            usage=usage,
            headers=_header_tuple(headers),
        )

    @classmethod
    def content(
        cls,
        text: str,
        finish_reason: str = "stop",
        *,
        usage: tuple[int, int] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """A plain assistant message (JSON mode, JSON-schema mode, MD_JSON, text)."""
        return cls(
            "content",
            text=text,
            finish_reason=finish_reason,
            usage=usage,
            headers=_header_tuple(headers),
        )

    @classmethod
    def json(
        cls,
        obj: Any,
        finish_reason: str = "stop",
        *,
        usage: tuple[int, int] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Assistant content ``json.dumps(obj)``."""
        return cls.content(json.dumps(obj), finish_reason, usage=usage, headers=headers)

    @classmethod
    def error(
        cls,
        status: int,
        message: str | None = None,
        headers: Mapping[str, str] | None = None,
        error_type: str | None = None,
        *,
        code: str | None = None,
    ) -> Reply:
        """An OpenAI-style error: ``{"error": {"message", "type", "param", "code"}}``.

        ``error_type``/``code`` default from the status (429 ->
        ``rate_limit_error``/``rate_limit_exceeded``, 5xx -> ``server_error``).
        """
        return cls(
            "error",
            status=status,
            message=message,
            error_type=error_type,
            error_code=code,
            headers=_header_tuple(headers),
        )

    @classmethod
    def delay(cls, seconds: float, then: Reply) -> Reply:
        """Sleep ``seconds`` (other requests are not blocked), then send ``then``."""
        if seconds < 0 or not math.isfinite(seconds):
            raise ValueError(f"delay must be a finite number >= 0, got {seconds!r}")
        return cls("delay", seconds=seconds, then=then)

    @classmethod
    def drop(cls) -> Reply:
        """Close the connection without sending any response."""
        return cls("drop")

    @classmethod
    def raw(
        cls,
        status: int,
        body: str,
        content_type: str = "application/json",
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Any other HTTP response, sent exactly as given (e.g. a 200 with HTML)."""
        return cls(
            "raw",
            status=status,
            text=body,
            content_type=content_type,
            headers=_header_tuple(headers),
        )


def _header_tuple(headers: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in (headers or {}).items())


Responder = Callable[[dict[str, Any]], Reply]


def _as_reply(obj: object) -> Reply:
    """Accept a Reply, also one from a second import of this module (other module name)."""
    if isinstance(obj, Reply):
        return obj
    if type(obj).__name__ == "Reply" and dataclasses.is_dataclass(obj):
        values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(Reply)}
        if values["then"] is not None:
            values["then"] = _as_reply(values["then"])
        return Reply(**values)
    raise TypeError(f"expected a Reply, got {type(obj).__name__}")


@dataclass(frozen=True)
class BatchPlan:
    """How a batch progresses; see the module docstring.

    ``statuses``: one status per poll, the first is returned by ``create``.
    ``complete_first_n``: how many input lines get executed (``None``: all
    for ``completed``, none for ``expired``/``cancelled``).
    """

    statuses: Sequence[str] = ("validating", "in_progress", "completed")
    complete_first_n: int | None = None
    failure_message: str = "fake server: batch failed"

    def __post_init__(self) -> None:
        statuses = tuple(self.statuses)
        if not statuses:
            raise ValueError("BatchPlan.statuses must not be empty")
        unknown = [s for s in statuses if s not in BATCH_STATUSES]
        if unknown:
            raise ValueError(f"unknown batch statuses {unknown}; use {sorted(BATCH_STATUSES)}")
        if self.complete_first_n is not None and self.complete_first_n < 0:
            raise ValueError("complete_first_n must be >= 0")
        object.__setattr__(self, "statuses", statuses)


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request as received (header names are lower-cased)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str
    json: Any


# ------------------------------------------------------------------- internal state


@dataclass
class _FileRecord:
    id: str
    filename: str
    purpose: str
    data: bytes
    created_at: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.data),
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
            "expires_at": None,
            "status_details": None,
        }


@dataclass
class _BatchLine:
    custom_id: str
    body: dict[str, Any]


@dataclass
class _BatchRecord:
    id: str
    input_file_id: str
    endpoint: str
    completion_window: str
    metadata: Any
    plan: BatchPlan
    lines: list[_BatchLine]
    invalid: list[dict[str, Any]]
    created_at: int
    step: int = 0
    status: str = "validating"
    cancel_requested: bool = False
    timestamps: dict[str, int] = field(default_factory=dict)
    output_file_id: str | None = None
    error_file_id: str | None = None
    request_counts: dict[str, int] = field(default_factory=dict)
    errors: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        ts = self.timestamps
        model = self.lines[0].body.get("model") if self.lines else None
        return {
            "id": self.id,
            "object": "batch",
            "endpoint": self.endpoint,
            "model": model if isinstance(model, str) else None,
            "errors": self.errors,
            "input_file_id": self.input_file_id,
            "completion_window": self.completion_window,
            "status": self.status,
            "output_file_id": self.output_file_id,
            "error_file_id": self.error_file_id,
            "created_at": self.created_at,
            "in_progress_at": ts.get("in_progress"),
            "expires_at": self.created_at + 24 * 3600,
            "finalizing_at": ts.get("finalizing"),
            "completed_at": ts.get("completed"),
            "failed_at": ts.get("failed"),
            "expired_at": ts.get("expired"),
            "cancelling_at": ts.get("cancelling"),
            "cancelled_at": ts.get("cancelled"),
            "request_counts": self.request_counts
            or {"total": len(self.lines), "completed": 0, "failed": 0},
            "usage": self.usage,
            "metadata": self.metadata,
        }


class _ChatValidationError(Exception):
    def __init__(self, message: str, param: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


class _Dropped(Exception):
    """The reply was Reply.drop() (or the server is stopping)."""


# ----------------------------------------------------------------------- the server


class FakeOpenAIServer:
    """A scriptable OpenAI-compatible server on 127.0.0.1; see the module docstring."""

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        port: int = 0,
        latency: float = 0.0,
        model: str = DEFAULT_MODEL,
        api_key: str | None = None,
        batch_plan: BatchPlan | None = None,
        verbose: bool = False,
    ) -> None:
        self.responder: Responder | None = responder
        self.latency: float = latency
        self.model: str = model
        self.api_key: str | None = api_key
        self.batch_plan: BatchPlan = batch_plan or BatchPlan()
        self.verbose: bool = verbose
        self.owned_by: str = "fake"  # what GET /v1/models says (llama.cpp says "llamacpp")
        self.responder_errors: list[BaseException] = []
        self._requested_port = port
        self._lock = threading.RLock()
        self._batch_lock = threading.RLock()
        self._script: deque[Reply] = deque()
        self._batch_plans: deque[BatchPlan] = deque()
        self._requests: list[RecordedRequest] = []
        self._files: dict[str, _FileRecord] = {}
        self._batches: dict[str, _BatchRecord] = {}
        self._ids = itertools.count(1)
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> FakeOpenAIServer:
        """Bind 127.0.0.1 and serve in a background thread; returns ``self``."""
        if self._httpd is not None:
            raise RuntimeError("FakeOpenAIServer already started")
        self._stopping.clear()
        httpd = _HTTPServer((HOST, self._requested_port), self)
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"fake-openai-{httpd.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, interrupt pending delays and close open connections."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeOpenAIServer is not started")
        return int(self._httpd.server_port)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no ``/v1``)."""
        return f"http://{HOST}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``, for ``openai.OpenAI(base_url=...)``."""
        return f"{self.url}/v1"

    # -- scripting

    def script(self, *replies: Reply) -> None:
        """Queue replies, consumed in order by chat completions (and batch lines)."""
        coerced = [_as_reply(reply) for reply in replies]
        with self._lock:
            self._script.extend(coerced)

    def script_batches(self, *plans: BatchPlan) -> None:
        """Queue plans used by the next created batches (then ``batch_plan``)."""
        with self._lock:
            self._batch_plans.extend(plans)

    @property
    def pending_replies(self) -> int:
        """Scripted replies not consumed yet."""
        with self._lock:
            return len(self._script)

    def reset(self) -> None:
        """Forget requests, script, batch-plan queue, files, batches, responder errors.

        Keeps ``responder``, ``latency``, ``model``, ``api_key`` and ``batch_plan``.
        """
        with self._lock, self._batch_lock:
            self._requests.clear()
            self._script.clear()
            self._batch_plans.clear()
            self._files.clear()
            self._batches.clear()
            self.responder_errors.clear()

    # -- recording

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of all recorded requests, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Recorded ``POST /v1/chat/completions`` requests."""
        return [r for r in self.requests if _is_chat(r.method, r.path)]

    @property
    def request_count(self) -> int:
        """How many chat completion requests were received."""
        return len(self.chat_requests)

    @property
    def last_request(self) -> RecordedRequest | None:
        with self._lock:
            return self._requests[-1] if self._requests else None

    def file_content(self, file_id: str) -> bytes:
        """Stored bytes of an uploaded or generated file (KeyError if unknown)."""
        with self._lock:
            return self._files[file_id].data

    @property
    def file_ids(self) -> list[str]:
        with self._lock:
            return list(self._files)

    @property
    def batch_ids(self) -> list[str]:
        with self._batch_lock:
            return list(self._batches)

    # -- internals used by the handler

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            n = next(self._ids)
        return f"{prefix}{n:06d}"

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _wait(self, seconds: float) -> None:
        """Sleep without blocking other requests; raise _Dropped if stopping."""
        if seconds > 0 and self._stopping.wait(seconds):
            raise _Dropped

    def _next_reply(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            scripted = self._script.popleft() if self._script else None
            responder = self.responder
        if scripted is not None:
            return scripted
        if responder is None:
            return Reply.error(500, "fake server: script exhausted", error_type="server_error")
        try:
            reply = responder(request)
        except Exception as exc:  # reported to the client and kept
            with self._lock:
                self.responder_errors.append(exc)
            tb = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            return Reply.error(
                500, f"fake server: responder raised {tb}", error_type="server_error"
            )
        try:
            return _as_reply(reply)
        except TypeError as err:
            with self._lock:
                self.responder_errors.append(err)
            return Reply.error(500, f"fake server: responder: {err}", error_type="server_error")

    # -- files and batches

    def _add_file(self, filename: str, purpose: str, data: bytes) -> _FileRecord:
        record = _FileRecord(
            id=self._next_id("file-fake"),
            filename=filename,
            purpose=purpose,
            data=data,
            created_at=int(time.time()),
        )
        with self._lock:
            self._files[record.id] = record
        return record

    def _get_file(self, file_id: str) -> _FileRecord | None:
        with self._lock:
            return self._files.get(file_id)

    def _create_batch(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        input_file_id = body.get("input_file_id")
        endpoint = body.get("endpoint")
        window = body.get("completion_window")
        if not isinstance(input_file_id, str) or self._get_file(input_file_id) is None:
            return 400, _error_body(
                400, f"fake server: input file {input_file_id!r} not found", param="input_file_id"
            )
        if endpoint != "/v1/chat/completions":
            return 400, _error_body(
                400,
                f"fake server: only endpoint '/v1/chat/completions' is supported, got {endpoint!r}",
                param="endpoint",
            )
        if window != "24h":
            return 400, _error_body(
                400,
                f"fake server: completion_window must be '24h', got {window!r}",
                param="completion_window",
            )
        record_file = self._get_file(input_file_id)
        assert record_file is not None
        lines, invalid = _parse_batch_input(record_file.data, endpoint)
        with self._lock:
            plan = self._batch_plans.popleft() if self._batch_plans else self.batch_plan
        batch = _BatchRecord(
            id=self._next_id("batch_fake"),
            input_file_id=input_file_id,
            endpoint=endpoint,
            completion_window=window,
            metadata=body.get("metadata"),
            plan=plan,
            lines=lines,
            invalid=invalid,
            created_at=int(time.time()),
        )
        if invalid:
            batch.plan = BatchPlan(statuses=("validating", "failed"))
        with self._batch_lock:
            self._batches[batch.id] = batch
            self._enter_status(batch, batch.plan.statuses[0])
            return 200, batch.to_json()

    def _poll_batch(self, batch_id: str, *, advance: bool) -> tuple[int, dict[str, Any]]:
        with self._batch_lock:
            batch = self._batches.get(batch_id)
            if batch is None:
                return 404, _error_body(404, f"fake server: no batch {batch_id!r}")
            if advance and batch.status not in BATCH_TERMINAL_STATUSES:
                if batch.cancel_requested:
                    self._enter_status(batch, "cancelled")
                elif batch.step + 1 < len(batch.plan.statuses):
                    batch.step += 1
                    self._enter_status(batch, batch.plan.statuses[batch.step])
            return 200, batch.to_json()

    def _cancel_batch(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        with self._batch_lock:
            batch = self._batches.get(batch_id)
            if batch is None:
                return 404, _error_body(404, f"fake server: no batch {batch_id!r}")
            if batch.status in BATCH_TERMINAL_STATUSES:
                return 409, _error_body(
                    409, f"fake server: cannot cancel a batch that is {batch.status}"
                )
            batch.cancel_requested = True
            self._enter_status(batch, "cancelling")
            return 200, batch.to_json()

    def _enter_status(self, batch: _BatchRecord, status: str) -> None:
        batch.status = status
        batch.timestamps.setdefault(status, int(time.time()))
        if status not in BATCH_TERMINAL_STATUSES:
            return
        if status == "failed":
            data = batch.invalid or [
                {
                    "code": "batch_failed",
                    "message": batch.plan.failure_message,
                    "param": None,
                    "line": None,
                }
            ]
            batch.errors = {"object": "list", "data": data}
            batch.request_counts = {"total": len(batch.lines), "completed": 0, "failed": 0}
            return
        n = batch.plan.complete_first_n
        if n is None:
            n = len(batch.lines) if status == "completed" else 0
        self._run_batch(batch, n)

    def _run_batch(self, batch: _BatchRecord, n: int) -> None:
        out: list[str] = []
        err: list[str] = []
        prompt_total = completion_total = 0
        for index, line in enumerate(batch.lines):
            entry: dict[str, Any] = {
                "id": self._next_id("batch_req_fake"),
                "custom_id": line.custom_id,
                "response": None,
                "error": None,
            }
            if index >= n:
                if batch.status == "completed":
                    continue
                code = "batch_expired" if batch.status == "expired" else "batch_cancelled"
                entry["error"] = {
                    "code": code,
                    "message": "This request could not be executed before the batch "
                    + ("expired." if code == "batch_expired" else "was cancelled."),
                }
                err.append(json.dumps(entry))
                continue
            status_code, body = self._batch_line_response(line.body)
            if status_code is None:
                entry["error"] = {
                    "code": "server_error",
                    "message": "fake server: connection dropped",
                }
                err.append(json.dumps(entry))
                continue
            entry["response"] = {
                "status_code": status_code,
                "request_id": self._next_id("req_fake"),
                "body": body,
            }
            if status_code < 400:
                usage = body.get("usage") if isinstance(body, dict) else None
                if isinstance(usage, dict):
                    prompt_total += int(usage.get("prompt_tokens", 0))
                    completion_total += int(usage.get("completion_tokens", 0))
                out.append(json.dumps(entry))
            else:
                err.append(json.dumps(entry))
        if out:
            batch.output_file_id = self._add_file(
                f"{batch.id}_output.jsonl", "batch_output", ("\n".join(out) + "\n").encode()
            ).id
        if err:
            batch.error_file_id = self._add_file(
                f"{batch.id}_error.jsonl", "batch_output", ("\n".join(err) + "\n").encode()
            ).id
        batch.request_counts = {
            "total": len(batch.lines),
            "completed": len(out),
            "failed": len(err),
        }
        batch.usage = {
            "input_tokens": prompt_total,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": completion_total,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": prompt_total + completion_total,
        }

    def _batch_line_response(self, body: dict[str, Any]) -> tuple[int | None, Any]:
        try:
            _validate_chat_request(body)
        except _ChatValidationError as exc:
            return 400, _error_body(400, exc.message, param=exc.param)
        reply = self._next_reply(body)
        while reply.kind == "delay" and reply.then is not None:
            reply = reply.then
        if reply.kind == "drop":
            return None, None
        if reply.kind == "error":
            return reply.status, _reply_error_body(reply)
        if reply.kind == "raw":
            text = reply.text or ""
            try:
                return reply.status, json.loads(text)
            except ValueError:
                return reply.status, text
        return 200, self._completion(reply, body)

    # -- chat completion rendering

    def _completion(self, reply: Reply, request: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
        if reply.kind == "tool_call":
            message["tool_calls"] = [
                {
                    "id": self._next_id("call_fake"),
                    "type": "function",
                    "function": {"name": _tool_name(reply, request), "arguments": reply.text or ""},
                }
            ]
        else:
            message["content"] = reply.text or ""
        return {
            "id": self._next_id("chatcmpl-fake"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": _request_model(request),
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": reply.finish_reason,
                }
            ],
            "usage": _usage(reply, request),
        }

    def _stream_events(self, reply: Reply, request: dict[str, Any]) -> bytes:
        completion = self._completion(reply, request)
        base = {
            "id": completion["id"],
            "object": "chat.completion.chunk",
            "created": completion["created"],
            "model": completion["model"],
            "system_fingerprint": "fp_fake",
        }
        text = reply.text or ""
        pieces = [text[i : i + 16] for i in range(0, len(text), 16)] or [""]
        deltas: list[dict[str, Any]] = []
        if reply.kind == "tool_call":
            call = completion["choices"][0]["message"]["tool_calls"][0]
            deltas.append(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": call["id"],
                            "type": "function",
                            "function": {"name": call["function"]["name"], "arguments": ""},
                        }
                    ],
                }
            )
            deltas.extend(
                {"tool_calls": [{"index": 0, "function": {"arguments": p}}]} for p in pieces
            )
        else:
            deltas.append({"role": "assistant", "content": ""})
            deltas.extend({"content": p} for p in pieces)
        chunks = [
            {**base, "choices": [{"index": 0, "delta": d, "logprobs": None, "finish_reason": None}]}
            for d in deltas
        ]
        chunks.append(
            {
                **base,
                "choices": [
                    {
                        "index": 0,
                        "delta": {},
                        "logprobs": None,
                        "finish_reason": reply.finish_reason,
                    }
                ],
            }
        )
        options = request.get("stream_options")
        if isinstance(options, dict) and options.get("include_usage"):
            chunks.append({**base, "choices": [], "usage": completion["usage"]})
        events = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
        return events.encode()


def _is_chat(method: str, path: str) -> bool:
    return method == "POST" and _path_parts(path) == ["chat", "completions"]


def _path_parts(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    if parts and parts[0] == "v1":
        parts = parts[1:]
    return parts


def _request_model(request: Mapping[str, Any]) -> str:
    model = request.get("model")
    return model if isinstance(model, str) else DEFAULT_MODEL


def _tool_name(reply: Reply, request: Mapping[str, Any]) -> str:
    if reply.name is not None:
        return reply.name
    choice = request.get("tool_choice")
    if isinstance(choice, dict):
        fn = choice.get("function")
        if isinstance(fn, dict) and isinstance(fn.get("name"), str):
            return str(fn["name"])
    tools = request.get("tools")
    if isinstance(tools, list) and tools and isinstance(tools[0], dict):
        fn = tools[0].get("function")
        if isinstance(fn, dict) and isinstance(fn.get("name"), str):
            return str(fn["name"])
    functions = request.get("functions")
    if isinstance(functions, list) and functions and isinstance(functions[0], dict):
        name = functions[0].get("name")
        if isinstance(name, str):
            return name
    return "tool"


def _estimate_tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / 4))


def _usage(reply: Reply, request: Mapping[str, Any]) -> dict[str, Any]:
    if reply.usage is not None:
        prompt, completion = reply.usage
    else:
        prompt_src = {k: request.get(k) for k in ("messages", "tools", "response_format")}
        prompt = _estimate_tokens(json.dumps(prompt_src, sort_keys=True, default=str))
        completion = _estimate_tokens(reply.text or "")
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _error_body(
    status: int,
    message: str | None = None,
    error_type: str | None = None,
    code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    default_type = "server_error" if status >= 500 else "invalid_request_error"
    return {
        "error": {
            "message": message or _DEFAULT_MESSAGES.get(status, f"fake server: HTTP {status}"),
            "type": error_type or _ERROR_TYPES.get(status, default_type),
            "param": param,
            "code": code or _ERROR_CODES.get(status),
        }
    }


def _reply_error_body(reply: Reply) -> dict[str, Any]:
    return _error_body(reply.status, reply.message, reply.error_type, reply.error_code)


def _validate_chat_request(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise _ChatValidationError("fake server: request body must be a JSON object", None)
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise _ChatValidationError("you must provide a model parameter", "model")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _ChatValidationError(
            "'messages' must be a non-empty array of message objects", "messages"
        )
    return body


def _parse_batch_input(data: bytes, endpoint: str) -> tuple[list[_BatchLine], list[dict[str, Any]]]:
    lines: list[_BatchLine] = []
    invalid: list[dict[str, Any]] = []
    seen: set[str] = set()

    def bad(number: int, message: str) -> None:
        invalid.append(
            {"code": "invalid_request", "message": message, "param": None, "line": number}
        )

    text = data.decode("utf-8", errors="replace")
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            bad(number, f"line is not valid JSON: {exc}")
            continue
        if not isinstance(obj, dict):
            bad(number, "line must be a JSON object")
            continue
        custom_id = obj.get("custom_id")
        body = obj.get("body")
        url = obj.get("url")
        if not isinstance(custom_id, str) or not custom_id:
            bad(number, "missing custom_id")
        elif custom_id in seen:
            bad(number, f"duplicate custom_id {custom_id!r}")
        elif not isinstance(body, dict):
            bad(number, "missing body")
        elif url is not None and url != endpoint and f"/v1{url}" != endpoint:
            bad(number, f"url {url!r} does not match the batch endpoint {endpoint!r}")
        else:
            seen.add(custom_id)
            lines.append(_BatchLine(custom_id=custom_id, body=body))
    if not lines and not invalid:
        bad(0, "input file is empty")
    return lines, invalid


def _parse_multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """Parse multipart/form-data into {field: (filename, bytes)} (stdlib email parser)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, tuple[str | None, bytes]] = {}
    if not message.is_multipart():
        return fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        fields[name] = (part.get_filename(), data)
    return fields


# ----------------------------------------------------------------------- HTTP layer


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], fake: FakeOpenAIServer) -> None:
        self.fake = fake
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), which may do a slow reverse lookup.
        socketserver.TCPServer.server_bind(self)
        self.server_name = HOST
        self.server_port = int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)) or self.fake._stopping.is_set():
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: avoid 40 ms stalls
    server_version = "FakeOpenAI/1.0"
    sys_version = ""

    @property
    def fake(self) -> FakeOpenAIServer:
        return cast(_HTTPServer, self.server).fake

    def setup(self) -> None:
        super().setup()
        self.fake._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.fake._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        if self.fake.verbose:
            sys.stderr.write(f"[fake-openai] {self.address_string()} {format % args}\n")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    # -- plumbing

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-request-id", self.fake._next_id("req_fake"))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _send_json(self, status: int, obj: Any, headers: Sequence[tuple[str, str]] = ()) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json", headers)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _dispatch(self, method: str) -> None:
        fake = self.fake
        try:
            raw = self._read_body()
        except (OSError, ValueError):
            self._drop()
            return
        split = urlsplit(self.path)
        text = raw.decode("utf-8", errors="replace")
        parsed: Any = None
        if raw:
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
        fake._record(
            RecordedRequest(
                method=method,
                path=split.path,
                query=split.query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=text,
                json=parsed,
            )
        )
        try:
            if (
                fake.api_key is not None
                and self.headers.get("Authorization") != f"Bearer {fake.api_key}"
            ):
                self._send_json(401, _error_body(401))
                return
            self._route(method, split.path, raw, parsed)
        except _Dropped:
            self._drop()
        except Exception as exc:  # report server bugs, keep serving
            detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            sys.stderr.write(f"[fake-openai] internal error:\n{detail}")
            self._send_json(500, _error_body(500, f"fake server internal error: {exc!r}"))

    def _route(self, method: str, path: str, raw: bytes, parsed: Any) -> None:
        fake = self.fake
        parts = _path_parts(path)
        if method == "POST" and parts == ["chat", "completions"]:
            self._chat(parsed)
        elif method == "GET" and parts == ["models"]:
            model = {
                "id": fake.model,
                "object": "model",
                "created": 1700000000,
                "owned_by": fake.owned_by,
            }
            self._send_json(200, {"object": "list", "data": [model]})
        elif method == "GET" and len(parts) == 2 and parts[0] == "models":
            self._send_json(
                200, {"id": parts[1], "object": "model", "created": 1700000000, "owned_by": "fake"}
            )
        elif parts[:1] == ["files"]:
            self._files(method, parts[1:], raw)
        elif parts[:1] == ["batches"]:
            self._batches(method, parts[1:], parsed)
        else:
            self._send_json(404, _error_body(404, f"fake server: no route for {method} {path}"))

    # -- chat

    def _chat(self, parsed: Any) -> None:
        fake = self.fake
        try:
            request = _validate_chat_request(parsed)
        except _ChatValidationError as exc:
            self._send_json(400, _error_body(400, exc.message, param=exc.param))
            return
        reply = fake._next_reply(request)
        fake._wait(fake.latency)
        while reply.kind == "delay":
            fake._wait(reply.seconds)
            if reply.then is None:
                raise _Dropped
            reply = reply.then
        if reply.kind == "drop":
            raise _Dropped
        if reply.kind == "error":
            self._send_json(reply.status, _reply_error_body(reply), reply.headers)
        elif reply.kind == "raw":
            self._send(reply.status, (reply.text or "").encode(), reply.content_type, reply.headers)
        elif request.get("stream") is True:
            events = fake._stream_events(reply, request)
            self._send(200, events, "text/event-stream; charset=utf-8", reply.headers)
        else:
            self._send_json(200, fake._completion(reply, request), reply.headers)

    # -- files

    def _files(self, method: str, rest: list[str], raw: bytes) -> None:
        fake = self.fake
        if method == "POST" and not rest:
            content_type = self.headers.get("Content-Type", "")
            if not content_type.lower().startswith("multipart/form-data"):
                self._send_json(400, _error_body(400, "fake server: expected multipart/form-data"))
                return
            fields = _parse_multipart(content_type, raw)
            purpose = fields.get("purpose", (None, b""))[1].decode()
            if "file" not in fields or not purpose:
                self._send_json(
                    400, _error_body(400, "fake server: 'file' and 'purpose' are required")
                )
                return
            filename, data = fields["file"]
            uploaded = fake._add_file(filename or "upload", purpose, data)
            self._send_json(200, uploaded.to_json())
            return
        if method == "GET" and not rest:
            with fake._lock:
                data_list = [f.to_json() for f in fake._files.values()]
            self._send_json(200, {"object": "list", "data": data_list, "has_more": False})
            return
        record = fake._get_file(rest[0]) if rest else None
        if record is None:
            missing = rest[0] if rest else ""
            self._send_json(404, _error_body(404, f"fake server: no file {missing!r}"))
        elif method == "GET" and len(rest) == 1:
            self._send_json(200, record.to_json())
        elif method == "GET" and rest[1:] == ["content"]:
            self._send(200, record.data, "application/octet-stream")
        elif method == "DELETE" and len(rest) == 1:
            with fake._lock:
                fake._files.pop(record.id, None)
            self._send_json(200, {"id": record.id, "object": "file", "deleted": True})
        else:
            self._send_json(
                404, _error_body(404, f"fake server: no route for {method} files/{rest}")
            )

    # -- batches

    def _batches(self, method: str, rest: list[str], parsed: Any) -> None:
        fake = self.fake
        if method == "POST" and not rest:
            if not isinstance(parsed, dict):
                self._send_json(400, _error_body(400, "fake server: expected a JSON object"))
                return
            self._send_json(*fake._create_batch(parsed))
        elif method == "GET" and not rest:
            with fake._batch_lock:
                batches = [b.to_json() for b in fake._batches.values()]
            batches.reverse()
            self._send_json(
                200,
                {
                    "object": "list",
                    "data": batches,
                    "first_id": batches[0]["id"] if batches else None,
                    "last_id": batches[-1]["id"] if batches else None,
                    "has_more": False,
                },
            )
        elif method == "GET" and len(rest) == 1:
            self._send_json(*fake._poll_batch(rest[0], advance=True))
        elif method == "POST" and len(rest) == 2 and rest[1] == "cancel":
            self._send_json(*fake._cancel_batch(rest[0]))
        else:
            self._send_json(
                404, _error_body(404, f"fake server: no route for {method} batches/{rest}")
            )


# ------------------------------------------------------------------ demo responder


def _example(schema: Any, defs: Mapping[str, Any], depth: int = 0) -> Any:
    """A placeholder instance valid for simple JSON schemas (pydantic's output)."""
    if not isinstance(schema, dict) or depth > 12:
        return None
    if "$ref" in schema:
        ref = str(schema["$ref"]).rsplit("/", 1)[-1]
        return _example(defs.get(ref, {}), defs, depth + 1)
    if "const" in schema:
        return schema["const"]
    if "default" in schema:
        return schema["default"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if "examples" in schema and isinstance(schema["examples"], list) and schema["examples"]:
        return schema["examples"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            non_null = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            return _example((non_null or options)[0], defs, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return (
            {k: _example(v, defs, depth + 1) for k, v in props.items()}
            if isinstance(props, dict)
            else {}
        )
    if kind == "array":
        min_items = schema.get("minItems", 0)
        item = _example(schema.get("items", {}), defs, depth + 1)
        return [item] * (min_items if isinstance(min_items, int) and min_items > 0 else 1)
    if kind == "string":
        min_len = schema.get("minLength", 0)
        return "example" + "x" * max(0, (min_len if isinstance(min_len, int) else 0) - 7)
    if kind == "integer":
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        return (
            int(low) + (1 if "exclusiveMinimum" in schema else 0)
            if isinstance(low, (int, float))
            else 0
        )
    if kind == "number":
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        return (
            float(low) + (1.0 if "exclusiveMinimum" in schema else 0.0)
            if isinstance(low, (int, float))
            else 0.0
        )
    if kind == "boolean":
        return False
    return None


def _schema_in_text(text: str) -> dict[str, Any] | None:
    decoder = json.JSONDecoder()
    for start in (i for i, ch in enumerate(text) if ch == "{"):
        try:
            obj, _ = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(obj, dict) and ("properties" in obj or "type" in obj):
            return obj
    return None


def _message_texts(request: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    messages = request.get("messages")
    for msg in messages if isinstance(messages, list) else []:
        if not isinstance(msg, dict):
            continue
        content = msg.get("content")
        if isinstance(content, list):
            content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
        yield str(msg.get("role", "")), content if isinstance(content, str) else ""


def schema_example_responder(request: dict[str, Any]) -> Reply:
    """Demo responder: schema-valid placeholder answers for instructor's modes.

    TOOLS (tools[...].function.parameters), JSON_SCHEMA (response_format
    json_schema), JSON / MD_JSON (schema embedded in the system prompt);
    otherwise echoes the last user message.
    """
    tools = request.get("tools")
    if isinstance(tools, list) and tools:
        name = _tool_name(Reply("tool_call"), request)
        params: Any = {}
        for tool in tools:
            fn = tool.get("function") if isinstance(tool, dict) else None
            if isinstance(fn, dict) and fn.get("name") == name:
                params = fn.get("parameters", {})
        return Reply.tool_call(
            _example(params, params.get("$defs", {}) if isinstance(params, dict) else {})
        )
    texts = list(_message_texts(request))
    fmt = request.get("response_format")
    schema: dict[str, Any] | None = None
    if isinstance(fmt, dict) and isinstance(fmt.get("json_schema"), dict):
        found = fmt["json_schema"].get("schema")
        schema = found if isinstance(found, dict) else None
    if schema is None:
        for role, text in texts:
            if role == "system" and (schema := _schema_in_text(text)) is not None:
                break
    if schema is not None:
        body = json.dumps(_example(schema, schema.get("$defs", {})))
        if any("```json" in text for _, text in texts):
            body = f"```json\n{body}\n```"
        return Reply.content(body)
    last_user = next((t for role, t in reversed(texts) if role == "user"), "")
    return Reply.content(f"fake answer to: {last_user}")


# ------------------------------------------------------------------------- CLI


def _load_responder(spec: str) -> Responder:
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise SystemExit(f"--responder must look like 'package.module:function', got {spec!r}")
    if module_name.endswith(".py") or os.sep in module_name:
        path = os.path.abspath(module_name)
        mod_spec = importlib.util.spec_from_file_location(
            os.path.splitext(os.path.basename(path))[0], path
        )
        if mod_spec is None or mod_spec.loader is None:
            raise SystemExit(f"cannot load responder file {path}")
        module = importlib.util.module_from_spec(mod_spec)
        mod_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(module_name)
    target: Any = module
    for part in attr.split("."):
        target = getattr(target, part)
    if not callable(target):
        raise SystemExit(f"{spec} is not callable")
    return cast(Responder, target)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the fake server standalone until Ctrl-C or SIGTERM; returns the exit code."""
    parser = argparse.ArgumentParser(
        description="Fake OpenAI-compatible server (for demos and tests)."
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free port)"
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds added to every chat reply"
    )
    parser.add_argument(
        "--responder",
        help="'package.module:function' or 'path/file.py:function' building a Reply "
        "from the request JSON (default: schema_example_responder)",
    )
    parser.add_argument("--model", default=DEFAULT_MODEL, help="model listed by GET /v1/models")
    parser.add_argument("--api-key", help="if given, require 'Authorization: Bearer <key>'")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    # Responders import Reply from this module under its package or plain name;
    # make both resolve to the running module so isinstance checks hold.
    this = sys.modules[__name__]
    for alias in ("fake_openai_server", "tests.fake_openai_server"):
        sys.modules.setdefault(alias, this)
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    responder = _load_responder(args.responder) if args.responder else schema_example_responder

    server = FakeOpenAIServer(
        responder,
        port=args.port,
        latency=args.latency,
        model=args.model,
        api_key=args.api_key,
        verbose=args.verbose,
    )
    stop_requested = threading.Event()
    # Ctrl-C stops the server even when started from a shell job that ignores SIGINT (Python
    # then installs no KeyboardInterrupt handler, and the server would never stop).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda signum, frame: stop_requested.set())
    server.start()
    print(server.base_url, flush=True)
    try:
        while not stop_requested.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
