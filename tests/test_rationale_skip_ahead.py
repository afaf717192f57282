"""The sentence-role rules are compiled through caseless.skip_ahead (each leading \\bX written as
X(?<!\\w\\w), so sre skips ahead to X): each compiled rule, and its lower-case twin, must find
exactly what the rule as written finds, on every letter and on the letters with their spaces
turned into characters that make or break a word boundary."""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import LETTERS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_rationale_rules import TABLES

from imr_llm.caseless import lower_letters, skip_ahead
from imr_llm.prepare import prepare
from imr_llm.rationale import RuleTable

RULES = [
    (f"{name}[{index}]", table, index)
    for name, table in TABLES.items()
    for index in range(len(table.rules))
]

# A word character ("_", a letter that is not ASCII) glues two words together, so a \b between
# them no longer holds; "(" keeps it.
_GLUE = ("_", "é", "(")


@cache
def texts() -> tuple[str, ...]:
    """Every letter as one text, and that text with its spaces turned into each of _GLUE."""
    text = "\n".join(prepare(str(path)).text for path in sorted(LETTERS.glob("*.txt")))
    return (text, *(text.replace(" ", glue) for glue in _GLUE))


def test_most_rules_are_compiled_otherwise_than_written() -> None:
    rewritten = [name for name, table, i in RULES if table.rules[i][1].pattern != table.written[i]]
    assert len(rewritten) > len(RULES) // 2


@pytest.mark.parametrize(("name", "table", "index"), RULES, ids=[rule[0] for rule in RULES])
def test_a_compiled_rule_finds_what_it_finds_as_written(
    name: str, table: RuleTable, index: int
) -> None:
    written = table.written[index]
    compiled = table.rules[index][1]
    twin = table.twins[index]
    assert compiled.pattern == skip_ahead(written) and compiled.flags & re.I
    assert twin.pattern == lower_letters(skip_ahead(written)) and not twin.flags & re.I
    as_written = re.compile(written, re.I)
    as_written_twin = re.compile(lower_letters(written))
    for text in texts():
        expected = [m.span() for m in as_written.finditer(text)]
        assert [m.span() for m in compiled.finditer(text)] == expected, name
        low = text.lower()
        expected_low = [m.span() for m in as_written_twin.finditer(low)]
        assert [m.span() for m in twin.finditer(low)] == expected_low, name


@pytest.mark.parametrize(("name", "table", "index"), RULES, ids=[rule[0] for rule in RULES])
def test_a_compiled_rule_finds_what_it_finds_as_written_in_generated_text(
    name: str, table: RuleTable, index: int
) -> None:
    # Text generated to hold a match of the rule as written (any case), with a word character
    # or none before it: where the letters hold no match, this still compares the two.
    written = table.written[index]
    compiled = table.rules[index][1]
    as_written = re.compile(written, re.I)

    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.sampled_from(("", "x", "_", "3", "é", " ", "(")), st.from_regex(as_written))
    def generated(before: str, text: str) -> None:
        text = before + text
        expected = [m.span() for m in as_written.finditer(text)]
        assert [m.span() for m in compiled.finditer(text)] == expected
        if text.isascii():
            low = text.lower()
            assert [m.span() for m in table.twins[index].finditer(low)] == expected

    generated()
