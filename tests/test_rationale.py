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
        # Guideline text that the old rules read as this worker's finding (each was quoted as
        # a reason on an approval or a denial): "do not appear" of exercises, "having the
        # patient", "can also include", "the available evidence", "based upon documented",
        # "if ... is documented", "the Guidelines are silent", "including, but not limited to".
        (
            "Careful stretching exercises and early stage low back exercises in the early "
            "stages of treatment are useful and do not appear to aggravate symptoms.",
            "guideline",
        ),  # CM17-0009282
        (
            "In conclusion, the most reliable medical evidence indicates that having the patient "
            "return to work and normal activities allows for the best treatment outcomes.",
            "guideline",
        ),  # CM17-0009282
        (
            "Simple treatments can also include increasing physical activity, maintaining "
            "appropriate hydration, and advising the patient to follow a fiber rich diet.",
            "guideline",
        ),  # CM17-0010420
        (
            "The available evidence does not support the effectiveness of ultrasound or "
            "shockwave therapy for treating low back pain.",
            "guideline",
        ),  # CM16-0249536
        (
            "At the conclusion of this trial, additional treatment would be assessed based upon "
            "documented objective, functional improvement, and appropriate goals for the "
            "additional treatment.",
            "guideline",
        ),  # CM17-0010885
        (
            "Frequency and duration of acupuncture or acupuncture with electrical stimulation may "
            "be performed as follows: (1) Time to produce functional improvement: 3 to 6 "
            "treatments. (2) Frequency: 1 to 3 times per week. (3) Optimum duration: 1 to 2 "
            "months. (d) Acupuncture treatments may be extended if functional improvement is "
            "documented as defined in Section 9792.20(ef).",
            "guideline",
        ),  # CM16-0230548
        (
            "Beyond that, the Guidelines are silent; details of specialty surgical treatment such "
            "as provided in this case are included in the hand surgery specialty text referenced.",
            "guideline",
        ),  # CM17-0015218
        (
            "Skilled care by a licensed medical professional for tasks including, but not limited "
            "to, administration of intravenous drugs, dressing changes, occupational therapy, and "
            "Domestic care services such as shopping, cleaning, and laundry that the individual "
            "is no longer capable of performing due to the illness or injury.",
            "guideline",
        ),  # CM16-0249726 (shortened)
        # ... while the findings next to them stay findings.
        ('The treating physician notes therapy is "helping with pain."', "finding"),
        ("There was no documentation of witnessed seizure activity.", "finding"),
        (
            "There does not appear to be the type of improvement in pain, muscle tension "
            "reduction, and functionality (ie, increased mobility) that would warrant long term "
            "use.",
            "finding",
        ),  # CM16-0237163
        # 000_8a9ae033211fa24a: "is being medically necessary" is the verdict.
        (
            "The provided documentation does not support unlimited group medical psychotherapy "
            "is being medically necessary.",
            "conclusion",
        ),
        # Conditions the reviewer attaches for this worker ...
        ("Additional treatment is contingent upon patient response to therapy.", "condition"),
        (
            "This decision addresses the medical necessity of opioids as they have been "
            "prescribed to this injured worker.",
            "condition",
        ),  # CM17-0017734
        (
            "It is recommended that the patient be referred to an audiologist evaluation to "
            "clarify the specific hearing loss needs.",
            "condition",
        ),  # CM17-0002551
        # ... but not a guideline's own rule or recital, nor a missing CURES check.
        (
            "However, if there is no improvement after 2-3 weeks, the therapy should be modified "
            "or re-evaluated.",
            "guideline",
        ),  # CM17-0008633
        (
            "Furthermore, the guidelines state other ongoing pain treatment should also be "
            "documented during the trial period including medication usage.",
            "guideline",
        ),  # CM16-0235869
        (
            "The only situation where SSEPs are supported is during intra-operative monitoring "
            "during complex spinal surgery.",
            "guideline",
        ),  # CM17-0011730
        (
            "Moreover, a CURES report was not checked, and documented prior to prescribing this "
            "medication.",
            "finding",
        ),  # CM16-0248698
    ],
)
def test_roles_of_known_sentences(sentence: str, role: str) -> None:
    assert sentence_role(sentence) == role


def test_the_reviewers_condition_sentences_are_kept() -> None:
    # CM17-0017734: the opioid denial carries the reviewer's "do not stop abruptly" note.
    item = _item("CM17-0017734", 0)
    conditions = [s.text for s in item.sentences if s.role == "condition"]
    assert any("abruptly" in c for c in conditions), conditions
