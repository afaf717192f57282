"""What every command line module shares: option choices and the progress bar.

Kept light (no heavy imports) so each command starts fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Any


class Engine(StrEnum):
    auto = "auto"
    offline = "offline"
    openai = "openai"


class OutputFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"
    html = "html"


class Language(StrEnum):
    en = "en"
    es = "es"


class LetterProgress:
    """A progress bar on stderr with count, rate and ETA."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("letters"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._progress.add_task("letters", total=total, rate="")
        self._progress.start()

    def advance(self, _: Any = None) -> None:
        self._progress.advance(self._task, 1)
        speed = self._progress.tasks[0].speed
        if speed:
            self._progress.update(self._task, rate=f"{speed:.1f} letters/s")

    def close(self) -> None:
        self._progress.stop()


def progress_bar(total: int) -> LetterProgress | None:
    """A progress bar when there is more than one letter and stderr is a terminal."""
    return LetterProgress(total) if total > 1 and sys.stderr.isatty() else None
