"""The CLI on real letters: as a user runs it (a real process) for the entry point, the
version and an exit code; in this process (typer's CliRunner) for the rest."""

from __future__ import annotations

import json

from conftest import LETTERS, invoke_cli, run_cli

from imr_llm import __version__
from imr_llm.schema import Determination, Explanation


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"imr-llm {__version__}"


def test_extract_pdf_gives_schema_valid_json() -> None:
    result = run_cli("extract", str(LETTERS / "CM16-0248698.pdf"))
    assert result.returncode == 0, result.stderr
    determination = Determination.model_validate_json(result.stdout)
    assert len(determination.treatments) == 21
    assert determination.source.format == "dwc-2016"


def test_extract_from_stdin() -> None:
    data = (LETTERS / "CM16-0213037.txt").read_text(encoding="utf-8")
    result = invoke_cli("extract", "-", stdin=data)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["case"]["case_number"] == "CM16-0213037"


def test_summarize_json_contract() -> None:
    result = invoke_cli("summarize", str(LETTERS / "CM17-0015218.txt"), "--format", "json")
    assert result.returncode == 0, result.stderr
    explanation = Explanation.model_validate_json(result.stdout)
    data = json.loads(result.stdout)
    assert {"items", "next_steps", "deadlines", "glossary", "reading_grade"} <= data.keys()
    assert explanation.items[0].decision == "overturned"
    assert {"what", "date", "basis"} <= data["deadlines"][0].keys()


def test_summarize_text_and_markdown(tmp_path: object) -> None:
    text = invoke_cli("summarize", str(LETTERS / "CM16-0213037.pdf"))
    assert text.returncode == 0, text.stderr
    assert "Denial stands (Upheld)" in text.stdout
    # appeal, to be safe: 12/09/2016 + 30 days is Sunday January 8, so the Friday before
    assert "Friday, January 6, 2017" in text.stdout
    md = invoke_cli("summarize", str(LETTERS / "CM16-0213037.pdf"), "--format", "md")
    assert md.stdout.startswith("# ")
    assert "## What you can do next" in md.stdout


def test_engine_openai_without_endpoint_is_a_usage_error() -> None:
    result = run_cli("extract", str(LETTERS / "CM16-0213037.txt"), "--engine", "openai")
    assert result.returncode == 2
    assert "OPENAI_BASE_URL" in result.stderr
