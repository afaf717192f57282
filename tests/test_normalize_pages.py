"""normalize_text's page and line steps give what their plain forms give: page numbers picked out
by their last character, a single page skipping the running-header count, a page with nothing to
drop kept as it is, and the blank-line count answered early. Checked on every real letter and on
generated pages (page numbers, headers with digits, blank lines, Unicode digits and spaces)."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from conftest import LETTERS
from hypothesis import given, settings
from hypothesis import strategies as st

from imr_llm import normalize
from imr_llm.reading import read_letter

SETTINGS = settings(max_examples=300, derandomize=True, deadline=None)


@cache
def raw_texts() -> tuple[str, ...]:
    paths = sorted(LETTERS.glob("*.txt")) + sorted(LETTERS.glob("*.pdf"))
    return tuple(read_letter(str(path)).text for path in paths)


def _drop_page_furniture_plain(pages: list[list[str]]) -> list[list[str]]:
    """Every line of every page tested, as the step was first written."""

    def is_furniture_candidate(line: str) -> bool:
        stripped = line.strip()
        return (
            bool(stripped) and len(stripped) <= 80 and not normalize._ENDS_SENTENCE.search(stripped)
        )

    def edges(page: list[str]) -> set[str]:
        first = next((line for line in page if line.strip()), None)
        if first is None:
            return set()
        last = next(line for line in reversed(page) if line.strip())
        return {line for line in (first, last) if is_furniture_candidate(line)}

    edges_of = [edges(page) for page in pages]
    shape = Counter(re.sub(r"\d+", "#", line.strip()) for lines in edges_of for line in lines)
    needed = max(2, (len(pages) + 1) // 2)
    repeated = {s for s, n in shape.items() if n >= needed} if len(pages) >= 2 else set()
    return [
        [
            line
            for line in page
            if not normalize._PAGE_NUMBER.match(line)
            and not (line in page_edges and re.sub(r"\d+", "#", line.strip()) in repeated)
        ]
        for page, page_edges in zip(pages, edges_of, strict=True)
    ]


def _undouble_lines_plain(lines: list[str]) -> list[str]:
    text_lines = sum(1 for line in lines if line)
    if text_lines < 8:
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


def _normalize_plain(raw: str) -> str:
    text = normalize._map_chars(raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = normalize._join_hyphen_breaks(text)
    text = text.replace("\ufffe", "-")
    pages = [[line.rstrip() for line in page.split("\n")] for page in text.split("\f")]
    pages = _drop_page_furniture_plain(pages)
    lines = _undouble_lines_plain([line for page in pages for line in page])
    out = normalize._BLANK_RUN.sub("\n\n", "\n".join(lines))
    return out.strip("\n") + "\n"


def _pages(raw: str) -> list[list[str]]:
    return [[line.rstrip() for line in page.split("\n")] for page in raw.split("\f")]


def test_normalize_text_equals_its_plain_form_on_every_letter() -> None:
    assert any("\f" in raw for raw in raw_texts())  # multi-page letters (PDF) are among them
    for raw in raw_texts():
        assert normalize.normalize_text(raw) == _normalize_plain(raw)
        pages = _pages(raw)
        assert normalize._drop_page_furniture(pages) == _drop_page_furniture_plain(pages)


def test_page_numbers_are_dropped_from_the_letters() -> None:
    """The letters have page-number lines: the fast path that picks them out is exercised."""
    assert any(normalize._page_numbers(page) for raw in raw_texts() for page in _pages(raw))


_LINES = st.sampled_from(
    [
        "",
        "",
        "Page 2 of 3",
        "page 12",
        "7",
        " 3 of 4",
        "\u0663",
        "2\u00b2",
        "Case Number: CM16-0213037",
        "Case Number: CM16-0213038",
        "DWC IMR Final Determination",
        "The request is upheld.",
        "words 12",
        "\u2003 5",
        "x",
    ]
)
generated_pages = st.lists(st.lists(_LINES, max_size=8), min_size=1, max_size=5)


@SETTINGS
@given(generated_pages)
def test_page_furniture_equals_its_plain_form(pages: list[list[str]]) -> None:
    pages = [[line.rstrip() for line in page] for page in pages]
    assert normalize._drop_page_furniture(pages) == _drop_page_furniture_plain(pages)
    raw = "\f".join("\n".join(page) for page in pages)
    assert normalize.normalize_text(raw) == _normalize_plain(raw)


blank_runs = st.lists(st.sampled_from([0, 1, 1, 1, 1, 1, 1, 1, 1, 2]), min_size=6, max_size=40)
"""Text lines followed by so many blank lines: mostly one each, near the 80% the step looks for."""


@SETTINGS
@given(blank_runs, st.sampled_from(["", "x"]))
def test_blank_line_count_equals_its_plain_form(runs: list[int], first: str) -> None:
    lines = [first, *[line for run in runs for line in ["a", *[""] * run]]]
    assert normalize._undouble_lines(lines) == _undouble_lines_plain(lines)
