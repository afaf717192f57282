"""The explanation of hand-built determinations: each kind of denial with its own fix, modified
and retrospective items, safety notes, roles of quoted sentences, safe dates and `--today`."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from conftest import LETTERS, invoke_cli
from rendered import every_format, flat

from imr_llm.explain import explain
from imr_llm.explain.deadlines import safe_appeal_date
from imr_llm.explain.findings import easier, shorten_lists
from imr_llm.explain.page import to_html
from imr_llm.explain.render import to_text
from imr_llm.explain.titles import plain_title
from imr_llm.explain.writer import as_of, readable_text
from imr_llm.prepare import prepare, skeleton
from imr_llm.schema import Case, Determination, RationaleSentence, Reason, Source, Treatment

GUIDELINE = "MTUS guidelines recommend up to 10 visits of physical therapy over 8 weeks."
FINDING = "The records show 12 prior visits without measured gains in function."
CONCLUSION = "Therefore the request is not medically necessary."


def _treatment(**fields: Any) -> Treatment:
    base: dict[str, Any] = {
        "request": "MRI of the right shoulder without contrast",
        "decision": "upheld",
        "decision_evidence": "is not medically necessary",
        "category": "imaging/diagnostic",
    }
    return Treatment(**(base | fields))


def _determination(*treatments: Treatment, decided: date = date(2016, 12, 9)) -> Determination:
    return Determination(
        source=Source(format="dwc-2016", sha256="0" * 64),
        case=Case(case_number="CM16-0000001", decision_date=decided),
        treatments=list(treatments),
    )


def test_incomplete_request_says_what_to_send_again() -> None:
    treatment = _treatment(
        request="Zofran",
        category="pharmaceutical",
        denial_kind="request-incomplete",
        request_lacks=["quantity", "frequency"],
        missing=["records showing this care is needed"],
    )
    explanation = explain(_determination(treatment), "")
    item = explanation.items[0]
    assert item.what_you_can_do == (
        "Your doctor can send the request again with the amount and how often."
    )
    assert item.reasons[0] == "The request did not give the amount and how often."
    assert "did not show this care is needed" not in item.explanation


def test_already_authorized_tells_the_worker_to_use_the_approval() -> None:
    treatment = _treatment(
        request="PT evaluation and 6 sessions",
        category="physical therapy",
        denial_kind="already-authorized",
    )
    item = explain(_determination(treatment), "").items[0]
    assert "You already have approval for this care. Use that approval." in item.explanation
    assert "did not show" not in item.explanation
    assert "appeal" not in item.what_you_can_do.lower()


def test_goes_with_denied_care_is_grouped_under_the_main_item() -> None:
    surgery = _treatment(request="Right shoulder arthroscopy", category="surgery")
    brace = _treatment(
        request="Associated surgical service: Shoulder brace",
        category="DME",
        denial_kind="goes-with-denied-care",
        goes_with=0,
    )
    explanation = explain(_determination(surgery, brace), "")
    assert explanation.items[1].goes_with == 1
    assert "This depends on item 1, which was not approved." in explanation.items[1].reasons
    text = to_text(explanation)
    assert re.search(r"^1\. ", text, re.M) and not re.search(r"^2\. ", text, re.M)
    assert "Care that goes with item 1 and was not approved with it:" in text
    assert '2. Brace for your shoulder (Denial stands). In the letter: "Associated' in flat(text)


def test_over_the_guideline_limit_gives_the_limit_and_the_count() -> None:
    treatment = _treatment(
        request="Physical therapy 12 visits",
        category="physical therapy",
        denial_kind="over-guideline-limit",
        guideline_limit="up to 10 visits",
        count_done="at least 5",
    )
    item = explain(_determination(treatment), "").items[0]
    assert item.reasons[:3] == [
        "The request was for more than the guideline allows.",
        'The guideline limit, in the letter\'s words: "up to 10 visits".',
        'Already done, in the letter\'s words: "at least 5".',
    ]


def test_modified_request_names_what_was_asked_kept_and_decided() -> None:
    treatment = _treatment(
        request="Cyclobenzaprine 7.5mg #27",
        original_request="Cyclobenzaprine 7.5mg #90",
        authorized_portion="Cyclobenzaprine 7.5mg #63",
        category="pharmaceutical",
        denial_kind="medical",
    )
    explanation = explain(_determination(treatment), "")
    assert explanation.headline.startswith("Part of the care was approved")
    assert (
        "You asked for Cyclobenzaprine 7.5mg #90. Your insurer already approved "
        "Cyclobenzaprine 7.5mg #63 - you keep that. The review decided the rest: "
        "Cyclobenzaprine 7.5mg #27." in explanation.items[0].context
    )
    plain = explain(_determination(_treatment()), "")
    assert plain.headline == "The reviewer did not approve any of the care under review."
    # Approved in whole where the insurer had approved something else instead (CM16-0229336):
    # that other care is not said to stand as well; denied, what the insurer approved stands.
    instead = {
        "request": "Acute inpatient rehabilitation 7-10 days",
        "authorized_portion": "Skilled nursing facility for 7 days",
    }
    for decision, keeps in (("overturned", False), ("upheld", True)):
        item = explain(_determination(_treatment(**instead, decision=decision)), "").items[0]
        assert any("Skilled nursing facility" in line for line in item.context)
        assert any("you keep that" in line for line in item.context) is keeps


def test_retrospective_items_say_who_pays_and_that_the_worker_is_not_billed() -> None:
    paid = _treatment(
        request="Urine drug screen (DOS 06/18/2015)",
        decision="overturned",
        retrospective=True,
        dates_of_service=[date(2015, 6, 18)],
    )
    explanation = explain(_determination(paid), "")
    item = explanation.items[0]
    assert "care you already had on Thursday, June 18, 2015" in item.context[0]
    assert "within 20 days" in item.what_you_can_do
    steps = " ".join(explanation.next_steps)
    assert "A doctor may not bill you for care known to be work-related." in steps
    denied = explain(_determination(_treatment(retrospective=True)), "").items[0]
    assert "A doctor may not bill you for care known to be work-related." in denied.context


def test_safety_note_comes_first_and_every_upheld_opioid_or_benzodiazepine_gets_it() -> None:
    note = "This decision should not be interpreted as a recommendation to stop abruptly."
    opioid = _treatment(request="Norco 10/325mg #120", category="opioid", safety_notes=[note])
    item = explain(_determination(opioid), "").items[0]
    assert item.safety[0] == f'The letter says: "{note}"'
    assert "If you take this medicine, do not stop it suddenly on your own" in item.safety[1]
    assert item.explanation.index("suddenly") < item.explanation.index("Why:")

    for request, category in (("Tramadol 50mg #60", "opioid"), ("Diazepam 5mg #10", "other")):
        plain = explain(_determination(_treatment(request=request, category=category)), "")
        assert "Talk with your doctor first" in " ".join(plain.items[0].safety)
    approved = _treatment(request="Tramadol 50mg #60", category="opioid", decision="overturned")
    assert explain(_determination(approved), "").items[0].safety == []
    gabapentin = _treatment(request="Gabapentin 300mg #90", category="pharmaceutical")
    assert explain(_determination(gabapentin), "").items[0].safety == []


def _with_roles(**fields: Any) -> Treatment:
    return _treatment(
        request="Physical therapy 12 visits",
        category="physical therapy",
        rationale=f"{GUIDELINE} {FINDING} The request should be re-reviewed at 3 months. "
        f"{CONCLUSION}",
        sentences=[
            RationaleSentence(id=0, text=GUIDELINE, role="guideline"),
            RationaleSentence(id=1, text=FINDING, role="finding"),
            RationaleSentence(
                id=2, text="The request should be re-reviewed at 3 months.", role="condition"
            ),
            RationaleSentence(id=3, text=CONCLUSION, role="conclusion"),
        ],
        **fields,
    )


def test_only_findings_are_quoted_as_the_reviewers_and_guidelines_are_labelled() -> None:
    finding = Reason(
        code="reviewer-finding", summary="The reviewer wrote:", evidence=FINDING, sentence_ids=[1]
    )
    recited = Reason(
        code="not-recommended",
        summary="The treatment guidelines do not recommend this for a case like yours.",
        evidence=GUIDELINE,
        sentence_ids=[0],
    )
    explanation = explain(_determination(_with_roles(reasons=[finding, recited])), "")
    item = explanation.items[0]
    assert FINDING in item.quotes and GUIDELINE not in item.quotes
    text = item.explanation
    assert f'The reviewer wrote: "{FINDING}"' in text
    assert f'The guideline, as the letter quotes it, says: "{easier(GUIDELINE, "en")}"' in text
    assert f'The reviewer wrote: "{GUIDELINE}' not in text
    assert "The reviewer says this should be checked again after 3 months." in item.conditions
    html = to_html(explanation)
    own_words = html.split("In the reviewer&#39;s own words:")
    assert len(own_words) == 2 and GUIDELINE.split(" ")[0] not in own_words[1].split("</p>")[1]
    assert "The guideline&#39;s words, as the letter quotes them:" in html


def test_a_reason_resting_only_on_an_unknown_role_is_quoted_as_the_letter() -> None:
    reason = Reason(code="red-flags", summary="No red flags.", evidence="There are no red flags.")
    item = explain(_determination(_treatment(reasons=[reason])), "").items[0]
    assert not item.quotes_are_findings
    assert 'The letter says: "There are no red flags' in item.explanation
    assert "The reviewer wrote" not in item.explanation


def test_every_format_carries_the_same_content() -> None:
    opioid = _treatment(
        request="Tramadol 50mg #60",
        category="opioid",
        safety_notes=["Do not stop abruptly."],
        denial_kind="request-incomplete",
        request_lacks=["quantity"],
    )
    determination = _determination(opioid, _with_roles(decision="overturned"))
    explanation = explain(determination, "")
    formats = every_format(explain(determination, ""))
    pieces = [explanation.headline, *explanation.next_steps, *explanation.appeal_checklist]
    for item in explanation.items:
        pieces += [item.outcome, *item.safety, *item.reasons, *item.conditions, *item.context]
        pieces += [item.what_you_can_do, *item.quotes, item.plain_request]
    for name, rendered in formats.items():
        for piece in filter(None, pieces):
            assert flat(piece).strip('"') in rendered.replace('\\"', '"'), (name, piece)


def test_safe_appeal_date_moves_back_from_weekends_and_holidays() -> None:
    assert safe_appeal_date(date(2016, 12, 9)) == date(2017, 1, 6)  # + 30 = Sunday Jan 8
    assert safe_appeal_date(date(2016, 12, 17)) == date(2017, 1, 13)  # + 30 = MLK Day
    assert safe_appeal_date(date(2017, 2, 1)) == date(2017, 3, 3)  # + 30 = Friday, kept


def test_dates_show_their_weekday_and_passed_deadlines_are_said() -> None:
    explanation = explain(_determination(_treatment()), "")
    checklist = " ".join(explanation.appeal_checklist)
    assert "by Friday, January 6, 2017 to be safe" in checklist
    assert explanation.alerts == [] and explanation.today is None
    later = as_of(explanation, date(2017, 1, 9))
    assert later.alerts[0].startswith("Last day to appeal to the WCAB (to be safe): Friday")
    assert "has passed (today is Monday, January 9, 2017)" in later.alerts[0]
    assert [d.passed for d in later.deadlines if d.what == "appeal"] == [True]
    assert as_of(explanation, date(2017, 1, 6)).alerts == []
    assert "has passed" in readable_text(later)


def test_appeal_checklist_names_what_the_petition_needs() -> None:
    checklist = " ".join(explain(_determination(_treatment()), "").appeal_checklist)
    for words in (
        "Petition Appealing Administrative Director's Independent Medical Review Determination",
        "Signed under oath (verified)",
        "Your ADJ and IMR case numbers (IMR: CM16-0000001)",
        "Every reason for the appeal, in detail. A reason left out is lost.",
        "served on the other parties and on the DWC IMR Unit",
        "File it with the WCAB by Friday, January 6, 2017 to be safe",
    ):
        assert words in checklist
    approved = explain(_determination(_treatment(decision="overturned")), "")
    assert approved.appeal_checklist == []
    assert "It need not if it appeals, or if it disputes your claim on other grounds" in " ".join(
        approved.next_steps
    )


def test_titles_name_the_care_in_plain_words() -> None:
    mri = "MRI of the right shoulder without contrast"
    assert plain_title(mri, "imaging/diagnostic", "en", "A scan") == (
        "MRI scan of your right shoulder"
    )
    assert plain_title(mri, "imaging/diagnostic", "es", "Un estudio") == (
        "Resonancia magnética (MRI) de su hombro derecho"
    )
    assert plain_title("EMG/NCV bilateral lower extremities", "imaging/diagnostic", "en", "x") == (
        "Nerve and muscle test (EMG/NCV) for both your legs"
    )
    assert plain_title("Tramadol ER 150mg #30", "opioid", "en", "An opioid pain medicine") == (
        "Tramadol ER: an opioid pain medicine"
    )
    assert plain_title("Unknown widget", "other", "en", "Other care") == "Other care"
    # EMG and NCV asked for as two items (CM16-0248698) get two titles; asked together, one.
    emg, ncv, both = (
        plain_title(r, "imaging/diagnostic", "en", "x")
        for r in ("EMG bilateral lower extremities", "NCV bilateral lower extremities", "EMG/NCV")
    )
    assert len({emg, ncv, both}) == 3 and "(EMG)" in emg and "(NCV)" in ncv and "EMG/NCV" in both
    # A chiropractor's exam is not chiropractic care (CM17-0005344, CM17-0010006); supports and
    # pillows are named, not "Medical equipment" (CM16-0248471).
    exam = plain_title("Re-exam with chiropractor for the lumbar spine", "other", "en", "x")
    care = plain_title("Chiropractic treatment for the lumbar spine", "other", "en", "x")
    assert exam != care and "x" not in (exam, care)
    equipment = [
        plain_title(r, "DME", "en", "Medical equipment")
        for r in ("Lumbar support", "Cervical pillow", "Wedge pillow", "Sit-stand workstation")
    ]
    assert len(set(equipment)) == 4 and "Medical equipment" not in equipment
    # An inpatient rehab stay is not "Occupational therapy" (CM16-0229336); the head is a part.
    rehab = "Acute inpatient rehabilitation physical therapy and occupational therapy 7-10 days"
    assert plain_title(rehab, "other", "en", "x").startswith("A stay in a rehab hospital")
    assert plain_title("Acupuncture, neck and head", "other", "en", "x").endswith("neck and head")
    # "neck, back" names both (CM17-0015198 showed only the neck); a named part stays itself.
    back = plain_title("Chiropractic care for the neck, back", "other", "en", "x")
    assert back.endswith("neck and back")
    assert plain_title("Chiropractic care for the low back", "other", "en", "x").endswith(
        "your lower back"
    )
    # Six therapies of one letter (CM16-0235869), each named, none as another kind of care.
    therapies = ("physical therapy", "electrical stimulation", "infrared therapy")
    therapies += ("manual therapy", "therapeutic exercise", "biofeedback")
    for lang in ("en", "es"):
        titles = [
            plain_title(f"Four sessions of {t} two times a week", "physical therapy", lang, "x")
            for t in therapies
        ]
        assert len(set(titles)) == len(titles) and "x" not in titles, titles
    # A side belongs to its own body part, not to the next one in the list (CM17-0019120).
    therapy = "Six physical therapy sessions for the neck, left trapezius and low back"
    assert plain_title(therapy, "physical therapy", "en", "x").endswith("neck and lower back")
    assert plain_title("MRI right total knee", "imaging/diagnostic", "en", "x").endswith(
        "your right knee"
    )


def test_long_lists_are_shortened_and_marked() -> None:
    sentence = "She tried rest, ice, heat, medication, massage, and bracing without relief."
    assert (
        shorten_lists(sentence) == "She tried rest, ice, heat, [...], and bracing without relief."
    )
    table = "As noted in ACOEM Chapter 8, Table 8-8, page 181, TENS, i.e., the modality, is out."
    assert shorten_lists(table) == table  # not a list of words
    few = "She tried rest, ice, heat, and bracing without relief."
    assert shorten_lists(few) == few


def test_cli_today_option_says_a_passed_deadline(tmp_path: Any) -> None:
    letter = str(LETTERS / "CM16-0213037.txt")
    late = invoke_cli("summarize", letter, "--today", "2017-02-01")
    assert late.returncode == 0, late.stderr
    assert "This date has passed (today is Wednesday, February 1, 2017)" in flat(late.stdout)
    early = invoke_cli("summarize", letter, "--today", "2016-12-15", "--format", "json")
    assert json.loads(early.stdout)["alerts"] == []
    bad = invoke_cli("summarize", letter, "--today", "2017-02-30")
    assert bad.returncode != 0 and "--today" in bad.stderr and "Traceback" not in bad.stderr


def test_the_opioid_notes_scope_sentence_is_not_shown_as_a_condition() -> None:
    """ "This decision addresses the medical necessity of opioids ..." opens the letter's safety
    note (shown, with the advice not to stop suddenly): it is not a condition of the reviewer."""
    prepared = prepare(str(LETTERS / "CM17-0021126.txt"))
    item = explain(skeleton(prepared), prepared.text).items[0]
    assert item.safety
    assert not any("This decision addresses" in c for c in item.conditions)
    assert item.quotes, "the reviewer's finding is kept"
