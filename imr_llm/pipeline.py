"""The one path every command takes: read -> normalise -> parse -> engine -> (explain).

`run_letters` runs many letters: offline one after another (it is fast), with the LLM engine
concurrently (asyncio, a semaphore of `settings.concurrency`). One letter's failure is recorded
with its reason and never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from imr_llm.letter import Analysis, LetterResult, PreparedLetter, Task, Value
from imr_llm.prepare import prepare, prepared_from, skeleton
from imr_llm.schema import Determination, Explanation, Lang

if TYPE_CHECKING:
    from imr_llm.settings import LlmSettings

__all__ = [
    "Analysis",
    "LetterResult",
    "PreparedLetter",
    "Task",
    "Value",
    "analyze_offline",
    "extract",
    "extract_offline",
    "prepare",
    "prepared_from",
    "run_letters",
    "summarize",
]

extract_offline = skeleton
"""The offline engine's determination: the parser's skeleton (name kept for callers)."""


def analyze_offline(prepared: PreparedLetter, lang: Lang = "en") -> Analysis:
    # Loaded on the first explanation only, so that `extract` never loads the writer's tables.
    from imr_llm.explain import explain

    determination = skeleton(prepared)
    return Analysis(determination, explain(determination, prepared.text, lang=lang))


def _offline_value(prepared: PreparedLetter, task: Task, lang: Lang) -> Value:
    if task == "extract":
        return skeleton(prepared)
    analysis = analyze_offline(prepared, lang)
    return analysis if task == "analyze" else analysis.explanation


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


def run_letters(
    paths: list[str],
    task: Task,
    *,
    lang: Lang = "en",
    engine: str = "auto",
    settings: LlmSettings | None = None,
    on_done: Callable[[LetterResult], None] | None = None,
) -> list[LetterResult]:
    """Run `task` over every path, in input order. Errors are returned, not raised.
    The LLM settings are loaded (from the environment, when not given) only for the LLM engine."""
    if engine != "offline":
        from imr_llm.settings import load_settings, resolve_engine  # pydantic-settings: heavy

        settings = settings or load_settings()
        engine = resolve_engine(engine, settings)
    if engine == "offline":
        results = []
        for path in paths:
            result = _offline_one(path, task, lang)
            if on_done:
                on_done(result)
            results.append(result)
        return results
    import asyncio  # only the LLM engine runs letters concurrently

    assert settings is not None
    return asyncio.run(_llm_many(paths, task, lang, settings, on_done))


def _offline_one(path: str, task: Task, lang: Lang) -> LetterResult:
    try:
        return LetterResult(path, value=_offline_value(prepare(path), task, lang))
    except Exception as error:
        return LetterResult(path, error=error)


async def _llm_many(
    paths: list[str],
    task: Task,
    lang: Lang,
    settings: LlmSettings,
    on_done: Callable[[LetterResult], None] | None,
) -> list[LetterResult]:
    import asyncio

    from imr_llm.llm.engine import LlmEngine  # openai, instructor: only when the LLM runs

    engine = LlmEngine(settings)
    gate = asyncio.Semaphore(engine.settings.concurrency)

    async def one(path: str) -> LetterResult:
        async with gate:
            try:
                prepared = prepare(path)
                value: Value
                if task == "extract":
                    value = await engine.extract(prepared)
                else:
                    determination, explanation = await engine.analyze(prepared, lang)
                    value = (
                        Analysis(determination, explanation) if task == "analyze" else explanation
                    )
                result = LetterResult(path, value=value)
            except Exception as error:
                result = LetterResult(path, error=error)
        if on_done:
            on_done(result)
        return result

    try:
        return list(await asyncio.gather(*(one(path) for path in paths)))
    finally:
        await engine.aclose()
