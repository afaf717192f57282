"""The skeleton determination: a parsed letter into the typed Determination, deterministically.
The offline engine answers with it; the LLM engine starts from it (see prepare.skeleton)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from imr_llm.caseless import may_hold
from imr_llm.categories import categorize
from imr_llm.citations import parse_citations
from imr_llm.dates import HEADER_DATE_ORDER, out_of_order, parse_numeric_date
from imr_llm.denials import link_goes_with
from imr_llm.diagnoses import diagnoses
from imr_llm.formats import ParsedLetter, RawItem
from imr_llm.lazy_regex import lazy_compile
from imr_llm.normalize import collapse_ws
from imr_llm.rationale import read_rationale
from imr_llm.reasons import Readings
from imr_llm.schema import (
    Case,
    Citation,
    Determination,
    Patient,
    Priority,
    Reviewer,
    SentenceRole,
    Sex,
    Source,
    Treatment,
)
from imr_llm.specialties import canonical_specialties
from imr_llm.states import parse_states

_AGE_SEX = lazy_compile(
    r"\b(\d{1,3})[\s-]*(?:year|yr)s?[\s-]*old\s+(?:\w+\s+){0,2}?"
    r"(male|female|man|woman|gentleman|lady|boy|girl)\b",
    re.I,
)
_SEX_ONLY = lazy_compile(
    r"\b(?:(?:injured\s+worker|patient|claimant|applicant|employee|IW|this)\s+(?:is|was)\s+an?\s+"
    r"(?:(?:\w+[\s-]+){0,3}?)(?P<noun>male|female|man|woman|gentleman|lady)\b|"
    r"\b(?:this|the|an?)\s+(?P<adjective>male|female)\s+(?:injured\s+worker|patient|claimant|"
    r"applicant|employee)\b)",
    re.I,
)
"""Sex stated without an age: 'The injured worker is a female who sustained ...', 'this female
patient'."""
_AGE_ONLY = lazy_compile(
    r"\b(?:aged?|age\s+of)\s+(\d{1,3})\b|\b(\d{1,3})[\s-]*(?:year|yr)s?[\s-]*old\b", re.I
)
_SEX_WORDS: dict[str, Sex] = {
    "male": "male",
    "man": "male",
    "gentleman": "male",
    "boy": "male",
    "female": "female",
    "woman": "female",
    "lady": "female",
    "girl": "female",
}
_DOS = lazy_compile(
    r"\b(?:DOS|date\s+of\s+service)\s*:?\s*(?P<dates>(?:\d{1,2}[/-]\d{1,2}[/-]\d{2,4}"
    r"(?:\s*(?:,|and|-|to|through|&)\s*)?)+)",
    re.I,
)


_DOS_WORDS = ("dos", "date")
"""Every match of _DOS holds one of these (caseless.may_hold)."""


def parse_date(value: str | None) -> date | None:
    """'11/09/2016', '11-9-16' -> date; None for anything that is not a real date."""
    return parse_numeric_date(value)


def _priority(value: str | None) -> Priority | None:
    if not value:
        return None
    return "expedited" if value.strip().lower() in {"expedited", "urgent"} else "standard"


# Specialty names that contain "and": never split there.
_COMPOUND_SPECIALTIES = lazy_compile(
    r"Physical\s+Medicine\s+(?:and|&)\s+Rehabilitation|Hospice\s+(?:and|&)\s+Palliative\s+"
    r"Medicine|Public\s+Health\s+(?:and|&)\s+General\s+Preventive\s+Medicine|Obstetrics\s+"
    r"(?:and|&)\s+Gynecology|Plastic\s+(?:and|&)\s+Reconstructive\s+Surgery|Colon\s+(?:and|&)"
    r"\s+Rectal\s+Surgery",
    re.I,
)


def _specialties(text: str | None) -> list[str]:
    """'A, B and C' -> [A, B, C], keeping names such as 'Physical Medicine and Rehabilitation'."""
    if not text:
        return []
    protected = _COMPOUND_SPECIALTIES.sub(lambda m: m.group(0).replace(" and ", " \0 "), text)
    parts = re.split(r"\s*[;,]\s*|\s+and\s+", protected)
    return [p.replace(" \0 ", " and ").strip() for p in parts if p.strip()]


