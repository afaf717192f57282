"""The one runner: letters, a task and an engine in, one result per letter out.

    run(items, task, engine, steps, accept)

`steps` says what an item is and what its result looks like (a path and a LetterResult for
`extract`, `summarize` and `eval`; a batch Job and an Outcome for `batch`): `open` reads and
prepares the letter (or returns its result at once, e.g. a letter already done), `finish` turns
the engine's value into the result, `failed` records the error that stopped it. One letter's
failure never stops the others. `accept` receives the results as they arrive.

The engine chooses how letters run (its `executor`):
- "pool": the offline engine, in this process (one worker) or a process pool (`workers`);
- "asyncio": the LLM engine, at most `engine.concurrency` letters in flight, the inputs read
  lazily as slots free up (the one concurrency loop);
- "openai_batch": the LLM engine through the OpenAI Batch API: the same loop with every letter
  in flight, the engine's calls collected into batches (llm/openai_batch.py).

May import: engines, llm, prepare, letter, settings. The LLM engine (llm.choice, with
settings, openai and instructor) is loaded by name (LLM_ENGINE, imr_llm.by_name) only when a run
may use it, so an offline run never loads it.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from imr_llm.by_name import load
from imr_llm.engines import Engine, OfflineEngine, finish_now, perform
from imr_llm.errors import ImrError
from imr_llm.letter import LetterResult, PreparedLetter, Task, Value
from imr_llm.prepare import prepare
from imr_llm.schema import Determination, Explanation, Lang

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

    from imr_llm.llm.engine import LlmEngine
    from imr_llm.settings import LlmSettings

__all__ = ["PathSteps", "Steps", "engine_for", "extract", "run", "run_letters", "summarize"]

J = TypeVar("J")
R = TypeVar("R")
J_in = TypeVar("J_in", contravariant=True)
R_out = TypeVar("R_out", covariant=True)

IN_FLIGHT_PER_WORKER = 4
"""Pool: chunks per worker handed out before their results are read (bounds memory)."""


class Steps(Protocol[J_in, R_out]):
    """What the runner does before and after the engine, for one item."""

    def open(self, item: J_in) -> PreparedLetter | R_out: ...

    def finish(self, item: J_in, value: Value) -> R_out: ...

    def failed(self, item: J_in, error: Exception) -> R_out: ...


@dataclass(frozen=True)
class PathSteps:
    """Items are indexes into `paths` ('-' for stdin); results are (index, LetterResult), so
    the caller can put them back in input order."""

    paths: list[str]

    def open(self, item: int) -> PreparedLetter:
        return prepare(self.paths[item])

    def finish(self, item: int, value: Value) -> tuple[int, LetterResult]:
        return item, LetterResult(self.paths[item], value=value)

    def failed(self, item: int, error: Exception) -> tuple[int, LetterResult]:
        return item, LetterResult(self.paths[item], error=error)


@dataclass(frozen=True)
class _Work(Generic[J, R]):
    """One run's constants: what every letter of it does (sent once to each pool worker)."""

    task: Task
    engine: Engine
    steps: Steps[J, R]
    lang: Lang

    async def letter(self, item: J, opener: Callable[[Callable[[J], Any], J], Awaitable[Any]]) -> R:
        try:
            opened = await opener(self.steps.open, item)
            if not isinstance(opened, PreparedLetter):
                return opened  # type: ignore[no-any-return]
            value = await perform(self.engine, opened, self.task, self.lang)
            return self.steps.finish(item, value)
        except Exception as error:  # recorded for that letter; the others go on
            return self.steps.failed(item, error)

    def letter_now(self, item: J) -> R:
        return finish_now(self.letter(item, _call))


async def _call(function: Callable[[J], Any], item: J) -> Any:
    return function(item)


