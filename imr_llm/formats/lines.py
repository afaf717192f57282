"""Rules that match at the start of a line (`^[ \\t]*` then a heading or label, re.M | re.I),
searched without trying every character of the letter.

CPython's regex engine tries such a rule at every position of the text (a `^` under re.M gives it
nothing to skip ahead to), and under re.IGNORECASE it cannot skip an alternative by its first
letter either: the decision section's sub-headings cost a 2016 letter about 40 us that way. On
ASCII text a `LineRule` first finds the lines where its `head` stands after blanks, with the
lower-case twin of `\\n[ \\t]*<head>` on the lower-cased text (a literal first character, which
the engine skips ahead to, and first letters it can compare), then tries the rule as written at
those lines only. Same matches, same positions: every match of the rule starts a line with blanks
and `head`, which the twin finds there (on ASCII text re.IGNORECASE compares letters lower-cased;
see imr_llm.caseless), and at any other line the rule cannot match. The first line has no newline
before it and is tried directly. Other text is searched by the rule itself.

May import: caseless, lazy_regex.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from imr_llm.caseless import lower_letters
from imr_llm.lazy_regex import LazyPattern, lazy_compile

_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
"""A named group's opening: the twin's groups capture nothing (it is about twice as fast so)."""


class LineRule:
    """`re.compile(r"^[ \\t]*" + head + rest, re.M | re.I)`, searched line by line (above).
    `head` must match no empty text and hold no inline flag (its twin is compiled without
    re.IGNORECASE), look-around or back-reference; `rest` may hold anything."""

    __slots__ = ("_probe", "rule")

    def __init__(self, head: str, rest: str = "") -> None:
        plain = _NAMED_GROUP.sub("(?:", head)
        if "(?" in plain.replace("(?:", ""):
            raise ValueError(f"head {head!r}: no inline flags, look-arounds or back-references")
        self.rule: LazyPattern = lazy_compile(r"^[ \t]*" + head + rest, re.M | re.I)
        self._probe: LazyPattern = lazy_compile("\n[ \t]*" + lower_letters(plain))

    def search(
        self, text: str, low: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        """`rule.search(text, pos, endpos)`; `low` is `text.lower()`."""
        rule = self.rule.compiled
        if not text.isascii():
            return rule.search(text, pos, endpos)
        if pos == 0 and (found := rule.match(text, 0, endpos)) is not None:
            return found
        probe = self._probe.compiled
        at = max(pos - 1, 0)  # a newline just before `pos` starts a line at `pos`
        while (line := probe.search(low, at, endpos)) is not None:
            at = line.start() + 1
            if (found := rule.match(text, at, endpos)) is not None:
                return found
        return None

    def finditer(
        self, text: str, low: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        """`rule.finditer(text, pos, endpos)`; `low` is `text.lower()`. (A match is never
        empty, so the next search starts where the last match ends.)"""
        while (found := self.search(text, low, pos, endpos)) is not None:
            yield found
            pos = found.end()
