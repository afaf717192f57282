"""find_span locates a quote in a letter whatever the whitespace between its words; it is checked
here against the plain regex definition of that, on the real letters."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from imr_llm.reasons import find_span

LETTERS = sorted((Path(__file__).parent.parent / "evals" / "letters").glob("CM*.txt"))


def regex_span(text: str, quote: str, start: int = 0) -> tuple[int, int] | None:
    collapsed = " ".join(quote.split())
    if not collapsed:
        return None
    pattern = re.compile(re.escape(collapsed).replace("\\ ", "\\s+"))
    match = pattern.search(text, start) or (pattern.search(text) if start else None)
    return (match.start(), match.end()) if match else None


def found(text: str, quote: str, start: int = 0) -> tuple[int, int] | None:
    span = find_span(text, quote, start)
    return (span.start, span.end) if span else None


def test_quote_across_line_breaks_and_runs_of_spaces() -> None:
    text = "Intro.\nThe request is   not\n\nmedically necessary.  End."
    start, end = found(text, "request is not medically necessary") or (0, 0)
    assert text[start:end] == "request is   not\n\nmedically necessary"
    assert found(text, "necessary. End") == (text.index("necessary"), len(text) - 1)
    assert found(text, "not in this letter") is None
    assert found(text, "   ") is None


def test_start_prefers_the_later_occurrence_and_falls_back_to_the_first() -> None:
    text = "pain is noted.\n\n   Later, pain\n is noted again."
    later = text.index("Later")
    assert found(text, "pain is noted", later) == (text.index("pain", later), len(text) - 7)
    assert found(text, "pain is noted.", later) == (0, 14)  # only the first has the full stop
    gap = "Seen.\n\n\n\nnoted here, noted again"
    assert found(gap, "noted", 7) == (9, 14)  # a start inside a run of whitespace


@pytest.mark.parametrize("letter", LETTERS[::8], ids=lambda p: p.stem)
def test_agrees_with_the_regex_definition_on_real_letters(letter: Path) -> None:
    text = letter.read_text()
    rng = random.Random(letter.stem)
    cases: list[tuple[str, int]] = []
    for _ in range(200):  # slices of the letter, from the start or from anywhere
        a = rng.randrange(len(text))
        cases.append(
            (text[a : a + rng.randrange(1, 160)], rng.choice([0, a, rng.randrange(len(text))]))
        )
    for gap in list(re.finditer(r"\s{2,}", text))[:40]:  # starts inside runs of whitespace
        for quote in ("the", "of the", "medically necessary", "not"):
            cases += [(quote, gap.start() + 1), (quote, gap.end() - 1)]
    for quote, start in cases:
        assert found(text, quote, start) == regex_span(text, quote, start), (quote, start)
