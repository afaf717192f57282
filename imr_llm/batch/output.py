"""The output files: what is already done (resume), and the Sink that writes every outcome."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
from collections.abc import Collection
from pathlib import Path
from typing import IO, Any

from imr_llm.batch.config import BatchConfig, BatchSummary
from imr_llm.batch.letters import CSV_COLUMNS, Failure, Outcome, already_done, describe
from imr_llm.duplicates import FirstSeen, duplicate_record
from imr_llm.errors import ImrError

_SHA256_KEY = re.compile(rb'"sha256":"([0-9a-f]{64})"')


def _line_digest(line: bytes, strict: bool = False) -> bytes | None:
    """The source.sha256 of one determination line, as 32 bytes (None: not a determination).
    A complete line (we write each in one piece) is trusted after a quick look; `strict`
    parses the JSON, for a last line that may have been cut anywhere."""
    match = None if strict else _SHA256_KEY.search(line)
    if match and line.startswith(b"{") and line.rstrip().endswith(b"}"):
        return bytes.fromhex(match.group(1).decode())
    try:
        data = json.loads(line)
        return bytes.fromhex(data["source"]["sha256"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def repair_tail(path: Path, json_lines: bool = True) -> str | None:
    """Make `path` end with a complete line before appending. A last line without its newline
    is kept (newline added) when it is a whole determination, else cut off (always, for a CSV:
    `json_lines` False). Returns a note, or None."""
    if not path.is_file():
        return None
    with path.open("r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        end = _last_newline_end(handle, size)
        if end == size:
            return None
        handle.seek(end)
        tail = handle.read()
        if json_lines and _line_digest(tail, strict=True) is not None:
            handle.write(b"\n")
            return None
        handle.truncate(end)
    return f"{path}: cut off a half-written last line ({size - end} bytes); complete lines are kept"


def _last_newline_end(handle: IO[bytes], size: int) -> int:
    """The offset just after the file's last newline (0 if there is none)."""
    position = size
    while position > 0:
        start = max(0, position - 65536)
        handle.seek(start)
        block = handle.read(position - start)
        index = block.rfind(b"\n")
        if index >= 0:
            return start + index + 1
        position = start
    return 0


def load_done(path: Path) -> tuple[set[bytes], int]:
    """The text hashes of the letters already in the output, and how many lines are not
    determinations. Reads line by line: memory is the set of hashes (32 bytes a letter)."""
    done: set[bytes] = set()
    bad = 0
    if not path.is_file():
        return done, bad
    with path.open("rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            digest = _line_digest(line)
            if digest is None:
                bad += 1
            else:
                done.add(digest)
    return done, bad


_BUFFER = 1 << 20
"""Output buffer: lines reach the file when a chunk of letters is done (see Sink.flush)."""


def _row_digest(line: bytes) -> bytes | None:
    """The sha256 column of one CSV row (rows are one line each: csv_rows flattens text)."""
    try:
        row = next(csv.reader([line.decode("utf-8")]))
        return bytes.fromhex(row[CSV_COLUMNS.index("sha256")])
    except (ValueError, IndexError, StopIteration):
        return None


def drop_unfinished_rows(path: Path, done: Collection[bytes]) -> str | None:
    """Cut the rows at the end of the CSV whose letter has no line in the output. A run killed
    after writing a chunk's CSV rows but before its JSON lines leaves such rows; the resumed run
    writes them again, so without this cut they would be there twice."""
    if not path.is_file():
        return None
    cut: int | None = None
    dropped = 0
    with path.open("rb") as handle:
        handle.readline()  # the header
        offset = handle.tell()
        for line in handle:
            if _row_digest(line) in done:
                cut, dropped = None, 0
            else:
                cut = offset if cut is None else cut
                dropped += 1
            offset += len(line)
    if cut is None:
        return None
    with path.open("r+b") as handle:
        handle.truncate(cut)
    return f"{path}: removed {dropped} row(s) of letters that are not in the output yet"


def _cannot_write(path: Path, exc: OSError) -> ImrError:
    return ImrError(f"cannot write {path}: {exc.strerror}; check the path")


def _open_append(path: Path, newline: str) -> IO[str]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("a", encoding="utf-8", newline=newline, buffering=_BUFFER)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc


class Sink:
    """Writes outcomes as they arrive (the only writer of every output file).

    A letter's explanation file, CSV rows and JSON line are written in that order, and flush()
    sends the CSV before the JSON Lines: a letter whose line is in the output has everything,
    and one whose line is not (a killed run) is simply redone on resume."""

    def __init__(self, config: BatchConfig, summary: BatchSummary, done: set[bytes]) -> None:
        self.config, self.summary, self.done = config, summary, done
        self.errors = _open_append(config.errors_path, "\n")
        self._files = [(self.errors, config.errors_path)]
        self.errors.truncate(0)  # the failures of this run (a rerun retries every one)
        self.csv: Any = None
        if config.csv is not None:
            table = _open_append(config.csv, "")
            self._files.append((table, config.csv))
            self.csv = csv.writer(table)
            if table.tell() == 0:
                self.csv.writerow(CSV_COLUMNS)
        self.first_seen = FirstSeen()  # the same letter given twice is written once
        if config.resume and config.out.is_file():
            with config.out.open("rb") as earlier:
                self.first_seen.load_lines(earlier)
        self.duplicates = _open_append(config.duplicates_path, "\n")
        self.duplicates.truncate(0)
        self._files.append((self.duplicates, config.duplicates_path))
        self.out = _open_append(config.out, "\n")
        self._files.append((self.out, config.out))
        if config.explanations is not None:
            try:
                config.explanations.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _cannot_write(config.explanations, exc) from exc

    def accept(self, outcome: Outcome) -> None:
        if outcome.failure is not None:
            self._fail(outcome.failure)
        elif outcome.status == "skipped" or already_done(
            self.config.resume, outcome.sha256, self.done
        ):
            self.summary.skipped += 1
        elif repeat := self.first_seen.repeat_of_key(outcome.path, outcome.key):
            self.summary.duplicates.append((outcome.path, repeat[1] or "?"))
            self.duplicates.write(duplicate_record(outcome.path, repeat[1], repeat[0]) + "\n")
        else:
            self._write(outcome)

    def _fail(self, failure: Failure) -> None:
        self.summary.failed += 1
        try:
            self.errors.write(failure.to_json() + "\n")
        except OSError as exc:
            raise _cannot_write(self.config.errors_path, exc) from exc

    def _write(self, outcome: Outcome) -> None:
        if outcome.explanation is not None and self.config.explanations is not None:
            target = self.config.explanations / outcome.name
            text = outcome.explanation
            try:
                target.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
            except OSError as exc:
                self._fail(describe(_cannot_write(target, exc), outcome.path))
                return
        try:
            if outcome.rows and self.csv is not None:
                self.csv.writerows(outcome.rows)
            self.out.write(outcome.line + "\n")
        except OSError as exc:
            raise _cannot_write(self.config.out, exc) from exc
        if self.config.resume:  # a repeat later in this run is skipped
            self.done.add(bytes.fromhex(outcome.sha256))
        self.summary.done += 1
        self.summary.requests += outcome.requests
        self.summary.cache_hits += outcome.cache_hit

    def flush(self) -> None:
        """Errors, CSV, then results: called after each chunk of outcomes."""
        for handle, path in self._files:
            try:
                handle.flush()
            except OSError as exc:
                raise _cannot_write(path, exc) from exc

    def close(self) -> None:
        for handle, _ in self._files:
            with contextlib.suppress(OSError):
                handle.close()
