"""Detect which DWC letter format a text is in, and parse it with that format's parser.

Detection is a table, checked in order; the first format whose markers all appear wins.

May import: normalize, dates, caseless, lazy_regex, regex_cache, schema, errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from imr_llm import regex_cache
from imr_llm.errors import LetterParseError, NotAnImrLetterError
from imr_llm.formats.decision_list import parse_decision_list
from imr_llm.formats.parsed import ParsedLetter, RawItem
from imr_llm.formats.statements import parse_dwc2013, parse_professional_review
from imr_llm.schema import LetterFormat

__all__ = ["ParsedLetter", "RawItem", "parse_letter"]


@dataclass(frozen=True)
class _FormatRule:
    name: LetterFormat
    markers: tuple[re.Pattern[str], ...]
    parse: Callable[[str, str], ParsedLetter]
    """(text, text.lower()) -> the parsed letter."""


def _rx(pattern: str) -> re.Pattern[str]:
    """A marker, matched against the lowercased text: about 3 times faster than re.I, which
    cannot use the literal-prefix search. (An escape like \\S would change meaning when
    lowercased, so none is allowed.)"""
    if re.search(r"\\[A-Z]", pattern):
        raise ValueError(f"marker {pattern!r}: upper-case escapes cannot be lowercased")
    return regex_cache.compile(pattern.lower(), re.M)


_RULES: tuple[_FormatRule, ...] = (
    _FormatRule(
        "dwc-professional-review",
        (_rx(r"MEDICAL\s+PROFESSIONAL\s+REVIEW"), _rx(r"ISSUE\s+AT\s+DISPUTE")),
        lambda text, low: parse_professional_review(text),
    ),
    _FormatRule(
        "dwc-documents-reviewed",
        # The heading first: a search for it is 6 times cheaper than for `^\s*DOCUMENTS`.
        (_rx(r"IMR\s+DECISION\(S\)\s+AND\s+RATIONALE\(S\)"), _rx(r"^\s*DOCUMENTS\s+REVIEWED")),
        lambda text, low: parse_decision_list(text, "dwc-documents-reviewed", low),
    ),
    _FormatRule(
        "dwc-2013",
        (_rx(r"has\s+determined\s+the\s+request\s+for"),),
        lambda text, low: parse_dwc2013(text),
    ),
    _FormatRule(
        "dwc-2016",
        (_rx(r"Case\s+Number\s*:"), _rx(r"IMR\s+ISSUES,\s+DECISIONS\s+AND\s+RATIONALES")),
        lambda text, low: parse_decision_list(text, "dwc-2016", low),
    ),
    _FormatRule(
        "dwc-2014",
        (
            _rx(r"HOW\s+THE\s+IMR\s+FINAL\s+DETERMINATION\s+WAS\s+MADE"),
            _rx(r"IMR\s+ISSUES,\s+DECISIONS\s+AND\s+RATIONALES"),
        ),
        lambda text, low: parse_decision_list(text, "dwc-2014", low),
    ),
)

_IMR_SIGNS = (
    _rx(r"Independent\s+Medical\s+Review|\bIMR\b"),
    _rx(r"MAXIMUS"),
    _rx(r"\b(Upheld|Overturned)\b|medically\s+necessary"),
)


def _format_rule(folded: str) -> _FormatRule | None:
    for rule in _RULES:
        if all(marker.search(folded) for marker in rule.markers):
            return rule
    return None


def _has_imr_signs(folded: str) -> bool:
    """At least two of the _IMR_SIGNS (the signs after the second are not searched)."""
    found = (sign for sign in _IMR_SIGNS if sign.search(folded))
    return next(found, None) is not None and next(found, None) is not None


def parse_letter(text: str) -> ParsedLetter:
    """Parse normalised letter text. Raises NotAnImrLetterError for text that is not a letter."""
    folded = text.lower()
    if not _has_imr_signs(folded):
        raise NotAnImrLetterError(
            "this is not an IMR final determination letter (no IMR, MAXIMUS or "
            "Upheld/Overturned wording found); pass the letter MAXIMUS sent"
        )
    rule = _format_rule(folded)
    if rule is not None:
        parsed = rule.parse(text, folded)
        if not parsed.items:
            raise LetterParseError(
                f"this looks like a {rule.name} letter, but no decided item could be read; "
                "the file may be incomplete - check it against the original letter"
            )
        return parsed
    parsed = parse_decision_list(text, "unknown", folded)
    parsed.warnings.insert(
        0, "unfamiliar letter layout: read best-effort; check every item against the letter"
    )
    if not parsed.items:
        raise NotAnImrLetterError(
            "no decided items found: the text mentions IMR but has no '<treatment>: Upheld' or "
            "'Overturned' lines; pass the complete final determination letter"
        )
    return parsed
