"""Write the plain-language explanation from a typed Determination (offline).

Every sentence is either a fixed sentence from phrases.py or a reason summary from reasons.py,
filled only with facts from the Determination and dates computed from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from imr_llm import regex_cache
from imr_llm.explain import facts
from imr_llm.explain.deadlines import appeal_date_moved, compute_deadlines
from imr_llm.explain.findings import (
    MAX_QUOTE_WORDS,
    REVIEWER_CONDITION,
    REVIEWER_FINDING,
    STAND_ALONE,
    condition_sentences,
    easier,
    finding_quotes,
    guideline_quotes,
    plain_condition,
    quote_tiers,
)
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
from imr_llm.explain.readability import GRADE_LIMIT, Counts, grade_of, text_counts
from imr_llm.explain.titles import plain_title
from imr_llm.explain.translations import MISSING, REASON_SUMMARIES
from imr_llm.schema import (
    Deadline,
    Decision,
    Determination,
    Explanation,
    GlossaryEntry,
    ItemExplanation,
    Lang,
    Reason,
    Treatment,
)

MAX_QUOTES = 2
"""Letters without sentence roles: at most this many of the reviewer's sentences quoted."""
MAX_MISSING = 1
"""At most this many things a new request should show: the first, the reviewer's main one
(the reasons above name them all; repeating each as a fix doubles the card)."""
WRITER_GRADE_MARGIN = 0.5
"""The offline writer aims this far below GRADE_LIMIT, so that small edits stay under it."""
WRITER_TARGET_GRADE = GRADE_LIMIT - WRITER_GRADE_MARGIN
"""Quotes of the reviewer are dropped, longest first, until the whole reads at this grade."""

WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS_ES = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
BENZODIAZEPINES = regex_cache.compile(
    r"\b(?:alprazolam|xanax|clonazepam|klonopin|diazepam|valium|lorazepam|ativan|temazepam|"
    r"restoril|chlordiazepoxide|librium|clorazepate|tranxene|oxazepam|triazolam|halcion|"
    r"estazolam|flurazepam|midazolam|benzodiazepines?)\b",
    re.I,
)
"""Benzodiazepines by generic and brand name: the FDA's boxed warning covers the class."""


def format_date(value: date, lang: Lang = "en") -> str:
    """The date with its weekday: "Friday, January 6, 2017" / "viernes, 6 de enero de 2017"."""
    if lang == "es":
        weekday = WEEKDAYS_ES[value.weekday()]
        return f"{weekday}, {value.day} de {MONTHS_ES[value.month - 1]} de {value.year}"
    weekday = WEEKDAYS_EN[value.weekday()]
    return f"{weekday}, {MONTHS_EN[value.month - 1]} {value.day}, {value.year}"


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


def _shown_reasons(treatment: Treatment) -> list[Reason]:
    """Reasons whose evidence is a finding or conclusion (or a guideline the reason is about,
    shown labelled as the guideline). Without sentence roles every reason counts."""
    if not treatment.sentences:
        return [
            r for r in treatment.reasons if r.code not in (REVIEWER_FINDING, REVIEWER_CONDITION)
        ]
    roles = {s.id: s.role for s in treatment.sentences}
    return [
        r
        for r in treatment.reasons
        if r.code not in (REVIEWER_FINDING, REVIEWER_CONDITION)
        and (
            not r.sentence_ids
            or any(roles.get(i) in ("finding", "conclusion", "guideline") for i in r.sentence_ids)
        )
    ]


def fallback(decision: Decision, lang: Lang) -> str:
    """The conclusion restated, when no reason or finding can be shown."""
    return phrases(lang)["fallback_upheld" if decision == "upheld" else "fallback_overturned"]


KIND_SAYS: dict[str, set[str]] = {
    "over-guideline-limit": {"exceeds-guideline"},
    "request-incomplete": {"amount-not-specified", "body-part-not-specified"},
    "goes-with-denied-care": {"surgery-denied"},
}
"""Reason codes the kind-of-denial sentence already says."""


