"""The parser's shortcuts give what the plain form gives: each cheap test before a regex, each
pattern rewritten for speed and each search started near the end is checked against the plain
form on every real letter and on generated text built to reach the shortcut's edges."""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import LETTERS
from hypothesis import given, settings
from hypothesis import strategies as st

from imr_llm import categories, citations, diagnoses, normalize, skeleton
from imr_llm.caseless import may_hold
from imr_llm.formats import _IMR_SIGNS, _has_imr_signs, common, decision_list, parse_letter
from imr_llm.formats.parsed import RawItem
from imr_llm.normalize import collapse_ws
from imr_llm.reading import read_letter

SETTINGS = settings(max_examples=100, derandomize=True, deadline=None)


@cache
def raw_texts() -> tuple[str, ...]:
    """Every letter's text as read, before normalising (text and PDF: pdfium's U+FFFE)."""
    paths = sorted(LETTERS.glob("*.txt")) + sorted(LETTERS.glob("*.pdf"))
    return tuple(read_letter(str(path)).text for path in paths)


@cache
def texts() -> tuple[str, ...]:
    return tuple(normalize.normalize_text(raw) for raw in raw_texts())


@cache
def items() -> tuple[RawItem, ...]:
    """Every parsed item of every letter (parsed once for the whole file)."""
    return tuple(item for text in texts() for item in parse_letter(text).items)


@cache
def corpus() -> tuple[str, ...]:
    """Every line, 400-character window and item header of every letter: the real text each
    word test is checked on."""
    lines = [line for text in texts() for line in text.split("\n")]
    windows = [collapse_ws(text[i : i + 400]) for text in texts() for i in range(0, 6000, 200)]
    return (*lines, *windows, *(item.decision_evidence for item in items()))


def rationale_tails() -> list[str]:
    return [item.rationale.rstrip() for item in items()] + [
        rationale[:cut].rstrip() for rationale in _rationales() for cut in (40, 41, 97)
    ]


def _rationales() -> list[str]:
    return [item.rationale for item in items()]


# --- normalize ---------------------------------------------------------------------------------

_MAPPED = "".join(normalize._CHAR_REPLACEMENTS)
mixed_text = st.text(alphabet=st.sampled_from(_MAPPED + "ab -\n\fx\u00e9\ufffe\u0131"), max_size=60)


@SETTINGS
@given(mixed_text)
def test_character_map_equals_one_translate_pass(text: str) -> None:
    table = str.maketrans(normalize._CHAR_REPLACEMENTS)
    assert normalize._map_chars(text) == text.translate(table)


def test_character_map_equals_translate_on_every_letter() -> None:
    table = str.maketrans(normalize._CHAR_REPLACEMENTS)
    assert any(not raw.isascii() for raw in raw_texts())  # both paths are exercised
    for raw in raw_texts():
        assert normalize._map_chars(raw) == raw.translate(table)


page_lines = st.text(
    alphabet=st.sampled_from("Page of 0123456789\u0663\u00b2\t\u2003x.\n"), max_size=20
)


@SETTINGS
@given(page_lines)
def test_every_page_number_ends_in_a_digit(line: str) -> None:
    """Arabic-Indic digits (a \\d), superscript two (not a \\d) and Unicode spaces included."""
    if normalize._PAGE_NUMBER.match(line):
        assert line.rstrip()[-1:].isdecimal()


def test_every_page_number_in_a_letter_ends_in_a_digit() -> None:
    lines = [line for raw in raw_texts() for line in raw.split("\n")]
    matched = [line for line in lines if normalize._PAGE_NUMBER.match(line)]
    assert matched  # the letters have page numbers: the check is not empty
    assert all(line.rstrip()[-1:].isdecimal() for line in matched)


hyphen_text = st.text(alphabet=st.sampled_from("ab Ab-\n -x"), max_size=40)


@SETTINGS
@given(hyphen_text)
def test_ascii_hyphen_pattern_finds_the_same_breaks(text: str) -> None:
    full = [(m.span(), m.groups()) for m in normalize._LINE_BREAK_HYPHEN.finditer(text)]
    ascii_only = [(m.span(), m.groups()) for m in normalize._LINE_BREAK_HYPHEN_ASCII.finditer(text)]
    assert ascii_only == full


