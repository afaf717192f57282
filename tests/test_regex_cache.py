"""The regex cache: every project pattern it rebuilds equals a fresh re.compile, the letters read
the same with and without it, a bad or missing file is rebuilt, an unwritable place is skipped,
and a letter's run never puts a pattern (so never letter text) into it."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import imr_llm
from imr_llm import regex_cache

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "evals" / "letters"

# Imports every project module (each declares its patterns at import) and compiles them all.
COMPILE_ALL = """
import importlib, pkgutil, imr_llm
from imr_llm import regex_cache
for module in pkgutil.walk_packages(imr_llm.__path__, "imr_llm."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
for pattern, flags in sorted(regex_cache.declared):
    regex_cache.compile(pattern, flags)
print(len(regex_cache.declared))
"""

# The determination and English and Spanish explanations of every letter, as JSON; and whether
# the run compiled a pattern the modules had not declared at import (letter text would be one).
READ_ALL = """
import importlib, json, pkgutil, sys, imr_llm
from imr_llm import regex_cache
from imr_llm.runner import run_letters
for module in pkgutil.walk_packages(imr_llm.__path__, "imr_llm."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
declared = set(regex_cache.declared)
out = {}
for lang in ("en", "es"):
    for result in run_letters(sys.argv[1:], "analyze", lang=lang, engine="offline"):
        assert result.error is None, result.error
        value = result.value
        out[f"{result.path} {lang}"] = [
            value.determination.model_dump_json(), value.explanation.model_dump_json()
        ]
print(json.dumps({"new patterns": sorted(regex_cache.declared - declared), "letters": out}))
"""


def _python(code: str, cache: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IMR_LLM_REGEX_CACHE": cache}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _import_all() -> set[tuple[str, int]]:
    for module in pkgutil.walk_packages(imr_llm.__path__, "imr_llm."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    return set(regex_cache.declared)


@pytest.fixture(scope="module")
def full_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A cache file built by a first run that compiled every project pattern."""
    cache = tmp_path_factory.mktemp("regex") / "regex.marshal"
    run = _python(COMPILE_ALL, str(cache))
    assert run.returncode == 0, run.stderr
    return cache, int(run.stdout)


def test_every_project_pattern_from_the_cache_equals_re_compile(
    full_cache: tuple[Path, int],
) -> None:
    cache, count = full_cache
    declared = _import_all()
    assert count == len(declared) > 300  # the same modules, all their patterns
    entries = regex_cache._read(str(cache))
    assert set(entries) == declared  # none refused by the check against re.compile
    for (pattern, flags), args in entries.items():
        rebuilt = regex_cache._rebuild(pattern, args)
        fresh = re.compile(pattern, flags)
        assert rebuilt == fresh, pattern  # the pattern, flags and compiled code
        assert (rebuilt.pattern, rebuilt.flags) == (fresh.pattern, fresh.flags)
        assert (rebuilt.groups, rebuilt.groupindex) == (fresh.groups, fresh.groupindex)


def test_letters_read_the_same_with_and_without_the_cache(full_cache: tuple[Path, int]) -> None:
    """Every letter, both languages; and a letter's run adds no pattern to the cache, so its
    file never holds letter text."""
    letters = sorted(str(p.relative_to(ROOT)) for p in LETTERS.glob("*.txt"))
    cache, _ = full_cache
    before = cache.read_bytes()
    with ThreadPoolExecutor(2) as both:  # the two runs side by side
        running = [both.submit(_python, READ_ALL, str(cache), *letters)]
        running.append(both.submit(_python, READ_ALL, "off", *letters))
        with_cache, without = (run.result() for run in running)
    assert with_cache.returncode == 0 and without.returncode == 0, with_cache.stderr
    read = json.loads(with_cache.stdout)
    assert read["new patterns"] == []
    assert len(read["letters"]) == 2 * len(letters)
    assert with_cache.stdout == without.stdout
    assert cache.read_bytes() == before  # nothing added


@pytest.mark.parametrize("content", [b"", b"not marshal data", b"\xff" * 64])
def test_an_unreadable_file_is_rebuilt(tmp_path: Path, content: bytes) -> None:
    cache = tmp_path / "regex.marshal"
    cache.write_bytes(content)
    run = _python("from imr_llm import citations", str(cache))
    assert run.returncode == 0 and run.stderr == ""
    entries = regex_cache._read(str(cache))
    assert (r"\b(19[89]\d|20[0-4]\d)\b", 0) in entries  # one of citations' patterns
    assert not list(tmp_path.glob("*.tmp"))


def test_a_file_for_another_python_is_not_used(tmp_path: Path) -> None:
    import marshal

    cache = tmp_path / "regex.marshal"
    assert _python("from imr_llm import citations", str(cache)).returncode == 0
    layout, version, entries = marshal.loads(cache.read_bytes())
    pattern = (r"\b(19[89]\d|20[0-4]\d)\b", 0)
    wrong = entries[pattern]
    # Another interpreter's file, whose code would match any year: never read.
    other = re.compile(r".")
    wrong = (wrong[0], regex_cache._arguments(r".", 0, other)[1], *wrong[2:])  # type: ignore[index]
    cache.write_bytes(marshal.dumps((layout, ("3.0.0 other", *version[1:]), {pattern: wrong})))
    assert regex_cache._read(str(cache)) == {}
    check = "from imr_llm import citations; print(bool(citations._YEAR.search('no year')))"
    run = _python(check, str(cache))
    assert run.stdout.strip() == "False"


def test_an_unwritable_place_is_skipped_silently(tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    cache = blocker / "imr-llm" / "regex.marshal"  # its folder can never be made
    check = "from imr_llm import citations; print(citations._YEAR.findall('in 2016 and 1999'))"
    run = _python(check, str(cache))
    assert run.returncode == 0 and run.stderr == ""
    assert run.stdout.strip() == "['2016', '1999']"


def test_the_cache_can_be_turned_off(tmp_path: Path) -> None:
    run = _python("from imr_llm import regex_cache as r; print(r.cache_path())", "off")
    assert run.stdout.strip() == "None"
