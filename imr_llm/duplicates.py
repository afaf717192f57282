"""The same letter given twice (as .pdf and .txt, or copied), and synthetic letters: pure
functions that `batch` and `stats` use to count each case once.

Two determinations are the same letter when they have the same case number and the same
decisions, item by item. The text hash cannot tell: a letter's PDF and its text export differ in
every whitespace. A letter without a case number is never called a duplicate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from imr_llm.schema import Determination

SYNTHETIC_PREFIX = "SYN-"
"""The file names of the team's synthetic letters (evals/letters/SYNTHETIC.md)."""

LetterKey = tuple[str, tuple[str, ...]]


def letter_key(determination: Determination) -> LetterKey | None:
    """(case number, decisions in letter order), or None when the case number is unknown."""
    case_number = determination.case.case_number
    if not case_number:
        return None
    return case_number.upper(), tuple(t.decision for t in determination.treatments)


def key_of_json(data: dict[str, Any]) -> LetterKey | None:
    """letter_key of a determination already serialised (a batch output line, parsed)."""
    case_number = (data.get("case") or {}).get("case_number")
    if not isinstance(case_number, str) or not case_number:
        return None
    treatments = data.get("treatments") or []
    return case_number.upper(), tuple(str(t.get("decision")) for t in treatments)


def key_of_line(line: str | bytes) -> LetterKey | None:
    """letter_key of one JSON line; None for a line that is not a determination."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    return key_of_json(data) if isinstance(data, dict) else None


def is_synthetic(determination: Determination) -> bool:
    """A letter the team wrote (file name SYN-*), kept out of counts about real letters."""
    path = determination.source.path
    return bool(path) and PurePath(path or "").name.upper().startswith(SYNTHETIC_PREFIX)


def duplicate_record(path: str, first_path: str | None, key: LetterKey) -> str:
    """The JSON line that records a letter left out as a duplicate of an earlier one."""
    return json.dumps(
        {"path": path, "duplicate_of": first_path, "case_number": key[0], "decisions": key[1]}
    )


class FirstSeen:
    """The first path of each letter key seen so far (a batch run's memory of its letters)."""

    def __init__(self) -> None:
        self.paths: dict[LetterKey, str | None] = {}

    def load_lines(self, lines: Iterable[bytes]) -> None:
        """Remember the letters of an earlier run's output (resume)."""
        for line in lines:
            try:
                data = json.loads(line)
            except ValueError:
                continue
            key = key_of_json(data) if isinstance(data, dict) else None
            if key is not None:
                self.paths.setdefault(key, (data.get("source") or {}).get("path"))

    def repeat_of(self, path: str, line: str) -> tuple[LetterKey, str | None] | None:
        """(key, first path) when the determination `line` repeats a letter already seen;
        else None, and the letter is remembered as seen at `path`."""
        return self.repeat_of_key(path, key_of_line(line))

    def repeat_of_key(
        self, path: str, key: LetterKey | None
    ) -> tuple[LetterKey, str | None] | None:
        """repeat_of with the letter's key already known (a batch worker sends it, so the
        batch process need not parse every line it writes)."""
        if key is None:
            return None
        if key in self.paths:
            return key, self.paths[key]
        self.paths[key] = path
        return None
