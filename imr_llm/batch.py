"""`imr-llm batch`: many letters into one JSON Lines file, in parallel, resumable.

- Inputs (files, folders, glob patterns) are expanded lazily and fed to the workers as they are
  needed: at most a few chunks per worker are in flight, so memory stays flat however many
  letters there are. Results are written as they arrive and never held.
- Offline engine: a process pool (`imap_unordered` in chunks). LLM engine: asyncio, at most
  `settings.concurrency` letters in flight.
- Resume: a letter whose text hash (`source.sha256`) is already in the output file is skipped.
  The output is only ever appended to; a half-written last line (a run killed mid-write) is cut
  off before appending, and every complete line is kept.
- One letter's failure goes to the errors file (path, reason, error type, exit code) and the
  others go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import glob
import itertools
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Collection, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple

from imr_llm.errors import ImrError, InputError
from imr_llm.schema import Determination, Explanation, Lang
from imr_llm.settings import LlmSettings

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

    from imr_llm.llm.engine import LlmEngine

LETTER_SUFFIXES = (".txt", ".pdf")
DEFAULT_CHUNKSIZE = 8
"""Letters per pool task: ~25 ms of work for a text letter, so IPC costs about 1%."""
IN_FLIGHT_PER_WORKER = 4
"""Chunks per worker handed out before their outcomes are read (bounds memory)."""
CSV_COLUMNS = (
    "path",
    "sha256",
    "case_number",
    "decision_date",
    "year",
    "format",
    "item",
    "request",
    "original_request",
    "decision",
    "category",
    "retrospective",
    "claims_administrator_guidelines",
    "reviewer_guidelines",
    "reviewer_specialties",
)
_SHA256_KEY = re.compile(rb'"sha256":"([0-9a-f]{64})"')
_GLOB_CHARS = re.compile(r"[*?\[]")


def default_workers() -> int:
    """Every core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class BatchConfig:
    """Where results go and how the letters are run."""

    out: Path
    errors: Path | None = None
    """Failures, one JSON object a line; None: `errors.jsonl` next to `out`."""
    csv: Path | None = None
    explanations: Path | None = None
    explanation_format: str = "text"
    lang: Lang = "en"
    workers: int = field(default_factory=default_workers)
    chunksize: int = DEFAULT_CHUNKSIZE
    resume: bool = True
    debug: bool = False
    openai_batch: bool = False
    """LLM engine only: send the calls through the OpenAI Batch API."""

    @property
    def errors_path(self) -> Path:
        return self.errors or self.out.with_name("errors.jsonl")


@dataclass
class BatchSummary:
    """Counts of one run, updated as results arrive."""

    done: int = 0
    skipped: int = 0
    failed: int = 0
    requests: int = 0
    cache_hits: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def letters(self) -> int:
        return self.done + self.skipped + self.failed

    @property
    def rate(self) -> float:
        return self.letters / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        return InputError.exit_code if self.failed else 0


# --- inputs ------------------------------------------------------------------------------------


class Job(NamedTuple):
    """One letter to run. `problem` is set when the input itself is unusable."""

    path: str
    name: str = ""
    """The explanation file's name ('' when no explanations are written)."""
    problem: str = ""


