"""A worker's mailed copy (cover page with name, address, claims administrator, claim and ADJ
numbers, salutation, enclosures; a page header with the case number on every page) reads exactly
like the bare letter. The SYN-COPY-* letters are synthetic: made from real letters, kept out of
accuracy figures (evals/letters/SYNTHETIC.md)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import LETTERS, load_gold

from imr_llm.runner import extract

COPIES = sorted(p.stem for p in LETTERS.glob("SYN-COPY-*.txt"))


def _without_positions(value: Any) -> Any:
    """The determination without what must differ: the source, and offsets into the text."""
    if isinstance(value, dict):
        return {k: _without_positions(v) for k, v in value.items() if k not in {"span", "source"}}
    if isinstance(value, list):
        return [_without_positions(v) for v in value]
    return value


def _bare_letter(stem: str) -> str:
    match = re.search(r"SYNTHETIC worker's copy of (\S+) ", load_gold(stem)["notes"])
    assert match, "the gold note names the real letter the copy was made from"
    return match.group(1)


def test_there_are_three_copies_of_three_different_letters() -> None:
    assert len(COPIES) == 3
    assert len({_bare_letter(stem) for stem in COPIES}) == 3


@pytest.mark.parametrize("stem", COPIES)
def test_a_workers_copy_reads_exactly_like_the_bare_letter(stem: str) -> None:
    copy = LETTERS / f"{stem}.txt"
    text = copy.read_text(encoding="utf-8")
    for part in ("Dear ", "Claim Number:", "ADJ Number:", "Claims Administrator:", "Enclosures:"):
        assert part in text  # it really carries what a mailed letter has
    assert text.count("\f") >= 2 and text.count("IMR Case Number:") >= 3
    real = _bare_letter(stem)
    got = extract(str(copy)).model_dump(mode="json")
    for bare in (LETTERS / f"{real}.pdf", LETTERS / f"{real}.txt"):
        assert _without_positions(got) == _without_positions(
            extract(str(bare)).model_dump(mode="json")
        )
    assert load_gold(stem)["synthetic"] is True
