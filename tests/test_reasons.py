"""Reasons, precision first, and kinds of denial, on real letters.

Each false-positive class the old rules had on the gold letters is reproduced from the real
letter's sentence and shown not to fire.
"""

from __future__ import annotations

from functools import cache

import pytest
from conftest import LETTERS, real_letter_stems

from imr_llm.denials import read_denial
from imr_llm.prepare import prepare, skeleton
from imr_llm.rationale import sentence_role
from imr_llm.reasons import REVIEWER_FINDING, RULES, find_reasons, negated_in_scope
from imr_llm.schema import Category, Decision, Determination, RationaleSentence, Treatment

REAL = real_letter_stems()


@cache
def _determination(stem: str) -> Determination:
    return skeleton(prepare(str(LETTERS / f"{stem}.txt")))


def _item(stem: str, index: int) -> Treatment:
    return _determination(stem).treatments[index]


def _sentences(*texts: str) -> list[RationaleSentence]:
    return [
        RationaleSentence(id=i, text=text, role=sentence_role(text)) for i, text in enumerate(texts)
    ]


@pytest.mark.parametrize("stem", REAL)
def test_reasons_rest_on_the_reviewers_own_sentences(stem: str) -> None:
    for item in _determination(stem).treatments:
        roles = {s.id: s.role for s in item.sentences}
        texts = {s.id: s.text for s in item.sentences}
        for reason in item.reasons:
            assert reason.sentence_ids, reason
            for i in reason.sentence_ids:
                assert roles[i] in {"finding", "conclusion"}, (reason.code, texts[i])
                assert texts[i] == reason.evidence
            if reason.code == REVIEWER_FINDING:
                assert reason.summary == reason.evidence


# (letter, item index, rule, the sentence it fired on) - each fired with the old rules.
OLD_FALSE_REASONS = [
    # "Only for short-term use" on a guideline recital ...
    (
        "CM16-0234464",
        4,
        "long-term-use",
        "The medication is not recommended for longer than 2 to 3 weeks.",
    ),
    (
        "CM16-0240524",
        0,
        "long-term-use",
        'The California MTUS guidelines state that Benzodiazepines are "not recommended for '
        "long-term use because long-term efficacy is unproven and there is a risk of dependence.",
    ),
    ("CM17-0002181", 0, "long-term-use", "Long term use is not recommended."),
    (
        "CM17-0001064",
        1,
        "long-term-use",
        "California Medical Treatment Utilization Schedule Opioid Treatment Guidelines state that "
        "urine drug screens should be performed at least 2 times a year in all patients on chronic "
        "opioid treatment and up to 4 times a year, as warranted, especially for those taking "
        "doses greater than 80 mg/day MED.",
    ),
    # ... and on "continued treatment", which says nothing about short-term use.
    (
        "CM16-0248698",
        16,
        "long-term-use",
        "Medical necessity for continued treatment was not provided.",
    ),
    (
        "CM16-0248698",
        15,
        "long-term-use",
        "There was no clear rationale provided by the physician as to the medical necessity for "
        "continued treatment with said medication.",
    ),
    # "Earlier treatment did not help" where the letter says it was never used before.
    (
        "CM17-0017734",
        0,
        "no-functional-improvement",
        "Long-term use may be appropriate if the patient is showing measurable functional "
        "improvement and reduction in pain in the absence of noncompliance.",
    ),
    # Nerve findings and red flags named only in the guideline's criteria.
    (
        "CM17-0005246",
        0,
        "no-nerve-findings",
        "CA MTUS/ACOEM Guidelines support special studies (MRI, CT) of the lumbar spine when the "
        "neurologic exam is unclear and there is evidence of nerve dysfunction by "
        "electrodiagnostic testing.",
    ),
    (
        "CM17-0011730",
        0,
        "no-nerve-findings",
        "Guidelines do not support the use of SSEPs for a suspected diagnosis of radiculopathy.",
    ),
    (
        "CM17-0020237",
        0,
        "red-flags",
        "According to the ACOEM Neck Pain guidelines, an MRI of the cervical spine is not "
        "recommended in the absence of any red flag symptoms.",
    ),
    (
        "CM17-0017104",
        0,
        "red-flags",
        'ACOEM additionally recommends against MRI for low back pain "before 1 month in absence '
        'of red flags".',
    ),
]


