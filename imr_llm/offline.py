"""The offline engine: a parsed letter into the typed Determination, deterministically."""

from __future__ import annotations

import re
from datetime import date

from imr_llm.categories import categorize
from imr_llm.citations import parse_citations
from imr_llm.dates import safe_date
from imr_llm.denials import link_goes_with
from imr_llm.formats import ParsedLetter, RawItem
from imr_llm.normalize import collapse_ws
from imr_llm.rationale import read_rationale
from imr_llm.schema import (
    Case,
    Determination,
    Patient,
    Priority,
    Reviewer,
    Sex,
    Source,
    Treatment,
)
from imr_llm.states import parse_states

_DATE_NUMERIC = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2,4})")
_AGE_SEX = re.compile(
    r"\b(\d{1,3})[\s-]*(?:year|yr)s?[\s-]*old\s+(?:\w+\s+){0,2}?"
    r"(male|female|man|woman|gentleman|lady|boy|girl)\b",
    re.I,
)
_AGE_ONLY = re.compile(
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
_DIAGNOSIS_INTRO = re.compile(
    r"\bdiagnos(?:e|i)s\s+(?:that\s+)?(?:of|include[sd]?|including|are|is|were|was)\b"
    r"(?:\s+(?:documented|listed|noted)\s+as)?\s*:?|"
    r"\bdiagnos(?:is|es)\s+(?:of|as)\b|"
    r"\bdiagnosed\s+(?:as\s+having|with|as)\b|"
    r"\b(?:being\s+treated|undergoing\s+treatment|treated)\s+for\b(?:\s+(?:the\s+)?"
    r"diagnos[ie]s\s+of\b)?",
    re.I,
)
_QUALIFIER = re.compile(
    r"^(?:(?:subsequent|initial)\s+encounter|unspecified|(?:right|left|bilateral)"
    r"(?:\s+(?:arm|leg|side|shoulder|knee|hip|wrist|hand|ankle|foot|elbow))?|fascia\b.*)$",
    re.I,
)
_DOS = re.compile(
    r"\b(?:DOS|date\s+of\s+service)\s*:?\s*(?P<dates>(?:\d{1,2}[/-]\d{1,2}[/-]\d{2,4}"
    r"(?:\s*(?:,|and|-|to|through|&)\s*)?)+)",
    re.I,
)


def parse_date(value: str | None) -> date | None:
    """'11/09/2016', '11-9-16' -> date; None for anything that is not a real date."""
    if not value:
        return None
    match = _DATE_NUMERIC.search(value)
    if not match:
        return None
    month, day, year = (int(g) for g in match.groups())
    return safe_date(year, month, day)


def _priority(value: str | None) -> Priority | None:
    if not value:
        return None
    return "expedited" if value.strip().lower() in {"expedited", "urgent"} else "standard"


def _split_list(text: str) -> list[str]:
    parts = [p.strip(" \"'.:") for p in re.split(r";|,(?![^()]*\))", text)]
    out: list[str] = []
    for part in filter(None, parts):
        if out and _QUALIFIER.match(part):
            out[-1] = f"{out[-1]}, {part}"
            continue
        left, sep, right = part.rpartition(" and ")
        if sep and len(left.split()) >= 2 and len(right.split()) >= 2:
            out.extend([left.strip(), right.strip()])
        else:
            out.append(re.sub(r"^and\s+", "", part))
    return out


def _diagnoses(summary: str) -> list[str]:
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", summary):
        intro = _DIAGNOSIS_INTRO.search(sentence)
        if not intro or re.search(r"diagnostic", sentence[: intro.start()], re.I):
            continue
        listed = sentence[intro.end() :].strip().rstrip(".")
        listed = re.sub(
            r"^(?:the\s+)?(?:diagnos[ie]s\s+of\s+)?(?:documented\s+(?:is\s+|as\s+)?)?"
            r"(?:(?:the\s+)?following\s+[^:]{0,40}:\s*)?",
            "",
            listed,
            flags=re.I,
        )
        items = [re.sub(r"^(?:a|an|the)\s+", "", d, flags=re.I) for d in _split_list(listed)]
        if items:
            return items
    return []


# Specialty names that contain "and": never split there.
_COMPOUND_SPECIALTIES = re.compile(
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
    return Patient(age=age if age and 0 < age < 120 else None, sex=sex, diagnoses=_diagnoses(flat))


def _dates_of_service(*texts: str) -> list[date]:
    found: list[date] = []
    for text in texts:
        for match in _DOS.finditer(text):
            for raw in re.findall(r"\d{1,2}[/-]\d{1,2}[/-]\d{2,4}", match.group("dates")):
                parsed = parse_date(raw)
                if parsed and parsed not in found:
                    found.append(parsed)
    return found


def _treatment(item: RawItem, text: str) -> Treatment:
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
        claims_administrator_guidelines=parse_citations(item.claims_administrator_guideline),
        reviewer_guidelines=parse_citations(item.reviewer_guideline),
        rationale=collapse_ws(item.rationale),
        **read_rationale(item.rationale, item.rationale_start, text, item.decision, category),
    )


def build_determination(
    parsed: ParsedLetter, *, sha256: str, path: str | None, warnings: list[str]
) -> Determination:
    header = parsed.header
    return Determination(
        source=Source(format=parsed.format, sha256=sha256, path=path),
        case=Case(
            case_number=header.get("case_number"),
            date_assigned=parse_date(header.get("date_assigned")),
            decision_date=parse_date(header.get("decision_date")),
            date_of_injury=parse_date(header.get("date_of_injury")),
            ur_denial_date=parse_date(header.get("ur_denial_date")),
            application_received=parse_date(header.get("application_received")),
            priority=_priority(header.get("priority")),
        ),
        reviewer=Reviewer(
            licensed_states=parse_states(parsed.licensure),
            specialties=_specialties(parsed.specialty),
        ),
        patient=_patient(parsed.summary),
        treatments=link_goes_with([_treatment(item, parsed.text) for item in parsed.items]),
        warnings=[*warnings, *parsed.warnings],
    )
