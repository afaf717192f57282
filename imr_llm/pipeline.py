"""The one path every command takes: read -> normalise -> parse -> engine -> (explain).

`run_letters` runs many letters: offline one after another (it is fast), with the LLM engine
concurrently (asyncio, a semaphore of `settings.concurrency`). One letter's failure is recorded
with its reason and never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from imr_llm.formats import ParsedLetter, parse_letter
from imr_llm.normalize import normalize_text
from imr_llm.offline import build_determination
from imr_llm.reading import Letter, read_letter
from imr_llm.schema import Determination, EngineInfo, Explanation, Lang

if TYPE_CHECKING:
    from imr_llm.settings import LlmSettings

Task = Literal["extract", "summarize", "analyze"]


@dataclass(frozen=True)
class PreparedLetter:
    """A letter read and parsed: what every engine starts from."""

    letter: Letter
    text: str
    parsed: ParsedLetter


@dataclass(frozen=True)
class Analysis:
    """Both products of one letter, for the eval: the determination and its explanation."""

    determination: Determination
    explanation: Explanation

    @property
    def engine(self) -> EngineInfo:
        return self.explanation.engine


Value = Determination | Explanation | Analysis


@dataclass(frozen=True)
class LetterResult:
    """One letter's outcome in a run of many: a value, or the error that stopped it."""

    path: str
    value: Value | None = None
    error: BaseException | None = None


def prepare(path: str) -> PreparedLetter:
    return prepared_from(read_letter(path))


def prepared_from(letter: Letter) -> PreparedLetter:
    """Normalise and parse a letter already read (a batch reads it first, to skip it cheaply
    when its text hash is already in the output)."""
    text = normalize_text(letter.text)
    return PreparedLetter(letter=letter, text=text, parsed=parse_letter(text))


def extract_offline(prepared: PreparedLetter) -> Determination:
    return build_determination(
        prepared.parsed,
        sha256=prepared.letter.sha256,
        path=prepared.letter.path,
        warnings=list(prepared.letter.warnings),
    )


def analyze_offline(prepared: PreparedLetter, lang: Lang = "en") -> Analysis:
    from imr_llm.explain import explain

    determination = extract_offline(prepared)
    return Analysis(determination, explain(determination, prepared.text, lang=lang))


def _offline_value(prepared: PreparedLetter, task: Task, lang: Lang) -> Value:
    if task == "extract":
        return extract_offline(prepared)
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

    from imr_llm.llm.engine import LlmEngine

    engine = LlmEngine(settings)
    gate = asyncio.Semaphore(settings.concurrency)

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
