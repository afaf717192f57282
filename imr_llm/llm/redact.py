"""Mask a worker's personal identifiers before a letter's text leaves this machine.

DWC's published letters are already redacted; a worker's own copy is not: it carries their name
and address (the address block and the salutation), claim and ADJ numbers, sometimes a date of
birth, a phone number, an e-mail or a Social Security number. For any endpoint that is not on
loopback (llm/endpoint.py) every message is masked here first; `--no-redact` opts out.

What stays: the IMR case number (CM..-.......), every other date (injury, UR denial, decision:
the explanation needs them), medical text. Masks are plain labels in brackets ("[name]"); they
are never mapped back, so the identifiers cannot come back into the output or the cache.

Regular expressions, not a named-entity model: the identifiers sit in fixed places of a fixed
letter form (labels, the address block, the salutation), and a name found there is then masked
wherever else it occurs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from imr_llm import regex_cache

_FORM_WORDS = (
    r"Provider|Name|Date|Dates|Claim|Claims|Number|No|Priority|Case|IMR|Dear|Employer|Employee|"
    r"Application|Received|Treatment|Injury|UR|Denial|Phone|Email|Birth|Policy|Re|RE|ADJ|SSN|MD"
)
_NAME_WORD = rf"(?!(?:{_FORM_WORDS})\b)[A-Z][A-Za-z'’\-]+\.?"
_NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}"
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?"

_EMAIL = regex_cache.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = regex_cache.compile(
    r"(?<!\w)(?:\+?1[ .-]?)?(?:\(\d{3}\)\s*|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\d)"
)
_SSN = regex_cache.compile(r"(?<![\w-])(?:\d{3}|[Xx*]{3})-(?:\d{2}|[Xx*]{2})-\d{4}(?![\w-])")
_ADJ = regex_cache.compile(r"\bADJ\s*\d{5,}\b", re.I)
_LABELLED = regex_cache.compile(
    r"(?P<label>\b(?:Claims?\s*(?:Number|No\.?|#)|Claim\s+ID|Policy\s*(?:Number|No\.?)|"
    r"EAMS\s*(?:Number|No\.?)|WCAB\s*(?:Number|No\.?)|Social\s+Security\s*(?:Number|No\.?)|SSN)"
    r"\s*[:#]?[ \t]*)(?P<value>(?=[A-Z0-9\-/]*\d)[A-Z0-9][A-Z0-9\-/]*(?: [A-Z0-9\-/]*\d[A-Z0-9\-/]*)*)",
    re.I,
)
_BIRTH = regex_cache.compile(
    r"(?P<label>\b(?:Date\s+of\s+Birth|Birth\s*date|D\.?O\.?B\.?)\s*[:#]?[ \t]*)"
    r"(?P<value>\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|[A-Z][a-z]+\.? \d{1,2},? \d{4})",
    re.I,
)
_NAME_LABEL = regex_cache.compile(
    rf"(?P<label>\b(?:Employee|Injured\s+Worker|Claimant|Applicant|Patient|Member|Worker)"
    rf"(?:'s)?\s+Name\s*:[ \t]*|\b(?:Employee|Claimant|Applicant|Injured\s+Worker)\s*:[ \t]*)"
    rf"(?P<value>(?!\[){_NAME})"
)
_SALUTATION = regex_cache.compile(
    rf"(?P<label>\bDear[ \t]+(?:{_TITLE}[ \t]+)?)(?P<value>(?!\[){_NAME})"
)
_TITLED = regex_cache.compile(
    rf"\b{_TITLE}[ \t]+(?P<value>(?!\[){_NAME_WORD}(?:[ \t]+{_NAME_WORD})?)"
)
_STREET = regex_cache.compile(
    r"^[ \t]*(?:\d{1,6}[A-Z]?[ \t]+(?:[NSEW]\.?[ \t]+)?[A-Za-z0-9.' \t]+?[ \t]+"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Way|Court|Ct|Place|Pl|"
    r"Circle|Cir|Parkway|Pkwy|Highway|Hwy|Terrace|Ter|Trail)\.?\b[^\n]*|"
    r"P\.?\s*O\.?\s+Box[ \t]+\d+[^\n]*)$",
    re.I | re.M,
)
_CITY_LINE = regex_cache.compile(
    r"^[ \t]*[A-Z][A-Za-z .'\-]+,?[ \t]+[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?[ \t]*$", re.M
)
_NAME_LINE = regex_cache.compile(rf"^[ \t]*(?:{_TITLE}[ \t]+)?(?P<value>{_NAME})[ \t]*$")
_ORGANISATION = regex_cache.compile(
    r"\b(?:Inc|LLC|Services|Insurance|Company|Corp|Fund|Department|Division|MAXIMUS|Group|"
    r"Center|Medical|Clinic|Hospital|Management|Administrators?|Notice|Review)\b",
    re.I,
)


@dataclass
class Redaction:
    """The masked text and what was masked (kept in memory only, for tests and counts)."""

    text: str
    found: list[str] = field(default_factory=list)


def _sub(pattern: re.Pattern[str], mask: str, text: str, found: list[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if "value" in pattern.groupindex:
            found.append(match.group("value").strip())
            label = match.group("label") if "label" in pattern.groupindex else ""
            before = match.group(0)[: match.start("value") - match.start()]
            return (label or before) + mask
        found.append(match.group(0).strip())
        return mask

    return pattern.sub(replace, text)


def _address_blocks(text: str, found: list[str], names: set[str]) -> str:
    """A street line, the city line after it, and the name line(s) before it."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if not _STREET.fullmatch(line):
            continue
        found.append(line.strip())
        lines[number] = "[address]"
        if number + 1 < len(lines) and _CITY_LINE.fullmatch(lines[number + 1]):
            found.append(lines[number + 1].strip())
            lines[number + 1] = "[city, state, ZIP]"
        for back in (1, 2):
            if number - back < 0:
                break
            candidate = _NAME_LINE.fullmatch(lines[number - back])
            if not candidate or _ORGANISATION.search(lines[number - back]):
                break
            names.add(candidate.group("value"))
            found.append(candidate.group("value"))
            lines[number - back] = "[name]"
    return "\n".join(lines)


