"""`imr-llm stats`: numbers checked against the gold files, the console/Markdown/HTML output,
the page in headless Chromium, and bad input (one stderr line, the right exit code)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    GOLD,
    LETTERS,
    ROOT,
    chromium,
    invoke_cli,
    load_gold,
    real_letter_stems,
    require_chromium,
)

from imr_llm.schema import Case, Decision, Determination, Reviewer, Source, Treatment
from imr_llm.specialties import canonical_specialties
from imr_llm.stats import Breakdown, Row, Summary, compute, read_results, render_markdown

CHART_TITLES = (
    "Decisions by treatment category",
    "Decisions by guideline source (reviewer)",
    "Decisions by guideline source (claims administrator)",
    "Decisions by reviewer specialty",
    "Decisions by year of decision",
)


# --- fixtures: the real extract over every real letter, and the gold it is checked against ------


@pytest.fixture(scope="module")
def results_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    letters = [str(LETTERS / f"{stem}.txt") for stem in real_letter_stems()]
    done = invoke_cli("extract", "--engine", "offline", *letters)
    assert done.returncode == 0, done.stderr
    path = tmp_path_factory.mktemp("stats") / "results.jsonl"
    path.write_text(done.stdout, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def summary(results_file: Path) -> Summary:
    return read_results(results_file)


@pytest.fixture(scope="module")
def gold() -> list[dict[str, Any]]:
    letters = [load_gold(p.stem) for p in sorted(GOLD.glob("*.json"))]
    return [g for g in letters if not g.get("synthetic")]


def _items(gold: list[dict[str, Any]]) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
    for letter in gold:
        for item in letter["treatments"]:
            yield letter, item


def _gold_rows(pairs: Iterable[tuple[str, str, str]]) -> dict[str, tuple[int, int, int, int]]:
    """(letter, label, decision) triples -> label: (letters, items, upheld, overturned)."""
    letters: dict[str, set[str]] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for letter, label, decision in pairs:
        letters.setdefault(label, set()).add(letter)
        counts[label, decision] += 1
    return {
        label: (
            len(names),
            counts[label, "upheld"] + counts[label, "overturned"],
            counts[label, "upheld"],
            counts[label, "overturned"],
        )
        for label, names in letters.items()
    }


def _stats_rows(summary: Summary, key: str) -> dict[str, tuple[int, int, int, int]]:
    breakdown = next(b for b in summary.breakdowns if b.key == key)
    return {r.label: (r.letters, r.items, r.upheld, r.overturned) for r in breakdown.rows}


def _sources(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names)) or ["none cited"]


# --- the numbers -------------------------------------------------------------------------------


def test_results_file_has_every_real_letter(results_file: Path, gold: list[dict[str, Any]]) -> None:
    lines = results_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(gold) == len(real_letter_stems()) == 66


def test_totals_match_gold(summary: Summary, gold: list[dict[str, Any]]) -> None:
    decisions = Counter(item["decision"] for _, item in _items(gold))
    assert summary.letters == len(gold)
    assert summary.items == sum(decisions.values()) == 156
    assert summary.upheld == decisions["upheld"]
    assert summary.overturned == decisions["overturned"]
    assert summary.overturn_rate == pytest.approx(decisions["overturned"] / summary.items)
    assert dict(summary.formats) == dict(Counter(g["format"] for g in gold))
    assert summary.source.skipped == 0 and summary.source.partial_line is None


def test_reviewer_guideline_sources_match_gold(
    summary: Summary, gold: list[dict[str, Any]]
) -> None:
    expected = _gold_rows(
        (letter["letter"], source, item["decision"])
        for letter, item in _items(gold)
        for source in _sources(item["reviewer_guideline_sources"])
    )
    assert _stats_rows(summary, "reviewer_source") == expected


def test_claims_administrator_guideline_sources_match_gold(
    summary: Summary, gold: list[dict[str, Any]]
) -> None:
    expected = _gold_rows(
        (letter["letter"], source, item["decision"])
        for letter, item in _items(gold)
        for source in _sources(item["claims_administrator_guideline_sources"])
    )
    assert _stats_rows(summary, "claims_source") == expected


def test_reviewer_specialties_match_gold(summary: Summary, gold: list[dict[str, Any]]) -> None:
    expected = _gold_rows(
        (letter["letter"], specialty, item["decision"])
        for letter, item in _items(gold)
        for specialty in (canonical_specialties(letter["reviewer"]["specialties"]) or ["unknown"])
    )
    assert _stats_rows(summary, "specialty") == expected
    # one row per specialty, however the letters spell it (gold keeps the letter's spelling)
    rows = set(_stats_rows(summary, "specialty"))
    assert "Orthopedic Surgery" in rows and "Orthopaedic Surgery" not in rows
    assert "Chiropractic" in rows and "Chiropractor" not in rows
    assert "Physical Medicine and Rehabilitation" in rows
    assert "Physical Medicine & Rehabilitation" not in rows


def test_years_match_gold(summary: Summary, gold: list[dict[str, Any]]) -> None:
    def year(letter: dict[str, Any]) -> str:
        decided = letter["case"]["decision_date"]
        return decided[:4] if decided else "unknown"

    expected = _gold_rows(
        (letter["letter"], year(letter), item["decision"]) for letter, item in _items(gold)
    )
    assert _stats_rows(summary, "year") == expected
    labels = [label for label in _stats_rows(summary, "year")]
    assert labels == sorted(labels, key=lambda label: (label == "unknown", label))


def test_categories_match_gold_but_for_the_baselines_known_misses(
    summary: Summary, gold: list[dict[str, Any]]
) -> None:
    got = {label: row[1] for label, row in _stats_rows(summary, "category").items()}
    expected = Counter(item["category"] for _, item in _items(gold))
    # The offline engine's category score is recorded in the baseline (155 of 156 right): each
    # wrong item moves one count from one category to another.
    baseline = json.loads((ROOT / "evals/baselines/offline.json").read_text(encoding="utf-8"))
    score = baseline["fields"]["real"]["treatment.category"]
    misses = round((1 - score["score"]) * score["n"])
    moved = sum(abs(got.get(c, 0) - expected.get(c, 0)) for c in set(got) | set(expected))
    assert moved <= 2 * misses
    assert sum(got.values()) == summary.items
    assert got["imaging/diagnostic"] == expected["imaging/diagnostic"] == 62


def test_categories_match_a_plain_json_count(summary: Summary, results_file: Path) -> None:
    raw = [json.loads(line) for line in results_file.read_text(encoding="utf-8").splitlines()]
    expected = _gold_rows(
        (letter["source"]["path"], item["category"], item["decision"])
        for letter in raw
        for item in letter["treatments"]
    )
    assert _stats_rows(summary, "category") == expected


def _letter(
    specialties: list[str], decisions: list[Decision], decided: date | None
) -> Determination:
    items = [
        Treatment(request=f"item {n}", decision=d, decision_evidence=d)
        for n, d in enumerate(decisions)
    ]
    return Determination(
        source=Source(format="dwc-2016", sha256="0"),
        reviewer=Reviewer(specialties=specialties),
        treatments=items,
        case=Case(decision_date=decided),
    )


def test_compute_counts_each_specialty_once_per_item_and_unknowns() -> None:
    letters = [
        _letter(["Surgery", "Hand Surgery", "Surgery"], ["upheld", "overturned"], date(2016, 5, 1)),
        _letter([], ["upheld"], None),
        _letter(["Surgery"], [], date(2017, 1, 2)),
    ]
    result = compute(letters)
    assert (result.letters, result.items, result.upheld, result.overturned) == (3, 3, 2, 1)
    assert result.letters_without_items == 1
    assert _stats_rows(result, "specialty") == {
        "Surgery": (1, 2, 1, 1),
        "Hand Surgery": (1, 2, 1, 1),
        "unknown": (1, 1, 1, 0),
    }
    assert _stats_rows(result, "year") == {"2016": (1, 2, 1, 1), "unknown": (1, 1, 1, 0)}
    assert _stats_rows(result, "reviewer_source") == {"none cited": (2, 3, 2, 1)}
    assert Row("x", 1, 4, 3, 1).overturn_rate == 0.25
    assert Row("x", 0, 0, 0, 0).uphold_rate is None


def test_compute_of_nothing_is_empty_not_an_error() -> None:
    result = compute([])
    assert result.items == 0 and result.overturn_rate is None
    assert all(isinstance(b, Breakdown) and b.rows == () for b in result.breakdowns)


# --- output ------------------------------------------------------------------------------------


def test_cli_prints_tables(results_file: Path, summary: Summary) -> None:
    done = invoke_cli("stats", str(results_file))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    for title in CHART_TITLES:
        assert title in done.stdout
    assert re.search(r"items\s+156\b", done.stdout)
    assert re.search(rf"upheld\s+{summary.upheld}\b", done.stdout)
    assert re.search(r"imaging/diagnostic\s+\d+\s+62\s", done.stdout)
    assert "dwc-2016 64" in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 80  # fits a terminal


def test_cli_writes_markdown_and_html(results_file: Path, tmp_path: Path) -> None:
    page, markdown = tmp_path / "stats.html", tmp_path / "stats.md"
    done = invoke_cli("stats", str(results_file), "--html", str(page), "--md", str(markdown))
    assert done.returncode == 0, done.stderr
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and '<html lang="en">' in text
    assert text.count("<svg") == len(CHART_TITLES)
    assert text.count("<caption>") == len(CHART_TITLES) + 1
    assert 'scope="col"' in text and 'scope="row"' in text
    for title in CHART_TITLES:
        assert f"{title}</title>" in text  # the chart's own <title>
        assert f">{title}</text>" in text  # and its drawn title, kept as text
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.I)
    assert not re.search(r"<script|<link|@import|url\(\s*['\"]?https?:", text, re.I)
    ids = re.findall(r'\sid="([^"]+)"', text)
    assert len(ids) == len(set(ids))  # five inline SVGs, no clashing ids
    md = markdown.read_text(encoding="utf-8")
    assert "## Decisions by treatment category" in md
    assert "| items | 156 |" in md


def test_markdown_escapes_pipes() -> None:
    text = render_markdown(compute([_letter(["A | B"], ["upheld"], None)]))
    assert "| A \\| B | 1 |" in text


def test_stats_without_html_does_not_import_matplotlib(results_file: Path) -> None:
    code = (
        "import sys; from click.testing import CliRunner; from imr_llm.cli import app; "
        f"r = CliRunner().invoke(app, ['stats', {str(results_file)!r}]); "
        "print(r.exit_code, 'matplotlib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["0", "False"], done.stderr


def _chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return chromium(page, profile, *args)


def test_page_renders_in_headless_chromium(results_file: Path, tmp_path: Path) -> None:
    require_chromium()
    page = tmp_path / "stats.html"
    assert invoke_cli("stats", str(results_file), "--html", str(page)).returncode == 0
    dom = _chromium(page, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    svgs = re.findall(r"<svg\b.*?</svg>", dom.stdout, re.S)
    assert len(svgs) == len(CHART_TITLES)
    for svg, title in zip(svgs, CHART_TITLES, strict=True):
        assert f"{title}</title>" in svg and f">{title}</text>" in svg
    shot = tmp_path / "shot.png"
    done = _chromium(page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,2000")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


# --- input: a file still being written, other shapes, bad input --------------------------------


def test_trailing_partial_line_from_a_running_batch_is_ignored(
    results_file: Path, tmp_path: Path
) -> None:
    lines = results_file.read_text(encoding="utf-8").splitlines(keepends=True)
    growing = tmp_path / "batch.jsonl"
    growing.write_text("".join(lines[:10]) + lines[10][:500], encoding="utf-8")
    done = invoke_cli("stats", str(growing))
    assert done.returncode == 0
    assert re.search(r"letters\s+10\b", done.stdout)
    assert done.stderr.count("\n") == 1
    assert "unfinished last line 11" in done.stderr and "Traceback" not in done.stderr


def test_garbage_lines_are_skipped_and_reported_once(results_file: Path, tmp_path: Path) -> None:
    lines = results_file.read_text(encoding="utf-8").splitlines(keepends=True)
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(
        lines[0] + "not json\n" + lines[1] + '{"schema_version": "1.0"}\n\n' + lines[2],
        encoding="utf-8",
    )
    done = invoke_cli("stats", str(mixed))
    assert done.returncode == 0
    assert re.search(r"letters\s+3\b", done.stdout)
    assert done.stderr.count("\n") == 1
    assert "skipped 2 lines" in done.stderr and "first: line 2" in done.stderr


def test_one_pretty_printed_determination_is_read(tmp_path: Path) -> None:
    done = invoke_cli("extract", "--engine", "offline", str(LETTERS / "CM16-0213037.txt"))
    one = tmp_path / "one.json"
    one.write_text(done.stdout, encoding="utf-8")
    assert done.stdout.count("\n") > 10  # indented over many lines
    result = read_results(one)
    assert (result.letters, result.items, result.source.skipped) == (1, 2, 0)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BAD_INPUT: dict[str, tuple[Callable[[Path], Path], int, str]] = {
    "missing": (lambda tmp: tmp / "nope.jsonl", 3, "no such file"),
    "directory": (lambda tmp: tmp, 3, "is a directory"),
    "empty": (lambda tmp: _write(tmp / "e.jsonl", b""), 3, "is empty"),
    "blank": (lambda tmp: _write(tmp / "b.jsonl", b"\n\n"), 3, "no Determination JSON"),
    "garbage": (
        lambda tmp: _write(tmp / "g.jsonl", b"hello\n{}\n[1, 2]\n"),
        3,
        "skipped 3 lines",
    ),
    "binary": (lambda tmp: _write(tmp / "x.jsonl", bytes(range(256)) * 4), 3, "no Determination"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_one_line_and_an_exit_code(case: str, tmp_path: Path) -> None:
    make, code, words = BAD_INPUT[case]
    done = invoke_cli("stats", str(make(tmp_path)))
    assert done.returncode == code
    assert done.stderr.startswith("imr-llm: error: ") and done.stderr.count("\n") == 1
    assert words in done.stderr and "Traceback" not in done.stderr
    assert "imr-llm extract" in done.stderr or case == "directory"  # says how to fix it


def test_unwritable_html_path_is_one_line(results_file: Path, tmp_path: Path) -> None:
    done = invoke_cli(
        "stats", str(results_file), "--html", str(tmp_path / "no" / "such" / "p.html")
    )
    assert done.returncode == 1
    assert (
        done.stderr.startswith("imr-llm: error: cannot write ") and "Traceback" not in done.stderr
    )
    assert done.stderr.count("\n") == 1
