"""Run an engine over the gold set and write a run file: what ran, and every field's score.

The run goes through the same runner as `imr-llm summarize`, so the LLM response cache makes a
rerun free. Real letters and synthetic letters are aggregated separately; accuracy figures come
from the real group only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from imr_llm import __version__
from imr_llm.errors import UsageError
from imr_llm.evals.gold import GoldFile, load_gold_dir
from imr_llm.evals.scoring import LetterScore, score_letter
from imr_llm.letter import Analysis, LetterResult
from imr_llm.normalize import normalize_text
from imr_llm.reading import read_letter
from imr_llm.runner import run_letters
from imr_llm.schema import SCHEMA_VERSION
from imr_llm.settings import LlmSettings, resolve_engine

RUN_FORMAT = 1


def _letter_path(letters: Path, gold: GoldFile) -> Path:
    for suffix in (".txt", ".pdf"):
        path = letters / f"{gold.letter}{suffix}"
        if path.exists():
            return path
    raise UsageError(f"no letter {gold.letter}.txt or .pdf in {letters}; pass --letters DIR")


def aggregate(scores: list[LetterScore]) -> dict[str, dict[str, float]]:
    """field -> {"score": mean, "n": count} over every item-level score of every letter."""
    pooled: dict[str, list[float]] = {}
    for letter in scores:
        for name, values in letter.scores.items():
            pooled.setdefault(name, []).extend(values)
    return {
        name: {"score": round(sum(values) / len(values), 4), "n": len(values)}
        for name, values in sorted(pooled.items())
    }


def run_eval(
    gold_dir: Path,
    letters_dir: Path,
    *,
    engine: str,
    settings: LlmSettings,
    on_done: Callable[[LetterResult], None] | None = None,
) -> dict[str, Any]:
    gold = load_gold_dir(gold_dir)
    chosen = resolve_engine(engine, settings)
    paths = [str(_letter_path(letters_dir, g)) for g in gold]
    started = time.monotonic()
    results = run_letters(paths, "analyze", engine=chosen, settings=settings, on_done=on_done)
    seconds = time.monotonic() - started
    scores: list[LetterScore] = []
    failures = []
    engines = []
    for g, path, result in zip(gold, paths, results, strict=True):
        if not isinstance(result.value, Analysis):
            failures.append({"letter": g.letter, "error": str(result.error)})
            continue
        engines.append(result.value.engine)
        text = _normalised(path)
        scores.append(score_letter(g, result.value.determination, result.value.explanation, text))
    real = [s for s in scores if not s.synthetic]
    synthetic = [s for s in scores if s.synthetic]
    grades = [s.metrics["reading_grade"] for s in real if "reading_grade" in s.metrics]
    return {
        "run_format": RUN_FORMAT,
        "run": {
            "engine": chosen,
            "model": settings.model if chosen == "openai" else None,
            "mode": settings.mode if chosen == "openai" else None,
            "prompts": engines[0].prompts if engines else {},
            "schema_version": SCHEMA_VERSION,
            "package_version": __version__,
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(seconds, 2),
            "letters": len(gold),
            "real_letters": len(real),
            "synthetic_letters": len(synthetic),
            "failures": failures,
            "requests": sum(e.requests for e in engines),
            "prompt_tokens": sum(e.prompt_tokens for e in engines),
            "completion_tokens": sum(e.completion_tokens for e in engines),
            "cost_usd": round(sum(e.cost_usd or 0.0 for e in engines), 6)
            if any(e.cost_usd is not None for e in engines)
            else None,
            "cache_hits": sum(1 for e in engines if e.cache_hit),
            "role_items_scored": int(sum(s.metrics.get("role_items", 0.0) for s in real)),
            "items": sum(len(g.treatments) for g in gold if not g.synthetic),
            "reading_grade_max": max(grades) if grades else None,
            "reading_grade_mean": round(sum(grades) / len(grades), 2) if grades else None,
        },
        "fields": {"real": aggregate(real), "synthetic": aggregate(synthetic)},
        "letters": [s.to_json() for s in scores],
    }


def _normalised(path: str) -> str:
    return normalize_text(read_letter(path).text)