def test_ascii_hyphen_pattern_finds_the_same_breaks_in_every_letter() -> None:
    for raw in raw_texts():
        text = raw.replace("\ufffe", "")
        full = [m.span() for m in normalize._LINE_BREAK_HYPHEN.finditer(text)]
        assert [m.span() for m in normalize._LINE_BREAK_HYPHEN_ASCII.finditer(text)] == full


@SETTINGS
@given(st.text(alphabet=st.sampled_from("a\n \r"), max_size=30))
def test_blank_run_pattern_is_three_or_more_newlines(text: str) -> None:
    assert normalize._BLANK_RUN.sub("\n\n", text) == re.sub(r"\n{3,}", "\n\n", text)


# --- formats ---------------------------------------------------------------------------------

ending_words = st.sampled_from([*common._UNFINISHED_WORDS.split("|"), "word", "BECAUSE", "Ther"])
tails = st.builds(
    lambda before, word, after: before + word + after,
    st.text(alphabet=st.sampled_from("ab .\n_1\u00e9"), max_size=12),
    ending_words,
    st.sampled_from(["", "\n", ".", " "]),
)


@SETTINGS
@given(tails)
def test_unfinished_search_from_near_the_end_is_a_search_from_the_start(tail: str) -> None:
    """With the newline that `$` may stand before: a reach one short would miss 'because\\n'."""
    near_end = max(0, len(tail) - common._UNFINISHED_REACH)
    found = common._UNFINISHED.search(tail, near_end)
    plain = common._UNFINISHED.search(tail)
    assert (found and found.span()) == (plain and plain.span())


def test_unfinished_search_on_every_rationale_end() -> None:
    hits = 0
    for tail in rationale_tails():
        near_end = max(0, len(tail) - common._UNFINISHED_REACH)
        found, plain = common._UNFINISHED.search(tail, near_end), common._UNFINISHED.search(tail)
        assert (found and found.span()) == (plain and plain.span())
        hits += plain is not None
    assert hits  # some cut rationales do end on such a word


def _broken_last_word_plain(text: str) -> bool:
    last = re.search(r"([A-Za-z]{2,})$", text)
    if not last:
        return False
    piece = last.group(1).lower()
    words = set(re.findall(r"[a-z]+", text[: last.start()].lower()))
    return piece not in words and any(w.startswith(piece) for w in words)


@SETTINGS
@given(st.text(alphabet=st.sampled_from("reqs uted.\u00e9R"), max_size=30))
def test_broken_last_word_equals_the_regex_form(text: str) -> None:
    tail = text.rstrip()
    assert common._broken_last_word(tail) == _broken_last_word_plain(tail)


def test_broken_last_word_equals_the_regex_form_on_every_rationale_end() -> None:
    tails = rationale_tails()
    assert any(_broken_last_word_plain(tail) for tail in tails)
    for tail in tails:
        assert common._broken_last_word(tail) == _broken_last_word_plain(tail)


def _header_start_plain(text: str, region_start: int, decision_pos: int) -> int:
    """The walk back as first written: every line of the region split, then walked."""
    starts, pos = [], region_start
    pieces = text[region_start:decision_pos].split("\n")
    for piece in pieces:
        starts.append(pos)
        pos += len(piece) + 1
    first = len(pieces) - 1
    while first > 0:
        prev, cur = pieces[first - 1], pieces[first]
        header_so_far = text[starts[first] : decision_pos]
        needs_original = common._MODIFIED_MARK.search(header_so_far) and not re.search(
            r"original\s+request\.", header_so_far, re.I
        )
        boundary = (
            not prev.strip()
            or common._NOT_A_REQUEST.search(prev)
            or (common._ENDS_SENTENCE.search(prev) and common._STARTS_SENTENCE.match(cur))
        )
        if boundary and not needs_original:
            break
        first -= 1
    return starts[first]


