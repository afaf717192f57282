"""Which of the reviewer's sentences an item shows, by role, and how they are made easier to read.

Only safe changes are made to a quoted sentence: a hard term gets its meaning in square brackets
after it, and a long list is cut after its first items with "[...]". The words stay the letter's.
"""

from __future__ import annotations

import re

from imr_llm import regex_cache
from imr_llm.schema import Lang, RationaleSentence, Reason, Treatment

MAX_QUOTE_WORDS = 60
LIST_KEEP = 3

# term -> meaning, inserted in brackets after the term's first use in an English quote
BRACKETS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (regex_cache.compile(pattern, re.I), meaning)
    for pattern, meaning in (
        (r"\bradiculopathy\b", "a pinched nerve"),
        (r"\bNSAIDs?\b", "anti-inflammatory pain medicines"),
        (r"\bMTUS\b", "California's treatment rules"),
        (r"\bODG\b", "a set of treatment guidelines"),
        (r"\bACOEM\b", "work-injury guidelines"),
        (r"\bconservative (?:care|treatment|therapy)\b", "simpler treatments"),
        (r"\bobjective\b", "measured"),
        (r"\bfunctional improvement\b", "measured gains in daily life"),
        (r"\bred[\s-]flags?\b", "signs of a serious problem"),
        (r"\bneurological deficits?\b", "signs of nerve damage"),
        (r"\bmyelopathy\b", "pressure on the spinal cord"),
        (r"\bCURES\b", "California's drug-history database"),
        (r"\bUDS\b", "urine drug screens"),
        (r"\bPRN\b", "as needed"),
    )
)
_LIST = regex_cache.compile(r"(?:\b[A-Za-z][A-Za-z' /-]{0,29},\s+){5,}")
"""Five or more short comma-ended items (words only: no digits, no periods), then the last."""


def shorten_lists(sentence: str) -> str:
    """A list of 6 or more items keeps its first LIST_KEEP and its last, with "[...]" between:
    the last item, and the words after the list, may carry its scope ("... without relief")."""

    def cut(match: re.Match[str]) -> str:
        items = [item.strip() for item in match.group(0).split(",") if item.strip()]
        return ", ".join(items[:LIST_KEEP]) + ", [...], "

    return _LIST.sub(cut, sentence)


def with_brackets(sentence: str) -> str:
    """Each known hard term, the first time it appears, followed by its meaning in brackets."""
    for pattern, meaning in BRACKETS:
        match = pattern.search(sentence)
        if match:
            end = match.end()
            sentence = f"{sentence[:end]} [{meaning}]{sentence[end:]}"
    return sentence


def easier(sentence: str, lang: Lang) -> str:
    """The sentence made easier by safe means only (English quotes get bracketed meanings)."""
    shorter = shorten_lists(sentence)
    return with_brackets(shorter) if lang == "en" else shorter


def by_role(treatment: Treatment, role: str) -> list[RationaleSentence]:
    return [s for s in treatment.sentences if s.role == role]


def reason_sentence_roles(treatment: Treatment) -> dict[int, str]:
    return {s.id: s.role for s in treatment.sentences}


REVIEWER_FINDING = "reviewer-finding"
REVIEWER_CONDITION = "reviewer-condition"
_OWN_WORDS = ("finding", "conclusion")


def _quoted_reasons(treatment: Treatment) -> list[Reason]:
    """Reasons resting only on finding or conclusion sentences, in the rationale's order."""
    roles = reason_sentence_roles(treatment)
    own = [
        r
        for r in treatment.reasons
        if r.code != REVIEWER_CONDITION
        and r.sentence_ids
        and all(roles.get(i) in _OWN_WORDS for i in r.sentence_ids)
    ]
    return sorted(own, key=lambda r: min(r.sentence_ids))


def finding_quotes(treatment: Treatment) -> list[str]:
    """The reviewer's own sentences to quote: every finding or conclusion sentence a reason rests
    on, each once, in the order of the rationale. A "reviewer-finding" sentence is the reason
    itself (no plain sentence says it); under any other reason, the quote gives the letter's
    specifics behind the plain sentence. A sentence longer than MAX_QUOTE_WORDS (after its
    lists are shortened) is left out."""
    texts = dict.fromkeys(r.evidence for r in _quoted_reasons(treatment))
    return [q for q in texts if _short(shorten_lists(q))]