@pytest.mark.parametrize(("stem", "index", "code", "sentence"), OLD_FALSE_REASONS)
def test_old_false_reasons_do_not_fire(stem: str, index: int, code: str, sentence: str) -> None:
    item = _item(stem, index)
    assert sentence in [s.text for s in item.sentences]  # the letter still reads the same
    fired = [(r.code, r.evidence) for r in item.reasons]
    assert (code, sentence) not in fired, fired


def test_no_active_rehab_needs_its_own_negation() -> None:
    # CM16-0235869: the negation is about a rationale, not about an exercise program.
    sentences = _sentences(
        "There was also lack of a clear rationale for additional monitored therapy over the "
        "patient being well versed in a home exercise program."
    )
    reasons, _ = find_reasons(sentences, "upheld", "physical therapy")
    assert "no-active-rehab" not in [r.code for r in reasons]


def test_functional_improvement_needs_care_given_before() -> None:
    # CM17-0017734: Tramadol not used before; the guideline talks about functional improvement.
    sentences = _sentences(
        "Long-term use may be appropriate if the patient is showing measurable functional "
        "improvement and reduction in pain in the absence of noncompliance.",
        "The medical records do not document previous use of Tramadol.",
        "There is no documentation of functional improvement.",
    )
    reasons, missing = find_reasons(sentences, "upheld", "opioid")
    assert "no-functional-improvement" not in [r.code for r in reasons]
    assert not any("earlier treatment" in m for m in missing)
    # CM17-0015198: prior chiropractic care, no functional improvement from it: the reason holds.
    given = _sentences(
        "The documentation indicates that the patient has had prior PT.",
        "The documentation does not reveal functional improvement from prior chiro treatment.",
    )
    reasons, _ = find_reasons(given, "upheld", "chiropractic/acupuncture")
    assert "no-functional-improvement" in [r.code for r in reasons]


# A reviewer's sentence and the one reason it gives: the stock sentence says what the reviewer
# said, not a wider claim.
ONE_REASON = [
    # CM17-0001064: rest and medicines were tried; the reviewer did not count them as enough.
    (
        "The documentation submitted for review failed to provide evidence of a true attempt at "
        "conservative care other than activity restrictions and use of medications.",
        "imaging/diagnostic",
        "conservative-care-not-enough",
    ),
    # CM17-0006797: six sessions of therapy were had; more is asked for.
    (
        "There was also lack of clinical documentation indicating the patient has exhausted "
        "adequate conservative treatments beyond 6 sessions of physical therapy.",
        "surgery",
        "conservative-care-not-enough",
    ),
    # CM17-0014449: one session of therapy and medicines were had.
    (
        "There was no indication the patient had failed conservative care as she had undergone "
        "1 session of physical therapy, and had utilized anti-inflammatory medications and pain "
        "medications.",
        "surgery",
        "conservative-care-not-enough",
    ),
    (
        "There is no documentation of failed conservative treatment.",
        "imaging/diagnostic",
        "conservative-care-not-tried",
    ),
    # CM16-0235869: no reason for supervised therapy over home exercise, not no reason at all.
    (
        "There was also lack of a clear rationale for additional monitored therapy over the "
        "patient being well versed in a home exercise program.",
        "physical therapy",
        "no-reason-over-home-exercise",
    ),
    (
        "There was no clear rationale for the requested therapy.",
        "physical therapy",
        "no-clear-reason",
    ),
    # CM17-0005344 (pulsed ultrasound): the conclusion's grounds are the guidelines' position.
    (
        "As the guidelines do not support the request, medical necessity has not been established.",
        "physical therapy",
        "not-recommended",
    ),
]


@pytest.mark.parametrize(("text", "category", "code"), ONE_REASON)
def test_a_sentence_gives_the_reason_it_states(text: str, category: Category, code: str) -> None:
    reasons, _ = find_reasons(_sentences(text), "upheld", category)
    assert [r.code for r in reasons] == [code]


