"""The rationale's anatomy: sentences, spans and roles, on real letters."""

from __future__ import annotations

from functools import cache

import pytest
from conftest import LETTERS, real_letter_stems

from imr_llm.normalize import collapse_ws
from imr_llm.prepare import prepare, skeleton
from imr_llm.rationale import sentence_role, split_sentences
from imr_llm.schema import Determination, Treatment

REAL = real_letter_stems()


@cache
def _determination(stem: str) -> Determination:
    path = LETTERS / f"{stem}.txt"
    return skeleton(prepare(str(path)))


@cache
def _text(stem: str) -> str:
    return prepare(str(LETTERS / f"{stem}.txt")).text


def _item(stem: str, index: int) -> Treatment:
    return _determination(stem).treatments[index]


def _sentences(rationale: str) -> list[str]:
    return [collapse_ws(rationale[a:b]) for a, b in split_sentences(rationale)]


@pytest.mark.parametrize("stem", REAL)
def test_every_sentence_span_is_the_letters_own_words(stem: str) -> None:
    text = _text(stem)
    for treatment in _determination(stem).treatments:
        assert [s.id for s in treatment.sentences] == list(range(len(treatment.sentences)))
        for sentence in treatment.sentences:
            assert sentence.span is not None
            assert collapse_ws(text[sentence.span.start : sentence.span.end]) == sentence.text
        assert " ".join(s.text for s in treatment.sentences) in treatment.rationale


def test_abbreviations_and_decimals_do_not_end_a_sentence() -> None:
    # CM17-0015198 and CM17-0017776: "e.g." and "i.e." inside a sentence.
    rationale = (
        "The MTUS states that manual therapy and manipulation, performed by a variety of "
        "practitioners, including physical therapists and chiropractors, are passive "
        "interventions that are typically combined with recommended treatment, especially "
        "active interventions (e.g., exercise). As noted in the MTUS Guideline in ACOEM Chapter "
        '8, Table 8-8, page 181, TENS, i.e., the modality in question, is deemed "not '
        'recommended" in the evaluation. The patient had a 0.5 cm healed incision (p. 12) and '
        "was seen by Dr. Smith vs. no. 2 of the list. Cyclobenzaprine 7.5mg #90 was the "
        "original request."
    )
    got = _sentences(rationale)
    assert len(got) == 4, got
    assert got[1].startswith("As noted in the MTUS") and got[1].endswith("in the evaluation.")
    assert got[2].endswith("no. 2 of the list.")


def test_a_sentence_ending_with_etc_still_ends() -> None:
    # CM17-0009996: "... severe cardiac disease etc. These criteria are ..."
    item = _item("CM17-0009996", 0)
    texts = [s.text for s in item.sentences]
    assert any(t.endswith("etc.") for t in texts), texts


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        # CM16-0213037
        ("There is no evidence of any red flag conditions.", "finding"),
        (
            "Therefore the request for an MRI of the shoulder is determined to be not medically "
            "necessary.",
            "conclusion",
        ),
        (
            "CA MTUS/ACOEM Guidelines state that unequivocal objective findings that identify "
            "specific nerve compromise on the neurologic exam are sufficient evidence to warrant "
            "imaging in patients who do not respond to treatment.",
            "guideline",
        ),
        # CM16-0248698: the opioid safety sentence is a condition the reviewer attaches.
        (
            "This medical necessity decision should not be interpreted as a recommendation to "
            "stop long-term opioids abruptly and the patient is advised to speak with their "
            "treating physician.",
            "condition",
        ),
        # CM16-0240524: a guideline recital about long-term use.
        (
            'The California MTUS guidelines state that Benzodiazepines are "not recommended for '
            "long-term use because long-term efficacy is unproven and there is a risk of "
            "dependence.",
            "guideline",
        ),
        # CM17-0002181
        ("Long term use is not recommended.", "guideline"),
        # CM16-0237163: a guideline named in a sentence about this worker's records: a finding.
        (
            "The medical documents indicate that patient is in excess of the recommended "
            "treatment period.",
            "finding",
        ),
        # CM17-0002551: what the request left out is a finding about this case.
        ("The type of hearing device requested is not specified.", "finding"),
        # CM16-0237163: "With regard to the request for X, the MTUS states ..." is a recital.
        (
            "With regard to the request for cyclobenzaprine, the CA MTUS states the following: "
            '"Recommended as an option, using a short course of therapy."',
            "guideline",
        ),
    ],
)
def test_roles_of_known_sentences(sentence: str, role: str) -> None:
    assert sentence_role(sentence) == role


def test_the_reviewers_condition_sentences_are_kept() -> None:
    # CM17-0017734: the opioid denial carries the reviewer's "do not stop abruptly" note.
    item = _item("CM17-0017734", 0)
    conditions = [s.text for s in item.sentences if s.role == "condition"]
    assert any("abruptly" in c for c in conditions), conditions
