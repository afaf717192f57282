"""The plain-language explanation of every real letter."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from conftest import LETTERS, load_gold, real_letter_stems

from imr_llm.explain import explain, readable_text
from imr_llm.explain.deadlines import add_working_days, is_working_day
from imr_llm.explain.grounding import reading_grade, ungrounded_numbers
from imr_llm.explain.readability import GRADE_LIMIT
from imr_llm.explain.render import to_markdown, to_text
from imr_llm.prepare import prepare, skeleton
from imr_llm.schema import RationaleSentence

REAL = real_letter_stems()


@pytest.mark.parametrize("stem", REAL)
def test_explanation_is_plain_correct_and_grounded(stem: str) -> None:
    prepared = prepare(str(LETTERS / f"{stem}.txt"))
    determination = skeleton(prepared)
    explanation = explain(determination, prepared.text)
    gold = load_gold(stem)

    assert explanation.reading_grade <= GRADE_LIMIT
    assert reading_grade(readable_text(explanation)) <= GRADE_LIMIT

    # Every item's outcome is stated, and stated correctly.
    assert [i.decision for i in explanation.items] == [t["decision"] for t in gold["treatments"]]
    for item in explanation.items:
        words = (
            "Denial stands (Upheld)" if item.decision == "upheld" else "Approved by the reviewer"
        )
        assert item.outcome.startswith(words)
        assert item.reasons or item.quotes, "every item names a reason or quotes a finding"

    # "The reviewer wrote" quotes only the reviewer's own findings (or a conclusion that is
    # itself the reason); guideline text is never presented as the reviewer's.
    for item, treatment in zip(explanation.items, determination.treatments, strict=True):
        if item.quotes_are_findings:
            for quote in item.quotes:
                assert _role_of(quote, treatment.sentences) in ("finding", "conclusion"), quote
        for quote in item.guideline_quotes:
            assert _role_of(quote, treatment.sentences) == "guideline", quote

    # The safe appeal date is the last working day on or before the decision date + 30 days.
    decision = gold["case"]["decision_date"]
    appeal = [d for d in explanation.deadlines if d.what == "appeal"]
    if any(t["decision"] == "upheld" for t in gold["treatments"]):
        assert len(appeal) == 1
        if decision:
            safe = appeal[0].date
            assert safe is not None
            limit = date.fromisoformat(decision) + timedelta(days=30)
            assert safe <= limit and is_working_day(safe)
            assert all(
                not is_working_day(safe + timedelta(days=n))
                for n in range(1, (limit - safe).days + 1)
            )
            # "moved back to a working day" is said only where day 30 is not one.
            said_moved = any("moved back" in line for line in explanation.appeal_checklist)
            assert said_moved == (safe != limit), explanation.appeal_checklist
            assert ("moved back" in appeal[0].basis) == (safe != limit)
    else:
        assert not appeal

    # No number or date that is not in the letter, computed from it, or a stated legal fact.
    computed = {d.date for d in explanation.deadlines if d.date}
    assert ungrounded_numbers(readable_text(explanation), prepared.text, computed) == []
    rendered = to_markdown(explanation)
    assert all(item.request in rendered for item in explanation.items)
    assert explanation.notice in to_text(explanation).replace("\n", " ")


def _role_of(quote: str, sentences: list[RationaleSentence]) -> str | None:
    """The role of the rationale sentence `quote` was taken from (bracketed words and "[...]"
    aside)."""
    pieces = [p.strip(" ,") for p in re.split(r"\s*\[[^\]]*\]", quote) if p.strip(" ,")]
    return next((s.role for s in sentences if all(p in s.text for p in pieces)), None)


def test_quotes_are_the_letters_own_words() -> None:
    prepared = prepare(str(LETTERS / "000_8a9ae033211fa24a.txt"))
    explanation = explain(skeleton(prepared), prepared.text)
    flat = " ".join(prepared.text.split())
    for item in explanation.items:
        for quote in item.quotes:
            for piece in re.split(r"\s*\[[^\]]*\]", quote):
                assert piece.strip(" ,") in flat


def test_uncertain_sentence_is_not_taken_as_a_reason() -> None:
    """Seed 000 says it is 'not possible to determine if additional sessions would exceed the
    guidelines': that must not become 'more than the guidelines allow'."""
    prepared = prepare(str(LETTERS / "000_8a9ae033211fa24a.txt"))
    determination = skeleton(prepared)
    assert "exceeds-guideline" not in {r.code for r in determination.treatments[0].reasons}


def test_working_days_skip_weekends_and_california_holidays() -> None:
    from datetime import date

    # Friday 2016-12-23 + 5 working days: skips the weekend and Monday 12-26 (Christmas observed).
    assert add_working_days(date(2016, 12, 23), 5) == date(2017, 1, 3)


def test_every_reason_match_contains_one_of_its_triggers() -> None:
    """The cheap trigger test may skip a rule only when its regex could not match anyway."""
    from imr_llm.rationale import rationale_sentences
    from imr_llm.reasons import RULES

    checked = 0
    for stem in REAL:
        for treatment in skeleton(prepare(str(LETTERS / f"{stem}.txt"))).treatments:
            for sentence in rationale_sentences(treatment.rationale):
                for rule in RULES:
                    match = rule.concept.pattern.search(sentence)
                    if match:
                        checked += 1
                        assert any(t in match.group(0).lower() for t in rule.triggers), (
                            rule.code,
                            match.group(0),
                        )
    assert checked > 500


def test_new_request_window_handles_month_ends() -> None:
    from datetime import date

    from imr_llm.explain.deadlines import add_months

    assert add_months(date(2016, 11, 3), 12) == date(2017, 11, 3)
    assert add_months(date(2016, 1, 31), 1) == date(2016, 2, 29)  # leap year
    assert add_months(date(2016, 2, 29), 12) == date(2017, 2, 28)
