"""What a batch run is told (BatchConfig) and what it counts (BatchSummary)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from imr_llm.errors import BATCH_LETTERS_FAILED
from imr_llm.schema import Lang

DEFAULT_CHUNKSIZE = 8
"""Letters per pool task: about 15 ms of work for text letters, so IPC costs about 1%."""


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

    @property
    def duplicates_path(self) -> Path:
        """Letters left out as repeats of an earlier one: `<out>.duplicates.jsonl`."""
        return self.out.with_name(self.out.name + ".duplicates.jsonl")


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
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    """(path, path of the same letter written earlier): left out, not written again."""

    @property
    def letters(self) -> int:
        return self.done + self.skipped + self.failed + len(self.duplicates)

    @property
    def rate(self) -> float:
        return self.letters / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        return BATCH_LETTERS_FAILED if self.failed else 0


def summary_line(summary: BatchSummary, config: BatchConfig, engine: str) -> str:
    failed = f"{summary.failed} failed"
    if summary.failed:
        failed += f" (see {config.errors_path})"
    line = (
        f"imr-llm: batch: {summary.done} done, {summary.skipped} skipped (already in "
        f"{config.out}), {failed}; {summary.seconds:.1f} s, {summary.rate:.1f} letters/s"
    )
    if summary.duplicates:
        line += (
            f"; {len(summary.duplicates)} duplicate(s) written once (same case number and "
            f"decisions; see {config.duplicates_path})"
        )
    if engine == "openai":
        line += (
            f"; {summary.requests} requests, {summary.cache_hits} of {summary.done} letters "
            "from cache"
        )
    return line