def _plain_reasons(treatment: Treatment, lang: Lang, kind_said: bool) -> list[str]:
    """The plain sentences of the item's reasons, less those the kind-of-denial sentence
    already says (when it was said: `kind_said`)."""
    out = []
    said = KIND_SAYS.get(treatment.denial_kind or "", set()) if kind_said else set()
    for reason in _shown_reasons(treatment):
        if reason.code in said:
            continue
        if lang == "en":
            out.append(reason.summary)
        elif reason.code in REASON_SUMMARIES.get(lang, {}):
            out.append(REASON_SUMMARIES[lang][reason.code])
    return list(dict.fromkeys(out))


def _missing(treatment: Treatment, lang: Lang) -> list[str]:
    """What the reviewer said was missing, in `lang`."""
    if lang == "en":
        return treatment.missing
    table = MISSING.get(lang, {})
    return list(dict.fromkeys(table[r.code] for r in treatment.reasons if r.code in table))


def _lacks(treatment: Treatment, lang: Lang) -> str | None:
    p = phrases(lang)
    return _join([p[f"lacks_{d}"] for d in treatment.request_lacks], lang) or None


def _kind_reasons(treatment: Treatment, number_of_main: int | None, lang: Lang) -> list[str]:
    """The sentence(s) naming the kind of denial, first among the reasons."""
    p = phrases(lang)
    kind = treatment.denial_kind
    if kind == "request-incomplete":
        lacks = _lacks(treatment, lang)
        return [p["kind_incomplete"].format(lacks=lacks) if lacks else p["kind_incomplete_any"]]
    if kind == "already-authorized":
        return [p["kind_authorized"]]
    if kind == "goes-with-denied-care" and number_of_main:
        return [p["kind_goes_with"].format(number=number_of_main)]
    if kind == "over-guideline-limit":
        out = [p["kind_limit"]]
        if treatment.guideline_limit:
            out.append(p["limit"].format(limit=treatment.guideline_limit))
        if treatment.count_done:
            out.append(p["count"].format(count=treatment.count_done))
        return out
    return []


def _todo(treatment: Treatment, deadlines: list[Deadline], lang: Lang) -> str:
    """This item's own next step; the advice common to all items is in next_steps."""
    p = phrases(lang)
    if treatment.decision == "overturned":
        if not treatment.retrospective:
            return ""
        pay_by = _deadline(deadlines, "payment")
        return (
            p["todo_overturned_paid_dated"].format(date=format_date(pay_by, lang))
            if pay_by
            else p["todo_overturned_paid"]
        )
    kind = treatment.denial_kind
    if kind == "request-incomplete":
        lacks = _lacks(treatment, lang)
        return p["fix_incomplete"].format(lacks=lacks) if lacks else p["fix_incomplete_any"]
    if kind == "already-authorized":
        return p["fix_authorized"]
    missing = _missing(treatment, lang)[:MAX_MISSING]
    if missing and kind != "goes-with-denied-care":
        return p["fix_missing"].format(missing=_join(missing, lang, "; "))
    return ""


def _needs_taper_warning(treatment: Treatment) -> bool:
    if treatment.decision != "upheld":
        return False
    return treatment.category == "opioid" or bool(BENZODIAZEPINES.search(treatment.request))


def _safety(treatment: Treatment, lang: Lang) -> list[str]:
    p = phrases(lang)
    out = [p["safety_letter"].format(note=note) for note in treatment.safety_notes]
    if treatment.safety_notes or _needs_taper_warning(treatment):
        out.append(p["safety_plain"])
    return out