GENERIC_REASONS = frozenset(
    {"criteria-not-met", "no-clear-reason", "meets-criteria", "doctor-explained"}
)
"""Reasons whose plain sentence names no specific thing ("you meet the guideline rules for
this care"): the reviewer's sentence behind one is what says which rule or what was missing."""
BEHIND_PLAIN, BEHIND_GENERIC, STAND_ALONE = 0, 1, 2
"""How much a quote carries that no plain sentence says, least first (the order quotes are
dropped to fit): the specifics behind a plain reason; the only specifics behind a generic plain
reason; the reason itself."""


def quote_tiers(treatment: Treatment) -> dict[str, int]:
    """Each quoted sentence (as in the letter) and what it carries (BEHIND_PLAIN, ...)."""
    tiers: dict[str, int] = {}
    for reason in _quoted_reasons(treatment):
        tier = (
            STAND_ALONE
            if reason.code == REVIEWER_FINDING
            else BEHIND_GENERIC
            if reason.code in GENERIC_REASONS
            else BEHIND_PLAIN
        )
        tiers[reason.evidence] = max(tier, tiers.get(reason.evidence, BEHIND_PLAIN))
    return tiers


_TAPER = regex_cache.compile(r"\b(?:abrupt\w*|taper\w*|wean\w*|discontinu\w*)", re.I)
_SCOPE = regex_cache.compile(r"^\s*This (?:medical necessity )?decision addresses\b", re.I)
"""The opioid safety note's first sentence: what the decision covers, not a condition."""


def condition_sentences(treatment: Treatment, safety_shown: bool) -> list[str]:
    """The reviewer's conditions (re-review, monitoring, taper, trial); when the item already
    shows the advice not to stop a medicine suddenly, the rest of that safety note (stopping,
    tapering, what the decision covers) is left out."""
    texts = [r.evidence for r in treatment.reasons if r.code == REVIEWER_CONDITION]
    texts += [s.text for s in by_role(treatment, "condition")]
    notes = " ".join(treatment.safety_notes)
    return [
        t
        for t in dict.fromkeys(texts)
        if not (notes and (t in notes or notes in t))
        and not (safety_shown and (_TAPER.search(t) or _SCOPE.search(t)))
    ]


def guideline_quotes(treatment: Treatment, limit: int) -> list[str]:
    """Guideline sentences a shown reason rests on when no finding supports that reason."""
    roles = reason_sentence_roles(treatment)
    texts = {s.id: s.text for s in treatment.sentences}
    out = []
    for reason in treatment.reasons:
        ids = reason.sentence_ids
        if ids and all(roles.get(i) == "guideline" for i in ids):
            out += [texts[i] for i in ids if _short(texts[i])]
    return list(dict.fromkeys(out))[:limit]


def _short(text: str) -> bool:
    return len(text.split()) <= MAX_QUOTE_WORDS


_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_RECHECK = regex_cache.compile(
    r"\bre-?(?:review(?:ed)?|evaluat\w*|assess\w*|check(?:ed)?)\b[^.]{0,40}?\b(?:at|in|after)\s+"
    rf"(?P<n>\d{{1,2}}|{_NUMBER_WORDS})\s+(?P<unit>months?|weeks?)\b",
    re.I,
)
_UNITS_ES = {"month": "mes", "months": "meses", "week": "semana", "weeks": "semanas"}
_NUMBERS_ES = {
    "one": "un",
    "two": "dos",
    "three": "tres",
    "four": "cuatro",
    "five": "cinco",
    "six": "seis",
    "seven": "siete",
    "eight": "ocho",
    "nine": "nueve",
    "ten": "diez",
    "eleven": "once",
    "twelve": "doce",
}


def plain_condition(sentence: str, lang: Lang, p: dict[str, str]) -> str:
    """A condition sentence passed on plainly: a re-check after N months in our words; any
    other condition quoted."""
    match = _RECHECK.search(sentence)
    if match:
        unit = match.group("unit").lower()
        number = match.group("n").lower()
        if lang == "es":
            unit, number = _UNITS_ES[unit], _NUMBERS_ES.get(number, number)
        return p["condition_recheck"].format(when=f"{number} {unit}")
    return p["condition_quote"].format(quote=easier(sentence, lang))
