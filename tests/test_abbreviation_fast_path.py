"""rationale._is_abbreviation answers most sentence ends without its regex: when the text before
the period ends in more letters than the longest abbreviation has, it is no abbreviation. Its
answer must be the regex's own on every period of every letter and on edge cases."""

from __future__ import annotations

import pytest
from conftest import LETTERS

from imr_llm import rationale
from imr_llm.prepare import prepare


def _by_the_regex(before: str) -> bool:
    """_is_abbreviation without its fast path."""
    match = rationale._LAST_WORD.search(before[-24:])
    if not match:
        return False
    word = match.group(1)
    return (len(word) == 1 and word != "I") or word.lower() in rationale._ABBREVIATIONS


def _befores() -> list[str]:
    """The text before every period that ends a sentence or an abbreviation in every letter, from
    the start of its sentence (as split_sentences reads it) and from the start of the letter."""
    out = []
    for path in sorted(LETTERS.glob("*.txt")):
        text = prepare(str(path)).text
        start = 0
        for match in rationale._BOUNDARY.finditer(text):
            for before in (text[start : match.start()], text[: match.start()]):
                out.append(before)
            if not _by_the_regex(text[start : match.start()]):
                start = match.end()
    return out


def test_every_period_in_the_letters_is_judged_as_by_the_regex() -> None:
    befores = _befores()
    assert len(befores) > 2000
    fast = 0
    for before in befores:
        assert rationale._is_abbreviation(before) == _by_the_regex(before), before[-30:]
        fast += len(before) > rationale._LONGEST and before[-rationale._LONGEST - 1 :].isalpha()
    assert 0 < fast < len(befores)  # both paths are taken


@pytest.mark.parametrize(
    "before",
    [
        "Dr",
        "see Approx",
        "approx",
        "xapprox",
        "Smith J",
        "Smith I",
        "e.g",
        "Ph.D",
        "the injured worker",
        "the injuréd",
        "the café au lait",
        "naïveté",
        "an abcdéfg",
        "ab.cdefghi",
        "x.approx",
        "see (approx",
        "dr\n",
        "longword\n",
        "p.r.n",
        "abcdefg",
        "abcdef",
        "(abcdefg",
        "1abcdefg",
        "_abcdefg",
    ],
)
def test_edge_cases_are_judged_as_by_the_regex(before: str) -> None:
    assert rationale._is_abbreviation(before) == _by_the_regex(before)