def test_guidelines_that_support_the_request_are_no_reason_against_it() -> None:
    text = "As the guidelines support the request, medical necessity is established."
    reasons, _ = find_reasons(_sentences(text), "upheld", "physical therapy")
    assert "not-recommended" not in [r.code for r in reasons]


def test_negation_scope_stops_at_the_clause() -> None:
    sentence = "The patient reports no side effects, but the exam shows radiating pain to the leg."
    at = sentence.index("radiating")
    assert not negated_in_scope(sentence, at, at + len("radiating"))
    negated = "There is no evidence of specific nerve compromise warranting an MRI."
    at = negated.index("nerve compromise")
    assert negated_in_scope(negated, at, at + len("nerve compromise"))
    after = "Objective functional improvement was not documented."
    at = after.index("functional improvement")
    assert negated_in_scope(after, at, at + len("functional improvement"))


@pytest.mark.parametrize("stem", REAL)
def test_every_overturned_item_gets_reasons(stem: str) -> None:
    for item in _determination(stem).treatments:
        if item.decision == "overturned" and any(s.role == "finding" for s in item.sentences):
            assert item.reasons, item.request


def test_request_incomplete_from_real_letters() -> None:
    # CM16-0249536: "The requested service did not specify the amount of sessions ..."
    for index in (4, 5):
        item = _item("CM16-0249536", index)
        assert item.denial_kind == "request-incomplete"
        assert item.request_lacks == ["quantity"]
    # CM16-0235869: the request named no body part, but the denial is medical as well.
    item = _item("CM16-0235869", 0)
    assert item.request_lacks == ["body part"]
    assert item.denial_kind == "medical"
    # CM16-0235869: "number of sessions completed to date" is about past care, not the request.
    assert "quantity" not in item.request_lacks


def test_request_incomplete_when_the_care_itself_is_reasonable() -> None:
    # The example letter: the drug is reasonable, the amount is missing.
    sentences = _sentences(
        "The patient has nausea from the medications.",
        "While the request for Zofran is reasonable, the request failed to provide quantity.",
        "Therefore, the request for Zofran is not medically necessary.",
    )
    read = read_denial(sentences, upheld=True)
    assert read.kind == "request-incomplete"
    assert read.lacks == ["quantity"]
    tests = _sentences(
        "The request did not specify which psychological tests are to be administered.",
        "Therefore, the request is not medically necessary.",
    )
    read = read_denial(tests, upheld=True)
    assert (read.kind, read.lacks) == ("request-incomplete", ["test names"])


def test_already_authorized_is_not_a_medical_denial() -> None:
    sentences = _sentences(
        "PT evaluation and 6 sessions were previously authorized and the records do not show "
        "they were completed.",
        "Authorization of the request would be redundant.",
        "Therefore, the request is not medically necessary.",
    )
    assert read_denial(sentences, upheld=True).kind == "already-authorized"
    # CM16-0249536: a past authorization that is only background does not make it redundant.
    assert _item("CM16-0249536", 5).denial_kind != "already-authorized"


def test_items_that_go_with_a_denied_surgery_point_at_it() -> None:
    # CM17-0014449: "As the requested surgical intervention is not medically necessary ..., the
    # requested ancillary service is not medically necessary."
    letter = _determination("CM17-0014449")
    assert letter.treatments[0].denial_kind == "medical"
    for item in letter.treatments[1:]:
        assert item.denial_kind == "goes-with-denied-care", item.request
        assert item.goes_with == 0


def test_over_the_guideline_limit_keeps_the_letters_numbers() -> None:
    # CM17-0015198: "recommend up to 10 visits ... 12 more supervised therapy visits which would
    # exceed the MTUS recommended number of visits"
    item = _item("CM17-0015198", 0)
    assert item.denial_kind == "over-guideline-limit"
    assert item.guideline_limit == "up to 10 visits"
    for stem in REAL:
        for treatment in _determination(stem).treatments:
            for verbatim in (treatment.guideline_limit, treatment.count_done):
                if verbatim:
                    assert verbatim in treatment.rationale
                    assert "per week" not in treatment.rationale.split(verbatim, 1)[1][:10]


