"""Which of the reviewer's sentences an item shows, by role, and how they are made easier to read.

Only safe changes are made to a quoted sentence: a hard term gets its meaning in square brackets
after it, and a long list is cut after its first items with "[...]". The words stay the letter's.
"""

from __future__ import annotations

import re

from imr_llm.schema import Lang, RationaleSentence, Treatment

MAX_QUOTE_WORDS = 50
LIST_KEEP = 3

# term -> meaning, inserted in brackets after the term's first use in an English quote
BRACKETS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), meaning)
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
_LIST = re.compile(r"(?:\b[A-Za-z][A-Za-z' /-]{0,29},\s+){5,}")
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


def finding_quotes(treatment: Treatment, limit: int, own_limit: int) -> list[str]:
    """The reviewer's own sentences to quote: findings that stand as the reason themselves
    ("reviewer-finding", up to `own_limit`: no plain sentence says them), then the evidence of
    other reasons resting on a finding sentence (up to `limit` in all); a conclusion sentence
    only when it is itself the reason."""
    roles = reason_sentence_roles(treatment)
    own = [
        r
        for r in treatment.reasons
        if r.code != REVIEWER_CONDITION
        and r.sentence_ids
        and all(roles.get(i) in _OWN_WORDS for i in r.sentence_ids)
    ]
    own.sort(key=lambda r: r.code != REVIEWER_FINDING)
    findings = [r for r in own if any(roles.get(i) == "finding" for i in r.sentence_ids)]
    chosen = findings or [r for r in own if r.code == REVIEWER_FINDING]
    quotes = list(dict.fromkeys(r.evidence for r in chosen if _short(r.evidence)))
    stand_alone = {r.evidence for r in chosen if r.code == REVIEWER_FINDING}
    own_quotes = [q for q in quotes if q in stand_alone][:own_limit]
    support = [q for q in quotes if q not in stand_alone]
    return own_quotes + support[: max(0, limit - len(own_quotes))]


_TAPER = re.compile(r"\b(?:abrupt\w*|taper\w*|wean\w*|discontinu\w*)", re.I)


def condition_sentences(treatment: Treatment, safety_shown: bool) -> list[str]:
    """The reviewer's conditions (re-review, monitoring, taper, trial); when the item already
    shows the advice not to stop a medicine suddenly, conditions about stopping are left out."""
    texts = [r.evidence for r in treatment.reasons if r.code == REVIEWER_CONDITION]
    texts += [s.text for s in by_role(treatment, "condition")]
    notes = " ".join(treatment.safety_notes)
    return [
        t
        for t in dict.fromkeys(texts)
        if not (notes and (t in notes or notes in t)) and not (safety_shown and _TAPER.search(t))
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
_RECHECK = re.compile(
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
