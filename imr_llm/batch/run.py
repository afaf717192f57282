"""Running a batch: a process pool (offline), asyncio (LLM) or the OpenAI Batch API."""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from imr_llm.batch.config import IN_FLIGHT_PER_WORKER, BatchConfig, BatchSummary
from imr_llm.batch.inputs import Job, iter_jobs
from imr_llm.batch.letters import (
    Outcome,
    WorkerSetup,
    failed_outcome,
    finished,
    init_worker,
    llm_outcome,
    offline_chunk,
    offline_outcome,
    open_job,
    preload,
    setup_of,
)
from imr_llm.batch.output import Sink, drop_unfinished_rows, load_done, repair_tail
from imr_llm.errors import ImrError
from imr_llm.letter import Analysis, PreparedLetter
from imr_llm.schema import Determination
from imr_llm.settings import LlmSettings, load_settings

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized


def _pool_context() -> Any:
    """fork on Linux: workers inherit the imported modules and start at once."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


class _Feeder:
    """Hands the pool chunks of jobs lazily: at most `limit` chunks are out before their
    outcomes are read, so neither inputs nor results pile up in memory."""

    def __init__(self, jobs: Iterator[Job], chunksize: int, limit: int) -> None:
        self.jobs, self.chunksize = jobs, chunksize
        self.slots, self.stop = threading.Semaphore(limit), threading.Event()

    def __iter__(self) -> Iterator[tuple[Job, ...]]:
        while chunk := tuple(itertools.islice(self.jobs, self.chunksize)):
            while not self.slots.acquire(timeout=0.1):
                if self.stop.is_set():
                    return
            if self.stop.is_set():
                return
            yield chunk


class BatchRun:
    """One batch run. `summary` is live, so an interrupted run can still report it."""

    def __init__(
        self,
        config: BatchConfig,
        engine: str = "offline",
        settings: LlmSettings | None = None,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.config, self.engine, self.settings = config, engine, settings
        self.on_outcome = on_outcome
        self.summary = BatchSummary()

    def run(self, inputs: Iterable[str]) -> BatchSummary:
        started = time.perf_counter()
        try:
            done = self._prepare_output()
            sink = Sink(self.config, self.summary, done)
            try:
                self._dispatch(iter_jobs(inputs, self.config), sink)
            finally:
                sink.close()
        finally:
            self.summary.seconds = time.perf_counter() - started
        return self.summary

    def _prepare_output(self) -> set[bytes]:
        out = self.config.out
        if out.is_dir():
            raise ImrError(f"cannot write {out}: is a folder; give --out a file name")
        try:
            notes = [repair_tail(out)]
            if self.config.csv is not None:
                notes.append(repair_tail(self.config.csv, json_lines=False))
            self.summary.notes += [note for note in notes if note]
            if not self.config.resume:
                return set()
            done, bad = load_done(out)
            if self.config.csv is not None:
                note = drop_unfinished_rows(self.config.csv, done)
                self.summary.notes += [note] if note else []
        except OSError as exc:
            raise ImrError(f"cannot read {out}: {exc.strerror}; check the path") from exc
        if bad:
            self.summary.notes.append(f"{out}: {bad} line(s) are not determinations; ignored")
        return done

    def _dispatch(self, jobs: Iterator[Job], sink: Sink) -> None:
        setup = setup_of(self.config)
        if self.engine == "openai" and self.config.openai_batch:
            self._run_openai_batch(jobs, sink, setup)
        elif self.engine == "openai":
            asyncio.run(self._run_llm(jobs, sink, setup))
        elif self.config.workers <= 1:
            self._run_here(jobs, sink, setup)
        else:
            self._run_pool(jobs, sink, setup)

    def _accept(self, sink: Sink, outcomes: Iterable[Outcome]) -> None:
        for outcome in outcomes:
            sink.accept(outcome)
            if self.on_outcome:
                self.on_outcome(outcome)
        sink.flush()

    def _run_here(self, jobs: Iterator[Job], sink: Sink, setup: WorkerSetup) -> None:
        init_worker(setup, sink.done, None)  # the live set: repeats in this run are skipped
        for job in jobs:
            self._accept(sink, [offline_outcome(job)])

    def _run_pool(self, jobs: Iterator[Job], sink: Sink, setup: WorkerSetup) -> None:
        preload(setup)
        workers = self.config.workers
        context = _pool_context()
        started = context.Value("i", 0)
        feeder = _Feeder(jobs, self.config.chunksize, workers * IN_FLIGHT_PER_WORKER)
        pool = context.Pool(workers, init_worker, (setup, frozenset(sink.done), started))
        try:
            # Chunks are made by the feeder, so imap_unordered's own chunksize is 1: its
            # iterator then has next(timeout), which _drain needs to notice a dead worker.
            chunks = pool.imap_unordered(offline_chunk, feeder)
            for outcomes in _drain(chunks, started, workers):
                feeder.slots.release()
                self._accept(sink, outcomes)
            pool.close()
        except BaseException:
            feeder.stop.set()
            pool.terminate()
            raise
        finally:
            pool.join()

    def _run_openai_batch(self, jobs: Iterator[Job], sink: Sink, setup: WorkerSetup) -> None:
        """All letters in one Batch API run per phase (a batch is a set, not a stream)."""
        # The LLM engine (openai, instructor): loaded only when it runs.
        from imr_llm.llm.batch_api import run_batch_sync
        from imr_llm.llm.engine import LlmEngine

        settings = self.settings or load_settings()
        waiting: list[tuple[Job, PreparedLetter]] = []
        for job in jobs:
            try:
                prepared = open_job(job, setup, sink.done)
            except Exception as error:
                self._accept(sink, [failed_outcome(job, error, setup)])
                continue
            if isinstance(prepared, Outcome):
                self._accept(sink, [prepared])
            else:
                waiting.append((job, prepared))
        if not waiting:
            return
        results, report = run_batch_sync(
            [prepared for _, prepared in waiting],
            "analyze" if setup.explanation_format else "extract",
            setup.lang,
            lambda: LlmEngine(settings),
            self.config.out.with_name(self.config.out.name + ".batch-state.json"),
        )
        self.summary.notes.append(
            f"OpenAI batches {', '.join(report.batch_ids) or '-'}: {report.answered_by_batch} "
            f"answers by batch, {report.finished_live} finished with ordinary calls, "
            f"{report.from_cache} from cache"
        )
        for (job, _), result in zip(waiting, results, strict=True):
            value = result.value
            if isinstance(value, Analysis):
                outcome = finished(job, value.determination, value.explanation, setup)
            elif isinstance(value, Determination):
                outcome = finished(job, value, None, setup)
            else:
                outcome = failed_outcome(job, result.error or ImrError("no result"), setup)
            self._accept(sink, [outcome])

    async def _run_llm(self, jobs: Iterator[Job], sink: Sink, setup: WorkerSetup) -> None:
        from imr_llm.llm.engine import LlmEngine  # openai, instructor: only when it runs

        settings = self.settings or load_settings()
        engine = LlmEngine(settings)
        gate = asyncio.Semaphore(engine.settings.concurrency)
        running: set[asyncio.Task[None]] = set()

        async def one(job: Job) -> None:
            try:
                outcome = await llm_outcome(engine, job, setup, sink.done)
            finally:
                gate.release()
            self._accept(sink, [outcome])

        try:
            for job in jobs:  # lazily: a letter is read only when a slot is free
                await gate.acquire()
                task = asyncio.create_task(one(job))
                running.add(task)
                task.add_done_callback(running.discard)
            if running:
                await asyncio.gather(*running)
        finally:
            for task in running:
                task.cancel()
            await engine.aclose()


def _drain(chunks: Any, started: Synchronized[int], workers: int) -> Iterator[list[Outcome]]:
    """The pool's outcomes, a chunk at a time. A worker that died (a crash in a native library)
    stops the run, instead of leaving it waiting forever for the letters that worker held."""
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
