"""Gold files: one hand-labeled answer key per letter (format in evals/LABELING.md).

Validated strictly (unknown keys rejected) with the schema's own field types. The scorer refuses
files not marked checked by a person.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from imr_llm.errors import UsageError
from imr_llm.schema import (
    Category,
    Decision,
    GuidelineSource,
    LetterFormat,
    Priority,
    SentenceRole,
    Sex,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldCase(_Strict):
    case_number: str | None
    date_assigned: date | None
    decision_date: date | None
    date_of_injury: date | None
    ur_denial_date: date | None
    application_received: date | None
    priority: Priority | None


class GoldReviewer(_Strict):
    licensed_states: list[str]
    specialties: list[str]


class GoldPatient(_Strict):
    age: int | None
    sex: Sex | None
    diagnoses: list[str]


class GoldReason(_Strict):
    reason: str
    evidence: str
    also_evidence: list[str] = Field(
        default_factory=list,
        description="Other sentences of the item that state the same ground (said twice = one reason)",
    )
    phrases: list[str] = Field(default_factory=list)

    @property
    def all_evidence(self) -> list[str]:
        """The evidence sentence first, then its alternates."""
        return [self.evidence, *self.also_evidence]


class GoldSentence(_Strict):
    sentence: str = Field(description="One rationale sentence, verbatim from the letter")
    role: SentenceRole


class GoldTreatment(_Strict):
    request: str
    original_request: str | None
    decision: Decision
    retrospective: bool
    dates_of_service: list[date]
    category: Category
    claims_administrator_guideline_sources: list[GuidelineSource]
    reviewer_guideline_sources: list[GuidelineSource]
    reasons: list[GoldReason]
    rationale_roles: list[GoldSentence] = Field(
        default_factory=list, description="Every rationale sentence with its role, by reading"
    )


class GoldFile(_Strict):
    letter: str
    synthetic: bool
    checked: bool
    labeled_by: str
    checked_by: str
    notes: str = ""
    format: LetterFormat
    case: GoldCase
    reviewer: GoldReviewer
    patient: GoldPatient
    treatments: list[GoldTreatment]


def load_gold_file(path: Path) -> GoldFile:
    try:
        return GoldFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(
            f"gold file {path} is invalid ({first}); fix it by the rules in evals/LABELING.md"
        ) from exc


def load_gold_dir(directory: Path) -> list[GoldFile]:
    """Every gold file in `directory`; refuses any not checked by a person."""
    if not directory.is_dir():
        raise UsageError(f"gold folder {directory} not found; pass --gold DIR")
    files = sorted(directory.glob("*.json"))
    if not files:
        raise UsageError(f"no gold files (*.json) in {directory}")
    gold = [load_gold_file(path) for path in files]
    unchecked = [g.letter for g in gold if not g.checked]
    if unchecked:
        raise UsageError(
            f"{len(unchecked)} gold file(s) not checked by a person ({', '.join(unchecked[:5])}); "
            'correct each against its letter, then set "checked": true'
        )
    return gold