@pytest.mark.parametrize(("stem", "index"), [("CM16-0248698", 10), ("CM17-0017734", 0)])
def test_safety_notes_are_the_letters_sentences(stem: str, index: int) -> None:
    item = _item(stem, index)
    assert item.safety_notes
    assert all("abruptly" in note for note in item.safety_notes)
    assert set(item.safety_notes) <= {s.text for s in item.sentences}


def test_overturned_items_have_no_denial_kind() -> None:
    for stem in REAL:
        for item in _determination(stem).treatments:
            if item.decision == "overturned":
                assert item.denial_kind is None
            else:
                assert item.denial_kind is not None


def test_a_finding_said_twice_is_one_reason() -> None:
    # CM16-0236906: the reviewer says it once in the summary and once in the analysis.
    sentences = _sentences(
        "There was no witnessed seizure activity.",
        "The injured worker's neurologic physical examination was normal.",
        "There was no documentation of witnessed seizure activity.",
    )
    reasons, _ = find_reasons(sentences, "upheld", "imaging/diagnostic")
    seizure = [r for r in reasons if "seizure" in r.evidence]
    assert len(seizure) == 1, [r.evidence for r in reasons]
    assert any("neurologic" in r.evidence for r in reasons)


def test_up_to_four_distinct_findings_are_reasons() -> None:
    # CM16-0248698 item 21: four grounds, each its own finding.
    texts = (
        "There was no clear rationale provided by the physician as to the medical necessity for "
        "the request.",
        "There is no indication the patient is not able to tolerate similar medication in "
        "pill/tablet form.",
        "The patient's current medication regimen was not provided.",
        "There is no evidence to support the patient has failed first line therapy prior to this "
        "request.",
    )
    reasons, _ = find_reasons(_sentences(*texts), "upheld", "pharmaceutical")
    assert sorted(r.evidence for r in reasons) == sorted(texts)


def test_findings_against_an_approval_are_not_its_reasons() -> None:
    # CM17-0010885 item 2 (overturned): a normal exam and an unmet criterion argue against it.
    sentences = _sentences(
        "On 11-7-16 the physical exam documents normal range of motion of the cervical spine.",
        'The treating physician notes therapy is "helping with pain."',
        "The medical records do not indicate that pain medication is reduced or not tolerated.",
        "Medical notes does not document any prior acupuncture sessions.",
    )
    reasons, _ = find_reasons(sentences, "overturned", "physical therapy")
    said = [r.evidence for r in reasons]
    assert 'The treating physician notes therapy is "helping with pain."' in said
    assert "Medical notes does not document any prior acupuncture sessions." in said
    assert not any("normal range" in e or "do not indicate that" in e for e in said), said


def test_as_such_is_not_the_grounds_of_a_conclusion() -> None:
    # CM17-0008633: "as such" points back; the conclusion gives no ground of its own.
    sentences = _sentences(
        "Therefore, the request would not be supported by the guidelines, as such the request is "
        "not necessary.",
    )
    assert sentences[0].role == "conclusion"
    assert find_reasons(sentences, "upheld", "imaging/diagnostic") == ([], [])


def test_a_missing_request_form_is_background() -> None:
    # CM17-0016204: "no RFA" (request for authorization) says nothing of the worker's need.
    sentences = _sentences(
        "There is no RFA in the medical records provided.",
        "There is no discussion of a cervical spine MRI in the medical records provided.",
    )
    reasons, _ = find_reasons(sentences, "upheld", "imaging/diagnostic")
    assert [r.evidence for r in reasons] == [sentences[1].text]


def test_an_approvals_conclusion_is_a_reason_only_without_findings() -> None:
    # 004_a10b36be7c0e8d97: the conclusion repeats the finding's ground.
    finding = (
        "The patient appears to be at an impasse in her treatment as evidenced by lack of "
        "progress despite medication changes and psychotherapy."
    )
    conclusion = (
        "Hence the requested 12 2.5 hour IOP (Intensive Out patient Psychiatric) sessions appear "
        "to be medically necessary according to current clinical research, evidence based "
        "practice standards and expert consensus as set forth in the APA Practice Guidelines due "
        "to the apparent lack of efficacy of outpatient medication management and psychotherapy."
    )
    sentences = _sentences(finding, conclusion)
    assert [s.role for s in sentences] == ["finding", "conclusion"]
    reasons, _ = find_reasons(sentences, "overturned", "program (FRP/IOP)")
    assert [r.evidence for r in reasons] == [finding]
    alone, _ = find_reasons(_sentences(conclusion), "overturned", "program (FRP/IOP)")
    assert [r.evidence for r in alone] == [conclusion]


