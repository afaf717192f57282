"""The project's regexes, compiled from a cache of CPython's compiled form.

Compiling a regex is slow in CPython: its parser and compiler are written in Python, and the
project's ~460 patterns cost a one-letter call about 0.1 s of parsing, more than the rest of
the letter's work. `re._compiler.compile` ends in `_sre.compile(pattern, flags, code, groups,
groupindex, indexgroup)`, whose arguments are plain data: this module keeps them, per pattern,
in one `marshal` file in the user's cache directory, and rebuilds a pattern from them in
microseconds. The rules themselves are untouched.

`re._parser`, `re._compiler._code` and `_sre.compile` are private API, so every step is
guarded and anything unexpected falls back to plain `re.compile`:
- the file is keyed by the exact interpreter (`sys.version`) and `_sre`'s MAGIC and CODESIZE:
  another Python never reads it;
- a pattern is written to the file only when the pattern rebuilt from its arguments equals a
  fresh `re.compile` (same code, flags, groups and group names);
- a missing, unreadable or foreign file is rebuilt; a read-only or missing home skips writing;
  the file is replaced atomically (written beside it, then renamed), once, at exit.

Only patterns written in the code go through `compile` (module tables and rules), never text
from a letter: the file holds no letter content (a test checks that a letter's run asks for no
pattern the modules had not declared at import).

`IMR_LLM_REGEX_CACHE`: the cache file to use instead of the default, or `off`.

May import: nothing of the project (the bottom layer: every parser module compiles through it).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from typing import Any

Args = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]
"""`_sre.compile`'s arguments after the pattern: flags, code (its words as bytes: about 3 times
faster to load than a list of ints), groups, groupindex, indexgroup."""

_FORMAT = 1
"""Bumped when the file's layout changes."""

_entries: dict[tuple[str, int], Args] | None = None
"""The cache file's patterns, read on the first compile."""
_new: dict[tuple[str, int], Args] = {}
"""Patterns compiled in this process that the file lacks; written at exit."""
_path: str | None = None
declared: set[tuple[str, int]] = set()
"""Every (pattern, flags) this process asked for (the no-letter-content test reads it)."""


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, from the cache when it holds the pattern."""
    flags = int(flags)
    key = (pattern, flags)
    declared.add(key)
    entries = _entries if _entries is not None else _load()
    args = entries.get(key)
    if args is not None:
        try:
            return _rebuild(pattern, args)
        except Exception:  # an entry _sre refuses: compile afresh
            pass
    compiled = re.compile(pattern, flags)
    if _path is not None and isinstance(pattern, str) and not flags & re.DEBUG:
        args = _arguments(pattern, flags, compiled)
        if args is not None:
            if not _new:
                import atexit

                atexit.register(_save)
            _new[key] = args
    return compiled


# --- CPython's compiler, step by step (private API, guarded) -----------------------------------

try:
    import _sre  # type: ignore[import-not-found]  # no stubs: private
    from array import array
    from re import _compiler, _parser  # type: ignore[attr-defined]

    _WORD = next(code for code in "IL" if array(code).itemsize == _sre.CODESIZE)
    _VERSION: tuple[str, int, int] | None = (sys.version, _sre.MAGIC, _sre.CODESIZE)
except Exception:  # another Python: no cache, plain re.compile
    _VERSION = None


def _rebuild(pattern: str, args: Args) -> re.Pattern[str]:
    flags, code, groups, groupindex, indexgroup = args
    words = array(_WORD, code).tolist()
    return _sre.compile(pattern, flags, words, groups, groupindex, indexgroup)  # type: ignore[no-any-return]


def _arguments(pattern: str, flags: int, compiled: re.Pattern[str]) -> Args | None:
    """What re._compiler.compile passes to _sre.compile for this pattern, or None when that
    does not give back exactly `compiled` (then the pattern is not cached)."""
    try:
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        args: Args = (
            flags | parsed.state.flags,
            array(_WORD, code).tobytes(),
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
        rebuilt = _rebuild(pattern, args)
    except Exception:
        return None
    same = (
        rebuilt == compiled  # compares the pattern, flags and compiled code
        and rebuilt.groups == compiled.groups
        and rebuilt.groupindex == compiled.groupindex
    )
    return args if same else None


# --- the file ---------------------------------------------------------------------------------


def cache_path() -> str | None:
    """The cache file for this interpreter, or None (turned off, or no home to put it in)."""
    if _VERSION is None:
        return None
    chosen = os.environ.get("IMR_LLM_REGEX_CACHE")
    if chosen:
        return None if chosen == "off" else chosen
    # The user cache directory, as platformdirs would say (its import costs ~15 ms).
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    if not base or base.startswith("~"):
        return None
    tag = f"{sys.implementation.cache_tag}.{sys.version_info.micro}-{_sre.MAGIC}-{_sre.CODESIZE}"
    return os.path.join(base, "imr-llm", f"regex-{tag}.marshal")


def _load() -> dict[tuple[str, int], Args]:
    global _entries, _path
    _path = cache_path()
    _entries = _read(_path) if _path else {}
    return _entries


def _read(path: str) -> dict[tuple[str, int], Args]:
    """The file's entries; empty when it is missing, unreadable or for another interpreter."""
    import marshal

    try:
        with open(path, "rb") as file:
            layout, version, entries = marshal.load(file)
    except Exception:
        return {}
    if layout != _FORMAT or tuple(version) != _VERSION or not isinstance(entries, dict):
        return {}
    return entries


def _save() -> None:
    """Add this process's new patterns to the file (merged with what another process may have
    written meanwhile), atomically; any failure leaves the file as it was."""
    import marshal

    if _path is None or not _new:
        return
    temporary = f"{_path}.{os.getpid()}.tmp"
    try:
        merged: dict[tuple[str, int], Any] = {**_read(_path), **_new}
        os.makedirs(os.path.dirname(_path), exist_ok=True)
        with open(temporary, "xb") as file:
            marshal.dump((_FORMAT, _VERSION, merged), file)
        os.replace(temporary, _path)
    except Exception:  # a read-only or full disk: the next run compiles afresh
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    else:
        _new.clear()