def _context(treatment: Treatment, lang: Lang) -> list[str]:
    p = phrases(lang)
    context: list[str] = []
    original = treatment.original_request
    if treatment.authorized_portion and (not original or original == treatment.request):
        # Approved in whole, what the insurer had approved instead is not known to stand too
        # (CM16-0229336: a nursing facility instead of the inpatient rehab now approved).
        whole = (
            "modified_whole_approved" if treatment.decision == "overturned" else "modified_whole"
        )
        context.append(
            p[whole].format(authorized=treatment.authorized_portion, request=treatment.request)
        )
    elif original and original != treatment.request:
        if treatment.authorized_portion:
            context.append(
                p["modified_known"].format(
                    original=original,
                    authorized=treatment.authorized_portion,
                    request=treatment.request,
                )
            )
        else:
            context.append(
                p["modified_unknown"].format(original=original, request=treatment.request)
            )
    if treatment.retrospective:
        dates = [format_date(d, lang) for d in treatment.dates_of_service]
        context.append(p["retro_dated"].format(dates=_join(dates, lang)) if dates else p["retro"])
        if treatment.decision == "upheld":
            context.append(p["retro_billing"])
    return context


def _is_modified(treatment: Treatment) -> bool:
    """Part of the request was approved by the insurer (a modified UR decision)."""
    original = treatment.original_request
    return bool(treatment.authorized_portion) or bool(original and original != treatment.request)


def _reviews_the_rest(treatment: Treatment) -> bool:
    """The review decided only the part the insurer did not approve."""
    original = treatment.original_request
    return bool(original and original != treatment.request)


def _item(
    index: int, determination: Determination, deadlines: list[Deadline], lang: Lang
) -> ItemExplanation:
    p = phrases(lang)
    treatment = determination.treatments[index]
    upheld = treatment.decision == "upheld"
    if upheld:
        outcome = p["outcome_upheld_rest" if _reviews_the_rest(treatment) else "outcome_upheld"]
    else:
        outcome = p["outcome_overturned_retro" if treatment.retrospective else "outcome_overturned"]
    main = treatment.goes_with
    goes_with = (
        main + 1
        if main is not None
        and treatment.denial_kind == "goes-with-denied-care"
        and 0 <= main < len(determination.treatments)
        and main != index
        else None
    )
    roles_known = bool(treatment.sentences)
    kind = _kind_reasons(treatment, goes_with, lang)
    plain = kind + _plain_reasons(treatment, lang, kind_said=bool(kind))
    quotes = (
        [easier(q, lang) for q in finding_quotes(treatment)]
        if roles_known
        else list(
            dict.fromkeys(
                easier(r.evidence, lang)
                for r in _shown_reasons(treatment)
                if len(r.evidence.split()) <= MAX_QUOTE_WORDS
            )
        )[: 1 if plain else MAX_QUOTES]
    )
    reasons = plain
    if not reasons and not quotes:
        reasons = [fallback(treatment.decision, lang)]
    safety = _safety(treatment, lang)
    conditions = [
        plain_condition(text, lang, p) for text in condition_sentences(treatment, bool(safety))
    ]
    return compose_item(
        ItemExplanation(
            request=treatment.request,
            plain_request=plain_title(
                treatment.request, treatment.category, lang, p[f"cat_{treatment.category}"]
            ),
            original_request=treatment.original_request
            if treatment.original_request != treatment.request
            else None,
            decision=treatment.decision,
            outcome=outcome,
            safety=safety,
            context=_context(treatment, lang),
            reasons=list(dict.fromkeys(reasons)),
            quotes=quotes,
            quotes_are_findings=roles_known,
            guideline_quotes=[easier(q, lang) for q in guideline_quotes(treatment, 1)],
            conditions=list(dict.fromkeys(conditions)),
            denial_kind=treatment.denial_kind,
            goes_with=goes_with,
            explanation="",
            what_you_can_do=_todo(treatment, deadlines, lang),
        ),
        lang,
    )


def quote_lines(item: ItemExplanation, lang: Lang) -> list[str]:
    """The item's quotes, each labelled by whose words they are."""
    p = phrases(lang)
    label = "quote" if item.quotes_are_findings else "quote_letter"
    return [p[label].format(quote=q) for q in item.quotes] + [
        p["quote_guideline"].format(quote=q) for q in item.guideline_quotes
    ]


