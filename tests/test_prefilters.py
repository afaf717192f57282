"""The cheap tests before the reason and denial regexes can never change an answer.

Two kinds: a word table (a regex runs only where one of its words stands: every match of the
regex must hold one of them) and a `Caseless` twin (a re.IGNORECASE regex searched as its
lower-case twin on lower-cased ASCII text: same matches at the same places). Both are checked on
every sentence of every real letter (as written and with its case swapped) and on text
generated from the regex itself (hypothesis: random ASCII text around a match, random case);
each word of a table is shown needed (without it, generated text matches with none of the
others), so the test fails if a needed word is taken out.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import LETTERS, real_letter_stems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imr_llm import denials, rationale, reasons
from imr_llm.caseless import Caseless, lower_letters, may_hold
from imr_llm.prepare import prepare, skeleton

# (name, words, the regex every match of which holds one of the words). The word tables added
# for speed, and those that were there before.
TABLES: list[tuple[str, tuple[str, ...], str]] = [
    ("_NO_PRIOR_USE", reasons._NO_PRIOR_USE_WORDS, reasons._NO_PRIOR_USE.pattern),
    ("_LACKS not", denials._LACKS_NOT_WORDS, denials._LACKS.pattern.pattern),
    ("_LACKS", denials._LACKS_WORDS, denials._LACKS.pattern.pattern),
    ("_SAFETY", denials._SAFETY_WORDS, denials._SAFETY.pattern.pattern),
    ("_ALREADY", denials._ALREADY_WORDS, denials._ALREADY.pattern.pattern),
    ("_GOES_WITH", denials._GOES_WITH_WORDS, denials._GOES_WITH.pattern.pattern),
    ("_OVER", denials._OVER_WORDS, denials._OVER.pattern.pattern),
    *(
        (f"_BACKGROUND {words!r}", (words,), part.pattern.pattern)
        for words, part in reasons._BACKGROUND
    ),
]
# Tables whose every word is needed (the older ones hold a few spares, e.g. "max" beside
# "maximum"): a smaller table would let the regex be skipped where it matches.
MINIMAL = ("_NO_PRIOR_USE", "_LACKS not")


def _caseless() -> list[tuple[str, Caseless]]:
    found = [
        (f"{module.__name__}.{name}", value)
        for module in (reasons, denials, rationale)
        for name, value in vars(module).items()
        if isinstance(value, Caseless)
    ]
    for rule in reasons.RULES:
        found.append((rule.code, rule.concept))
        if rule.unless:
            found.append((f"{rule.code} unless", rule.unless))
    found += [(f"_BACKGROUND {word!r}", part) for word, part in reasons._BACKGROUND]
    return found


CASELESS = _caseless()


@cache
def sentences() -> list[str]:
    """Every rationale sentence of every real letter, as written and with its case swapped."""
    texts: dict[str, None] = {}
    for stem in real_letter_stems():
        for treatment in skeleton(prepare(str(LETTERS / f"{stem}.txt"))).treatments:
            for sentence in treatment.sentences:
                for text in (sentence.text, sentence.text.swapcase()):
                    texts[text] = None
    return list(texts)


def _ascii_matching(pattern: str) -> st.SearchStrategy[str]:
    """ASCII text holding a match of `pattern` (in any case) among other characters."""
    return st.from_regex(re.compile(pattern, re.I), alphabet=st.characters(codec="ascii"))


def _ascii_around(pattern: str) -> st.SearchStrategy[str]:
    r"""The same, whitespace collapsed as in a rationale sentence (the word tables hold words
    such as "more than" where the regex has `more\s+than`)."""
    return _ascii_matching(pattern).map(lambda text: re.sub(r"\s+", " ", text))


def _holds(words: tuple[str, ...], text: str) -> bool:
    low = text.lower()
    return any(word in low for word in words)


@pytest.mark.parametrize(("name", "words", "pattern"), TABLES, ids=[t[0] for t in TABLES])
def test_every_match_holds_a_word_of_its_table(
    name: str, words: tuple[str, ...], pattern: str
) -> None:
    regex = re.compile(pattern, re.I)
    checked = 0
    for text in sentences():
        for match in regex.finditer(text):
            checked += 1
            assert _holds(words, match.group(0)), (name, match.group(0))
    if name in MINIMAL:
        assert checked > 0, f"{name} matches no real sentence: the corpus does not test it"


@pytest.mark.proofs_full
@pytest.mark.parametrize(("name", "words", "pattern"), TABLES, ids=[t[0] for t in TABLES])
def test_every_generated_match_holds_a_word_of_its_table(
    name: str, words: tuple[str, ...], pattern: str
) -> None:
    regex = re.compile(pattern, re.I)

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(_ascii_around(pattern))
    def generated(text: str) -> None:
        if regex.search(text):
            assert _holds(words, text), (name, text)

    generated()


# For each word of the new tables, a sentence the regex matches that holds no other word of it.
WITNESSES: dict[str, dict[str, str]] = {
    "_NO_PRIOR_USE": {
        "previous": "There is no documentation of previous use of Tramadol.",
        "prior": "The records do not show prior trials of this medication.",
        "past": "There is no past treatment with Lidoderm.",
        "earlier": "Without earlier usage of the cream, it is new care.",
    },
    "_LACKS not": {
        "not": "The frequency was not provided.",
        "fail": "The request fails to provide the quantity.",
        "unknown": "The duration is unknown.",
        "unclear": "The body part is unclear.",
        "undetermined": "The request is for an undetermined quantity.",
        "stated": "It was for no stated duration.",
        "specified": "The request is for an unspecified quantity.",
        "without": "The request is without a specific frequency.",
    },
}


@pytest.mark.parametrize("name", MINIMAL)
def test_every_word_of_a_new_table_is_needed(name: str) -> None:
    """Each word of the table is the only one in some sentence the regex matches: without it,
    the table would skip the regex where it matches."""
    _, words, pattern = next(t for t in TABLES if t[0] == name)
    regex = re.compile(pattern, re.I)
    for word, witness in WITNESSES[name].items():
        assert regex.search(witness), witness
        assert [w for w in words if w in witness.lower()] == [word], witness
    assert set(WITNESSES[name]) == set(words)


def test_reported_words_stand_in_every_match_as_written() -> None:
    """_REPORTED is case-sensitive ("UR", not "ur"), so its words are tested as written."""
    regex = reasons._REPORTED
    words = reasons._REPORTED_WORDS
    matches = [m.group(0) for text in sentences() for m in regex.finditer(text)]
    assert matches and all(any(w in m for w in words) for m in matches)
    for word, witness in (
        ("utilization", "The utilization reviewer denied it."),
        ("UR", "The UR denied it."),
    ):
        assert regex.search(witness) and [w for w in words if w in witness] == [word]

    @settings(max_examples=30, deadline=None, database=None, derandomize=True)
    @given(st.from_regex(regex, alphabet=st.characters(codec="ascii")))
    def generated(text: str) -> None:
        assert any(word in text for word in words)
        assert reasons._reported(text)

    generated()


def test_may_hold_sends_text_it_cannot_judge_to_the_regex() -> None:
    # re.IGNORECASE matches "ſ" (long s) for "s", which no lower-case word test sees.
    assert re.search("sustained", "ſustained", re.I)
    assert may_hold("ſustained", ("sustained",))
    assert not may_hold("maintained", ("sustained",))
    assert may_hold("Sustained", ("sustained",), "sustained")


@pytest.mark.parametrize(("name", "caseless"), CASELESS, ids=[c[0] for c in CASELESS])
def test_a_lower_case_twin_finds_what_its_pattern_finds(name: str, caseless: Caseless) -> None:
    pattern = caseless.pattern.compiled
    twin = caseless.lowered.compiled
    assert twin.groupindex == pattern.groupindex and not twin.flags & re.I
    # The ASCII sentences as one text (one search in C instead of thousands; pattern and twin
    # see the same text), and each other sentence alone (there the pattern itself runs).
    ascii_text = "\n".join(text for text in sentences() if text.isascii())
    others = [text for text in sentences() if not text.isascii()]
    for text in (ascii_text, *others):
        low = text.lower()
        spans = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in caseless.finditer(text, low)] == spans, name
        first = caseless.search(text, low)
        assert (first.span() if first else None) == (spans[0] if spans else None)
        assert caseless.sub("#", text, low) == pattern.sub("#", text), name


@pytest.mark.proofs_full
@pytest.mark.parametrize(("name", "caseless"), CASELESS, ids=[c[0] for c in CASELESS])
def test_a_lower_case_twin_finds_what_its_pattern_finds_in_generated_text(
    name: str, caseless: Caseless
) -> None:
    pattern = caseless.pattern.compiled

    @settings(
        max_examples=4,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(_ascii_matching(caseless.pattern.pattern))
    def generated(text: str) -> None:
        low = text.lower()
        expected = [m.span() for m in pattern.finditer(text)]
        assert expected, "the text was generated to hold a match"
        assert [m.span() for m in caseless.finditer(text, low)] == expected
        assert caseless.sub("#", text, low) == pattern.sub("#", text)

    generated()


def test_twins_lower_only_the_letters_a_pattern_matches() -> None:
    assert lower_letters(r"\bMED\b|\S+(?P<Name>X)(?P=Name)[A-Z]") == (
        r"\bmed\b|\S+(?P<Name>x)(?P=Name)[a-z]"
    )
    # Text that is not ASCII goes to the pattern itself: "ſ" is an "s" only to re.IGNORECASE.
    # (A module's own twin: a new one here would declare patterns the modules do not have.)
    twin = reasons._NEGATION
    assert twin.search("Its abſence.", "its abſence.") is not None
    assert twin.search("ITS ABSENCE.", "its absence.") is not None
    assert twin.search("Its presence.", "its presence.") is None


def test_an_injury_the_worker_sustained_is_background() -> None:
    """The history sentence is background, never a finding of the reviewer (the table's pattern
    once began with a stray backspace character and so never matched "sustained"); a sentence
    on sustained improvement stays a finding."""
    for sentence in (
        "The injured worker sustained an industrial injury on 05/14/2013.",
        "The patient sustained a work-related cumulative trauma injury.",
        "He sustained injuries to the neck and back.",
    ):
        assert reasons._background(sentence, sentence.lower()), sentence
    for sentence in (
        "There is no documentation of sustained functional improvement.",
        "The pain relief was not sustained after the injured knee was treated.",
    ):
        assert not reasons._background(sentence, sentence.lower()), sentence