def test_a_denials_reasons_come_from_the_reviewers_analysis() -> None:
    # CM16-0236906: the case summary before the guideline ("Speech was normal.") is background;
    # the findings the reviewer weighs after it are the reasons.
    sentences = _sentences(
        "Speech was normal.",
        "There were no new changes.",
        "If there is failure to improve or additional deterioration following initial assessment "
        "and stabilization, EEG may aid in diagnostic evaluation.",
        "There was no documentation of witnessed seizure activity.",
        "The injured worker's neurologic physical examination was normal.",
    )
    assert [s.role for s in sentences] == ["finding", "finding", "guideline", "finding", "finding"]
    reasons, _ = find_reasons(sentences, "upheld", "imaging/diagnostic")
    assert [r.evidence for r in reasons] == [sentences[3].text, sentences[4].text]
    # Without an analysis after the guideline, the summary's findings still count.
    summary_only, _ = find_reasons(sentences[:3], "upheld", "imaging/diagnostic")
    assert [r.evidence for r in summary_only] == [sentences[0].text, sentences[1].text]


def test_one_analysed_finding_outweighs_the_case_summary() -> None:
    # CM17-0016204 item 1: the summary before the ODG recital lists what the records lack
    # (history, background); the reviewer's one "In this case, ..." finding is the reason.
    sentences = _sentences(
        "There is no discussion of a cervical spine MRI in the medical records provided.",
        "There is no documentation that the patient has had any previous surgeries or MRIs.",
        "The ODG guidelines for an MRI state that they are recommend for chronic neck pain (= "
        "after 3 months of conservative treatment), radiographs normal, neurologic signs or "
        "symptoms present, and neck pain with radiculopathy if severe or progressive neurologic "
        "deficit.",
        "In this case, the treating physician has failed to document if the patient has had "
        "completed conservative treatment for 3 months and there are no examination findings to "
        "indicate any possible radiculopathy.",
        "The current request is not medically necessary.",
    )
    assert [s.role for s in sentences][:4] == ["finding", "finding", "guideline", "finding"]
    reasons, _ = find_reasons(sentences, "upheld", "imaging/diagnostic")
    assert [r.evidence for r in reasons] == [sentences[3].text]


# Sentences of real letters that tempted the rules into a false reason (each fired before).
TEMPTING = [
    # "Not recommended in ... any radicular pain syndrome" is what a guideline says; the same
    # sentence says the worker HAS radicular symptoms, so "no nerve findings" would be false.
    ("CM16-0219557", 0, "no-nerve-findings", "carried a primary operating diagnosis of lumbar"),
    # A count of sessions given before is no reason to approve more.
    ("CM17-0010885", 1, None, "Medical records document 8 prior therapy sessions."),
    # "No previous use of Tramadol" (the drug requested) is not "Tramadol did not help".
    ("CM17-0017734", 0, None, "The medical records do not document previous use of Tramadol."),
    # "Contingent upon these factors and because they are not met": it points back, no ground.
    ("000_8a9ae033211fa24a", 0, None, "because they are not met the treatment is determined"),
]


@pytest.mark.parametrize(("stem", "index", "code", "words"), TEMPTING)
def test_tempting_sentences_give_no_false_reason(
    stem: str, index: int, code: str | None, words: str
) -> None:
    item = _item(stem, index)
    assert any(words in s.text for s in item.sentences)  # the letter still reads the same
    for reason in item.reasons:
        if words in reason.evidence:
            assert code is not None and reason.code != code, (reason.code, reason.evidence)