def compose_item(item: ItemExplanation, lang: Lang) -> ItemExplanation:
    """Fill `explanation`, the item's whole paragraph, from its parts."""
    p = phrases(lang)
    text = " ".join(
        part
        for part in [
            item.outcome,
            *item.safety,
            *item.context,
            p["why"],
            *item.reasons,
            *quote_lines(item, lang),
            *item.conditions,
            item.what_you_can_do,
        ]
        if part
    )
    return item.model_copy(update={"explanation": text})


def group_shared_reasons(items: list[ItemExplanation]) -> list[ItemExplanation]:
    """Mark each item whose plain reasons are the same as an earlier item's (or, with no plain
    reason, whose quotes are), and unmark the others: it refers to the first such item shown
    whole (its own card, with no reference of its own; `same_reasons_line`) and shows only the
    reviewer's sentences that item does not (`own_quotes`)."""
    out: list[ItemExplanation] = []
    seen: dict[tuple[str, tuple[str, ...], tuple[str, ...]], int] = {}
    for number, item in enumerate(items, 1):
        quotes = () if item.reasons else tuple(item.quotes + item.guideline_quotes)
        key = (item.decision, tuple(item.reasons), quotes)
        same = seen.get(key) if (item.quotes or item.reasons) and not item.goes_with else None
        if not same and not item.goes_with:
            seen.setdefault(key, number)
        out.append(item.model_copy(update={"same_reasons_as": same}))
    return out


def shares_every_quote(items: list[ItemExplanation], item: ItemExplanation) -> bool:
    """Every sentence of the reviewer (or of the guideline) that the item `item` has the same
    reasons as shows is also `item`'s: all of that item's "Why" applies to `item`."""
    if not item.same_reasons_as:
        return False
    earlier = items[item.same_reasons_as - 1]
    return set(earlier.quotes) <= set(item.quotes) and set(earlier.guideline_quotes) <= set(
        item.guideline_quotes
    )


def same_reasons_line(items: list[ItemExplanation], item: ItemExplanation, lang: Lang) -> str:
    """The item's reference to the item with its reasons: "the same reasons as item N" where
    all item N shows applies to it (`shares_every_quote`), else "the reasons listed under
    item N" (item N quotes the reviewer's words about item N only); empty with no such item."""
    if not item.same_reasons_as:
        return ""
    shared = "same_reasons" if shares_every_quote(items, item) else "same_list"
    return phrases(lang)[shared].format(number=item.same_reasons_as)


def own_quotes(items: list[ItemExplanation], item: ItemExplanation) -> ItemExplanation:
    """`item` with only the quotes that the item it has the same reasons as does not show."""
    if not item.same_reasons_as:
        return item
    earlier = items[item.same_reasons_as - 1]
    return item.model_copy(
        update={
            "quotes": [q for q in item.quotes if q not in earlier.quotes],
            "guideline_quotes": [
                q for q in item.guideline_quotes if q not in earlier.guideline_quotes
            ],
        }
    )


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
        steps.append(p["next_appeal"])
        steps.append(p["next_appeal_grounds"])
        steps.append(p["next_appeal_limits"])
    if "overturned" in decisions:
        overturned = []
        authorize_by = _deadline(deadlines, "authorization")
        if authorize_by:
            overturned.append(p["next_overturned"])
            overturned.append(p["about_date"].format(date=format_date(authorize_by, lang)))
            overturned.append(p["next_overturned_unless"])
        if _deadline(deadlines, "payment"):
            overturned.append(p["next_overturned_paid"])
        overturned.append(p["next_overturned_late"])
        steps.append(" ".join(overturned))
    return steps


