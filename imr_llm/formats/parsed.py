"""What a format parser hands to the engines: the letter's structure, still in the letter's words."""

from __future__ import annotations

from dataclasses import dataclass, field

from imr_llm.schema import Decision, LetterFormat


@dataclass
class RawItem:
    """One disputed item as the letter states it."""

    request: str
    decision: Decision
    decision_evidence: str
    original_request: str | None = None
    authorized_portion: str | None = None
    retrospective: bool = False
    claims_administrator_guideline: str = ""
    reviewer_guideline: str = ""
    rationale: str = ""
    rationale_start: int = -1


@dataclass
class ParsedLetter:
    format: LetterFormat
    text: str
    header: dict[str, str] = field(default_factory=dict)
    licensure: str | None = None
    specialty: str | None = None
    summary: str = ""
    items: list[RawItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