def test_no_previous_use_of_the_requested_drug_is_no_reason() -> None:
    sentences = _sentences(
        "The medical records do not document previous use of Tramadol.",
        "In this case, there is no documented evidence that first-line medications or treatment "
        "were attempted prior to prescribing an opioid.",
    )
    reasons, _ = find_reasons(sentences, "upheld", "opioid", "Tramadol 50mg #60")
    said = [r.evidence for r in reasons]
    assert said == [sentences[1].text], said
    assert not any(
        r.code in {"no-functional-improvement", "pain-relief-undocumented"} for r in reasons
    )
    # The same words about another drug (first-line care not tried) stay a reason.
    other = _sentences("The medical records do not document previous use of Tramadol.")
    reasons, _ = find_reasons(other, "upheld", "pharmaceutical", "Lidoderm patches")
    assert [r.evidence for r in reasons] == [other[0].text]


def test_a_bare_count_of_sessions_is_no_reason_to_approve() -> None:
    sentences = _sentences(
        "Medical records document 8 prior therapy sessions.",
        'The treating physician notes therapy is "helping with pain."',
    )
    reasons, _ = find_reasons(sentences, "overturned", "physical therapy")
    assert [r.evidence for r in reasons] == [sentences[1].text]
    # For a denial the same count may matter (over the guideline's limit): not filtered there.
    assert sentences[0].role == "finding"


def test_a_guideline_verdict_is_not_a_negated_finding() -> None:
    sentence = (
        'The guideline notes that facet joint injections are "not recommended" in the treatment '
        'of "any radicular pain syndrome," here, the applicant has lumbar radicular symptoms.'
    )
    at = sentence.index("radicular")
    assert not negated_in_scope(sentence, at, at + len("radicular"))
    plain = "There are no radicular findings on exam."
    at = plain.index("radicular")
    assert negated_in_scope(plain, at, at + len("radicular"))


def test_part_already_approved_needs_the_reviewers_condition_on_more() -> None:
    approved = "The patient was authorized a one month rental."
    condition = (
        "Medical necessity for additional treatment is contingent upon re-assessment findings."
    )
    sentences = _sentences(approved, condition)
    assert sentences[1].role == "condition"
    reasons, _ = find_reasons(sentences, "upheld", "DME")
    assert ("part-already-approved", approved) in [(r.code, r.evidence) for r in reasons]
    # Approval of care given before, counted in the records, is no part of this request.
    counted = _sentences(
        "Submitted medical records document the patient was approved for 8 therapy sessions on "
        "10-19-16.",
        "There is no documentation of the results of those sessions.",
    )
    reasons, _ = find_reasons(counted, "upheld", "physical therapy")
    assert "part-already-approved" not in [r.code for r in reasons]


def test_undermined_and_argued_against_state_a_reason() -> None:
    text = (
        "The applicant's superimposed radicular symptoms, moreover, undermined any theory of "
        "facetogenic pain here."
    )
    reasons, _ = find_reasons(_sentences(text), "upheld", "injection")
    assert [r.evidence for r in reasons] == [text]


def test_does_not_appear_medically_necessary_is_a_conclusion_without_grounds() -> None:
    sentences = _sentences(
        "This request does not satisfy MTUS guidelines, and does not appear medically necessary."
    )
    assert sentences[0].role == "conclusion"
    assert find_reasons(sentences, "upheld", "imaging/diagnostic") == ([], [])


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("prior-sessions-unknown", "It is unclear how many sessions she has had."),
        ("home-exercise", "She should have also been taught a home exercise program to continue."),
        (
            "no-exam-findings",
            "A clinic note on 11/16/16 did not outline abnormal findings on exam and requested an "
            "MRI.",
        ),
        ("plan-to-stop", "The documentation indicated the patient was to stop this medication."),
    ],
)
def test_reviewer_phrasings_state_their_reason(code: str, text: str) -> None:
    given = _sentences("The patient has had previous physical therapy sessions.", text)
    reasons, _ = find_reasons(given, "upheld", "physical therapy")
    assert (code, text) in [(r.code, r.evidence) for r in reasons]


