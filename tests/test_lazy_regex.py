"""A LazyPattern compiles on first use and answers exactly as the compiled pattern does."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from imr_llm import regex_cache
from imr_llm.lazy_regex import lazy_compile

TEXT = "No physical therapy notes; no Functional Improvement. Therapy was not tried."


@pytest.fixture(autouse=True)
def _no_test_pattern_left_declared() -> Iterator[None]:
    """These tests' own patterns are not the project's: leave the process's set of declared
    patterns (which test_regex_cache counts) and the cache's new entries as they were."""
    declared, new = set(regex_cache.declared), dict(regex_cache._new)
    yield
    regex_cache.declared.clear()
    regex_cache.declared.update(declared)
    regex_cache._new.clear()
    regex_cache._new.update(new)


def test_not_compiled_until_used() -> None:
    pattern = lazy_compile(r"therapy", re.I)
    assert pattern._compiled is None
    assert pattern.search(TEXT) is not None
    assert pattern._compiled is not None


def test_every_method_answers_as_re_does() -> None:
    source, flags = r"(no)\s+(\w+)", re.I
    lazy, real = lazy_compile(source, flags), re.compile(source, flags)
    assert lazy.findall(TEXT) == real.findall(TEXT) == [("No", "physical"), ("no", "Functional")]
    assert [m.span() for m in lazy.finditer(TEXT)] == [m.span() for m in real.finditer(TEXT)]
    assert lazy.search(TEXT, 5).span() == real.search(TEXT, 5).span()  # type: ignore[union-attr]
    assert lazy.match(TEXT).group(2) == "physical"  # type: ignore[union-attr]
    assert lazy.fullmatch("no x") is not None and lazy.fullmatch(TEXT) is None
    assert lazy.sub(r"\2", TEXT) == real.sub(r"\2", TEXT)
    assert lazy.split(TEXT, 1) == real.split(TEXT, 1)


def test_a_bad_pattern_fails_when_first_used() -> None:
    pattern = lazy_compile(r"(unclosed")
    try:
        pattern.search(TEXT)
    except re.error:
        return
    raise AssertionError("a bad pattern must raise re.error on first use")
