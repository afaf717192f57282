"""What kind of denial an upheld item is, which sets its fix, read from the reviewer's words.

`request-incomplete`: the request lacked an amount, frequency, duration, body part, strength or
the names of tests; `already-authorized`: the care was already approved, so the request is
redundant; `goes-with-denied-care`: it depends on a surgery or procedure that was not approved;
`over-guideline-limit`: more than the guideline allows (its limit and the count done are kept
verbatim); otherwise `medical`. Also the letter's safety notes (do not stop a medicine abruptly).
Only the reviewer's finding, conclusion and condition sentences are read, never a guideline
recital, except for the guideline's stated limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from imr_llm.caseless import Caseless, may_hold
from imr_llm.lazy_regex import lazy_compile
from imr_llm.schema import DenialKind, RationaleSentence, RequestDetail, Treatment

_NOT_GIVEN = (
    r"(?:(?:was|were|is|are|has|have|had)\s+not\s+(?:been\s+)?(?:specified|provided|stated|"
    r"indicated|documented|included|identified|listed|named|given|noted|clear|defined)|"
    r"(?:is|are|was|were|remains?)\s+(?:unspecified|unknown|unclear|not\s+known))"
)
_OMITS = (
    r"(?:fail(?:s|ed)?\s+to|did\s+not|does\s+not|do\s+not|not)\s+(?:\w+\s+){0,2}?(?:provide|specify|"
    r"state|indicate|include|list|name|identify|mention|document|define|clarify)"
)
_DETAIL_WORDS: tuple[tuple[RequestDetail, str], ...] = (
    (
        "quantity",
        r"quantity|number\s+of\s+(?:\w+\s+){0,2}?(?:sessions|visits|treatments|tablets|"
        r"pills|units|days)|amount|how\s+many|total\s+(?:number|amount)",
    ),
    ("frequency", r"frequency|how\s+often"),
    ("duration", r"duration|how\s+long|length\s+of\s+(?:time|treatment|use)"),
    (
        "body part",
        r"body\s+part|(?:anatomic(?:al)?\s+)?(?:location|site|side|laterality|region)|"
        r"(?:which|what)\s+(?:body\s+part|joint|level|side|area)",
    ),
    (
        "test names",
        r"(?:specific|individual|proposed|requested|which|what|names?\s+of\s+the)\s+"
        r"(?:psychological\s+|diagnostic\s+|lab(?:oratory)?\s+)?tests?|tests?\s+(?:to\s+be\s+)?"
        r"(?:performed|administered|used|given)|testing\s+instruments?",
    ),
    ("strength", r"strength|dosage|dose|milligrams?"),
)
_DETAIL = "|".join(words for _, words in _DETAIL_WORDS)
_DETAIL_KINDS = tuple((detail, lazy_compile(words, re.I)) for detail, words in _DETAIL_WORDS)
_LACKS = Caseless(
    rf"{_OMITS}\s+(?:\w+\s+){{0,3}}?(?:{_DETAIL})|(?:{_DETAIL})\s+(?:\w+\s+){{0,6}}?{_NOT_GIVEN}|"
    rf"\b(?:unspecified|unknown|undetermined|no\s+(?:stated|specified))\s+(?:{_DETAIL})|"
    rf"\bwithout\s+(?:a|the|any)?\s*(?:specific|specified|stated|defined)\s+(?:{_DETAIL})",
)
# Every _LACKS match holds one of these (a cheap test before the regex).
_LACKS_WORDS = (
    "quantit",
    "number",
    "amount",
    "how ",
    "total",
    "frequen",
    "duration",
    "length",
    "body",
    "location",
    "site",
    "side",
    "laterality",
    "region",
    "which",
    "what",
    "test",
    "strength",
    "dos",
    "milligram",
)
# ... and one of these: the request's detail is said to be missing.
_LACKS_NOT_WORDS = (
    "not",
    "fail",
    "unknown",
    "unclear",
    "undetermined",
    "stated",
    "specified",
    "without",
)
# "number of sessions completed to date was not specified" is about care already given.
_ABOUT_PAST = lazy_compile(
    r"\b(?:prior|previous(?:ly)?|past|completed|attended|to\s+date|already|so\s+far|received|"
    r"had|undergone|thus\s+far)\b",
    re.I,
)
# "While the request for Zofran is reasonable, the request failed to provide quantity."
_OTHERWISE_FINE = Caseless(
    r"\b(?:while|although|though)\b[^.]{0,120}\b(?:is|are|would\s+be|may\s+be|appears?)\s+"
    r"(?:\w+\s+)?(?:reasonable|indicated|appropriate|supported|warranted|necessary)|"
    r"\botherwise\s+(?:\w+\s+)?(?:reasonable|indicated|appropriate|supported|warranted)|"
    r"\bcannot\s+be\s+(?:certified|approved|authorized|supported)\s+(?:as|because|without)",
)
_ALREADY = Caseless(
    r"\b(?:redundant|duplicat\w+)\b|\b(?:already|previously)\s+(?:been\s+)?(?:authorized|"
    r"certified|approved)\b[^.]{0,160}\b(?:redundant|duplicat\w+|no\s+need|not\s+(?:necessary|"
    r"needed)|unnecessary|pending|not\s+(?:yet\s+)?(?:been\s+)?(?:completed|used|started|"
    r"attended|done))|\b(?:has|have)\s+(?:already\s+)?been\s+(?:authorized|certified|approved)\s+"
    r"(?:already|previously)\b",
)
_GOES_WITH = Caseless(
    r"\b(?:since|as|because|given\s+that|given|with|when|if|in\s+that)\s+(?:\w+\s+){0,3}?"
    r"(?:surgery|surgical\s+(?:procedure|intervention|request)|primary\s+(?:procedure|"
    r"surgery|request)|operation|procedure|injection|associated\s+(?:surgical\s+)?(?:procedure|"
    r"request))\s+(?:\w+\s+){0,6}?(?:is|was|has\s+been|have\s+been|were|are)\s+(?:not\s+"
    r"(?:been\s+)?(?:medically\s+necessary|certified|approved|authorized|supported|"
    r"recommended|indicated|found\s+(?:to\s+be\s+)?(?:medically\s+)?necessary)|non-?certified|"
    r"denied|deemed\s+not)|\b(?:associated|ancillary)\s+(?:\w+\s+)?services?\s+(?:are|is|would\s+"
    r"be)\s+(?:also\s+)?not\b|\bnot\s+(?:medically\s+)?(?:necessary|supported|indicated|"
    r"warranted)\s+(?:either|as\s+well)\b",
)
_OVER = Caseless(
    r"\bexceed\w*|\bin\s+excess\s+of\b|\bmore\s+than\s+(?:the\s+)?(?:\w+\s+){0,3}(?:recommended|"
    r"allowed|supported|guidelines?)|\bbeyond\s+(?:the\s+)?(?:\w+\s+){0,2}(?:guidelines?|"
    r"recommend\w*|limit)|\b(?:already|has|have)\s+(?:\w+\s+){0,3}(?:completed|had|received|"
    r"attended|undergone)\s+(?:\w+\s+){0,3}(?:maximum|max|full\s+course|recommended\s+number)",
)
_UNCERTAIN = Caseless(
    r"\b(?:if|whether)\b|not\s+possible|(?:cannot|unable\s+to|difficult\s+to)\s+(?:be\s+)?determine",
)
_UNITS = r"(?:visits?|sessions?|treatments?|injections?|days?|weeks?|months?|tablets?|units?)"
_NUMBER = r"(?:\d+(?:\s*(?:-|to)\s*\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"
_LIMIT = Caseless(
    rf"\b(?:up\s+to|a\s+(?:maximum|max|total)\s+of|maximum\s+of|no\s+more\s+than|not\s+to\s+"
    rf"exceed|limited\s+to)\s+{_NUMBER}\s+(?:\w+\s+)?{_UNITS}(?:\s+(?:over|in|within|per)\s+"
    rf"{_NUMBER}\s+{_UNITS})?(?!\s*(?:per|a|each|every)\s+(?:week|day|month))",
)
_DONE = Caseless(
    rf"\b(?:at\s+least|a\s+total\s+of|approximately|about|over|more\s+than)\s+{_NUMBER}\s+"
    rf"(?:\w+\s+){{0,2}}?{_UNITS}|\b{_NUMBER}\s+(?:\w+\s+){{0,2}}?{_UNITS}\s+(?:\w+\s+){{0,2}}?"
    rf"(?:to\s+date|completed|attended|thus\s+far|so\s+far|already|previously|in\s+the\s+past)|"
    rf"\b(?:completed|attended|had|received|undergone)\s+(?:\w+\s+){{0,2}}?{_NUMBER}\s+"
    rf"(?:\w+\s+){{0,2}}?{_UNITS}",
)
_SAFETY = Caseless(
    r"\b(?:abrupt(?:ly)?|sudden(?:ly)?)\b[^.]{0,80}?\b(?:stop\w*|discontinu\w*|cessation|"
    r"withdraw\w*|ceas\w*|terminat\w*)|\b(?:stop\w*|discontinu\w*|cessation|withdraw\w*)\s+"
    r"(?:\w+\s+){0,6}?(?:abrupt(?:ly)?|sudden(?:ly)?)\b|\bnot\s+be\s+interpreted\s+as\s+a\s+"
    r"recommendation\s+to\s+stop",
)


@dataclass
class DenialRead:
    kind: DenialKind | None = None
    lacks: list[RequestDetail] = field(default_factory=list)
    guideline_limit: str | None = None
    count_done: str | None = None
    safety_notes: list[str] = field(default_factory=list)


def request_lacks(
    sentences: list[RationaleSentence], lows: list[str] | None = None
) -> list[RequestDetail]:
    """What the reviewer says the request itself did not name (never what was done before).
    `lows`, when given, are the sentences' texts lower-cased."""
    found: list[RequestDetail] = []
    if lows is None:
        lows = [sentence.text.lower() for sentence in sentences]
    for sentence, low in zip(sentences, lows, strict=True):
        text = sentence.text
        # map over a bound method: the words are tested in C, with no Python frame per word.
        if sentence.role == "guideline" or not any(map(low.__contains__, _LACKS_WORDS)):
            continue
        if not may_hold(text, _LACKS_NOT_WORDS, low):
            continue
        for match in _LACKS.finditer(text, low):
            clause = text[max(0, match.start() - 40) : match.end() + 30]
            if _ABOUT_PAST.search(clause) and not re.search(r"request", clause, re.I):
                continue
            lacking = text[match.start() : match.end()]
            for detail, words in _DETAIL_KINDS:
                if words.search(lacking) and detail not in found:
                    found.append(detail)
    return found


