"""MEDICAL PROFESSIONAL REVIEW / ISSUE AT DISPUTE letters (placeholder)."""

from __future__ import annotations

from imr_llm.formats.decision_list import parse_decision_list
from imr_llm.formats.parsed import ParsedLetter


def parse_professional_review(text: str) -> ParsedLetter:
    return parse_decision_list(text, "dwc-professional-review")
