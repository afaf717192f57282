"""The worker's diagnoses, as the case summary lists them: whole diagnoses only.

The list after "diagnoses of ..." is cut at commas, semicolons and "and", then pieces that are
not a diagnosis on their own are joined back: a piece naming no condition ("fascia", "scalp and
neck", "Single Episode"), a qualifier ("subsequent encounter"), a piece starting with "or", and a
single condition word after "and" that shares the words before it ("wrist tendinitis and
bursitis"). Dates and causes of injury ("work related fall") are dropped: they are not diagnoses.
Two kinds of words are never cut apart or left on: "sprain(s) and strain(s)" (in either order)
is one diagnosis, as ICD names it, and a closing remark on its course ("now recovering well")
is not part of the diagnosis. A list that lost its separators ("status post crush injury status
post laparotomy") is cut before each further "status post".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from imr_llm import regex_cache
from imr_llm.caseless import Caseless, may_hold

_INTRO = Caseless(
    r"\bdiagnos(?:e|i)s\s+(?:that\s+)?(?:of|include[sd]?|including|are|is|were|was)\b"
    r"(?:\s+(?:documented|listed|noted)\s+as)?\s*:?|"
    r"\bdiagnos(?:is|es)\s+(?:of|as)\b|"
    r"\bdiagnosed\s+(?:as\s+having|with|as)\b|"
    r"\b(?:being\s+treated|undergoing\s+treatments?|treated)\s+for\b(?:\s+(?:the\s+)?"
    r"diagnos[ie]s\s+of\b)?"
)
"""Searched as its lower-case twin (caseless.Caseless)."""
_INTRO_WORDS = ("diagnos", "treat")
"""Every match of _INTRO holds one of these: the test before it (caseless.may_hold)."""
_LEAD = regex_cache.compile(
    r"^(?:the\s+)?(?:diagnos[ie]s\s+of\s+)?(?:documented\s+(?:is\s+|as\s+)?)?"
    r"(?:(?:the\s+)?following\s+[^:]{0,40}:\s*)?",
    re.I,
)
_SENTENCE_END = regex_cache.compile(r"[.!?][\"')\]]*\s+(?=[A-Z\"])")
"""The end of a sentence: its end mark, closing quotes or brackets, and the space before a capital
or a quote. Its first character is the end mark (not a look-behind), so sre skips ahead to one."""
_CUT = regex_cache.compile(
    r"\s*;\s*(?:and\s+)?|\s*,\s*(?:and\s+)?(?![^()]*\))|\s+and\s+(?![^()]*\))"
)
_PAIR = regex_cache.compile(r"\bs[pt]rains?\s+and\s+s[pt]rains?\b", re.I)
"""'sprains and strains' (either order): one diagnosis, never cut at its "and"."""
_STATUS_POST = regex_cache.compile(r"(?<=\S)\s+(?=status\s+post\b)", re.I)
_COURSE = regex_cache.compile(
    r"\s+(?:(?:now|currently|and)\s+)?(?:recovering|improving|resolving|healing)"
    r"(?:\s+(?:well|slowly))?$",
    re.I,
)
"""'... with a colon resection now recovering well': how it goes, not what it is."""
_ALWAYS_QUALIFIER = regex_cache.compile(
    r"^(?:(?:subsequent|initial|sequela)\s+encounter|sequela|unspecified|single\s+episode|"
    r"recurrent|in\s+(?:partial\s+|full\s+)?remission|mild|moderate|severe)$",
    re.I,
)
_SIDE_QUALIFIER = regex_cache.compile(
    r"^(?:right|left|bilateral)"
    r"(?:\s+(?:arm|leg|side|shoulder|knee|hip|wrist|hand|ankle|foot|elbow))?$",
    re.I,
)
_CONDITION = Caseless(
    r"\b(?:strains?|sprains?|pain|fractures?|contusions?|syndrome|tears?|injur(?:y|ies)|"
    r"disorders?|lesions?|disease|hernia|derangement|displacement|bulging|spasms?|abuse|"
    r"insomnia|anxiety|depression|headaches?|migraine|concussion|trauma|nausea|loss|"
    r"laceration|radiculopathy|radiculitis|sciatica|stenosis|arthritis|arthropath\w*|"
    r"hypertension|diabetes|dyslipidemia|status\s+post|impingement|instability|neuropathy|"
    r"stains?|paresthesias?|herniat\w*|subluxation|\w+malacia|"
    r"\w+itis|\w+algia|\w+opathy|\w+osis|\w+ectomy|\w+otomy|\w+plasty)\b"
)
r"""A condition word. Searched as its lower-case twin (caseless.Caseless): the `\w+itis` kind
cost this case-blind regex about 4 us on each piece of a list."""
_PLAIN_AND = regex_cache.compile(r"\s+and\s+")
_PLACE_FOLLOWS = regex_cache.compile(r"\W*\s*(?:of|at|to|in|sustained|involving|affecting)\b")
_OR = regex_cache.compile(r"or\b", re.I)
_ARTICLE = regex_cache.compile(r"^(?:a|an|the)\s+", re.I)
_STATUS_POST_FIRST = regex_cache.compile(r"status\s+post\b", re.I)
_DIAGNOSTIC = regex_cache.compile(r"diagnostic", re.I)
_EDITORIAL_NOTE = regex_cache.compile(r"\s*\([^()]*\b(?:diagnosis|records?)\b[^()]*\)$", re.I)
"""'... Affecting (incomplete diagnosis taken from records)': the reviewer's note, not the name."""
_DATE_ONLY = regex_cache.compile(
    r"^(?:(?:on\s+)?(?:\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|\d{4}|(?:January|February|March|April|May|"
    r"June|July|August|September|October|November|December)(?:\s+\d{1,2})?(?:,?\s+\d{4})?))$",
    re.I,
)
_CAUSE = regex_cache.compile(
    r"^(?:(?:a\s+)?(?:work[\s-]+related|industrial)\s+)?(?:fall|slip(?:\s+and\s+fall)?|trip|"
    r"motor\s+vehicle\s+accident|MVA|assault|lifting)\b|\bdue\s+to\s+(?:a\s+)?fall\b|"
    r"^injury\s+of\s+unknown\s+intent\b",
    re.I,
)


