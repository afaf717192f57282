"""read_denial tests each word table once on all of an item's sentences joined by newlines
(denials._held) before it reads the sentences one by one: the joined test must say yes exactly
when one of the sentences holds one of the words, or an item would lose its denial kind."""

from __future__ import annotations

from functools import cache

import pytest
from conftest import LETTERS, real_letter_stems

from imr_llm import denials
from imr_llm.prepare import prepare, skeleton
from imr_llm.schema import RationaleSentence

WORD_TABLES = {
    "_SAFETY_WORDS": denials._SAFETY_WORDS,
    "_LACKS_WORDS": denials._LACKS_WORDS,
    "_ALREADY_WORDS": denials._ALREADY_WORDS,
    "_GOES_WITH_WORDS": denials._GOES_WITH_WORDS,
    "_OVER_WORDS": denials._OVER_WORDS,
}


@cache
def items() -> tuple[tuple[RationaleSentence, ...], ...]:
    """Every real letter's items' sentences."""
    return tuple(
        tuple(treatment.sentences)
        for stem in real_letter_stems()
        for treatment in skeleton(prepare(str(LETTERS / f"{stem}.txt"))).treatments
    )


@pytest.mark.parametrize("name", sorted(WORD_TABLES))
def test_no_word_holds_a_newline(name: str) -> None:
    # A word without a newline found in the joined text stands inside one sentence.
    assert all("\n" not in word for word in WORD_TABLES[name])


@pytest.mark.parametrize("name", sorted(WORD_TABLES))
def test_the_joined_test_answers_as_the_sentences_one_by_one(name: str) -> None:
    words = WORD_TABLES[name]
    answers = set()
    for sentences in items():
        lows = [s.text.lower() for s in sentences]
        expected = any(word in low for low in lows for word in words)
        assert denials._held(words, "\n".join(lows)) == expected, [s.text for s in sentences]
        answers.add(expected)
    assert answers == {True, False}, "the letters should give both answers"


def test_a_word_is_not_found_across_two_sentences() -> None:
    # "as" ending one sentence and "well" starting the next are not "as well".
    lows = ["he was seen as", "well as before"]
    assert not denials._held(("as well",), "\n".join(lows))
    assert denials._held(("as well",), "\n".join([*lows, "seen as well"]))


def test_an_item_with_no_word_of_a_table_is_read_as_before() -> None:
    sentences = [
        RationaleSentence(id=0, text="The guidelines support this in general.", role="guideline"),
        RationaleSentence(id=1, text="The patient has not improved.", role="finding"),
        RationaleSentence(id=2, text="Therefore it is not medically necessary.", role="conclusion"),
    ]
    read = denials.read_denial(sentences, upheld=True)
    assert read.kind == "medical" and read.lacks == [] and read.safety_notes == []
    sentences.append(
        RationaleSentence(
            id=3,
            text="The request exceeds the guideline limit of 6 visits.",
            role="finding",
        )
    )
    assert denials.read_denial(sentences, upheld=True).kind == "over-guideline-limit"


def test_the_limit_and_the_count_are_kept_as_written() -> None:
    # _LIMIT and _DONE run as lower-case twins (caseless.Caseless): their matches are taken from
    # the sentence itself, in its own case.
    sentences = [
        RationaleSentence(
            id=0, text="The MTUS allows Up To 10 Visits Over 8 Weeks.", role="guideline"
        ),
        RationaleSentence(
            id=1,
            text="The patient Has Completed 24 Sessions To Date, which exceeds the guidelines.",
            role="finding",
        ),
    ]
    read = denials.read_denial(sentences, upheld=True)
    assert read.kind == "over-guideline-limit"
    assert read.guideline_limit == "Up To 10 Visits Over 8 Weeks"
    assert read.count_done == "Completed 24 Sessions"
