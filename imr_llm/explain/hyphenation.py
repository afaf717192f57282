"""pyphen's hyphenation patterns, each parsed when a word first needs it.

pyphen parses all of a language's patterns (11,000 lines for English) when a dictionary is
first used: about 0.1 s, most of a one-letter `summarize`, though one explanation asks for a few
hundred of them. `LazyHyphDict` keeps each raw pattern line under its letters (the line less its
digits, which is how pyphen keys it) and parses a line the first time it is looked up, with
pyphen's own rules; pyphen's `HyphDict.positions` does the rest unchanged. Files that use
pyphen's rarer syntax (hex escapes, nonstandard hyphens) are parsed by pyphen itself.
tests/test_hyphenation.py checks that both dictionaries give pyphen's patterns exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyphen

_DIGITS = b"0123456789"


class _LazyPatterns(dict[str, Any]):
    """Pattern letters -> (offset, values), as pyphen's `HyphDict.patterns`, parsed on lookup."""

    def __init__(self, raw: dict[str, str]) -> None:
        super().__init__()
        self._raw = raw

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        line = self._raw.get(key)
        if line is None:
            return default
        self[key] = parsed = _parse(line)
        return parsed


def _parse(line: str) -> tuple[int, tuple[int, ...]] | None:
    """pyphen's parse of one pattern line: (start offset, values), None for only zeros."""
    values = tuple(int(digit or "0") for digit, _ in pyphen.parse(line))
    if max(values) == 0:
        return None
    start, end = 0, len(values)
    while not values[start]:
        start += 1
    while not values[end - 1]:
        end -= 1
    return start, values[start:end]


class LazyHyphDict(pyphen.HyphDict):  # type: ignore[misc]
    """A `pyphen.HyphDict` whose patterns are parsed on first lookup."""

    def __init__(self, path: Path) -> None:  # pyphen's __init__ would parse every line
        with path.open("rb") as fd:
            encoding = fd.readline().decode().strip()
        lines = [
            line
            for line in map(str.strip, path.read_text(encoding).split("\n")[1:])
            if line and not line.startswith(pyphen.ignored)
        ]
        joined = "\n".join(lines)
        self.simple_syntax = encoding.upper() == "UTF-8" and not (
            "^^" in joined or "/" in joined or "=" in joined
        )
        """No hex escapes (^^hh), nonstandard hyphens (x/y=z) or legacy encodings in the
        patterns: then the lazy parse is pyphen's (otherwise pyphen parses the file itself)."""
        # Each line's key is the line less its ASCII digits. Deleted from the UTF-8 bytes of all
        # lines at once: an ASCII digit is one byte there and no other character's bytes hold
        # one, and bytes.translate is a C loop (str.translate with a deletion table looks up
        # every character in a dict: about 15 ms for the English file).
        keys = joined.encode("utf-8").translate(None, _DIGITS).decode("utf-8").split("\n")
        raw = dict(zip(keys, lines, strict=True))  # a later line wins, as in pyphen
        # pyphen skips lines of only zeros; the longest key is never one (checked by a test).
        self.patterns = _LazyPatterns(raw)
        self.cache: dict[str, Any] = {}
        self.maxlen = max(map(len, raw))


def hyphenator(language: str) -> pyphen.Pyphen:
    """`pyphen.Pyphen(lang=language)`, its patterns parsed as words need them."""
    path = pyphen.LANGUAGES[pyphen.language_fallback(language)]
    if path not in pyphen.hdcache:
        lazy = LazyHyphDict(path)
        if lazy.simple_syntax:
            pyphen.hdcache[path] = lazy
    return pyphen.Pyphen(lang=language)