def test_header_walk_equals_the_split_form_on_every_decision_line() -> None:
    checked = 0
    for text in texts():
        heading = decision_list._ITEMS_HEADING.rule.search(text)
        section = heading.end() if heading else 0
        for match in common._DECISION_LINE.finditer(text, section):
            for region_start in (section, max(section, match.start() - 300), match.start()):
                expected = _header_start_plain(text, region_start, match.start())
                assert common._header_start(text, region_start, match.start()) == expected
                checked += 1
    assert checked > 100


header_text = st.lists(
    st.sampled_from(["\n", " ", "a", "X", ".", "Drug", "guidelines", "IMR eligible."]),
    max_size=12,
).map("".join)


@SETTINGS
@given(header_text, st.integers(0, 40), st.integers(0, 40))
def test_header_walk_equals_the_split_form(text: str, start: int, end: int) -> None:
    start, end = sorted((min(start, len(text)), min(end, len(text))))
    assert common._header_start(text, start, end) == _header_start_plain(text, start, end)


@pytest.mark.parametrize(
    "folded",
    ["", "imr", "imr maximus", "maximus upheld", "upheld", "independent medical review overturned"],
)
def test_imr_signs_counted_to_two(folded: str) -> None:
    assert _has_imr_signs(folded) == (sum(1 for s in _IMR_SIGNS if s.search(folded)) >= 2)


def _guideline_blocks_plain(text: str) -> int:
    return len(re.findall(r"^[ \t]*Claims\s+Administrator\s+guideline\s*:", text, re.M | re.I))


def test_guideline_blocks_counted_as_the_anchored_regex_on_every_letter() -> None:
    counted = [common.count_guideline_blocks(text) for text in texts()]
    assert counted == [_guideline_blocks_plain(text) for text in texts()]
    assert sum(counted) > 100


guideline_lines = st.lists(
    st.sampled_from(
        [
            "\n",
            " ",
            "\t",
            "x",
            ":",
            "Claims",
            "CLAIMS",
            "administrator",
            "Administrator ",
            "guideline",
            " Guideline",
            "\u017f",
            "\u212a",
            "\u0131",
            "Claims Administrator guideline",
        ]
    ),
    max_size=14,
).map("".join)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Claims Administrator guideline:", 1),
        ("\t Claims  administrator\nGUIDELINE :\nx", 1),
        ("a\n\tClaims Administrator guideline:\n  claims administrator guideline:", 2),
        ("x Claims Administrator guideline:", 0),
        ("\u00e9\n\tClaims Administrator guideline:", 1),
        ("\u00e9 Claims Administrator guideline:", 0),
        ("\n Claim\u017f Administrator guideline:", 1),
        ("\n Claims Administrator guideline", 0),
    ],
)
def test_guideline_blocks_at_the_edges(text: str, count: int) -> None:
    assert common.count_guideline_blocks(text) == _guideline_blocks_plain(text) == count


@SETTINGS
@given(guideline_lines)
def test_guideline_blocks_counted_as_the_anchored_regex(text: str) -> None:
    """Indented by spaces and tabs, after other words on the line, at the text's start, in any
    case, and beside the non-ASCII letters re.IGNORECASE pairs with s, k and i."""
    assert common.count_guideline_blocks(text) == _guideline_blocks_plain(text)


# --- categories --------------------------------------------------------------------------------


def _request_words() -> list[str]:
    """Words of every rule (the alternatives' letters), for requests that reach the rules."""
    words = {w for _, pattern in categories._RULES for w in re.findall(r"[A-Za-z]{2,}", pattern)}
    return sorted(words)


requests = st.lists(
    st.one_of(
        st.sampled_from(_request_words()).flatmap(
            lambda w: st.sampled_from([w, w.upper(), w.title(), w[:-1]])
        ),
        st.sampled_from([" ", "-", "/", "#", "5", "%", "(", ".", "Pulsed ", "x-Ray"]),
    ),
    max_size=8,
).map("".join)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(requests)
def test_lowered_rules_match_as_the_case_insensitive_ones(request: str) -> None:
    low = request.lower()
    for _, rule in categories._COMPILED:
        plain = rule.pattern.search(request)
        found = rule.search(request, low)
        assert (found and found.span()) == (plain and plain.span()), rule.pattern.pattern


