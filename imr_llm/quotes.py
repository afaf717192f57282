"""The one answer to "is this quote in the letter, and where?": used by the LLM engine's
validators (a quote they accept is one it can place), the engine (the span of each reason's
evidence) and the eval report (where a missed value stands in the letter).

Whitespace never matters; case matters only when an exact-case match exists (reasons.find_span,
the offline engine's own locator, is tried first, so its spans are unchanged).

May import: reasons, schema.
"""

from __future__ import annotations

import re

from imr_llm.reasons import find_span
from imr_llm.schema import Span


def locate_quote(text: str, quote: str) -> Span | None:
    """Where `quote` stands in `text` (whitespace- and case-insensitively), or None."""
    span = find_span(text, quote)
    if span is not None:
        return span
    words = quote.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(word) for word in words), text, re.I)
    return Span(start=match.start(), end=match.end()) if match else None
