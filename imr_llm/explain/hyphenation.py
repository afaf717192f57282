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

_DIGITS = str.maketrans("", "", "0123456789")


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
        raw: dict[str, str] = {}
        for line in path.read_text(encoding).split("\n")[1:]:
            line = line.strip()
            if line and not line.startswith(pyphen.ignored):
                raw[line.translate(_DIGITS)] = line  # a later line wins, as in pyphen
        # pyphen skips lines of only zeros; the longest key is never one (checked by a test).
        self.patterns = _LazyPatterns(raw)
        self.cache: dict[str, Any] = {}
        self.maxlen = max(len(key) for key in raw)


def _simple_syntax(path: Path) -> bool:
    """No hex escapes (^^hh), nonstandard hyphens (x/y=z) or legacy encodings in the file."""
    text = path.read_bytes()
    body = b"\n".join(line for line in text.split(b"\n")[1:] if not line.startswith(b"%"))
    return text.split(b"\n", 1)[0].strip().upper() == b"UTF-8" and not (
        b"^^" in body or b"/" in body or b"=" in body
    )


def hyphenator(language: str) -> pyphen.Pyphen:
    """`pyphen.Pyphen(lang=language)`, its patterns parsed as words need them."""
    path = pyphen.LANGUAGES[pyphen.language_fallback(language)]
    if path not in pyphen.hdcache and _simple_syntax(path):
        pyphen.hdcache[path] = LazyHyphDict(path)
    return pyphen.Pyphen(lang=language)
