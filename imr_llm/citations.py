"""Guideline citations: "Decision based on MTUS ... 2004, Section(s): ..." into typed Citations."""

from __future__ import annotations

import re

from imr_llm import regex_cache
from imr_llm.caseless import may_hold
from imr_llm.normalize import collapse_ws
from imr_llm.schema import Citation, GuidelineSource

_BASED_ON = regex_cache.compile(r"Decision\s+based\s+on\s+", re.I)
_NO_CITATION = regex_cache.compile(
    r"did\s+not\s+cite\s+any|no\s+(?:medical\s+)?(?:evidence|guideline)s?\s+cited", re.I
)
_NO_CITATION_WORDS = ("cite",)
"""Every match of _NO_CITATION holds this (caseless.may_hold)."""
_YEAR = regex_cache.compile(r"\b(19[89]\d|20[0-4]\d)\b")
_PAGES = regex_cache.compile(r"Page\(?s?\)?\s*:?\s*([\d][\d\-–, ]*)", re.I)
_PAGES_WORDS = ("page",)
"""Every match of _PAGES holds this (caseless.may_hold)."""
_SECTIONS = regex_cache.compile(r"Section\(s\)\s*:\s*(.+)$", re.I)
_SECTIONS_WORDS = ("section(s)",)
"""Every match of _SECTIONS holds this (caseless.may_hold)."""
_SECTION_CUT = regex_cache.compile(r",\s*(?![^()]*\))")
_TITLE_LEAD = regex_cache.compile(r"^(?:CA\s+)?(?:Non-MTUS\s+Citation\s+|MTUS\s+)")
_OUTSIDE_MTUS = regex_cache.compile(r"outside\s+of\s+the\s+MTUS", re.I)
_MTUS_LEAD = regex_cache.compile(r"^\s*(?:CA\s+)?MTUS\s+")
_OTHER_PARTS = regex_cache.compile(
    r"\s+and\s+(?=Other\s+Medical\s+Treatment\s+Guidelines|(?:the\s+)?Official\s+Disability|"
    r"ODG\b|ACOEM\b|APA\b|American\s+Psychiatric)",
    re.I,
)
_OTHER_PREFIX = regex_cache.compile(
    r"^\s*(?:Non-MTUS\s+Citation|Other\s+Medical\s+Treatment\s+Guidelines)\s*", re.I
)
_AND_NEXT = regex_cache.compile(r",?\s+and\s+(?=[A-Z])")

# Checked in order: the first source whose pattern matches a non-MTUS citation names it. The
# words: every match of the pattern holds one of them (caseless.may_hold, the test before it).
_SOURCE_PATTERNS: tuple[tuple[GuidelineSource, re.Pattern[str], tuple[str, ...]], ...] = (
    (
        "ODG",
        regex_cache.compile(r"Official\s+Disability\s+Guidelines|\bODG\b", re.I),
        ("official", "odg"),
    ),
    (
        "ACOEM",
        regex_cache.compile(r"\bACOEM\b|Occupational\s+Medicine\s+Practice\s+Guidelines", re.I),
        ("acoem", "occupational"),
    ),
    (
        "APA",
        regex_cache.compile(r"American\s+Psychiatric\s+Association|\bAPA\b", re.I),
        ("american", "apa"),
    ),
)
_MTUS_FIRST = regex_cache.compile(r"\s*(?:CA\s+)?MTUS\b")


def _source_of(text: str) -> GuidelineSource:
    if _MTUS_FIRST.match(text):
        return "MTUS"
    low = text.lower()
    for source, pattern, words in _SOURCE_PATTERNS:
        if may_hold(text, words, low) and pattern.search(text):
            return source
    return "other"


def _mtus_parts(body: str) -> list[str]:
    """'Low Back Complaints 2004, Section(s): X, and Chronic Pain ... 2016, Section(s): Y' -> two
    parts; an 'and' inside a title ('Forearm, Wrist, and Hand Complaints 2004') does not split."""
    parts: list[str] = []
    start = 0
    for match in _AND_NEXT.finditer(body):
        segment = body[start : match.start()]
        if _YEAR.search(segment) and _YEAR.search(body[match.end() :]):
            parts.append(segment)
            start = match.end()
    parts.append(body[start:])
    return [p.strip() for p in parts if p.strip()]


