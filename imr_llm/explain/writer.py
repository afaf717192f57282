"""Write the plain-language explanation from a typed Determination (offline).

Every sentence is either a fixed sentence from phrases.py or a reason summary from reasons.py,
filled only with facts from the Determination and dates computed from it.
"""

from __future__ import annotations

from datetime import date

from imr_llm.explain.deadlines import compute_deadlines
from imr_llm.explain.glossary import build_glossary
from imr_llm.explain.grounding import (
    MONTHS_EN,
    MONTHS_ES,
    flesch_reading_ease,
    reading_grade,
    spanish_reading_ease,
    spanish_reading_grade,
)
from imr_llm.explain.phrases import phrases
from imr_llm.explain.translations import MISSING, REASON_SUMMARIES
from imr_llm.schema import (
    Deadline,
    Determination,
    Explanation,
    ItemExplanation,
    Lang,
    Treatment,
)

MAX_QUOTE_WORDS = 30
MAX_QUOTES = 2
GRADE_LIMIT = 7.5
"""Quotes of the reviewer are dropped, longest first, until the whole reads at this grade."""


def format_date(value: date, lang: Lang = "en") -> str:
    if lang == "es":
        return f"{value.day} de {MONTHS_ES[value.month - 1]} de {value.year}"
    return f"{MONTHS_EN[value.month - 1]} {value.day}, {value.year}"


def _join(words: list[str], lang: Lang, separator: str = ", ") -> str:
    if len(words) <= 1:
        return "".join(words)
    last = (
        f"{separator.strip()} {phrases(lang)['list_and']}"
        if len(words) > 2
        else (f" {phrases(lang)['list_and']}")
    )
    return f"{separator.join(words[:-1])}{last} {words[-1]}"


def _deadline(deadlines: list[Deadline], what: str) -> date | None:
    return next((d.date for d in deadlines if d.what == what), None)


def _reason_sentences(treatment: Treatment, lang: Lang) -> list[str]:
    """Plain sentences for the item's reasons, in `lang`; the fallback when none fits."""
    p = phrases(lang)
    fallback = p["fallback_upheld" if treatment.decision == "upheld" else "fallback_overturned"]
    sentences = []
    for reason in treatment.reasons:
        if reason.code == "reviewer-finding":
            sentences.append(fallback)
        elif lang == "en":
            sentences.append(reason.summary)
        elif reason.code in REASON_SUMMARIES.get(lang, {}):
            sentences.append(REASON_SUMMARIES[lang][reason.code])
    return list(dict.fromkeys(sentences)) or [fallback]


def _missing(treatment: Treatment, lang: Lang) -> list[str]:
    """What the reviewer said was missing, in `lang`."""
    if lang == "en":
        return treatment.missing
    table = MISSING.get(lang, {})
    return list(dict.fromkeys(table[r.code] for r in treatment.reasons if r.code in table))


def _item(treatment: Treatment, deadlines: list[Deadline], lang: Lang) -> ItemExplanation:
    p = phrases(lang)
    upheld = treatment.decision == "upheld"
    if upheld:
        outcome = p["outcome_upheld"]
    else:
        outcome = p["outcome_overturned_retro" if treatment.retrospective else "outcome_overturned"]
    context: list[str] = []
    if treatment.authorized_portion:
        context.append(p["modified"].format(authorized=treatment.authorized_portion))
    if treatment.retrospective:
        dates = [format_date(d, lang) for d in treatment.dates_of_service]
        context.append(p["retro_dated"].format(dates=_join(dates, lang)) if dates else p["retro"])
    reasons = _reason_sentences(treatment, lang)
    quotes = list(
        dict.fromkeys(
            r.evidence for r in treatment.reasons if len(r.evidence.split()) <= MAX_QUOTE_WORDS
        )
    )[:MAX_QUOTES]
    if upheld:
        todo = [p["todo_upheld"]]
        missing = _missing(treatment, lang)
        if missing:
            todo.append(p["todo_upheld_missing"].format(missing=_join(missing, lang, "; ")))
        todo.append(p["todo_upheld_appeal"])
    elif treatment.retrospective:
        pay_by = _deadline(deadlines, "payment")
        todo = [
            p["todo_overturned_paid_dated"].format(date=format_date(pay_by, lang))
            if pay_by
            else p["todo_overturned_paid"]
        ]
    else:
        by = _deadline(deadlines, "authorization")
        todo = [
            p["todo_overturned_dated"].format(date=format_date(by, lang))
            if by
            else p["todo_overturned"]
        ]
    what_you_can_do = " ".join(todo)
    return compose_item(
        ItemExplanation(
            request=treatment.request,
            plain_request=p[f"cat_{treatment.category}"],
            original_request=treatment.original_request
            if treatment.original_request != treatment.request
            else None,
            decision=treatment.decision,
            outcome=outcome,
            context=context,
            reasons=reasons,
            quotes=quotes,
            explanation="",
            what_you_can_do=what_you_can_do,
        ),
        lang,
    )


def compose_item(item: ItemExplanation, lang: Lang) -> ItemExplanation:
    """Fill `explanation`, the item's whole paragraph, from its parts."""
    p = phrases(lang)
    quoted = [p["quote"].format(quote=q) for q in item.quotes]
    text = " ".join(
        [item.outcome, *item.context, p["why"], *item.reasons, *quoted, item.what_you_can_do]
    )
    return item.model_copy(update={"explanation": text})


