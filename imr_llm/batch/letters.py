"""One letter of a batch, before and after the engine (BatchSteps, for the runner): read it and
skip it when it is already done; turn the engine's value into an Outcome, already serialised,
for the sink."""

from __future__ import annotations

import json
import traceback
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from imr_llm.batch.config import BatchConfig
from imr_llm.batch.inputs import Job
from imr_llm.duplicates import LetterKey, letter_key
from imr_llm.errors import ImrError, InputError
from imr_llm.explain.output import render_explanation
from imr_llm.letter import Analysis, PreparedLetter, Value
from imr_llm.prepare import prepared_from
from imr_llm.reading import AlreadyRead, read_letter
from imr_llm.schema import Determination, Explanation, Lang

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
    key: LetterKey | None = None
    """duplicates.letter_key of the determination: the batch process writes a letter given
    twice once, and reads this instead of parsing `line` again."""


@dataclass(frozen=True)
class WorkerSetup:
    resume: bool
    explanation_format: str | None
    lang: Lang
    csv: bool
    debug: bool


def setup_of(config: BatchConfig) -> WorkerSetup:
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
        key=letter_key(determination),
    )


def failed_outcome(job: Job, error: BaseException, setup: WorkerSetup) -> Outcome:
    return Outcome(job.path, "failed", failure=describe(error, job.path, setup.debug))


def already_done(resume: bool, sha256: str, done: Collection[bytes]) -> bool:
    return resume and bytes.fromhex(sha256) in done


def open_job(job: Job, setup: WorkerSetup, done: Collection[bytes]) -> PreparedLetter | Outcome:
    """The job's letter read and parsed, or its 'skipped' outcome when its hash is already
    done (checked before parsing, so a resumed run is quick and makes no LLM request for it; a
    paper letter's hash is of its files, checked before OCR). An unusable input raises, for the
    caller to record."""
    if job.problem:
        raise InputError(job.problem)
    try:
        letter = read_letter(job.path, done if setup.resume else frozenset())
    except AlreadyRead as skipped:
        return Outcome(job.path, "skipped", skipped.sha256)
    return prepared_from(letter)


@dataclass(frozen=True)
class BatchSteps:
    """A batch's steps around the engine (runner.Steps): a Job in, an Outcome out. `done` holds
    the text hashes already in the output (a live set in this process; a copy in a pool)."""

    setup: WorkerSetup
    done: Collection[bytes]

    def open(self, job: Job) -> PreparedLetter | Outcome:
        return open_job(job, self.setup, self.done)

    def finish(self, job: Job, value: Value) -> Outcome:
        if isinstance(value, Analysis):
            return finished(job, value.determination, value.explanation, self.setup)
        if isinstance(value, Determination):
            return finished(job, value, None, self.setup)
        raise TypeError(f"a batch wants a determination, not {type(value).__name__}")

    def failed(self, job: Job, error: Exception) -> Outcome:
        return failed_outcome(job, error, self.setup)
