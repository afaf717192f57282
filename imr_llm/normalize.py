"""Undo what text extraction does to a letter, keeping its line structure.

Handled: CRLF and lone CR, trailing spaces, a blank line after every line (seed 000), ligatures,
non-breaking and zero-width spaces, curly quotes, words hyphenated across a line (pypdf keeps the
hyphen at the line end, pdfium marks it with U+FFFE), and page headers/footers repeated on every
page (pages arrive separated by form feeds). A decision word wrapped onto its own line is joined
by the item parser, which sees the lines this returns.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from functools import lru_cache
from itertools import chain, compress
from operator import itemgetter

from imr_llm import regex_cache

_CHAR_REPLACEMENTS = {
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\u00ad": "",
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\t": " ",
}
"""Characters that extraction leaves, and what each becomes. No replacement contains a key, so
replacing them one after another gives what one `str.translate` pass gives."""
_ASCII_KEYS = tuple(key for key in _CHAR_REPLACEMENTS if key.isascii())

# Word parts that are real hyphenated prefixes in these letters: keep the hyphen when joining.
KEEP_HYPHEN_PREFIXES = frozenset(
    [
        "anti",
        "non",
        "x",
        "re",
        "co",
        "pre",
        "post",
        "self",
        "follow",
        "multi",
        "semi",
        "sub",
        "well",
        "long",
        "short",
        "bi",
        "tri",
        "un",
        "mid",
        "over",
        "under",
        "out",
        "inter",
        "intra",
        "extra",
        "ultra",
        "counter",
        "cross",
        "half",
        "low",
        "high",
    ]
)
_ENDS_SENTENCE = regex_cache.compile(r"[.!?:;,][\"')]*$")
_PAGE_NUMBER = regex_cache.compile(r"^\s*(page\s+)?\d{1,3}(\s+of\s+\d{1,3})?\s*$", re.IGNORECASE)
_LINE_BREAK_HYPHEN = regex_cache.compile(r"(-[ ]*\n|\ufffe\n?)([a-z][A-Za-z]*)([,.;:!?)]*)")
_LINE_BREAK_HYPHEN_ASCII = regex_cache.compile(r"(-[ ]*\n)([a-z][A-Za-z]*)([,.;:!?)]*)")
"""_LINE_BREAK_HYPHEN without pdfium's U+FFFE branch, for a text without U+FFFE: the same
matches, found about 15 times faster (sre's literal-prefix search for "-", which a set of two
first characters cannot use)."""
_BLANK_RUN = regex_cache.compile(r"\n\n\n+")
"""Three or more newlines (written so, not \\n{3,}, for sre's literal-prefix search)."""
_ASCII_LETTERS = frozenset(string.ascii_letters)
_DIGITS = regex_cache.compile(r"\d+")
_LAST_CHARACTER = itemgetter(slice(-1, None))
"""A line's last character ('' for an empty line), as line[-1:]."""


@lru_cache(maxsize=1)
def _hyphenator() -> object:
    import pyphen  # a dependency of textstat; loaded only when a hyphen break is seen

    return pyphen.Pyphen(lang="en_US")


def _map_chars(text: str) -> str:
    """`text.translate` by _CHAR_REPLACEMENTS, skipping the characters the text lacks (an ASCII
    text can hold only the ASCII ones): a `translate` with a dict looks up every character."""
    for key in _ASCII_KEYS if text.isascii() else _CHAR_REPLACEMENTS:
        if key in text:
            text = text.replace(key, _CHAR_REPLACEMENTS[key])
    return text


def _is_hyphenation_point(left: str, right: str) -> bool:
    word = (left + right).lower()
    positions: list[int] = _hyphenator().positions(word)  # type: ignore[attr-defined]
    return len(left) in positions


def _join_hyphen_breaks(text: str) -> str:
    r"""Undo hyphenation at line ends: 'documen-\ntation' -> 'documentation\n', while a real
    hyphen stays ('x-\nray' -> 'x-ray\n'); punctuation right after the word stays with it
    ('anti-\ninflammatories, muscle' -> 'anti-inflammatories,\n muscle'). The word before the
    break must be whole ASCII letters. The search starts at the break and reads that word
    backwards, because a regex starting at the word tries every word of the letter (it cost 12%
    of a letter's time)."""
    joined_up_to = 0  # a word already used as the right-hand side cannot be a left-hand side

    def join(match: re.Match[str]) -> str:
        nonlocal joined_up_to
        brk, right, punctuation = match.groups()
        start = left_start = match.start()
        while left_start > joined_up_to and text[left_start - 1] in _ASCII_LETTERS:
            left_start -= 1
        before = text[left_start - 1] if left_start else " "
        if left_start == start or before.isalnum() or before == "_":
            return match.group()  # no whole word before the break
        joined_up_to = match.end()
        left = text[left_start:start]
        end = "\n" if "\n" in brk else ""
        keep = left.lower() in KEEP_HYPHEN_PREFIXES or len(left) == 1
        if not keep and _is_hyphenation_point(left, right):
            return f"{right}{punctuation}{end}"
        return f"-{right}{punctuation}{end}"

    pattern = _LINE_BREAK_HYPHEN if "\ufffe" in text else _LINE_BREAK_HYPHEN_ASCII
    return pattern.sub(join, text)


def _undouble_lines(lines: list[str]) -> list[str]:
    """Seed 000 has a blank line after every text line; drop one blank from every run."""
    blank_lines = lines.count("")
    text_lines = len(lines) - blank_lines
    # A text line followed by a blank is followed by a blank line of its own: fewer blank lines
    # than the threshold already answer (most letters), without pairing the lines up.
    if text_lines < 8 or blank_lines < 0.8 * text_lines:
        return lines
    followed_by_blank = sum(1 for i, line in enumerate(lines[:-1]) if line and not lines[i + 1])
    if followed_by_blank < 0.8 * text_lines:
        return lines
    out: list[str] = []
    run = 0
    for line in [*lines, "x"]:
        if not line:
            run += 1
            continue
        out.extend([""] * (run - 1 if run > 1 else 0))
        run = 0
        out.append(line)
    return out[:-1]


def _shape(line: str) -> str:
    """A line as furniture is compared across pages: stripped, every run of digits one '#'."""
    return _DIGITS.sub("#", line.strip())


def _page_numbers(page: list[str]) -> set[str]:
    """The page's lines that are page numbers (lines without trailing whitespace, as
    normalize_text splits them). Every line _PAGE_NUMBER matches ends in a digit (a test checks
    it): those lines are picked out in C (compress over the lines' last characters), and only
    they are matched."""
    ends_in_digit = map(str.isdecimal, map(_LAST_CHARACTER, page))
    return {line for line in compress(page, ends_in_digit) if _PAGE_NUMBER.match(line)}


def _drop_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Remove page numbers, and running headers/footers: the first or last line of a page whose
    shape (digits ignored) recurs there on at least half the pages. Lines that end a sentence are
    content and always stay. The pages' lines have no trailing whitespace (normalize_text); a
    page with nothing to remove is returned as it is."""

    def is_furniture_candidate(line: str) -> bool:
        stripped = line.strip()
        return bool(stripped) and len(stripped) <= 80 and not _ENDS_SENTENCE.search(stripped)

    def edges(page: list[str]) -> set[str]:
        """The page's first and last non-blank lines that could be furniture."""
        first = next((line for line in page if line.strip()), None)
        if first is None:
            return set()
        last = next(line for line in reversed(page) if line.strip())
        return {line for line in (first, last) if is_furniture_candidate(line)}

    repeated: set[str] = set()
    edges_of: list[set[str]] = [set() for _ in pages]
    if len(pages) >= 2:  # a running header or footer needs two pages
        edges_of = [edges(page) for page in pages]
        shape = Counter(_shape(line) for lines in edges_of for line in lines)
        needed = max(2, (len(pages) + 1) // 2)
        repeated = {s for s, n in shape.items() if n >= needed}
    cleaned = []
    for page, page_edges in zip(pages, edges_of, strict=True):
        # whether a line goes depends on its text alone: the lines to drop, as a set
        dropped = _page_numbers(page) | {line for line in page_edges if _shape(line) in repeated}
        cleaned.append([line for line in page if line not in dropped] if dropped else page)
    return cleaned


def normalize_text(raw: str) -> str:
    """Return the letter's text with extraction artefacts removed, one text line per line."""
    text = _map_chars(raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = _join_hyphen_breaks(text)
    text = text.replace("\ufffe", "-")
    pages = [list(map(str.rstrip, page.split("\n"))) for page in text.split("\f")]
    pages = _drop_page_furniture(pages)
    lines = _undouble_lines(pages[0] if len(pages) == 1 else list(chain.from_iterable(pages)))
    out = "\n".join(lines)
    out = _BLANK_RUN.sub("\n\n", out)
    return out.strip("\n") + "\n"


def collapse_ws(text: str) -> str:
    """Collapse every run of whitespace to one space."""
    return " ".join(text.split())