def _pieces(listed: str) -> list[tuple[str, str]]:
    """(separator before the piece, piece) for every cut of the list."""
    out: list[tuple[str, str]] = []
    position, separator = 0, ""
    pairs = [pair.span() for pair in _PAIR.finditer(listed)]
    for cut in _CUT.finditer(listed):
        if any(start < cut.start() < end for start, end in pairs):
            continue
        out.append((separator, listed[position : cut.start()]))
        position, separator = cut.end(), cut.group()
    out.append((separator, listed[position:]))
    return [(sep, piece.strip(" \"'.:")) for sep, piece in out if piece.strip(" \"'.:")]


def _plain_and(separator: str) -> bool:
    return _PLAIN_AND.fullmatch(separator) is not None


def _continues(group: str) -> bool:
    """Does the group's last condition word take a place after it ('contusion of face'), so a
    list of places may follow ('..., scalp and neck'; 'injuries sustained cervical, thoracic
    and lumbar spine')?"""
    matches = list(_CONDITION.finditer(group, group.lower()))
    after = group[matches[-1].end() :] if matches else ""
    return bool(matches) and _PLACE_FOLLOWS.match(after) is not None


def _goes_left(piece: str, previous: str, next_separator: str) -> bool:
    """Where a piece naming no condition belongs: to the diagnosis before it (True) or after."""
    if _ALWAYS_QUALIFIER.match(piece) or _OR.match(piece):
        return True
    if _SIDE_QUALIFIER.match(piece) and not _plain_and(next_separator):
        return True
    return _continues(previous)


def split_diagnoses(listed: str) -> list[str]:
    """'A, B and C' -> whole diagnoses, joining the pieces of one diagnosis back together."""
    pieces = [
        (separator, _COURSE.sub("", piece))
        for separator, piece in _pieces(listed)
        if not _DATE_ONLY.match(piece) and not _CAUSE.search(piece)
    ]
    whole: list[str] = []
    pending = ""  # pieces waiting for the condition word that follows them
    for i, (separator, piece) in enumerate(pieces):
        next_separator = pieces[i + 1][0] if i + 1 < len(pieces) else ""
        if pending:
            pending = f"{pending}{separator}{piece}"
            if _CONDITION.search(piece, piece.lower()):
                whole.append(pending)
                pending = ""
        elif _CONDITION.search(piece, piece.lower()):
            shares_words = (
                _plain_and(separator) and len(piece.split()) == 1 and len(whole[-1].split()) >= 2
                if whole
                else False
            )  # "wrist tendinitis and bursitis", "right knee contusion and injury"
            if shares_words or (whole and _OR.match(piece)):
                whole[-1] = f"{whole[-1]}{separator}{piece}"
            else:
                whole.append(piece)
        elif whole and _goes_left(piece, whole[-1], next_separator):
            whole[-1] = f"{whole[-1]}{separator}{piece}"
        else:
            pending = piece
    if pending:
        if whole:
            whole[-1] = f"{whole[-1]}, {pending}"
        else:
            whole.append(pending)
    out: list[str] = []
    for diagnosis in whole:
        diagnosis = _ARTICLE.sub("", diagnosis)
        parts = [diagnosis]
        if _STATUS_POST_FIRST.match(diagnosis):
            parts = _STATUS_POST.split(diagnosis)
        out += [_EDITORIAL_NOTE.sub("", part) for part in parts]
    return out


def _sentences(summary: str) -> Iterator[str]:
    """The summary's sentences, one at a time (the diagnoses are usually in the first); each
    keeps its end mark and quotes, without the space after them."""
    start = 0
    for boundary in _SENTENCE_END.finditer(summary):
        yield summary[start : boundary.start() + 1]
        start = boundary.end()
    yield summary[start:]


def diagnoses(summary: str) -> list[str]:
    """The diagnoses of the first sentence of the summary that lists some."""
    for sentence in _sentences(summary):
        low = sentence.lower()
        intro = may_hold(sentence, _INTRO_WORDS, low) and _INTRO.search(sentence, low)
        if not intro or _DIAGNOSTIC.search(sentence, 0, intro.start()):
            continue
        listed = _LEAD.sub("", sentence[intro.end() :].strip().rstrip("."), count=1)
        found = split_diagnoses(listed)
        if found:
            return found
    return []