def redact(text: str) -> Redaction:
    """`text` with personal identifiers masked; the case number and other dates kept."""
    found: list[str] = []
    names: set[str] = set()
    text = _address_blocks(text, found, names)
    for pattern in (_NAME_LABEL, _SALUTATION, _TITLED):
        for match in pattern.finditer(text):
            names.add(match.group("value"))
        text = _sub(pattern, "[name]", text, found)
    text = _sub(_EMAIL, "[e-mail]", text, found)
    text = _sub(_BIRTH, "[date of birth]", text, found)
    text = _sub(_SSN, "[SSN]", text, found)
    text = _sub(_ADJ, "[ADJ number]", text, found)
    text = _sub(_LABELLED, "[number]", text, found)
    text = _sub(_PHONE, "[phone]", text, found)
    # A name found in a labelled place is masked wherever else it occurs, word by word (the
    # letter may write "Ms. Delgado" after "Dear Rosa Delgado").
    words = {w.rstrip(".") for name in names for w in name.split() if len(w.rstrip(".")) > 2}
    for word in sorted(words, key=len, reverse=True):
        text = _sub(re.compile(rf"\b{re.escape(word)}\b"), "[name]", text, found)
    return Redaction(text=text, found=found)


def redact_messages(
    messages: list[dict[str, str]], letter: str | None = None
) -> list[dict[str, str]]:
    """Every message's content masked (the same names masked across all of them).

    `letter` is the whole letter when the messages carry only parts of it (the grounded
    engine sends rationale sentences): the names are learnt from its labelled places (address
    block, salutation, labels) and masked wherever they occur in the messages."""
    parts = [m["content"] for m in messages]
    if letter is not None:
        parts.insert(0, letter)
    masked = redact("\n\x00\n".join(parts)).text.split("\n\x00\n")
    if letter is not None:
        masked = masked[1:]
    return [{**m, "content": c} for m, c in zip(messages, masked, strict=True)]
