"""The letter types every layer shares, at the bottom of the package: a letter as read, as
prepared for an engine, a run's task and one letter's result.

May import: imr_llm.schema (and, for type checking only, imr_llm.formats).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from imr_llm.schema import Determination, EngineInfo, Explanation

if TYPE_CHECKING:
    from imr_llm.formats import ParsedLetter

Task = Literal["extract", "summarize", "analyze"]
"""extract: the Determination; summarize: the Explanation; analyze: both (the eval)."""


@dataclass(frozen=True)
class Letter:
    """A letter's raw text as extracted, before normalising."""

    text: str
    path: str | None
    sha256: str
    warnings: list[str] = field(default_factory=list)
    text_from: Literal["text", "pdf", "ocr"] = "text"
    ocr_confidence: list[float] = field(default_factory=list)
    """Each page's OCR confidence (0-100), when the text was read by OCR."""

    def mark(self, determination: Determination) -> Determination:
        """The determination with its source saying how this letter's text was read."""
        source = determination.source.model_copy(
            update={"text_from": self.text_from, "ocr_confidence": self.ocr_confidence}
        )
        return determination.model_copy(update={"source": source})


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
