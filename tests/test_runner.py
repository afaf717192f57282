"""The one runner: the engine's executor, results in input order, one failure never stops the
others; the offline engine runs without an event loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from conftest import LETTERS

from imr_llm.engines import OfflineEngine, finish_now, perform
from imr_llm.errors import InputError
from imr_llm.letter import Analysis, PreparedLetter, Value
from imr_llm.prepare import prepare
from imr_llm.runner import run, run_letters
from imr_llm.schema import Determination, Explanation


def test_run_letters_keeps_input_order_and_records_a_failure(tmp_path: Path) -> None:
    paths = [
        str(LETTERS / "CM16-0213037.txt"),
        str(tmp_path / "missing.txt"),
        str(LETTERS / "CM17-0015218.txt"),
    ]
    results = run_letters(paths, "summarize", engine="offline")
    assert [r.path for r in results] == paths
    assert isinstance(results[1].error, InputError)
    assert all(isinstance(results[i].value, Explanation) for i in (0, 2))


class _Steps:
    """Items are paths; a result is (path, the task's value type name or the error's)."""

    def open(self, item: str) -> PreparedLetter:
        return prepare(item)

    def finish(self, item: str, value: Value) -> tuple[str, str]:
        return item, type(value).__name__

    def failed(self, item: str, error: Exception) -> tuple[str, str]:
        return item, type(error).__name__


@pytest.mark.parametrize("workers", [1, 2])
def test_the_pool_and_in_process_give_the_same_results(workers: int, tmp_path: Path) -> None:
    paths = [str(p) for p in sorted(LETTERS.glob("CM16-02*.txt"))[:6]]
    paths.insert(3, str(tmp_path / "missing.txt"))
    got: list[tuple[str, str]] = []
    batches: list[int] = []

    def accept(results: list[tuple[str, str]]) -> None:
        batches.append(len(results))
        got.extend(results)

    run(iter(paths), "analyze", OfflineEngine(), _Steps(), accept, workers=workers, chunksize=2)
    assert sorted(got) == sorted(
        (p, "InputError" if p.endswith("missing.txt") else "Analysis") for p in paths
    )
    assert max(batches) == (2 if workers > 1 else 1)  # a pool chunk, or one letter


def test_perform_is_the_task_switch() -> None:
    prepared = prepare(str(LETTERS / "CM16-0213037.txt"))
    engine = OfflineEngine()
    assert isinstance(finish_now(perform(engine, prepared, "extract", "en")), Determination)
    assert isinstance(finish_now(perform(engine, prepared, "summarize", "es")), Explanation)
    both = finish_now(perform(engine, prepared, "analyze", "en"))
    assert isinstance(both, Analysis) and both.explanation.lang == "en"


def test_finish_now_refuses_a_coroutine_that_waits() -> None:
    async def waits() -> int:
        await asyncio.sleep(0)
        return 1

    with pytest.raises(RuntimeError, match="waited"):
        finish_now(waits())
