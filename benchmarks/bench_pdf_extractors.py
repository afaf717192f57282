"""PDF text extraction on the 64 real letter PDFs: pypdfium2 (what imr_llm.reading uses) against
pypdf and pdfminer.six. Speed, and fidelity:

- word similarity of each extractor's text to the bundled .txt (which is pypdf output), after
  whitespace normalisation (rapidfuzz Indel similarity over the word sequences, 100 = same);
- whether imr_llm parses the same letter from it: every treatment's request and decision, the
  case number and decision date, against the hand-labeled gold file.

    python benchmarks/bench_pdf_extractors.py [--repeat 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import ROOT, machine, real_letters
from rapidfuzz.distance import Indel

from imr_llm.formats import parse_letter
from imr_llm.normalize import normalize_text
from imr_llm.reading import _pdf_text
from imr_llm.skeleton import build_skeleton

GOLD = ROOT / "evals" / "gold"


def with_pypdfium2(data: bytes) -> str:
    return _pdf_text(data, "letter.pdf")  # exactly what imr_llm.reading runs


def with_pypdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    return "\f".join(page.extract_text() for page in reader.pages)


def with_pdfminer(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    # The letters' "no text extraction" flag: pdfminer reads them anyway, with a log warning.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    return str(extract_text(io.BytesIO(data)))


EXTRACTORS: dict[str, Callable[[bytes], str]] = {
    "pypdfium2": with_pypdfium2,
    "pypdf": with_pypdf,
    "pdfminer.six": with_pdfminer,
}


def parsed(text: str) -> tuple[Any, float]:
    started = time.perf_counter()
    normal = normalize_text(text)
    determination = build_skeleton(parse_letter(normal), sha256="", path=None, warnings=[])
    return determination, time.perf_counter() - started


def agrees_with_gold(determination: Any, gold: dict[str, Any]) -> dict[str, bool]:
    got = [(" ".join(t.request.split()), t.decision) for t in determination.treatments]
    want = [(" ".join(t["request"].split()), t["decision"]) for t in gold["treatments"]]
    case = gold["case"]
    return {
        "decisions": [d for _, d in got] == [d for _, d in want],
        "requests": [r for r, _ in got] == [r for r, _ in want],
        "case": determination.case.case_number == case["case_number"]
        and str(determination.case.decision_date) == case["decision_date"],
    }


def measure(name: str, extract: Callable[[bytes], str], repeat: int) -> dict[str, Any]:
    times, parse_times, similarity = [], [], []
    agree = {"decisions": 0, "requests": 0, "case": 0}
    failures = []
    for pdf in real_letters(".pdf"):
        data = pdf.read_bytes()
        extract(data)  # warm: imports, caches
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            text = extract(data)
            runs.append(time.perf_counter() - started)
        times.append(min(runs))
        reference = pdf.with_suffix(".txt").read_text(encoding="utf-8").split()
        similarity.append(Indel.normalized_similarity(text.split(), reference) * 100)
        try:
            runs = []
            for _ in range(repeat + 1):  # the first is a warm-up (lazy imports, regex caches)
                determination, seconds = parsed(text)
                runs.append(seconds)
        except Exception as error:
            failures.append(f"{pdf.name}: {type(error).__name__}: {error}")
            continue
        parse_times.append(min(runs[1:]))
        gold = json.loads((GOLD / f"{pdf.stem}.json").read_text(encoding="utf-8"))
        for key, ok in agrees_with_gold(determination, gold).items():
            agree[key] += ok
    mean_extract = statistics.fmean(times)
    mean_parse = statistics.fmean(parse_times) if parse_times else float("nan")
    return {
        "extractor": name,
        "letters": len(times),
        "ms_mean": mean_extract * 1000,
        "ms_median": statistics.median(times) * 1000,
        "ms_max": max(times) * 1000,
        "similarity_mean": statistics.fmean(similarity),
        "similarity_min": min(similarity),
        "identical_words": sum(s == 100 for s in similarity),
        "parse_ms_mean": mean_parse * 1000,
        "letters_per_s_one_core": 1 / (mean_extract + mean_parse),
        "agree": agree,
        "parse_failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    rows = [measure(name, extract, options.repeat) for name, extract in EXTRACTORS.items()]
    if options.json:
        options.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=1))
    print(
        "| extractor | ms/letter mean | median | max | word similarity to .txt mean (min) "
        "| identical words | decisions = gold | requests = gold | case no. + date = gold "
        "| extract + parse letters/s, 1 core |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        n, agree = r["letters"], r["agree"]
        print(
            f"| {r['extractor']} | {r['ms_mean']:.1f} | {r['ms_median']:.1f} | {r['ms_max']:.1f} "
            f"| {r['similarity_mean']:.2f} ({r['similarity_min']:.2f}) | {r['identical_words']}/{n} "
            f"| {agree['decisions']}/{n} | {agree['requests']}/{n} | {agree['case']}/{n} "
            f"| {r['letters_per_s_one_core']:.0f} |"
        )
        for failure in r["parse_failures"]:
            print(f"  parse failure: {failure}")


if __name__ == "__main__":
    main()