def _appeal_checklist(
    determination: Determination, deadlines: list[Deadline], lang: Lang
) -> list[str]:
    """What an appeal must have (CCR 10575, LC 4610.6(h); domain.md section 2)."""
    if not any(t.decision == "upheld" for t in determination.treatments):
        return []
    p = phrases(lang)
    case_number = determination.case.case_number
    out = []
    appeal_by = _deadline(deadlines, "appeal")
    decided = determination.case.decision_date
    if appeal_by and decided:
        by = p["checklist_by_moved"] if appeal_date_moved(decided) else p["checklist_by"]
        out.append(by.format(date=format_date(appeal_by, lang)))
    out += [
        p["checklist_caption"].format(caption=facts.APPEAL_CAPTION.value),
        p["checklist_verified"],
        p["checklist_numbers"].format(case_number=case_number)
        if case_number
        else p["checklist_numbers_no_case"],
        p["checklist_grounds"],
        p["checklist_serve"],
    ]
    return out


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
        partly = any(_is_modified(t) for t in determination.treatments)
        return p["partial" if partly else "all_upheld"]
    if decisions == {"overturned"}:
        return p["all_overturned"]
    return p["mixed"]


def drop_quote(explanation: Explanation, index: int, quote: str) -> Explanation:
    """`explanation` without one of item `index`'s quotes (the fallback reason if none is left),
    items grouped again by shared reasons."""
    items = list(explanation.items)
    item = items[index]
    quotes = [q for q in item.quotes if q != quote]
    reasons = item.reasons or ([] if quotes else [fallback(item.decision, explanation.lang)])
    items[index] = compose_item(
        item.model_copy(update={"quotes": quotes, "reasons": reasons}), explanation.lang
    )
    return explanation.model_copy(update={"items": group_shared_reasons(items)})


Tiers = list[dict[str, int]]
"""Per item, each quote as shown and what it carries (`findings.quote_tiers`)."""


def droppable_quotes(
    explanation: Explanation, tiers: Tiers, keep_stand_alone: bool
) -> list[tuple[int, int, str]]:
    """(tier, item index, quote) to drop next, in order: quotes behind a reason a specific plain
    sentence already says, then those behind a generic plain sentence, then (unless
    `keep_stand_alone`) those that are a reason themselves; in each tier first from the items
    with the most plain reasons, longest first."""
    quoted = [
        (tiers[i].get(q, 0) if i < len(tiers) else 0, -len(item.reasons), -len(q), i, q)
        for i, item in enumerate(explanation.items)
        for q in item.quotes
    ]
    return [
        (tier, i, q)
        for tier, _, _, i, q in sorted(quoted)
        if not (tier == STAND_ALONE and keep_stand_alone)
    ]


def glossary_for(
    items: list[ItemExplanation], lang: Lang, with_quotes: bool = True
) -> list[GlossaryEntry]:
    """The glossary of the terms the items use (in quotes too, unless not `with_quotes`); the
    outcome's term ("Upheld") when no other term is used."""
    written = " ".join(
        part
        for item in items
        for part in [
            *item.context,
            *item.reasons,
            *(item.quotes if with_quotes else []),
            *item.conditions,
        ]
    )
    return build_glossary(written, lang=lang) or build_glossary(
        " ".join(item.outcome for item in items), lang=lang
    )


def shown_paragraph(explanation: Explanation, item: ItemExplanation) -> str:
    """The item's paragraph as the text, Markdown and HTML formats show it: an item with the
    same reasons as an earlier one shows only its own quotes (its references to the earlier
    item, "the same reasons as item N", are labels, like the items' headings)."""
    if not item.same_reasons_as:
        return item.explanation
    shown = own_quotes(explanation.items, item)
    todo = shown_todo(explanation, item)
    return " ".join(
        part
        for part in [
            item.outcome,
            *item.safety,
            *item.context,
            *quote_lines(shown, explanation.lang),
            *item.conditions,
            todo if todo == item.what_you_can_do else "",
        ]
        if part
    )


def shown_todo(explanation: Explanation, item: ItemExplanation) -> str:
    """The item's own next step as shown: "The same as item N." when an earlier item has it
    (an item that refers to item N for its reasons too: read alone, it still says it has a step
    of its own)."""
    todo = item.what_you_can_do
    if not todo:
        return ""
    for number, other in enumerate(explanation.items, 1):
        if other is item:
            break
        if other.what_you_can_do == todo and not other.goes_with:
            return phrases(explanation.lang)["same_todo"].format(number=number)
    return todo


