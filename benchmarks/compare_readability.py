"""Reading grades of imr_llm.explain.readability against textstat 0.7.8 (a dev dependency),
on the offline explanation of every real letter in English and Spanish.

    python benchmarks/compare_readability.py [--table]

Prints the largest difference of each measure and, with --table, one row per letter.
Exits 1 when any grade or ease differs by more than 0.2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import textstat

from imr_llm.explain import explain, readable_text
from imr_llm.explain import readability as ours
from imr_llm.prepare import prepare, skeleton

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "evals" / "letters"
TOLERANCE = 0.2


def theirs(text: str, lang: str) -> dict[str, float]:
    if lang == "en":
        return {
            "grade": round(float(textstat.flesch_kincaid_grade(text)), 1),
            "ease": round(float(textstat.flesch_reading_ease(text)), 1),
        }
    textstat.set_lang("es")
    try:
        return {
            "grade": round(float(textstat.crawford(text)), 1),
            "ease": round(float(textstat.fernandez_huerta(text)), 1),
        }
    finally:
        textstat.set_lang("en_US")


def mine(text: str, lang: str) -> dict[str, float]:
    if lang == "en":
        return {"grade": ours.reading_grade(text), "ease": ours.flesch_reading_ease(text)}
    return {"grade": ours.spanish_reading_grade(text), "ease": ours.spanish_reading_ease(text)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--table", action="store_true", help="one row per letter and language")
    options = parser.parse_args()
    letters = sorted(p for p in LETTERS.glob("*.txt") if not p.stem.startswith("SYN-"))
    worst: dict[str, float] = {}
    rows = []
    for letter in letters:
        prepared = prepare(str(letter))
        determination = skeleton(prepared)
        for lang in ("en", "es"):
            text = readable_text(explain(determination, prepared.text, lang=lang))  # type: ignore[arg-type]
            a, b = theirs(text, lang), mine(text, lang)
            for measure in a:
                key = f"{lang} {measure}"
                worst[key] = max(worst.get(key, 0.0), round(abs(a[measure] - b[measure]), 1))
            rows.append((letter.stem, lang, a, b))
    if options.table:
        print("| letter | lang | grade textstat | grade ours | ease textstat | ease ours |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for stem, lang, a, b in rows:
            print(f"| {stem} | {lang} | {a['grade']} | {b['grade']} | {a['ease']} | {b['ease']} |")
    print(f"{len(letters)} letters x 2 languages; largest difference (textstat vs ours):")
    for key, value in worst.items():
        print(f"  {key}: {value:.1f}")
    return 1 if any(value > TOLERANCE for value in worst.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
