"""Every real letter, as text and as the original PDF, against the hand-labeled gold files."""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import LETTERS, load_gold, real_letter_stems, synthetic_letter_stems

from imr_llm.citations import distinct_sources
from imr_llm.letter import PreparedLetter
from imr_llm.prepare import prepare
from imr_llm.runner import extract
from imr_llm.schema import Determination

REAL = real_letter_stems()
PDFS = [s for s in REAL if (LETTERS / f"{s}.pdf").exists()]


@cache
def _extracted(name: str) -> Determination:
    """The offline determination of one letter file, made once per test process and shared by
    the tests that check it (they only read it)."""
    return extract(str(LETTERS / name))


@cache
def _prepared(name: str) -> PreparedLetter:
    return prepare(str(LETTERS / name))


def _collapse(text: str) -> str:
    return " ".join(text.split()).lower()


def _check_against_gold(result: Determination, stem: str) -> None:
    gold = load_gold(stem)
    assert result.source.format == gold["format"]
    assert [t.decision for t in result.treatments] == [t["decision"] for t in gold["treatments"]]
    assert [_collapse(t.request) for t in result.treatments] == [
        _collapse(t["request"]) for t in gold["treatments"]
    ]
    assert [_collapse(t.original_request or "") for t in result.treatments] == [
        _collapse(t["original_request"] or "") for t in gold["treatments"]
    ]
    assert [t.retrospective for t in result.treatments] == [
        t["retrospective"] for t in gold["treatments"]
    ]
    case = result.case.model_dump(mode="json")
    assert case == gold["case"]
    assert result.reviewer.licensed_states == gold["reviewer"]["licensed_states"]
    assert (result.patient.age, result.patient.sex) == (
        gold["patient"]["age"],
        gold["patient"]["sex"],
    )


@pytest.mark.parametrize("stem", REAL)
def test_real_letter_text_matches_gold(stem: str) -> None:
    _check_against_gold(_extracted(f"{stem}.txt"), stem)


@pytest.mark.parametrize("stem", PDFS)
def test_real_letter_pdf_matches_gold(stem: str) -> None:
    _check_against_gold(_extracted(f"{stem}.pdf"), stem)


@pytest.mark.parametrize("stem", PDFS)
def test_pdf_and_text_give_the_same_determination(stem: str) -> None:
    from_text = _extracted(f"{stem}.txt")
    from_pdf = _extracted(f"{stem}.pdf")
    assert from_pdf.case == from_text.case
    assert from_pdf.reviewer == from_text.reviewer
    assert [(t.request, t.decision, t.category) for t in from_pdf.treatments] == [
        (t.request, t.decision, t.category) for t in from_text.treatments
    ]


@pytest.mark.parametrize("stem", REAL)
def test_item_count_equals_guideline_blocks_and_decisions_match_item_lines(stem: str) -> None:
    prepared = _prepared(f"{stem}.txt")
    blocks = re.findall(r"^\s*Claims Administrator guideline\s*:", prepared.text, re.M)
    result = _extracted(f"{stem}.txt")
    assert len(result.treatments) == len(blocks)
    for treatment in result.treatments:
        word = re.search(r"(Upheld|Overturned)\s*$", treatment.decision_evidence)
        assert word and word.group(1).lower() == treatment.decision
        assert treatment.decision_evidence in " ".join(prepared.text.split())


@pytest.mark.parametrize("stem", REAL)
def test_guideline_sources_and_evidence_spans(stem: str) -> None:
    gold = load_gold(stem)
    prepared = _prepared(f"{stem}.txt")
    result = _extracted(f"{stem}.txt")
    for got, want in zip(result.treatments, gold["treatments"], strict=True):
        assert (
            distinct_sources(got.claims_administrator_guidelines)
            == (want["claims_administrator_guideline_sources"])
        )
        assert distinct_sources(got.reviewer_guidelines) == want["reviewer_guideline_sources"]
        for reason in got.reasons:
            assert reason.span is not None
            quoted = prepared.text[reason.span.start : reason.span.end]
            assert " ".join(quoted.split()) == reason.evidence


@pytest.mark.parametrize("stem", synthetic_letter_stems())
def test_synthetic_formats_are_detected_and_parsed(stem: str) -> None:
    result = extract(str(LETTERS / f"{stem}.txt"))
    gold = load_gold(stem)
    assert gold["synthetic"] is True
    assert result.source.format == gold["format"]
    assert [t.decision for t in result.treatments] == [t["decision"] for t in gold["treatments"]]
    assert result.case.model_dump(mode="json") == gold["case"]


def test_labels_before_values_layout_from_pdfminer() -> None:
    """Another extractor (pdfminer) emits all header labels first, then all values."""
    from pdfminer.high_level import extract_text

    stem = "CM16-0213037"
    text = extract_text(str(LETTERS / f"{stem}.pdf"))
    assert text.index("Date Assigned:") < text.index("CM16-0213037")  # labels come first
    from imr_llm.formats import parse_letter
    from imr_llm.normalize import normalize_text
    from imr_llm.skeleton import build_skeleton

    parsed = parse_letter(normalize_text(text))
    result = build_skeleton(parsed, sha256="x", path=None, warnings=[])
    gold = load_gold(stem)
    assert result.case.model_dump(mode="json") == gold["case"]
    assert [t.decision for t in result.treatments] == [t["decision"] for t in gold["treatments"]]


def test_header_pairs_values_when_all_labels_come_first() -> None:
    from imr_llm.formats.header import parse_header_table

    region = (
        "Case Number:\nDate Assigned:\nDecision Date:\nPriority:\n"
        "CM17-0000001\n01/09/2017\n02/03/2017\nExpedited\n"
        "12/31/2016\nDate of Injury:\nUR Denial Date: 01/01/2017\n01/05/2017\n"
        "Application\nReceived:\n"
    )
    assert parse_header_table(region) == {
        "case_number": "CM17-0000001",
        "date_assigned": "01/09/2017",
        "decision_date": "02/03/2017",
        "priority": "Expedited",
        "date_of_injury": "12/31/2016",
        "ur_denial_date": "01/01/2017",
        "application_received": "01/05/2017",
    }


def test_unfamiliar_layout_gives_a_best_effort_result_with_a_warning(tmp_path: object) -> None:
    text = (
        "MAXIMUS Federal Services - Independent Medical Review\n"
        "Summary of decisions\n\n"
        "Lumbar MRI: Upheld\n"
        "Claims Administrator guideline: Decision based on MTUS Low Back Complaints 2004.\n"
        "Decision rationale: There is no evidence of any red flag conditions. The request is "
        "not medically necessary.\n\n"
        "Physical therapy 6 visits: Overturned\n"
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain 2009.\n"
        "Decision rationale: The worker meets the guideline criteria. The request is medically "
        "necessary.\n"
    )
    from imr_llm.formats import parse_letter
    from imr_llm.normalize import normalize_text

    parsed = parse_letter(normalize_text(text))
    assert parsed.format == "unknown"
    assert any("unfamiliar letter layout" in w for w in parsed.warnings)
    assert [(i.request, i.decision) for i in parsed.items] == [
        ("Lumbar MRI", "upheld"),
        ("Physical therapy 6 visits", "overturned"),
    ]
