"""What an engine is, and the offline one.

An engine answers two questions about a prepared letter: `determine` (its typed Determination)
and `explain` (the determination and its plain-language Explanation, as an Analysis). Both are
coroutines, so the runner drives every engine the same way; the offline engine never awaits
anything, so `finish_now` runs it without an event loop (in-process, or in a pool worker).
`executor` says how the runner should run many letters with it: "pool" (CPU work, a process
pool) or "asyncio" (I/O work, at most `concurrency` letters in flight).

`perform` is the one place where a task (extract, summarize, analyze) becomes engine calls.

Engines: OfflineEngine here; the LLM engine is `llm.engine.LlmEngine` (same shape).
May import: prepare, explain, letter, schema. The rule-based writer (explain) is loaded by name
(EXPLAIN, imr_llm.by_name) on the first explanation, so that `extract` never loads it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Literal, Protocol, TypeVar

from imr_llm.by_name import load
from imr_llm.letter import Analysis, PreparedLetter, Task, Value
from imr_llm.prepare import skeleton
from imr_llm.schema import Determination, Explanation, Lang

T = TypeVar("T")

Executor = Literal["pool", "asyncio", "openai_batch"]

EXPLAIN = "imr_llm.explain:explain"
"""The rule-based writer: its tables and pyphen cost `extract` 3-8 ms of CPU to import (measured
side by side), so it is loaded on the first explanation."""


class Engine(Protocol):
    """One way of reading a prepared letter."""

    @property
    def name(self) -> str: ...

    @property
    def executor(self) -> Executor:
        """How the runner runs many letters with this engine."""
        ...

    @property
    def concurrency(self) -> int:
        """The asyncio executor: letters in flight at once."""
        ...

    async def determine(self, prepared: PreparedLetter) -> Determination: ...

    async def explain(self, prepared: PreparedLetter, lang: Lang) -> Analysis: ...

    async def aclose(self) -> None: ...


async def perform(engine: Engine, prepared: PreparedLetter, task: Task, lang: Lang) -> Value:
    """The engine's answer for `task`: extract -> Determination, summarize -> Explanation,
    analyze -> Analysis (both)."""
    if task == "extract":
        return await engine.determine(prepared)
    analysis = await engine.explain(prepared, lang)
    return analysis if task == "analyze" else analysis.explanation


def finish_now(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never waits (the offline engine's) to its end, without a loop."""
    try:
        work.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    work.close()
    raise RuntimeError("finish_now: the coroutine waited; run it in an event loop")


def offline_analysis(prepared: PreparedLetter, lang: Lang = "en") -> Analysis:
    """The offline engine's determination and explanation of one letter."""
    explain: Callable[..., Explanation] = load(EXPLAIN)
    determination = skeleton(prepared)
    return Analysis(determination, explain(determination, prepared.text, lang=lang))


class OfflineEngine:
    """The deterministic engine: the parser's skeleton, explained by the rule-based writer."""

    name = "offline"
    executor: Executor = "pool"
    concurrency = 1

    async def determine(self, prepared: PreparedLetter) -> Determination:
        return skeleton(prepared)

    async def explain(self, prepared: PreparedLetter, lang: Lang) -> Analysis:
        return offline_analysis(prepared, lang)

    async def aclose(self) -> None:
        return None
