"""Formats that state each decision in a sentence or a DETERMINATION line, with the item's
guidelines and rationale in a numbered section further down: the 2013 notice and the MEDICAL
PROFESSIONAL REVIEW layout."""

from __future__ import annotations

import re
from dataclasses import dataclass

from imr_llm import regex_cache
from imr_llm.errors import LetterParseError
from imr_llm.formats.common import (
    body_parts,
    is_subheading,
    parse_credentials,
    split_retrospective,
)
from imr_llm.formats.header import read_header
from imr_llm.formats.parsed import ParsedLetter, RawItem
from imr_llm.lazy_regex import lazy_compile
from imr_llm.normalize import collapse_ws
from imr_llm.schema import Decision

_DATE = r"\d{1,2}/\d{1,2}/\d{2,4}"


@dataclass(frozen=True)
class _Statement:
    number: int
    request: str
    decision: Decision
    evidence: str


def _section(text: str, heading: str, stops: str) -> str:
    match = re.search(rf"^[ \t]*{heading}[ \t]*:?[ \t]*$", text, re.M | re.I)
    if not match:
        return ""
    end = re.search(rf"^[ \t]*(?:{stops})", text[match.end() :], re.M | re.I)
    return text[match.end() : match.end() + end.start() if end else len(text)].strip()


_ITEM_HEADING = lazy_compile(
    r"^[ \t]*(?:ISSUE\s+)?(?P<n>\d{1,2})\s*[.):]\s*(?:Regarding\s+the\s+request\s+for\s+)?"
    r"(?P<name>.+?):?[ \t]*$",
    re.M | re.I,
)


def _item_sections(text: str, start: int) -> dict[int, tuple[str, str]]:
    """Numbered item sections ("1) Regarding the request for X:", "2. X", "ISSUE 2: X") that are
    followed by an item sub-heading: number -> (name, body)."""
    found = [
        m for m in _ITEM_HEADING.finditer(text, start) if is_subheading(text[m.end() :].lstrip())
    ]
    sections: dict[int, tuple[str, str]] = {}
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        sections.setdefault(
            int(match.group("n")), (collapse_ws(match.group("name")), text[match.end() : end])
        )
    return sections


def _items(text: str, statements: list[_Statement], sections_from: int) -> list[RawItem]:
    sections = _item_sections(text, sections_from)
    items = []
    for number, statement in enumerate(statements, 1):
        name, body = sections.get(statement.number, sections.get(number, (statement.request, "")))
        parts = body_parts(body)
        rationale = parts.get("rationale", "")
        if not rationale:
            raise LetterParseError(
                f"no rationale found for item {number} ({statement.request!r}); the letter may "
                "be cut off - get the complete letter"
            )
        retrospective, request = split_retrospective(name or statement.request)
        items.append(
            RawItem(
                request=request,
                retrospective=retrospective,
                decision=statement.decision,
                decision_evidence=statement.evidence,
                claims_administrator_guideline=collapse_ws(parts.get("ca", "")),
                reviewer_guideline=collapse_ws(parts.get("reviewer", "")),
                rationale=rationale,
                rationale_start=text.find(rationale),
            )
        )
    return items


_DETERMINED = regex_cache.compile(
    r"(?P<n>\d{1,2})\s*[.)]\s*MAXIMUS\s+Federal\s+Services,?\s+Inc\.?\s+has\s+determined\s+the\s+"
    r"request\s+for\s+(?P<req>.+?)\s+(?:is|are)\s+(?P<not>not\s*)?medically\s+necessary"
    r"(?:\s+and\s+appropriate)?\.",
    re.I | re.S,
)


def parse_dwc2013(text: str) -> ParsedLetter:
    parsed = ParsedLetter(format="dwc-2013", text=text)
    flat_statements: dict[int, _Statement] = {}
    last_end = 0
    for match in _DETERMINED.finditer(text):
        number = int(match.group("n"))
        flat_statements.setdefault(
            number,
            _Statement(
                number,
                collapse_ws(match.group("req")),
                "upheld" if match.group("not") is not None else "overturned",
                collapse_ws(match.group(0)),
            ),
        )
        last_end = match.end()
    header_end = text.find("Dear ") if "Dear " in text else min(len(text), 2000)
    parsed.header, header_warnings = read_header(text[:header_end])
    parsed.warnings += header_warnings
    dated = re.search(rf"^\s*Dated\s*:\s*({_DATE})", text, re.M | re.I)
    if dated and "decision_date" not in parsed.header:
        parsed.header["decision_date"] = dated.group(1)
    assigned = re.search(
        rf"Notice\s+of\s+Assignment[^.]*?provided\s+to\s+the\s+above\s+parties\s+on\s+({_DATE})",
        text,
        re.I,
    )
    if assigned:
        parsed.header.setdefault("date_assigned", assigned.group(1))
    parsed.licensure, parsed.specialty = parse_credentials(text)
    parsed.summary = _section(text, r"Case\s+Summary", r"Documents\s+Reviewed|\d{1,2}\s*[.)]\s")
    statements = [flat_statements[n] for n in sorted(flat_statements)]
    parsed.items = _items(text, statements, last_end)
    return parsed


_ISSUE_LIST = regex_cache.compile(
    r"(?:^[ \t]*(?:\d{1,2}\s*[.)]\s*)?(?P<req>[^\n]+?)[ \t]*\n)(?:[ \t]*\n)*[ \t]*DETERMINATION\s*:\s*"
    r"(?P<word>UPHELD|OVERTURNED)",
    re.M | re.I,
)


def parse_professional_review(text: str) -> ParsedLetter:
    parsed = ParsedLetter(format="dwc-professional-review", text=text)
    issue = re.search(r"ISSUE\s+AT\s+DISPUTE\s*:", text, re.I)
    start = issue.end() if issue else 0
    parsed.header, header_warnings = read_header(text[:start] if start else text[:1500])
    parsed.warnings += header_warnings
    statements = []
    last_end = start
    for number, match in enumerate(_ISSUE_LIST.finditer(text, start), 1):
        req = re.sub(r"^\s*ISSUE\s+AT\s+DISPUTE\s*:\s*", "", match.group("req"), flags=re.I)
        statements.append(
            _Statement(
                number,
                collapse_ws(req),
                "upheld" if match.group("word").upper() == "UPHELD" else "overturned",
                collapse_ws(match.group(0)),
            )
        )
        last_end = match.end()
    parsed.licensure, parsed.specialty = parse_credentials(text)
    parsed.summary = _section(text, r"CASE\s+SUMMARY", r"DOCUMENTS\s+REVIEWED|ISSUE\s+\d|\S+\s*:$")
    if len(statements) == 1:
        parts = body_parts(text[last_end:])
        if parts.get("rationale"):
            rationale = parts["rationale"]
            parsed.items = [
                RawItem(
                    request=statements[0].request,
                    decision=statements[0].decision,
                    decision_evidence=statements[0].evidence,
                    claims_administrator_guideline=collapse_ws(parts.get("ca", "")),
                    reviewer_guideline=collapse_ws(parts.get("reviewer", "")),
                    rationale=_before_qualifications(rationale),
                    rationale_start=text.find(rationale),
                )
            ]
            return parsed
    parsed.items = _items(text, statements, last_end)
    for item in parsed.items:
        item.rationale = _before_qualifications(item.rationale)
    return parsed


def _before_qualifications(rationale: str) -> str:
    return re.split(r"^[ \t]*MEDICAL\s+REVIEWER\s+QUALIFICATIONS", rationale, flags=re.M | re.I)[0]
