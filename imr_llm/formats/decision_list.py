"""Formats whose items read "<request>: Upheld|Overturned": about 2014 (seeds), 2016-2017, and the
later DOCUMENTS REVIEWED layout. They differ only in where the header and the items start."""

from __future__ import annotations

import re

from imr_llm import regex_cache
from imr_llm.formats.common import (
    check_complete,
    count_guideline_blocks,
    find_decision_items,
    parse_credentials,
)
from imr_llm.formats.header import read_header
from imr_llm.formats.lines import LineRule
from imr_llm.formats.parsed import ParsedLetter
from imr_llm.schema import LetterFormat

_HOW_MADE = regex_cache.compile(r"HOW\s+THE\s+IMR\s+FINAL\s+DETERMINATION\s+WAS\s+MADE", re.I)
_SUMMARY = LineRule(r"(?:CLINICAL\s+)?CASE\s+SUMMARY", r"[ \t]*$")
_DOCUMENTS = LineRule(r"DOCUMENTS\s+REVIEWED", r"[ \t]*:?[ \t]*$")
_ITEMS_HEADING = LineRule(
    r"IMR\s+(?:ISSUES,\s+DECISIONS\s+AND\s+RATIONALES|DECISION\(S\)\s+AND\s+RATIONALE\(S\))",
    r"[ \t]*$",
)


def parse_decision_list(text: str, letter_format: LetterFormat, low: str) -> ParsedLetter:
    """Parse a letter of one of these formats (`low` is `text.lower()`)."""
    parsed = ParsedLetter(format=letter_format, text=text)
    how_made = _HOW_MADE.search(text)
    items_heading = _ITEMS_HEADING.search(text, low)
    header_end = how_made.start() if how_made else (items_heading.start() if items_heading else 0)
    parsed.header, header_warnings = read_header(text[:header_end] if header_end else text[:1500])
    parsed.warnings += header_warnings
    credentials_end = items_heading.start() if items_heading else len(text)
    parsed.licensure, parsed.specialty = parse_credentials(text, low, credentials_end)
    summary = _SUMMARY.search(text, low)
    if summary:
        end = items_heading.start() if items_heading else len(text)
        documents = _DOCUMENTS.search(text, low, summary.end(), end)
        parsed.summary = text[summary.end() : documents.start() if documents else end].strip()
    section_start = items_heading.end() if items_heading else header_end
    if not items_heading:
        parsed.warnings.append(
            "the heading of the decisions section was not found; items were read best-effort"
        )
    parsed.items = find_decision_items(text, section_start, low)
    check_complete(parsed.items, count_guideline_blocks(text[section_start:]))
    return parsed
