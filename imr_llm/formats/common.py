"""Pieces every letter format shares: header table, credentials, item headers and item bodies."""

from __future__ import annotations

import re
import string
import sys

from imr_llm.caseless import may_hold
from imr_llm.errors import LetterParseError
from imr_llm.formats.lines import LineRule
from imr_llm.formats.parsed import RawItem
from imr_llm.lazy_regex import lazy_compile
from imr_llm.normalize import collapse_ws
from imr_llm.schema import Decision

# --- credentials --------------------------------------------------------------------------------

_LABELED_VALUE = (
    r"[ \t]*:[ \t]*(?P<value>.*(?:\n(?![ \t]*\n)(?![ \t]*(?-i:[A-Z][A-Z ,()&/]{6,})$)(?!.*:).*)*)"
)
_LICENSURE = LineRule(r"State\(s\)\s+of\s+Licensure", _LABELED_VALUE)
_SPECIALTY = LineRule(r"Certification\(s\)\s*/\s*Specialty", _LABELED_VALUE)
_SENTENCE_CREDENTIALS = lazy_compile(
    r"(?:reviewer|physician|doctor)[^.]{0,60}?\s+is\s+"
    r"(?:(?:Board\s+Certified|licensed)\s+in\s+(?P<specialty>[^.]+?)\s+and\s+)?"
    r"(?:is\s+)?licensed\s+to\s+practice\s+in\s+(?P<states>[^.]+?)\s*\.",
    re.I,
)


def parse_credentials(
    text: str, low: str | None = None, end: int = sys.maxsize
) -> tuple[str | None, str | None]:
    """Return (licensure text, specialty text) from a credentials block or sentence in
    `text[:end]` (`low`, when given, is `text.lower()`)."""
    if low is None:
        low = text.lower()
    licensure = _LICENSURE.search(text, low, 0, end)
    specialty = _SPECIALTY.search(text, low, 0, end)
    if licensure or specialty:
        return (
            collapse_ws(licensure.group("value")) if licensure else None,
            collapse_ws(specialty.group("value")) if specialty else None,
        )
    sentence = _SENTENCE_CREDENTIALS.search(text, 0, end)
    if sentence:
        spec = sentence.group("specialty")
        return collapse_ws(sentence.group("states")), collapse_ws(spec) if spec else None
    return None, None


# --- items of the "<request>: Upheld|Overturned" kind ------------------------------------------

