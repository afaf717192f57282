"""Letters through the OpenAI Batch API: half the price, answered within a day.

For each phase ('extract', then 'explain' when an explanation is wanted): answers already in the
cache are used; the rest are written to one request file, uploaded, and run as one batch, polled
with backoff. Every answer goes through the same validators as a live call; whatever is missing,
failed or invalid (an expired or partly failed batch) is finished with ordinary calls, which
re-ask. The batch id is kept in a state file, so a run killed while waiting resumes the same
batch instead of paying for a new one.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from imr_llm.errors import LlmError
from imr_llm.letter import Analysis, LetterResult, PreparedLetter, Task, Value
from imr_llm.llm.client import BatchClient, BatchState, batch_answer, batch_body, batch_line
from imr_llm.llm.engine import LetterRun, LlmEngine
from imr_llm.llm.request import LlmRequest
from imr_llm.schema import Determination, Lang

M = TypeVar("M", bound=BaseModel)


@dataclass
class BatchReport:
    """What the batch did, for the closing summary and the tests."""

    batch_ids: list[str]
    answered_by_batch: int = 0
    finished_live: int = 0
    from_cache: int = 0


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


async def _wait(client: BatchClient, state: BatchState, engine: LlmEngine) -> BatchState:
    settings = engine.settings
    started = time.monotonic()
    interval = settings.batch_poll
    while not state.finished:
        if time.monotonic() - started > settings.batch_timeout:
            raise LlmError(
                f"batch {state.id} is still {state.status} after {settings.batch_timeout:.0f} s; "
                "run the same command again later to pick it up (nothing is lost)"
            )
        await asyncio.sleep(interval)
        interval = min(interval * 1.5, 60.0)
        state = await client.status(state.id)
    return state


async def _phase(
    name: str,
    requests: dict[int, LlmRequest[M]],
    runs: list[LetterRun],
    engine: LlmEngine,
    client: BatchClient,
    state_path: Path,
    report: BatchReport,
) -> dict[int, M | BaseException]:
    """Answer every request: cache, then one batch, then live calls for whatever is left."""
    answers: dict[int, M | BaseException] = {}
    pending: dict[int, LlmRequest[M]] = {}
    for index, request in requests.items():
        runs[index].prompts[request.prompt.id] = request.prompt.label
        cached = engine.cached(request)
        if cached is not None:
            answers[index] = cached
            runs[index].hits.append(True)
            report.from_cache += 1
        else:
            pending[index] = request
    if pending:
        custom = {f"{index}:{name}:{request.key[:16]}": index for index, request in pending.items()}
        saved = _load_state(state_path)
        if saved.get("phase") == name and saved.get("custom_ids") == sorted(custom):
            state = await client.status(saved["batch_id"])
        else:
            lines = [
                batch_line(cid, batch_body(engine.settings, pending[i].messages, pending[i].model))
                for cid, i in custom.items()
            ]
            state = await client.submit(lines)
            _save_state(
                state_path, {"phase": name, "batch_id": state.id, "custom_ids": sorted(custom)}
            )
        report.batch_ids.append(state.id)
        state = await _wait(client, state, engine)
        for line in [
            *await client.lines(state.output_file_id),
            *await client.lines(state.error_file_id),
        ]:
            custom_id, raw, usage = batch_answer(line)
            found = custom.get(custom_id)
            if found is None or found in answers:
                continue
            runs[found].usage.add(usage)
            value = engine.accept(pending[found], raw) if raw else None
            if value is not None:
                answers[found] = value
                runs[found].hits.append(False)
                report.answered_by_batch += 1
    await _finish_live(
        {i: r for i, r in pending.items() if i not in answers}, runs, engine, answers, report
    )
    return answers


async def _finish_live(
    left: dict[int, LlmRequest[M]],
    runs: list[LetterRun],
    engine: LlmEngine,
    answers: dict[int, M | BaseException],
    report: BatchReport,
) -> None:
    gate = asyncio.Semaphore(engine.settings.concurrency)

    async def one(index: int, request: LlmRequest[M]) -> None:
        async with gate:
            try:
                answers[index] = await engine.resolve(request, runs[index])
                report.finished_live += 1
            except Exception as error:  # recorded for that letter; the others go on
                answers[index] = error

    await asyncio.gather(*(one(i, r) for i, r in left.items()))


async def run_openai_batch(
    prepared: list[PreparedLetter],
    task: Task,
    lang: Lang,
    engine: LlmEngine,
    state_path: Path,
) -> tuple[list[LetterResult], BatchReport]:
    """Run `task` over `prepared` through the Batch API; one LetterResult per letter, in order."""
    client = BatchClient(engine.client)
    report = BatchReport(batch_ids=[])
    runs = [LetterRun() for _ in prepared]
    extract_requests = {i: engine.extract_request(p) for i, p in enumerate(prepared)}
    understood = await _phase(
        "extract",
        {i: request for i, (request, _) in extract_requests.items()},
        runs,
        engine,
        client,
        state_path,
        report,
    )
    determinations: dict[int, Determination | BaseException] = {}
    for i, (extract_request, skeleton) in extract_requests.items():
        answer = understood[i]
        determinations[i] = (
            answer
            if isinstance(answer, BaseException)
            else engine.finish_extract(prepared[i], skeleton, extract_request, answer, runs[i])
        )
    values: dict[int, Value | BaseException] = dict(determinations)
    if task != "extract":
        done = {i: d for i, d in determinations.items() if isinstance(d, Determination)}
        explain_requests = {
            i: engine.explain_request(prepared[i], d, lang) for i, d in done.items()
        }
        written = await _phase(
            "explain",
            {i: request for i, (request, _) in explain_requests.items()},
            runs,
            engine,
            client,
            state_path,
            report,
        )
        for i, (explain_request, base) in explain_requests.items():
            draft = written[i]
            if isinstance(draft, BaseException):
                values[i] = draft
                continue
            determination, explanation = engine.finish_explain(
                done[i], base, explain_request, draft, runs[i]
            )
            values[i] = Analysis(determination, explanation) if task == "analyze" else explanation
    state_path.unlink(missing_ok=True)
    results = []
    for i, letter in enumerate(prepared):
        value = values[i]
        path = letter.letter.path or f"letter {i + 1}"
        if isinstance(value, BaseException):
            results.append(LetterResult(path, error=value))
        else:
            results.append(LetterResult(path, value=value))
    return results, report


def run_batch_sync(
    prepared: list[PreparedLetter],
    task: Task,
    lang: Lang,
    engine_factory: Callable[[], LlmEngine],
    state_path: Path,
) -> tuple[list[LetterResult], BatchReport]:
    """run_openai_batch from synchronous code (the CLI)."""

    async def main() -> tuple[list[LetterResult], BatchReport]:
        engine = engine_factory()
        try:
            return await run_openai_batch(prepared, task, lang, engine, state_path)
        finally:
            await engine.aclose()

    return asyncio.run(main())
