"""One quote locator: what the validators accept, the engine can place in the letter."""

from __future__ import annotations

import pytest
from conftest import LETTERS

from imr_llm.normalize import normalize_text
from imr_llm.quotes import locate_quote
from imr_llm.reasons import find_span

TEXT = normalize_text((LETTERS / "CM16-0213037.txt").read_text(encoding="utf-8"))


def test_an_exact_quote_is_where_the_offline_locator_puts_it() -> None:
    quote = " ".join(TEXT[2000:2080].split()[1:-1])
    assert locate_quote(TEXT, quote) == find_span(TEXT, quote)
    span = locate_quote(TEXT, quote)
    assert span is not None
    assert " ".join(TEXT[span.start : span.end].split()) == quote


@pytest.mark.parametrize("change", [str.upper, lambda q: q.replace(" ", "\n  ")])
def test_case_and_whitespace_do_not_matter(change: object) -> None:
    quote = " ".join(TEXT[3000:3060].split()[1:-1])
    span = locate_quote(TEXT, change(quote))  # type: ignore[operator]
    assert span is not None
    assert " ".join(TEXT[span.start : span.end].split()).lower() == quote.lower()


@pytest.mark.parametrize("quote", ["The patient flew to the moon.", "", "   "])
def test_words_not_in_the_letter_have_no_place(quote: str) -> None:
    assert locate_quote(TEXT, quote) is None
