"""List every false reason and every missed gold reason of an eval run, letter by letter.

Usage: python benchmarks/reason_misses.py RUN.json [--gold evals/gold] [--halves]

Each line names the letter, the item, its category, the kind of miss, the gold role of the
evidence sentence (guideline/finding/conclusion/condition) and the evidence, so each can be
classified as a rule that fires wrongly, a wrong role, or a gold gap. `--halves` adds reason
precision and recall for the real letters whose name sorts in the first half and in the second
half (develop rules on one half, check them on the other).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from imr_llm.evals.gold import load_gold_dir
from imr_llm.evals.rationale_scoring import OVERLAP_THRESHOLD, overlap


def gold_role(sentence: str, roles: list[tuple[str, str]]) -> str:
    best = max(((overlap(sentence, s), r) for s, r in roles), default=(0.0, "-"))
    return best[1] if best[0] >= OVERLAP_THRESHOLD else "not-in-gold"


def _pooled(letters: list[dict[str, Any]], field: str) -> str:
    scores = [s for letter in letters for s in letter["scores"].get(field, [])]
    if not scores:
        return f"{field} -"
    return f"{field} {sum(scores) / len(scores):.3f} (n={len(scores)})"


def print_halves(real: list[dict[str, Any]]) -> None:
    ordered = sorted(real, key=lambda letter: letter["letter"])
    middle = len(ordered) // 2
    for name, part in (("first half", ordered[:middle]), ("second half", ordered[middle:])):
        fields = ", ".join(_pooled(part, f) for f in ("reasons.precision", "reasons.recall"))
        print(f"{name} ({len(part)} letters, {part[0]['letter']}..{part[-1]['letter']}): {fields}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run", type=Path)
    parser.add_argument("--gold", type=Path, default=Path("evals/gold"))
    parser.add_argument("--halves", action="store_true", help="precision/recall per half")
    args = parser.parse_args()
    run = json.loads(args.run.read_text())
    gold = {g.letter: g for g in load_gold_dir(args.gold)}
    counts = {"false": 0, "missed": 0}
    real = [letter for letter in run["letters"] if not letter["synthetic"]]
    for letter in real:
        g = gold[letter["letter"]]
        for miss in letter["misses"]:
            name = miss["field"] if "field" in miss else miss["name"]
            if name not in ("reasons.precision", "reasons.recall"):
                continue
            item = miss["item"]
            treatment = g.treatments[item - 1] if item is not None else None
            roles = [(s.sentence, s.role) for s in treatment.rationale_roles] if treatment else []
            if name == "reasons.precision":
                counts["false"] += 1
                evidence = miss["got"]
                kind = "FALSE "
                detail = miss["reason"].split(":")[0]
            else:
                counts["missed"] += 1
                evidence = miss["expected"]
                kind = "MISSED"
                detail = miss["reason"].removeprefix("reason not found: ")
            decision = treatment.decision if treatment else "?"
            category = treatment.category if treatment else "?"
            print(
                f"{letter['letter']} #{item} {decision} ({category}) {kind} "
                f"[{gold_role(evidence, roles)}] {detail} :: {evidence}"
            )
    print(counts)
    if args.halves:
        print_halves(real)


if __name__ == "__main__":
    main()
