"""The OpenAI Batch API as an executor: half the price, answered within a day.

The runner runs every letter at once; each letter's engine asks for its calls as in a live run
(the same requests: grounded or extract/explain), and `ask` holds each call that the cache could
not answer. When every letter still running is waiting on a call, the waiting calls go out as one
batch (a request file uploaded, a batch created and polled with backoff); each answer is handed
back to its letter, which checks it with the same validators as a live answer. Whatever is
missing, failed or invalid (an expired or partly failed batch) the engine finishes with ordinary
calls, which re-ask. Letters that need a second call (the two-call path) then make the next batch.

The batch id is kept in a state file, so a run killed while waiting resumes the same batch
instead of paying for a new one.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from imr_llm.errors import LlmError
from imr_llm.llm.client import (
    OpenAIBatchClient,
    OpenAIBatchState,
    Usage,
    openai_batch_answer,
    openai_batch_body,
    openai_batch_line,
)
from imr_llm.llm.request import LlmRequest
from imr_llm.settings import LlmSettings

Answer = tuple[str | None, Usage]
"""The answer's JSON text (None: no usable answer), and what it cost."""


@dataclass
class OpenAIBatchReport:
    """What the Batch API did, for the closing summary and the tests."""

    batch_ids: list[str] = field(default_factory=list)
    answered_by_batch: int = 0
    finished_live: int = 0
    from_cache: int = 0

    def line(self) -> str:
        return (
            f"OpenAI batches {', '.join(self.batch_ids) or '-'}: {self.answered_by_batch} "
            f"answers by batch, {self.finished_live} finished with ordinary calls, "
            f"{self.from_cache} from cache"
        )


def _load_state(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError):
        return {}


def _save_state(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(state, indent=1), encoding="utf-8")
    temporary.replace(path)


@dataclass
class _Waiting:
    request: LlmRequest[Any]
    answer: asyncio.Future[Answer]


class OpenAIBatch:
    """Collects the calls of the letters in flight into batches (see the module's docstring)."""

    def __init__(self, client: OpenAIBatchClient, settings: LlmSettings, state: Path) -> None:
        self.client, self.settings, self.state = client, settings, state
        self.report = OpenAIBatchReport()
        self._running = 0  # letters still in flight
        self._waiting_letters = 0
        self._waiting: dict[str, _Waiting] = {}
        self._sending: asyncio.Task[None] | None = None
        self._fatal: BaseException | None = None
        self._live: asyncio.Semaphore | None = None

    @property
    def live_calls(self) -> asyncio.Semaphore:
        """Ordinary calls for what a batch left undone: at most `concurrency` at once."""
        if self._live is None:
            self._live = asyncio.Semaphore(self.settings.concurrency)
        return self._live

    def expect(self, count: int) -> None:
        self._running = count

    @asynccontextmanager
    async def letter(self) -> AsyncIterator[None]:
        """One letter in flight; when it ends, the others may be all that is left waiting."""
        try:
            yield
        finally:
            self._running -= 1
            self._send_when_all_wait()

    def check(self) -> None:
        """Raise the error that stopped a batch (a timeout: rerun to pick the batch up)."""
        if self._fatal is not None:
            raise self._fatal

    async def ask(self, request: LlmRequest[Any]) -> Answer:
        """The batch's answer to `request` (the same request from two letters is sent once)."""
        if self._fatal is not None:
            raise self._fatal
        custom_id = f"{request.prompt.id}:{request.key[:40]}"
        waiting = self._waiting.get(custom_id)
        if waiting is None:
            waiting = _Waiting(request, asyncio.get_running_loop().create_future())
            self._waiting[custom_id] = waiting
        self._waiting_letters += 1
        try:
            self._send_when_all_wait()
            return await asyncio.shield(waiting.answer)
        finally:
            self._waiting_letters -= 1

    def _send_when_all_wait(self) -> None:
        if self._sending is None and self._waiting and self._waiting_letters >= self._running:
            waiting, self._waiting = self._waiting, {}
            self._sending = asyncio.get_running_loop().create_task(self._send(waiting))

    async def _send(self, waiting: dict[str, _Waiting]) -> None:
        try:
            answers = await self._run_batch(waiting)
        except Exception as error:  # a timeout or a failed upload stops the run (see check)
            self._fatal = error
            for entry in waiting.values():
                entry.answer.set_exception(error)
            return
        finally:
            self._sending = None
        for custom_id, entry in waiting.items():
            entry.answer.set_result(answers.get(custom_id, (None, Usage())))

    async def _run_batch(self, waiting: dict[str, _Waiting]) -> dict[str, Answer]:
        phase = ",".join(sorted({entry.request.prompt.id for entry in waiting.values()}))
        custom_ids = sorted(waiting)
        saved = _load_state(self.state)
        if saved.get("phase") == phase and saved.get("custom_ids") == custom_ids:
            state = await self.client.status(saved["batch_id"])
        else:
            lines = [
                openai_batch_line(custom_id, self._body(waiting[custom_id].request))
                for custom_id in custom_ids
            ]
            state = await self.client.submit(lines)
            _save_state(
                self.state, {"phase": phase, "batch_id": state.id, "custom_ids": custom_ids}
            )
        self.report.batch_ids.append(state.id)
        state = await self._wait(state)
        answers: dict[str, Answer] = {}
        for line in [
            *await self.client.lines(state.output_file_id),
            *await self.client.lines(state.error_file_id),
        ]:
            custom_id, raw, usage = openai_batch_answer(line)
            if custom_id in waiting and custom_id not in answers:
                answers[custom_id] = (raw, usage)
        self.state.unlink(missing_ok=True)
        return answers

    def _body(self, request: LlmRequest[BaseModel]) -> dict[str, Any]:
        return openai_batch_body(self.settings, request.messages, request.model, request.max_tokens)

    async def _wait(self, state: OpenAIBatchState) -> OpenAIBatchState:
        settings = self.settings
        started = time.monotonic()
        interval = settings.batch_poll
        while not state.finished:
            if time.monotonic() - started > settings.batch_timeout:
                raise LlmError(
                    f"batch {state.id} is still {state.status} after "
                    f"{settings.batch_timeout:.0f} s; run the same command again later to pick "
                    "it up (nothing is lost)"
                )
            await asyncio.sleep(interval)
            interval = min(interval * 1.5, 60.0)
            state = await self.client.status(state.id)
        return state
