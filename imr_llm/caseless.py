"""Case-insensitive rule regexes searched fast: as a lower-case twin on lower-cased text.

CPython's regex engine has fast paths for a pattern's literal letters (skip ahead to a letter
that can start a match, skip an alternative whose first letter differs) that it cannot use under
re.IGNORECASE: there it tries every alternative at every character. A `Caseless` pattern keeps
the pattern as written (`pattern`, re.IGNORECASE) and a twin with its letters lower-cased and no
IGNORECASE (`lowered`); `search(text, low)` searches the twin in `low` (`text.lower()`) when
`text` is ASCII, else the pattern itself in `text`.

Same answer, same positions: on ASCII text re.IGNORECASE compares letters lower-cased, and
`lower()` keeps an ASCII text's length. Only the letters a pattern matches are lower-cased (not
an escape such as `\\S` or `\\B`, nor a group's name), so the twin reads as the same pattern
(a capital written as an escape, `\\x41`, would not be lowered: the rules use none). The match
is on the lower-cased text: use its positions, not its text. A test checks every twin against
its pattern on the real letters' sentences and on text generated from the pattern.

May import: lazy_regex.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from imr_llm.lazy_regex import LazyPattern, lazy_compile

_KEPT_AS_WRITTEN = re.compile(r"(\\[\s\S]|\(\?P<[^>]*>|\(\?P=[^)]*\))")
"""What `lower_letters` keeps as written: an escape (a backslash and the character after it) and
a group's name (`(?P<name>`, `(?P=name)`). Captured, so `split` returns them at odd indexes."""


def lower_letters(pattern: str) -> str:
    """`pattern` with the letters it matches lower-cased; escapes and group syntax kept."""
    pieces = _KEPT_AS_WRITTEN.split(pattern)
    pieces[::2] = [piece.lower() for piece in pieces[::2]]
    return "".join(pieces)


_LEADING_B = re.compile(r"(?<!\\)\\b(\w)")


def skip_ahead(pattern: str) -> str:
    """`pattern` with each `\\bX` (X a letter or digit written as itself) compiled as
    `X(?<!\\w\\w)`: the same matches, since X is a word character (no word character before X
    is the same as no two ending at X), but sre can skip ahead to X, which it cannot past a
    leading `\\b`. An escaped backslash before `b` is left alone; not for `\\b` inside [...]."""
    return _LEADING_B.sub(r"\1(?<!\\w\\w)", pattern)


class Caseless:
    """`re.compile(pattern, re.IGNORECASE)`, searched as its lower-case twin on ASCII text."""

    __slots__ = ("lowered", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern: LazyPattern = lazy_compile(pattern, re.I)
        self.lowered: LazyPattern = lazy_compile(lower_letters(pattern))

    def search(self, text: str, low: str) -> re.Match[str] | None:
        """The first match in `text` (`low` is `text.lower()`), as positions in `text`."""
        if text.isascii():
            return self.lowered.compiled.search(low)
        return self.pattern.compiled.search(text)

    def finditer(self, text: str, low: str) -> Iterator[re.Match[str]]:
        """Every match in `text` (`low` is `text.lower()`), as positions in `text`."""
        if text.isascii():
            return self.lowered.compiled.finditer(low)
        return self.pattern.compiled.finditer(text)

    def sub(self, blank: str, text: str, low: str) -> str:
        """`text` with every match replaced by `blank` (literal text, no group references), as
        `pattern.sub(blank, text)` (`low` is `text.lower()`). Every match is found in the twin
        on ASCII text and the pieces between matches are taken from `text` itself, so the case
        of what is kept stays as written (the rules' patterns match no empty text)."""
        if not text.isascii():
            return self.pattern.compiled.sub(blank, text)
        pieces: list[str] = []
        at = 0
        for match in self.lowered.compiled.finditer(low):
            pieces += (text[at : match.start()], blank)
            at = match.end()
        if not pieces:
            return text
        pieces.append(text[at:])
        return "".join(pieces)


def may_hold(text: str, words: tuple[str, ...], low: str | None = None) -> bool:
    """The cheap test before a re.IGNORECASE pattern every match of which holds one of `words`
    (lower-case ASCII): False only when the pattern cannot match `text` (`low`, when given, is
    `text.lower()`). Exact on ASCII text, whose lower-casing is how re.IGNORECASE compares its
    letters; always True on other text (there re.IGNORECASE also pairs i, k and s with İ, ı, K
    and ſ)."""
    if not text.isascii():
        return True
    # map over a bound method: the words are tested in C, with no Python frame per word.
    return any(map((text.lower() if low is None else low).__contains__, words))