def _has(text: str, low: str, words: tuple[str, ...], pattern: Caseless) -> bool:
    """`pattern` found in `text` (`low` is `text.lower()`); `words` (one of which every match
    holds) tested first, in C."""
    return any(map(low.__contains__, words)) and bool(pattern.search(text, low))


_SAFETY_WORDS = ("abrupt", "sudden", "interpreted")
_ALREADY_WORDS = ("redundant", "duplicat", "authoriz", "certif", "approv")
_GOES_WITH_WORDS = (
    "surg",
    "procedure",
    "operation",
    "injection",
    "associated",
    "ancillary",
    "either",
    "as well",
)
_OVER_WORDS = ("exceed", "excess", "more than", "beyond", "maximum", "max", "full course", "number")


def goes_with_denied_care(sentence: str, low: str | None = None) -> bool:
    """True when the sentence says the care depends on a surgery or procedure not approved
    (`low`, when given, is `sentence.lower()`)."""
    return _has(sentence, sentence.lower() if low is None else low, _GOES_WITH_WORDS, _GOES_WITH)


def _held(words: tuple[str, ...], lows: str) -> bool:
    """Whether one of `words` stands in one of the sentences whose lower-cased texts `lows` joins
    with newlines: one pass in C for all of an item's sentences. Exact: no word holds a newline,
    so none is found across two sentences."""
    return any(map(lows.__contains__, words))


