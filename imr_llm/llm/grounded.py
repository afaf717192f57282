"""Issue 12, items 1-2: ask the model only for what needs a model, and never do worse than
the offline engine.

The decisions, items, dates and categories come from the deterministic parse; the model is never
asked for them. It gets each item's rationale sentences, numbered across the letter and with
their roles (guideline | finding | conclusion | condition), and returns per item one to three
reasons: a plain sentence for the worker and the ids of the sentences it rests on. The quotes
and spans are then filled in from the ids (grounding by construction, no fuzzy matching).

Each item is checked on its own: every reason cites at least one finding, conclusion or
condition sentence of that item (not another item's, not the case summary, which is never sent);
no sentence is cited twice; the reasons differ; they read at grade 8 or lower; every number and
date in them is in the cited sentences or the item's request; Spanish when Spanish was asked.
An item that passes replaces the offline reasons; one that fails keeps the offline text, and
the engine record says which, and why (the checks' whole message). Only when nothing passed
does instructor re-ask; after the last re-ask the letter still gets the offline explanation,
with exit 0, unless the user asked for --strict.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, model_validator

from imr_llm import regex_cache
from imr_llm.errors import LlmValidationError
from imr_llm.explain.grounding import (
    outcome_problem,
    reading_grade,
    spanish_reading_grade,
    ungrounded_numbers,
)
from imr_llm.explain.readability import GRADE_LIMIT
from imr_llm.explain.writer import compose_item, with_readability
from imr_llm.llm.endpoint import should_redact
from imr_llm.llm.prompts import load_prompt
from imr_llm.llm.redact import redact_messages
from imr_llm.llm.request import LetterRun, LlmRequest, request_key
from imr_llm.llm.schemas import ValidationContext, bound_context
from imr_llm.schema import (
    Determination,
    Explanation,
    ItemSource,
    Lang,
    RationaleSentence,
    Reason,
    Span,
    Treatment,
)
from imr_llm.settings import LlmSettings

if TYPE_CHECKING:
    from imr_llm.letter import PreparedLetter

Ask = Callable[[LlmRequest["GroundedAnswer"], LetterRun], Awaitable["GroundedAnswer"]]
"""How the engine answers a request (cache, batch, live call)."""

CITABLE = {"finding", "conclusion", "condition"}
LANGUAGES = {"en": "English", "es": "Spanish (Latin American, as DWC writes it)"}
TOKENS_PER_ITEM = 260  # three short reasons and their ids, with room to spare
TOKENS_OVERHEAD = 60


class GroundedReason(BaseModel):
    text: str = Field(description="The reason in one short plain sentence, to 'you'")
    sentence_ids: list[int] = Field(
        min_length=1, max_length=4, description="Numbers of the sentences it rests on"
    )


class GroundedItem(BaseModel):
    item: int = Field(description="The item's number, as given")
    reasons: list[GroundedReason] = Field(min_length=1, max_length=3)


class GroundedAnswer(BaseModel):
    """Response model of the 'ground' prompt."""

    items: list[GroundedItem]

    @model_validator(mode="after")
    def _something_passes(self) -> GroundedAnswer:
        """Re-ask (with every problem) only when no item passes; a partial answer is kept and
        its failed items fall back one by one."""
        context = bound_context()
        if not isinstance(context, GroundingContext):
            return self
        verdicts = judge(self, context)
        if not any(v.by == "model" for v in verdicts):
            raise ValueError("; ".join(f"item {v.item}: {v.why}" for v in verdicts))
        return self


@dataclass(frozen=True)
class Numbered:
    """One rationale sentence as the model sees it: a letter-wide id, its item, its role."""

    id: int
    item: int  # 1-based
    sentence: RationaleSentence


@dataclass
class GroundingContext(ValidationContext):
    """What an answer is checked against: the numbered sentences and each item's request."""

    numbered: dict[int, Numbered] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


def number_sentences(determination: Determination) -> dict[int, Numbered]:
    """Every item's rationale sentences, numbered from 1 across the letter."""
    numbered: dict[int, Numbered] = {}
    for item, treatment in enumerate(determination.treatments, 1):
        for sentence in treatment.sentences:
            number = len(numbered) + 1
            numbered[number] = Numbered(number, item, sentence)
    return numbered


_CLAIMS: dict[str, re.Pattern[str]] = {
    # A reason never states the decision; one that claims the opposite is an injected or
    # confused answer.
    "upheld": regex_cache.compile(
        r"(?<!not )(?<!n't )(?<!never )\b(?:approved|overturned|authori[sz]ed|aprobad[oa]|revocad[oa])\b",
        re.I,
    ),
    "overturned": regex_cache.compile(
        r"\b(?:upheld|denial stands|not approved|no (?:fue )?aprobad[oa]|negaci[oó]n se mantiene)\b",
        re.I,
    ),
}