def test_lowered_rules_on_every_request_of_every_letter() -> None:
    names = [name for item in items() for name in (item.request, item.original_request or "")]
    assert len(names) > 100
    for name in names:
        for _, rule in categories._COMPILED:
            plain, found = rule.pattern.search(name), rule.search(name, name.lower())
            assert (found and found.span()) == (plain and plain.span())


def test_a_request_with_a_letter_case_insensitive_matching_pairs_with_ascii() -> None:
    """re.IGNORECASE reads the long s as s and the Kelvin sign as k: such a request keeps the
    case-insensitive rules."""
    assert categories.categorize("\u017foma") == categories.categorize("Soma") == "pharmaceutical"
    assert categories.categorize("\u212aetamine") == "pharmaceutical"


# --- diagnoses -------------------------------------------------------------------------------


def test_intro_words_are_in_every_intro_of_every_letter() -> None:
    sentences = [s for text in texts() for s in re.split(r"(?<=[.!?])\s+", text)]
    matched = [s for s in sentences if diagnoses._INTRO.pattern.search(s)]
    assert len(matched) > 64
    assert all(may_hold(s, diagnoses._INTRO_WORDS) for s in matched)
    assert not all(may_hold(s, diagnoses._INTRO_WORDS) for s in sentences)  # it does skip


def test_may_hold_does_not_judge_text_with_non_ascii_letters() -> None:
    assert re.search("diagnos", "DIAGNO\u017fES", re.I)  # the long s is an s to re.I
    assert may_hold("DIAGNO\u017fES", ("diagnos",))
    assert not may_hold("DIAGNOSTIC"[:6], ("diagnos",))


# --- every (pattern, words) test before a regex ---------------------------------------------

PREFILTERS = {
    "diagnoses._INTRO": (diagnoses._INTRO.pattern, diagnoses._INTRO_WORDS),
    "common._MODIFIED_MARK": (common._MODIFIED_MARK, common._MODIFIED_MARK_WORDS),
    "common._MODIFIED_PATTERNS[0]": (common._MODIFIED_PATTERNS[0], common._MODIFIED_PATTERN_WORDS),
    "common._MODIFIED_PATTERNS[1]": (common._MODIFIED_PATTERNS[1], common._MODIFIED_PATTERN_WORDS),
    "common._RETRO_WORD": (common._RETRO_WORD, common._RETRO_WORDS),
    "common._RETRO_PREFIX": (common._RETRO_PREFIX, common._RETRO_PREFIX_WORDS),
    "skeleton._DOS": (skeleton._DOS, skeleton._DOS_WORDS),
    "citations._NO_CITATION": (citations._NO_CITATION, citations._NO_CITATION_WORDS),
    **{
        f"citations._SOURCE_PATTERNS[{source}]": (pattern, words)
        for source, pattern, words in citations._SOURCE_PATTERNS
    },
}


def _pieces_of(pattern: str) -> list[str]:
    """The pattern's words, each in three cases, and separators: text that reaches matches."""
    words = sorted(set(re.findall(r"[A-Za-z]{2,}", pattern)))
    return [
        *words,
        *(w.upper() for w in words),
        *(w.title() for w in words),
        *" \n:-.,12/",
        "\u0131",
        "\u017f",
    ]


@pytest.mark.parametrize("name", sorted(PREFILTERS))
def test_prefilter_words_are_in_every_match(name: str) -> None:
    """On generated text made of the pattern's own words (so matches are frequent) and on every
    line, sentence and item header of every letter: a text the pattern matches holds a word."""
    pattern, words = PREFILTERS[name]

    @settings(max_examples=150, derandomize=True, deadline=None, database=None)
    @given(st.lists(st.sampled_from(_pieces_of(pattern.pattern)), max_size=14).map(" ".join))
    def generated(text: str) -> None:
        if pattern.search(text):
            assert may_hold(text, words), text

    generated()
    matched = [text for text in corpus() if pattern.search(text)]
    assert all(may_hold(text, words) for text in matched)
