"""Clean data: the same letter twice is one case (batch writes it once, stats counts it once),
synthetic letters are left out of counts, specialties have one spelling, diagnoses are whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import LETTERS, invoke_cli, real_letter_stems

from imr_llm.diagnoses import split_diagnoses
from imr_llm.duplicates import FirstSeen, is_synthetic, key_of_line, letter_key
from imr_llm.runner import extract
from imr_llm.specialties import canonical_specialties, canonical_specialty
from imr_llm.stats import compute, left_out_message


def test_a_letters_pdf_and_text_have_the_same_key_and_other_letters_do_not() -> None:
    pdf, txt = (
        extract(str(LETTERS / "CM16-0213037.pdf")),
        extract(str(LETTERS / "CM16-0213037.txt")),
    )
    assert pdf.source.sha256 != txt.source.sha256  # the text hash cannot tell they are one letter
    assert letter_key(pdf) == letter_key(txt) == ("CM16-0213037", ("upheld", "upheld"))
    other = extract(str(LETTERS / "CM17-0015218.txt"))
    assert letter_key(other) != letter_key(txt)
    assert key_of_line(txt.model_dump_json()) == letter_key(txt)
    assert key_of_line("not json") is None


def test_same_case_number_with_other_decisions_is_not_a_duplicate() -> None:
    letter = extract(str(LETTERS / "CM16-0213037.txt"))
    changed = letter.model_copy(deep=True)
    changed.treatments[0].decision = "overturned"
    assert letter_key(changed) != letter_key(letter)
    no_number = letter.model_copy(deep=True)
    no_number.case.case_number = None
    assert letter_key(no_number) is None


def test_first_seen_remembers_the_first_path_and_an_earlier_output() -> None:
    line = extract(str(LETTERS / "CM16-0213037.txt")).model_dump_json()
    seen = FirstSeen()
    assert seen.repeat_of("a.txt", line) is None
    assert seen.repeat_of("a.pdf", line) == (("CM16-0213037", ("upheld", "upheld")), "a.txt")
    resumed = FirstSeen()
    resumed.load_lines([line.encode(), b"garbage\n"])
    assert resumed.repeat_of("b.pdf", line) is not None


def test_stats_counts_cases_not_files_and_leaves_synthetic_letters_out() -> None:
    stems = real_letter_stems()
    texts = [extract(str(LETTERS / f"{s}.txt")) for s in stems]
    pdfs = [extract(str(p)) for p in sorted(LETTERS.glob("CM*.pdf"))]
    synthetic = [extract(str(p)) for p in sorted(LETTERS.glob("SYN-*.txt"))]
    assert all(is_synthetic(d) for d in synthetic) and not any(is_synthetic(d) for d in texts)
    summary = compute([*texts, *pdfs, *synthetic])
    assert summary.letters == len(stems) == 66
    assert summary.items == 156  # the gold's item count over the real letters
    assert summary.duplicates == len(pdfs) == 64
    assert summary.synthetic == len(synthetic) == 9
    message = left_out_message(summary)
    assert message is not None and "64 duplicate" in message and "9 synthetic" in message


def test_stats_cli_on_a_batch_of_the_whole_folder_counts_the_gold_items(tmp_path: Path) -> None:
    results = tmp_path / "all.jsonl"
    paths = [str(p) for p in sorted(LETTERS.iterdir()) if p.suffix in {".txt", ".pdf"}]
    done = invoke_cli("extract", "--engine", "offline", *paths)
    assert done.returncode == 0, done.stderr
    results.write_text(done.stdout, encoding="utf-8")
    assert len(results.read_text().splitlines()) == len(paths)  # every file, repeats included
    shown = invoke_cli("stats", str(results), "--md", str(tmp_path / "s.md"))
    assert shown.returncode == 0, shown.stderr
    assert "counted 66 cases" in shown.stderr and "left out 64 duplicate" in shown.stderr
    markdown = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert "| items | 156 |" in markdown


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Orthopaedic Surgery", "Orthopedic Surgery"),
        ("Orthopedic Surgery", "Orthopedic Surgery"),
        ("Chiropractor", "Chiropractic"),
        ("Physical Medicine & Rehabilitation", "Physical Medicine and Rehabilitation"),
        ("Physical  Medicine and Rehabilitation", "Physical Medicine and Rehabilitation"),
        ("Hospice & Palliative Medicine", "Hospice and Palliative Medicine"),
        ("Medical Toxicology", "Medical Toxicology"),  # unknown names keep their words
    ],
)
def test_specialties_have_one_spelling(written: str, canonical: str) -> None:
    assert canonical_specialty(written) == canonical


def test_the_letters_spelling_is_kept_beside_the_canonical_one() -> None:
    assert canonical_specialties(["Chiropractor", "Chiropractic"]) == ["Chiropractic"]
    for stem in real_letter_stems():
        reviewer = extract(str(LETTERS / f"{stem}.txt")).reviewer
        assert reviewer.specialties == canonical_specialties(reviewer.specialties_as_written)


@pytest.mark.parametrize(
    ("listed", "whole"),
    [
        (
            "contusion of face, scalp and neck and acute cervical sprain",
            ["contusion of face, scalp and neck", "acute cervical sprain"],
        ),
        ("lumbar, hip, and neck strain", ["lumbar, hip, and neck strain"]),
        (
            "acute Lisfranc fracture, diabetes mellitus, hypertension and dyslipidemia",
            ["acute Lisfranc fracture", "diabetes mellitus", "hypertension", "dyslipidemia"],
        ),
        (
            "lumbar strain, subsequent encounter and sciatica of left side",
            ["lumbar strain, subsequent encounter", "sciatica of left side"],
        ),
        (
            "work related fall, blunt head trauma with headaches, 2016",
            ["blunt head trauma with headaches"],
        ),
        (
            "other specific injury of the muscle, fascia, tendon of the right hip",
            ["other specific injury of the muscle, fascia, tendon of the right hip"],
        ),
        # "sprains and strains" is one diagnosis; "sustained" takes a list of places
        (
            "strains and sprains injuries sustained cervical, thoracic and lumbar spine, "
            "shoulders and elbows",
            [
                "strains and sprains injuries sustained cervical, thoracic and lumbar spine, "
                "shoulders and elbows"
            ],
        ),
        ("lumbar sprain and strain, insomnia", ["lumbar sprain and strain", "insomnia"]),
        ("anxiety and depression", ["anxiety", "depression"]),
        # a list that lost its separators; how it goes is not part of the diagnosis
        (
            "status post crush injury status post exploratory laparotomy with a colon "
            "resection now recovering well",
            [
                "status post crush injury",
                "status post exploratory laparotomy with a colon resection",
            ],
        ),
        ("chronic pain status post lumbar fusion", ["chronic pain status post lumbar fusion"]),
    ],
)
def test_diagnoses_are_whole(listed: str, whole: list[str]) -> None:
    assert split_diagnoses(listed) == whole


def test_no_diagnosis_of_a_real_letter_is_a_fragment_a_date_or_a_cause() -> None:
    for stem in real_letter_stems():
        for diagnosis in extract(str(LETTERS / f"{stem}.txt")).patient.diagnoses:
            assert '"' not in diagnosis and not diagnosis[:1].isdigit(), (stem, diagnosis)
            assert not diagnosis.lower().startswith(("work related fall", "and ", "or ")), stem
            assert len(diagnosis.split()) >= 1 and json.dumps(diagnosis)