@pytest.mark.parametrize(
    ("code", "text"),
    [
        # Said of the sessions asked for, not of care given before.
        ("prior-sessions-unknown", "The request does not say how many sessions would be had."),
        # The reviewer's own advice, not a finding that home exercise is expected.
        ("home-exercise", "There is no home exercise program documented."),
        # A normal exam is a finding, but not one of missing exam findings.
        ("no-exam-findings", "Abnormal findings on exam were documented on 11/16/16."),
        # "Not a recommendation to stop" and a wondering "whether" state no plan to stop.
        ("plan-to-stop", "It is unclear whether the patient was to stop this medication."),
        ("plan-to-stop", "There is no plan documented for the patient."),
    ],
)
def test_tempting_phrasings_do_not_fire(code: str, text: str) -> None:
    given = _sentences("The patient has had previous physical therapy sessions.", text)
    reasons, _ = find_reasons(given, "upheld", "physical therapy")
    assert (code, text) not in [(r.code, r.evidence) for r in reasons]


def test_a_guideline_applied_to_this_request_is_a_finding() -> None:
    text = (
        "However, given that guidelines specifically do not recommend shockwave therapy for the "
        "low back, the request is not supported."
    )
    assert sentence_role(text) == "finding"
    assert sentence_role("The guidelines do not recommend shockwave therapy for the low back.") == (
        "guideline"
    )
    reasons, _ = find_reasons(_sentences(text), "upheld", "physical therapy")
    assert [(r.code, r.evidence) for r in reasons] == [("not-recommended", text)]


def test_missing_safety_checks_are_named() -> None:
    text = (
        "There is no urine drug screen in the records and no CURES report was reviewed, though a "
        "pain agreement was signed."
    )
    reasons, _ = find_reasons(_sentences(text), "upheld", "opioid")
    (reason,) = [r for r in reasons if r.code == "opioid-monitoring"]
    assert "urine drug test" in reason.summary
    assert "CURES" in reason.summary
    assert "agreement" not in reason.summary  # the letter says it was signed


def test_safety_checks_of_a_medicine_are_no_reason_to_deny_a_drug_test() -> None:
    text = "There was no indication for a urine drug screen as no CURES report was reviewed."
    reasons, _ = find_reasons(_sentences(text), "upheld", "imaging/diagnostic")
    assert "opioid-monitoring" not in [r.code for r in reasons]


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("The patient's current MED is 180 mg/day, which exceeds the recommended 120 mg.", True),
        ("The patient takes a dose greater than 120 morphine equivalents a day.", True),
        ("The patient's MED is 60 mg a day.", False),
        ("It is unclear whether the MED exceeds 120 mg a day.", False),
    ],
)
def test_a_high_opioid_dose_is_a_reason(text: str, fires: bool) -> None:
    reasons, _ = find_reasons(_sentences(text), "upheld", "opioid")
    assert ("high-opioid-dose" in [r.code for r in reasons]) is fires, reasons


def test_a_conclusion_gives_first_line_grounds() -> None:
    text = (
        "Given the lack of clear evidence to support failure of first-line, non-opioid "
        "treatments, and the chronic risk of continued treatment, the request for Tramadol is "
        "not considered medically necessary."
    )
    sentences = _sentences(text)
    assert sentences[0].role == "conclusion"
    reasons, _ = find_reasons(sentences, "upheld", "opioid", "Tramadol 50mg #60")
    assert [(r.code, r.evidence) for r in reasons] == [("first-line-not-tried", text)]


def test_no_indication_that_is_not_a_guideline_criterion() -> None:
    # "indication" as in "sign": the plain "guideline rules" sentence would not say this.
    text = "There is no indication the patient is on a high dose of NSAIDs to warrant treatment."
    reasons, _ = find_reasons(_sentences(text), "upheld", "pharmaceutical")
    assert "criteria-not-met" not in [r.code for r in reasons]
    assert [r.evidence for r in reasons] == [text]  # the reviewer's own words instead
    oral = "There is no indication the patient is not able to tolerate medication in pill form."
    reasons, _ = find_reasons(_sentences(oral), "upheld", "pharmaceutical")
    assert [r.code for r in reasons] == ["oral-medication-tolerated"]


