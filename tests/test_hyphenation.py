"""The lazily parsed hyphenation patterns are pyphen's own, for both languages we grade."""

from __future__ import annotations

from pathlib import Path

import pyphen
import pytest

from imr_llm.explain.hyphenation import LazyHyphDict, hyphenator


@pytest.mark.parametrize("language", ["en_US", "es"])
def test_every_pattern_is_pyphens(language: str) -> None:
    path = pyphen.LANGUAGES[pyphen.language_fallback(language)]
    eager = pyphen.HyphDict(path)
    lazy = LazyHyphDict(path)
    assert lazy.maxlen == eager.maxlen
    assert set(eager.patterns) <= set(lazy.patterns._raw)
    for key in lazy.patterns._raw:
        assert lazy.patterns.get(key) == eager.patterns.get(key), key
    assert lazy.patterns.get("no-such-pattern") is None


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en_US", ["cm160213037", "75mg", "l5s1", "hyphenation", "physiotherapy", "x"]),
        ("es", ["fisioterapia", "cirugía", "medicamento", "75mg", "rehabilitación"]),
    ],
)
def test_positions_are_pyphens(
    language: str, words: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = pyphen.LANGUAGES[pyphen.language_fallback(language)]
    monkeypatch.setattr(pyphen, "hdcache", {})  # no dictionary parsed before this test
    lazy = hyphenator(language)
    assert isinstance(lazy.hd, LazyHyphDict)
    eager = pyphen.HyphDict(path)
    for word in words:
        assert lazy.hd.positions(word) == eager.positions(word), word


@pytest.mark.parametrize(
    ("first_line", "pattern", "simple"),
    [
        ("UTF-8", "a1b", True),
        ("UTF-8", "^^e9a1b", False),  # a hex escape
        ("UTF-8", "c1k/k=k,1,2", False),  # a nonstandard hyphen
        ("ISO8859-1", "a1b", False),  # a legacy encoding
    ],
)
def test_only_files_in_the_simple_syntax_are_parsed_lazily(
    tmp_path: Path, first_line: str, pattern: str, simple: bool
) -> None:
    dic = tmp_path / "hyph_xx.dic"
    dic.write_text(f"{first_line}\n% a comment with / and =\nLEFTHYPHENMIN 2\n{pattern}\n")
    assert LazyHyphDict(dic).simple_syntax is simple


@pytest.mark.parametrize("language", ["en_US", "es"])
def test_the_graded_languages_are_in_the_simple_syntax(language: str) -> None:
    path = pyphen.LANGUAGES[pyphen.language_fallback(language)]
    assert LazyHyphDict(path).simple_syntax
