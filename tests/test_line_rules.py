"""A LineRule (imr_llm.formats.lines) finds what its rule finds when searched as written: on every
real letter, from every line start and a few other places, and on generated text built from the
rules' words, blanks and line breaks."""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import LETTERS
from hypothesis import given, settings
from hypothesis import strategies as st

from imr_llm import normalize
from imr_llm.formats import common, decision_list
from imr_llm.formats.lines import LineRule
from imr_llm.reading import read_letter

SETTINGS = settings(max_examples=300, derandomize=True, deadline=None)

RULES = {
    "common._SUBHEADING": common._SUBHEADING,
    "common._LICENSURE": common._LICENSURE,
    "common._SPECIALTY": common._SPECIALTY,
    "decision_list._SUMMARY": decision_list._SUMMARY,
    "decision_list._DOCUMENTS": decision_list._DOCUMENTS,
    "decision_list._ITEMS_HEADING": decision_list._ITEMS_HEADING,
}


@cache
def texts() -> tuple[str, ...]:
    paths = sorted(LETTERS.glob("*.txt")) + sorted(LETTERS.glob("*.pdf"))
    return tuple(normalize.normalize_text(read_letter(str(path)).text) for path in paths)


def _plain(rule: LineRule) -> re.Pattern[str]:
    """The rule compiled afresh, as written."""
    return re.compile(rule.rule.pattern, rule.rule.flags)


def _found(matches: object) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    assert isinstance(matches, list)
    return [(m.span(), m.groupdict()) for m in matches]


def _check(rule: LineRule, text: str, pos: int, endpos: int) -> None:
    plain, low = _plain(rule), text.lower()
    fast = rule.search(text, low, pos, endpos)
    slow = plain.search(text, pos, endpos)
    assert _found([fast] if fast else []) == _found([slow] if slow else [])
    assert _found(list(rule.finditer(text, low, pos, endpos))) == _found(
        list(plain.finditer(text, pos, endpos))
    )


@pytest.mark.parametrize("name", RULES)
def test_a_line_rule_finds_what_its_rule_finds_on_every_letter(name: str) -> None:
    rule = RULES[name]
    found = 0
    for text in texts():
        found += len(list(_plain(rule).finditer(text)))
        starts = [0, 1, len(text)] + [m.end() for m in re.finditer("\n", text)]
        for pos in starts[:: max(1, len(starts) // 12)]:
            _check(rule, text, pos, len(text))
            _check(rule, text, pos, (pos + len(text)) // 2)
    assert found  # the rule is met on the letters: its fast path is exercised


_PIECES = [
    "\n",
    "\n",
    " ",
    "\t",
    ":",
    "x",
    "\u00e9",
    "Claims",
    "Administrator",
    "guideline",
    "Expert",
    "REVIEWER",
    "MAXIMUS",
    "Decision",
    "rationale",
    "CASE",
    "Clinical",
    "summary",
    "State(s)",
    "of",
    "Licensure",
    "IMR",
    "ISSUES,",
    "DECISIONS",
    "AND",
    "RATIONALES",
    "Documents",
    "Reviewed",
]
generated = st.lists(st.sampled_from(_PIECES), max_size=40).map(
    lambda pieces: "".join(p if p in "\n\t :" else f"{p} " for p in pieces)
)


@pytest.mark.parametrize("name", RULES)
def test_a_line_rule_finds_what_its_rule_finds_in_generated_text(name: str) -> None:
    rule = RULES[name]

    @SETTINGS
    @given(generated, st.integers(0, 80), st.integers(0, 400))
    def check(text: str, pos: int, endpos: int) -> None:
        _check(rule, text, pos, endpos)

    check()


def test_a_match_inside_another_lines_probe_is_found() -> None:
    """The twin's match at one line may run on into the next line, where the rule matches
    though it does not at the first. (A module's own rule: a new one here would declare
    patterns the modules do not have; see test_regex_cache.)"""
    rule = common._SUBHEADING
    text = "x\nMAXIMUS\nGuideline(s) cited by the Claims Administrator: y"
    assert rule._probe.search(text.lower()) is not None  # "maximus\nguideline" runs on
    found = rule.search(text, text.lower())
    assert found is not None and found.group("name").startswith("Guideline(s)")
    assert _found(list(rule.finditer(text, text.lower()))) == _found(
        list(_plain(rule).finditer(text))
    )


def test_a_head_with_inline_flags_is_refused() -> None:
    """(Refused before any pattern is declared.)"""
    with pytest.raises(ValueError, match="inline flags"):
        LineRule(r"(?-i:CASE)\s+SUMMARY")
    with pytest.raises(ValueError, match="inline flags"):
        LineRule(r"(?P<word>CASE)\s+(?P=word)")


def _body_parts_plain(body: str) -> dict[str, str]:
    """body_parts on the body cut out, with the rule searched as written."""
    pattern = _plain(common._SUBHEADING)
    parts: dict[str, str] = {}
    marks = list(pattern.finditer(body))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
        parts.setdefault(common._subheading_key(mark.group("name")), body[mark.end() : end].strip())
    return parts


def test_body_parts_in_place_equals_body_parts_of_the_body_cut_out() -> None:
    """A body that starts with its newline (as one after a decision line does), searched in
    place, from anywhere to anywhere after it."""
    checked = 0
    for text in texts():
        low = text.lower()
        newlines = [m.start() for m in re.finditer("\n", text)]
        for start in newlines[:: max(1, len(newlines) // 8)]:
            for end in (len(text), (start + len(text)) // 2, start + 300):
                body = text[start:end]
                expected = _body_parts_plain(body)
                assert common.body_parts(text, low, start, end) == expected
                assert common.body_parts(body) == expected
                checked += bool(expected)
    assert checked > 100