def readable_text(explanation: Explanation) -> str:
    """The prose a reader reads, for the reading-grade check (no headings, no labels; an item
    with the same reasons as an earlier one as shown: `shown_paragraph`)."""
    parts = [explanation.headline, *explanation.alerts]
    for item in explanation.items:
        parts.append(shown_paragraph(explanation, item))
    parts += explanation.next_steps + explanation.appeal_checklist
    parts += explanation.help + [g.meaning for g in explanation.glossary]
    parts.append(explanation.notice)
    return "\n".join(parts)


def shown_quote_tiers(determination: Determination, lang: Lang) -> Tiers:
    """Per item, each quote as shown in `lang` and what it carries (`findings.quote_tiers`):
    those that are a reason themselves are never dropped to fit the word budget."""
    return [
        {easier(q, lang): tier for q, tier in quote_tiers(t).items()}
        for t in determination.treatments
    ]


def write_explanation(
    determination: Determination,
    letter_text: str,
    lang: Lang = "en",
    fit_grade: bool = True,
) -> Explanation:
    """The plain-language explanation of one determination, fitted to the reading grade unless
    not `fit_grade` (`imr_llm.explain.budget.explain` also fits the word budget, makes every
    language show what English shows, and applies `--today`)."""
    p = phrases(lang)
    deadlines = compute_deadlines(determination)
    items = group_shared_reasons(
        [_item(i, determination, deadlines, lang) for i in range(len(determination.treatments))]
    )
    next_steps = _next_steps(determination, deadlines, lang)
    checklist = _appeal_checklist(determination, deadlines, lang)
    help_lines = [p["help_ia"], p["help_lawyer"], p["help_cost"]]
    glossary = glossary_for(items, lang)
    explanation = Explanation(
        lang=lang,
        case_number=determination.case.case_number,
        decision_date=determination.case.decision_date,
        headline=_headline(determination, lang),
        items=items,
        next_steps=next_steps,
        deadlines=deadlines,
        timeline=_timeline(determination, deadlines),
        appeal_checklist=checklist,
        help=help_lines,
        glossary=glossary,
        notice=p["notice"],
        reading_grade=0.0,
        warnings=list(determination.warnings),
        read_by_ocr=determination.source.text_from == "ocr",
        alerts=[p["read_by_ocr"]] if determination.source.text_from == "ocr" else [],
        engine=determination.engine,
    )
    if not fit_grade:
        return with_readability(explanation)
    return fit_reading_grade(explanation, shown_quote_tiers(determination, lang))


def as_of(explanation: Explanation, today: date) -> Explanation:
    """`explanation` checked against `today`: each deadline marked passed or not, and every
    passed one said plainly at the top."""
    p = phrases(explanation.lang)
    lang = explanation.lang
    deadlines = [
        d.model_copy(update={"passed": d.date < today if d.date else None})
        for d in explanation.deadlines
    ]
    alerts = [p["read_by_ocr"]] if explanation.read_by_ocr else []
    alerts += [
        p["passed"].format(
            what=p[f"deadline_{d.what.replace('-', '_')}"],
            date=format_date(d.date, lang),
            today=format_date(today, lang),
        )
        for d in deadlines
        if d.passed and d.date and d.what != "new-request"
    ]
    if any(d.passed and d.what == "appeal" for d in deadlines):
        alerts.append(p["passed_appeal"])
    updated = explanation.model_copy(
        update={"deadlines": deadlines, "today": today, "alerts": alerts}
    )
    return with_readability(updated)


def _grade_text(text: str, lang: Lang) -> float:
    return spanish_reading_grade(text) if lang == "es" else reading_grade(text)


def _grade(explanation: Explanation) -> float:
    return _grade_text(readable_text(explanation), explanation.lang)


