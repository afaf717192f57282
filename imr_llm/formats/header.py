"""The header table (case number, dates, priority), in any extractor's layout, failing closed.

Extractors lay the two-column table out differently: pypdf and pdfplumber write "Label: value"
on one line; pdfminer and poppler's plain `pdftotext` write a block of labels, then a block of
values, sometimes with one value before its label; `pdftotext -layout` splits "Application
Received:" around its value. A wrong date is worse than none (it moves the worker's deadlines),
so a date is paired with its label only when that is certain:

- the value follows its label on the same line; or
- among the dates not paired that way, the pairing in reading order is the only one that keeps
  the process order (injury <= UR denial <= application <= assigned <= decision, see
  imr_llm.dates), counting the dates already paired.

Any other date label is left empty, with a warning naming the label.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import NamedTuple

from imr_llm import regex_cache
from imr_llm.dates import HEADER_DATE_ORDER, parse_numeric_date

HEADER_LABELS: dict[str, str] = {
    "case_number": r"(?:IMR\s+)?Case\s+Number",
    "date_assigned": r"Date\s+Assigned",
    "date_of_injury": r"Date\s+of\s+Injury",
    "decision_date": r"Decision\s+Date",
    "ur_denial_date": r"UR\s+Denial\s+Date",
    "priority": r"Priority",
    "application_received": r"Application\s+Received(?:\s+Date)?",
}
LABEL_NAMES = dict(HEADER_DATE_ORDER) | {"case_number": "Case Number", "priority": "Priority"}
_LABEL_KIND = {"case_number": "case", "priority": "priority"}
_VALUE_PATTERNS = {
    "case": r"\b[A-Z]{2}\d{2}-\d{5,8}\b",
    "date": r"\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    "priority": r"\b(?:Standard|Expedited|Regular|Urgent)\b",
}
_TOKEN = regex_cache.compile(
    "|".join(
        [f"(?P<label_{key}>{pattern})[ \\t]*:" for key, pattern in HEADER_LABELS.items()]
        + [f"(?P<value_{kind}>{pattern})" for kind, pattern in _VALUE_PATTERNS.items()]
    ),
    re.IGNORECASE,
)
# `pdftotext -layout` and pdfplumber: "Application   11/03/2016" then "Received:" below it;
# pdfminer, sometimes: "Application", the date and "Received:" on three lines.
_SPLIT_APPLICATION_LABEL = regex_cache.compile(
    r"\bApplication\s+(?P<value>\d{1,2}/\d{1,2}/\d{2,4})[ \t]*\n(?P<gap>[ \t]*)"
    r"Received(?P<date>[ \t]+Date)?[ \t]*:",
    re.I,
)
MAX_FREE_DATES = 8
"""More unpaired dates than this in a header region: too many pairings to be sure of any."""


class _Token(NamedTuple):
    role: str  # "label" or "value"
    name: str  # the label's key, or the value's kind
    text: str
    line: int


def _tokens(region: str) -> list[_Token]:
    region = _SPLIT_APPLICATION_LABEL.sub(
        lambda m: f"Application Received: {m.group('value')}\n{m.group('gap')}", region
    )
    tokens = []
    line, counted_to = 0, 0
    for match in _TOKEN.finditer(region):
        group = match.lastgroup or ""
        role, _, name = group.partition("_")
        line += region.count("\n", counted_to, match.start())
        counted_to = match.start()
        tokens.append(_Token(role, name, match.group(group), line))
    return tokens


def _kind(key: str) -> str:
    return _LABEL_KIND.get(key, "date")


def _in_order(dates: dict[str, date | None]) -> bool:
    known = [dates[key] for key, _ in HEADER_DATE_ORDER if dates.get(key) is not None]
    return all(a <= b for a, b in itertools.pairwise(known))  # type: ignore[operator]


def _pair_free_dates(
    labels: list[str], values: list[str], paired: dict[str, date | None]
) -> dict[str, str]:
    """The free date labels that can be paired for certain: in reading order, and the only
    order-keeping assignment of the free values."""
    if not labels or not values or len(values) > MAX_FREE_DATES:
        return {}
    parsed = [parse_numeric_date(v) for v in values]
    reading = dict(zip(labels, range(len(values)), strict=False))
    consistent: list[dict[str, date | None]] = []
    slots = min(len(labels), len(values))
    for chosen in itertools.permutations(range(len(values)), slots):
        for named in itertools.combinations(labels, slots):
            trial = dict(paired) | {key: parsed[i] for key, i in zip(named, chosen, strict=True)}
            if _in_order(trial):
                consistent.append({key: trial.get(key) for key in labels})
    found = {}
    for key, index in reading.items():
        value = parsed[index]
        if value is not None and consistent and all(c[key] == value for c in consistent):
            found[key] = values[index]
    return found


def read_header(region: str) -> tuple[dict[str, str], list[str]]:
    """The header fields of `region` (key -> the letter's text), and a warning for every date
    label found but left empty because its value could not be paired for certain."""
    tokens = _tokens(region)
    found: dict[str, str] = {}
    used: set[int] = set()
    conflicts: set[str] = set()
    for i, token in enumerate(tokens[:-1]):
        after = tokens[i + 1]
        if not (
            token.role == "label"
            and after.role == "value"
            and after.name == _kind(token.name)
            and after.line == token.line
        ):
            continue
        used.update((i, i + 1))
        if found.setdefault(token.name, after.text) != after.text:
            conflicts.add(token.name)  # the same label twice (a cover page), two values
    for kind in ("case", "priority"):  # one value of each in a header: no pairing to doubt
        key = "case_number" if kind == "case" else "priority"
        values = [t.text for t in tokens if t.role == "value" and t.name == kind]
        labelled = any(t.role == "label" and t.name == key for t in tokens)
        if key not in found and labelled and len(set(values)) == 1:
            found[key] = values[0]
    free_labels = list(
        dict.fromkeys(
            t.name
            for t in tokens
            if t.role == "label" and _kind(t.name) == "date" and t.name not in found
        )
    )
    free_values = [
        t.text
        for i, t in enumerate(tokens)
        if t.role == "value" and t.name == "date" and i not in used
    ]
    paired = {key: parse_numeric_date(text) for key, text in found.items() if _kind(key) == "date"}
    found |= _pair_free_dates(free_labels, free_values, paired)
    for key in conflicts & set(found):
        del found[key]
    warnings = [
        f"{LABEL_NAMES[key]}: the letter gives this label two different values; left empty - "
        "check it on the letter"
        for key in sorted(conflicts)
    ] + [
        f"{LABEL_NAMES[key]}: the date beside this label could not be paired with it for "
        "certain in this text layout; left empty - check it on the letter"
        for key in free_labels
        if key not in found
    ]
    return found, warnings


def parse_header_table(region: str) -> dict[str, str]:
    """read_header without the warnings."""
    return read_header(region)[0]
