"""The batch's progress bar reads its rate at most every RATE_EVERY seconds, not per letter."""

from __future__ import annotations

import re

from imr_llm.cli.common import LetterProgress


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_is_read_once_per_interval_not_per_letter() -> None:
    clock = FakeClock()
    bar = LetterProgress(total=50, clock=clock)
    try:
        bar.advance()  # the first reading: rich has a single sample, so no rate yet
        for _ in range(20):
            bar.advance()
        task = bar._progress.tasks[0]
        assert task.completed == 21
        assert task.speed  # rich could give a rate now ...
        assert task.fields["rate"] == ""  # ... but it is not read before the interval is over

        clock.now += LetterProgress.RATE_EVERY
        bar.advance()
        assert re.fullmatch(r"[\d.]+ letters/s", bar._progress.tasks[0].fields["rate"])
        shown = bar._progress.tasks[0].fields["rate"]
        for _ in range(5):
            bar.advance()
        assert bar._progress.tasks[0].fields["rate"] == shown  # the same interval: not read
        assert bar._progress.tasks[0].completed == 27
    finally:
        bar.close()
