"""The word budget of an explanation: at most WORDS_BASE words plus WORDS_PER_ITEM per item in
the text format, and `explain`, which writes the explanation and fits it to that budget.

Repetition is cut first (see `fit_word_budget`); a denial's reasons, its dates and the advice
always stay.
"""

from __future__ import annotations

from datetime import date

from imr_llm import regex_cache
from imr_llm.explain.findings import easier, finding_quotes
from imr_llm.explain.phrases import phrases
from imr_llm.explain.render import to_text
from imr_llm.explain.writer import (
    Tiers,
    as_of,
    compose_item,
    drop_quote,
    droppable_quotes,
    fallback,
    fit_reading_grade,
    glossary_for,
    group_shared_reasons,
    shown_quote_tiers,
    write_explanation,
)
from imr_llm.schema import Determination, Explanation, Lang

WORDS_BASE = 400
WORDS_PER_ITEM = 60
_WORDLIKE = regex_cache.compile(r"\w")
QUOTE_LABEL_WORDS = 3
"""Words of a quote's label ("The reviewer wrote:")."""


def word_budget(items: int) -> int:
    """The most words an explanation of `items` items may have (460 for one, 1,000 for ten)."""
    return WORDS_BASE + WORDS_PER_ITEM * items


def count_words(text: str) -> int:
    """Whitespace-separated tokens with a letter or digit: a bullet "-" or a box "[ ]" is not
    a word; "I&A", "1-800-736-7401" and "(Upheld):" are."""
    return sum(1 for token in text.split() if _WORDLIKE.search(token))


def text_words(explanation: Explanation) -> int:
    """Words of the text format, headings and labels included, as a worker sees them (counted
    unwrapped: a word the terminal width breaks at a hyphen is one word)."""
    return count_words(to_text(explanation, width=None))


def _restated_fixes(explanation: Explanation) -> list[int]:
    """Items whose next step only restates a shown reason ("A new request should show: ...");
    the advice to send a new request is in the next steps already."""
    opening = phrases(explanation.lang)["fix_missing"].split("{")[0]
    return [
        i for i, item in enumerate(explanation.items) if item.what_you_can_do.startswith(opening)
    ]


def _extra_approved_quotes(explanation: Explanation) -> list[tuple[int, str]]:
    """(item index, quote) of approved items' quotes but their last, longest first: an approved
    item keeps one of the reviewer's findings that made the care necessary (the last: a
    reviewer states the guideline first and the finding that decides it after)."""
    extra = [
        (-len(q), i, q)
        for i, item in enumerate(explanation.items)
        if item.decision == "overturned"
        for q in item.quotes[:-1]
    ]
    return [(i, q) for _, i, q in sorted(extra)]


def _without_restated_fixes(explanation: Explanation, budget: int) -> Explanation:
    """Next steps that only restate a shown reason left out, one by one from the last item, while
    over `budget`: an earlier item's step stays longest, as later items with the same step
    refer to it ("The same as item N.")."""
    for index in reversed(_restated_fixes(explanation)):
        if text_words(explanation) <= budget:
            break
        items = list(explanation.items)
        update = {"what_you_can_do": ""}
        items[index] = compose_item(items[index].model_copy(update=update), explanation.lang)
        explanation = explanation.model_copy(update={"items": items})
    return explanation


def fit_word_budget(explanation: Explanation, tiers: Tiers) -> Explanation:
    """While the text is over the word budget, cut repetition first, then quotes: next steps
    that only restate a shown reason; the glossary's terms used only inside quotes; the quotes
    behind reasons a specific plain sentence already says, then those behind a generic one
    (`droppable_quotes`), then findings that are a reason of an item with plain reasons too; an
    approved item's quotes but its last. A denial's reasons, the findings of an item with no
    plain reason, dates and the advice stay. Then fit the reading grade again."""
    budget = word_budget(len(explanation.items))
    lang = explanation.lang
    explanation = _without_restated_fixes(explanation, budget)
    with_quotes = text_words(explanation) <= budget
    if not with_quotes:
        plain = glossary_for(list(explanation.items), lang, with_quotes=False)
        explanation = explanation.model_copy(update={"glossary": plain})
    while (excess := text_words(explanation) - budget) > 0:
        order = droppable_quotes(explanation, tiers, keep_stand_alone=True)
        if not order:  # last: findings that are a reason of an item with plain reasons too
            order = [
                (tier, i, q)
                for tier, i, q in droppable_quotes(explanation, tiers, keep_stand_alone=False)
                if explanation.items[i].reasons
            ]
            if sum(count_words(q) + QUOTE_LABEL_WORDS for _, _, q in order) < excess:
                break  # over the budget even without them: they stay
        if not order:
            break
        for _, index, quote in order:  # as many as the excess needs, then measure again
            explanation = drop_quote(explanation, index, quote)
            excess -= count_words(quote) + QUOTE_LABEL_WORDS
            if excess <= 0:
                break
    while text_words(explanation) > budget and (extra := _extra_approved_quotes(explanation)):
        explanation = drop_quote(explanation, *extra[0])
    glossary = glossary_for(list(explanation.items), lang, with_quotes=with_quotes)
    fitted = explanation.model_copy(update={"glossary": glossary})
    return fit_reading_grade(fitted, tiers, printed=_printed)


def _printed(explanation: Explanation) -> str:
    """The text format as a worker sees it (headings and labels included)."""
    return to_text(explanation, width=None)


def same_as_english(
    determination: Determination, english: Explanation, written: Explanation
) -> Explanation:
    """`written` (another language, not yet fitted) showing what `english` shows: the same
    quotes of the reviewer and the same next steps left out, so that every language carries
    the same content; its reading grade is checked again."""
    lang = written.lang
    items = []
    for treatment, shown, item in zip(
        determination.treatments, english.items, written.items, strict=True
    ):
        kept = {q for q in finding_quotes(treatment) if easier(q, "en") in shown.quotes}
        quotes = [easier(q, lang) for q in finding_quotes(treatment) if q in kept]
        if not treatment.sentences:  # no roles: the writer's own choice, in both languages
            quotes = item.quotes
        todo = item.what_you_can_do if shown.what_you_can_do else ""
        reasons = item.reasons or ([] if quotes else [fallback(item.decision, lang)])
        update = {"quotes": quotes, "what_you_can_do": todo, "reasons": reasons}
        items.append(compose_item(item.model_copy(update=update), lang))
    items = group_shared_reasons(items)
    with_quotes = english.glossary == glossary_for(list(english.items), "en")
    glossary = glossary_for(items, lang, with_quotes=with_quotes)
    mirrored = written.model_copy(update={"items": items, "glossary": glossary})
    return fit_reading_grade(mirrored, shown_quote_tiers(determination, lang))


def explain(
    determination: Determination,
    letter_text: str,
    lang: Lang = "en",
    today: date | None = None,
) -> Explanation:
    """The plain-language explanation of one determination, within the reading grade and the
    word budget (fitted in English; another language shows the same content); with `today`,
    deadlines already passed are said plainly (see `as_of`)."""
    written = write_explanation(determination, letter_text, "en")
    fitted = fit_word_budget(written, shown_quote_tiers(determination, "en"))
    if lang != "en":
        other = write_explanation(determination, letter_text, lang, fit_grade=False)
        fitted = same_as_english(determination, fitted, other)
    return as_of(fitted, today) if today else fitted
