"""find_reasons with its letter's memo of sentence readings (reasons.Readings) gives what it
gives without one, on every item of the real letters, whatever the items' order; a sentence
read in one role is read anew in another."""

from __future__ import annotations

from functools import cache

import pytest
from conftest import LETTERS, real_letter_stems

from imr_llm import categories, rationale, reasons
from imr_llm.prepare import prepare
from imr_llm.schema import Category, Decision, RationaleSentence

REAL = real_letter_stems()

Item = tuple[list[RationaleSentence], Decision, Category, str]


@cache
def _items(stem: str) -> list[Item]:
    parsed = prepare(str(LETTERS / f"{stem}.txt")).parsed
    items: list[Item] = []
    for item in parsed.items:
        named = " ".join(filter(None, [item.request, item.original_request]))
        sentences = rationale.anatomy(item.rationale, parsed.text, item.rationale_start)
        items.append((sentences, item.decision, categories.categorize(item.request), named))
    return items


@pytest.mark.parametrize("stem", REAL)
def test_a_letters_readings_give_what_each_item_alone_gives(stem: str) -> None:
    items = _items(stem)
    alone = [reasons.find_reasons(*item) for item in items]
    for order in (items, items[::-1]):
        readings: reasons.Readings = {}
        shared = [reasons.find_reasons(*item, readings) for item in order]
        assert shared == (alone if order is items else alone[::-1])
        # Every decision, on the same readings: what a rule fires on is kept per decision.
        for sentences, decision, category, request in order:
            other: Decision = "overturned" if decision == "upheld" else "upheld"
            assert reasons.find_reasons(
                sentences, other, category, request, readings
            ) == reasons.find_reasons(sentences, other, category, request)


def test_the_readings_memo_is_used_across_a_letters_items() -> None:
    # What the memo is for: a letter's items share sentences.
    shared = 0
    for stem in REAL:
        readings: reasons.Readings = {}
        for item in _items(stem):
            before = len(readings)
            reasons.find_reasons(*item, readings)
            own = {s.text for s in item[0] if s.role in reasons.REASON_ROLES}
            shared += len(own) - (len(readings) - before)
    assert shared > 100


def test_a_sentence_in_another_role_is_read_anew() -> None:
    # As a conclusion its verdict is no grounds; as a finding it states a reason.
    text = "The requested treatment is not recommended."
    readings: reasons.Readings = {}
    conclusion = RationaleSentence(id=0, text=text, role="conclusion")
    finding = RationaleSentence(id=0, text=text, role="finding")
    assert reasons.find_reasons([conclusion], "upheld", "DME", "", readings) == ([], [])
    got, _ = reasons.find_reasons([finding], "upheld", "DME", "", readings)
    assert [r.code for r in got] == ["not-recommended"]
    assert readings[text].role == "conclusion"
