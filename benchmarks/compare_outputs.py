"""Byte-for-byte check of the offline outputs across a change: dump, then compare.

`dump` writes what `imr-llm extract` and `imr-llm summarize` print (stdout, stderr and exit code)
for every letter in evals/letters (.txt and .pdf), offline, in every format and language, one file
per call. Run it once on the old code and once on the new, then `compare` the two folders:

    PYTHONPATH=<old checkout> python benchmarks/compare_outputs.py dump /tmp/before
    python benchmarks/compare_outputs.py dump /tmp/after
    python benchmarks/compare_outputs.py compare /tmp/before /tmp/after

The commands run in-process through click's test runner (`imr_llm.cli:app`; typer's for an
older checkout whose app is a typer app), so the dump of all letters takes seconds, not minutes.
`compare` lists every file that differs; with `--ignore-readability` it also reports the files
that differ only in the reading grade/ease numbers (and the largest change), which a different
syllable counter may move.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "evals" / "letters"
FORMATS = ("text", "md", "json", "html")
LANGS = ("en", "es")


def calls(letter: Path) -> dict[str, list[str]]:
    path = str(letter.relative_to(ROOT))
    out = {"extract": ["extract", path, "--engine", "offline"]}
    for lang in LANGS:
        for fmt in FORMATS:
            out[f"summarize-{lang}.{fmt}"] = [
                "summarize",
                path,
                "--engine",
                "offline",
                "--lang",
                lang,
                "--format",
                fmt,
            ]
    return out


def dump(folder: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "IMR_LLM_")):
            del os.environ[name]
    os.chdir(ROOT)
    import click

    from imr_llm.cli import app

    if isinstance(app, click.Command):
        from click.testing import CliRunner
    else:  # an older checkout: a typer app, with typer's own click
        from typer.testing import CliRunner  # type: ignore[assignment]
    runner = CliRunner()
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for letter in sorted(LETTERS.iterdir()):
        if letter.suffix not in {".txt", ".pdf"}:
            continue
        for label, args in calls(letter).items():
            result = runner.invoke(app, args)
            record = f"exit {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n"
            record += result.stderr if result.stderr_bytes is not None else ""
            (folder / f"{letter.name}.{label}").write_text(record, encoding="utf-8")
            count += 1
    print(f"wrote {count} outputs to {folder}")


_READABILITY = re.compile(r'("reading_(?:grade|ease)": )(-?[\d.]+)')


def _numbers(text: str) -> list[float]:
    return [float(m.group(2)) for m in _READABILITY.finditer(text)]


def compare(before: Path, after: Path, ignore_readability: bool) -> int:
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    identical, only_readability, different = 0, [], []
    largest = 0.0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            different.append(f"{name}: missing in {'before' if not a.exists() else 'after'}")
            continue
        old, new = a.read_text("utf-8"), b.read_text("utf-8")
        if old == new:
            identical += 1
            continue
        if ignore_readability and _READABILITY.sub(r"\1#", old) == _READABILITY.sub(r"\1#", new):
            change = max(abs(x - y) for x, y in zip(_numbers(old), _numbers(new), strict=True))
            largest = max(largest, change)
            only_readability.append(name)
            continue
        different.append(name)
    print(f"{len(names)} outputs: {identical} byte-identical", end="")
    if ignore_readability:
        print(
            f", {len(only_readability)} differ only in reading grade/ease numbers "
            f"(largest change {largest:.1f})",
            end="",
        )
    print(f", {len(different)} differ")
    for name in different:
        print(f"  DIFFERS: {name}")
    return 1 if different else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("folder", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--ignore-readability", action="store_true")
    options = parser.parse_args()
    if options.command == "dump":
        dump(options.folder)
        return
    sys.exit(compare(options.before, options.after, options.ignore_readability))


if __name__ == "__main__":
    main()