def _first(pattern: Caseless, texts: list[tuple[str, str]]) -> str | None:
    """The first match of `pattern` in `texts` ((text, its lower case) pairs), as written."""
    for text, low in texts:
        match = pattern.search(text, low)
        if match:
            return text[match.start() : match.end()]
    return None


def read_denial(sentences: list[RationaleSentence], upheld: bool) -> DenialRead:
    lows = [s.text.lower() for s in sentences]  # each sentence lower-cased once
    own = [s for s in sentences if s.role != "guideline"]
    own_texts = [
        (s.text, low) for s, low in zip(sentences, lows, strict=True) if s.role != "guideline"
    ]
    # Most items' sentences hold none of a test's words: each word list is first tried once on
    # all of them joined (_held), and the sentences one by one only when one of its words stands.
    all_lows = "\n".join(lows)
    own_lows = "\n".join(low for _, low in own_texts)
    read = DenialRead(
        safety_notes=[
            s.text
            for s, low in zip(sentences, lows, strict=True)
            if _has(s.text, low, _SAFETY_WORDS, _SAFETY)
        ]
        if _held(_SAFETY_WORDS, all_lows)
        else [],
        lacks=request_lacks(sentences, lows) if _held(_LACKS_WORDS, own_lows) else [],
    )
    if not upheld:
        return read
    if _held(_ALREADY_WORDS, own_lows) and any(
        _has(text, low, _ALREADY_WORDS, _ALREADY) for text, low in own_texts
    ):
        read.kind = "already-authorized"
    elif _held(_GOES_WITH_WORDS, own_lows) and any(
        _has(text, low, _GOES_WITH_WORDS, _GOES_WITH) for text, low in own_texts
    ):
        read.kind = "goes-with-denied-care"
    elif read.lacks and (
        any(_OTHERWISE_FINE.search(text, low) for text, low in own_texts)
        or not _medical_grounds(own)
    ):
        read.kind = "request-incomplete"
    elif _held(_OVER_WORDS, own_lows) and any(
        _has(text, low, _OVER_WORDS, _OVER) and not _UNCERTAIN.search(text, low)
        for text, low in own_texts
    ):
        read.kind = "over-guideline-limit"
        texts = [(s.text, low) for s, low in zip(sentences, lows, strict=True)]
        read.guideline_limit = _first(_LIMIT, texts)
        read.count_done = _first(_DONE, own_texts)
    else:
        read.kind = "medical"
    return read


