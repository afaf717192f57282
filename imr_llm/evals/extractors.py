"""Score the offline engine on the real PDFs as each common text extractor reads them.

The bundled .txt letters are pypdf's text; a worker's PDF reaches us through pypdfium2; other
tools hand us pdfminer's layout (labels first, then values) or poppler's. Each extractor's text
goes through the same normalise -> parse -> determination path and is scored against the gold,
with wrong header dates counted apart from missing ones: a null is a miss, a wrong date a failure.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imr_llm.dates import HEADER_DATE_ORDER
from imr_llm.evals.gold import GoldFile, load_gold_dir
from imr_llm.evals.scoring import LetterScore, score_letter
from imr_llm.formats import parse_letter
from imr_llm.normalize import normalize_text
from imr_llm.reading import read_letter
from imr_llm.schema import Determination
from imr_llm.skeleton import build_skeleton

Extractor = Callable[[Path], str]


def with_pypdfium2(path: Path) -> str:
    return read_letter(str(path)).text  # exactly what the tool runs on a PDF


def with_pypdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt("")
    return "\f".join(page.extract_text() for page in reader.pages)


def with_pdfminer(path: Path) -> str:
    from pdfminer.high_level import extract_text

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # the "no extraction" flag warning
    return str(extract_text(str(path)))


def with_pdfplumber(path: Path) -> str:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(path) as pdf:
        return "\f".join(page.extract_text() or "" for page in pdf.pages)


def _pdftotext(path: Path, *options: str) -> str:
    program = shutil.which("pdftotext")
    if program is None:
        raise RuntimeError("pdftotext not found: install Debian's poppler-utils")
    done = subprocess.run(
        [program, *options, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return done.stdout.decode("utf-8")


def with_pdftotext(path: Path) -> str:
    return _pdftotext(path)


def with_pdftotext_layout(path: Path) -> str:
    return _pdftotext(path, "-layout")


def with_text_file(path: Path) -> str:
    return path.with_suffix(".txt").read_text(encoding="utf-8")


EXTRACTORS: dict[str, Extractor] = {
    "text (.txt, pypdf)": with_text_file,
    "pypdfium2": with_pypdfium2,
    "pypdf": with_pypdf,
    "pdfminer.six": with_pdfminer,
    "pdfplumber": with_pdfplumber,
    "pdftotext": with_pdftotext,
    "pdftotext -layout": with_pdftotext_layout,
}


def determination_of(text: str) -> Determination:
    parsed = parse_letter(normalize_text(text))
    return build_skeleton(parsed, sha256="", path=None, warnings=[])


@dataclass
class ExtractorScore:
    name: str
    letters: int = 0
    failures: list[str] = field(default_factory=list)
    scores: list[LetterScore] = field(default_factory=list)
    wrong_dates: list[str] = field(default_factory=list)
    """'<letter> <field>: expected X, got Y' for every header date that is set and wrong."""
    missing_dates: int = 0


def wrong_header_dates(gold: GoldFile, got: Determination) -> tuple[list[str], int]:
    """(the header dates set to a wrong value, how many were left empty though the gold has one)."""
    wrong, missing = [], 0
    for key, _ in HEADER_DATE_ORDER:
        want, have = getattr(gold.case, key), getattr(got.case, key)
        if have is not None and have != want:
            wrong.append(f"{gold.letter} {key}: expected {want}, got {have}")
        elif have is None and want is not None:
            missing += 1
    return wrong, missing


def score_extractor(
    name: str,
    extract: Extractor,
    gold: list[GoldFile],
    letters: Path,
    keep: dict[str, Determination] | None = None,
) -> ExtractorScore:
    """Score one extractor over the gold's real letter PDFs; `keep` collects each letter's
    determination (letter -> determination) for the caller."""
    result = ExtractorScore(name)
    for g in gold:
        pdf = letters / f"{g.letter}.pdf"
        if g.synthetic or not pdf.exists():
            continue
        result.letters += 1
        try:
            got = determination_of(extract(pdf))
        except Exception as error:  # a failure is a result here, reported per letter
            result.failures.append(f"{g.letter}: {error}")
            continue
        if keep is not None:
            keep[g.letter] = got
        result.scores.append(score_letter(g, got, None, ""))
        wrong, missing = wrong_header_dates(g, got)
        result.wrong_dates += wrong
        result.missing_dates += missing
    return result


def pooled(scores: list[LetterScore], prefix: str) -> tuple[float, int]:
    """Mean of every score whose field name starts with `prefix`, and how many there are."""
    values = [
        v for s in scores for name, vs in s.scores.items() if name.startswith(prefix) for v in vs
    ]
    return (sum(values) / len(values) if values else 0.0), len(values)


def score_all(
    gold_dir: Path, letters: Path, names: list[str] | None = None
) -> list[ExtractorScore]:
    gold = load_gold_dir(gold_dir)
    chosen = names or list(EXTRACTORS)
    return [score_extractor(name, EXTRACTORS[name], gold, letters) for name in chosen]


def table_rows(results: list[ExtractorScore]) -> list[dict[str, Any]]:
    """One row per extractor: letters parsed, items found, decisions, header fields, wrong dates."""
    rows = []
    for r in results:
        row: dict[str, Any] = {"extractor": r.name, "letters": r.letters}
        row["parsed"] = r.letters - len(r.failures)
        for label, prefix in (
            ("items found", "treatments.found"),
            ("decisions", "treatment.decision"),
            ("requests", "treatment.request"),
            ("retrospective", "treatment.retrospective"),
            ("header fields", "case."),
            ("reviewer states", "reviewer.licensed_states"),
            ("specialties", "reviewer.specialties"),
            ("age", "patient.age"),
            ("sex", "patient.sex"),
        ):
            row[label] = pooled(r.scores, prefix)[0]
        row["header dates missing"] = r.missing_dates
        row["header dates wrong"] = len(r.wrong_dates)
        rows.append(row)
    return rows
