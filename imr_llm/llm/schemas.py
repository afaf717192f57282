"""What the model must return, and the checks that make instructor re-ask with the error.

Validators read a ValidationContext: the letter, the decisions the deterministic parse found,
the computed deadlines. It is bound to the running task with `checking_against` (so the
validators instructor runs see it too); `validated` parses an answer under it. Without one
bound, the models check only their shape. Each failure message says exactly what to fix,
because instructor feeds it back to the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from pydantic import BaseModel, Field, model_validator

from imr_llm.explain.grounding import (
    outcome_problem,
    reading_grade,
    spanish_reading_grade,
    ungrounded_numbers,
)
from imr_llm.explain.readability import GRADE_LIMIT
from imr_llm.quotes import locate_quote
from imr_llm.schema import Category, Decision, Lang


@dataclass
class ValidationContext:
    letter: str
    decisions: list[Decision]
    lang: Lang = "en"
    computed_dates: set[date] = field(default_factory=set)
    extra_allowed_text: str = ""
    fallback_outcomes: list[str] = field(default_factory=list)
    override_decisions: bool = False
    warnings: list[str] = field(default_factory=list)


M = TypeVar("M", bound=BaseModel)

_BOUND: ContextVar[ValidationContext | None] = ContextVar("imr_llm_validation", default=None)


@contextmanager
def checking_against(context: ValidationContext) -> Iterator[None]:
    """Validate against `context` in this task (the validators instructor runs see it)."""
    token = _BOUND.set(context)
    try:
        yield
    finally:
        _BOUND.reset(token)


def bound_context() -> ValidationContext | None:
    """The context bound in this task, if any (for validators defined in other modules)."""
    return _BOUND.get()


def validated(model: type[M], raw: str, context: ValidationContext) -> M:
    """`raw` (the model's JSON) parsed as `model` and checked against `context`."""
    with checking_against(context):
        return model.model_validate_json(raw)


class ReasonOut(BaseModel):
    summary: str = Field(description="The reason in one short plain sentence, to 'you'")
    evidence: str = Field(description="Words copied exactly from the letter's rationale")


class ItemUnderstanding(BaseModel):
    decision: Decision
    category: Category
    reasons: list[ReasonOut] = Field(min_length=1, max_length=3)
    missing: list[str] = Field(default_factory=list, max_length=3)


class LetterUnderstanding(BaseModel):
    """Response model of the 'extract' prompt."""

    diagnoses: list[str] = Field(default_factory=list)
    items: list[ItemUnderstanding]

    @model_validator(mode="after")
    def _grounded_and_guarded(self) -> LetterUnderstanding:
        context = _BOUND.get()
        if context is None:
            return self
        problems = _count_problem(len(self.items), len(context.decisions))
        for number, item in enumerate(self.items, 1):
            for reason in item.reasons:
                if locate_quote(context.letter, reason.evidence) is None:
                    problems.append(
                        f"item {number}: evidence {reason.evidence!r} is not in the letter; "
                        "copy the letter's words exactly"
                    )
        for number, (item, letter_decision) in enumerate(
            zip(self.items, context.decisions, strict=False), 1
        ):
            if item.decision != letter_decision:
                if context.override_decisions:
                    context.warnings.append(
                        f"item {number}: the model said {item.decision!r} but the letter says "
                        f"{letter_decision!r}; the letter's decision is used"
                    )
                    item.decision = letter_decision
                else:
                    problems.append(
                        f"item {number}: decision must be {letter_decision!r}, as the letter "
                        "states it"
                    )
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _count_problem(got: int, want: int) -> list[str]:
    if got != want:
        return [f"there must be exactly {want} items, in letter order; you gave {got}"]
    return []


class ItemText(BaseModel):
    outcome: str
    reasons: list[str] = Field(min_length=1, max_length=3)
    what_you_can_do: str


class ExplanationDraft(BaseModel):
    """Response model of the 'explain' prompt."""

    headline: str
    items: list[ItemText]

    def full_text(self) -> str:
        parts = [self.headline]
        for item in self.items:
            parts += [item.outcome, *item.reasons, item.what_you_can_do]
        return "\n".join(parts)

    @model_validator(mode="after")
    def _plain_correct_grounded(self) -> ExplanationDraft:
        context = _BOUND.get()
        if context is None:
            return self
        problems = _count_problem(len(self.items), len(context.decisions))
        for number, (item, decision) in enumerate(
            zip(self.items, context.decisions, strict=False), 1
        ):
            problem = outcome_problem(item.outcome, decision, context.lang)
            if problem and context.override_decisions and number <= len(context.fallback_outcomes):
                context.warnings.append(
                    f"item {number}: the model's outcome sentence disagreed with the letter "
                    f"({item.outcome!r}); the letter's decision is stated instead"
                )
                item.outcome = context.fallback_outcomes[number - 1]
            elif problem:
                problems.append(f"item {number}: {problem}")
        text = self.full_text()
        grade = spanish_reading_grade(text) if context.lang == "es" else reading_grade(text)
        if grade > GRADE_LIMIT:
            problems.append(
                f"the text reads at grade {grade}; rewrite it at grade {GRADE_LIMIT:g} or lower "
                "with shorter sentences and simpler words"
            )
        stray = ungrounded_numbers(
            text, context.letter + "\n" + context.extra_allowed_text, context.computed_dates
        )
        if stray:
            problems.append(
                f"these numbers or dates are not in the letter or the facts: {', '.join(stray)}; "
                "remove them"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self