def run(
    items: Iterable[J],
    task: Task,
    engine: Engine,
    steps: Steps[J, R],
    accept: Callable[[list[R]], None],
    *,
    lang: Lang = "en",
    workers: int = 1,
    chunksize: int = 8,
) -> None:
    """Run `task` over `items` with `engine`; `accept` gets the results a chunk at a time (a
    pool chunk, or one letter), in input order except from a pool. The engine is closed at the
    end."""
    work = _Work(task, engine, steps, lang)
    if engine.executor == "pool":
        if workers <= 1:
            for item in items:
                accept([work.letter_now(item)])
        else:
            _run_pool(work, items, accept, workers, chunksize)
        finish_now(engine.aclose())
        return
    import asyncio  # the LLM engine only: not loaded for an offline run

    asyncio.run(_run_loop(work, items, accept))


# --- asyncio: the one concurrency loop -------------------------------------------------------


async def _run_loop(
    work: _Work[J, R], items: Iterable[J], accept: Callable[[list[R]], None]
) -> None:
    import asyncio

    engine = work.engine
    if engine.executor == "openai_batch":
        # A batch is a set, not a stream: every letter is read first, then all are in flight.
        ready: list[tuple[J, PreparedLetter]] = []
        for item in items:
            try:
                opened = work.steps.open(item)
            except Exception as error:
                accept([work.steps.failed(item, error)])
                continue
            if isinstance(opened, PreparedLetter):
                ready.append((item, opened))
            else:
                accept([opened])
        prepared = dict((id(item), letter) for item, letter in ready)
        items = [item for item, _ in ready]
        limit = max(1, len(items))

        async def opener(function: Callable[[J], Any], item: J) -> Any:
            return prepared[id(item)]  # read above

        scope = engine.letters_in_flight(len(items))  # type: ignore[attr-defined]
    else:
        limit = engine.concurrency

        async def opener(function: Callable[[J], Any], item: J) -> Any:
            return await asyncio.to_thread(function, item)  # reading a PDF is blocking work

        scope = None
    gate = asyncio.Semaphore(limit)
    running: set[asyncio.Task[None]] = set()

    async def one(item: J) -> None:
        try:
            if scope is None:
                result = await work.letter(item, opener)
            else:
                async with scope.letter():
                    result = await work.letter(item, opener)
        finally:
            gate.release()
        accept([result])

    try:
        for item in items:  # lazily: a letter is read only when a slot is free
            await gate.acquire()
            task = asyncio.create_task(one(item))
            running.add(task)
            task.add_done_callback(running.discard)
        if running:
            await asyncio.gather(*running)
        if scope is not None:
            scope.check()  # a batch that timed out stops the run: rerun to pick it up
    finally:
        for task in running:
            task.cancel()
        await engine.aclose()


# --- the process pool ------------------------------------------------------------------------


def _pool_context() -> Any:
    """fork on Linux: workers inherit the imported modules and start at once."""
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


class _Feeder(Generic[J]):
    """Hands the pool chunks of items lazily: at most `limit` chunks are out before their
    results are read, so neither inputs nor results pile up in memory."""

    def __init__(self, items: Iterator[J], chunksize: int, limit: int) -> None:
        self.items, self.chunksize = items, chunksize
        self.slots, self.stop = threading.Semaphore(limit), threading.Event()

    def __iter__(self) -> Iterator[tuple[J, ...]]:
        while chunk := tuple(itertools.islice(self.items, self.chunksize)):
            while not self.slots.acquire(timeout=0.1):
                if self.stop.is_set():
                    return
            if self.stop.is_set():
                return
            yield chunk


_WORKER: _Work[Any, Any] | None = None
"""A pool worker's run constants, set once per process by _init_worker."""


def _init_worker(work: _Work[Any, Any], started: Synchronized[int]) -> None:
    import signal

    global _WORKER
    _WORKER = work
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    with started.get_lock():
        started.value += 1


def _pool_chunk(items: tuple[Any, ...]) -> list[Any]:
    assert _WORKER is not None
    return [_WORKER.letter_now(item) for item in items]