def _is_letter_name(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(LETTER_SUFFIXES)


def _walk(folder: str) -> Generator[tuple[str, str], None, int]:
    """Letters under `folder`, recursively, in name order; returns how many. Only the names
    of one folder are held (to sort them); symlinked folders are not followed."""
    try:
        with os.scandir(folder) as listing:
            kinds = ((entry.name, entry.is_dir(follow_symlinks=False)) for entry in listing)
            names = sorted(
                (name, is_folder)
                for name, is_folder in kinds
                if (is_folder and not name.startswith(".")) or _is_letter_name(name)
            )
    except OSError as exc:
        yield folder, f"{folder}: cannot list the folder ({exc.strerror})"
        return 1
    found = 0
    for name, is_folder in names:
        path = os.path.join(folder, name)
        if is_folder:
            found += yield from _walk(path)
        else:
            found += 1
            yield path, ""
    return found


def _matches(pattern: str) -> Generator[tuple[str, str], None, int]:
    found = 0
    for path in glob.iglob(pattern, recursive=True):
        if _is_letter_name(os.path.basename(path)) and os.path.isfile(path):
            found += 1
            yield path, ""
    return found


def _expand(item: str) -> Iterator[tuple[str, str]]:
    if item == "-":
        yield item, "batch reads files, not standard input; use `imr-llm extract -` for that"
    elif os.path.isdir(item):
        if not (yield from _walk(item)):
            yield item, f"{item}: no .txt or .pdf letters in this folder"
    elif _GLOB_CHARS.search(item) and not os.path.exists(item):
        if not (yield from _matches(item)):
            yield item, f"{item}: no .txt or .pdf letter matches this pattern"
    else:
        yield item, ""


def iter_inputs(inputs: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(path, problem) for every letter the inputs name, lazily: files as given (any name),
    folders recursively (.txt and .pdf), glob patterns (`**` included)."""
    for item in inputs:
        yield from _expand(item)


def count_inputs(inputs: Iterable[str]) -> int:
    """How many letters the inputs name (a cheap pass over names, for the progress bar)."""
    return sum(1 for _ in iter_inputs(inputs))


class _Namer:
    """Explanation file names from the letters' stems, unique within a run: a second letter
    with the same stem gets its suffix too (`X.pdf.md`), then a number (`X-2.md`)."""

    def __init__(self, extension: str | None) -> None:
        self.extension = extension
        self.used: set[str] = set()

    def __call__(self, path: str) -> str:
        if self.extension is None:
            return ""
        pure = PurePath(path)
        stem, suffix = pure.stem or "letter", pure.suffix.lstrip(".").lower()
        candidates = [stem, f"{stem}.{suffix}"] if suffix else [stem]
        number = 2
        while True:
            for base in candidates:
                name = f"{base}.{self.extension}"
                if name.lower() not in self.used:
                    self.used.add(name.lower())
                    return name
            candidates = [f"{stem}-{number}"]
            number += 1


def iter_jobs(inputs: Iterable[str], config: BatchConfig) -> Iterator[Job]:
    from imr_llm.explain.render import EXTENSIONS

    namer = _Namer(EXTENSIONS[config.explanation_format] if config.explanations else None)
    for path, problem in iter_inputs(inputs):
        yield Job(path, "" if problem else namer(path), problem)


# --- the output file: resume ------------------------------------------------------------------


def _line_digest(line: bytes, strict: bool = False) -> bytes | None:
    """The source.sha256 of one determination line, as 32 bytes (None: not a determination).
    A complete line (we write each in one piece) is trusted after a quick look; `strict`
    parses the JSON, for a last line that may have been cut anywhere."""
    match = None if strict else _SHA256_KEY.search(line)
    if match and line.startswith(b"{") and line.rstrip().endswith(b"}"):
        return bytes.fromhex(match.group(1).decode())
    try:
        data = json.loads(line)
        return bytes.fromhex(data["source"]["sha256"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def repair_tail(path: Path, json_lines: bool = True) -> str | None:
    """Make `path` end with a complete line before appending. A last line without its newline
    is kept (newline added) when it is a whole determination, else cut off (always, for a CSV:
    `json_lines` False). Returns a note, or None."""
    if not path.is_file():
        return None
    with path.open("r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        end = _last_newline_end(handle, size)
        if end == size:
            return None
        handle.seek(end)
        tail = handle.read()
        if json_lines and _line_digest(tail, strict=True) is not None:
            handle.write(b"\n")
            return None
        handle.truncate(end)
    return f"{path}: cut off a half-written last line ({size - end} bytes); complete lines are kept"


def _last_newline_end(handle: IO[bytes], size: int) -> int:
    """The offset just after the file's last newline (0 if there is none)."""
    position = size
    while position > 0:
        start = max(0, position - 65536)
        handle.seek(start)
        block = handle.read(position - start)
        index = block.rfind(b"\n")
        if index >= 0:
            return start + index + 1
        position = start
    return 0


def load_done(path: Path) -> tuple[set[bytes], int]:
    """The text hashes of the letters already in the output, and how many lines are not
    determinations. Reads line by line: memory is the set of hashes (32 bytes a letter)."""
    done: set[bytes] = set()
    bad = 0
    if not path.is_file():
        return done, bad
    with path.open("rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            digest = _line_digest(line)
            if digest is None:
                bad += 1
            else:
                done.add(digest)
    return done, bad


# --- one letter ----------------------------------------------------------------------------------


class Failure(NamedTuple):
    path: str
    error: str
    type: str
    exit_code: int
    traceback: str | None = None

    def to_json(self) -> str:
        record: dict[str, Any] = {
            "path": self.path,
            "error": self.error,
            "type": self.type,
            "exit_code": self.exit_code,
        }
        if self.traceback:
            record["traceback"] = self.traceback
        return json.dumps(record, ensure_ascii=False)


Status = Literal["done", "skipped", "failed"]


class Outcome(NamedTuple):
    """What a worker sends back: small, already serialised."""

    path: str
    status: Status
    sha256: str = ""
    line: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    explanation: str | None = None
    name: str = ""
    failure: Failure | None = None
    requests: int = 0
    cache_hit: bool = False


@dataclass(frozen=True)
class WorkerSetup:
    resume: bool
    explanation_format: str | None
    lang: Lang
    csv: bool
    debug: bool


def _setup_of(config: BatchConfig) -> WorkerSetup:
    return WorkerSetup(
        resume=config.resume,
        explanation_format=config.explanation_format if config.explanations else None,
        lang=config.lang,
        csv=config.csv is not None,
        debug=config.debug,
    )


def describe(error: BaseException, path: str, debug: bool = False) -> Failure:
    """One letter's error as a record: the CLI's one-line message, its type and exit code."""
    if isinstance(error, ImrError):
        message, code = str(error), error.exit_code
    else:
        message, code = f"unexpected error: {type(error).__name__}: {error}", 1
    trace = "".join(traceback.format_exception(error)) if debug else None
    return Failure(path, message, type(error).__name__, code, trace)


def _join(values: Iterable[str]) -> str:
    return "; ".join(dict.fromkeys(values))


def csv_rows(determination: Determination, path: str) -> tuple[tuple[str, ...], ...]:
    """One row per treatment (columns CSV_COLUMNS); text on one line."""
    case = determination.case
    decided = case.decision_date
    head = (
        path,
        determination.source.sha256,
        case.case_number or "",
        decided.isoformat() if decided else "",
        str(decided.year) if decided else "",
        determination.source.format,
    )
    specialties = _join(determination.reviewer.specialties)
    rows = []
    for index, item in enumerate(determination.treatments, 1):
        row = (
            *head,
            str(index),
            item.request,
            item.original_request or "",
            item.decision,
            item.category,
            "true" if item.retrospective else "false",
            _join(c.source for c in item.claims_administrator_guidelines),
            _join(c.source for c in item.reviewer_guidelines),
            specialties,
        )
        rows.append(tuple(" ".join(value.split()) for value in row))
    return tuple(rows)


def finished(
    job: Job,
    determination: Determination,
    explanation: Explanation | None,
    setup: WorkerSetup,
) -> Outcome:
    """A letter's outcome: its JSON line, CSV rows and rendered explanation."""
    rendered = None
    if explanation is not None and setup.explanation_format:
        from imr_llm.explain.render import render_explanation

        rendered = render_explanation(explanation, setup.explanation_format)
    return Outcome(
        path=job.path,
        status="done",
        sha256=determination.source.sha256,
        line=determination.model_dump_json(),
        rows=csv_rows(determination, job.path) if setup.csv else (),
        explanation=rendered,
        name=job.name,
        requests=determination.engine.requests,
        cache_hit=determination.engine.cache_hit,
    )


def _failed(job: Job, error: BaseException, setup: WorkerSetup) -> Outcome:
    return Outcome(job.path, "failed", failure=describe(error, job.path, setup.debug))


def _skip(setup: WorkerSetup, sha256: str, done: Collection[bytes]) -> bool:
    return setup.resume and bytes.fromhex(sha256) in done


# Worker state: set once per process by _init_worker (or in-process for --workers 1).
_SETUP = WorkerSetup(resume=True, explanation_format=None, lang="en", csv=False, debug=False)
_DONE: Collection[bytes] = frozenset()


def _init_worker(
    setup: WorkerSetup, done: Collection[bytes], started: Synchronized[int] | None
) -> None:
    global _SETUP, _DONE
    _SETUP, _DONE = setup, done
    if started is not None:  # in a pool: Ctrl-C is the parent's to handle
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        with started.get_lock():
            started.value += 1


def offline_outcome(job: Job) -> Outcome:
    """Run one letter with the offline engine (in a worker process)."""
    from imr_llm.formats import parse_letter
    from imr_llm.normalize import normalize_text
    from imr_llm.pipeline import PreparedLetter, analyze_offline, extract_offline
    from imr_llm.reading import read_letter

    setup = _SETUP
    try:
        if job.problem:
            raise InputError(job.problem)
        letter = read_letter(job.path)
        if _skip(setup, letter.sha256, _DONE):  # before parsing: a resumed run is quick
            return Outcome(job.path, "skipped", letter.sha256)
        text = normalize_text(letter.text)  # as pipeline.prepare does
        prepared = PreparedLetter(letter=letter, text=text, parsed=parse_letter(text))
        if setup.explanation_format:
            analysis = analyze_offline(prepared, setup.lang)
            return finished(job, analysis.determination, analysis.explanation, setup)
        return finished(job, extract_offline(prepared), None, setup)
    except Exception as error:
        return _failed(job, error, setup)


def offline_chunk(jobs: tuple[Job, ...]) -> list[Outcome]:
    return [offline_outcome(job) for job in jobs]


def _preload(setup: WorkerSetup) -> None:
    """Import the engine once in the parent: forked workers inherit it instead of each
    importing it again."""
    import importlib

    importlib.import_module("imr_llm.pipeline")
    if setup.explanation_format:
        importlib.import_module("imr_llm.explain.render")


async def llm_outcome(
    engine: LlmEngine, job: Job, setup: WorkerSetup, done: Collection[bytes]
) -> Outcome:
    """Run one letter with the LLM engine."""
    from imr_llm.pipeline import prepare

    try:
        if job.problem:
            raise InputError(job.problem)
        prepared = await asyncio.to_thread(prepare, job.path)
        if _skip(setup, prepared.letter.sha256, done):  # no request for a letter already done
            return Outcome(job.path, "skipped", prepared.letter.sha256)
        if setup.explanation_format:
            determination, explanation = await engine.analyze(prepared, setup.lang)
            return finished(job, determination, explanation, setup)
        return finished(job, await engine.extract(prepared), None, setup)
    except Exception as error:
        return _failed(job, error, setup)


# --- where outcomes go ------------------------------------------------------------------------


_BUFFER = 1 << 20
"""Output buffer: lines reach the file when a chunk of letters is done (see Sink.flush)."""


def _cannot_write(path: Path, exc: OSError) -> ImrError:
    return ImrError(f"cannot write {path}: {exc.strerror}; check the path")


def _open_append(path: Path, newline: str) -> IO[str]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("a", encoding="utf-8", newline=newline, buffering=_BUFFER)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc


class Sink:
    """Writes outcomes as they arrive (the only writer of every output file).

    A letter's explanation file, CSV rows and JSON line are written in that order, and flush()
    sends the CSV before the JSON Lines: a letter whose line is in the output has everything,
    and one whose line is not (a killed run) is simply redone on resume."""

    def __init__(self, config: BatchConfig, summary: BatchSummary, done: set[bytes]) -> None:
        self.config, self.summary, self.done = config, summary, done
        self.errors = _open_append(config.errors_path, "\n")
        self._files = [(self.errors, config.errors_path)]
        self.errors.truncate(0)  # the failures of this run (a rerun retries every one)
        self.csv: Any = None
        if config.csv is not None:
            table = _open_append(config.csv, "")
            self._files.append((table, config.csv))
            self.csv = csv.writer(table)
            if table.tell() == 0:
                self.csv.writerow(CSV_COLUMNS)
        self.out = _open_append(config.out, "\n")
        self._files.append((self.out, config.out))
        if config.explanations is not None:
            try:
                config.explanations.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _cannot_write(config.explanations, exc) from exc

    def accept(self, outcome: Outcome) -> None:
        if outcome.failure is not None:
            self._fail(outcome.failure)
        elif outcome.status == "skipped" or self._already_done(outcome.sha256):
            self.summary.skipped += 1
        else:
            self._write(outcome)

    def _already_done(self, sha256: str) -> bool:
        return self.config.resume and bytes.fromhex(sha256) in self.done

    def _fail(self, failure: Failure) -> None:
        self.summary.failed += 1
        try:
            self.errors.write(failure.to_json() + "\n")
        except OSError as exc:
            raise _cannot_write(self.config.errors_path, exc) from exc

    def _write(self, outcome: Outcome) -> None:
        if outcome.explanation is not None and self.config.explanations is not None:
            target = self.config.explanations / outcome.name
            text = outcome.explanation
            try:
                target.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
            except OSError as exc:
                self._fail(describe(_cannot_write(target, exc), outcome.path))
                return
        try:
            if outcome.rows and self.csv is not None:
                self.csv.writerows(outcome.rows)
            self.out.write(outcome.line + "\n")
        except OSError as exc:
            raise _cannot_write(self.config.out, exc) from exc
        if self.config.resume:  # a repeat later in this run is skipped
            self.done.add(bytes.fromhex(outcome.sha256))
        self.summary.done += 1
        self.summary.requests += outcome.requests
        self.summary.cache_hits += outcome.cache_hit

    def flush(self) -> None:
        """Errors, CSV, then results: called after each chunk of outcomes."""
        for handle, path in self._files:
            try:
                handle.flush()
            except OSError as exc:
                raise _cannot_write(path, exc) from exc

    def close(self) -> None:
        for handle, _ in self._files:
            with contextlib.suppress(OSError):
                handle.close()


# --- running --------------------------------------------------------------------------------


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
        except OSError as exc:
            raise ImrError(f"cannot read {out}: {exc.strerror}; check the path") from exc
        if bad:
            self.summary.notes.append(f"{out}: {bad} line(s) are not determinations; ignored")
        return done

    def _dispatch(self, jobs: Iterator[Job], sink: Sink) -> None:
        setup = _setup_of(self.config)
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
        _init_worker(setup, sink.done, None)  # the live set: repeats in this run are skipped
        for job in jobs:
            self._accept(sink, [offline_outcome(job)])

    def _run_pool(self, jobs: Iterator[Job], sink: Sink, setup: WorkerSetup) -> None:
        _preload(setup)
        workers = self.config.workers
        context = _pool_context()
        started = context.Value("i", 0)
        feeder = _Feeder(jobs, self.config.chunksize, workers * IN_FLIGHT_PER_WORKER)
        pool = context.Pool(workers, _init_worker, (setup, frozenset(sink.done), started))
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
        from imr_llm.llm.batch_api import run_batch_sync
        from imr_llm.llm.engine import LlmEngine
        from imr_llm.pipeline import Analysis, PreparedLetter, prepare
        from imr_llm.settings import load_settings

        settings = self.settings or load_settings()
        waiting: list[tuple[Job, PreparedLetter]] = []
        for job in jobs:
            try:
                if job.problem:
                    raise InputError(job.problem)
                prepared = prepare(job.path)
            except Exception as error:
                self._accept(sink, [_failed(job, error, setup)])
                continue
            if _skip(setup, prepared.letter.sha256, sink.done):
                self._accept(sink, [Outcome(job.path, "skipped", prepared.letter.sha256)])
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
                outcome = _failed(job, result.error or ImrError("no result"), setup)
            self._accept(sink, [outcome])

    async def _run_llm(self, jobs: Iterator[Job], sink: Sink, setup: WorkerSetup) -> None:
        from imr_llm.llm.engine import LlmEngine
        from imr_llm.settings import load_settings

        settings = self.settings or load_settings()
        engine = LlmEngine(settings)
        gate = asyncio.Semaphore(settings.concurrency)
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


def summary_line(summary: BatchSummary, config: BatchConfig, engine: str) -> str:
    failed = f"{summary.failed} failed"
    if summary.failed:
        failed += f" (see {config.errors_path})"
    line = (
        f"imr-llm: batch: {summary.done} done, {summary.skipped} skipped (already in "
        f"{config.out}), {failed}; {summary.seconds:.1f} s, {summary.rate:.1f} letters/s"
    )
    if engine == "openai":
        line += (
            f"; {summary.requests} requests, {summary.cache_hits} of {summary.done} letters "
            "from cache"
        )
    return line
