"""Issue 13's classes of misreading, each reproduced from the bundled real letters: a complete
letter without its final period, retrospective items worded without "Retrospective:" or a DOS,
sex stated without an age, and the header layouts of other extractors (labels first, values
after, a label split around its value). A header date is set only when its label is certain."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from conftest import LETTERS, load_gold, real_letter_stems

from imr_llm.errors import LetterParseError
from imr_llm.evals.extractors import determination_of
from imr_llm.formats.header import read_header
from imr_llm.schema import Determination

REAL = real_letter_stems()
PDFS = [s for s in REAL if (LETTERS / f"{s}.pdf").exists()]
HEADER_DATES = (
    "date_of_injury",
    "ur_denial_date",
    "application_received",
    "date_assigned",
    "decision_date",
)


def _text(stem: str) -> str:
    return (LETTERS / f"{stem}.txt").read_text(encoding="utf-8")


def _items(result: Determination) -> list[tuple[str, str, str | None, bool]]:
    return [
        (" ".join(t.request.split()), t.decision, t.original_request, t.retrospective)
        for t in result.treatments
    ]


# --- 1. a complete letter without its final period -------------------------------------------


@pytest.mark.parametrize("stem", REAL)
def test_a_complete_letter_without_its_final_period_is_read_in_full(stem: str) -> None:
    text = _text(stem)
    bare = text.rstrip()
    assert bare.endswith(".")
    assert _items(determination_of(bare[:-1])) == _items(determination_of(text))


@pytest.mark.parametrize(
    "cut",
    [
        lambda text: text.rstrip()[:-30].rstrip(),  # stops inside the last sentence
        lambda text: text.rstrip()[: text.rstrip().rindex("medically")] + "medi-",  # broken word
        lambda text: text[: text.rindex("Decision rationale:") + len("Decision rationale:")],
    ],
    ids=["mid-sentence", "broken-word", "heading-without-rationale"],
)
def test_a_letter_that_stops_early_is_still_refused(cut: object) -> None:
    text = _text("CM16-0234464")
    assert callable(cut)
    with pytest.raises(LetterParseError, match="cut off"):
        determination_of(cut(text))


# --- retrospective items without "Retrospective:" or a date of service ----------------------


@pytest.mark.parametrize(
    ("stem", "line", "rewritten", "expected"),
    [
        (
            "CM16-0234464",
            "Lidocaine ointment 5% 106.32gm: Upheld",
            "Retrospective Lidocaine ointment 5% 106.32gm, per 12/07/2016 order: Upheld",
            "Lidocaine ointment 5% 106.32gm, per 12/07/2016 order",
        ),
        (
            "CM17-0004547",
            "1 platelet rich plasma injection to left foot:",
            "Retrospective injection of platelet rich plasma to left foot:",
            "injection of platelet rich plasma to left foot",
        ),
        (
            "CM16-0219557",
            "Facet joint injections L4-5, L5-S1:",
            "Retrospective request for facet joint injections L4-5, L5-S1:",
            "facet joint injections L4-5, L5-S1",
        ),
    ],
)
def test_retrospective_wording_without_a_date_of_service(
    stem: str, line: str, rewritten: str, expected: str
) -> None:
    text = _text(stem)
    assert line in text
    before = determination_of(text)
    after = determination_of(text.replace(line, rewritten, 1))
    changed = [
        i for i, (a, b) in enumerate(zip(_items(before), _items(after), strict=True)) if a != b
    ]
    assert len(changed) == 1
    item = after.treatments[changed[0]]
    assert item.retrospective is True
    assert " ".join(item.request.split()) == expected
    assert item.dates_of_service == []
    assert item.decision == before.treatments[changed[0]].decision


def test_words_that_only_start_like_retro_are_not_retrospective() -> None:
    text = _text("CM16-0213037")
    line = "MRI of the right shoulder without contrast: Upheld"
    assert line in text
    result = determination_of(text.replace(line, "Retrograde MRI of the right shoulder: Upheld"))
    assert [t.retrospective for t in result.treatments] == [False, False]


# --- sex without an age ----------------------------------------------------------------------

_AGE_AND_SEX = re.compile(r"(\bis\s+an?\s+)(\d{1,3}[\s-]*year[\s-]*old\s+)(male|female)\b")
WITH_AGE = [s for s in REAL if _AGE_AND_SEX.search(_text(s))]


@pytest.mark.parametrize("stem", WITH_AGE)
def test_sex_stated_without_an_age(stem: str) -> None:
    text, count = _AGE_AND_SEX.subn(r"\1\3", _text(stem))
    assert count >= 1
    assert determination_of(text).patient.sex == load_gold(stem)["patient"]["sex"]


def test_sex_without_age_in_a_real_summary_line() -> None:
    text = _text("CM16-0213037").replace("is a 48 year old male who", "is a male who")
    result = determination_of(text)
    assert (result.patient.sex, result.patient.age) == ("male", None)
    text = _text("CM16-0213037").replace("is a 48 year old male who", "is a female who")
    assert determination_of(text).patient.sex == "female"


# --- header layouts ----------------------------------------------------------------------------


def _pdftotext(stem: str, *options: str) -> str:
    program = shutil.which("pdftotext")
    if program is None:
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    done = subprocess.run(
        [program, *options, "-enc", "UTF-8", str(LETTERS / f"{stem}.pdf"), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize("options", [(), ("-layout",)], ids=["labels-then-values", "layout"])
@pytest.mark.parametrize("stem", PDFS)
def test_poppler_layouts_give_the_gold_header_and_items(stem: str, options: tuple[str]) -> None:
    result = determination_of(_pdftotext(stem, *options))
    gold = load_gold(stem)
    assert result.case.model_dump(mode="json") == gold["case"]
    assert [t.decision for t in result.treatments] == [t["decision"] for t in gold["treatments"]]


PDFMINER_CASES = [
    "CM16-0213037",  # one value before its label, one on the label's line
    "CM16-0224814",  # "Application", its date, "Received:" on three lines
    "CM16-0240524",  # a label right before the first of a block of values
    "CM17-0002551",  # a "$1,500" line moved after the last sentence
]


@pytest.mark.parametrize("stem", PDFMINER_CASES)
def test_pdfminer_layout_gives_the_gold_header_and_items(stem: str) -> None:
    from imr_llm.evals.extractors import with_pdfminer

    result = determination_of(with_pdfminer(LETTERS / f"{stem}.pdf"))
    gold = load_gold(stem)
    assert result.case.model_dump(mode="json") == gold["case"]
    assert [t.decision for t in result.treatments] == [t["decision"] for t in gold["treatments"]]


def test_block_layout_pairs_values_in_reading_order_when_the_order_is_certain() -> None:
    region = (
        "Case Number:\nDate Assigned:\nDecision Date:\nPriority:\n\n"
        "CM16-0240524\n12/19/2016\n01/17/2017\nStandard\n\n"
        "Date of Injury:\nUR Denial Date:\nApplication\nReceived:\n\n"
        "11/14/2016\n12/01/2016\n12/14/2016\n"
    )
    header, warnings = read_header(region)
    assert header == {
        "case_number": "CM16-0240524",
        "date_assigned": "12/19/2016",
        "decision_date": "01/17/2017",
        "priority": "Standard",
        "date_of_injury": "11/14/2016",
        "ur_denial_date": "12/01/2016",
        "application_received": "12/14/2016",
    }
    assert warnings == []


def test_block_layout_leaves_a_date_empty_when_its_pairing_is_not_certain() -> None:
    # The reading-order pairing would put the injury after the UR denial: not certain.
    region = (
        "Date of Injury:\nUR Denial Date:\nApplication Received:\n\n"
        "12/01/2016\n11/14/2016\n12/14/2016\n"
    )
    header, warnings = read_header(region)
    assert "date_of_injury" not in header and "ur_denial_date" not in header
    assert any(w.startswith("Date of Injury:") for w in warnings)
    assert any(w.startswith("UR Denial Date:") for w in warnings)
    assert header.get("application_received") in (None, "12/14/2016")


def test_a_stray_date_in_a_block_makes_the_pairing_uncertain() -> None:
    region = "Date Assigned:\nDecision Date:\n\n12/19/2016\n12/20/2016\n01/17/2017\n"
    header, warnings = read_header(region)
    assert header.get("date_assigned") in (None, "12/19/2016")
    assert "decision_date" not in header
    assert any(w.startswith("Decision Date:") for w in warnings)


def test_header_dates_out_of_process_order_are_dropped_with_a_warning() -> None:
    text = _text("CM16-0213037")
    assert "Date of Injury:  10/13/2016" in text
    result = determination_of(
        text.replace("Date of Injury:  10/13/2016", "Date of Injury: 11/13/2016")
    )
    assert result.case.date_of_injury is None
    assert result.case.decision_date == date(2016, 12, 9)
    assert any(w.startswith("Date of Injury 2016-11-13 is out of order") for w in result.warnings)


@pytest.mark.parametrize("stem", PDFS)
def test_a_label_swapped_in_the_header_never_gives_a_wrong_date(stem: str) -> None:
    """Swap the first two date values of a letter's header: each date is then either right,
    empty with a warning, or (if the two were equal) unchanged."""
    text = _text(stem)
    head = text[: text.find("HOW THE IMR")] if "HOW THE IMR" in text else text[:1500]
    dates = re.findall(r"\d{1,2}/\d{1,2}/\d{4}", head)
    if len(dates) < 2 or dates[0] == dates[1]:
        pytest.skip("fewer than two different header dates")
    first, second = dates[0], dates[1]
    swapped = head.replace(first, "\0").replace(second, first).replace("\0", second)
    result = determination_of(swapped + text[len(head) :])
    gold = load_gold(stem)["case"]
    wrong = [
        key
        for key in HEADER_DATES
        if getattr(result.case, key) is not None
        and getattr(result.case, key).isoformat() != gold[key]
    ]
    # A swap that keeps the process order is indistinguishable from a real letter; any
    # other swap must leave the affected dates empty.
    if wrong:
        values = [getattr(result.case, k) for k in HEADER_DATES if getattr(result.case, k)]
        assert values == sorted(values), f"{stem}: {wrong} wrong and out of order"


def test_a_label_given_twice_with_two_values_is_left_empty() -> None:
    cover = "Date of Injury: 10/13/2016\nIMR Case Number: CM16-0213037\n\n"
    same, _ = read_header(cover + "Case Number: CM16-0213037\nDate of Injury: 10/13/2016\n")
    assert same["date_of_injury"] == "10/13/2016"
    header, warnings = read_header(
        cover + "Case Number: CM16-0213037\nDate of Injury: 10/14/2016\n"
    )
    assert "date_of_injury" not in header and header["case_number"] == "CM16-0213037"
    assert any(w.startswith("Date of Injury: the letter gives this label two") for w in warnings)
