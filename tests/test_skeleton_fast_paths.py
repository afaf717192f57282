"""The fast forms of the diagnosis and citation rules find what the plain rules find.

diagnoses: the sentence split found from the end mark (no look-behind) cuts every summary where
the look-behind split cuts it, and the lower-case twins of `_INTRO` and `_CONDITION` find what the
patterns find. citations: the cheap word tests before `_PAGES` and `_SECTIONS` never skip a
text the regex matches. Checked on every real letter (its case summary and each of its
pieces, its guideline paragraphs) as written and with the case swapped, and on generated text.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import LETTERS, real_letter_stems
from hypothesis import given, settings
from hypothesis import strategies as st

from imr_llm import citations, diagnoses
from imr_llm.caseless import may_hold
from imr_llm.normalize import collapse_ws
from imr_llm.prepare import prepare

LOOK_BEHIND_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z\"])")
"""The summary's sentence split as first written (a look-behind for the end mark)."""


@cache
def _letters() -> list[tuple[str, list[str]]]:
    """(flattened case summary, guideline paragraphs) of every real letter."""
    out: list[tuple[str, list[str]]] = []
    for stem in real_letter_stems():
        parsed = prepare(str(LETTERS / f"{stem}.txt")).parsed
        guidelines = [
            text
            for item in parsed.items
            for text in (item.claims_administrator_guideline, item.reviewer_guideline)
            if text
        ]
        out.append((collapse_ws(parsed.summary), guidelines))
    return out


@cache
def _summary_texts() -> list[str]:
    """Every summary, each of its sentences and each piece of a list, in both cases."""
    texts: dict[str, None] = {}
    for summary, _ in _letters():
        for sentence in [summary, *LOOK_BEHIND_SPLIT.split(summary)]:
            for cut in [sentence, *(piece for _, piece in diagnoses._pieces(sentence))]:
                texts[cut] = None
                texts[cut.swapcase()] = None
    return list(texts)


def test_sentences_cut_where_the_look_behind_split_cuts() -> None:
    for summary, _ in _letters():
        for text in (summary, summary.swapcase()):
            assert list(diagnoses._sentences(text)) == LOOK_BEHIND_SPLIT.split(text)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("ab A.\"')]!?\n"))))
def test_sentences_cut_where_the_look_behind_split_cuts_on_generated_text(text: str) -> None:
    assert list(diagnoses._sentences(text)) == LOOK_BEHIND_SPLIT.split(text)


TWINS = {"_INTRO": diagnoses._INTRO, "_CONDITION": diagnoses._CONDITION}


@pytest.mark.parametrize("name", TWINS)
def test_diagnosis_twins_find_what_their_patterns_find(name: str) -> None:
    twin = TWINS[name]
    pattern = twin.pattern.compiled
    checked = 0
    for text in _summary_texts():
        low = text.lower()
        spans = [m.span() for m in pattern.finditer(text)]
        checked += len(spans)
        assert [m.span() for m in twin.finditer(text, low)] == spans, (name, text)
        first = twin.search(text, low)
        assert (first.span() if first else None) == (spans[0] if spans else None), name
    assert checked > 0, name


def test_page_and_section_words_stand_in_every_match() -> None:
    texts = [
        text
        for _, guidelines in _letters()
        for paragraph in guidelines
        for flat in (collapse_ws(paragraph),)
        for text in (flat, flat.swapcase())
    ]
    for pattern, words in (
        (citations._PAGES, citations._PAGES_WORDS),
        (citations._SECTIONS, citations._SECTIONS_WORDS),
    ):
        found = 0
        for text in texts:
            for match in pattern.finditer(text):
                found += 1
                assert any(word in match.group(0).lower() for word in words), match.group(0)
            assert may_hold(text, words) or pattern.search(text) is None
        assert found > 0, pattern.pattern