@pytest.mark.parametrize(
    ("code", "text", "category", "decision"),
    [
        # Before an MRI: x-rays not repeated is not "you already had this MRI".
        (
            "repeat-not-justified",
            "Repeat x-rays were not performed.",
            "imaging/diagnostic",
            "upheld",
        ),
        # A rule for later care, not a finding that this care has helped.
        (
            "improvement-shown",
            "A subsequent course may be prescribed when there is documented functional "
            "improvement.",
            "physical therapy",
            "overturned",
        ),
        # "No indication (sign) that" is not "no medical reason given".
        (
            "no-clear-reason",
            "There is no indication that the patient has a history of bleeding.",
            "imaging/diagnostic",
            "upheld",
        ),
    ],
)
def test_stock_sentences_the_letter_contradicts_do_not_fire(
    code: str, text: str, category: Category, decision: Decision
) -> None:
    given = _sentences("The patient has had 6 sessions of physical therapy to date.", text)
    reasons, _ = find_reasons(given, decision, category)
    assert code not in [r.code for r in reasons], reasons


def test_a_repeat_asked_for_without_a_reason_fires() -> None:
    text = "It is unclear as to why a repeat study is being requested."
    reasons, _ = find_reasons(_sentences(text), "upheld", "imaging/diagnostic")
    assert [r.code for r in reasons] == ["repeat-not-justified"]


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("The injured worker has had 2 weeks of physical therapy and is improving.", True),
        ("The patient was gradually improving with home exercise.", True),
        ("The patient is not improving despite therapy.", False),
        ("The patient was no longer improving after 6 sessions.", False),
        ("It is unclear whether the patient is improving.", False),
    ],
)
def test_getting_better_already_is_a_reason_only_when_said(text: str, fires: bool) -> None:
    reasons, _ = find_reasons(_sentences(text), "upheld", "imaging/diagnostic")
    assert ("improving-already" in [r.code for r in reasons]) is fires, reasons


# CM17-0017776, thoracic MRI: the reviewer's decisive reason. "neither" stands 148 characters
# before "consider surgical", "nor" 117: beyond the look-back of a plain negation.
NEITHER_STATEMENT = (
    "There was, in short, neither an explicit statement (nor an implicit expectation) that the "
    "applicant would act on the results of the study in question and/or potentially consider "
    "surgical intervention based on the outcome of the same."
)


def test_a_statement_said_to_be_missing_negates_its_whole_that_clause() -> None:
    sentence = next(s for s in _item("CM17-0017776", 1).sentences if s.text == NEITHER_STATEMENT)
    assert sentence.role == "finding"
    reasons, missing = find_reasons([sentence], "upheld", "imaging/diagnostic")
    assert [(r.code, r.evidence) for r in reasons] == [("surgery-not-planned", NEITHER_STATEMENT)]
    assert missing == [next(r.missing for r in RULES if r.code == "surgery-not-planned")]
    # The same in the whole letter: the reason is named, not only quoted.
    named = [(r.code, r.evidence) for r in _item("CM17-0017776", 1).reasons]
    assert ("surgery-not-planned", NEITHER_STATEMENT) in named


# Each has a negation far (over 90 characters) before a concept it does not govern: a longer
# look-back for every negation would make each a false reason.
FAR_BUT_NOT_NEGATED = [
    # The "that" clause ends at the comma; what follows says a consultation was asked for.
    "There was no mention that the applicant had returned to work following the earlier cervical "
    "epidural injection, so the treating provider referred the applicant for a surgical "
    "consultation.",
    # "neither ... nor" negates its own words, not the rest of the clause.
    "The applicant reported neither relief nor any lasting benefit from the prior epidural "
    "steroid injection and was therefore referred to a spine surgeon for a surgical consultation.",
    # "no mention of" the imaging: the later words are the provider's own plan.
    "There was no mention of the applicant's prior imaging studies in the progress note of "
    "January 2017 and the treating provider wrote that the applicant would consider surgical "
    "intervention.",
]


@pytest.mark.parametrize("text", FAR_BUT_NOT_NEGATED)
def test_a_far_negation_outside_the_concepts_clause_gives_no_reason(text: str) -> None:
    concept = text.index("surgical")
    assert concept - max(text.index(word) for word in (" no ", " nor ") if word in text) > 90
    given = _sentences(text)
    assert given[0].role == "finding"  # a sentence the rules read
    reasons, _ = find_reasons(given, "upheld", "imaging/diagnostic")
    assert "surgery-not-planned" not in [r.code for r in reasons], reasons
