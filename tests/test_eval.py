"""The eval harness: gold files, comparators, runs, reports, comparison and regression gate."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    GOLD,
    LETTERS,
    ROOT,
    chromium,
    invoke_cli,
    require_chromium,
)
from fake_openai_server import FakeOpenAIServer
from llm_responder import respond

from imr_llm.engines import offline_analysis
from imr_llm.errors import EvalRegressionError, UsageError
from imr_llm.evals import comparators as cmp
from imr_llm.evals.compare import regressions
from imr_llm.evals.gold import load_gold_dir, load_gold_file
from imr_llm.evals.run import aggregate, run_eval
from imr_llm.evals.scoring import score_letter
from imr_llm.prepare import prepare
from imr_llm.settings import LlmSettings


@pytest.fixture(scope="module")
def offline_run() -> dict[str, Any]:
    return run_eval(GOLD, LETTERS, engine="offline", settings=LlmSettings())


def test_comparators() -> None:
    assert cmp.text("MRI of the right shoulder", "MRI of the  Right shoulder").score == 1.0
    assert cmp.text("MRI of the right shoulder", "X-ray of the left knee").score == 0.0
    assert cmp.list_f1(["lumbar strain", "neck pain"], ["Lumbar strain"], fuzzy=True).score == (
        pytest.approx(2 / 3, abs=1e-3)
    )
    assert cmp.list_f1(["MTUS"], ["MTUS", "ODG"]).reason == "extra ['ODG']"
    from datetime import date

    verdict = cmp.date_match(date(2017, 1, 2), date(2017, 1, 5))
    assert verdict.score == 0.0 and "+3 days" in (verdict.reason or "")


def test_gold_files_are_strict_and_all_checked() -> None:
    gold = load_gold_dir(GOLD)
    real = [g for g in gold if not g.synthetic]
    assert len(real) == 66  # 64 real letters + 2 seeds
    assert all(g.checked and g.checked_by for g in gold)
    assert {g.format for g in gold if g.synthetic} == {
        "dwc-2013",
        "dwc-documents-reviewed",
        "dwc-professional-review",
        "dwc-2016",  # the worker's copies (SYN-COPY-*) of real 2016-2017 letters
    }


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    data = json.loads((GOLD / "CM16-0213037.json").read_text())
    data["surprise"] = 1
    path = tmp_path / "CM16-0213037.json"
    path.write_text(json.dumps(data))
    with pytest.raises(UsageError, match="invalid"):
        load_gold_file(path)


def test_offline_run_scores_every_field(offline_run: dict[str, Any]) -> None:
    real = offline_run["fields"]["real"]
    for field in (
        "case.decision_date",
        "reviewer.licensed_states",
        "patient.sex",
        "treatment.decision",
        "treatment.request",
        "explanation.outcome",
        "explanation.reason_coverage",
        "explanation.grounded",
    ):
        assert field in real
    assert real["treatment.decision"] == {"score": 1.0, "n": 156}
    assert real["treatments.found"]["score"] == 1.0
    run = offline_run["run"]
    assert run["engine"] == "offline" and run["schema_version"] == "1.1"
    assert run["real_letters"] == 66 and run["synthetic_letters"] == 9  # 6 layouts, 3 copies
    assert {"seconds", "requests", "prompt_tokens", "cost_usd", "prompts"} <= run.keys()


def test_a_dropped_field_is_a_named_regression(offline_run: dict[str, Any], tmp_path: Path) -> None:
    """Degrade one field for real: score determinations with patient.sex dropped."""
    scores = []
    for gold in load_gold_dir(GOLD):
        prepared = prepare(str(LETTERS / f"{gold.letter}.txt"))
        analysis = offline_analysis(prepared)
        degraded = analysis.determination.model_copy(
            update={"patient": analysis.determination.patient.model_copy(update={"sex": None})}
        )
        scores.append(score_letter(gold, degraded, analysis.explanation, prepared.text))
    degraded_run = json.loads(json.dumps(offline_run))
    degraded_run["fields"]["real"] = aggregate([s for s in scores if not s.synthetic])
    fallen = regressions(offline_run, degraded_run)
    assert [c.field for c in fallen] == ["patient.sex"]

    base, worse = tmp_path / "base.json", tmp_path / "worse.json"
    base.write_text(json.dumps(offline_run))
    worse.write_text(json.dumps(degraded_run))
    result = invoke_cli("eval", "compare", str(base), str(worse), "--fail-on-regression")
    assert result.returncode == EvalRegressionError.exit_code
    assert "patient.sex" in result.stderr
    assert "| patient.sex | 100.0% | 0.0% | -100.0 |" in result.stdout
    tolerant = invoke_cli(
        "eval", "compare", str(base), str(worse), "--fail-on-regression", "--tolerance", "1.0"
    )
    assert tolerant.returncode == 0


def test_cli_eval_with_baseline_and_reports(tmp_path: Path) -> None:
    out, html, md = tmp_path / "run.json", tmp_path / "report.html", tmp_path / "report.md"
    result = invoke_cli(
        "eval",
        "--engine",
        "offline",
        "--out",
        str(out),
        "--html",
        str(html),
        "--md",
        str(md),
        "--baseline",
        str(ROOT / "evals/baselines/offline.json"),
        "--fail-on-regression",
    )
    assert result.returncode == 0, result.stderr
    assert "treatment.decision" in result.stdout and "100.0%" in result.stdout
    assert json.loads(out.read_text())["run"]["engine"] == "offline"
    assert "| treatment.decision | 100.0% | 156 |" in md.read_text()
    page = html.read_text()
    assert "<table>" in page and "Misses per letter" in page
    assert not re.search(r"""(src|href)=["']?https?:""", page)  # nothing to fetch