def _split_by_source(text: str) -> list[str]:
    """Split a run-on citation where a second named source begins ("ODG ... Harris J. ACOEM")."""
    low = text.lower()
    cuts: list[tuple[int, GuidelineSource]] = sorted(
        (match.start(), source)
        for source, pattern, words in _SOURCE_PATTERNS
        if may_hold(text, words, low)
        for match in pattern.finditer(text)
    )
    starts = [0]
    current = _source_of(text)
    for position, source in cuts:
        if source != current and position > starts[-1] + 10:
            starts.append(position)
            current = source
    return [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def _one(text: str, source: GuidelineSource, full: str) -> Citation:
    pages = _PAGES.search(text) if may_hold(text, _PAGES_WORDS) else None
    body = _PAGES.sub("", text) if pages else text
    sections_match = _SECTIONS.search(body) if may_hold(body, _SECTIONS_WORDS) else None
    sections = (
        [s.strip(" .") for s in _SECTION_CUT.split(sections_match.group(1)) if s.strip(" .")]
        if sections_match
        else []
    )
    head = body[: sections_match.start()] if sections_match else body
    year = _YEAR.search(head) or _YEAR.search(text)
    title = head[: year.start()] if year and year.start() > 3 else head
    title = _TITLE_LEAD.sub("", collapse_ws(title))
    return Citation(
        source=source,
        title=title.strip(" ,.;:") or None,
        year=int(year.group(1)) if year else None,
        sections=sections,
        pages=pages.group(1).strip(" ,") if pages else None,
        text=full,
    )


def parse_citations(
    guideline_text: str, memo: dict[str, list[Citation]] | None = None
) -> list[Citation]:
    """Every citation in one side's guideline paragraph, in letter order. `memo`, when given, is
    one letter's memo (paragraph -> citations): a letter's items often cite the same paragraph,
    and each item gets citations of its own (copies, with lists of their own)."""
    if memo is None:
        return _parse_citations(guideline_text)
    known = memo.get(guideline_text)
    if known is None:
        memo[guideline_text] = known = _parse_citations(guideline_text)
        return known
    return [c.model_copy(update={"sections": list(c.sections)}) for c in known]


def _parse_citations(guideline_text: str) -> list[Citation]:
    text = collapse_ws(guideline_text)
    if not text or (may_hold(text, _NO_CITATION_WORDS) and _NO_CITATION.search(text)):
        return []
    chunks = [c.strip() for c in _BASED_ON.split(text)[1:] if c.strip()]
    if not chunks:
        if _OUTSIDE_MTUS.search(text) and not _YEAR.search(text):
            return []
        return _prose_citations(text)
    citations: list[Citation] = []
    for chunk in chunks:
        chunk = chunk.rstrip(" .")
        source = _source_of(chunk)
        if source == "MTUS":
            body = _MTUS_LEAD.sub("", chunk)
            for part in _mtus_parts(body):
                citations.append(_one(part, "MTUS", chunk))
        else:
            for part in _OTHER_PARTS.split(chunk):
                for piece in _split_by_source(_OTHER_PREFIX.sub("", part)):
                    citations.append(_one(piece, _source_of(piece), chunk))
    return citations


_MTUS_IN_PROSE = regex_cache.compile(
    r"(?<!Non-)\bMTUS\b|Medical\s+Treatment\s+Utilization\s+Schedule|Chronic\s+Pain\s+Medical\s+"
    r"Treatment\s+Guidelines|Postsurgical\s+Treatment\s+Guidelines|Acupuncture\s+Medical\s+"
    r"Treatment\s+Guidelines",
    re.I,
)

_PROSE_CUT = regex_cache.compile(r"(?<=\.)\s+(?=[A-Z])|;\s+|,\s+and\s+(?:the\s+)?")
_PROSE_LEAD = regex_cache.compile(
    r"^.*?\bbased\s+(?:its|his/her|their)\s+decision\s+on\s+(?:the\s+)?", re.I
)


def _prose_citations(text: str) -> list[Citation]:
    """Citations written as prose ("based its decision on the MTUS ..., and the ODG ...")."""
    citations: list[Citation] = []
    for sentence in _PROSE_CUT.split(text):
        if _MTUS_IN_PROSE.search(sentence):
            source: GuidelineSource = "MTUS"
        else:
            source = next(
                (name for name, pattern, _ in _SOURCE_PATTERNS if pattern.search(sentence)), "other"
            )
            if source == "other" and not _YEAR.search(sentence):
                continue
        cleaned = _PROSE_LEAD.sub("", sentence)
        citations.append(_one(cleaned, source, sentence))
    return citations


def distinct_sources(citations: list[Citation]) -> list[GuidelineSource]:
    return list(dict.fromkeys(c.source for c in citations))