def _run_pool(
    work: _Work[J, R],
    items: Iterable[J],
    accept: Callable[[list[R]], None],
    workers: int,
    chunksize: int,
) -> None:
    context = _pool_context()
    started = context.Value("i", 0)
    feeder = _Feeder(iter(items), chunksize, workers * IN_FLIGHT_PER_WORKER)
    pool = context.Pool(workers, _init_worker, (work, started))
    try:
        # Chunks are made by the feeder, so imap_unordered's own chunksize is 1: its
        # iterator then has next(timeout), which _drain needs to notice a dead worker.
        chunks = pool.imap_unordered(_pool_chunk, feeder)
        for results in _drain(chunks, started, workers):
            feeder.slots.release()
            accept(results)
        pool.close()
    except BaseException:
        feeder.stop.set()
        pool.terminate()
        raise
    finally:
        pool.join()


def _drain(chunks: Any, started: Synchronized[int], workers: int) -> Iterator[list[Any]]:
    """The pool's results, a chunk at a time. A worker that died (a crash in a native library)
    stops the run, instead of leaving it waiting forever for the letters that worker held."""
    import multiprocessing

    while True:
        try:
            yield chunks.next(timeout=1.0)
        except StopIteration:
            return
        except multiprocessing.TimeoutError:
            if started.value > workers:
                raise ImrError(
                    "a worker process died while reading letters (a crash in a PDF library?); "
                    "the finished letters are saved - rerun to resume, with --workers 1 to see "
                    "which letter it is"
                ) from None


# --- the engine switch, and the one-letter calls ---------------------------------------------

LLM_ENGINE = "imr_llm.llm.choice:llm_engine"
"""The LLM engine for a run (pydantic-settings, openai, instructor: ~100 ms to import): loaded
by name when the engine asked for is not 'offline'."""


def engine_for(
    engine: str, settings: LlmSettings | None = None, *, openai_batch: str | None = None
) -> Engine:
    """The engine named `engine` (auto, offline, openai). The LLM settings are loaded (from the
    environment, when not given) only for the LLM engine. `openai_batch`: the state file of an
    OpenAI Batch API run (the LLM engine's calls then go through batches)."""
    if engine == "offline":
        return OfflineEngine()
    llm: LlmEngine | None = load(LLM_ENGINE)(engine, settings, openai_batch=openai_batch)
    return OfflineEngine() if llm is None else llm


def run_letters(
    paths: list[str],
    task: Task,
    *,
    lang: Lang = "en",
    engine: str | Engine = "auto",
    settings: LlmSettings | None = None,
    on_done: Callable[[LetterResult], None] | None = None,
) -> list[LetterResult]:
    """Run `task` over every path; the results in input order. Errors are returned, not raised."""
    chosen = engine_for(engine, settings) if isinstance(engine, str) else engine
    results: dict[int, LetterResult] = {}

    def accept(done: list[tuple[int, LetterResult]]) -> None:
        for index, result in done:
            if on_done:
                on_done(result)
            results[index] = result

    run(range(len(paths)), task, chosen, PathSteps(paths), accept, lang=lang)
    return [results[index] for index in range(len(paths))]


def extract(path: str, engine: str = "auto", settings: LlmSettings | None = None) -> Determination:
    """Read one letter and return its typed determination."""
    result = run_letters([path], "extract", engine=engine, settings=settings)[0]
    if result.error:
        raise result.error
    assert isinstance(result.value, Determination)
    return result.value


def summarize(
    path: str, lang: Lang = "en", engine: str = "auto", settings: LlmSettings | None = None
) -> Explanation:
    """Read one letter and explain it in plain language."""
    result = run_letters([path], "summarize", lang=lang, engine=engine, settings=settings)[0]
    if result.error:
        raise result.error
    assert isinstance(result.value, Explanation)
    return result.value