def _claims_decision(text: str, decision: str) -> bool:
    return bool(_CLAIMS[decision].search(text))


def _spanish_looking(text: str) -> bool:
    words = re.findall(r"[a-záéíóúñü]+", text.casefold())
    spanish = sum(
        w in {"el", "la", "los", "las", "de", "que", "no", "su", "y", "para"} for w in words
    )
    english = sum(
        w in {"the", "and", "your", "was", "of", "that", "not", "to", "is"} for w in words
    )
    return spanish > english


def item_problems(item: int, answer: GroundedItem | None, context: GroundingContext) -> list[str]:
    """Why this item's answer cannot be used (empty when it can)."""
    if answer is None:
        return ["no answer for this item"]
    problems: list[str] = []
    seen: dict[int, int] = {}
    texts: set[str] = set()
    for number, reason in enumerate(answer.reasons, 1):
        where = f"reason {number}"
        cited = [context.numbered.get(i) for i in reason.sentence_ids]
        for sentence_id, found in zip(reason.sentence_ids, cited, strict=True):
            if found is None:
                problems.append(f"{where} cites sentence {sentence_id}, which does not exist")
            elif found.item != item:
                problems.append(
                    f"{where} cites sentence {sentence_id}, which belongs to item {found.item}; "
                    f"cite item {item}'s own sentences"
                )
            if sentence_id in seen:
                problems.append(
                    f"{where} cites sentence {sentence_id} again (already cited by reason "
                    f"{seen[sentence_id]}); each sentence may support one reason only"
                )
            seen.setdefault(sentence_id, number)
        own = [c for c in cited if c is not None and c.item == item]
        if not any(c.sentence.role in CITABLE for c in own):
            problems.append(
                f"{where} cites no finding, conclusion or condition sentence of item {item}"
            )
        decision = context.decisions[item - 1]
        problem = outcome_problem(reason.text, decision, context.lang)
        if (problem and "contradicts" in problem) or _claims_decision(reason.text, decision):
            problems.append(f"{where} contradicts the letter's decision ({decision})")
        plain = " ".join(reason.text.split()).casefold()
        if plain in texts:
            problems.append(f"{where} repeats another reason; say something different")
        texts.add(plain)
        allowed = " ".join(c.sentence.text for c in own)
        if item <= len(context.requests):
            allowed += " " + context.requests[item - 1]
        stray = ungrounded_numbers(reason.text, allowed, set())
        if stray:
            problems.append(
                f"{where} has numbers or dates its sentences do not contain: {', '.join(stray)}"
            )
    text = " ".join(r.text for r in answer.reasons)
    if context.lang == "es":
        if not _spanish_looking(text):
            problems.append("the reasons must be written in Spanish")
        grade = spanish_reading_grade(text)
    else:
        grade = reading_grade(text)
    if grade > GRADE_LIMIT:
        problems.append(
            f"the reasons read at grade {grade}; write shorter sentences with simpler words "
            f"(grade {GRADE_LIMIT:g} or lower)"
        )
    return problems


def judge(answer: GroundedAnswer | None, context: GroundingContext) -> list[ItemSource]:
    """Per item: written by the model (it passed every check) or fallback, with the reason."""
    by_item: dict[int, GroundedItem] = {}
    for given in answer.items if answer else []:
        by_item.setdefault(given.item, given)
    verdicts = []
    for item in range(1, len(context.decisions) + 1):
        if not any(n.item == item for n in context.numbered.values()):
            verdicts.append(
                ItemSource(item=item, by="fallback", why="no rationale sentences to cite")
            )
            continue
        problems = item_problems(item, by_item.get(item), context)
        verdicts.append(
            ItemSource(item=item, by="model")
            if not problems
            else ItemSource(item=item, by="fallback", why="; ".join(problems))
        )
    return verdicts


def _user_message(determination: Determination, numbered: dict[int, Numbered]) -> str:
    lines = ["<items>"]
    for item, treatment in enumerate(determination.treatments, 1):
        lines.append(f"Item {item}: {treatment.request} (decision: {treatment.decision})")
        for number, entry in numbered.items():
            if entry.item == item:
                lines.append(f"  [{number}] ({entry.sentence.role}) {entry.sentence.text}")
    lines.append("</items>")
    return "\n".join(lines)


def grounded_request(
    settings: LlmSettings, prepared: PreparedLetter, determination: Determination, lang: Lang
) -> LlmRequest[GroundedAnswer] | None:
    """The one call for a letter, or None when no item has sentences to cite."""
    numbered = number_sentences(determination)
    if not numbered:
        return None
    prompt = load_prompt("ground")
    messages = [
        {"role": "system", "content": prompt.render(language=LANGUAGES[lang])},
        {"role": "user", "content": _user_message(determination, numbered)},
    ]
    if should_redact(settings):
        messages = redact_messages(messages, letter=prepared.text)
    context = GroundingContext(
        letter=prepared.text,
        decisions=[t.decision for t in determination.treatments],
        lang=lang,
        numbered=numbered,
        requests=[t.request for t in determination.treatments],
    )
    key = request_key(settings, prepared.letter.sha256, prompt, messages, GroundedAnswer)
    budget = TOKENS_OVERHEAD + TOKENS_PER_ITEM * len(determination.treatments)
    return LlmRequest(prompt, messages, GroundedAnswer, context, key, max_tokens=budget)


