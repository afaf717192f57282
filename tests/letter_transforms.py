"""Changes to a letter's text that an extractor, a printer or a scanner may make and that must
not change what the letter says: the metamorphic tests (tests/test_metamorphic.py) and their
benchmark (benchmarks/bench_metamorphic.py) apply them to every real letter."""

from __future__ import annotations

import random
import re
import textwrap
from collections.abc import Callable

from imr_llm.formats.common import is_subheading
from imr_llm.normalize import KEEP_HYPHEN_PREFIXES
from imr_llm.schema import Determination

Transform = Callable[[str, random.Random], str]

_STRUCTURAL = re.compile(
    r":\s*(?:Upheld|Overturned)\b|^\s*[A-Z][A-Z ,()&/'-]{5,}:?\s*$|"
    r"(?:Case\s+Number|Date\s+Assigned|Date\s+of\s+Injury|Decision\s+Date|UR\s+Denial|"
    r"Priority|Application|Received)\s*:?|^[^:]{0,60}:",
)
_HEADER_END = re.compile(r"^\s*HOW THE IMR FINAL DETERMINATION WAS MADE", re.M)


def _structural(line: str) -> bool:
    return bool(_STRUCTURAL.search(line)) or is_subheading(line.strip())


def _paragraphs(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """(is prose, lines): prose runs end at a short line; structural lines stand alone."""
    out: list[tuple[bool, list[str]]] = []
    run: list[str] = []
    for line in lines:
        if not line.strip() or _structural(line):
            if run:
                out.append((True, run))
                run = []
            out.append((False, [line]))
            continue
        run.append(line)
        if len(line.strip()) < 70:
            out.append((True, run))
            run = []
    if run:
        out.append((True, run))
    return out


def rewrap(text: str, rng: random.Random) -> str:
    """Re-wrap prose paragraphs at another width (as another extractor or page size would)."""
    width = rng.randint(60, 140)
    out: list[str] = []
    for prose, lines in _paragraphs(text.split("\n")):
        if prose and len(lines) > 1:
            joined = " ".join(line.strip() for line in lines)
            out += textwrap.wrap(joined, width, break_long_words=False, break_on_hyphens=False)
        else:
            out += lines
    return "\n".join(out)


def page_furniture(text: str, rng: random.Random) -> str:
    """Page breaks at blank lines, each page with a running header and a page number."""
    lines = text.split("\n")
    case = re.search(r"\b[A-Z]{2}\d{2}-\d{5,8}\b", text)
    running = f"IMR Case Number {case.group() if case else 'CM00-0000000'} - Final Determination"
    blanks = [i for i, line in enumerate(lines) if not line.strip() and i > 12]
    breaks = sorted(rng.sample(blanks, min(len(blanks), rng.randint(2, 5))))
    pages: list[list[str]] = []
    start = 0
    for cut in [*breaks, len(lines)]:
        pages.append(lines[start:cut])
        start = cut
    total = len(pages)
    return "\f".join(
        "\n".join([running, *page, f"Page {n} of {total}"]) for n, page in enumerate(pages, 1)
    )


def double_blank_lines(text: str, _: random.Random) -> str:
    return re.sub(r"\n[ \t]*\n", "\n\n\n", text)


def remove_blank_lines(text: str, rng: random.Random) -> str:
    """Drop about half of the blank lines that stand between two prose lines."""
    lines = text.split("\n")
    keep = []
    for i, line in enumerate(lines):
        between_prose = 0 < i < len(lines) - 1 and lines[i - 1].strip() and lines[i + 1].strip()
        if not line.strip() and between_prose and rng.random() < 0.5:
            continue
        keep.append(line)
    return "\n".join(keep)


def crlf(text: str, _: random.Random) -> str:
    return text.replace("\n", "\r\n")


def trailing_spaces(text: str, rng: random.Random) -> str:
    return "\n".join(line + " " * rng.randint(0, 3) for line in text.split("\n"))


def no_final_period(text: str, _: random.Random) -> str:
    bare = text.rstrip()
    return bare[:-1] if bare.endswith(".") else bare


def hyphenate_line_ends(text: str, rng: random.Random) -> str:
    """Split some long last words of prose lines at a hyphenation point, as typesetting does."""
    import pyphen

    dictionary = pyphen.Pyphen(lang="en_US")
    lines = text.split("\n")
    for i in range(len(lines) - 1):
        match = re.search(r"(?<![\w/-])([a-z]{8,})$", lines[i].rstrip())
        if not match or _structural(lines[i]) or not lines[i + 1].strip() or rng.random() < 0.6:
            continue
        if _structural(lines[i + 1]):
            continue
        word = match.group(1)
        points = dictionary.positions(word)
        if not points:
            continue
        # A break after a real prefix ("non-", "re-") is ambiguous on paper too: not used.
        points = [p for p in points if word[:p] not in KEEP_HYPHEN_PREFIXES]
        if not points:
            continue
        cut = rng.choice(points)
        lines[i] = lines[i].rstrip()[: match.start()] + word[:cut] + "-"
        lines[i + 1] = word[cut:] + " " + lines[i + 1].lstrip()
    return "\n".join(lines)


def decision_word_own_line(text: str, _: random.Random) -> str:
    return re.sub(r":[ \t]*(Upheld|Overturned)\b", r":\n\1", text)


def header_labels_then_values(text: str, _: random.Random) -> str:
    """The header table as pdfminer writes it: every label, then every value."""
    end = _HEADER_END.search(text)
    if not end:
        return text
    head = text[: end.start()]
    pairs = re.findall(
        r"((?:IMR\s+)?Case\s+Number|Date\s+Assigned|Date\s+of\s+Injury|Decision\s+Date|"
        r"UR\s+Denial\s+Date|Priority|Application\s+Received)\s*:\s*"
        r"([A-Z]{2}\d{2}-\d{5,8}|\d{1,2}/\d{1,2}/\d{2,4}|Standard|Expedited)",
        head,
    )
    if len(pairs) < 3:
        return text
    labels = "\n".join(f"{' '.join(label.split())}: " for label, _ in pairs)
    values = "\n".join(f"{value} " for _, value in pairs)
    return f"{labels}\n\n{values}\n\n{text[end.start() :]}"


TRANSFORMS: dict[str, Transform] = {
    "rewrap": rewrap,
    "page furniture": page_furniture,
    "double blank lines": double_blank_lines,
    "remove blank lines": remove_blank_lines,
    "CRLF": crlf,
    "trailing spaces": trailing_spaces,
    "no final period": no_final_period,
    "hyphenation": hyphenate_line_ends,
    "decision word on its own line": decision_word_own_line,
    "header labels then values": header_labels_then_values,
}


def what_it_says(result: Determination) -> dict[str, object]:
    """What no transformation may change: decisions, items, header fields, reviewer, patient."""
    return {
        "case": result.case.model_dump(mode="json"),
        "states": result.reviewer.licensed_states,
        "specialties": result.reviewer.specialties,
        "patient": (result.patient.age, result.patient.sex),
        "items": [
            (
                " ".join(t.request.split()),
                " ".join((t.original_request or "").split()),
                t.decision,
                t.retrospective,
                t.dates_of_service,
            )
            for t in result.treatments
        ],
    }