DECISION_WORDS: dict[str, Decision] = {"upheld": "upheld", "overturned": "overturned"}
_DECISION_LINE = lazy_compile(r":[ \t]*\n?[ \t]*(?P<word>Upheld|Overturned)\b[ \t.]*$", re.M | re.I)
_SUBHEADING = LineRule(
    r"(?P<name>"
    r"Claims\s+Administrator\s+guideline|"
    r"Medical\s+Treatment\s+Guideline\(s\)\s+the\s+Claims\s+Administrator\s+based\s+its\s+"
    r"decision\s+on|"
    r"Guideline\(s\)\s+cited\s+by\s+the\s+Claims\s+Administrator|"
    r"(?:MAXIMUS|Expert\s+Reviewer(?:'s)?|Reviewer(?:'s)?)\s+guideline|"
    r"Medical\s+Treatment\s+Guideline\(s\)\s+the\s+Expert\s+Reviewer\s+relied\s+upon|"
    r"MEDICAL\s+TREATMENT\s+GUIDELINE\(S\)\s+RELIED\s+UPON\s+BY\s+PROFESSIONAL\s+REVIEWER"
    r"(?:\s+AND\s+WHY)?|"
    r"Decision\s+rationale|Rationale\s+for\s+the\s+Decision|"
    r"RATIONALE\s+FOR\s+WHY\s+THE\s+REQUESTED\s+TREATMENT/SERVICE\s+IS/WAS\s+(?:NOT\s+)?"
    r"MEDICALLY\s+NECESSARY"
    r")",
    r"[ \t]*:",
)
_ENDS_SENTENCE = lazy_compile(r"[.!?][\"')\]]*\s*$")
_STARTS_SENTENCE = lazy_compile(r"^\s*[A-Z0-9\"'(\[]")
_NOT_A_REQUEST = lazy_compile(
    r"medically necessary|not (?:be )?(?:supported|recommended|indicated|warranted)|"
    r"guidelines?\b|set forth below|DECISIONS AND RATIONALES|DECISION\(S\)",
    re.I,
)
_MODIFIED_MARK = lazy_compile(
    r"remaining\s+IMR\s+eligible|leaving\s+the\s+original|IMR\s+eligible\.|The\s+original\s+request,",
    re.I,
)
_MODIFIED_MARK_WORDS = ("eligible", "original")
"""Every match of _MODIFIED_MARK holds one of these (caseless.may_hold)."""
_MODIFIED_PATTERN_WORDS = ("original",)
"""Every match of each _MODIFIED_PATTERNS holds this (caseless.may_hold)."""
_MODIFIED_PATTERNS = [
    lazy_compile(
        r"^(?P<orig>.+?)\s+(?:was|were)\s+the\s+original\s+request\.?\s*(?P<auth>.+?)\s+"
        r"(?:was|were)\s+authorized\s+by\s+the\s+Claims\s+Administrator\.?\s*The\s+remaining\s+"
        r"IMR\s+eligible\s+portion\s+of\s+the\s+original\s+request,?\s*(?P<rem>.+?)$",
        re.I,
    ),
    lazy_compile(
        r"^(?P<named>.+?)\s+(?:was|were)\s+the\s+original\s+request\.?\s*The\s+Claims\s+"
        r"Administrator\s+authorized\s+(?P<auth>.+?),?\s+leaving\s+the\s+original\s+request\s+"
        r"IMR\s+eligible\.?\s*The\s+original\s+request,?\s*(?P<rem>.+?)$",
        re.I,
    ),
]
_RETRO_PREFIX = lazy_compile(
    r"^\s*Retro(?:spective(?:ly)?)?(?:\s+request(?:\s+for)?)?(?:\s*[:\-]\s*|\s+(?=\S))", re.I
)
"""'Retrospective: X', 'Retro - X', 'Retrospective X, per 12/07/2016 order', 'Retrospective
request for X': the item is care already given; the word is dropped from the request."""
_RETRO_PREFIX_WORDS = ("retro",)
"""Every match of _RETRO_PREFIX holds this (caseless.may_hold)."""
_RETRO_WORD = lazy_compile(r"\bretro(?:spective(?:ly)?)?\b|\bDOS\b|\bdate\s+of\s+service\b", re.I)
_RETRO_WORDS = ("retro", "dos", "date")
"""Every match of _RETRO_WORD holds one of these (caseless.may_hold)."""


def split_retrospective(header: str) -> tuple[bool, str]:
    """(is the item retrospective, the request without a leading 'Retrospective')."""
    if not may_hold(header, _RETRO_WORDS):
        return False, header
    retrospective = bool(_RETRO_WORD.search(header))
    if not may_hold(header, _RETRO_PREFIX_WORDS):
        return retrospective, header
    return retrospective, _RETRO_PREFIX.sub("", header, count=1)


def _needs_original(header_so_far: str) -> bool:
    """A modified request's header read so far names what is left but not the original yet."""
    return bool(
        may_hold(header_so_far, _MODIFIED_MARK_WORDS)
        and _MODIFIED_MARK.search(header_so_far)
        and not re.search(r"original\s+request\.", header_so_far, re.I)
    )


def _header_start(text: str, region_start: int, decision_pos: int) -> int:
    """Walk back from a decision line to where the item's header begins: line by line from the
    decision, so only the header's lines are looked at."""
    newline = text.rfind("\n", region_start, decision_pos)
    cur_start = newline + 1 if newline >= 0 else region_start
    cur_end = decision_pos
    while cur_start > region_start:
        prev_end = cur_start - 1  # the newline before the current line
        newline = text.rfind("\n", region_start, prev_end)
        prev_start = newline + 1 if newline >= 0 else region_start
        prev, cur = text[prev_start:prev_end], text[cur_start:cur_end]
        boundary = (
            not prev.strip()
            or _NOT_A_REQUEST.search(prev)
            or (_ENDS_SENTENCE.search(prev) and _STARTS_SENTENCE.match(cur))
        )
        if boundary and not _needs_original(text[cur_start:decision_pos]):
            break
        cur_start, cur_end = prev_start, prev_end
    return cur_start


