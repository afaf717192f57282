"""Why a gold reason is not named in the explanation, on every real gold letter (offline).

    python benchmarks/explanation_misses.py [--lang en|es] [--list]

`explanation.reason_coverage` (imr_llm/evals/scoring.py) counts a gold reason as named when one
of its phrases is in the item's explanation. Each miss gets one cause:

- `recall`: no reason of the determination rests on the gold reason's evidence (reasons.py);
- `plain`: the reason was found, but neither its plain sentence nor a quote names it;
- `dropped-grade` / `dropped-budget`: the unfitted explanation names it; the reading-grade fit
  (`write_explanation`) or the word-budget fit (`explain`) dropped the quote that did.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from _common import LETTERS, ROOT

from imr_llm.evals.gold import load_gold_dir
from imr_llm.evals.rationale_scoring import rests_on
from imr_llm.evals.scoring import align, phrase_found
from imr_llm.explain import explain
from imr_llm.explain.writer import write_explanation
from imr_llm.prepare import prepare, skeleton


def _letter(stem: str) -> Path:
    return next(p for p in (LETTERS / f"{stem}.txt", LETTERS / f"{stem}.pdf") if p.exists())


def misses(lang: str) -> tuple[int, list[tuple[str, str, int, str]]]:
    """(gold reasons, [(cause, letter, item, reason)]) over the real gold letters."""
    total, out = 0, []
    for gold in load_gold_dir(ROOT / "evals" / "gold"):
        if gold.synthetic:
            continue
        prepared = prepare(str(_letter(gold.letter)))
        determination = skeleton(prepared)
        fitted = explain(determination, prepared.text, lang=lang)  # type: ignore[arg-type]
        graded = write_explanation(determination, prepared.text, lang)  # type: ignore[arg-type]
        whole = write_explanation(determination, prepared.text, lang, fit_grade=False)  # type: ignore[arg-type]
        for i, j in align(gold.treatments, determination.treatments):
            for reason in gold.treatments[i].reasons:
                total += 1

                def named(text: str, phrases: list[str] = reason.phrases) -> bool:
                    return any(phrase_found(p, text) for p in phrases)

                if named(fitted.items[j].explanation):
                    continue
                if not any(
                    rests_on(r.evidence, reason) for r in determination.treatments[j].reasons
                ):
                    cause = "recall"
                elif not named(whole.items[j].explanation):
                    cause = "plain"
                elif named(graded.items[j].explanation):
                    cause = "dropped-budget"
                else:
                    cause = "dropped-grade"
                out.append((cause, gold.letter, i + 1, reason.reason))
    return total, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default="en", choices=["en", "es"])
    parser.add_argument("--list", action="store_true", help="list every miss")
    args = parser.parse_args()
    total, found = misses(args.lang)
    print(f"named {total - len(found)} of {total} = {(total - len(found)) / total:.4f}")
    for cause, count in sorted(Counter(c for c, *_ in found).items()):
        print(f"  {cause}: {count}")
    if args.list:
        for cause, letter, item, reason in sorted(found):
            print(f"{cause}\t{letter}\titem {item}\t{reason}")


if __name__ == "__main__":
    main()