def _next_steps(determination: Determination, deadlines: list[Deadline], lang: Lang) -> list[str]:
    p = phrases(lang)
    decisions = {t.decision for t in determination.treatments}
    steps: list[str] = []
    if "upheld" in decisions:
        new_request = [p["next_new_request"]]
        until = _deadline(deadlines, "new-request")
        if until:
            new_request.append(p["next_new_request_dated"].format(date=format_date(until, lang)))
        steps.append(" ".join(new_request))
        appeal = [p["next_appeal"]]
        appeal_by = _deadline(deadlines, "appeal")
        if appeal_by:
            appeal.append(p["next_appeal_dated"].format(date=format_date(appeal_by, lang)))
        steps.append(" ".join(appeal))
        steps.append(p["next_appeal_grounds"])
        steps.append(p["next_appeal_limits"])
    if "overturned" in decisions:
        overturned = [p["next_overturned"]] if _deadline(deadlines, "authorization") else []
        if _deadline(deadlines, "payment"):
            overturned.append(p["next_overturned_paid"])
        overturned.append(p["next_overturned_late"])
        steps.append(" ".join(overturned))
    return steps


def _timeline(determination: Determination, deadlines: list[Deadline]) -> list[Deadline]:
    """The letter's own dates and the computed deadlines, in date order."""
    case = determination.case
    known = [
        Deadline(what="injury", date=case.date_of_injury, basis="letter: Date of Injury"),
        Deadline(what="ur-denial", date=case.ur_denial_date, basis="letter: UR Denial Date"),
        Deadline(
            what="imr-application",
            date=case.application_received,
            basis="letter: Application Received",
        ),
        Deadline(what="imr-decision", date=case.decision_date, basis="letter: Decision Date"),
    ]
    dated = [d for d in [*known, *deadlines] if d.date is not None]
    return sorted(dated, key=lambda d: d.date or date.min)


def _headline(determination: Determination, lang: Lang) -> str:
    p = phrases(lang)
    decisions = {t.decision for t in determination.treatments}
    if decisions == {"upheld"}:
        return p["all_upheld"]
    if decisions == {"overturned"}:
        return p["all_overturned"]
    return p["mixed"]


def readable_text(explanation: Explanation) -> str:
    """The prose a reader reads, for the reading-grade check (no headings, no labels)."""
    parts = [explanation.headline]
    for item in explanation.items:
        parts.append(item.explanation)
    parts += explanation.next_steps + explanation.help + [g.meaning for g in explanation.glossary]
    parts.append(explanation.notice)
    return "\n".join(parts)


def explain(determination: Determination, letter_text: str, lang: Lang = "en") -> Explanation:
    """The plain-language explanation of one determination."""
    p = phrases(lang)
    deadlines = compute_deadlines(determination)
    items = [_item(t, deadlines, lang) for t in determination.treatments]
    next_steps = _next_steps(determination, deadlines, lang)
    help_lines = [p["help_ia"], p["help_lawyer"], p["help_cost"]]
    written = " ".join([i.explanation for i in items] + next_steps)
    explanation = Explanation(
        lang=lang,
        case_number=determination.case.case_number,
        decision_date=determination.case.decision_date,
        headline=_headline(determination, lang),
        items=items,
        next_steps=next_steps,
        deadlines=deadlines,
        timeline=_timeline(determination, deadlines),
        help=help_lines,
        glossary=build_glossary(letter_text, written, lang=lang),
        notice=p["notice"],
        reading_grade=0.0,
        warnings=list(determination.warnings),
        engine=determination.engine,
    )
    return _fit_reading_grade(explanation)


def _grade(explanation: Explanation) -> float:
    text = readable_text(explanation)
    return spanish_reading_grade(text) if explanation.lang == "es" else reading_grade(text)


def with_readability(explanation: Explanation) -> Explanation:
    """`explanation` with its reading grade and reading ease measured."""
    return explanation.model_copy(
        update={"reading_grade": _grade(explanation), "reading_ease": reading_ease(explanation)}
    )


def reading_ease(explanation: Explanation) -> float:
    """Flesch reading ease (English) or Fernandez-Huerta (Spanish): higher is easier."""
    text = readable_text(explanation)
    return spanish_reading_ease(text) if explanation.lang == "es" else flesch_reading_ease(text)


def _fit_reading_grade(explanation: Explanation) -> Explanation:
    """Drop the reviewer's quotes, longest first, while the text reads above GRADE_LIMIT."""
    grade = _grade(explanation)
    while grade > GRADE_LIMIT:
        quoted = [(len(q), i, q) for i, item in enumerate(explanation.items) for q in item.quotes]
        if not quoted:
            break
        _, index, longest = max(quoted)
        items = list(explanation.items)
        item = items[index]
        items[index] = compose_item(
            item.model_copy(update={"quotes": [q for q in item.quotes if q != longest]}),
            explanation.lang,
        )
        explanation = explanation.model_copy(update={"items": items})
        grade = _grade(explanation)
    return explanation.model_copy(
        update={"reading_grade": grade, "reading_ease": reading_ease(explanation)}
    )
