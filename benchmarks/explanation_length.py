"""Words per explanation (`summarize`, text format, offline) on every real letter, against the
budget of 400 words plus 60 per item.

    python benchmarks/explanation_length.py [--lang en|es] [--json results.json] [--md table.md]

Words are the whitespace-separated tokens with a letter or digit in the text output (a bullet
"-" or a box "[ ]" is not a word), headings and labels included, as a worker sees them on a
terminal: `imr_llm.explain.budget.text_words`, the count the writer fits and the eval checks.
Synthetic letters (SYN-*) are left out.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

from _common import LETTERS, machine

from imr_llm.explain import explain
from imr_llm.explain.budget import text_words
from imr_llm.explain.budget import word_budget as budget
from imr_llm.prepare import prepare, skeleton


def measure(lang: str) -> list[dict[str, Any]]:
    rows = []
    for path in sorted(LETTERS.glob("*.txt")):
        if path.stem.startswith("SYN-"):
            continue
        prepared = prepare(str(path))
        determination = skeleton(prepared)
        explanation = explain(determination, prepared.text, lang=lang)  # type: ignore[arg-type]
        items = len(determination.treatments)
        words = text_words(explanation)
        rows.append(
            {
                "letter": path.stem,
                "items": items,
                "words": words,
                "budget": budget(items),
                "share_of_budget": round(words / budget(items), 3),
                "reading_grade": explanation.reading_grade,
            }
        )
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    words = [r["words"] for r in rows]
    shares = [r["share_of_budget"] for r in rows]
    deciles = statistics.quantiles(words, n=10)
    return {
        "letters": len(rows),
        "over_budget": [r["letter"] for r in rows if r["words"] > r["budget"]],
        "words_min": min(words),
        "words_median": statistics.median(words),
        "words_p90": round(deciles[-1]),
        "words_max": max(words),
        "share_median": statistics.median(shares),
        "share_max": max(shares),
    }


def markdown(rows: list[dict[str, Any]], info: dict[str, Any], lang: str) -> str:
    by_items: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_items.setdefault(row["items"], []).append(row)
    lines = [
        f"Language `{lang}`: {info['letters']} letters; words min {info['words_min']}, median "
        f"{info['words_median']}, 90th percentile {info['words_p90']}, max {info['words_max']}; "
        f"median {info['share_median']:.0%} of the budget, max {info['share_max']:.0%}; "
        f"over budget: {len(info['over_budget'])} ({', '.join(info['over_budget']) or 'none'}).",
        "",
        "| items | letters | budget | words min | median | max |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for items in sorted(by_items):
        words = [r["words"] for r in by_items[items]]
        lines.append(
            f"| {items} | {len(words)} | {budget(items)} | {min(words)} | "
            f"{statistics.median(words):g} | {max(words)} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default="en", choices=["en", "es"])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--md", type=Path)
    args = parser.parse_args()
    rows = measure(args.lang)
    info = summary(rows)
    table = markdown(rows, info, args.lang)
    if args.json:
        payload = {"machine": machine(), "lang": args.lang, "summary": info, "letters": rows}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    if args.md:
        args.md.write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