def with_readability(explanation: Explanation) -> Explanation:
    """`explanation` with its reading grade and reading ease measured."""
    return explanation.model_copy(
        update={"reading_grade": _grade(explanation), "reading_ease": reading_ease(explanation)}
    )


def reading_ease(explanation: Explanation) -> float:
    """Flesch reading ease (English) or Fernandez-Huerta (Spanish): higher is easier."""
    text = readable_text(explanation)
    return spanish_reading_ease(text) if explanation.lang == "es" else flesch_reading_ease(text)


def every_paragraph_text(explanation: Explanation) -> str:
    """`readable_text` with every item's whole paragraph (as the JSON format carries it), an
    item with the same reasons as an earlier one included."""
    parts = [explanation.headline, *explanation.alerts]
    parts += [item.explanation for item in explanation.items]
    parts += explanation.next_steps + explanation.appeal_checklist
    parts += explanation.help + [g.meaning for g in explanation.glossary]
    parts.append(explanation.notice)
    return "\n".join(parts)


Printed = Callable[[Explanation], str]
"""The text format as printed, headings and labels included (render.to_text, which imports this
module, so its caller passes it in)."""


def _over(grades: tuple[float, ...]) -> float:
    """How far the text reads above its limits: WRITER_TARGET_GRADE as shown, GRADE_LIMIT with
    every paragraph whole (a repeated paragraph is shown once but carried in the JSON), and
    GRADE_LIMIT as printed when measured (only the longest letters reach it: 21 item headings
    took CM16-0248698 to 8.1; a margin of 0.2 below it, as for the prose, cost 14 of the gold
    reasons on that one letter, this limit 3)."""
    shown, every, *printed = grades
    return max(
        shown - WRITER_TARGET_GRADE, every - GRADE_LIMIT, *(g - GRADE_LIMIT for g in printed)
    )


def _counts_now(explanation: Explanation, printed: Printed | None) -> tuple[Counts, ...]:
    """The counts of `readable_text`, of `every_paragraph_text` and, given `printed`, of the
    English text as printed."""
    lang = explanation.lang
    counts = (
        text_counts(readable_text(explanation), lang),
        text_counts(every_paragraph_text(explanation), lang),
    )
    if printed is None or lang != "en":
        return counts
    return (*counts, text_counts(printed(explanation), lang))


def _over_without(
    explanation: Explanation, base: tuple[Counts, ...], index: int, quote: str
) -> float:
    """`_over` once item `index`'s `quote` is dropped, estimated from the counts."""
    item = explanation.items[index]
    label = "quote" if item.quotes_are_findings else "quote_letter"
    lang = explanation.lang
    line = text_counts(phrases(lang)[label].format(quote=quote), lang)
    return _over(tuple(grade_of(counts - line, lang) for counts in base))


def fit_reading_grade(
    explanation: Explanation, tiers: Tiers | None = None, printed: Printed | None = None
) -> Explanation:
    """Drop the reviewer's quotes while the text reads above its limits (`_over`; the printed
    text's too, given `printed`): from the lowest tier of `droppable_quotes` left, the first
    quote whose drop alone is enough, else the one whose drop lowers the grade most (the fewest
    quotes dropped)."""
    tiers = tiers or [{} for _ in explanation.items]
    lang = explanation.lang
    while True:
        base = _counts_now(explanation, printed)
        order = droppable_quotes(explanation, tiers, keep_stand_alone=False)
        if _over(tuple(grade_of(counts, lang) for counts in base)) <= 0 or not order:
            break
        lowest = [(i, q) for tier, i, q in order if tier == order[0][0]]
        after = [(_over_without(explanation, base, i, q), n) for n, (i, q) in enumerate(lowest)]
        enough = [n for over, n in after if over <= 0]
        chosen = enough[0] if enough else min(after)[1]
        explanation = drop_quote(explanation, *lowest[chosen])
    grade = _grade(explanation)
    items = group_shared_reasons(list(explanation.items))
    return explanation.model_copy(
        update={"items": items, "reading_grade": grade, "reading_ease": reading_ease(explanation)}
    )
