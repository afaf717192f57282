"""Metamorphic tests: for every real letter, changes an extractor, printer or page layout makes
(tests/letter_transforms.py) leave the decisions, items and header fields as they were.

Hypothesis draws a letter and a set of changes; CI runs a bounded number of examples
(derandomized, so a run is repeatable); benchmarks/bench_metamorphic.py runs many more."""

from __future__ import annotations

import random
from functools import cache

import pytest
from conftest import LETTERS, real_letter_stems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from letter_transforms import TRANSFORMS, what_it_says

from imr_llm.evals.extractors import determination_of

REAL = real_letter_stems()
ORDER = list(TRANSFORMS)
# Changes that rewrite lines come first; CRLF last, as the others read "\n".
ORDER.remove("header labels then values")
ORDER.remove("CRLF")
ORDER = ["header labels then values", *ORDER, "CRLF"]


@cache
def _text(stem: str) -> str:
    return (LETTERS / f"{stem}.txt").read_text(encoding="utf-8")


@cache
def _expected(stem: str) -> dict[str, object]:
    return what_it_says(determination_of(_text(stem)))


def transformed(stem: str, names: list[str], seed: int) -> str:
    rng = random.Random(seed)
    text = _text(stem)
    for name in ORDER:
        if name in names:
            text = TRANSFORMS[name](text, rng)
    return text


@pytest.mark.parametrize("name", ORDER)
def test_each_change_alone_on_every_real_letter(name: str) -> None:
    for stem in REAL:
        text = transformed(stem, [name], seed=13)
        assert what_it_says(determination_of(text)) == _expected(stem), f"{stem}: {name}"


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    stem=st.sampled_from(REAL),
    names=st.lists(st.sampled_from(ORDER), min_size=2, max_size=len(ORDER), unique=True),
    seed=st.integers(0, 2**16),
)
def test_changes_combined_keep_what_the_letter_says(stem: str, names: list[str], seed: int) -> None:
    text = transformed(stem, names, seed)
    assert what_it_says(determination_of(text)) == _expected(stem)


def test_the_changes_really_change_the_text() -> None:
    """Guards against a transform that silently does nothing (the tests would then be empty)."""
    stem = "CM16-0234464"
    for name in ORDER:
        changed = transformed(stem, [name], seed=13)
        assert changed != _text(stem), name
