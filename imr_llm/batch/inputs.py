"""The letters a batch names: files, folders (recursively) and glob patterns, expanded lazily.

Paper letters: a .tif/.tiff file is one letter (a scanner's multi-page TIFF); a folder holding
.png/.jpg photos and no other letter is ONE letter, its photos the pages in name order (put each
photographed letter in a folder of its own).
"""

from __future__ import annotations

import glob
import os
from collections.abc import Generator, Iterable, Iterator
from pathlib import PurePath
from typing import NamedTuple

from imr_llm import regex_cache
from imr_llm.batch.config import BatchConfig
from imr_llm.explain.output import EXTENSIONS

LETTER_SUFFIXES = (".txt", ".pdf", ".tif", ".tiff")
PAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
_GLOB_CHARS = regex_cache.compile(r"[*?\[]")


class Job(NamedTuple):
    """One letter to run. `problem` is set when the input itself is unusable."""

    path: str
    name: str = ""
    """The explanation file's name ('' when no explanations are written)."""
    problem: str = ""


def _is_letter_name(name: str, pages: bool = True) -> bool:
    suffixes = LETTER_SUFFIXES + PAGE_SUFFIXES if pages else LETTER_SUFFIXES
    return not name.startswith(".") and name.lower().endswith(suffixes)


def _walk(folder: str) -> Generator[tuple[str, str], None, int]:
    """Letters under `folder`, recursively, in name order; returns how many. Only the names
    of one folder are held (to sort them); symlinked folders are not followed."""
    try:
        with os.scandir(folder) as listing:
            kinds = ((entry.name, entry.is_dir(follow_symlinks=False)) for entry in listing)
            names = sorted(
                (name, is_folder)
                for name, is_folder in kinds
                if (is_folder and not name.startswith(".")) or _is_letter_name(name)
            )
    except OSError as exc:
        yield folder, f"{folder}: cannot list the folder ({exc.strerror})"
        return 1
    found = 0
    files = [name for name, is_folder in names if not is_folder]
    if files and not any(_is_letter_name(name, pages=False) for name in files):
        found += 1
        yield folder, ""  # page photos only: one letter
        names = [(name, is_folder) for name, is_folder in names if is_folder]
    for name, is_folder in names:
        path = os.path.join(folder, name)
        if is_folder:
            found += yield from _walk(path)
        else:
            found += 1
            yield path, ""
    return found


def _matches(pattern: str) -> Generator[tuple[str, str], None, int]:
    found = 0
    for path in glob.iglob(pattern, recursive=True):
        if _is_letter_name(os.path.basename(path)) and os.path.isfile(path):
            found += 1
            yield path, ""
    return found


def _expand(item: str) -> Iterator[tuple[str, str]]:
    if item == "-":
        yield item, "batch reads files, not standard input; use `imr-llm extract -` for that"
    elif os.path.isdir(item):
        if not (yield from _walk(item)):
            yield item, f"{item}: no letters (.txt, .pdf, .tif, or page photos) in this folder"
    elif _GLOB_CHARS.search(item) and not os.path.exists(item):
        if not (yield from _matches(item)):
            yield item, f"{item}: no letter (.txt, .pdf, .tif, .png, .jpg) matches this pattern"
    else:
        yield item, ""


def iter_inputs(inputs: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(path, problem) for every letter the inputs name, lazily: files as given (any name),
    folders recursively (.txt, .pdf, .tif; a folder of page photos is one letter), glob
    patterns (`**` included)."""
    for item in inputs:
        yield from _expand(item)


def count_inputs(inputs: Iterable[str]) -> int:
    """How many letters the inputs name (a cheap pass over names, for the progress bar)."""
    return sum(1 for _ in iter_inputs(inputs))


class _Namer:
    """Explanation file names from the letters' stems, unique within a run: a second letter
    with the same stem gets its suffix too (`X.pdf.md`), then a number (`X-2.md`)."""

    def __init__(self, extension: str | None) -> None:
        self.extension = extension
        self.used: set[str] = set()

    def __call__(self, path: str) -> str:
        if self.extension is None:
            return ""
        pure = PurePath(path)
        stem, suffix = pure.stem or "letter", pure.suffix.lstrip(".").lower()
        candidates = [stem, f"{stem}.{suffix}"] if suffix else [stem]
        number = 2
        while True:
            for base in candidates:
                name = f"{base}.{self.extension}"
                if name.lower() not in self.used:
                    self.used.add(name.lower())
                    return name
            candidates = [f"{stem}-{number}"]
            number += 1


def iter_jobs(inputs: Iterable[str], config: BatchConfig) -> Iterator[Job]:
    namer = _Namer(EXTENSIONS[config.explanation_format] if config.explanations else None)
    for path, problem in iter_inputs(inputs):
        yield Job(path, "" if problem else namer(path), problem)