def _split_modified(header: str) -> tuple[str, str | None, str | None]:
    """Return (request, original_request, authorized_portion) from an item header."""
    for pattern in _MODIFIED_PATTERNS if may_hold(header, _MODIFIED_PATTERN_WORDS) else ():
        match = pattern.match(header)
        if match:
            remaining = re.sub(r"\s+(?:is|are)$", "", match.group("rem").strip(" ,"))
            groups = match.groupdict()
            # "... leaving the original request IMR eligible": the whole original is disputed.
            original = groups["orig"].strip() if groups.get("orig") else remaining
            return remaining, original, match.group("auth").strip(" ,")
    return re.sub(r"\s+(?:is|are)$", "", header), None, None


def _subheading_key(name: str) -> str:
    lowered = " ".join(name.lower().split())
    if "claims administrator" in lowered:
        return "ca"
    if lowered.startswith(("decision rationale", "rationale")):
        return "rationale"
    return "reviewer"


def body_parts(
    text: str, low: str | None = None, start: int = 0, end: int | None = None
) -> dict[str, str]:
    """Split an item body, `text[start:end]`, into its claims-administrator, reviewer and
    rationale paragraphs (`low`, when given, is `text.lower()`). A body that does not start at a
    line start must start with its newline (as one after a decision line does): a sub-heading
    cannot start at `start` then, so searching `text` from `start` finds what searching the
    body cut out would."""
    if low is None:
        low = text.lower()
    end = len(text) if end is None else end
    parts: dict[str, str] = {}
    marks = list(_SUBHEADING.finditer(text, low, start, end))
    for i, mark in enumerate(marks):
        stop = marks[i + 1].start() if i + 1 < len(marks) else end
        parts.setdefault(_subheading_key(mark.group("name")), text[mark.end() : stop].strip())
    return parts


def is_subheading(text: str) -> bool:
    return bool(_SUBHEADING.rule.match(text))


def find_decision_items(text: str, section_start: int, low: str) -> list[RawItem]:
    """Parse every "<request>: Upheld|Overturned" item after `section_start` (`low` is
    `text.lower()`).

    A decision line counts only when the next non-blank text is an item sub-heading, so the same
    words inside a rationale are never taken for a decision.
    """
    decisions = []
    for match in _DECISION_LINE.finditer(text, section_start):
        if is_subheading(text[match.end() :].lstrip()):
            decisions.append(match)
    items: list[RawItem] = []
    region_start = section_start
    starts = [_header_start(text, section_start, m.start()) for m in decisions]
    for i, match in enumerate(decisions):
        header_start = max(starts[i], region_start)
        header = collapse_ws(text[header_start : match.start()]).rstrip(" :")
        body_end = starts[i + 1] if i + 1 < len(decisions) else len(text)
        parts = body_parts(text, low, match.end(), body_end)
        retrospective, header = split_retrospective(header)
        request, original, authorized = _split_modified(header)
        rationale = parts.get("rationale", "")
        rationale_pos = text.find(rationale, match.end()) if rationale else -1
        items.append(
            RawItem(
                request=request,
                decision=DECISION_WORDS[match.group("word").lower()],
                decision_evidence=collapse_ws(text[header_start : match.end()]),
                original_request=original,
                authorized_portion=authorized,
                retrospective=retrospective,
                claims_administrator_guideline=collapse_ws(parts.get("ca", "")),
                reviewer_guideline=collapse_ws(parts.get("reviewer", "")),
                rationale=rationale,
                rationale_start=rationale_pos,
            )
        )
        region_start = match.end()
    return items


def check_complete(items: list[RawItem], expected_blocks: int) -> None:
    """Refuse a letter whose items cannot all be read (cut off, or a decision line unreadable)."""
    if expected_blocks > len(items):
        raise LetterParseError(
            f"found {expected_blocks} 'Claims Administrator guideline' blocks but only "
            f"{len(items)} readable decisions; the letter may be damaged or cut off - "
            "check the file against the original letter"
        )
    if items and looks_cut_off(items[-1].rationale):
        raise LetterParseError(
            f"the letter stops in the middle of item {len(items)} ({items[-1].request!r}); "
            "it looks cut off - get the complete letter"
        )