@dataclass
class Grounding:
    """The model's usable reasons per item (1-based), and every item's verdict."""

    reasons: dict[int, list[tuple[str, list[Numbered]]]]
    verdicts: list[ItemSource]


async def ground(
    ask: Ask,
    settings: LlmSettings,
    prepared: PreparedLetter,
    determination: Determination,
    lang: Lang,
    run: LetterRun,
) -> Grounding:
    """Ask, check each item, and keep what passed. Exit 7 (LlmValidationError) only when
    nothing passed and the user asked for --strict."""
    request = grounded_request(settings, prepared, determination, lang)
    count = len(determination.treatments)
    if request is None:
        why = "no rationale sentences to cite"
        return Grounding(
            {}, [ItemSource(item=i, by="fallback", why=why) for i in range(1, count + 1)]
        )
    assert isinstance(request.context, GroundingContext)
    try:
        answer: GroundedAnswer | None = await ask(request, run)
    except LlmValidationError as error:
        if settings.strict:
            raise
        answer = None
        last = _shape_only(error.last_output)
        verdicts = [
            v.model_copy(update={"why": f"after {error.attempts} attempts: {v.why}"})
            if last is not None
            else v.model_copy(update={"why": str(error)})
            for v in judge(last, request.context)
        ]
    else:
        verdicts = judge(answer, request.context)
    reasons: dict[int, list[tuple[str, list[Numbered]]]] = {}
    if answer is not None:
        accepted = {v.item for v in verdicts if v.by == "model"}
        for given in answer.items:
            if given.item in accepted and given.item not in reasons:
                reasons[given.item] = [
                    (
                        " ".join(r.text.split()),
                        [request.context.numbered[i] for i in dict.fromkeys(r.sentence_ids)],
                    )
                    for r in given.reasons
                ]
    return Grounding(reasons, verdicts)


def _shape_only(raw: str | None) -> GroundedAnswer | None:
    """The model's last answer read without its checks, to say per item why it failed."""
    if not raw:
        return None
    try:
        return GroundedAnswer.model_validate_json(raw)
    except ValueError:
        return None


def _quoted(cited: list[Numbered]) -> list[Numbered]:
    return [c for c in cited if c.sentence.role in CITABLE]


def _span(cited: list[Numbered]) -> Span | None:
    spans = [c.sentence.span for c in cited if c.sentence.span is not None]
    if not spans:
        return None
    return Span(start=min(s.start for s in spans), end=max(s.end for s in spans))


def grounded_treatment(
    treatment: Treatment, written: list[tuple[str, list[Numbered]]]
) -> Treatment:
    reasons = [
        Reason(
            code="model",
            summary=text,
            evidence=" ".join(c.sentence.text for c in _quoted(cited)),
            span=_span(_quoted(cited)),
            sentence_ids=[c.sentence.id for c in cited],
        )
        for text, cited in written
    ]
    return treatment.model_copy(update={"reasons": reasons})


def apply_to_determination(determination: Determination, grounding: Grounding) -> Determination:
    treatments = [
        grounded_treatment(t, grounding.reasons[i]) if i in grounding.reasons else t
        for i, t in enumerate(determination.treatments, 1)
    ]
    return determination.model_copy(update={"treatments": treatments})


def apply_to_explanation(base: Explanation, grounding: Grounding) -> Explanation:
    """The offline explanation, with the reasons and quotes of every item that passed."""
    items = []
    for number, item in enumerate(base.items, 1):
        written = grounding.reasons.get(number)
        if written is None:
            items.append(item)
            continue
        quotes = list(
            dict.fromkeys(c.sentence.text for _, cited in written for c in _quoted(cited))
        )
        updated = item.model_copy(update={"reasons": [t for t, _ in written], "quotes": quotes})
        items.append(compose_item(updated, base.lang))
    return with_readability(base.model_copy(update={"items": items}))


def verdict_summary(verdicts: list[ItemSource]) -> str:
    model = [str(v.item) for v in verdicts if v.by == "model"]
    fallback = [str(v.item) for v in verdicts if v.by == "fallback"]
    parts = []
    if model:
        parts.append(f"the model wrote item(s) {', '.join(model)}")
    if fallback:
        parts.append(f"item(s) {', '.join(fallback)} kept the offline text")
    return "; ".join(parts)
