"""2013 "Notice of Independent Medical Review Determination" letters (placeholder)."""

from __future__ import annotations

from imr_llm.formats.decision_list import parse_decision_list
from imr_llm.formats.parsed import ParsedLetter


def parse_dwc2013(text: str) -> ParsedLetter:
    return parse_decision_list(text, "dwc-2013")
