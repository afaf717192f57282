"""Every common PDF text extractor, scored against the gold: the 64 real letter PDFs read by
pypdfium2 (what `imr-llm` uses), pypdf, pdfminer.six, pdfplumber and poppler's `pdftotext`
(plain and -layout), plus the bundled .txt (pypdf's text). Each text goes through the same
normalise -> parse -> offline determination; scores come from imr_llm.evals.scoring.

Also counts disagreements: a (letter, field) where two extractors give different non-empty
values. The table goes to the README and BENCHMARKS.md.

    python benchmarks/bench_extractors_eval.py [--json results/extractors.json] [--md out.md]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from importlib.metadata import version
from itertools import combinations
from pathlib import Path
from typing import Any

from _common import ROOT, machine

from imr_llm.evals.extractors import EXTRACTORS, ExtractorScore, score_extractor, table_rows
from imr_llm.evals.gold import load_gold_dir
from imr_llm.schema import Determination

LETTERS = ROOT / "evals" / "letters"
COLUMNS = (
    "parsed",
    "items found",
    "decisions",
    "requests",
    "retrospective",
    "header fields",
    "reviewer states",
    "specialties",
    "age",
    "sex",
    "header dates missing",
    "header dates wrong",
)


def versions() -> dict[str, str]:
    found = {name: version(name) for name in ("pypdfium2", "pypdf", "pdfminer.six", "pdfplumber")}
    done = subprocess.run(["pdftotext", "-v"], capture_output=True, text=True, check=False)
    found["poppler (pdftotext)"] = (done.stderr or done.stdout).split("\n")[0].split()[-1]
    return found


def fields_of(got: Determination) -> dict[str, Any]:
    out: dict[str, Any] = {f"case.{k}": v for k, v in got.case.model_dump(mode="json").items()}
    out["decisions"] = [t.decision for t in got.treatments]
    out["requests"] = [" ".join(t.request.split()) for t in got.treatments]
    out["patient"] = [got.patient.age, got.patient.sex]
    out["reviewer"] = [got.reviewer.licensed_states, got.reviewer.specialties]
    return out


def disagreements(read: dict[str, dict[str, Determination]]) -> list[str]:
    """'<letter> <field>: a=X, b=Y' wherever two extractors give two different non-empty values."""
    found = []
    stems = sorted({stem for per in read.values() for stem in per})
    for stem in stems:
        per = {name: fields_of(got[stem]) for name, got in read.items() if stem in got}
        for a, b in combinations(per, 2):
            for field in per[a].keys() & per[b].keys():
                x, y = per[a][field], per[b][field]
                if x not in (None, []) and y not in (None, []) and x != y:
                    found.append(f"{stem} {field}: {a}={x!r}, {b}={y!r}")
    return found


def cell(value: Any) -> str:
    return f"{100 * value:.1f}%" if isinstance(value, float) else str(value)


def markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        f"Real letter PDFs: {rows[0]['letters']}; measured {meta['machine']['date']} "
        f"(Python {meta['machine']['python']}); "
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
        + ".",
        "",
        "| extractor | " + " | ".join(COLUMNS) + " |",
        "|---|" + "---:|" * len(COLUMNS),
    ]
    for row in rows:
        lines.append(f"| {row['extractor']} | " + " | ".join(cell(row[c]) for c in COLUMNS) + " |")
    lines += [
        "",
        f"Disagreements between extractors (two different non-empty values for one field of one "
        f"letter): {meta['disagreements']}.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks/results/extractors.json")
    parser.add_argument("--md", type=Path, default=ROOT / "benchmarks/results/extractors.md")
    args = parser.parse_args()
    gold = load_gold_dir(ROOT / "evals" / "gold")
    results: list[ExtractorScore] = []
    seconds: dict[str, float] = {}
    read: dict[str, dict[str, Determination]] = {}
    for name, extract in EXTRACTORS.items():
        started = time.perf_counter()
        read[name] = {}
        results.append(score_extractor(name, extract, gold, LETTERS, read[name]))
        seconds[name] = round(time.perf_counter() - started, 1)
    rows = table_rows(results)
    disagree = disagreements(read)
    meta = {
        "machine": machine(),
        "versions": versions(),
        "disagreements": len(disagree),
        "disagreement_list": disagree,
        "seconds_total": seconds,
        "failures": {r.name: r.failures for r in results},
        "wrong_dates": {r.name: r.wrong_dates for r in results},
    }
    table = markdown(rows, meta)
    print(table)
    args.json.write_text(json.dumps({"rows": rows, **meta}, indent=2) + "\n", encoding="utf-8")
    args.md.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