_MEDICAL_GROUNDS = Caseless(
    r"\b(?:functional\s+(?:improvement|benefit|gains?)|red\s+flags?|radicul\w+|neurologic\w*|"
    r"instability|conservative|first[\s-]line|objective\s+(?:findings|evidence)|"
    r"not\s+recommended|experimental|exam(?:ination)?\s+findings|efficacy|evidence\s+of\s+"
    r"(?:benefit|improvement|pain\s+relief))",
)


def _medical_grounds(own: list[RationaleSentence]) -> bool:
    """True when the reviewer's own sentences also give a medical ground for the denial."""
    return any(_MEDICAL_GROUNDS.search(s.text, s.text.lower()) for s in own if s.role == "finding")


_MAIN_CATEGORIES = frozenset({"surgery", "injection"})


def link_goes_with(treatments: list[Treatment]) -> list[Treatment]:
    """Point each goes-with-denied-care item at the denied main procedure of this letter: the
    nearest upheld surgery or injection before it (else after it)."""
    mains = [
        i
        for i, t in enumerate(treatments)
        if t.decision == "upheld"
        and t.category in _MAIN_CATEGORIES
        and t.denial_kind != "goes-with-denied-care"
    ]
    out = []
    for i, t in enumerate(treatments):
        if t.denial_kind == "goes-with-denied-care" and mains:
            before = [m for m in mains if m < i]
            main = before[-1] if before else next((m for m in mains if m != i), None)
            if main is not None and main != i:
                t = t.model_copy(update={"goes_with": main})
        out.append(t)
    return out