def test_html_report_renders_offline_in_chromium(
    offline_run: dict[str, Any], tmp_path: Path
) -> None:
    require_chromium()
    from imr_llm.evals.report import to_html

    page = tmp_path / "report.html"
    page.write_text(to_html(offline_run, LETTERS))
    dom = chromium(page, tmp_path / "profile", "--dump-dom").stdout
    assert "treatment.decision" in dom
    assert "explanation.reason_coverage" in dom
    assert "<mark>" in dom  # a miss shown where its value stands in the letter


def test_unchecked_gold_is_refused_and_label_writes_a_draft(tmp_path: Path) -> None:
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    draft = invoke_cli(
        "eval",
        "label",
        str(LETTERS / "CM16-0213037.txt"),
        "-o",
        str(gold_dir / "CM16-0213037.json"),
    )
    assert draft.returncode == 0, draft.stderr
    assert "UNCHECKED" in draft.stderr
    data = json.loads((gold_dir / "CM16-0213037.json").read_text())
    assert data["checked"] is False
    refused = invoke_cli("eval", "--gold", str(gold_dir))
    assert refused.returncode == UsageError.exit_code
    assert "not checked by a person" in refused.stderr


def test_llm_eval_rerun_is_free_from_cache(tmp_path: Path) -> None:
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    for stem in ("CM16-0213037", "CM17-0015218"):
        shutil.copy(GOLD / f"{stem}.json", gold_dir)
    with FakeOpenAIServer(responder=respond) as server:
        settings = LlmSettings(
            base_url=server.base_url, cache_dir=tmp_path / "cache", backoff_base=0.01
        )
        first = run_eval(gold_dir, LETTERS, engine="openai", settings=settings)
        made = server.request_count
        second = run_eval(gold_dir, LETTERS, engine="openai", settings=settings)
        assert server.request_count == made == 2  # one grounded call per letter
    assert first["run"]["requests"] == 2 and second["run"]["requests"] == 0
    assert second["run"]["cache_hits"] == 2
    assert first["run"]["prompts"]["ground"].startswith("ground v")
    assert first["fields"]["real"]["treatment.decision"]["score"] == 1.0
