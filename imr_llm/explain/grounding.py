"""Checks on an explanation: reading grade, and that every number and date in it comes from the
letter, from a date computed from the letter, or from the legal facts in facts.py."""

from __future__ import annotations

import re
from datetime import date

from imr_llm import regex_cache
from imr_llm.dates import safe_date
from imr_llm.explain.facts import ALL_FACTS
from imr_llm.explain.readability import flesch_reading_ease as flesch_reading_ease
from imr_llm.explain.readability import reading_grade as reading_grade
from imr_llm.explain.readability import spanish_reading_ease as spanish_reading_ease
from imr_llm.explain.readability import spanish_reading_grade as spanish_reading_grade
from imr_llm.schema import Decision, Lang

MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]

_WORD_DATE = regex_cache.compile(
    r"\b(?P<month>" + "|".join(MONTHS_EN) + r")\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\b"
    r"|\b(?P<day_es>\d{1,2})\s+de\s+(?P<month_es>" + "|".join(MONTHS_ES) + r")\s+de\s+"
    r"(?P<year_es>\d{4})\b",
    re.I,
)
_NUMERIC_DATE = regex_cache.compile(r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{2,4})\b")
_ISO_DATE = regex_cache.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NUMBER = regex_cache.compile(r"\d+(?:[.,]\d+)*")


def dates_in(text: str) -> tuple[set[date], str]:
    """All dates written in `text`, and the text with those dates blanked out."""
    found: set[date] = set()

    def take(value: date | None) -> str:
        if value:
            found.add(value)
        return " "

    def word(match: re.Match[str]) -> str:
        if match.group("month"):
            month = MONTHS_EN.index(match.group("month").capitalize()) + 1
            return take(safe_date(int(match.group("year")), month, int(match.group("day"))))
        month = MONTHS_ES.index(match.group("month_es").lower()) + 1
        return take(safe_date(int(match.group("year_es")), month, int(match.group("day_es"))))

    text = _WORD_DATE.sub(word, text)
    text = _ISO_DATE.sub(
        lambda m: take(safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))), text
    )
    text = _NUMERIC_DATE.sub(
        lambda m: take(safe_date(int(m.group(3)), int(m.group(1)), int(m.group(2)))), text
    )
    return found, text


def numbers_in(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def ungrounded_numbers(explanation: str, letter: str, computed: set[date]) -> list[str]:
    """Numbers and dates in `explanation` that neither the letter, the computed deadlines nor the
    legal facts account for. An empty list means the explanation is grounded."""
    letter_dates, letter_rest = dates_in(letter)
    allowed_dates = letter_dates | computed
    allowed_numbers = numbers_in(letter_rest) | numbers_in(letter)
    fact_text = " ".join(f.value for f in ALL_FACTS)
    for fact in ALL_FACTS:
        explanation = explanation.replace(fact.value, " ") if "-" in fact.value else explanation
    allowed_numbers |= numbers_in(fact_text)
    used_dates, rest = dates_in(explanation)
    problems = [d.isoformat() for d in sorted(used_dates - allowed_dates)]
    problems += sorted(n for n in numbers_in(rest) if n not in allowed_numbers)
    return problems


_OUTCOME_WORDS: dict[Lang, dict[Decision, tuple[str, str]]] = {
    # decision -> (must match, must not match)
    "en": {
        "upheld": (
            r"denial stands|not approved|will not get|won't get|upheld|denied|stays denied",
            r"\boverturned\b|approved by the reviewer|must (?:now )?(?:approve|authorize)",
        ),
        "overturned": (
            r"\bapproved\b|overturned|must (?:now )?(?:approve|authorize|pay)",
            r"denial stands|\bupheld\b|not approved|will not get|won't get",
        ),
    },
    "es": {
        "upheld": (
            r"negaci[oó]n (?:sigue|se mantiene|queda)|no (?:fue |está )?aprobad|confirmad|"
            r"no recibirá",
            r"revocad|debe aprobar|aprobado por el revisor",
        ),
        "overturned": (
            r"aprobad|revocad|debe aprobar",
            r"negaci[oó]n (?:sigue|se mantiene|queda)|no (?:fue )?aprobad|no recibirá",
        ),
    },
}


def outcome_problem(outcome: str, decision: Decision, lang: Lang) -> str | None:
    """Why `outcome` does not state `decision` correctly, or None when it does."""
    must, must_not = _OUTCOME_WORDS[lang][decision]
    if re.search(must_not, outcome, re.I):
        return f"the outcome {outcome!r} contradicts the letter's decision {decision!r}"
    if not re.search(must, outcome, re.I):
        return f"the outcome {outcome!r} must say plainly that the decision is {decision!r}"
    return None