_CONCLUSION = lazy_compile(
    r"\b(?:medically\s+(?:necessary|appropriate)|(?:recommended|supported|indicated|warranted|"
    r"appropriate|established|necessary)(?:\s+(?:at\s+this\s+time|for\s+this\s+(?:patient|"
    r"injured\s+worker|claimant)|in\s+this\s+case))?)\W*$",
    re.I,
)


def looks_cut_off(rationale: str) -> bool:
    """True only on evidence that the letter stops early: no rationale at all, a word broken at
    a hyphen, or a rationale that stops before the reviewer's conclusion (the request is or is
    not medically necessary). Not evidence: a last sentence without its final period, stray
    words an extractor moved to the end (pdfminer does that with a "$1,500" line), or a closing
    note after the conclusion ('... regarding weaning opioids for this IW')."""
    tail = rationale.rstrip()
    unfinished = _UNFINISHED.search(tail, max(0, len(tail) - _UNFINISHED_REACH))
    if not tail or tail.endswith("-") or unfinished or _broken_last_word(tail):
        return True
    return not (_ENDS_SENTENCE.search(tail) or _CONCLUSION.search(tail) or _NECESSITY.search(tail))


def _broken_last_word(tail: str) -> bool:
    """The text (without trailing whitespace) ends in a piece of a word: one it never uses
    whole, but that starts a word it does use ('... the reques' in a rationale that says
    'requested'). The piece is the run of two or more ASCII letters that ends the text."""
    start = len(tail.rstrip(string.ascii_letters))
    if len(tail) - start < 2:
        return False
    piece = tail[start:].lower()
    words = set(re.findall(r"[a-z]+", tail[:start].lower()))
    return piece not in words and any(w.startswith(piece) for w in words)


_UNFINISHED_WORDS = (
    "the|a|an|of|to|for|and|or|but|with|in|on|at|by|from|is|are|was|were|be|not|that|"
    "which|as|than|versus|if|because|this|these|their|his|her|its"
)
_UNFINISHED = lazy_compile(rf"\b(?:{_UNFINISHED_WORDS})$", re.I)
"""A last word that cannot end a sentence: the text stops mid-sentence."""
_UNFINISHED_REACH = max(map(len, _UNFINISHED_WORDS.split("|"))) + 1
"""How far from the end a match of _UNFINISHED can start (its longest word, and the newline `$`
may stand before): the search starts there instead of trying every position of the text (`\b`
still sees the character before the start)."""
_NECESSITY = lazy_compile(
    r"\bmedically\s+(?:necessary|appropriate|reasonable)\b|\b(?:request|treatment|service)\b"
    r"[^.]{0,150}?\b(?:is|are)\s+(?:not\s+)?(?:recommended|supported|indicated|warranted|"
    r"certified|approved)\b",
    re.I,
)


_GUIDELINE_BLOCK = lazy_compile(r"^[ \t]*Claims\s+Administrator\s+guideline\s*:", re.M | re.I)
_GUIDELINE_WORDS = lazy_compile(r"claims\s+administrator\s+guideline\s*:")
r"""_GUIDELINE_BLOCK without its `^[ \t]*` and lower-cased, for lower-cased ASCII text: it has a
literal start to skip ahead to (the anchored form took 2.6 times as long on the letters);
count_guideline_blocks keeps the matches with only spaces or tabs before them on their line.
(On ASCII text re.IGNORECASE compares letters lower-cased; see imr_llm.caseless.)"""


def count_guideline_blocks(text: str) -> int:
    """How many lines start with 'Claims Administrator guideline:' (_GUIDELINE_BLOCK)."""
    if not text.isascii():
        return len(_GUIDELINE_BLOCK.findall(text))
    return sum(
        1
        for match in _GUIDELINE_WORDS.finditer(text.lower())
        if not text[text.rfind("\n", 0, match.start()) + 1 : match.start()].strip(" \t")
    )