def _patient(summary: str) -> Patient:
    flat = collapse_ws(summary)
    age: int | None = None
    sex: Sex | None = None
    match = _AGE_SEX.search(flat)
    if match:
        age, sex = int(match.group(1)), _SEX_WORDS[match.group(2).lower()]
    else:
        only = _AGE_ONLY.search(flat)
        if only:
            age = int(only.group(1) or only.group(2))
        stated = _SEX_ONLY.search(flat)
        if stated:
            sex = _SEX_WORDS[(stated.group("noun") or stated.group("adjective")).lower()]
    return Patient(age=age if age and 0 < age < 120 else None, sex=sex, diagnoses=diagnoses(flat))


def _dates_of_service(*texts: str) -> list[date]:
    found: list[date] = []
    for text in texts:
        for match in _DOS.finditer(text) if may_hold(text, _DOS_WORDS) else ():
            for raw in re.findall(r"\d{1,2}[/-]\d{1,2}[/-]\d{2,4}", match.group("dates")):
                parsed = parse_date(raw)
                if parsed and parsed not in found:
                    found.append(parsed)
    return found


@dataclass(slots=True)
class _LetterMemo:
    """What one letter's items share, each worked out once per letter (never across letters):
    sentence roles (rationale.anatomy), citations (citations.parse_citations) and what the
    reviewer's sentences say (reasons.find_reasons)."""

    roles: dict[str, SentenceRole] = field(default_factory=dict)
    citations: dict[str, list[Citation]] = field(default_factory=dict)
    readings: Readings = field(default_factory=dict)


def _treatment(item: RawItem, text: str, memo: _LetterMemo) -> Treatment:
    """One item; `memo` is its letter's (_LetterMemo)."""
    named = " ".join(filter(None, [item.request, item.original_request]))
    dates = _dates_of_service(named)
    category = (
        categorize(item.original_request or item.request)
        if item.request.lower().startswith("with ")
        else categorize(item.request)
    )
    return Treatment(
        request=item.request,
        original_request=item.original_request,
        authorized_portion=item.authorized_portion,
        decision=item.decision,
        decision_evidence=item.decision_evidence,
        retrospective=item.retrospective or bool(dates),
        dates_of_service=dates,
        category=category,
        claims_administrator_guidelines=parse_citations(
            item.claims_administrator_guideline, memo.citations
        ),
        reviewer_guidelines=parse_citations(item.reviewer_guideline, memo.citations),
        rationale=collapse_ws(item.rationale),
        **read_rationale(
            item.rationale,
            item.rationale_start,
            text,
            item.decision,
            category,
            named,
            memo.roles,
            memo.readings,
        ),
    )


def _case(header: dict[str, str]) -> tuple[Case, list[str]]:
    """The header fields, with every date that breaks the process order left empty (a wrong
    date is worse than none) and a warning naming its label."""
    dates = {key: parse_date(header.get(key)) for key, _ in HEADER_DATE_ORDER}
    dropped = out_of_order(dates)
    warnings = [
        f"{reason}: left empty - check this date on the letter" for reason in dropped.values()
    ]
    for key in dropped:
        dates[key] = None
    case = Case(
        case_number=header.get("case_number"),
        date_assigned=dates["date_assigned"],
        decision_date=dates["decision_date"],
        date_of_injury=dates["date_of_injury"],
        ur_denial_date=dates["ur_denial_date"],
        application_received=dates["application_received"],
        priority=_priority(header.get("priority")),
    )
    return case, warnings


def build_skeleton(
    parsed: ParsedLetter, *, sha256: str, path: str | None, warnings: list[str]
) -> Determination:
    case, date_warnings = _case(parsed.header)
    memo = _LetterMemo()  # this letter's alone: no memo spans letters
    written = _specialties(parsed.specialty)
    return Determination(
        source=Source(format=parsed.format, sha256=sha256, path=path),
        case=case,
        reviewer=Reviewer(
            licensed_states=parse_states(parsed.licensure),
            specialties=canonical_specialties(written),
            specialties_as_written=written,
        ),
        patient=_patient(parsed.summary),
        treatments=link_goes_with([_treatment(item, parsed.text, memo) for item in parsed.items]),
        warnings=[*warnings, *parsed.warnings, *date_warnings],
    )
